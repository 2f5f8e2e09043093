"""Checking agreement files: every problem found, each with its file, line and term."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from sharelog.agreements import load_agreement, load_agreements
from sharelog.errors import InputError, Problem, ValidationFailed

Document = dict[str, Any]


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(ValidationFailed) as info:
        load_agreement(path) if path.is_file() else load_agreements(path)
    return list(info.value.problems)


def _set(term: str, value: Any) -> Callable[[Document], None]:
    return lambda document: document.__setitem__(term, value)


def _append(term: str, value: Any) -> Callable[[Document], None]:
    return lambda document: document[term].append(value)


def _provenance(term: str, status: str) -> Callable[[Document], None]:
    return lambda document: document["provenance"][term].__setitem__("status", status)


CASES: list[tuple[str, Callable[[Document], None], str, str]] = [
    ("missing term", lambda d: d.pop("retention_days"), "retention_days", "is required but missing"),
    ("unknown term", _set("retension_days", 90), "retension_days", "not a term sharelog knows"),
    ("quoted number", _set("monthly_cap", "1500"), "monthly_cap", "must be a whole number"),
    ("zero cap", _set("monthly_cap", 0), "monthly_cap", "must be more than 0"),
    ("unquoted version", _set("version", 2.1), "version", 'must be text in quotes, e.g. version: "1.0"'),
    ("bad id", _set("id", "HO DfE"), "id", "lower-case letters and digits joined by single hyphens"),
    ("empty title", _set("title", ""), "title", "must not be empty"),
    ("colon in text", _set("title", {"MoU": "annex 5"}), "title", "put it in quotes if it contains ': '"),
    ("no purposes", _set("purposes", []), "purposes", "must list at least one item"),
    ("only bad items", _set("return_fields", ["pupil_id"]), "return_fields.0", "never returned"),
    ("null operational term", _set("monthly_cap", None), "monthly_cap", "give sharelog's working value"),
    ("purposes not a list", _set("purposes", "locate"), "purposes", "must be a list"),
    ("parties not a mapping", _set("parties", "DfE"), "parties", "must be a mapping"),
    ("impossible date", _set("valid_from", "2016-02-30"), "valid_from", "must be a real date"),
    ("date with a time", _set("valid_from", datetime(2016, 10, 7, 9)), "valid_from", "without a time"),
    ("unknown request field", _append("request_fields", "passport"), "request_fields.10",
     "'passport' is not a column of the request batch; use one of: request_id, forename"),
    ("pupil_id returned", _append("return_fields", "pupil_id"), "return_fields.9", "never returned"),
    ("unknown return field", _append("return_fields", "religion"), "return_fields.9",
     "'religion' is not a register column the holder can return"),
    ("unknown recipient", _append("onward_recipients", "press"), "onward_recipients.3",
     "'press' is not a kind of onward recipient"),
    ("request field twice", _append("request_fields", "dob"), "request_fields.10", "'dob' is listed twice"),
    ("no request_id", lambda d: d["request_fields"].remove("request_id"), "request_fields",
     "must include 'request_id'"),
    ("match field not requested", lambda d: d["request_fields"].remove("address"), "match_fields.5",
     "'address' is a match field but not a request field"),
    ("match on a reference", lambda d: d["match_fields"].append("case_reference"), "match_fields.6",
     "'case_reference' is the requester's own reference"),
    ("dates reversed", _set("valid_to", date(2016, 1, 1)), "valid_to", "is before valid_from"),
    ("purpose code twice", lambda d: d["purposes"][1].__setitem__("code", "reestablish-contact"),
     "purposes.1.code", "'reestablish-contact' is the code of an earlier purpose too"),
    ("bad purpose code", lambda d: d["purposes"][0].__setitem__("code", "Re-establish"), "purposes.0.code",
     "lower-case"),
    ("extra purpose key", lambda d: d["purposes"][0].__setitem__("owner", "HO"), "purposes.0.owner",
     "not a term sharelog knows"),
    ("null not marked unknown", _provenance("dpia_reference", "verified"), "provenance.dpia_reference.status",
     "must be 'unknown' because 'dpia_reference' is null"),
    ("unknown with a value", _provenance("legal_basis", "unknown"), "provenance.legal_basis.status",
     "set the term to null"),
    ("operational term unknown", _provenance("retention_days", "unknown"), "provenance.retention_days.status",
     "mark it 'assumed'"),
    ("bad status", _provenance("monthly_cap", "guessed"), "provenance.monthly_cap.status",
     "must be one of: verified, reported, assumed, unknown"),
    ("provenance missing", lambda d: d["provenance"].pop("review_date"), "provenance",
     "has no entry for 'review_date'"),
    ("provenance for a non-term", lambda d: d["provenance"].__setitem__("title", {"status": "verified",
     "note": "x"}), "provenance.title", "'title' is not a term that takes a provenance entry"),
    ("entry null", lambda d: d["provenance"].__setitem__("review_date", None), "provenance.review_date",
     "must have a value"),
    ("note missing", lambda d: d["provenance"]["monthly_cap"].pop("note"), "provenance.monthly_cap.note",
     "is required but missing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field", "message"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_problem_is_reported_with_file_line_and_term(
    sound_document: Document, write_agreement: Callable[..., Path], change: Any, field: str, message: str
) -> None:
    change(sound_document)
    path = write_agreement(sound_document, agreement_id="ho-dfe-2015-mou", version="2.1")
    [problem] = problems_of(path)
    assert (problem.file, problem.field) == (str(path), field)
    assert message in problem.message
    assert problem.row is not None or field in {"retention_days", "provenance"}


def test_a_sound_document_loads(sound_document: Document, write_agreement: Callable[..., Path]) -> None:
    agreement = load_agreement(write_agreement(sound_document))
    assert (agreement.id, agreement.version) == ("ho-dfe-2015-mou", "2.1")


BROKEN = """\
id: ho-dfe-2015-mou
version: "2.1"
title: Test
parties:
  holder: {id: dfe, name: Department for Education}
  requester: {id: home-office, name: Home Office, phone: 123}
legal_basis: null
dpia_reference: null
valid_from: 2016-10-07
valid_to: 2016-01-01
review_date: null
purposes:
  - {code: locate, text: Locate.}
  - {code: locate, text: Locate again.}
request_fields: [request_id, forename, surname, dob]
match_fields: [forename, surname, postcode]
return_fields: [forename, nationalty]
monthly_cap: "1,500"
retention_days: 90
onward_recipients: []
outcome_reporting_window_days: 90
sources: [test]
provenance: {}
"""


def test_every_problem_of_a_file_is_reported_at_once(write_agreement: Callable[..., Path]) -> None:
    path = write_agreement(BROKEN, relative="ho-dfe-2015-mou/v2.1.yaml")
    problems = problems_of(path)
    assert {p.file for p in problems} == {str(path)}
    found = {(p.row, p.field) for p in problems if p.field != "provenance"}
    assert found == {
        (6, "parties.requester.phone"),
        (10, "valid_to"),
        (14, "purposes.1.code"),
        (16, "match_fields.2"),
        (17, "return_fields.1"),
        (18, "monthly_cap"),
    }
    assert sum(p.field == "provenance" for p in problems) == 14  # no entry for any term
    assert [p.row for p in problems] == sorted(p.row or 0 for p in problems)


@pytest.mark.parametrize(
    ("content", "row", "message"),
    [
        (b"", None, "is empty"),
        (b"- id\n- version\n", None, "must be a mapping of agreement terms"),
        (b"id: ho-dfe-2015-mou\nversion: [\n", 3, "is not valid YAML"),
        (b"id: a\n  version: b\n", 2, "is not valid YAML: mapping values are not allowed here"),
        (b"---\nid: a\n---\nid: b\n", 3, "is not valid YAML"),
        (b"\xff\xfeid", None, "is not UTF-8 text"),
    ],
)
def test_a_file_that_is_not_an_agreement_at_all(
    tmp_path: Path, content: bytes, row: int | None, message: str
) -> None:
    path = tmp_path / "ho-dfe-2015-mou" / "v2.1.yaml"
    path.parent.mkdir()
    path.write_bytes(content)
    [problem] = problems_of(path)
    assert (problem.file, problem.row, problem.field) == (str(path), row, None)
    assert message in problem.message


def test_a_term_written_twice_is_reported_where_it_repeats(
    sound_document: Document, write_agreement: Callable[..., Path]
) -> None:
    path = write_agreement(sound_document)
    text = path.read_text("utf-8")
    path.write_text(text + "monthly_cap: 2000\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert (problem.field, problem.row) == ("monthly_cap", len(text.splitlines()) + 1)
    assert "is written twice" in problem.message


@pytest.mark.parametrize(
    ("agreement_id", "version", "field", "message"),
    [
        ("ho-dfe-2016-mou", "2.1", "id", "is in the folder 'ho-dfe-2016-mou'"),
        ("ho-dfe-2015-mou", "2.2", "version", "must be named 'v2.1.yaml'"),
    ],
)
def test_the_file_name_must_match_id_and_version(
    sound_document: Document,
    write_agreement: Callable[..., Path],
    agreement_id: str,
    version: str,
    field: str,
    message: str,
) -> None:
    [problem] = problems_of(write_agreement(sound_document, agreement_id=agreement_id, version=version))
    assert problem.field == field
    assert message in problem.message


def _version(document: Document, version: str, start: date, end: date | None) -> Document:
    return {**document, "version": version, "valid_from": start, "valid_to": end}


@pytest.mark.parametrize(
    ("earlier", "later", "field", "message"),
    [
        (
            ("1.0", date(2015, 7, 1), date(2016, 10, 7)),
            ("2.1", date(2016, 10, 7), None),
            "valid_from",
            "overlaps version 1.0 (2015-07-01 to 2016-10-07)",
        ),
        (
            ("1.0", date(2015, 7, 1), None),
            ("2.1", date(2016, 10, 7), None),
            "valid_from",
            "overlaps version 1.0 (2015-07-01, open-ended)",
        ),
        (
            ("2.1", date(2015, 7, 1), date(2016, 10, 6)),
            ("1.0", date(2016, 10, 7), None),
            "version",
            "must be higher than version 2.1",
        ),
    ],
)
def test_versions_of_one_agreement_must_not_overlap(
    sound_document: Document,
    write_agreement: Callable[..., Path],
    earlier: tuple[str, date, date | None],
    later: tuple[str, date, date | None],
    field: str,
    message: str,
) -> None:
    write_agreement(_version(sound_document, *earlier))
    later_path = write_agreement(_version(sound_document, *later))
    [problem] = problems_of(later_path.parents[1])
    assert (problem.file, problem.field) == (str(later_path), field)
    assert message in problem.message
    assert problem.row is not None


def test_consecutive_versions_load_in_order(
    sound_document: Document, write_agreement: Callable[..., Path]
) -> None:
    write_agreement(_version(sound_document, "2.10", date(2017, 1, 1), None))
    folder = write_agreement(_version(sound_document, "2.9", date(2016, 10, 7), date(2016, 12, 31))).parents[
        1
    ]
    assert [a.version for a in load_agreements(folder)] == ["2.9", "2.10"]


def test_problems_of_all_files_are_reported_together(
    sound_document: Document, write_agreement: Callable[..., Path]
) -> None:
    first = write_agreement({**sound_document, "monthly_cap": -1})
    second = write_agreement({**sound_document, "id": "ho-dfe-2019-update", "retention_days": "90 days"})
    stray = write_agreement(sound_document, relative="draft.yaml")
    problems = problems_of(first.parents[1])
    assert [(p.file, p.field) for p in problems] == [
        (str(stray), None),
        (str(first), "monthly_cap"),
        (str(second), "retention_days"),
    ]


def test_an_empty_folder_holds_no_agreements(tmp_path: Path) -> None:
    assert load_agreements(tmp_path) == []


@pytest.mark.parametrize("loader", [load_agreement, load_agreements])
def test_a_missing_path_is_an_input_error(tmp_path: Path, loader: Callable[[Path], object]) -> None:
    with pytest.raises(InputError, match="missing"):
        loader(tmp_path / "missing")
