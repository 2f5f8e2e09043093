"""Fuzzing what an FOI officer types: a new case's fields, exemption citations, extra bank holidays, and the
dates and day counts of the deadline calculator (the service and `sharelog foi deadline`).

A new case is opened — and stays readable, on SQLite and PostgreSQL alike — or refused with every problem
listed; the requester's name and contact, the title and the text are personal data or may hold it, so no
refusal quotes them, and a refused case leaves no row behind.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError, SharelogError
from sharelog.foi import (
    AUTHORITY_TYPES,
    REGIMES,
    exemption,
    explain_deadline,
    new_case,
    normalise_citation,
    parse_extra_holidays,
)
from sharelog.ledger import ledger_session
from sharelog.ledger.models import AuditEvent, FoiCase
from sharelog.settings import Settings

from ..worlds import add_organisation, migrated
from ._hostile import HOSTILE_DATES, MARKER, check_refusal, fuzz_settings, marked_values, tally

TODAY = date(2021, 6, 1)
runner = CliRunner()


def personal_text(max_size: int = 400) -> st.SearchStrategy[str]:
    """Free text as a person or a pasted email gives it: marked, odd, very long, control characters."""
    return st.one_of(
        marked_values(),
        st.text(max_size=20).map(lambda text: f"{text}{MARKER}"),
        st.sampled_from(("", " ", "\n", "\x00", MARKER * 40)),
        st.integers(0, 4).map(lambda n: MARKER + "x" * (99 * 10**n)),  # up to 1 MB
    )


def options_text() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), st.text(max_size=50), st.sampled_from(("FOI-2020-0001\n", "a" * 41, "59907")))


@pytest.fixture
def ledger(ledger_engine: Engine) -> Engine:
    """A migrated ledger (SQLite, then PostgreSQL), shared by the examples of a test."""
    return migrated(ledger_engine)


def _counts(engine: Engine) -> tuple[int, int]:
    with ledger_session(engine) as session:
        cases = session.execute(select(func.count()).select_from(FoiCase)).scalar_one()
        audit = session.execute(select(func.count()).select_from(AuditEvent)).scalar_one()
    return int(cases), int(audit)


@fuzz_settings(0.5)
@given(
    title=personal_text(),
    text=personal_text(),
    requester=st.one_of(st.none(), personal_text()),
    contact=st.one_of(st.none(), personal_text()),
    authority=st.one_of(st.none(), personal_text()),
    reference=options_text(),
    regime=st.one_of(st.sampled_from(REGIMES), st.text(max_size=8)),
    authority_type=st.one_of(st.sampled_from(AUTHORITY_TYPES), st.text(max_size=8)),
    received=st.dates(),
    about=st.one_of(
        st.none(),
        st.lists(
            st.one_of(st.sampled_from(("2019-01", "2019-01\n", "٢٠١٩-٠١")), st.text(max_size=8)), max_size=3
        ),
    ),
)
@example(
    title="Pupil data", text="Please send", requester=None, contact=None, authority="A" * 201, reference=None,
    regime="foia", authority_type="central_government", received=date(2020, 8, 12), about=None,
)  # fmt: skip
@example(
    title="Pupil data", text="Please send", requester=None, contact=None, authority=None,
    reference="FOI-1\n", regime="foia", authority_type="central_government", received=date(2020, 8, 12),
    about=["2019-01\n"],
)  # fmt: skip
@example(
    title=f"Pupil\x00data {MARKER}", text="Please send", requester=None, contact=None, authority=None,
    reference=None, regime="foia", authority_type="central_government", received=date(2020, 8, 12), about=None,
)  # fmt: skip
def test_new_case(
    ledger: Engine,
    title: str,
    text: str,
    requester: str | None,
    contact: str | None,
    authority: str | None,
    reference: str | None,
    regime: str,
    authority_type: str,
    received: date,
    about: list[str] | None,
) -> None:
    before = _counts(ledger)
    try:
        with ledger_session(ledger) as session:
            view = new_case(
                session,
                received_on=received,
                title=title,
                request_text=text,
                actor="fuzz",
                organisation_id=add_organisation(session),
                regime=regime,
                authority_type=authority_type,
                authority=authority,
                reference=reference,
                requester_name=requester,
                requester_contact=contact,
                about=about,
                today=TODAY,
            )
    except Exception as error:  # noqa: BLE001 — the property says which exceptions may come out
        tally(f"refused: {type(error).__name__}")
        check_refusal(error, file="", markers=[MARKER])
        assert _counts(ledger) == before, "a refused case left rows behind"
        return
    tally("opened")
    with ledger_session(ledger) as session:
        case = session.execute(select(FoiCase).where(FoiCase.reference == view.reference)).scalar_one()
        assert case.requester_name == (requester or None)
        assert case.request_text == text.removeprefix("\ufeff")  # a byte-order mark is no part of a request
        if about:
            assert case.about_first is not None and len(case.about_first) == 7


@fuzz_settings()
@given(
    citation=st.one_of(
        st.text(max_size=20),
        st.from_regex(r"\A(s\.? ?|section )?[0-9]{1,3}[A-Za-z]?(\([0-9a-z]{1,3}\)){0,3}\Z"),
    )
)
@example(citation="٣١")
@example(citation="31(1)(e)\n")
@example(citation="s." + "(a)" * 5000)
def test_exemption_citations(citation: str) -> None:  # fmt: skip
    try:
        found = exemption(citation)
    except InputError as error:
        assert error.field == "exemptions"
        return
    assert normalise_citation(found.citation) == found.citation
    assert found.citation.isascii()


@fuzz_settings()
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.lists(
            st.one_of(
                st.sampled_from(HOSTILE_DATES),
                st.sampled_from(("2026-07-13:NIR", "2026-08-03:SCT+NIR", "2026-08-03:", "2026-08-03:xx+")),
            ),
            max_size=4,
        ).map(",".join),
    )
)
@example(text="٢٠٢٦-٠٧-١٣")
def test_extra_bank_holidays(text: str) -> None:
    try:
        days = parse_extra_holidays(text)
    except InputError as error:
        assert error.message.startswith("SHARELOG_EXTRA_BANK_HOLIDAYS: ")
        return
    assert all(isinstance(day.day, date) for day in days)


@fuzz_settings()
@given(
    received=st.dates(),
    days=st.one_of(st.integers(-3, 70), st.sampled_from((10**4, 10**9, 10**30))),
    regime=st.one_of(st.sampled_from(REGIMES), st.text(max_size=6)),
)
@example(received=date(9999, 12, 20), days=20, regime="foia")
@example(received=date.max, days=0, regime="foisa")
@example(received=date(2020, 1, 1), days=10**9, regime="foia")
def test_deadlines(received: date, days: int, regime: str) -> None:
    try:
        explanation = explain_deadline(received, days=days, regime=regime)
    except InputError as error:
        tally("refused")
        assert error.field in ("days", "regime"), error.message
        return
    tally("counted")
    assert explanation.due >= received
    assert explanation.due - received <= timedelta(days=2 * days + 30)


@fuzz_settings(0.25)
@given(
    argument=st.one_of(
        st.sampled_from(HOSTILE_DATES),
        st.dates().map(date.isoformat),
        st.text(max_size=12).filter(lambda text: not text.startswith("-")),
    ),
    days=st.one_of(
        st.none(), st.sampled_from(("20", "-1", "0", "x", "1e3", "99999999999999999999", "1000000000"))
    ),
)
@example(argument="9999-12-20", days=None)
@example(argument="2020-01-01", days="99999999999999999999")
def test_deadline_command(argument: str, days: str | None) -> None:
    settings = Settings(data_dir=Path("/nonexistent/sharelog-fuzz"), database_url=None, agreements_dir=None)
    args = ["foi", "deadline", argument, *(["--days", days] if days is not None else [])]
    result = runner.invoke(app, args, obj=settings)
    output = result.output
    assert "Traceback" not in output and "internal error" not in output, output
    if result.exit_code == 0:
        datetime.strptime(output.strip(), "%Y-%m-%d")
    else:
        assert result.exit_code == 2, output
        assert len([line for line in output.splitlines() if line.startswith("Error:")]) == 1, output


def test_a_refusal_names_no_personal_data_even_when_every_field_is_wrong(ledger: Engine) -> None:
    try:
        with ledger_session(ledger) as session:
            new_case(
                session,
                received_on=TODAY + timedelta(days=1),
                title=MARKER * 100,
                request_text=" ",
                actor="fuzz",
                organisation_id=add_organisation(session),
                regime=MARKER,
                authority_type=MARKER,
                requester_name=MARKER * 100,
                requester_contact=MARKER * 100,
                about=[MARKER],
                today=TODAY,
            )
    except SharelogError as error:
        text = "\n".join([str(error), *error.details()])
        assert text.count(MARKER) <= 2, "only the regime and authority type (options, not personal data) show"
    else:
        raise AssertionError("every field is wrong")
