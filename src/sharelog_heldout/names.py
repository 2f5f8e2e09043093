"""Name pools of each origin group: weighted forenames by sex and birth era, middle names and surnames.

Sources: the hand-written heads of ``_curated.py`` and Faker's offline locale lists (``_sources.py``).
Every pool is held as integer codes into one vocabulary, so the register is built with numpy and turned into
strings only when written.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from . import _curated as C
from . import _sources as S

ERAS = 3  # 0: born up to 2010, 1: 2011-2015, 2: 2016 on


def era_of_year(year: np.ndarray) -> np.ndarray:
    return np.where(year <= 2010, 0, np.where(year <= 2015, 1, 2)).astype(np.int8)


class Vocabulary:
    """Every distinct string the generator may write into a name column, with a stable integer code each."""

    def __init__(self) -> None:
        self.strings: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, text: str) -> int:
        found = self._codes.get(text)
        if found is None:
            found = len(self.strings)
            self.strings.append(text)
            self._codes[text] = found
        return found

    def codes(self, texts: Iterable[str]) -> np.ndarray:
        return np.fromiter((self.code(t) for t in texts), dtype=np.int32)

    def lookup(self, text: str) -> int:
        """The code of ``text``, or -1 when the vocabulary has never seen it."""
        return self._codes.get(text, -1)

    def __len__(self) -> int:
        return len(self.strings)

    def copy(self) -> Vocabulary:
        twin = Vocabulary()
        twin.strings = list(self.strings)
        twin._codes = dict(self._codes)
        return twin


@dataclass
class Pool:
    """Names (as codes) with their probabilities."""

    codes: np.ndarray
    p: np.ndarray

    def sharpened(self, alpha: float) -> Pool:
        """Lower name diversity for alpha > 1: probabilities raised to alpha and renormalised."""
        if alpha == 1.0:
            return self
        q = self.p**alpha
        return Pool(self.codes, q / q.sum())

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if size == 0:
            return np.empty(0, dtype=np.int32)
        return self.codes[rng.choice(len(self.codes), size=size, p=self.p)]


def zipf(n: int, exponent: float = 1.0, offset: float = 2.0) -> np.ndarray:
    """Rank weights 1/(rank+offset)^exponent for ranks 0..n-1, summing to 1."""
    if n == 0:
        return np.empty(0)
    w = 1.0 / (np.arange(n) + offset) ** exponent
    return w / w.sum()


@dataclass
class Part:
    """A ranked list of names that forms a share (``mass``) of a pool, weighted by rank or given weights."""

    names: Sequence[str]
    mass: float
    exponent: float = 1.0
    offset: float = 2.0
    weights: Sequence[float] | None = None


def make_pool(vocab: Vocabulary, parts: Sequence[Part]) -> Pool:
    """Merges parts into one pool; a name in several parts adds up its weights."""
    total: dict[str, float] = {}
    live = [part for part in parts if len(part.names) > 0 and part.mass > 0]
    mass = sum(part.mass for part in live)
    for part in live:
        if part.weights is not None:
            w = np.asarray(part.weights, dtype=float)
            w = w / w.sum()
        else:
            w = zipf(len(part.names), part.exponent, part.offset)
        for name, weight in zip(part.names, w, strict=True):
            total[name] = total.get(name, 0.0) + weight * part.mass / mass
    names = list(total)
    p = np.array([total[n] for n in names])
    return Pool(vocab.codes(names), p / p.sum())


def strip_marks(text: str) -> str:
    """Letters without diacritics, as a form or a keyboard without them would record them (Łukasz -> Lukasz)."""
    special = {"ł": "l", "Ł": "L", "ı": "i", "İ": "I", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D"}
    text = "".join(special.get(ch, ch) for ch in text)
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


@dataclass
class Group:
    """One origin group: its share of pupils, its weight among trace requests and its naming customs."""

    key: str
    label: str
    share: float
    trace_tilt: float
    boys: tuple[Pool, ...]  # one pool per era
    girls: tuple[Pool, ...]
    middle_boys: Pool
    middle_girls: Pool
    middle_rates: tuple[float, float]  # P(at least one middle name), P(two | at least one)
    surnames: Pool  # the family surname (masculine form where the language inflects)
    feminine: np.ndarray | None = None  # code -> feminine form code (-1: unchanged), over the vocabulary
    hyphen_rate: float = 0.0  # household double-barrelled surname (hyphen)
    double_rate: float = 0.0  # two surnames separated by a space (Iberian custom)
    own_surname_rate: float = 0.0  # a child's own surname, by sex, instead of the family's
    own_boys: Pool | None = None
    own_girls: Pool | None = None
    sikh_rate: float = 0.0  # households naming with Singh/Kaur
    prefix_name: str | None = None  # "Muhammad" style first given name, the called name as middle
    prefix_rate: float = 0.0
    second_culture: str | None = None  # forenames drawn from another group (an English name) at second_rate
    second_rate: float = 0.0
    keep_marks_rate: float = 1.0  # register rows keeping diacritics (else stripped)
    extra: dict[str, Pool] = field(default_factory=dict)
    own_translit: dict[str, list[str]] = field(default_factory=dict)  # variants for this group's names only


def _era_pools(
    vocab: Vocabulary, heads: Sequence[Sequence[str]], tail: Sequence[str], head_mass: float
) -> tuple[Pool, ...]:
    return tuple(
        make_pool(vocab, [Part(head, head_mass, 0.9, 3.0), Part(tail, 1 - head_mass, 0.6, 10.0)])
        for head in heads
    )


def _same(pool: Pool) -> tuple[Pool, ...]:
    return (pool,) * ERAS


def _feminine_polish(name: str) -> str:
    for masc, fem in (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")):
        if name.endswith(masc):
            return name[: -len(masc)] + fem
    return name


def _feminine_lithuanian(name: str) -> str:
    for masc, fem in (("as", "aitė"), ("ys", "ytė"), ("is", "ytė"), ("us", "utė")):
        if name.endswith(masc):
            return name[: -len(masc)] + fem
    return name


def _feminine_slovak(name: str) -> str:
    if name.endswith("ý"):
        return name[:-1] + "á"
    if name.endswith(("a", "o")):
        return name[:-1] + "ová"
    if name.endswith("ová") or name.endswith("á"):
        return name
    return name + "ová"


def _feminine_map(vocab: Vocabulary, pairs: Iterable[tuple[str, str]]) -> dict[int, int]:
    return {vocab.code(m): vocab.code(f) for m, f in pairs if m != f}


@dataclass
class NameModel:
    vocab: Vocabulary
    groups: list[Group]
    translit: dict[str, list[str]]  # spelling -> other spellings of the same name

    def group_index(self, key: str) -> int:
        return [g.key for g in self.groups].index(key)

    def for_one_run(self) -> NameModel:
        """The same model with a vocabulary of its own (a run adds the strings its typos make)."""
        return NameModel(self.vocab.copy(), self.groups, self.translit)


@lru_cache(maxsize=1)
def _base_model() -> NameModel:
    vocab = Vocabulary()
    faker = S.faker_lists()
    fem_pairs: dict[str, dict[int, int]] = {}
    translit: dict[str, list[str]] = {}

    cyrillic_translit: dict[str, list[str]] = {}  # used for Ukrainian and Russian names only
    chinese_translit: dict[str, list[str]] = {}  # used for Chinese names only

    def add_translit(group: Sequence[str], into: dict[str, list[str]] = translit) -> None:
        group = list(dict.fromkeys(group))
        for name in group:
            others = [g for g in group if g != name]
            if others:
                into.setdefault(name, [])
                into[name].extend(o for o in others if o not in into[name])

    for tgroup in C.TRANSLITERATION_GROUPS:
        add_translit(tgroup)

    british_tail = faker["en_GB.first_male"] + faker["en_IE.first_male"]
    british_tail_f = faker["en_GB.first_female"] + faker["en_IE.first_female"]
    gb_boys = _era_pools(vocab, C.BRITISH_BOYS_BY_ERA, british_tail, 0.62)
    gb_girls = _era_pools(vocab, C.BRITISH_GIRLS_BY_ERA, british_tail_f, 0.58)
    gb_mid_b = make_pool(vocab, [Part(C.BRITISH_MIDDLE_BOYS, 0.7), Part(C.BRITISH_BOYS_BY_ERA[1], 0.3)])
    gb_mid_g = make_pool(vocab, [Part(C.BRITISH_MIDDLE_GIRLS, 0.7), Part(C.BRITISH_GIRLS_BY_ERA[1], 0.3)])
    made_up = [h + t for h in C.SURNAME_HEADS for t in C.SURNAME_TAILS]
    # Faker's en_GB surnames follow the whole UK's frequencies; the names our other groups carry are left to them
    elsewhere = set(
        C.PAKISTANI_SURNAMES
        + C.BANGLADESHI_SURNAMES
        + C.BANGLADESHI_GIRL_SURNAMES
        + C.INDIAN_SURNAMES
        + C.SOMALI_SURNAMES
        + C.ARAB_SURNAMES
        + C.AFGHAN_SURNAMES
        + C.IRANIAN_SURNAMES
        + C.KURDISH_SURNAMES
    )
    gb_weighted = {k: w for k, w in faker["en_GB.last_weighted"].items() if k not in elsewhere}
    gb_surnames = make_pool(
        vocab,
        [
            Part(list(gb_weighted), 0.55, weights=list(gb_weighted.values())),
            Part(faker["en_IE.last"], 0.22, 0.3, 50.0),
            Part(made_up, 0.23, 0.2, 50.0),
        ],
    )

    def simple(names: Sequence[str], tail: Sequence[str] = (), head_mass: float = 0.8) -> Pool:
        return make_pool(vocab, [Part(names, head_mass, 0.9, 3.0), Part(tail, 1 - head_mass, 0.5, 10.0)])

    groups: list[Group] = []

    groups.append(
        Group(
            "white_british",
            "White British",
            0.64,
            0.03,
            gb_boys,
            gb_girls,
            gb_mid_b,
            gb_mid_g,
            (0.80, 0.15),
            gb_surnames,
            hyphen_rate=0.03,
        )
    )
    groups.append(
        Group(
            "irish",
            "Irish and Traveller",
            0.010,
            0.05,
            _era_pools(vocab, C.BRITISH_BOYS_BY_ERA, faker["en_IE.first_male"], 0.45),
            _era_pools(vocab, C.BRITISH_GIRLS_BY_ERA, faker["en_IE.first_female"], 0.45),
            gb_mid_b,
            gb_mid_g,
            (0.7, 0.1),
            simple(faker["en_IE.last"], list(faker["en_GB.last_weighted"]), 0.7),
        )
    )
    car_b = tuple(
        make_pool(vocab, [Part(C.CARIBBEAN_BOYS, 0.4), Part(C.BRITISH_BOYS_BY_ERA[e], 0.6, 0.9, 3.0)])
        for e in range(ERAS)
    )
    car_g = tuple(
        make_pool(vocab, [Part(C.CARIBBEAN_GIRLS, 0.4), Part(C.BRITISH_GIRLS_BY_ERA[e], 0.6, 0.9, 3.0)])
        for e in range(ERAS)
    )
    groups.append(
        Group(
            "black_caribbean",
            "Black Caribbean",
            0.010,
            1.0,
            car_b,
            car_g,
            gb_mid_b,
            gb_mid_g,
            (0.75, 0.15),
            make_pool(
                vocab, [Part(C.CARIBBEAN_SURNAMES, 0.6), Part(list(faker["en_GB.last_weighted"]), 0.4)]
            ),
            hyphen_rate=0.05,
        )
    )

    # Eastern Europe
    pl_surnames = make_pool(
        vocab,
        [Part(faker["pl_PL.last_male"], 0.55, 0.9, 3.0), Part(faker["pl_PL.last_unisex"], 0.45, 0.3, 50.0)],
    )
    fem_pairs["polish"] = _feminine_map(vocab, ((m, _feminine_polish(m)) for m in faker["pl_PL.last_male"]))
    groups.append(
        Group(
            "polish",
            "Polish",
            0.025,
            2.0,
            _same(simple(C.POLISH_BOYS_HEAD, faker["pl_PL.first_male"], 0.7)),
            _same(simple(C.POLISH_GIRLS_HEAD, faker["pl_PL.first_female"], 0.7)),
            simple(faker["pl_PL.first_male"] + C.BRITISH_MIDDLE_BOYS),
            simple(faker["pl_PL.first_female"] + C.BRITISH_MIDDLE_GIRLS),
            (0.25, 0.05),
            pl_surnames,
            keep_marks_rate=0.5,
        )
    )
    groups.append(
        Group(
            "romanian",
            "Romanian and Moldovan",
            0.015,
            2.0,
            _same(simple(C.ROMANIAN_BOYS_HEAD, faker["ro_RO.first_male"], 0.7)),
            _same(simple(C.ROMANIAN_GIRLS_HEAD, faker["ro_RO.first_female"], 0.7)),
            simple(faker["ro_RO.first_male"]),
            simple(faker["ro_RO.first_female"]),
            (0.35, 0.05),
            simple(C.ROMANIAN_SURNAMES_EXTRA, faker["ro_RO.last"], 0.6),
            keep_marks_rate=0.4,
        )
    )
    lt_surnames = simple(faker["lt_LT.last"], head_mass=1.0)
    fem_pairs["lithuanian"] = _feminine_map(
        vocab, ((m, _feminine_lithuanian(m)) for m in faker["lt_LT.last"])
    )
    lt_first = faker["lt_LT.first"]
    groups.append(
        Group(
            "lithuanian",
            "Lithuanian and Latvian",
            0.005,
            2.0,
            _same(simple([n for n in lt_first if n.endswith("s")], head_mass=1.0)),
            _same(
                simple(
                    C.POLISH_GIRLS_HEAD[:12]
                    + ["Gabija", "Ugnė", "Austėja", "Emilija", "Kamilė", "Lėja", "Gustė", "Urtė"],
                    head_mass=1.0,
                )
            ),
            simple([n for n in lt_first if n.endswith("s")]),
            simple(["Marija", "Ona", "Rūta", "Eglė"]),
            (0.15, 0.0),
            lt_surnames,
            keep_marks_rate=0.4,
        )
    )
    ua_boys = [S.cyrillic_to_latin(n) for n in C.UKRAINIAN_BOYS_CYR + faker["uk_UA.first_male"]]
    ua_girls = [S.cyrillic_to_latin(n) for n in C.UKRAINIAN_GIRLS_CYR + faker["uk_UA.first_female"]]
    for cyr in (
        C.UKRAINIAN_BOYS_CYR
        + C.UKRAINIAN_GIRLS_CYR
        + faker["uk_UA.first_male"]
        + faker["uk_UA.first_female"]
        + faker["uk_UA.last_common"]
        + faker["ru_RU.last_male"]
        + faker["ru_RU.last_female"]
    ):
        add_translit([S.cyrillic_to_latin(cyr), S.cyrillic_to_latin(cyr, scheme="older")], cyrillic_translit)
    ru_m = [S.cyrillic_to_latin(n) for n in faker["ru_RU.last_male"]]
    ru_f = [S.cyrillic_to_latin(n) for n in faker["ru_RU.last_female"]]
    fem_pairs["ukrainian"] = _feminine_map(vocab, zip(ru_m, ru_f, strict=True))
    ua_surnames = make_pool(
        vocab,
        [
            Part([S.cyrillic_to_latin(n) for n in faker["uk_UA.last_common"]], 0.7, 0.3, 30.0),
            Part(ru_m, 0.3, 0.8, 5.0),
        ],
    )
    groups.append(
        Group(
            "ukrainian",
            "Ukrainian and Russian",
            0.005,
            1.5,
            _same(simple(ua_boys[: len(C.UKRAINIAN_BOYS_CYR)], ua_boys[len(C.UKRAINIAN_BOYS_CYR) :], 0.8)),
            _same(
                simple(ua_girls[: len(C.UKRAINIAN_GIRLS_CYR)], ua_girls[len(C.UKRAINIAN_GIRLS_CYR) :], 0.8)
            ),
            simple(ua_boys[:20]),
            simple(ua_girls[:20]),
            (0.1, 0.0),
            ua_surnames,
        )
    )
    sk_m = faker["sk_SK.last_male"][:300] + C.ROMA_SLOVAK_SURNAMES
    fem_pairs["slovak_roma"] = _feminine_map(vocab, ((m, _feminine_slovak(m)) for m in sk_m))
    groups.append(
        Group(
            "slovak_roma",
            "Slovak, Czech and Roma",
            0.003,
            2.0,
            _same(simple(faker["sk_SK.first_male"], head_mass=1.0)),
            _same(simple(faker["sk_SK.first_female"], head_mass=1.0)),
            simple(faker["sk_SK.first_male"]),
            simple(faker["sk_SK.first_female"]),
            (0.2, 0.0),
            make_pool(
                vocab,
                [Part(C.ROMA_SLOVAK_SURNAMES, 0.5), Part(faker["sk_SK.last_male"][:300], 0.5, 0.3, 20.0)],
            ),
            keep_marks_rate=0.3,
        )
    )
    groups.append(
        Group(
            "hungarian",
            "Hungarian",
            0.002,
            1.5,
            _same(
                make_pool(
                    vocab,
                    [
                        Part(C.HUNGARIAN_BOYS_HEAD, 0.7),
                        Part(
                            list(faker["hu_HU.first_male"]),
                            0.3,
                            weights=list(faker["hu_HU.first_male"].values()),
                        ),
                    ],
                )
            ),
            _same(
                make_pool(
                    vocab,
                    [
                        Part(C.HUNGARIAN_GIRLS_HEAD, 0.7),
                        Part(
                            list(faker["hu_HU.first_female"]),
                            0.3,
                            weights=list(faker["hu_HU.first_female"].values()),
                        ),
                    ],
                )
            ),
            simple(list(faker["hu_HU.first_male"])),
            simple(list(faker["hu_HU.first_female"])),
            (0.2, 0.0),
            make_pool(
                vocab, [Part(list(faker["hu_HU.last"]), 1.0, weights=list(faker["hu_HU.last"].values()))]
            ),
            keep_marks_rate=0.4,
        )
    )
    # Southern Europe and Turkey
    groups.append(
        Group(
            "portuguese",
            "Portuguese and Brazilian",
            0.007,
            1.0,
            _same(simple(C.SOUTHERN_BOYS_HEAD, faker["pt_PT.first_male"] + faker["pt_BR.first_male"], 0.6)),
            _same(
                simple(C.SOUTHERN_GIRLS_HEAD, faker["pt_PT.first_female"] + faker["pt_BR.first_female"], 0.6)
            ),
            simple(faker["pt_PT.first_male"]),
            simple(faker["pt_PT.first_female"]),
            (0.6, 0.2),
            simple(faker["pt_PT.last"], faker["pt_BR.last"], 0.6),
            double_rate=0.45,
            keep_marks_rate=0.5,
        )
    )
    groups.append(
        Group(
            "spanish_italian",
            "Spanish and Italian",
            0.008,
            1.0,
            _same(simple(C.SOUTHERN_BOYS_HEAD, faker["es_ES.first_male"] + faker["it_IT.first_male"], 0.6)),
            _same(
                simple(C.SOUTHERN_GIRLS_HEAD, faker["es_ES.first_female"] + faker["it_IT.first_female"], 0.6)
            ),
            simple(faker["es_ES.first_male"]),
            simple(faker["es_ES.first_female"]),
            (0.4, 0.1),
            simple(faker["es_ES.last"], faker["it_IT.last"], 0.5),
            double_rate=0.3,
            keep_marks_rate=0.5,
        )
    )
    groups.append(
        Group(
            "turkish",
            "Turkish and Turkish Cypriot",
            0.006,
            3.0,
            _same(simple(C.TURKISH_BOYS_HEAD, faker["tr_TR.first_male"], 0.7)),
            _same(simple(C.TURKISH_GIRLS_HEAD, faker["tr_TR.first_female"], 0.7)),
            simple(faker["tr_TR.first_male"]),
            simple(faker["tr_TR.first_female"]),
            (0.3, 0.0),
            simple(faker["tr_TR.last"], head_mass=1.0),
            keep_marks_rate=0.4,
        )
    )

    # South Asia
    pk_boys = simple(C.MUSLIM_SA_BOYS, faker["en_PK.first"], 0.85)
    pk_girls = simple(C.MUSLIM_SA_GIRLS, C.ARAB_GIRLS, 0.9)
    groups.append(
        Group(
            "pakistani",
            "Pakistani",
            0.046,
            3.0,
            _same(pk_boys),
            _same(pk_girls),
            simple(C.MUSLIM_SA_MIDDLE_BOYS, C.MUSLIM_SA_BOYS),
            simple(C.MUSLIM_SA_MIDDLE_GIRLS, C.MUSLIM_SA_GIRLS),
            (0.45, 0.1),
            simple(C.PAKISTANI_SURNAMES, faker["en_PK.last"], 0.88),
            prefix_name="Muhammad",
            prefix_rate=0.22,
            hyphen_rate=0.005,
        )
    )
    groups.append(
        Group(
            "bangladeshi",
            "Bangladeshi",
            0.019,
            3.0,
            _same(simple(C.BANGLADESHI_BOYS, C.MUSLIM_SA_BOYS, 0.6)),
            _same(simple(C.BANGLADESHI_GIRLS, C.MUSLIM_SA_GIRLS, 0.6)),
            simple(C.BANGLADESHI_BOYS, C.MUSLIM_SA_MIDDLE_BOYS),
            simple(C.BANGLADESHI_GIRLS, C.MUSLIM_SA_MIDDLE_GIRLS),
            (0.4, 0.1),
            simple(C.BANGLADESHI_SURNAMES, head_mass=1.0),
            own_surname_rate=0.35,
            own_boys=simple(C.BANGLADESHI_BOY_SURNAMES, head_mass=1.0),
            own_girls=simple(C.BANGLADESHI_GIRL_SURNAMES, head_mass=1.0),
            prefix_name="Mohammed",
            prefix_rate=0.18,
        )
    )
    groups.append(
        Group(
            "indian",
            "Indian and Sri Lankan",
            0.036,
            2.5,
            _same(simple(C.INDIAN_BOYS, faker["en_IN.first_male"], 0.7)),
            _same(simple(C.INDIAN_GIRLS, faker["en_IN.first_female"], 0.7)),
            simple(C.INDIAN_BOYS, faker["en_IN.first_male"]),
            simple(C.INDIAN_GIRLS, faker["en_IN.first_female"]),
            (0.35, 0.05),
            simple(C.INDIAN_SURNAMES, faker["en_IN.last"], 0.75),
            sikh_rate=0.3,
            extra={"sikh_family": simple(C.SIKH_FAMILY_SURNAMES, head_mass=1.0)},
        )
    )

    # Africa
    ng_first_b = faker["yo_NG.first_male"] + faker["ig_NG.first_male"] + faker["ha_NG.first_male"]
    ng_first_g = faker["yo_NG.first_female"] + faker["ig_NG.first_female"] + faker["ha_NG.first_female"]
    groups.append(
        Group(
            "nigerian",
            "Nigerian",
            0.022,
            4.0,
            _same(simple(C.NIGERIAN_CHRISTIAN_BOYS, ng_first_b, 0.7)),
            _same(simple(C.NIGERIAN_CHRISTIAN_GIRLS, ng_first_g, 0.7)),
            simple(ng_first_b, head_mass=1.0),
            simple(ng_first_g, head_mass=1.0),
            (0.85, 0.35),
            simple(
                faker["yo_NG.last"] + faker["ig_NG.last"], faker["ha_NG.last"] + faker["en_NG.last"], 0.85
            ),
        )
    )
    groups.append(
        Group(
            "ghanaian",
            "Ghanaian",
            0.008,
            4.0,
            _same(simple(C.NIGERIAN_CHRISTIAN_BOYS, faker["tw_GH.first_male"], 0.5)),
            _same(simple(C.NIGERIAN_CHRISTIAN_GIRLS, faker["tw_GH.first_female"], 0.5)),
            simple(faker["tw_GH.first_male"], head_mass=1.0),
            simple(faker["tw_GH.first_female"], head_mass=1.0),
            (0.75, 0.2),
            simple(faker["tw_GH.last"], head_mass=1.0),
        )
    )
    groups.append(
        Group(
            "somali",
            "Somali",
            0.010,
            3.0,
            _same(simple(C.SOMALI_BOYS, head_mass=1.0)),
            _same(simple(C.SOMALI_GIRLS, head_mass=1.0)),
            simple(C.SOMALI_BOYS, head_mass=1.0),
            simple(C.SOMALI_BOYS, head_mass=1.0),
            (0.45, 0.2),
            simple(C.SOMALI_SURNAMES, head_mass=1.0),
            prefix_name="Mohamed",
            prefix_rate=0.06,
        )
    )
    groups.append(
        Group(
            "eritrean",
            "Eritrean, Ethiopian and Sudanese",
            0.004,
            6.0,
            _same(simple(C.ERITREAN_BOYS, head_mass=1.0)),
            _same(simple(C.ERITREAN_GIRLS, head_mass=1.0)),
            simple(C.ERITREAN_BOYS, head_mass=1.0),
            simple(C.ERITREAN_BOYS, head_mass=1.0),
            (0.5, 0.3),
            simple(C.ERITREAN_SURNAMES, head_mass=1.0),
        )
    )
    groups.append(
        Group(
            "east_african",
            "Kenyan, Ugandan and Tanzanian",
            0.004,
            4.0,
            _same(
                make_pool(
                    vocab,
                    [
                        Part(
                            list(faker["en_KE.first_male"]),
                            0.8,
                            weights=list(faker["en_KE.first_male"].values()),
                        ),
                        Part(faker["sw.first_male"], 0.2),
                    ],
                )
            ),
            _same(
                make_pool(
                    vocab,
                    [
                        Part(
                            list(faker["en_KE.first_female"]),
                            0.8,
                            weights=list(faker["en_KE.first_female"].values()),
                        ),
                        Part(faker["sw.first_female"], 0.2),
                    ],
                )
            ),
            simple(faker["sw.first_male"]),
            simple(faker["sw.first_female"]),
            (0.5, 0.1),
            make_pool(
                vocab,
                [
                    Part(list(faker["en_KE.last"]), 0.85, weights=list(faker["en_KE.last"].values())),
                    Part(faker["sw.last"], 0.15),
                ],
            ),
        )
    )

    # East Asia
    zh_given = [a.capitalize() + b for a in C.CHINESE_SYLLABLES for b in C.CHINESE_SYLLABLES if a != b]
    for given in zh_given:
        a, b = _split_syllables(given)
        add_translit([given, f"{a} {b.capitalize()}", f"{a}-{b}"], chinese_translit)
    zh_head = faker["zh_CN.first_romanized"]
    zh_pool = make_pool(vocab, [Part(zh_given, 0.7, 0.3, 50.0), Part(zh_head, 0.3)])
    groups.append(
        Group(
            "chinese",
            "Chinese",
            0.006,
            4.0,
            _same(zh_pool),
            _same(zh_pool),
            zh_pool,
            zh_pool,
            (0.8, 0.0),
            simple(C.CHINESE_SURNAMES_HEAD, faker["zh_CN.last_romanized"], 0.8),
            second_culture="white_british",
            second_rate=0.55,
        )
    )
    groups.append(
        Group(
            "vietnamese",
            "Vietnamese",
            0.002,
            6.0,
            _same(simple(faker["vi_VN.first_male"] + C.VIETNAMESE_BOYS_EXTRA, head_mass=1.0)),
            _same(simple(faker["vi_VN.first_female"] + C.VIETNAMESE_GIRLS_EXTRA, head_mass=1.0)),
            simple(faker["vi_VN.middle"], head_mass=1.0),
            simple(faker["vi_VN.middle"], head_mass=1.0),
            (0.8, 0.0),
            simple(faker["vi_VN.last"] + C.VIETNAMESE_SURNAMES_EXTRA, head_mass=1.0),
            second_culture="white_british",
            second_rate=0.35,
            keep_marks_rate=0.2,
        )
    )

    # Middle East and Central Asia
    for key, label, share, tilt, boys, girls, surnames in (
        ("arab", "Arab", 0.012, 5.0, C.ARAB_BOYS, C.ARAB_GIRLS, C.ARAB_SURNAMES),
        ("kurdish", "Kurdish", 0.005, 6.0, C.KURDISH_BOYS, C.KURDISH_GIRLS, C.KURDISH_SURNAMES),
        ("afghan", "Afghan", 0.006, 6.0, C.AFGHAN_BOYS, C.AFGHAN_GIRLS, C.AFGHAN_SURNAMES),
        ("iranian", "Iranian", 0.003, 6.0, C.IRANIAN_BOYS, C.IRANIAN_GIRLS, C.IRANIAN_SURNAMES),
    ):
        groups.append(
            Group(
                key,
                label,
                share,
                tilt,
                _same(simple(boys, C.ARAB_BOYS, 0.85)),
                _same(simple(girls, C.ARAB_GIRLS, 0.85)),
                simple(boys, head_mass=1.0),
                simple(girls, head_mass=1.0),
                (0.35, 0.1),
                simple(surnames, head_mass=1.0),
                prefix_name="Mohammed" if key == "arab" else None,
                prefix_rate=0.08 if key == "arab" else 0.0,
            )
        )
    for surname in C.ARAB_SURNAMES:
        if surname.startswith("Al-"):
            rest = surname[3:]
            add_translit([surname, f"Al {rest}", f"Al{rest.lower()}", f"El-{rest}", rest])

    # Mixed: names come from the partner groups (see population.py); pools here are placeholders.
    groups.append(
        Group(
            "mixed",
            "Mixed",
            0.065,
            0.4,
            gb_boys,
            gb_girls,
            gb_mid_b,
            gb_mid_g,
            (0.8, 0.15),
            gb_surnames,
            hyphen_rate=0.15,
        )
    )

    # Diacritics: each marked name also gets an unmarked spelling (in the vocabulary and as a variant)
    for text in list(vocab.strings):
        plain = strip_marks(text)
        if plain != text:  # a requester drops diacritics; adding them is not a variant we model
            vocab.code(plain)
            translit.setdefault(text, [])
            if plain not in translit[text]:
                translit[text].append(plain)
    groups[[g.key for g in groups].index("ukrainian")].own_translit = cyrillic_translit
    groups[[g.key for g in groups].index("chinese")].own_translit = chinese_translit
    size = len(vocab)
    for group in groups:
        pairs = fem_pairs.get(group.key)
        if pairs:
            fem = np.full(size, -1, dtype=np.int32)
            for m, f in pairs.items():
                fem[m] = f
            group.feminine = fem
    return NameModel(vocab, groups, translit)


def _split_syllables(given: str) -> tuple[str, str]:
    low = given.lower()
    for syl in C.CHINESE_SYLLABLES:
        if low.startswith(syl) and low[len(syl) :] in C.CHINESE_SYLLABLES:
            return given[: len(syl)], low[len(syl) :]
    return given, ""


def name_model(concentration: float = 1.0) -> NameModel:
    """The name model; ``concentration`` > 1 sharpens every pool (lower name diversity, more namesakes)."""
    base = _base_model()
    if concentration == 1.0:
        return base
    groups = []
    for g in base.groups:
        sharpen = lambda pool: pool.sharpened(concentration)  # noqa: E731
        groups.append(
            Group(
                **{
                    **g.__dict__,
                    "boys": tuple(sharpen(p) for p in g.boys),
                    "girls": tuple(sharpen(p) for p in g.girls),
                    "surnames": sharpen(g.surnames),
                    "middle_boys": sharpen(g.middle_boys),
                    "middle_girls": sharpen(g.middle_girls),
                }
            )
        )
    return NameModel(base.vocab, groups, base.translit)


def unmarked_codes(vocab: Vocabulary) -> np.ndarray:
    """code -> code of the same text without diacritics (itself when it has none)."""
    out = np.arange(len(vocab), dtype=np.int32)
    for i, text in enumerate(vocab.strings):
        if text.isascii():
            continue
        plain = strip_marks(text)
        if plain != text:
            out[i] = vocab.code(plain)
    return out
