"""Exchanges over the API: submit a batch, read exchanges and their counts, fetch a return file.

Every reader sees only the exchanges under agreements their organisation is party to (another organisation's
exchange is 404, as one that does not exist). Only the holder's operator submits a batch, and only under an
agreement its organisation holds; a return file goes to the holder's operator or the requester's caseworker.
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from pydantic import BaseModel, Field

from sharelog.exchange import (
    ExchangeDetail,
    ExchangeSummary,
    exchange_for,
    exchanges_for,
    fetch_return_file,
    run_exchange,
)
from sharelog.web._access import ACCESS, allowed
from sharelog.web._context import Ledger, context_of
from sharelog.web._security import CurrentUser
from sharelog.web._uploads import BatchBodyLimitRoute, saved_batch

router = APIRouter(tags=["exchanges"], route_class=BatchBodyLimitRoute)

RETURN_FILE_MEDIA_TYPES = {".csv": "text/csv; charset=utf-8", ".parquet": "application/vnd.apache.parquet"}


class ExchangeCountsPublic(BaseModel):
    """How many requests an exchange received, and what became of them."""

    received: int
    invalid: int
    matched: int = Field(description="Matched automatically (clear matches).")
    review: int = Field(description="Sent to the review band, for a named person to decide.")
    no_match: int
    returned: int = Field(description="Records returned to the requester (main and supplementary files).")


class ExchangePublic(BaseModel):
    """One exchange: what it ran under, its state and its counts. No personal data."""

    reference: str
    month: str = Field(description="The month it counts towards, YYYY-MM.")
    agreement_id: str
    agreement_version: str
    purpose: str = Field(description="The agreement's purpose code the batch was sent for.")
    state: Literal["received", "matching", "awaiting_review", "returned", "rejected"]
    received_at: dt.datetime
    counts: ExchangeCountsPublic
    rerun_of: str | None = Field(description="The exchange this batch was already run as, if a rerun.")


class ReturnFilePublic(BaseModel):
    """A return file: its size, checksum and retention; where to fetch it while it is kept, if you may."""

    kind: Literal["main", "supplementary"]
    rows: int
    sha256: str
    created_at: dt.datetime
    retention_until: dt.date = Field(
        description="Deleted under the agreement's retention rule after this day."
    )
    deleted_at: dt.datetime | None
    download_url: str | None = Field(
        description="Where to fetch it; null once deleted, or when your role may not fetch return files."
    )


class ExchangeDetailPublic(ExchangePublic):
    """One exchange in full: parties, checksums, the linkage model, return files."""

    holder: str
    requester: str
    completed_at: dt.datetime | None
    input_sha256: str = Field(description="sha256 of the batch file as received.")
    output_sha256: str | None = Field(description="sha256 of the main return file.")
    model_sha256: str | None = Field(description="sha256 of the linkage model (Splink settings) used.")
    splink_version: str | None
    rejection: str | None = Field(description="Why a rejected batch was refused: files, rows and fields.")
    undecided_reviews: int
    return_files: list[ReturnFilePublic]


class ExchangeRunPublic(BaseModel):
    """What running a batch did: the new exchange's reference, state and counts, and where to go next."""

    reference: str
    agreement: str = Field(
        description="The agreement version in force that month, e.g. ho-dfe-2019-update v1.0."
    )
    month: str
    state: Literal["awaiting_review", "returned"]
    counts: dict[str, int] = Field(description="received, match, review, no_match and returned.")
    rerun_of: str | None
    exchange_url: str
    return_file_url: str


def _counts(summary: ExchangeSummary) -> ExchangeCountsPublic:
    counts = summary.counts
    return ExchangeCountsPublic(
        received=counts.received,
        invalid=counts.invalid,
        matched=counts.matched,
        review=counts.review,
        no_match=counts.no_match,
        returned=counts.returned,
    )


def _public(summary: ExchangeSummary) -> ExchangePublic:
    return ExchangePublic(
        reference=summary.reference,
        month=summary.month,
        agreement_id=summary.agreement_id,
        agreement_version=summary.agreement_version,
        purpose=summary.purpose,
        state=summary.state,  # type: ignore[arg-type]  # the ledger's check constraint keeps it in the list
        received_at=summary.received_at,
        counts=_counts(summary),
        rerun_of=summary.rerun_of,
    )


