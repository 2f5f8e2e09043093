"""One run: the register, the requests, the truth, the perturbations and the manifest, written to a folder."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import GENERATOR_VERSION, _sources
from .csvout import write_csv
from .geography import splitmix
from .names import NameModel, name_model
from .population import (
    CHECK_LETTERS,
    SEP_CODES,
    SEX_CODES,
    PopulationParams,
    Register,
    build_register,
    check_letters,
    day,
)
from .profiles import ENTITY_KINDS, ERROR_KINDS, Profile, get_profile
from .requests import Person, apply_errors, choose_people

REGISTER_COLUMNS = (
    "pupil_id",
    "forename",
    "middle_names",
    "surname",
    "dob",
    "sex",
    "postcode",
    "address",
    "school_urn",
    "school_name",
    "la_code",
    "census_date",
    "first_attendance",
    "last_attendance",
)
REQUEST_COLUMNS = ("request_id", "forename", "middle_names", "surname", "dob", "sex", "postcode", "address")
PLAIN_REGISTER_COLUMNS = (
    "pupil_id",
    "dob",
    "sex",
    "postcode",
    "school_urn",
    "la_code",
    "census_date",
    "first_attendance",
    "last_attendance",
)
FILES = ("register.csv", "requests.csv", "truth.csv", "perturbations.csv", "manifest.json")
EVALUATION_SEEDS_FROM = (
    1000  # seeds below are for developing this generator; seeds from here on for evaluation
)
REGISTER_POSTCODE_BLANK = 0.003  # register rows whose postcode the school did not record

# every random stage has its own generator, so a change in one stage leaves the others' draws alone
_STAGES = (
    "households",
    "geography",
    "children",
    "names",
    "namesakes",
    "records",
    "choose",
    "register_typos",
    "not_held",
    "fresh",
    "errors",
    "order",
    "register_blanks",
)


def stage_rng(seed: int) -> Callable[[str], np.random.Generator]:
    def rng_for(stage: str) -> np.random.Generator:
        return np.random.default_rng([seed, _STAGES.index(stage) + 1, 0x48454C44])

    return rng_for


def pupil_id_array(numbers: np.ndarray) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 12, "0")
    letters = pa.array(np.array(list(CHECK_LETTERS), dtype=object)[check_letters(numbers)])
    return pc.binary_join_element_wise(digits, letters, "")


def _masked(codes: np.ndarray) -> pa.Array:
    return pa.array(codes, mask=codes < 0)


def _dates(days: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(days.astype(np.int32), type=pa.date32()), pa.string())


def _name_keys(
    fore: np.ndarray, sur1: np.ndarray, sur2: np.ndarray, sep: np.ndarray, dob: np.ndarray
) -> np.ndarray:
    """A 64-bit key of (forename, surname, date of birth) codes; equal keys mean equal strings."""
    a = (fore.astype(np.int64) << 20) + dob.astype(np.int64) + 200_000
    b = (sur1.astype(np.int64) << 22) + ((sur2.astype(np.int64) + 1) << 2) + sep.astype(np.int64)
    with np.errstate(over="ignore"):
        return splitmix(a.astype(np.uint64)) ^ splitmix(b.astype(np.uint64) + np.uint64(0x5BD1E995))


def register_table(
    model: NameModel, reg: Register, rng: np.random.Generator
) -> tuple[dict[str, pa.Array], np.ndarray]:
    """The register's columns in output order (by pupil id), and the output position of each register row."""
    ch, hh, geo = reg.children, reg.households, reg.geography
    order = np.argsort(reg.pupil_number, kind="stable")
    vocab = pa.array(model.vocab.strings, type=pa.string())

    def names(codes: np.ndarray) -> pa.Array:
        return vocab.take(_masked(codes[order]))

    def text(values: pa.Array) -> pa.Array:
        return pc.fill_null(values, "")

    # (pyarrow's join with null_handling="skip" drops rows whose values are all null, so blanks are "" here)
    middle = pc.utf8_trim(pc.binary_join_element_wise(text(names(ch.mid1)), text(names(ch.mid2)), " "), " ")
    sep_codes = np.where(ch.sur2 < 0, 0, ch.sep)[order]
    seps = pa.array(list(SEP_CODES)).take(pa.array(sep_codes))
    surname = pc.binary_join_element_wise(text(names(ch.sur1)), text(names(ch.sur2)), seps)

    unit = hh.unit
    empty = pa.scalar("", pa.string())
    flat = pc.if_else(
        pa.array(hh.flat > 0),
        pc.binary_join_element_wise("Flat ", pc.cast(pa.array(hh.flat), pa.string()), ", ", ""),
        empty,
    )
    building = pc.if_else(
        pa.array(hh.in_building & (hh.flat > 0)),
        pc.binary_join_element_wise(
            pa.array(geo.building_names).take(pa.array(geo.unit_building[unit])), pa.scalar(", "), ""
        ),
        empty,
    )
    street = pc.binary_join_element_wise(
        pc.cast(pa.array(hh.number), pa.string()),
        pa.array(geo.street_names).take(pa.array(geo.unit_street[unit])),
        " ",
    )
    locality = pc.if_else(
        pa.array(hh.show_locality),
        pc.binary_join_element_wise(
            pa.scalar(", "), pa.array(geo.localities).take(pa.array(geo.unit_locality[unit])), ""
        ),
        empty,
    )
    town = pa.array(geo.town_names).take(pa.array(geo.unit_town[unit]))
    address_hh = pc.binary_join_element_wise(flat, building, street, locality, pa.scalar(", "), town, "")
    household = pa.array(ch.household[order])
    postcode = geo.unit_postcode.take(pa.array(unit)).take(household)
    blank = rng.random(len(order)) < REGISTER_POSTCODE_BLANK
    postcode = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), postcode)
    school = reg.school[order]
    school_town = np.searchsorted(geo.town_first_school, school, side="right") - 1
    columns = {
        "pupil_id": pupil_id_array(reg.pupil_number[order]),
        "forename": names(ch.fore),
        "middle_names": middle,
        "surname": surname,
        "dob": _dates(ch.dob[order]),
        "sex": pa.array(list(SEX_CODES)).take(pa.array(ch.sex_recorded[order])),
        "postcode": postcode,
        "address": address_hh.take(household),
        "school_urn": pa.array(geo.school_urn[school]),
        "school_name": pa.array(geo.school_names).take(pa.array(school)),
        "la_code": pa.array(geo.town_la[school_town]),
        "census_date": _dates(reg.census_day[order]),
        "first_attendance": _dates(reg.first_attendance[order]),
        "last_attendance": _dates(reg.last_attendance[order]),
    }
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    return columns, position


