"""Retention deletes files past their retention date and records each deletion; counts and pseudonymous rows
stay; a dry run changes nothing; a rerun — including after a crash between deleting and recording — converges."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError
from sharelog.ledger import ledger_session, verify_audit_chain
from sharelog.ledger.models import Disclosure, ReturnFile
from sharelog.retention import apply_retention, overdue_deletions
from sharelog.settings import Settings

from ..worlds import (
    add_agreement,
    add_disclosure,
    add_exchange,
    add_return_file,
    add_review_item,
    audit_count,
    audit_details,
    migrated,
)

runner = CliRunner(env={"COLUMNS": "200"})
LAST_DAY = date(2019, 6, 2)  # March's files may be kept until this day
DAY_AFTER = LAST_DAY + timedelta(days=1)
OLD, NEW = "EX-2019-03-aaaaaaaa", "EX-2019-04-bbbbbbbb"


@dataclass(frozen=True)
class Files:
    settings: Settings
    engine: Engine
    old_return: Path
    old_supplementary: Path
    old_review: Path
    new_return: Path


@pytest.fixture
def files(ledger_url: str, ledger_engine: Engine, tmp_path: Path) -> Iterator[Files]:
    """March's exchange (return file, supplementary file, review file with an undecided item) is due on
    2019-06-03; April's return file is not."""
    data = tmp_path / "data"
    settings = Settings(data_dir=data, database_url=ledger_url, agreements_dir=None, actor="retention-job")
    migrated(ledger_engine)
    with ledger_session(ledger_engine) as session:
        agreement = add_agreement(session)
        old = add_exchange(session, agreement, reference=OLD, state="awaiting_review", review=1)
        new = add_exchange(session, agreement, reference=NEW, month="2019-04")
        add_disclosure(session, old, request_ref="HO-03-001")
        add_return_file(session, old, data_dir=data, retention_until=LAST_DAY)
        add_return_file(
            session, old, data_dir=data, retention_until=LAST_DAY + timedelta(days=5), kind="supplementary"
        )
        add_review_item(session, old, request_ref="HO-03-002", pupil_id="P0000002")
        add_return_file(session, new, data_dir=data, retention_until=LAST_DAY + timedelta(days=30))
    review = settings.review_path() / f"{OLD}.json"
    review.parent.mkdir(parents=True)
    review.write_text(
        '{"items": [{"request_id": "HO-03-002", "details": {"surname": "Haddad"}}]}', encoding="utf-8"
    )
    returns = settings.returns_path()
    yield Files(
        settings,
        ledger_engine,
        returns / f"{OLD}.csv",
        returns / f"{OLD}.supplementary.csv",
        review,
        returns / f"{NEW}.csv",
    )


def _deleted(files: Files) -> dict[str, bool]:
    with ledger_session(files.engine) as session:
        rows = session.execute(select(ReturnFile.path, ReturnFile.deleted_at)).all()
    return {path: deleted_at is not None for path, deleted_at in rows}


def test_on_the_last_day_nothing_is_due(files: Files) -> None:
    result = apply_retention(files.settings, engine=files.engine, today=LAST_DAY)
    assert result.files == () and result.refused == ()
    assert files.old_return.is_file() and files.old_review.is_file()


def test_a_dry_run_lists_what_would_go_and_changes_nothing(files: Files) -> None:
    result = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER, dry_run=True)
    assert [(f.kind, f.path, f.found, f.recorded) for f in result.files] == [
        ("main", f"returns/{OLD}.csv", True, False),
        ("review", f"review/{OLD}.json", True, False),
    ]
    assert files.old_return.is_file() and files.old_review.is_file()
    assert not any(_deleted(files).values())
    with ledger_session(files.engine) as session:
        assert audit_count(session) == 0


def test_apply_deletes_records_and_keeps_the_rows(files: Files) -> None:
    later = DAY_AFTER + timedelta(days=5)  # the supplementary file's day has come too
    result = apply_retention(files.settings, engine=files.engine, today=later)
    assert [(f.kind, f.found, f.checksum_matched, f.recorded) for f in result.files] == [
        ("main", True, True, True),
        ("supplementary", True, True, True),
        ("review", True, None, True),
    ]
    assert (
        not files.old_return.exists()
        and not files.old_supplementary.exists()
        and not files.old_review.exists()
    )
    assert files.new_return.is_file()
    assert _deleted(files) == {
        f"returns/{OLD}.csv": True,
        f"returns/{OLD}.supplementary.csv": True,
        f"returns/{NEW}.csv": False,
    }
    with ledger_session(files.engine) as session:
        main, supplementary = audit_details(session, "return-file-deleted")
        recorded = session.execute(
            select(ReturnFile.checksum).where(ReturnFile.path == f"returns/{OLD}.csv")
        ).scalar_one()
        assert main == {
            "exchange": OLD,
            "kind": "main",
            "sha256": recorded,
            "rows": 1,
            "retention_until": "2019-06-02",
            "found": True,
            "checksum_matched": True,
        }
        [review] = audit_details(session, "review-file-deleted")
        assert review["found"] is True and review["undecided_items"] == 1 and len(str(review["sha256"])) == 64
        assert session.execute(select(func.count()).select_from(Disclosure)).scalar_one() == 1
        assert verify_audit_chain(session).ok


