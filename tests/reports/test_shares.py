"""The register of data shares: a row per agreement version and month, its terms, and disclosure control."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from sharelog.ledger import ledger_session
from sharelog.reports import (
    DEFAULT_PROFILE,
    SERIES,
    SharesRegister,
    build_shares_register,
    write_shares_register,
)
from sharelog.reports._shares import SHARES_HEADER

from ..worlds import GENERATED_AT, MONTHS
from ._golden_tables import workbook_values


def _register(engine: Engine, mode: str, profile: str = DEFAULT_PROFILE) -> SharesRegister:
    with ledger_session(engine) as session:
        return build_shares_register(session, months=MONTHS, sdc=mode, profile=profile, now=GENERATED_AT)


def _counts(register: SharesRegister) -> list[tuple[str, str, int | str, int | str]]:
    return [(row.month, row.version.label, row.requested, row.returned) for row in register.rows]


def test_a_row_per_version_in_force_each_month(golden_engine: Engine) -> None:
    # February: v1.0 was in force until the 14th (no batch), v2.0 from the 15th (a batch and a rejected one)
    assert _counts(_register(golden_engine, "internal")) == [
        ("2019-01", "ho-dfe-test v1.0", 40, 14),
        ("2019-02", "ho-dfe-test v1.0", "[x]", "[x]"),  # no batch under v1.0: not available, not 0
        ("2019-02", "ho-dfe-test v2.0", 31, 5),
        ("2019-03", "ho-dfe-test v2.0", 60, 21),
    ]


def test_published_counts_are_rounded_and_small_ones_suppressed(golden_engine: Engine) -> None:
    # ONS 10-5, asked for by name: February's 5 returned is c; so is the 26 not returned (hidden), else 31 − 26
    # would give it away
    register = _register(golden_engine, "publish", "10-5")
    assert _counts(register) == [
        ("2019-01", "ho-dfe-test v1.0", 40, 15),
        ("2019-02", "ho-dfe-test v1.0", "[x]", "[x]"),  # no batch under v1.0: not available, not 0
        ("2019-02", "ho-dfe-test v2.0", 30, "[c]"),
        ("2019-03", "ho-dfe-test v2.0", 60, 20),
    ]
    assert {cell[1] for cell in register.reasons} == {"returned", "not_returned"}


def test_under_the_default_rule_counts_are_rounded_and_5_is_not_small(golden_engine: Engine) -> None:
    # the series rule: 1 to 4 are small, so February's 5 returned is published (as 5) and nothing is withheld:
    # 31 − 5 = 26 not returned says no more than the published 30 and 5 do
    register = _register(golden_engine, "publish")
    assert register.profile is not None and register.profile.name == SERIES
    assert _counts(register) == [
        ("2019-01", "ho-dfe-test v1.0", 40, 15),
        ("2019-02", "ho-dfe-test v1.0", "[x]", "[x]"),
        ("2019-02", "ho-dfe-test v2.0", 30, 5),
        ("2019-03", "ho-dfe-test v2.0", 60, 20),
    ]
    assert not register.reasons


def test_a_small_number_not_returned_suppresses_a_second_figure(golden_engine: Engine) -> None:
    from sharelog.reports import PROFILES, Relation, Structure, suppress_small_counts

    values = {("r", "requested"): 40, ("r", "returned"): 36, ("r", "not_returned"): 4}
    relation = Relation(("r", "requested"), (("r", "returned"), ("r", "not_returned")))
    published = suppress_small_counts(values, Structure(tuple(values), (relation,)), profile=PROFILES["10-5"])
    assert published.published[("r", "returned")] == "[c]"  # 40 − 35 would say "about 5 not returned"


@pytest.mark.parametrize("mode", ["internal", "publish"])
def test_the_workbook_has_the_dfe_columns_and_the_agreement_terms(
    golden_engine: Engine, tmp_path: Path, mode: str
) -> None:
    sheets = workbook_values(write_shares_register(_register(golden_engine, mode), tmp_path / "shares.xlsx"))
    assert list(sheets) == ["Data shares", "Notes"]
    rows = sheets["Data shares"]
    assert ("not for publication" in rows[0][0]) is (mode == "internal")
    assert tuple(rows[3]) == SHARES_HEADER
    january = dict(zip(SHARES_HEADER, rows[4], strict=True))
    assert january == {
        "Month": "January 2019",
        "Individuals requested": 40,
        "Individuals returned": 14 if mode == "internal" else 15,
        "Agreement": "ho-dfe-test",
        "Version": "1.0",
        "Title": "Test agreement (version 1)",
        "Holder": "Department for Education",
        "Requester": "Home Office",
        "Purposes": "Re-establish contact with families.",
        "Legal basis": "not stated (unknown)",
        "Data items requested": "request_id, forename, surname, dob, postcode",
        "Data items returned": "forename, surname, address, school_name",
        "Retention of returned data": "90 days (assumed)",
    }
    rule = next(row[1] for row in sheets["Notes"] if row[0] == "Rule applied")
    assert ("rounded to the nearest 5" in rule) is (mode == "publish")
    assert ("monthly-series rule" in rule) is (mode == "publish")  # the default