def _request_keys(model: NameModel, persons: list[Person]) -> np.ndarray:
    """Keys of the requests' (forename, surname, dob) as the register would code them; -1 parts never match."""
    vocab = model.vocab
    fore = np.array([vocab.lookup(p.forename) for p in persons], dtype=np.int64)
    sur1 = np.full(len(persons), -1, dtype=np.int64)
    sur2 = np.full(len(persons), -1, dtype=np.int64)
    sep = np.zeros(len(persons), dtype=np.int64)
    dob = np.array([day(p.dob) if p.dob else -100_000 for p in persons], dtype=np.int64)
    for i, p in enumerate(persons):
        if len(p.surname_parts) == 2 and p.surname_sep in ("-", " "):
            sur1[i], sur2[i] = vocab.lookup(p.surname_parts[0]), vocab.lookup(p.surname_parts[1])
            sep[i] = SEP_CODES.index(p.surname_sep)
        else:
            sur1[i] = vocab.lookup(p.surname)
    bad = (fore < 0) | (sur1 < 0) | ((sep > 0) & (sur2 < 0))
    keys = _name_keys(fore, sur1, sur2, sep, dob)
    keys[bad] = np.uint64(0)
    return keys


def generate(
    profile: Profile | str,
    pupils: int,
    requests: int,
    seed: int,
    out: Path,
    census_date: dt.date = dt.date(2024, 10, 3),
    requests_seed: int | None = None,
) -> dict[str, Any]:
    """Writes the five files to ``out`` and returns the manifest.

    With ``requests_seed``, the register is the one ``seed`` makes (byte for byte, for the same ``pupils`` and
    ``requests``: the school's slips on held pupils come from that seed's own batch) and the requests, truth and
    perturbations are another batch about it, drawn from ``requests_seed`` — e.g. a batch to train on and
    another to evaluate. The second batch adds no slips of its own to the register.
    """
    if isinstance(profile, str):
        profile = get_profile(profile)
    if pupils < 10 or requests < 1:
        raise ValueError("need at least 10 pupils and 1 request")
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    out.chmod(0o700)
    rng_for = stage_rng(seed)
    model = name_model(profile.name_concentration).for_one_run()
    params = PopulationParams(census_date=census_date, namesake_rate=profile.namesake_rate)
    reg = build_register(rng_for, model, pupils, params)
    persons = choose_people(rng_for, model, reg, profile, requests, params)
    request_rng = rng_for
    if requests_seed is not None and requests_seed != seed:
        request_rng = stage_rng(requests_seed)
        persons = choose_people(request_rng, model, reg, profile, requests, params, register_typos=False)
    tally = apply_errors(request_rng, model, profile, persons, reg)

    ch = reg.children
    reg_keys = _name_keys(ch.fore, ch.sur1, ch.sur2, ch.sep, ch.dob)
    unique_keys, counts = np.unique(reg_keys, return_counts=True)
    req_keys = _request_keys(model, persons)
    hit = np.searchsorted(unique_keys, req_keys)
    hit = np.minimum(hit, len(unique_keys) - 1)
    present = unique_keys[hit] == req_keys
    for i, p in enumerate(persons):
        if p.pupil >= 0:
            k = np.searchsorted(unique_keys, reg_keys[p.pupil])
            if counts[k] > 1:
                p.kinds.insert(1, "register_has_namesake")
        elif present[i]:
            p.kinds.insert(1, "exact_register_namesake")

    columns, position = register_table(model, reg, rng_for("register_blanks"))
    pupil_ids = columns["pupil_id"]
    write_csv(out / "register.csv", columns, plain=PLAIN_REGISTER_COLUMNS)

    rng = request_rng("order")
    order = rng.permutation(len(persons))
    numbers = np.sort(rng.choice(90_000_000, size=len(persons), replace=False))[rng.permutation(len(persons))]
    request_ids = [f"HO{10_000_000 + int(n):08d}" for n in numbers]
    rows = [persons[int(i)] for i in order]
    truth_rows = [int(position[p.pupil]) if p.pupil >= 0 else -1 for p in rows]
    truth = [pupil_ids[r].as_py() if r >= 0 else None for r in truth_rows]

    def col(values: Sequence[str | None]) -> pa.Array:
        return pa.array([v if v else None for v in values], type=pa.string())

    write_csv(
        out / "requests.csv",
        {
            "request_id": col(request_ids),
            "forename": col([p.forename for p in rows]),
            "middle_names": col([" ".join(p.middles) for p in rows]),
            "surname": col([p.surname for p in rows]),
            "dob": col([p.dob.isoformat() if p.dob else None for p in rows]),
            "sex": col([p.sex for p in rows]),
            "postcode": col([p.postcode_out for p in rows]),
            "address": col([p.address_out for p in rows]),
        },
    )
    write_csv(out / "truth.csv", {"request_id": col(request_ids), "pupil_id": col(truth)})
    write_csv(
        out / "perturbations.csv",
        {"request_id": col(request_ids), "kinds": col([";".join(p.kinds) for p in rows])},
    )

    counts_by_kind = Counter(k for p in persons for k in p.kinds)
    per_group = np.bincount(reg.households.group[ch.household], minlength=len(model.groups))
    groups = {g.key: int(c) for g, c in zip(model.groups, per_group, strict=True)}
    manifest: dict[str, Any] = {
        "generator": "sharelog_heldout",
        "generator_version": GENERATOR_VERSION,
        "purpose": "evaluation only: never tune a matcher on this data",
        "evaluation_seed": min(seed, requests_seed or seed) >= EVALUATION_SEEDS_FROM,
        "profile": profile.name,
        "description": profile.description,
        "parameters": profile.as_dict(),
        "seed": seed,
        "requests_seed": seed if requests_seed is None else requests_seed,
        "pupils": pupils,
        "requests": requests,
        "census_date": census_date.isoformat(),
        "name_source": {
            "package": "Faker",
            "version": _sources.faker_version(),
            "lists": "person providers, offline",
        },
        "counts": {
            "households": int(len(reg.households.group)),
            "in_register": int(counts_by_kind["in_register"]),
            "not_held": int(counts_by_kind["not_held"]),
            "register_namesakes_planted": int(reg.namesake_copies),
            "register_pupils_with_namesake": int(counts[counts > 1].sum()),
            "twins": int((ch.twin >= 0).sum()),
            "pupils_by_origin_group": dict(sorted(groups.items())),
        },
        "counts_by_kind": {k: int(counts_by_kind[k]) for k in ENTITY_KINDS + ERROR_KINDS},
        "rates": tally.report(),
        "files": list(FILES),
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest
