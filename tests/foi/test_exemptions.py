"""The exemptions catalogue and what a response needs: a qualified exemption needs a public-interest statement,
an absolute one does not, NCND needs a provision, s.12 needs hours above the limit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from sharelog.errors import InputError, ValidationFailed
from sharelog.foi import (
    EXEMPTIONS,
    cost_limit,
    exemption,
    exemptions_for,
    normalise_citation,
    read_case,
    respond,
    response_problems,
)
from sharelog.ledger import ledger_session
from sharelog.ledger.models import FoiResponse

from ..worlds import SEED_RECEIVED, SEED_REFERENCE, TODAY, open_seed_case

ABSOLUTE = {"21", "23", "32", "34", "37(1)(a)", "37(1)(aa)", "37(1)(ab)", "40(1)", "40(2)", "41", "44"}


def test_the_catalogue_follows_section_2_3() -> None:
    assert {c for c, e in EXEMPTIONS.items() if e.absolute} == ABSOLUTE
    for citation in ("22", "24", "27", "31(1)(e)", "35", "36", "38", "42", "43"):
        assert not EXEMPTIONS[citation].absolute
    assert EXEMPTIONS["31(1)(e)"].ncnd == "31(3)"
    assert EXEMPTIONS["21"].ncnd is None
    assert EXEMPTIONS["40(2)"].ncnd == "40(5B)"


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("31(1)(e)", "31(1)(e)"),
        ("s.31(1)(e)", "31(1)(e)"),
        ("S 31 (1)(e)", "31(1)(e)"),
        ("section 40(2)", "40(2)"),
        ("s22a", "22A"),
        ("43(2)", "43(2)"),
    ],
)
def test_citations_are_normalised(text: str, normal: str) -> None:
    assert normalise_citation(text) == normal


def test_a_subsection_takes_its_sections_entry() -> None:
    found = exemption("31(1)(a)")
    assert found.citation == "31(1)(a)" and found.title == "Law enforcement" and not found.absolute
    assert found.ncnd == "31(3)"
    assert exemption("s.43(2)").title == "Commercial interests"


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        ("40", r"s\.40 has absolute and qualified parts; cite the subsection"),
        ("37", r"s\.37 has absolute and qualified parts"),
        ("25", r"s\.25 is not an exemption in FOIA Part II"),
        ("12", r"s\.12 is not an exemption"),
        ("thirty-one", "is not a section of FOIA"),
    ],
)
def test_unknown_citations_are_refused(citation: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        exemption(citation)


def _problems(outcome: str, **changes: object) -> list[str]:
    arguments: dict[str, object] = {
        "reference": "C1",
        "regime": "foia",
        "authority_type": "central_government",
        "outcome": outcome,
        "exemptions": (),
        "public_interest": None,
        "hours_estimate": None,
    }
    arguments.update(changes)
    problems, _ = response_problems(**arguments)  # type: ignore[arg-type]
    return [str(p) for p in problems]


@pytest.mark.parametrize(
    ("outcome", "changes"),
    [
        ("successful", {}),
        ("not_held", {}),
        ("rejected", {"exemptions": ["21"]}),  # absolute: no public interest test
        ("rejected", {"exemptions": ["40(2)", "44"]}),
        ("rejected", {"exemptions": ["31(1)(e)"], "public_interest": "Prejudice to immigration control."}),
        ("partially_successful", {"exemptions": ["40(2)"]}),
        ("ncnd", {"exemptions": ["31(1)(e)"], "public_interest": "Confirming would itself reveal…"}),
        ("ncnd", {"exemptions": ["23"]}),
        ("s12_cost", {"hours_estimate": 24.5}),
        ("s12_cost", {"hours_estimate": 18.5, "authority_type": "other"}),
        ("s12_cost", {"hours_estimate": 41, "regime": "foisa"}),
        ("s14", {}),
    ],
)
def test_valid_responses_have_no_problems(outcome: str, changes: dict[str, object]) -> None:
    assert _problems(outcome, **changes) == []


@pytest.mark.parametrize(
    ("outcome", "changes", "expected"),
    [
        (
            "rejected",
            {"exemptions": ["31(1)(e)"]},
            "case C1, field 'public_interest': s.31(1)(e) is a qualified exemption: state why the public interest "
            "in maintaining it outweighs the public interest in disclosure (s.17(3))",
        ),
        (
            "rejected",
            {"exemptions": ["31(1)(e)"], "public_interest": "   "},
            "s.31(1)(e) is a qualified exemption",
        ),
        ("partially_successful", {"exemptions": ["43(2)"]}, "s.43(2) is a qualified exemption"),
        ("ncnd", {"exemptions": ["24"]}, "s.24 is a qualified exemption"),
        ("rejected", {}, "a rejected response must cite the exemptions it relies on (s.17(1))"),
        ("ncnd", {}, "a ncnd response must cite the exemptions"),
        ("ncnd", {"exemptions": ["21"]}, "s.21 has no provision to neither confirm nor deny"),
        ("successful", {"exemptions": ["21"]}, "a successful response cites no exemption; to withhold part"),
        ("not_held", {"exemptions": ["21"]}, "a not_held response cites no exemption"),
        (
            "rejected",
            {"exemptions": ["21"], "public_interest": "x"},
            "no public interest test without a qualified",
        ),
        ("successful", {"public_interest": "x"}, "no public interest test without a qualified exemption"),
        ("s12_cost", {}, "needs the estimate in hours: the limit is £600 at £25 an hour (24 hours)"),
        ("s12_cost", {"hours_estimate": 24}, "24 hours at £25 an hour is £600.00, within the £600 limit"),
        ("s12_cost", {"hours_estimate": 18, "authority_type": "school"}, "within the £450 limit (18 hours)"),
        ("s12_cost", {"hours_estimate": 40, "regime": "foisa"}, "at £15 an hour is £600.00, within the £600"),
        ("successful", {"hours_estimate": 30}, "an hours estimate goes with an s12_cost response only"),
        ("rejected", {"exemptions": ["25"]}, "field 'exemptions': s.25 is not an exemption in FOIA Part II"),
        (
            "rejected",
            {"exemptions": ["21"], "regime": "foisa"},
            "FOISA's Part 2 exemptions are numbered differently",
        ),
        ("refused", {}, "'refused' is not one of successful, partially_successful"),
    ],
)
def test_invalid_responses_are_refused_with_the_reason(
    outcome: str, changes: dict[str, object], expected: str
) -> None:
    problems = _problems(outcome, **changes)
    assert any(expected in p for p in problems), problems


def test_every_problem_is_listed_together() -> None:
    problems = _problems("ncnd", exemptions=["21", "24", "99"], hours_estimate=3)
    assert len(problems) == 4  # 99 unknown; 21 without NCND; 24 without a statement; hours


def test_cost_limits() -> None:
    assert cost_limit("foia", "central_government") == (600, 25)
    assert cost_limit("foia", "other") == (450, 25)
    assert cost_limit("foisa", "other") == (600, 15)


def test_the_software_refuses_a_qualified_refusal_without_a_public_interest_statement(
    seed_case: Engine, tmp_path: Path
) -> None:
    with pytest.raises(ValidationFailed, match=r"s\.31\(1\)\(e\) is a qualified exemption"):
        with ledger_session(seed_case) as session:
            respond(
                session,
                case_reference=SEED_REFERENCE,
                outcome="rejected",
                exemptions=["31(1)(e)"],
                responded_on=SEED_RECEIVED,
                actor="t",
                out_dir=tmp_path / "letters",
                today=TODAY,
            )
    with ledger_session(seed_case) as session:
        assert read_case(session, case_reference=SEED_REFERENCE, today=TODAY).state == "waiting_response"
        assert session.execute(select(FoiResponse)).first() is None
    assert not (tmp_path / "letters").exists()  # no letter written


def test_an_absolute_refusal_needs_no_statement(sqlite_ledger: Engine, tmp_path: Path) -> None:
    with ledger_session(sqlite_ledger) as session:
        open_seed_case(session)
        result = respond(
            session,
            case_reference=SEED_REFERENCE,
            outcome="rejected",
            exemptions=["s.44"],
            responded_on=SEED_RECEIVED,
            actor="t",
            out_dir=tmp_path,
            today=TODAY,
        )
    assert result.case.state == "rejected"
    assert [e.citation for e in result.response.exemptions] == ["44"]
    assert "This exemption is absolute: no public interest test applies." in result.files[
        "letter_md"
    ].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "outcome", ["partially_successful", "rejected", "ncnd", "successful", "not_held", "s14"]
)
def test_the_exemptions_that_fit_an_outcome_are_the_ones_it_may_cite(outcome: str) -> None:
    """What the response form lists for an outcome is exactly what a response with that outcome may cite."""
    fitting = {e.citation for e in exemptions_for(outcome)}
    assert ("31(1)(e)" in fitting) == (outcome in ("partially_successful", "rejected", "ncnd"))
    assert ("21" in fitting) == (outcome in ("partially_successful", "rejected"))  # s.21: no NCND provision
    extra = {"public_interest": "The public interest in maintaining it outweighs disclosure."}
    for citation in EXEMPTIONS:
        problems = _problems(outcome, exemptions=[citation], **extra)
        refused = any("no provision" in p or "cites no exemption" in p for p in problems)
        assert refused == (citation not in fitting), citation
