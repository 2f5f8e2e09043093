"""Name lists read from Faker's offline locale data (MIT licence), and a Cyrillic romaniser of our own.

Only the static lists of Faker's person providers are read; Faker's own random generator is never used, so
the output depends on the lists alone and on numpy's generator seeded by us.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import Any

# (key, Faker locale, provider attribute); a dict attribute keeps its weights
_LISTS: tuple[tuple[str, str, str], ...] = (
    ("en_GB.first_male", "en_GB", "first_names_male"),
    ("en_GB.first_female", "en_GB", "first_names_female"),
    ("en_GB.last_weighted", "en_GB", "last_names"),
    ("en_IE.first_male", "en_IE", "first_names_male"),
    ("en_IE.first_female", "en_IE", "first_names_female"),
    ("en_IE.last", "en_IE", "last_names"),
    ("pl_PL.first_male", "pl_PL", "first_names_male"),
    ("pl_PL.first_female", "pl_PL", "first_names_female"),
    ("pl_PL.last_male", "pl_PL", "male_last_names"),
    ("pl_PL.last_unisex", "pl_PL", "unisex_last_names"),
    ("ro_RO.first_male", "ro_RO", "first_names_male"),
    ("ro_RO.first_female", "ro_RO", "first_names_female"),
    ("ro_RO.last", "ro_RO", "last_names"),
    ("lt_LT.first", "lt_LT", "first_names"),
    ("lt_LT.last", "lt_LT", "last_names"),
    ("uk_UA.first_male", "uk_UA", "first_names_male"),
    ("uk_UA.first_female", "uk_UA", "first_names_female"),
    ("uk_UA.last_common", "uk_UA", "last_names_common"),
    ("ru_RU.last_male", "ru_RU", "last_names_male"),
    ("ru_RU.last_female", "ru_RU", "last_names_female"),
    ("sk_SK.first_male", "sk_SK", "first_names_male"),
    ("sk_SK.first_female", "sk_SK", "first_names_female"),
    ("sk_SK.last_male", "sk_SK", "last_names_male"),
    ("hu_HU.first_male", "hu_HU", "first_names_male"),
    ("hu_HU.first_female", "hu_HU", "first_names_female"),
    ("hu_HU.last", "hu_HU", "last_names"),
    ("pt_PT.first_male", "pt_PT", "first_names_male"),
    ("pt_PT.first_female", "pt_PT", "first_names_female"),
    ("pt_PT.last", "pt_PT", "last_names"),
    ("pt_BR.first_male", "pt_BR", "first_names_male"),
    ("pt_BR.first_female", "pt_BR", "first_names_female"),
    ("pt_BR.last", "pt_BR", "last_names"),
    ("es_ES.first_male", "es_ES", "first_names_male"),
    ("es_ES.first_female", "es_ES", "first_names_female"),
    ("es_ES.last", "es_ES", "last_names"),
    ("it_IT.first_male", "it_IT", "first_names_male"),
    ("it_IT.first_female", "it_IT", "first_names_female"),
    ("it_IT.last", "it_IT", "last_names"),
    ("tr_TR.first_male", "tr_TR", "first_names_male"),
    ("tr_TR.first_female", "tr_TR", "first_names_female"),
    ("tr_TR.last", "tr_TR", "last_names"),
    ("en_PK.first", "en_PK", "first_names"),
    ("en_PK.last", "en_PK", "last_names"),
    ("en_IN.first_male", "en_IN", "first_names_male"),
    ("en_IN.first_female", "en_IN", "first_names_female"),
    ("en_IN.last", "en_IN", "last_names"),
    ("yo_NG.first_male", "yo_NG", "first_names_male"),
    ("yo_NG.first_female", "yo_NG", "first_names_female"),
    ("yo_NG.last", "yo_NG", "last_names"),
    ("ig_NG.first_male", "ig_NG", "first_names_male"),
    ("ig_NG.first_female", "ig_NG", "first_names_female"),
    ("ig_NG.last", "ig_NG", "last_names"),
    ("ha_NG.first_male", "ha_NG", "first_names_male"),
    ("ha_NG.first_female", "ha_NG", "first_names_female"),
    ("ha_NG.last", "ha_NG", "last_names"),
    ("en_NG.last", "en_NG", "last_names"),
    ("tw_GH.first_male", "tw_GH", "first_names_male"),
    ("tw_GH.first_female", "tw_GH", "first_names_female"),
    ("tw_GH.last", "tw_GH", "last_names"),
    ("en_KE.first_male", "en_KE", "first_names_male"),
    ("en_KE.first_female", "en_KE", "first_names_female"),
    ("en_KE.last", "en_KE", "last_names"),
    ("sw.first_male", "sw", "first_names_male"),
    ("sw.first_female", "sw", "first_names_female"),
    ("sw.last", "sw", "last_names"),
    ("zh_CN.first_romanized", "zh_CN", "first_romanized_names"),
    ("zh_CN.last_romanized", "zh_CN", "last_romanized_names"),
    ("vi_VN.first_male", "vi_VN", "first_names_male"),
    ("vi_VN.first_female", "vi_VN", "first_names_female"),
    ("vi_VN.middle", "vi_VN", "middle_names"),
    ("vi_VN.last", "vi_VN", "last_names"),
)


# lists whose Faker weights are kept (the others' weights, where Faker has any, are not used)
_WEIGHTED = frozenset(
    {
        "en_GB.last_weighted",
        "hu_HU.first_male",
        "hu_HU.first_female",
        "hu_HU.last",
        "en_KE.first_male",
        "en_KE.first_female",
        "en_KE.last",
    }
)


def _usable(name: Any) -> bool:
    return (
        isinstance(name, str)
        and 1 < len(name) <= 30
        and not any(ch.isdigit() for ch in name)
        and name.strip() == name
    )


def faker_version() -> str:
    from importlib.metadata import version

    return version("Faker")


@lru_cache(maxsize=1)
def faker_lists() -> dict[str, Any]:
    """Each list as a list of names, or a dict name -> weight where Faker gives weights; duplicates dropped."""
    try:
        importlib.import_module("faker")
    except ImportError as missing:  # pragma: no cover - the extra is installed in tests
        raise SystemExit(
            "sharelog_heldout needs Faker for its name lists: pip install -e '.[heldout]'"
        ) from missing
    out: dict[str, Any] = {}
    for key, locale, attribute in _LISTS:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        raw = getattr(provider, attribute)
        if isinstance(raw, dict) and key in _WEIGHTED:
            out[key] = {str(k): float(v) for k, v in raw.items() if _usable(k)}
        else:
            out[key] = [n for n in dict.fromkeys(raw) if _usable(n)]
    return out


_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "е": "e",
    "з": "z",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ш": "sh",
    "ч": "ch",
    "ь": "",
    "ъ": "",
    "'": "",
    "’": "",
    "ы": "y",
    "э": "e",
}
# The Ukrainian national system (as in passports since 2010) and an older, Russian-influenced one.
_NATIONAL = {
    **_COMMON,
    "г": "h",
    "ґ": "g",
    "є": "ie",
    "ж": "zh",
    "и": "y",
    "і": "i",
    "ї": "i",
    "й": "i",
    "х": "kh",
    "ц": "ts",
    "щ": "shch",
    "ю": "iu",
    "я": "ia",
    "ё": "io",
}
_NATIONAL_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
_OLDER = {
    **_COMMON,
    "г": "g",
    "ґ": "g",
    "є": "je",
    "ж": "zh",
    "и": "i",
    "і": "i",
    "ї": "ji",
    "й": "j",
    "х": "h",
    "ц": "c",
    "щ": "sch",
    "ю": "ju",
    "я": "ja",
    "ё": "jo",
}


def cyrillic_to_latin(text: str, scheme: str = "national") -> str:
    """Romanises a Cyrillic name; ``national`` (Ukrainian 2010 rules) or ``older`` (a Russian-influenced one)."""
    table = _NATIONAL if scheme == "national" else _OLDER
    out = []
    for i, ch in enumerate(text):
        low = ch.lower()
        if scheme == "national" and i == 0 and low in _NATIONAL_INITIAL:
            latin = _NATIONAL_INITIAL[low]
        else:
            latin = table.get(low, low)
        out.append(latin)
    word = "".join(out)
    return word[:1].upper() + word[1:] if word else word