def _detail(request: Request, detail: ExchangeDetail) -> ExchangeDetailPublic:
    reference = detail.summary.reference
    url = str(request.url_for("api_read_return_file", reference=reference).path)
    return ExchangeDetailPublic(
        **_public(detail.summary).model_dump(),
        holder=detail.holder,
        requester=detail.requester,
        completed_at=detail.completed_at,
        input_sha256=detail.input_checksum,
        output_sha256=detail.output_checksum,
        model_sha256=detail.model_checksum,
        splink_version=detail.splink_version,
        rejection=detail.rejection,
        undecided_reviews=detail.undecided_reviews,
        return_files=[
            ReturnFilePublic(
                kind=file.kind,  # type: ignore[arg-type]
                rows=file.rows,
                sha256=file.checksum,
                created_at=file.created_at,
                retention_until=file.retention_until,
                deleted_at=file.deleted_at,
                download_url=f"{url}?kind={file.kind}" if file.path and not file.deleted else None,
            )
            for file in detail.return_files
        ],
    )


@router.get("/exchanges", summary="List your organisation's exchanges")
def api_read_exchanges(session: Ledger, user: CurrentUser, month: str | None = None) -> list[ExchangePublic]:
    """Exchanges under agreements your organisation is party to, the latest month first (optionally one month)."""
    return [_public(s) for s in exchanges_for(session, organisation_id=user.organisation_id, month=month)]


@router.get("/exchanges/{reference}", summary="Read one exchange")
def api_read_exchange(
    request: Request, session: Ledger, user: CurrentUser, reference: str
) -> ExchangeDetailPublic:
    """One exchange: counts, state, checksums, the linkage model and its return files with their retention."""
    may_fetch = allowed(ACCESS.get("api_read_return_file", frozenset()), user.role)
    detail = exchange_for(
        session, organisation_id=user.organisation_id, reference=reference, with_file_paths=may_fetch
    )
    return _detail(request, detail)


@router.post("/exchanges", status_code=201, summary="Submit a batch of trace requests")
def api_create_exchange(
    request: Request,
    response: Response,
    user: CurrentUser,
    batch: Annotated[
        UploadFile,
        File(
            description="The request batch (.csv or .parquet), docs/design.md §3; under an agreement with encoded "
            "matching, the linkage unit's answer (links.csv), docs/pprl.md."
        ),
    ],
    agreement_id: Annotated[str, Form(description="The agreement's id, e.g. ho-dfe-2019-update.")],
    purpose: Annotated[str, Form(description="One of the agreement's purpose codes.")],
    month: Annotated[
        str | None, Form(description="The month it counts towards, YYYY-MM; default: this month.")
    ] = None,
    rerun: Annotated[
        bool, Form(description="Run a batch that was already run (recorded as a rerun).")
    ] = False,
) -> ExchangeRunPublic:
    """Validate, match and return one batch under the agreement in force that month; a refused batch is a 422."""
    context = context_of(request)
    with saved_batch(batch, folder=context.settings.data_dir / "incoming") as path:
        result = run_exchange(
            context.settings_for(user.username),
            engine=context.engine,
            agreement_id=agreement_id,
            purpose=purpose,
            batch=path,
            month=month or None,
            rerun=rerun,
            holder=user.organisation_id,
            name=path.name,
            linked=None,  # under an agreement with encoded matching, the linkage unit's answer
        )
    exchange_url = str(request.url_for("api_read_exchange", reference=result.reference).path)
    response.headers["Location"] = exchange_url
    return ExchangeRunPublic(
        reference=result.reference,
        agreement=result.agreement,
        month=result.month,
        state=result.state,  # type: ignore[arg-type]
        counts=result.counts,
        rerun_of=result.rerun_of,
        exchange_url=exchange_url,
        return_file_url=str(request.url_for("api_read_return_file", reference=result.reference).path),
    )


@router.get(
    "/exchanges/{reference}/return-file",
    summary="Fetch an exchange's return file",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, "application/vnd.apache.parquet": {}}}},
)
def api_read_return_file(
    request: Request,
    session: Ledger,
    user: CurrentUser,
    reference: str,
    kind: Literal["main", "supplementary"] = "main",
) -> Response:
    """The return file's bytes (decrypted if kept encrypted) while retention keeps it; each fetch is audited."""
    fetched = fetch_return_file(
        session,
        context_of(request).settings_for(user.username),
        organisation_id=user.organisation_id,
        reference=reference,
        kind=kind,
    )
    media_type = RETURN_FILE_MEDIA_TYPES.get(
        PurePath(fetched.name).suffix.lower(), "application/octet-stream"
    )
    disposition = f'attachment; filename="{fetched.name}"'
    return Response(fetched.content, media_type=media_type, headers={"Content-Disposition": disposition})
