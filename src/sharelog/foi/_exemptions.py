"""The exemptions of FOIA Part II as a refusal cites them: section, title, absolute or qualified, and the
provision that lets the authority neither confirm nor deny (NCND) — from reference/domain-notes.md §3.4.

A citation names a section or a subsection: ``31``, ``31(1)(e)``, ``s.40(2)``. A subsection not in the catalogue
takes its section's entry (``31(1)(a)`` is a qualified law-enforcement exemption). Sections whose subsections
differ in kind (37, 40) must be cited by subsection.

Absolute exemptions (FOIA s.2(3)) need no public interest test; every other one is qualified and may be relied
on only where the public interest in maintaining it outweighs the public interest in disclosure — so a response
citing one must say why (s.17(3)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sharelog.errors import InputError

__all__ = [
    "EXEMPTIONS",
    "Exemption",
    "exemption",
    "normalise_citation",
]


@dataclass(frozen=True)
class Exemption:
    """One exemption as cited: the citation, its section's title, absolute or qualified, and its NCND provision."""

    citation: str  # "31(1)(e)"
    title: str
    absolute: bool
    basis: str  # "class" or "prejudice" (or a short phrase where neither fits)
    ncnd: str | None  # the subsection excluding the duty to confirm or deny, e.g. "31(3)"
    note: str = ""

    @property
    def section(self) -> str:
        """The section number without subsections: ``31``, ``22A``."""
        match = re.match(r"\d+[A-Z]?", self.citation)
        return match.group(0) if match else self.citation

    @property
    def kind(self) -> str:
        return "absolute" if self.absolute else "qualified"

    @property
    def needs_public_interest(self) -> bool:
        """Qualified exemptions need a public interest test; absolute ones do not."""
        return not self.absolute

    def label(self) -> str:
        """``s.31(1)(e) Law enforcement: the operation of the immigration controls (qualified)``."""
        return f"s.{self.citation} {self.title} ({self.kind})"


def _e(
    citation: str, title: str, absolute: bool, basis: str, ncnd: str | None, note: str = ""
) -> tuple[str, Exemption]:
    return citation, Exemption(citation, title, absolute, basis, ncnd, note)


# fmt: off
EXEMPTIONS: dict[str, Exemption] = dict(
    [
        _e("21", "Information accessible to the applicant by other means", True, "class", None),
        _e("22", "Information intended for future publication", False, "class", "22(2)"),
        _e("22A", "Research (continuing programme of research)", False, "prejudice", "22A(2)"),
        _e("23", "Information supplied by, or relating to, bodies dealing with security matters", True, "class",
           "23(5)"),
        _e("24", "National security", False, "required for safeguarding national security", "24(2)"),
        _e("26", "Defence", False, "prejudice", "26(3)"),
        _e("27", "International relations", False, "prejudice (27(1)); class (27(2))", "27(4)"),
        _e("28", "Relations within the United Kingdom", False, "prejudice", "28(3)"),
        _e("29", "The economy", False, "prejudice", "29(2)"),
        _e("30", "Investigations and proceedings conducted by public authorities", False, "class", "30(3)"),
        _e("31", "Law enforcement", False, "prejudice", "31(3)"),
        _e("31(1)(e)", "Law enforcement: the operation of the immigration controls", False, "prejudice", "31(3)",
           "the Home Office's usual ground for immigration-enforcement information, often with NCND"),
        _e("32", "Court records", True, "class", "32(3)"),
        _e("33", "Audit functions", False, "prejudice", "33(3)"),
        _e("34", "Parliamentary privilege", True, "required to avoid an infringement of privilege", "34(2)"),
        _e("35", "Formulation of government policy, ministerial communications", False, "class", "35(3)"),
        _e("36", "Prejudice to the effective conduct of public affairs", False, "prejudice", "36(3)",
           "needs the reasonable opinion of a qualified person; absolute for information held by either House "
           "of Parliament"),
        _e("37(1)(a)", "Communications with the Sovereign, the heir or the second in line", True, "class",
           "37(2)"),
        _e("37(1)(aa)", "Communications with the heir or the second in line to the throne", True, "class",
           "37(2)"),
        _e("37(1)(ab)", "Communications with a person who later became heir or second in line", True, "class",
           "37(2)"),
        _e("37(1)(ac)", "Communications with other members of the Royal Family", False, "class", "37(2)"),
        _e("37(1)(ad)", "Communications with the Royal Household", False, "class", "37(2)"),
        _e("37(1)(b)", "The conferring of honours or dignities", False, "class", "37(2)"),
        _e("38", "Health and safety", False, "would or would be likely to endanger", "38(2)"),
        _e("39", "Environmental information (to be dealt with under the EIR)", False, "class", "39(2)"),
        _e("40(1)", "Personal information of which the applicant is the data subject", True, "class", "40(5A)"),
        _e("40(2)", "Personal information about others: disclosure would breach the data protection principles",
           True, "class", "40(5B)",
           "absolute where the first condition (s.40(3A)) is met, the usual case; the other conditions are "
           "cited as 40(3B) or 40(4A)"),
        _e("40(3B)", "Personal information about others: the data subject has objected to processing", False,
           "class", "40(5B)"),
        _e("40(4A)", "Personal information about others: exempt from the data subject's right of access", False,
           "class", "40(5B)"),
        _e("41", "Information provided in confidence", True, "actionable breach of confidence", "41(2)",
           "absolute, though the breach-of-confidence test has its own public-interest defence"),
        _e("42", "Legal professional privilege", False, "class", "42(2)"),
        _e("43", "Commercial interests", False, "trade secrets (43(1)); prejudice (43(2))", "43(3)"),
        _e("44", "Prohibitions on disclosure (by or under an enactment, or contempt of court)", True, "class",
           "44(2)"),
    ]
)
# fmt: on

