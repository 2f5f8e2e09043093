"""Registers the tests match against: a synthetic register (with hand-made pupils the tests reason about), its
request batches, and the register prepared with a model trained on those batches.

One month's batch also carries hand-made requests that must go to review, so that a test of the review band
never depends on the synthetic data happening to put something there:

- ``HO-2019-01-90001`` names "C. Okonkwo", born 2012-06-15 at B12 9QX: the twins Chidi and Chinedu match it
  equally, so the runner-up is too close for either to be returned;
- ``HO-2019-01-90002`` names "Zainab Yusef", born 2011-08-18, with no postcode: Zainab Yusuf's surname with a
  typo and her birthday a day out — middling evidence, below the match threshold but above the review one.

Building a world checks that both land in the review band under the prepared model (see
:func:`check_review_cases`); if they do not, the tests that need them fail.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from sharelog.exchange import review_queue
from sharelog.ledger import ledger_session
from sharelog.linkage import prepare_register
from sharelog.synth import generate

from ._golden import MONTHS

AGREEMENT = "ho-dfe-2019-update"  # the shipped agreement the synthetic batches are sent under
PERSON_COLUMNS = ("forename", "middle_names", "surname", "dob", "sex", "postcode")

# Hand-made pupils added to every synthetic register: (pupil_id, forename, middle, surname, dob, sex, postcode)
HAND_MADE_PUPILS = [
    ("T-AMIRA", "Amira", "", "Haddad", "2011-03-04", "F", "M14 5RT"),
    ("T-CHIDI", "Chidi", "Emeka", "Okonkwo", "2012-06-15", "M", "B12 9QX"),  # twins
    ("T-CHINEDU", "Chinedu", "Obi", "Okonkwo", "2012-06-15", "M", "B12 9QX"),
    ("T-ADAEZE", "Adaeze", "", "Okonkwo", "2009-02-11", "F", "B12 9QX"),  # their sister
    ("T-WILLIAM", "William", "James", "Harrington", "2010-05-23", "M", "LS8 2AB"),
    ("T-MUHAMMAD", "Muhammad", "Ali", "Rahman", "2009-11-07", "M", "E1 6AN"),
    ("T-OLIVIA", "Olivia", "Rose", "Brennan", "2008-04-09", "F", "NG7 1AA"),
    ("T-TOMASZ", "Tomasz", "", "Kowalczyk", "2010-01-30", "M", "PE1 3BD"),
    ("T-ZAINAB", "Zainab", "", "Yusuf", "2011-08-19", "F", "BD8 7QT"),
]

REVIEW_MONTH = MONTHS[0]
# request id → (forename, middle_names, surname, dob, sex, postcode), why it must be reviewed
REVIEW_REQUESTS: dict[str, tuple[tuple[str, ...], str]] = {
    "HO-2019-01-90001": (("C", "", "Okonkwo", "2012-06-15", "M", "B12 9QX"), "the twins match it equally"),
    "HO-2019-01-90002": (("Zainab", "", "Yusef", "2011-08-18", "F", ""), "middling evidence"),
}


@dataclass(frozen=True)
class RegisterSpec:
    """How big a synthetic world is and its seed; ``months`` gives one batch a month (with the review cases) and
    a prepared register, ``None`` a single ``requests.csv`` and no preparing."""

    pupils: int = 1_500
    requests: int = 240
    seed: int = 5
    months: tuple[str, ...] | None = MONTHS


SMALL = RegisterSpec()  # what every exchange, review, web, fuzz and reliability test matches against


@dataclass(frozen=True)
class RegisterWorld:
    """The files of one synthetic world (shared by every test that asks for it: read them, never change them)."""

    folder: Path
    register: Path  # the synthetic register and the hand-made pupils
    requests: Path  # every request (the months' batches together, review cases included)
    truth: Path  # which pupil each synthetic request is about
    prepared: Path | None = None  # the register prepared with its model
    batches: dict[str, Path] = field(
        default_factory=dict
    )  # month → batch, fields the 2019 agreement refuses gone

    @property
    def review_month(self) -> str:
        return REVIEW_MONTH


def build_register_world(folder: Path, spec: RegisterSpec) -> RegisterWorld:
    """Generate the world of ``spec`` in ``folder`` (and prepare its register when it has months)."""
    synth = generate(
        pupils=spec.pupils,
        requests=spec.requests,
        seed=spec.seed,
        out_dir=folder / "synth",
        months=list(spec.months) if spec.months else None,
    )
    register = _with_hand_made_pupils(synth.out_dir / "register.csv", folder / "register.csv")
    if spec.months is None:
        return RegisterWorld(
            folder=folder,
            register=register,
            requests=synth.out_dir / "requests.csv",
            truth=synth.out_dir / "truth.csv",
        )
    batches = {
        month: strip_columns(
            synth.out_dir / f"requests-{month}.csv", folder / f"batch-{month}.csv", drop={"case_reference"}
        )
        for month in spec.months
    }
    _add_review_requests(batches[REVIEW_MONTH])
    requests = concatenate([batches[month] for month in sorted(batches)], folder / "requests.csv")
    prepared = folder / "prepared"
    prepare_register(register=register, out_dir=prepared, train_requests=requests)
    return RegisterWorld(
        folder=folder,
        register=register,
        requests=requests,
        truth=synth.out_dir / "truth.csv",
        prepared=prepared,
        batches=batches,
    )


def _with_hand_made_pupils(source: Path, target: Path) -> Path:
    with (
        source.open(encoding="utf-8", newline="") as handle,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        header = next(csv.reader(handle))
        handle.seek(0)
        out.write(handle.read())
        writer = csv.writer(out)
        for pupil in HAND_MADE_PUPILS:
            row = dict(zip(("pupil_id", *PERSON_COLUMNS), pupil, strict=True))
            writer.writerow([row.get(column, "") for column in header])
    return target


def _add_review_requests(batch: Path) -> None:
    with batch.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with batch.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for request_id, (person, _why) in REVIEW_REQUESTS.items():
            row = {"request_id": request_id, **dict(zip(PERSON_COLUMNS, person, strict=True))}
            writer.writerow([row.get(column, "") for column in header])


def strip_columns(source: Path, target: Path, *, drop: set[str]) -> Path:
    """``source`` without the columns in ``drop``."""
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = [c for c in rows[0] if c not in drop]
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return target


def concatenate(sources: list[Path], target: Path) -> Path:
    """The batches one after the other under the first one's header."""
    with target.open("w", encoding="utf-8", newline="") as out:
        for index, source in enumerate(sources):
            lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
            out.writelines(lines if index == 0 else lines[1:])
    return target


def check_review_cases(engine: Engine, reference: str) -> list[str]:
    """The review queue of exchange ``reference``, which must hold every hand-made review request (fails the
    test otherwise: a test of the review band must never find it empty)."""
    with ledger_session(engine) as session:
        queue = [case.request_ref for case in review_queue(session, exchange=reference)]
    missing = sorted(set(REVIEW_REQUESTS) - set(queue))
    assert not missing, (
        f"the hand-made review cases {missing} did not land in the review band of {reference}: "
        + "; ".join(REVIEW_REQUESTS[request][1] for request in missing)
    )
    return queue
