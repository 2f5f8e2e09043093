"""Privacy-preserving matching, end to end on synthetic data: keys, encodings files, the linkage unit's link —
and what must be refused (another key, another schema, a file that is not an encodings file)."""

from __future__ import annotations

import csv
import dataclasses
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sharelog.cli import app
from sharelog.errors import InputError, ValidationFailed
from sharelog.pprl import (
    DEFAULT_SCHEMA,
    LINKS_COLUMNS,
    Encodings,
    EncodingSchema,
    FieldEncoding,
    LinkageKey,
    LinkThresholds,
    check_compatible,
    encode_file,
    encode_table,
    generate_key,
    link_encodings,
    read_encodings,
    read_key,
    write_encodings,
    write_key,
)
from sharelog.pprl._encode import diffuse, diffusion_taps
from sharelog.pprl._link import _score_pairs, dice, forename_agrees
from sharelog.synth import generate

runner = CliRunner()
KEY = LinkageKey(bytes(range(32)))


@dataclasses.dataclass(frozen=True)
class Data:
    register: Path
    requests: Path
    truth: dict[str, str]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Data:
    folder = tmp_path_factory.mktemp("pprl-synth")
    generate(pupils=3_000, requests=400, seed=1717, out_dir=folder, months=["2019-03"])
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        truth = {row["request_id"]: row["pupil_id"] for row in csv.DictReader(handle)}
    return Data(register=folder / "register.csv", requests=folder / "requests-2019-03.csv", truth=truth)


@pytest.fixture(scope="module")
def register(data: Data) -> Encodings:
    return encode_file(data.register, kind="register", schema=DEFAULT_SCHEMA, key=KEY)


@pytest.fixture(scope="module")
def requests(data: Data) -> Encodings:
    return encode_file(data.requests, kind="requests", schema=DEFAULT_SCHEMA, key=KEY)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    before = os.umask(0o022)
    yield
    os.umask(before)


def test_the_linkage_unit_finds_the_people_without_the_key(
    data: Data, register: Encodings, requests: Encodings
):
    outcome = link_encodings(requests, register)
    assert [row.request_id for row in outcome.rows] == list(requests.ids)  # every request, in order
    assert {row.decision for row in outcome.rows} <= {"match", "review", "no_match"}
    matched = [row for row in outcome.rows if row.decision == "match"]
    held = [request for request, pupil in data.truth.items() if pupil]
    right = [row for row in matched if data.truth[row.request_id] == row.pupil_id]
    assert len(right) / len(matched) >= 0.99, "a wrong match sends officers to the wrong family"
    assert len(right) / len(held) >= 0.6
    assert all(row.pupil_id == "" for row in outcome.rows if row.decision == "no_match")
    assert 0 < outcome.thresholds.review <= outcome.thresholds.match < 1


def test_another_key_is_refused_and_would_match_nothing(data: Data, register: Encodings):
    other = encode_file(data.requests, kind="requests", schema=DEFAULT_SCHEMA, key=generate_key())
    with pytest.raises(InputError, match="different linkage keys"):
        check_compatible(other, register)
    # a linkage unit that skipped the check would still find nobody: the bits are another key's
    forged = dataclasses.replace(other, key_check=register.key_check)
    outcome = link_encodings(forged, register, thresholds=None)
    assert [row for row in outcome.rows if row.decision != "no_match"] == []


def test_another_schema_is_refused_with_both_named(data: Data, register: Encodings):
    changed = DEFAULT_SCHEMA.model_copy(
        update={
            "name": "other-schema",
            "fields": (
                *DEFAULT_SCHEMA.fields[:-1],
                FieldEncoding(source="address", tokens="bigrams", hashes=2),
            ),
        }
    )
    other = encode_file(data.requests, kind="requests", schema=changed, key=KEY)
    with pytest.raises(InputError, match="different schemas") as refused:
        link_encodings(other, register)
    assert "other-schema" in str(refused.value) and DEFAULT_SCHEMA.name in str(refused.value)


