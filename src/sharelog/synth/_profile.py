"""The numbers that shape the synthetic data, in one place: who is requested and what errors requests carry.

``docs/synthetic-data.md`` prints these tables and a test checks that the document and the code agree and that
the realised shares stay close to them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CENSUS_DATE",
    "ERROR_PROFILE",
    "IN_REGISTER_SHARE",
    "NOT_IN_REGISTER_MIX",
    "REQUEST_CULTURE_WEIGHT",
    "ErrorKind",
]

#: The school census the register is a snapshot of (spring census, 17 January 2019).
CENSUS_DATE = "2019-01-17"

#: Share of requests that are about a pupil in the register; the rest are about people who are not.
IN_REGISTER_SHARE = 0.60

#: Who the requests about people *not* in the register are about (shares of those requests).
#: ``sibling``: a brother or sister of a registered pupil who is not on a school roll (too young, too old,
#: home-educated, just arrived) — same surname, address and postcode. ``cousin``: same surname and culture,
#: a birth date within about two and a half years, another address in the same town; a quarter share the
#: pupil's forename.
#: ``fresh``: someone unrelated to anyone in the register.
NOT_IN_REGISTER_MIX: dict[str, float] = {"sibling": 0.40, "cousin": 0.15, "fresh": 0.45}

#: How much more likely a pupil of each naming culture is to be the subject of a request than an
#: ``english``-named pupil (trace requests concern immigration cases, so the mix differs from the register's).
REQUEST_CULTURE_WEIGHT: dict[str, float] = {"english": 1.0}
REQUEST_CULTURE_WEIGHT_DEFAULT = 4.0


@dataclass(frozen=True)
class ErrorKind:
    """One kind of difference between a request and the truth, and how often requests carry it.

    Attributes:
        name: the name written in ``perturbations.csv``.
        share: intended share of *all* requests carrying this error. Kinds are drawn independently, so a
            request may carry several; a kind that cannot apply (no middle name to drop, no hyphen to shorten)
            is drawn more often among the requests it can apply to, so the share holds overall.
        group: kinds in the same group exclude each other (a request has one address problem at most).
        description: what the error looks like, for the documentation.
    """

    name: str
    share: float
    group: str
    description: str


#: The error profile of trace requests, in the order the errors are applied.
ERROR_PROFILE: tuple[ErrorKind, ...] = (
    ErrorKind(
        "middle_as_forename", 0.02, "name_order", "known by the middle name: it is sent as the forename"
    ),
    ErrorKind("nickname", 0.05, "nickname", "a familiar form (William → Bill, Alfie → Alfred, Jakub → Kuba)"),
    ErrorKind(
        "transliteration",
        0.04,
        "transliteration",
        "another spelling from another script or without diacritics (Mohammed → Muhammad, Zhang → Cheung)",
    ),
    ErrorKind("surname_shortened", 0.01, "surname_shortened", "one part of a hyphenated surname dropped"),
    ErrorKind("forename_typo", 0.07, "forename_typo", "a letter inserted, deleted, replaced or transposed"),
    ErrorKind("surname_typo", 0.06, "surname_typo", "a letter inserted, deleted, replaced or transposed"),
    ErrorKind("name_swap", 0.02, "name_order", "forename and surname swapped"),
    ErrorKind(
        "middle_names_missing", 0.15, "middle_names_missing", "middle names left out (sent only if known)"
    ),
    ErrorKind(
        "dob_day_month_swap", 0.03, "dob", "day and month of the birth date swapped (only when day ≤ 12)"
    ),
    ErrorKind("dob_digit_typo", 0.03, "dob", "one digit of the birth date wrong"),
    ErrorKind("dob_year_off", 0.02, "dob", "birth year one too high or too low"),
    ErrorKind("moved_house", 0.10, "address", "an older or newer address: a new postcode, often nearby"),
    ErrorKind("missing_postcode", 0.05, "address", "no postcode and no address"),
    ErrorKind("postcode_typo", 0.02, "address", "postcode mistyped or run together (B12 9QX → B129QX)"),
    ErrorKind("missing_sex", 0.05, "sex", "sex left blank"),
    ErrorKind("case_change", 0.10, "case", "names in capitals or lower case (a casework system's export)"),
    ErrorKind(
        "punctuation_accents",
        0.03,
        "punctuation",
        "stray punctuation or spaces, apostrophes and hyphens dropped, diacritics dropped or added",
    ),
)


def request_culture_weight(culture: str) -> float:
    """The request weight of a naming culture (see :data:`REQUEST_CULTURE_WEIGHT`)."""
    return REQUEST_CULTURE_WEIGHT.get(culture, REQUEST_CULTURE_WEIGHT_DEFAULT)
