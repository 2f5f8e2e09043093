"""One broken agreement file sets aside its own agreement only; and the optional form of request ids.

A YAML alias (or any other problem) in one file used to make the whole folder unreadable, so that no exchange
under any agreement could run. Now the folder is read around it: the file is named (within the folder, never the
server's path), its agreement is refused with a clear message, and every other agreement works.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sharelog.agreements import agreement_in_force, find_agreement, load_agreements, read_agreements_folder
from sharelog.cli import app
from sharelog.errors import InputError, ValidationFailed
from sharelog.settings import Settings

from ..worlds import Document, WriteAgreement

runner = CliRunner()
ALIAS = "base: &terms\n  status: assumed\nother: *terms\n"


@pytest.fixture
def folder_with_a_broken_file(shipped_dir: Path, tmp_path: Path) -> Path:
    """The shipped agreements, with ho-dfe-2013-pilot's file given a YAML alias."""
    folder = tmp_path / "agreements"
    shutil.copytree(shipped_dir, folder)
    broken = folder / "ho-dfe-2013-pilot" / "v1.0.yaml"
    broken.write_text(broken.read_text("utf-8") + ALIAS, encoding="utf-8")
    return folder


def test_a_broken_file_sets_aside_its_own_agreement_only(folder_with_a_broken_file: Path) -> None:
    folder = read_agreements_folder(folder_with_a_broken_file)
    assert folder.invalid_files == ("ho-dfe-2013-pilot/v1.0.yaml",)
    assert folder.unusable == {"ho-dfe-2013-pilot"}
    assert {a.id for a in folder.agreements} == {"ho-dfe-2015-mou", "ho-dfe-2019-update"}
    in_force = agreement_in_force(
        "ho-dfe-2019-update", on=date(2019, 3, 1), directory=folder_with_a_broken_file
    )
    assert in_force.version == "1.0"


def test_the_broken_agreement_is_refused_naming_its_file_not_the_folder(
    folder_with_a_broken_file: Path,
) -> None:
    with pytest.raises(InputError) as info:
        find_agreement("ho-dfe-2013-pilot", directory=folder_with_a_broken_file)
    assert info.value.message == (
        "agreement 'ho-dfe-2013-pilot' cannot be used until its file has no problems "
        "(ho-dfe-2013-pilot/v1.0.yaml)"
    )
    assert info.value.cli_hint == "`sharelog agreements validate` lists them"
    assert str(folder_with_a_broken_file) not in info.value.message


def test_validation_still_refuses_the_folder_with_every_problem(folder_with_a_broken_file: Path) -> None:
    with pytest.raises(ValidationFailed, match="uses an alias"):
        load_agreements(folder_with_a_broken_file)


def test_overlapping_versions_set_aside_that_agreement(shipped_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "agreements"
    shutil.copytree(shipped_dir, folder)
    later = folder / "ho-dfe-2015-mou" / "v2.1.yaml"
    later.write_text(later.read_text("utf-8").replace("valid_from: 2016-10-07", "valid_from: 2016-01-01"))
    read = read_agreements_folder(folder)
    assert read.unusable == {"ho-dfe-2015-mou"}
    assert {a.id for a in read.agreements} == {"ho-dfe-2013-pilot", "ho-dfe-2019-update"}


def test_agreements_list_names_the_file_that_was_not_loaded(folder_with_a_broken_file: Path) -> None:
    settings = Settings(agreements_dir=folder_with_a_broken_file)
    result = runner.invoke(app, ["agreements", "list"], obj=settings)
    assert result.exit_code == 0, result.output
    assert "ho-dfe-2019-update" in result.stdout
    assert "Not loaded, because a file has problems" in result.stdout
    assert "ho-dfe-2013-pilot/v1.0.yaml" in result.stdout
    assert str(folder_with_a_broken_file) not in result.stdout


# --- request_id_pattern -----------------------------------------------------------------------------------


def _with_pattern(document: Document, pattern: Any, *, provenance: bool = True) -> Document:
    document["request_id_pattern"] = pattern
    if provenance:
        document["provenance"]["request_id_pattern"] = {
            "status": "assumed",
            "note": "sharelog's working value",
        }
    return document


def test_a_request_id_pattern_is_read(sound_document: Document, write_agreement: WriteAgreement) -> None:
    path = write_agreement(_with_pattern(sound_document, "HO-[0-9]{4}-[0-9]{2}-[0-9]{5}"))
    agreement = load_agreements(path.parents[1])[0]
    assert agreement.request_id_pattern == "HO-[0-9]{4}-[0-9]{2}-[0-9]{5}"
    assert "request_id_pattern" in agreement.terms()
    assert agreement.provenance_of("request_id_pattern").status == "assumed"


def test_without_a_pattern_an_agreement_is_as_before(shipped_dir: Path) -> None:
    agreement = find_agreement("ho-dfe-2019-update", directory=shipped_dir)
    assert agreement.request_id_pattern is None
    assert "request_id_pattern" not in agreement.terms()


@pytest.mark.parametrize(
    ("pattern", "provenance", "message"),
    [
        ("(?=HO)[A-Z0-9-]+", True, "is not a regular expression sharelog can use: write it in RE2 syntax"),
        ("([A-Z]+)\\1", True, "is not a regular expression sharelog can use"),
        ("[A-Z", True, "is not a regular expression sharelog can use"),
        ("A" * 201, True, "must be at most 200 characters"),
        ("", True, "must not be empty"),
        (7, True, "must be text"),
        ("HO-[0-9]+", False, "has no entry for 'request_id_pattern'"),
    ],
    ids=["look-ahead", "back-reference", "unclosed", "too-long", "empty", "number", "no-provenance"],
)
def test_an_unusable_pattern_is_refused(
    sound_document: Document, write_agreement: WriteAgreement, pattern: Any, provenance: bool, message: str
) -> None:
    path = write_agreement(_with_pattern(sound_document, pattern, provenance=provenance))
    with pytest.raises(ValidationFailed) as info:
        load_agreements(path.parents[1])
    found = [p for p in info.value.problems if message in p.message]
    assert found, info.value.problems
    assert found[0].field in {"request_id_pattern", "provenance"}
    assert found[0].row is not None


def test_the_pattern_shows_with_its_provenance(
    sound_document: Document, write_agreement: WriteAgreement
) -> None:
    path = write_agreement(_with_pattern(sound_document, "HO-[0-9]+"))
    settings = Settings(agreements_dir=path.parents[1])
    result = runner.invoke(app, ["agreements", "show", sound_document["id"]], obj=settings)
    assert result.exit_code == 0, result.output
    assert "request_id_pattern" in result.stdout and "HO-[0-9]+" in result.stdout