def test_a_rerun_finds_nothing_more_to_do(files: Files) -> None:
    apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    with ledger_session(files.engine) as session:
        events = audit_count(session)
    again = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    assert again.files == ()
    with ledger_session(files.engine) as session:
        assert audit_count(session) == events


def test_a_crash_between_deleting_and_recording_is_finished_by_the_next_run(
    files: Files, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> bool:
        raise RuntimeError("power cut")

    monkeypatch.setattr("sharelog.retention._apply._record_return_file", crash)
    with pytest.raises(RuntimeError):
        apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    assert not files.old_return.exists()  # deleted ...
    assert not _deleted(files)[f"returns/{OLD}.csv"]  # ... but not yet recorded: the ledger under-claims
    monkeypatch.undo()
    monkeypatch.setattr("sharelog.retention._apply._record_review_file", crash)
    with pytest.raises(RuntimeError):
        apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    assert not files.old_review.exists()
    monkeypatch.undo()
    dry = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER, dry_run=True)
    assert [(f.kind, f.found) for f in dry.files] == [
        ("review", False)
    ]  # the return file was recorded in run 2
    finished = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    assert [(f.kind, f.found, f.recorded) for f in finished.files] == [("review", False, True)]
    with ledger_session(files.engine) as session:
        [main] = audit_details(session, "return-file-deleted")
        [review] = audit_details(session, "review-file-deleted")
    assert main["found"] is False and main["checksum_matched"] is None
    assert review["found"] is False and review["sha256"] is None
    assert apply_retention(files.settings, engine=files.engine, today=DAY_AFTER).files == ()


def test_a_partial_copy_left_by_a_crashed_exchange_goes_too(files: Files) -> None:
    partial = files.old_return.with_name(f".{files.old_return.name}.partial")
    files.old_return.rename(partial)
    [main, _] = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER).files
    assert (main.found, main.checksum_matched) == (True, True)
    assert not partial.exists()


def test_a_changed_file_is_deleted_and_the_mismatch_recorded(files: Files) -> None:
    files.old_return.write_bytes(b"request_id\nsomething else\n")
    [main, _] = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER).files
    assert (main.found, main.checksum_matched) == (True, False)


def test_a_ledger_path_outside_the_data_folder_is_never_followed(files: Files, tmp_path: Path) -> None:
    outside = tmp_path / "precious.csv"
    outside.write_text("keep me", encoding="utf-8")
    with ledger_session(files.engine) as session:
        row = session.execute(select(ReturnFile).where(ReturnFile.path == f"returns/{OLD}.csv")).scalar_one()
        row.path = "../precious.csv"
    result = apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)
    assert result.refused == ("../precious.csv",)
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_a_future_day_is_for_dry_runs_only(files: Files) -> None:
    future = date.today() + timedelta(days=1)
    with pytest.raises(InputError, match="a date after today is allowed only in a dry run") as raised:
        apply_retention(files.settings, engine=files.engine, today=future)
    assert (raised.value.field, raised.value.cli_hint) == ("today", "add --dry-run")
    assert len(apply_retention(files.settings, engine=files.engine, today=future, dry_run=True).files) == 4


def test_the_command_dry_run_then_apply(files: Files) -> None:
    dry = runner.invoke(app, ["retention", "apply", "--dry-run", "--today", "2019-06-03"], obj=files.settings)
    assert dry.exit_code == 0, dry.output
    assert "would delete" in dry.stdout and "Dry run: 2 file(s) would go. Nothing was changed." in dry.stdout
    done = runner.invoke(app, ["retention", "apply", "--today", "2019-06-03"], obj=files.settings)
    assert done.exit_code == 0, done.output
    assert "Deleted 2 file(s); recorded 2 deletion(s) in the ledger." in done.stdout
    again = runner.invoke(app, ["retention", "apply", "--today", "2019-06-03"], obj=files.settings)
    assert again.stdout.strip() == "Nothing is past its retention date on 2019-06-03."


# --- what must be warned about until retention runs ----------------------------------------------------------


def test_files_past_retention_are_warned_about_until_deleted(files: Files) -> None:
    with ledger_session(files.engine) as session:
        assert overdue_deletions(session, organisation_id="dfe", today=LAST_DAY) == []
        later = DAY_AFTER + timedelta(days=5)
        overdue = overdue_deletions(session, organisation_id="home-office", today=later)
        assert [(o.exchange, o.kind, o.days_over) for o in overdue] == [
            (OLD, "main", 6),
            (OLD, "supplementary", 1),
        ]
        assert overdue_deletions(session, organisation_id="home-office", today=later, exchange=NEW) == []
        assert overdue_deletions(session, organisation_id="another-council", today=later) == []
    apply_retention(files.settings, engine=files.engine, today=DAY_AFTER)  # deletes the main file only
    with ledger_session(files.engine) as session:
        left = overdue_deletions(session, organisation_id=None, today=DAY_AFTER + timedelta(days=5))
        assert [(o.exchange, o.kind) for o in left] == [(OLD, "supplementary")]
