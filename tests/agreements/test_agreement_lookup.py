"""Finding the agreement version that applies: by id, by version, by date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sharelog.agreements import agreement_in_force, find_agreement, validate_agreements
from sharelog.errors import InputError, NotFound


@pytest.mark.parametrize(
    ("agreement_id", "day", "version"),
    [
        ("ho-dfe-2013-pilot", date(2013, 6, 1), "1.0"),
        ("ho-dfe-2015-mou", date(2015, 7, 1), "1.0"),
        ("ho-dfe-2015-mou", date(2016, 10, 6), "1.0"),
        ("ho-dfe-2015-mou", date(2016, 10, 7), "2.1"),
        ("ho-dfe-2015-mou", date(2018, 12, 31), "2.1"),
        ("ho-dfe-2019-update", date(2019, 1, 1), "1.0"),
        ("ho-dfe-2019-update", date(2030, 1, 1), "1.0"),
    ],
)
def test_agreement_in_force_picks_the_version_of_the_day(
    shipped_dir: Path, agreement_id: str, day: date, version: str
) -> None:
    agreement = agreement_in_force(agreement_id, on=day, directory=shipped_dir)
    assert (agreement.id, agreement.version) == (agreement_id, version)


@pytest.mark.parametrize(
    ("agreement_id", "day"),
    [
        ("ho-dfe-2015-mou", date(2015, 6, 30)),
        ("ho-dfe-2015-mou", date(2019, 1, 1)),
        ("ho-dfe-2019-update", date(2018, 12, 31)),
    ],
)
def test_no_version_in_force_is_not_found(shipped_dir: Path, agreement_id: str, day: date) -> None:
    with pytest.raises(
        NotFound, match=rf"no version of agreement '{agreement_id}' was in force on {day}"
    ) as info:
        agreement_in_force(agreement_id, on=day, directory=shipped_dir)
    assert "its versions: 1.0: " in info.value.message
    assert info.value.exit_code == 2


def test_an_unknown_id_names_neither_the_folder_nor_the_other_agreements(shipped_dir: Path) -> None:
    """The message reaches web and API users: the server's folder and the other agreements are not theirs to see
    in an error (the agreements page lists what they may read)."""
    with pytest.raises(NotFound) as info:
        agreement_in_force("ho-dfe-2099", on=date(2020, 1, 1), directory=shipped_dir)
    assert info.value.message == "no agreement 'ho-dfe-2099'"
    assert info.value.cli_hint == "`sharelog agreements list` shows those available"


def test_an_empty_folder_holds_no_agreement(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="^no agreement 'ho-dfe-2015-mou'$") as info:
        find_agreement("ho-dfe-2015-mou", directory=tmp_path)
    assert str(tmp_path) not in info.value.message


def test_a_missing_folder_is_named_by_its_setting(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        find_agreement("ho-dfe-2015-mou", directory=tmp_path / "nowhere")
    assert info.value.message == "the agreements folder (SHARELOG_AGREEMENTS_DIR) does not exist"


@pytest.mark.parametrize(
    ("version", "on", "expected"),
    [
        ("1.0", None, "1.0"),
        ("1.0", date(2017, 1, 1), "1.0"),  # a named version wins over the day
        (None, None, "2.1"),  # the latest
        (None, date(2016, 1, 1), "1.0"),  # the one in force that day
        (None, date(2025, 1, 1), "2.1"),  # none in force: the latest
    ],
)
def test_find_agreement(shipped_dir: Path, version: str | None, on: date | None, expected: str) -> None:
    agreement = find_agreement("ho-dfe-2015-mou", version=version, on=on, directory=shipped_dir)
    assert agreement.version == expected


def test_an_unknown_version_is_not_found(shipped_dir: Path) -> None:
    with pytest.raises(
        NotFound, match=r"agreement 'ho-dfe-2015-mou' has no version '3.0'; its versions: 1.0, 2.1"
    ):
        find_agreement("ho-dfe-2015-mou", version="3.0", directory=shipped_dir)


def test_validate_agreements_takes_a_file_or_a_folder(shipped_dir: Path, tmp_path: Path) -> None:
    assert len(validate_agreements(shipped_dir)) == 4
    assert [a.version for a in validate_agreements(shipped_dir / "ho-dfe-2015-mou" / "v2.1.yaml")] == ["2.1"]
    with pytest.raises(InputError, match="no such file or folder"):
        validate_agreements(tmp_path / "missing")