def test_two_registers_or_two_batches_are_refused(register: Encodings, requests: Encodings):
    with pytest.raises(InputError, match="a batch's encodings and a register's"):
        link_encodings(register, register)
    with pytest.raises(InputError, match="a batch's encodings and a register's"):
        link_encodings(requests, dataclasses.replace(requests, kind="requests"))


def test_swapped_names_and_a_wrong_sex_still_encode_alike():
    person = {
        "request_id": "a",
        "forename": "Amira",
        "surname": "Haddad",
        "dob": "2011-04-05",
        "sex": "F",
        "postcode": "LS6 2AB",
    }
    swapped = person | {"request_id": "b", "forename": "Haddad", "surname": "Amira", "sex": "M"}
    stranger = person | {"request_id": "c", "forename": "Oliver", "surname": "Brown", "dob": "2009-11-30"}
    encoded = encode_table(
        pd.DataFrame([person, swapped, stranger]),
        id_column="request_id",
        kind="requests",
        schema=DEFAULT_SCHEMA,
        key=KEY,
    )
    similarity = dice(encoded, encoded, np.array([0, 0]), np.array([1, 2]))
    assert similarity[0] >= 0.95 > 0.6 > similarity[1]


def test_encodings_files_round_trip_owner_only_and_hold_no_names(
    data: Data, requests: Encodings, tmp_path: Path, usual_umask: None
):
    out = write_encodings(requests, tmp_path / "batch.parquet")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    again = read_encodings(out)
    assert list(again.ids) == list(requests.ids) and again.key_check == requests.key_check
    assert np.array_equal(again.filters, requests.filters) and np.array_equal(again.blocks, requests.blocks)
    assert again.schema == requests.schema
    surnames = pd.read_csv(data.requests, dtype=str).surname.dropna()
    raw = out.read_bytes().upper()
    assert not [name for name in surnames.head(50) if len(name) > 3 and name.upper().encode() in raw]


def test_a_file_that_is_not_an_encodings_file_is_refused_by_name(data: Data, tmp_path: Path):
    with pytest.raises(ValidationFailed, match="requests-2019-03.csv: not an encodings file"):
        read_encodings(data.requests)
    plain = tmp_path / "plain.parquet"
    pd.DataFrame({"id": ["x"]}).to_parquet(plain)
    with pytest.raises(ValidationFailed, match="plain.parquet: not an encodings file"):
        read_encodings(plain)
    with pytest.raises(InputError, match="missing.parquet: no such encodings file"):
        read_encodings(tmp_path / "missing.parquet")


def test_a_key_file_is_owner_only_never_overwritten_and_never_shown(tmp_path: Path, usual_umask: None):
    path = write_key(generate_key(), tmp_path / "shared.key")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = read_key(path)
    assert key.secret.hex() not in repr(key)
    with pytest.raises(InputError, match="never overwritten"):
        write_key(generate_key(), path)
    broken = tmp_path / "broken.key"
    broken.write_text("sharelog-pprl-key v1\nnot-hex-at-all\n")
    with pytest.raises(InputError, match="broken.key: the key is not hexadecimal") as refused:
        read_key(broken)
    assert "not-hex-at-all" not in str(refused.value)


def test_the_commands_encode_and_link_through_files(data: Data, tmp_path: Path):
    key = tmp_path / "shared.key"
    steps = [
        ["pprl", "keygen", "--out", str(key)],
        [
            "pprl",
            "encode",
            "--key",
            str(key),
            "--register",
            str(data.register),
            "--out",
            str(tmp_path / "reg.parquet"),
        ],
        [
            "pprl",
            "encode",
            "--key",
            str(key),
            "--requests",
            str(data.requests),
            "--out",
            str(tmp_path / "req.parquet"),
        ],
        [
            "pprl",
            "link",
            "--register",
            str(tmp_path / "reg.parquet"),
            "--requests",
            str(tmp_path / "req.parquet"),
            "--out",
            str(tmp_path / "links.csv"),
        ],
    ]
    for step in steps:
        done = runner.invoke(app, step)
        assert done.exit_code == 0, done.output
    assert "match" in done.output and "Thresholds" in done.output
    links = pd.read_csv(tmp_path / "links.csv", dtype=str)
    assert tuple(links.columns) == LINKS_COLUMNS and len(links) == len(data.truth)


