"""The three Home Office – DfE agreements that ship with sharelog."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from sharelog.agreements import TERMS, Agreement, load_agreements
from sharelog.agreements._model import AgreementDocument


@pytest.fixture(scope="module")
def shipped(shipped_dir: Path) -> dict[tuple[str, str], Agreement]:
    return {(agreement.id, agreement.version): agreement for agreement in load_agreements(shipped_dir)}


def test_the_shipped_folder_loads_without_problems(shipped: dict[tuple[str, str], Agreement]) -> None:
    assert sorted(shipped) == [
        ("ho-dfe-2013-pilot", "1.0"),
        ("ho-dfe-2015-mou", "1.0"),
        ("ho-dfe-2015-mou", "2.1"),
        ("ho-dfe-2019-update", "1.0"),
    ]


def test_v2_1_stopped_returning_nationality(shipped: dict[tuple[str, str], Agreement]) -> None:
    before, after = shipped["ho-dfe-2015-mou", "1.0"], shipped["ho-dfe-2015-mou", "2.1"]
    assert "nationality" in before.return_fields
    assert "nationality" not in after.return_fields
    assert set(before.return_fields) - set(after.return_fields) == {"nationality"}


@pytest.mark.parametrize(
    ("key", "request_fields"),
    [
        (
            ("ho-dfe-2015-mou", "1.0"),
            {"request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode", "address",
             "nationality", "case_reference"},
        ),
        (
            ("ho-dfe-2019-update", "1.0"),
            {"request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode", "address"},
        ),
    ],
)  # fmt: skip
def test_request_fields_follow_the_public_record(
    shipped: dict[tuple[str, str], Agreement], key: tuple[str, str], request_fields: set[str]
) -> None:
    assert set(shipped[key].request_fields) == request_fields


def test_no_agreement_returns_the_pupil_id_or_exceeds_the_published_cap(
    shipped: dict[tuple[str, str], Agreement],
) -> None:
    for agreement in shipped.values():
        assert agreement.monthly_cap == 1500
        assert "pupil_id" not in agreement.return_fields


@pytest.mark.parametrize("term", ["retention_days", "outcome_reporting_window_days", "onward_recipients"])
def test_terms_that_are_not_public_are_marked_assumed(
    shipped: dict[tuple[str, str], Agreement], term: str
) -> None:
    for agreement in shipped.values():
        provenance = agreement.provenance[term]  # type: ignore[index]
        assert provenance.status == "assumed"
        assert "working value" in provenance.note or "working list" in provenance.note


def test_null_terms_are_marked_unknown(shipped: dict[tuple[str, str], Agreement]) -> None:
    for agreement in shipped.values():
        for term in TERMS:
            if getattr(agreement, term) is None:
                assert agreement.provenance_of(term).status == "unknown", (agreement.id, term)


def test_checksum_and_document(shipped: dict[tuple[str, str], Agreement]) -> None:
    agreement = shipped["ho-dfe-2015-mou", "2.1"]
    assert agreement.checksum == hashlib.sha256(agreement.path.read_bytes()).hexdigest()
    document = json.loads(json.dumps(agreement.document()))
    assert document["valid_from"] == "2016-10-07"
    assert "path" not in document and "checksum" not in document
    assert AgreementDocument.model_validate(agreement.document()).version == "2.1"


def test_the_readme_documents_every_term(shipped_dir: Path) -> None:
    readme = (shipped_dir / "README.md").read_text("utf-8")
    for name in AgreementDocument.model_fields:
        assert f"`{name}`" in readme, name
