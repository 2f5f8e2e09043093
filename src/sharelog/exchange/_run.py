"""Running an exchange: a batch under an agreement → validated, matched, a minimal return, and the ledger.

All or nothing: the ledger rows and the return file appear together or not at all (see :mod:`._files`).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import NoReturn

import pyarrow as pa
import splink
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from sharelog.agreements import Agreement, agreement_in_force
from sharelog.errors import AccessDenied, Conflict, InputError, Problem, ValidationFailed
from sharelog.exchange._checks import batch_problems, id_form_problems, matching_mode, thresholds_for
from sharelog.exchange._encryption import file_key
from sharelog.exchange._events import ExchangeCompleted, ExchangeRejected
from sharelog.exchange._files import (
    crash_point,
    exchange_file_path,
    file_checksum,
    files_in_flight,
    write_exchange_csv,
    write_exchange_json,
)
from sharelog.exchange._recovery import recover_exchange_files
from sharelog.exchange._subjects import subject_key
from sharelog.ledger import append_audit_event, ledger_session
from sharelog.ledger.agreement_records import record_agreement
from sharelog.ledger.models import (
    AgreementVersion,
    Disclosure,
    Exchange,
    RequestOutcome,
    ReturnFile,
    ReviewItem,
)
from sharelog.linkage import (
    InputLimits,
    MatchingSession,
    RequestDecision,
    ReviewRow,
    Thresholds,
    prepared_fingerprint,
    prepared_model,
    register_rows,
)
from sharelog.pprl import DEFAULT_SCHEMA, read_links
from sharelog.settings import Settings

__all__ = ["ExchangeResult", "HeldRegister", "month_start", "run_exchange"]

Progress = Callable[[str, int, int], None]
PREPARED_NAME = "the prepared register (SHARELOG_REGISTER_DIR)"  # messages never show the server's folders
# what the matched rows hold besides the request and its fields
MATCH_COLUMNS = ("pupil_id", "match_probability")
REQUEST_DETAIL_COLUMNS = ("forename", "middle_names", "surname", "dob", "sex", "postcode", "address")


class HeldRegister:
    """The prepared register held open between the exchanges one process runs in a row (the demo's months, a
    backlog): its DuckDB attached once and its Splink linker kept, instead of both built again for every batch.
    Each batch is still read, checked, scored and decided on its own, with the same decisions as a fresh run
    (tests/exchange/test_held_register.py).

    It follows the folder: when the register is prepared again (another manifest or model), the next exchange
    opens it afresh. Use as a context manager; not shared between threads.
    """

    def __init__(self, settings: Settings) -> None:
        self._directory = settings.register_path()
        self._session: MatchingSession | None = None
        self._fingerprint: tuple[bytes, bytes] | None = None

    def __enter__(self) -> HeldRegister:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the held session (the next exchange would open the register again)."""
        if self._session is not None:
            self._session.close()
        self._session, self._fingerprint = None, None

    @contextmanager
    def session(self, directory: Path) -> Iterator[MatchingSession]:
        """The session on ``directory`` with the register opened in place (opened now if it is not, or if the
        folder was prepared again since); closed if the exchange fails in it."""
        if directory != self._directory:
            raise InputError("this held register is another folder than the exchange's")
        fingerprint = prepared_fingerprint(directory)
        if self._session is None or fingerprint != self._fingerprint:
            self.close()
            session = MatchingSession(keep_linker=True)
            try:
                session.load_prepared(directory, name=PREPARED_NAME)
            except BaseException:
                session.close()
                raise
            self._session, self._fingerprint = session, fingerprint
        try:
            yield self._session
        except BaseException:  # a refused batch leaves tables half-made: the next batch starts afresh
            self.close()
            raise


@contextmanager
def _fresh_session(directory: Path) -> Iterator[MatchingSession]:
    with MatchingSession() as matching:
        matching.load_prepared(directory, name=PREPARED_NAME)
        yield matching