# sections whose subsections differ in kind: cite the subsection
_BY_SUBSECTION = {"37": "37(1)(a)…37(1)(b)", "40": "40(1), 40(2), 40(3B) or 40(4A)"}
_CITATION = re.compile(r"^\d+[A-Z]?(\(\d+[A-Z]?\))?(\([a-z]+\))*$")


def normalise_citation(text: str) -> str:
    """``s.31(1)(e)``, ``S 31 (1)(e)`` or ``section 31(1)(e)`` → ``31(1)(e)``.

    Raises:
        InputError: not a section number with optional subsections.
    """
    cleaned = re.sub(r"^(section|sect\.?|s\.?)\s*", "", text.strip(), flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+", "", cleaned)
    cleaned = re.sub(r"^(\d+)([a-zA-Z])(?=\(|$)", lambda m: m.group(1) + m.group(2).upper(), cleaned)
    if not _CITATION.match(cleaned):
        raise InputError(f"'{text}' is not a section of FOIA such as 31 or 31(1)(e)", field="exemptions")
    return cleaned


def exemption(citation: str) -> Exemption:
    """The catalogue's entry for ``citation`` (a subsection takes its section's entry when it has none).

    Raises:
        InputError: not a Part II exemption, or a section that must be cited by subsection.
    """
    normal = normalise_citation(citation)
    probe = normal
    while True:
        found = EXEMPTIONS.get(probe)
        if found is not None:
            if probe == normal:
                return found
            return Exemption(normal, found.title, found.absolute, found.basis, found.ncnd, found.note)
        if probe in _BY_SUBSECTION:
            raise InputError(
                f"s.{probe} has absolute and qualified parts; cite the subsection ({_BY_SUBSECTION[probe]})",
                field="exemptions",
            )
        shorter = re.sub(r"\([^()]*\)$", "", probe)
        if shorter == probe:
            break
        probe = shorter
    known = ", ".join(sorted({e.section for e in EXEMPTIONS.values()}, key=_section_order))
    raise InputError(f"s.{normal} is not an exemption in FOIA Part II ({known})", field="exemptions")


def _section_order(section: str) -> tuple[int, str]:
    digits = re.match(r"\d+", section)
    return (int(digits.group(0)) if digits else 0, section)