def test_the_link_command_refuses_another_key_in_one_line(data: Data, tmp_path: Path):
    for name in ("a.key", "b.key"):
        assert runner.invoke(app, ["pprl", "keygen", "--out", str(tmp_path / name)]).exit_code == 0
    for name, kind, source in (
        ("a.key", "--register", data.register),
        ("b.key", "--requests", data.requests),
    ):
        out = tmp_path / f"{kind[2:]}.parquet"
        assert (
            runner.invoke(
                app, ["pprl", "encode", "--key", str(tmp_path / name), kind, str(source), "--out", str(out)]
            ).exit_code
            == 0
        )
    refused = runner.invoke(
        app,
        [
            "pprl",
            "link",
            "--register",
            str(tmp_path / "register.parquet"),
            "--requests",
            str(tmp_path / "requests.parquet"),
            "--out",
            str(tmp_path / "links.csv"),
        ],
    )
    assert refused.exit_code == 2
    assert "different linkage keys" in refused.output
    assert not (tmp_path / "links.csv").exists()


def test_a_lower_threshold_only_where_the_forenames_sound_alike():
    child = {"forename": "Amira", "surname": "Haddad", "dob": "2011-04-05", "sex": "F", "postcode": "LS6 2AB"}
    register = pd.DataFrame(
        [
            child | {"pupil_id": "P1"},
            child | {"pupil_id": "P2", "forename": "Omar", "sex": "M", "dob": "2013-01-09"},
        ]
    )
    batch = pd.DataFrame(
        [
            child
            | {
                "request_id": "typo",
                "forename": "Amirah",
                "postcode": "",
            },  # the child, a letter more, no postcode
            child | {"request_id": "twin", "forename": "Zara"},  # her twin sister, not in the register
        ]
    )
    encode = {"schema": DEFAULT_SCHEMA, "key": KEY}
    held = encode_table(register, id_column="pupil_id", kind="register", **encode)
    sent = encode_table(batch, id_column="request_id", kind="requests", **encode)
    similarity = dice(sent, held, np.array([0, 1]), np.array([0, 0]))
    lower = float(min(similarity)) - 0.01
    thresholds = LinkThresholds(
        match=float(max(similarity)) + 0.01, match_alike=lower, review=lower, source="given"
    )
    decided = {row.request_id: row for row in link_encodings(sent, held, thresholds=thresholds).rows}
    assert decided["typo"].decision == "match" and decided["typo"].pupil_id == "P1"
    assert (
        decided["twin"].decision == "review"
    )  # as similar, but another forename: never matched automatically


def _encoded(rows: list[dict[str, str]], schema: EncodingSchema = DEFAULT_SCHEMA) -> Encodings:
    return encode_table(pd.DataFrame(rows), id_column="request_id", kind="requests", schema=schema, key=KEY)


def test_a_nickname_counts_as_the_forename_and_a_day_month_swap_keeps_its_day_and_month():
    child = {"request_id": "a", "forename": "William", "surname": "Okafor", "dob": "2011-04-05", "sex": "M"}
    encoded = _encoded(
        [
            child,
            child | {"request_id": "nickname", "forename": "Bill"},
            child | {"request_id": "other name", "forename": "Mason"},
            child | {"request_id": "swapped", "dob": "2011-05-04"},
            child | {"request_id": "other day", "dob": "2011-07-19"},
        ],
        DEFAULT_SCHEMA.model_copy(update={"diffusion": 0}),  # the Bloom filters themselves
    )
    # BILL is a WILLIAM (sharelog's name variants), so the lower threshold of a forename alike applies; MASON is not
    alike = forename_agrees(encoded, encoded, np.zeros(2, int), np.array([1, 2]))
    assert alike.tolist() == [True, False]
    swapped, other_day = dice(encoded, encoded, np.zeros(2, int), np.array([3, 4]))
    assert swapped > other_day + 0.04  # without the day-and-month token: 0.752 against 0.736