@dataclass(frozen=True)
class ExchangeResult:
    """What an exchange did: its reference, counts, and where the return file is."""

    reference: str
    agreement: str
    month: str
    state: str
    counts: dict[str, int]
    return_file: Path
    rerun_of: str | None
    fields_returned: tuple[str, ...] = ()
    """The return file's fields after ``request_id`` and ``match_probability``, in its order."""
    fields_not_held: tuple[str, ...] = ()
    """Fields the agreement lets the holder return that the prepared register has no column for: not returned."""


def month_start(month: str) -> date:
    """The first day of a ``YYYY-MM`` month.

    Raises:
        InputError: not a month in that form.
    """
    # exactly YYYY-MM in ASCII digits: the month is stored as given and compared as text (the monthly cap), so
    # 2019-3 or " 2019-03" must not pass for a month of their own
    found = re.fullmatch(r"([0-9]{4})-(0[1-9]|1[0-2])", month)
    try:
        if found is None:
            raise ValueError(month)
        return date(int(found.group(1)), int(found.group(2)), 1)
    except ValueError:
        raise InputError(f"{month!r} is not a month in YYYY-MM form", field="month") from None


def _batch_checksum(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    return file_checksum(path)  # read in blocks: a batch too big to read is refused later, and recorded


def _earlier_run(session: Session, *, agreement_pk: int, checksum: str) -> Exchange | None:
    return session.execute(
        select(Exchange)
        .where(
            Exchange.agreement_pk == agreement_pk,
            Exchange.input_checksum == checksum,
            Exchange.state != "rejected",
        )
        .order_by(Exchange.id)
        .limit(1)
    ).scalar_one_or_none()


def _requests_this_month(session: Session, *, agreement_id: str, month: str) -> int:
    total = session.execute(
        select(func.coalesce(func.sum(Exchange.n_received), 0))
        .join(AgreementVersion, AgreementVersion.id == Exchange.agreement_pk)
        .where(
            AgreementVersion.agreement_id == agreement_id,
            Exchange.month == month,
            Exchange.state != "rejected",
        )
    ).scalar_one()
    return int(total)


@dataclass(frozen=True)
class _Batch:
    """One batch on its way through an exchange: what it is and what it runs under."""

    settings: Settings
    engine: Engine
    agreement: Agreement
    agreement_pk: int
    purpose: str
    path: Path
    name: str  # what messages call the batch file
    month: str
    checksum: str
    now: datetime
    key: bytes
    rerun_of: Exchange | None


@dataclass(frozen=True)
class _Matched:
    """What matching produced: the return rows (with pupil ids), the review band and every decision."""

    returned: pa.Table
    review: list[ReviewRow]
    decisions: list[RequestDecision]
    model_checksum: str
    not_held: tuple[str, ...]  # the agreement's return fields the register has no column for

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields the return file holds after ``request_id`` and ``match_probability`` (read from the
        rows themselves, so that the ledger records what the file holds)."""
        return tuple(c for c in self.returned.column_names if c not in ("request_id", *MATCH_COLUMNS))

    def counts(self) -> dict[str, int]:
        return {
            d: sum(1 for row in self.decisions if row.decision == d) for d in ("match", "review", "no_match")
        }


def _new_reference(month: str) -> str:
    return f"EX-{month}-{uuid.uuid4().hex[:8]}"


def _reject(batch: _Batch, *, rows: int, problems: list[Problem]) -> NoReturn:
    """Record a refused batch — counts and where the problems are, no request data — then raise."""
    with ledger_session(batch.engine) as session:
        reference = _new_reference(batch.month)
        problem_rows = {p.row for p in problems if p.row is not None}
        session.add(
            Exchange(
                reference=reference,
                agreement_pk=batch.agreement_pk,
                purpose_code=batch.purpose,
                month=batch.month,
                state="rejected",
                input_checksum=batch.checksum,
                n_received=rows,
                n_invalid=len(problem_rows),
                submitted_by=batch.settings.actor,
                rejection=f"{len(problems)} problem(s); first: {problems[0]}",
                received_at=batch.now,
                completed_at=batch.now,
            )
        )
        session.flush()
        append_audit_event(
            session,
            ExchangeRejected(
                actor=batch.settings.actor,
                object_type="exchange",
                object_id=reference,
                detail={"problems": len(problems), "rows_with_problems": len(problem_rows)},
            ),
        )
    raise ValidationFailed(problems)


def run_exchange(
    settings: Settings,
    *,
    engine: Engine,
    agreement_id: str,
    purpose: str,
    batch: Path,
    month: str | None = None,
    rerun: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    holder: str | None = None,
    name: str | None = None,
    held: HeldRegister | None = None,
    linked: bool | None = False,
) -> ExchangeResult:
    """Run one batch under the agreement in force that month and record everything in the ledger.

    Steps: validate the batch (schema, then the agreement: permitted fields, purpose, monthly cap); match it
    against the prepared register with the agreement's thresholds; write the return file (``request_id``,
    ``match_probability`` and the agreement's return fields, for ``match`` decisions only); record the exchange,
    a request outcome per request, a disclosure per returned record (with its HMAC subject key), the review band
    and the return file — in one transaction — and only then move the return file into place.

    ``engine``: the ledger's, at the current revision (the caller's one engine: each step commits on its own).
    ``now`` is when the batch counts as received and returned (default: the clock); the demo and tests set it.
    ``holder``: the organisation running it (the web app passes the user's); refused unless it is the
    agreement's holder. ``name``: what messages call the batch (default: its path; the web app passes the
    uploaded file's name, so that no message shows where the server keeps uploads). ``held``: the prepared
    register held open by a caller that runs several exchanges in a row (default: opened for this one alone).
    ``linked``: under an agreement with encoded matching, ``batch`` is the linkage unit's answer
    (``sharelog pprl link``: request ids, pupil ids, similarities and decisions; no identity of anyone), and the
    exchange returns, records and reviews from it exactly as from its own matching (docs/pprl.md). ``None``: as
    the agreement in force provides (the web app's one upload box takes either).

    Raises:
        InputError: a bad option, no prepared register or model, no holder key.
        AccessDenied: ``holder`` is not the holder under the agreement.
        ValidationFailed: the batch cannot be used (recorded as a rejected exchange).
        Conflict: the same batch was already run under this agreement (pass ``rerun=True`` to run it again).
    """
    key = settings.holder_key_bytes()
    file_key(settings)  # an unusable file key fails now, not after matching
    now = now or datetime.now(UTC)
    month = month or now.strftime("%Y-%m")
    agreement = agreement_in_force(agreement_id, on=month_start(month), directory=settings.agreements_path())
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", purpose) or len(purpose) > 64:
        # not even the shape of a purpose code: a usage error, not a batch to record as rejected (the ledger
        # keeps a rejected exchange's purpose, 64 characters at most)
        raise InputError(
            f"not a purpose code; the purposes of {agreement.id}: {', '.join(agreement.purpose_codes())}",
            field="purpose",
        )
    if holder is not None and agreement.parties.holder.id != holder:
        raise AccessDenied(f"only the holder under agreement {agreement.id} runs its exchanges, not {holder}")
    mode = matching_mode(agreement)
    if linked is None:
        linked = mode == "encoded"
    if linked and mode != "encoded":
        raise InputError(
            f"{agreement.id} v{agreement.version} provides for clear matching: run the batch itself",
            field="batch",
        )
    if not linked and mode == "encoded":
        raise InputError(
            f"{agreement.id} v{agreement.version} provides for encoded matching: the holder runs the linkage "
            "unit's answer, never a batch of identities",
            field="batch",
        )
    thresholds = thresholds_for(agreement)
    checksum = _batch_checksum(batch)
    with ledger_session(engine) as session:
        recover_exchange_files(
            session,
            data_dir=settings.data_dir,
            returns_dir=settings.returns_path(),
            review_dir=settings.review_path(),
        )
        agreement_pk = record_agreement(session, agreement, actor=settings.actor).id
        earlier = _earlier_run(session, agreement_pk=agreement_pk, checksum=checksum)
        already = _requests_this_month(session, agreement_id=agreement.id, month=month)
    if earlier is not None and not rerun:
        raise Conflict(
            f"{name or batch}: this batch was already run as exchange {earlier.reference} on "
            f"{earlier.received_at:%Y-%m-%d}; to run it again on purpose, ask for a rerun (it is recorded)",
            cli_hint="add --rerun",
        )
    context = _Batch(
        settings=settings,
        engine=engine,
        agreement=agreement,
        agreement_pk=agreement_pk,
        purpose=purpose,
        path=batch,
        name=name or str(batch),
        month=month,
        checksum=checksum,
        now=now,
        key=key,
        rerun_of=earlier if rerun else None,
    )
    if linked:
        matched = _match_links(context, already=already, progress=progress)
    else:
        matched = _match(context, already=already, thresholds=thresholds, progress=progress, held=held)
    with files_in_flight(settings.data_dir):  # another run's recovery leaves these files alone
        return _record(context, matched=matched)


def _match(
    batch: _Batch,
    *,
    already: int,
    thresholds: Thresholds,
    progress: Progress | None,
    held: HeldRegister | None = None,
) -> _Matched:
    """Validate the batch against its schema and agreement, then match it against the prepared register."""
    register_dir = batch.settings.register_path()
    with held.session(register_dir) if held is not None else _fresh_session(register_dir) as matching:
        model = prepared_model(register_dir)
        if model is None:
            raise InputError(
                f"{PREPARED_NAME} has no model", cli_hint="prepare it again with --train-requests or --model"
            )
        try:
            limits = InputLimits(
                max_bytes=batch.settings.max_batch_bytes, max_rows=batch.settings.max_batch_rows
            )
            requests = matching.load_requests(batch.path, limits=limits)
        except ValidationFailed as failure:
            problems = [
                replace(p, file=batch.name) if p.file == str(batch.path) else p for p in failure.problems
            ]
            _reject(batch, rows=_count_rows(batch.path), problems=problems)
        problems = batch_problems(
            batch.agreement,
            file=batch.name,
            columns=requests.columns,
            purpose=batch.purpose,
            rows=requests.rows,
            already_this_month=already,
        )
        pattern = batch.agreement.request_id_pattern
        if pattern is not None:
            rows = matching.requests_not_matching(pattern)
            problems += id_form_problems(batch.agreement, file=batch.name, rows=rows)
        if problems:
            _reject(batch, rows=requests.rows, problems=problems)
        fields, not_held = return_fields_held(batch.agreement, matching.register_columns())
        matching.use_model(model)
        _report(progress, "matching", 0, 1)
        matching.score()
        matching.decide(thresholds)
        _report(progress, "matching", 1, 1)
        return _Matched(
            returned=matching.returned_rows(fields),
            review=matching.review_rows(REQUEST_DETAIL_COLUMNS),
            decisions=matching.decisions(),
            model_checksum=model.checksum,
            not_held=not_held,
        )


def _match_links(batch: _Batch, *, already: int, progress: Progress | None) -> _Matched:
    """The linkage unit's answer checked against the agreement, and the return built from the register's rows
    of the matched pupils: no request's identity is read, because none is here."""
    settings = batch.settings
    try:
        links = read_links(
            batch.path, name=batch.name, max_bytes=settings.max_batch_bytes, max_rows=settings.max_batch_rows
        )
    except ValidationFailed as failure:
        _reject(batch, rows=_count_rows(batch.path), problems=list(failure.problems))
    problems = batch_problems(
        batch.agreement,
        file=batch.name,
        columns=("request_id",),
        purpose=batch.purpose,
        rows=len(links),
        already_this_month=already,
    )
    pattern = batch.agreement.request_id_pattern
    if pattern is not None:
        form = re.compile(pattern)
        rows = [number for number, link in enumerate(links, start=2) if not form.fullmatch(link.request_id)]
        problems += id_form_problems(batch.agreement, file=batch.name, rows=rows)
    if problems:
        _reject(batch, rows=len(links), problems=problems)
    _report(progress, "matching", 0, 1)
    register_dir = settings.register_path()
    with _fresh_session(register_dir) as matching:
        fields, not_held = return_fields_held(batch.agreement, matching.register_columns())
    wanted = sorted({link.pupil_id for link in links if link.decision != "no_match"})
    found = register_rows(register_dir, wanted, fields)
    unknown = [n for n, link in enumerate(links, start=2) if link.pupil_id and link.pupil_id not in found]
    if unknown:
        _reject(
            batch,
            rows=len(links),
            problems=[
                Problem(batch.name, "no pupil of this id in the register", row=row, field="pupil_id")
                for row in unknown[:20]
            ],
        )
    matches = [link for link in links if link.decision == "match"]
    columns: dict[str, list[object]] = {
        "request_id": [link.request_id for link in matches],
        "pupil_id": [link.pupil_id for link in matches],
        "match_probability": [link.similarity for link in matches],
    }
    for field in fields:
        columns[field] = [found[link.pupil_id].get(field) for link in matches]
    _report(progress, "matching", 1, 1)
    return _Matched(
        returned=pa.table(
            {name: pa.array(values, type=_return_type(name)) for name, values in columns.items()}
        ),
        review=[
            ReviewRow(
                request_id=link.request_id,
                pupil_id=link.pupil_id,
                match_probability=float(link.similarity or 0.0),
                reason="encoded matching: the similarity is between the linkage unit's thresholds",
                details={},
            )
            for link in links
            if link.decision == "review"
        ],
        decisions=[RequestDecision(link.request_id, link.decision, link.similarity) for link in links],
        model_checksum=f"pprl:{DEFAULT_SCHEMA.checksum()[:59]}",
        not_held=not_held,
    )


def _return_type(name: str) -> pa.DataType:
    return pa.float64() if name == "match_probability" else pa.string()


def return_fields_held(
    agreement: Agreement, columns: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a return under ``agreement`` holds from a register with ``columns``: its return fields the register
    has (in the agreement's order), and those it has not.

    The return fields are a ceiling, never a floor: a column the agreement does not name stays out whatever the
    register holds (the minimal return), and a field it names that the register lacks is not returned — the
    2015 MoU named nationality "once collected", before the register held it — but said, never dropped in
    silence: the exchange's result and its ``exchange-completed`` event name it.
    """
    held = set(columns)
    return (
        tuple(f for f in agreement.return_fields if f in held),
        tuple(f for f in agreement.return_fields if f not in held),
    )


def _record(batch: _Batch, *, matched: _Matched) -> ExchangeResult:
    """Write the files as partials, record everything in one transaction, then move the files into place."""
    settings = batch.settings
    reference = _new_reference(batch.month)
    key = file_key(settings)  # return and review files are encrypted at rest when there is one
    final = exchange_file_path(settings.returns_path(), f"{reference}.csv", key=key)
    partial, file_checksum = write_exchange_csv(matched.returned.drop_columns(["pupil_id"]), final, key=key)
    review_final = exchange_file_path(settings.review_path(), f"{reference}.json", key=key)
    review_partial = (
        write_exchange_json(
            {"exchange": reference, "items": [asdict(item) for item in matched.review]}, review_final, key=key
        )
        if matched.review
        else None
    )
    crash_point("after-files-written")
    counts = matched.counts()
    file_ref = str(final.relative_to(settings.data_dir))
    with ledger_session(batch.engine) as session:
        exchange = _exchange_row(
            batch, matched, reference=reference, file_ref=file_ref, file_checksum=file_checksum
        )
        session.add(exchange)
        session.flush()
        _record_rows(
            session, batch, exchange=exchange, matched=matched, file_ref=file_ref, file_checksum=file_checksum
        )
        append_audit_event(
            session,
            ExchangeCompleted(
                actor=settings.actor,
                object_type="exchange",
                object_id=reference,
                detail={
                    "agreement": f"{batch.agreement.id}@{batch.agreement.version}",
                    "purpose": batch.purpose,
                    "month": batch.month,
                    **counts,
                    "returned": matched.returned.num_rows,
                    "input_sha256": batch.checksum,
                    "output_sha256": file_checksum,
                    "model": matched.model_checksum,
                    "rerun_of": batch.rerun_of.reference if batch.rerun_of else None,
                    "fields_returned": list(matched.fields),
                    "fields_not_held": list(matched.not_held),
                },
            ),
        )
        session.flush()
        crash_point("before-ledger-commit")
    crash_point("after-ledger-commit")
    partial.replace(final)
    if review_partial is not None:
        review_partial.replace(review_final)
    return ExchangeResult(
        reference=reference,
        agreement=f"{batch.agreement.id} v{batch.agreement.version}",
        month=batch.month,
        state=exchange.state,
        counts={**counts, "received": len(matched.decisions), "returned": matched.returned.num_rows},
        return_file=final,
        rerun_of=batch.rerun_of.reference if batch.rerun_of else None,
        fields_returned=matched.fields,
        fields_not_held=matched.not_held,
    )


def _exchange_row(
    batch: _Batch, matched: _Matched, *, reference: str, file_ref: str, file_checksum: str
) -> Exchange:
    counts = matched.counts()
    return Exchange(
        reference=reference,
        agreement_pk=batch.agreement_pk,
        purpose_code=batch.purpose,
        month=batch.month,
        received_at=batch.now,
        completed_at=batch.now,
        state="awaiting_review" if matched.review else "returned",
        input_checksum=batch.checksum,
        output_checksum=file_checksum,
        return_file_ref=file_ref,
        n_received=len(matched.decisions),
        n_invalid=0,
        n_matched=counts["match"],
        n_review=counts["review"],
        n_no_match=counts["no_match"],
        n_returned=matched.returned.num_rows,
        model_checksum=matched.model_checksum,
        splink_version=splink.__version__,
        rerun_of_id=batch.rerun_of.id if batch.rerun_of else None,
        submitted_by=batch.settings.actor,
    )


def _report(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)


def _count_rows(batch: Path) -> int:
    try:
        with batch.open("rb") as handle:
            return max(sum(1 for _ in handle) - 1, 0)
    except OSError:
        return 0


def _record_rows(
    session: Session,
    batch: _Batch,
    *,
    exchange: Exchange,
    matched: _Matched,
    file_ref: str,
    file_checksum: str,
) -> None:
    """A request outcome per request, a disclosure per returned record, the review band, the return file."""
    retention_until = (batch.now + timedelta(days=batch.agreement.retention_days)).date()
    session.add_all(
        RequestOutcome(
            exchange_id=exchange.id,
            request_ref=str(row.request_id),
            match_class=str(row.decision),
            match_probability=row.match_probability,
        )
        for row in matched.decisions
    )
    fields = list(matched.fields)
    session.add_all(
        Disclosure(
            exchange_id=exchange.id,
            request_ref=row["request_id"],
            subject_key=subject_key(row["pupil_id"], key=batch.key),
            fields_returned=fields,
            match_probability=float(row["match_probability"]),
            returned_at=batch.now,
            retention_until=retention_until,
            return_file_ref=file_ref,
        )
        for row in matched.returned.select(["request_id", "pupil_id", "match_probability"]).to_pylist()
    )
    session.add_all(
        ReviewItem(
            exchange_id=exchange.id,
            request_ref=item.request_id,
            subject_key=subject_key(item.pupil_id, key=batch.key),
            match_probability=float(item.match_probability),
            reason=item.reason,
        )
        for item in matched.review
    )
    session.add(
        ReturnFile(
            exchange_id=exchange.id,
            kind="main",
            path=file_ref,
            checksum=file_checksum,
            rows=matched.returned.num_rows,
            retention_until=retention_until,
        )
    )
    session.flush()
