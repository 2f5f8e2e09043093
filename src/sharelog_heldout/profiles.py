"""The grid of profiles: who is asked for, and how the requester's details differ from the register.

Every rate is a probability among the requests *eligible* for that kind of difference (a day/month swap needs
a day of 12 or less; a middle name used as the forename needs a middle name; ...). The manifest gives, per
kind, the rate, how many requests were eligible and how many got it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

# error kinds, in the order they are applied
LOCATION_KINDS = ("address_missing", "address_stale")  # one of them or neither (categorical)
ADDRESS_KINDS = (
    "postcode_missing",
    "address_line_missing",
    "postcode_typo",
    "postcode_partial",
    "postcode_format",
    "address_one_line",
    "address_abbreviated",
    "address_postcode_in_line",
    "address_flat_style",
    "address_upper",
)
NAME_KINDS = (
    "surname_change",
    "transliteration",
    "anglicised",
    "nickname",
    "middle_as_forename",
    "forename_middle_merged",
    "name_swap",
    "forename_typo",
    "surname_typo",
    "middle_missing",
    "case_whitespace",
)
DOB_KINDS = (
    "dob_day_month_swap",
    "dob_digit_typo",
    "dob_year_off",
    "dob_first_of_month",
    "dob_default_jan1",
    "dob_missing",
)
SEX_KINDS = ("sex_wrong", "sex_blank", "sex_unknown")  # categorical
REGISTER_KINDS = ("register_name_typo",)  # the school's record of the true pupil has a typo
ERROR_KINDS = REGISTER_KINDS + LOCATION_KINDS + ADDRESS_KINDS + NAME_KINDS + DOB_KINDS + SEX_KINDS
# kinds that say who the request is about (not errors)
ENTITY_KINDS = (
    "in_register",
    "register_has_namesake",
    "not_held",
    "fresh_person",
    "doppelganger",
    "not_held_sibling",
    "out_of_age_range",
    "exact_register_namesake",
)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    # who is asked for
    in_register_share: float = 0.35
    # of not-held requests: planted with the forename, surname and date of birth of a register child. Zero in the
    # realistic profiles: there namesakes arise as they do in life, from the name and birthday frequencies (more
    # of them the bigger the register); the stress profiles plant them
    doppelganger_share: float = 0.0
    sibling_share: float = 0.08  # of not-held requests: a brother or sister of a register child, not on it
    out_of_age_share: float = 0.04  # of fresh not-held requests: aged 2-3 or 19
    origin_tilt: str = "trace"  # "trace": weighted to the groups trace requests concern; "uniform"
    # the register
    namesake_rate: float = 0.003  # pupils sharing forename+surname+dob with another pupil elsewhere
    name_concentration: float = 1.0  # >1 sharpens name frequencies (lower diversity)
    rates: dict[str, float] = field(default_factory=dict)

    def rate(self, kind: str) -> float:
        return self.rates.get(kind, 0.0)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rates"] = {k: self.rate(k) for k in ERROR_KINDS}
        return out


TYPICAL_RATES: dict[str, float] = {
    "register_name_typo": 0.01,
    "address_missing": 0.35,
    "address_stale": 0.15,
    "postcode_missing": 0.05,
    "address_line_missing": 0.05,
    "postcode_typo": 0.02,
    "postcode_partial": 0.02,
    "postcode_format": 0.15,
    "address_one_line": 0.35,
    "address_abbreviated": 0.2,
    "address_postcode_in_line": 0.1,
    "address_flat_style": 0.3,
    "address_upper": 0.15,
    "surname_change": 0.04,
    "transliteration": 0.15,
    "anglicised": 0.05,
    "nickname": 0.05,
    "middle_as_forename": 0.04,
    "forename_middle_merged": 0.02,
    "name_swap": 0.02,
    "forename_typo": 0.03,
    "surname_typo": 0.03,
    "middle_missing": 0.5,
    "case_whitespace": 0.3,
    "dob_day_month_swap": 0.02,
    "dob_digit_typo": 0.01,
    "dob_year_off": 0.01,
    "dob_first_of_month": 0.01,
    "dob_default_jan1": 0.01,
    "dob_missing": 0.0,
    "sex_wrong": 0.01,
    "sex_blank": 0.05,
    "sex_unknown": 0.01,
}

CLEAN_RATES: dict[str, float] = {
    **{k: 0.0 for k in TYPICAL_RATES},
    "address_missing": 0.05,
    "address_stale": 0.02,
    "postcode_format": 0.05,
    "address_one_line": 0.2,
    "address_abbreviated": 0.05,
    "address_flat_style": 0.1,
    "transliteration": 0.02,
    "nickname": 0.01,
    "forename_typo": 0.005,
    "surname_typo": 0.005,
    "middle_missing": 0.1,
    "case_whitespace": 0.05,
    "dob_day_month_swap": 0.002,
    "sex_blank": 0.01,
}


def _typical(**changes: float) -> dict[str, float]:
    return {**TYPICAL_RATES, **changes}


HOSTILE_RATES: dict[str, float] = {
    **TYPICAL_RATES,
    "register_name_typo": 0.03,
    "address_missing": 0.5,
    "address_stale": 0.25,
    "postcode_missing": 0.1,
    "address_line_missing": 0.1,
    "postcode_typo": 0.05,
    "postcode_partial": 0.05,
    "postcode_format": 0.3,
    "address_one_line": 0.6,
    "address_abbreviated": 0.4,
    "address_postcode_in_line": 0.2,
    "address_flat_style": 0.5,
    "address_upper": 0.3,
    "surname_change": 0.1,
    "transliteration": 0.3,
    "anglicised": 0.1,
    "nickname": 0.1,
    "middle_as_forename": 0.1,
    "forename_middle_merged": 0.06,
    "name_swap": 0.06,
    "forename_typo": 0.08,
    "surname_typo": 0.08,
    "middle_missing": 0.7,
    "case_whitespace": 0.5,
    "dob_day_month_swap": 0.05,
    "dob_digit_typo": 0.03,
    "dob_year_off": 0.03,
    "dob_first_of_month": 0.03,
    "dob_default_jan1": 0.04,
    "dob_missing": 0.01,
    "sex_wrong": 0.08,
    "sex_blank": 0.12,
    "sex_unknown": 0.03,
}

_EVIDENCE_LIMITED: dict[str, float] = {
    **{k: 0.0 for k in TYPICAL_RATES},
    "address_missing": 1.0,
    "sex_blank": 1.0,
    "middle_missing": 1.0,
}

PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile(
            "clean",
            "few errors: current addresses, exact names and dates; half the people are held",
            in_register_share=0.5,
            sibling_share=0.02,
            namesake_rate=0.001,
            rates=CLEAN_RATES,
        ),
        Profile(
            "typical",
            "a realistic mix: a third held; many without an address; some stale, some spelling "
            "variants, few date errors",
            rates=_typical(),
        ),
        Profile(
            "moved",
            "families that moved: about 3 in 4 requests have no address or a previous one",
            rates=_typical(address_missing=0.5, address_stale=0.28),
        ),
        Profile(
            "sex-noise",
            "sex wrong or missing on 1 request in 5 (on top of typical)",
            rates=_typical(sex_wrong=0.1, sex_blank=0.08, sex_unknown=0.02),
        ),
        Profile(
            "swapped-names",
            "forename and surname swapped, middle name used as forename or merged with it",
            rates=_typical(
                name_swap=0.08, middle_as_forename=0.15, forename_middle_merged=0.08, middle_missing=0.3
            ),
        ),
        Profile(
            "doppelganger-rich",
            "low name diversity: many register namesakes and not-held requests that "
            "share forename, surname and date of birth with a register child",
            in_register_share=0.25,
            doppelganger_share=0.4,
            sibling_share=0.15,
            namesake_rate=0.03,
            name_concentration=1.6,
            rates=_typical(),
        ),
        Profile(
            "evidence-limited",
            "name and date of birth only, exact: no address, postcode, sex or middle name",
            rates=_EVIDENCE_LIMITED,
        ),
        Profile(
            "one-line-addresses",
            "every address written on one line without commas, often abbreviated",
            rates=_typical(
                address_one_line=1.0,
                address_abbreviated=0.5,
                address_postcode_in_line=0.3,
                address_missing=0.2,
                address_stale=0.1,
            ),
        ),
        Profile(
            "transliteration",
            "names romanised or anglicised differently, diacritics dropped, nicknames",
            rates=_typical(transliteration=0.6, anglicised=0.3, nickname=0.2),
        ),
        Profile(
            "hostile-mix",
            "everything at once, at high rates",
            in_register_share=0.3,
            doppelganger_share=0.2,
            sibling_share=0.15,
            namesake_rate=0.01,
            name_concentration=1.3,
            rates=HOSTILE_RATES,
        ),
    )
}


def get_profile(name: str, **overrides: Any) -> Profile:
    if name not in PROFILES:
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}")
    profile = PROFILES[name]
    return replace(profile, **overrides) if overrides else profile