def test_a_child_who_moved_is_judged_on_what_still_agrees():
    child = {
        "forename": "Amira",
        "surname": "Haddad",
        "dob": "2011-04-05",
        "sex": "F",
        "postcode": "LS6 2AB",
        "address": "12 Hyde Park Road, Leeds",
    }
    held = encode_table(
        pd.DataFrame([child | {"pupil_id": "P1"}]),
        id_column="pupil_id",
        kind="register",
        schema=DEFAULT_SCHEMA,
        key=KEY,
    )
    moved = _encoded(
        [child | {"request_id": "moved", "postcode": "M14 5RT", "address": "3 Oak Street, Manchester"}]
    )
    pair = (np.array([0]), np.array([0]))
    everything = int(held.presence[0])
    names_and_birth = float(dice(moved, held, *pair, np.array([0]))[0])
    assert float(dice(moved, held, *pair)[0]) < names_and_birth - 0.2  # all fields: the move costs a lot
    # thresholds as the register would set them: high with every field, lower on names, birth and sex alone
    by_presence = {
        variant: LinkThresholds(match=0.99, match_alike=0.99, review=0.98, source="given")
        for variant in range(DEFAULT_SCHEMA.variants())
    }
    by_presence[0] = LinkThresholds(
        match=names_and_birth - 0.01, match_alike=names_and_birth - 0.01, review=0.5, source="given"
    )
    scored = _score_pairs(moved, held, *pair, by_presence)
    assert everything == DEFAULT_SCHEMA.variants() - 1
    assert scored.margin[0] > 0 and scored.similarity[0] == pytest.approx(names_and_birth)


def test_the_diffusion_layer_stores_xors_of_keyed_taps_and_keeps_near_records_near():
    taps = diffusion_taps(KEY.derived("diffuse"), 1024, 3)
    assert not np.array_equal(
        taps.positions, diffusion_taps(generate_key().derived("diffuse"), 1024, 3).positions
    )
    assert all(len(set(column)) == 3 for column in taps.positions.T.tolist())  # three distinct inputs a bit
    rng = np.random.default_rng(5)
    filters = rng.integers(0, 2**63, size=(50, 4, 16), dtype=np.int64).view(np.uint64)
    bits = np.unpackbits(filters.reshape(-1, 16).view(np.uint8), axis=1, bitorder="little")
    stored = np.unpackbits(
        diffuse(filters, taps=taps).reshape(-1, 16).view(np.uint8), axis=1, bitorder="little"
    )
    assert np.array_equal(stored, np.bitwise_xor.reduce(bits[:, taps.positions.T], axis=2))
    # a child, the same child with another sex, a stranger: stored filters keep the order of similarity, and no
    # stored bit is a token's own any more (about half of them are set, whatever the Bloom filter's density)
    child = {"request_id": "a", "forename": "Amira", "surname": "Haddad", "dob": "2011-04-05", "sex": "F"}
    rows = [
        child,
        child | {"request_id": "b", "sex": "M"},
        child | {"request_id": "c", "forename": "Oliver", "surname": "Brown", "dob": "2009-11-30"},
    ]
    plain = _encoded(rows, DEFAULT_SCHEMA.model_copy(update={"diffusion": 0}))
    hardened = _encoded(rows)
    pairs = (np.zeros(2, int), np.array([1, 2]))
    for encoded in (plain, hardened):
        near, far = dice(encoded, encoded, *pairs)
        assert near > far + 0.2
    density = np.bitwise_count(hardened.filters[:, -1]).sum(axis=1) / DEFAULT_SCHEMA.bits
    assert np.all((density > 0.4) & (density < 0.6))
    assert np.all(np.bitwise_count(plain.filters[:, -1]).sum(axis=1) / DEFAULT_SCHEMA.bits < 0.35)
