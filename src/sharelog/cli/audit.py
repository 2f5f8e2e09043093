"""`sharelog audit verify|export|keygen|log` — check the hash-chained audit trail, sign checkpoints of it, read it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.errors import AuditTrailBroken, InputError
from sharelog.ledger import safe_url
from sharelog.ledger.audit import read_audit_events
from sharelog.ledger.checkpoint import (
    AuditVerification,
    export_checkpoint,
    generate_signing_key,
    read_checkpoint,
    read_public_key,
    read_signing_key,
    verify_audit_trail,
    write_checkpoint,
)
from sharelog.ledger.models import AuditEvent

app = typer.Typer(
    help=(
        "The audit trail: every change to the ledger appends an event (actor, UTC time, action, object), each "
        "hash-chained to the one before it, so an edited, deleted, inserted or reordered row breaks the chain.\n\n"
        "A chain alone cannot show its newest events deleted, or the whole chain recomputed by someone who can "
        "write to the database: publish signed checkpoints (`sharelog audit export`) and check the trail against "
        "them (`sharelog audit verify --checkpoint`). See docs/operations.md."
    ),
    no_args_is_help=True,
)


def _events(n: int | None) -> str:
    return f"{n} event" + ("" if n == 1 else "s")


def _print_verification(result: AuditVerification, *, checkpoint_file: Path | None) -> None:
    out = console()
    chain = result.chain
    if chain.ok:
        head = f"event {result.head_event_id}" if result.head_event_id is not None else "none (empty trail)"
        out.print(f"Audit trail: {_events(chain.count)}, every link holds.")
        out.print(f"  Head: {head}, hash {chain.head_hash}")
    else:
        out.print(f"Audit trail: BROKEN at event {chain.first_broken_id} (event number {chain.count}).")
    checkpoint = result.checkpoint
    if checkpoint is not None:
        out.print(
            f"Checkpoint {checkpoint_file}: {_events(checkpoint.count)} ending at event {checkpoint.head_event_id}, "
            f"taken {checkpoint.when()} from {checkpoint.ledger} (sharelog {checkpoint.sharelog_version})."
        )
        if not result.signature_checked:
            out.print("  Signature: NOT checked (give --public-key to check it).")
        if result.events_after_checkpoint:
            out.print(
                f"  {_events(result.events_after_checkpoint)} newer than the checkpoint (not covered by it)."
            )
    for problem in result.problems:
        out.print(f"  Problem: {problem.message}")
    if result.ok:
        signed = f", signed by key {checkpoint.key_id}" if checkpoint and result.signature_checked else ""
        held = "; the trail still holds the checkpoint" + signed if checkpoint is not None else ""
        out.print(f"OK: the audit trail is intact{held}.")


@app.command(
    "verify",
    help="\n\n".join(
        [
            "Walk the audit trail from its first event and check every link: each event's hash must be sha256 of "
            "the previous event's hash and this event's canonical JSON. Prints the count and the head hash, or the "
            "first broken link (its event id and why).",
            "--checkpoint FILE also checks that the trail still holds the checkpoint's head at the checkpoint's "
            "count: this catches the newest events deleted, and a chain recomputed after an edit, which a bare "
            "chain cannot show. --public-key checks the checkpoint's signature.",
            "Exit status: 0 the trail holds (and holds the checkpoint); 1 it does not — tampering, or events lost "
            "— (also 1 when the ledger cannot be opened); 2 a checkpoint or key file that cannot be used. Like "
            "`sha256sum --check`, 1 means the check failed: alert on any status but 0.",
            "Examples:",
            "    sharelog audit verify",
            "    sharelog audit verify --checkpoint checkpoint-2019-06.json --public-key audit-signing.key.pub",
        ]
    ),
)
def verify_command(
    ctx: typer.Context,
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", metavar="FILE", help="A checkpoint from `sharelog audit export`."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key", metavar="FILE", help="The public key that signed the checkpoint (PEM or base64)."
        ),
    ] = None,
) -> None:
    settings = settings_of(ctx)
    loaded = read_checkpoint(checkpoint) if checkpoint is not None else None
    key = read_public_key(public_key) if public_key is not None else None
    with ledger_transaction(settings) as session:
        result = verify_audit_trail(session, checkpoint=loaded, public_key=key)
    _print_verification(result, checkpoint_file=checkpoint)
    if not result.ok:
        first = result.problems[0]
        raise AuditTrailBroken(f"the audit trail does not hold: {first.message}", event_id=first.event_id)


@app.command(
    "export",
    help="\n\n".join(
        [
            "Check the whole audit trail, then write a signed checkpoint: the ledger (URL, password hidden), the "
            "number of events, the id and hash of the newest, the time and the sharelog version, signed with "
            "Ed25519. A broken trail is refused, never signed. The export itself is recorded as an "
            "audit-checkpoint-signed event (after the head the checkpoint covers).",
            "Publish each checkpoint where the ledger's operators cannot change it (the transparency page, an FOI "
            "response, a third party); later, `sharelog audit verify --checkpoint` shows whether the trail still "
            "holds it.",
            "The signing key is read from SHARELOG_AUDIT_SIGNING_KEY_FILE (create one with "
            "`sharelog audit keygen`); it must be readable by its owner only.",
            "Examples:",
            "    SHARELOG_AUDIT_SIGNING_KEY_FILE=/etc/sharelog/audit-signing.key "
            "sharelog audit export --out checkpoint-2019-06.json",
        ]
    ),
)
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="FILE", help="Where to write the checkpoint (JSON).")],
) -> None:
    settings = settings_of(ctx)
    if settings.audit_signing_key_file is None:
        raise InputError(
            "no signing key: set SHARELOG_AUDIT_SIGNING_KEY_FILE to a key made with `sharelog audit keygen` "
            "(see docs/operations.md)"
        )
    signing_key = read_signing_key(settings.audit_signing_key_file)
    with ledger_transaction(settings) as session:
        checkpoint = export_checkpoint(
            session, ledger=safe_url(settings.ledger_url()), signing_key=signing_key, actor=settings.actor
        )
    written = write_checkpoint(checkpoint, out)
    output = console()
    output.print(
        f"Wrote {written}: {_events(checkpoint.count)} ending at event {checkpoint.head_event_id}, "
        f"signed by key {checkpoint.key_id}."
    )
    output.print(f"  Head hash: {checkpoint.head_hash}")
    output.print("  Publish it where the ledger's operators cannot change it.")


@app.command(
    "keygen",
    help="\n\n".join(
        [
            "Create an Ed25519 key pair for signing checkpoints: the private key (PEM, file mode 0600) at --out, "
            "the public key (PEM) next to it with .pub added (or at --public-out). Prints the public key as one "
            "line of base64 to publish with the checkpoints. Never overwrites a key.",
            "Keep the private key out of the repository and away from the ledger's database and backups: whoever "
            "can both write to the ledger and read the key could rewrite the trail and sign it again.",
            "Examples:",
            "    sharelog audit keygen --out /etc/sharelog/audit-signing.key",
        ]
    ),
)
def keygen_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="KEY", help="Where to write the private key.")],
    public_out: Annotated[
        Path | None,
        typer.Option(
            "--public-out", metavar="FILE", help="Where to write the public key (default: KEY.pub)."
        ),
    ] = None,
) -> None:
    settings = settings_of(ctx)
    key = generate_signing_key(out, public_path=public_out)
    output = console()
    output.print(f"Wrote the private key to {key.private_path} (readable by you only).")
    output.print(f"Wrote the public key to {key.public_path}.")
    output.print(f"Public key (key id {key.key_id}): {key.public_key}")
    if key.private_path.resolve().is_relative_to(settings.data_dir.resolve()):
        output.print("Warning: the private key is inside the data folder; move it away from the ledger.")
    output.print(f"Then: export SHARELOG_AUDIT_SIGNING_KEY_FILE={key.private_path}")


def _event_json(event: AuditEvent) -> str:
    return json.dumps(
        {
            "id": event.id,
            "occurred_at": event.occurred_at.isoformat(),
            "actor": event.actor,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "detail": event.detail,
            "prev_hash": event.prev_hash,
            "hash": event.hash,
        },
        ensure_ascii=False,
        sort_keys=True,
    )


@app.command(
    "log",
    help="\n\n".join(
        [
            "List the newest audit events, oldest first, one a line: id, UTC time, actor, action, object and "
            "detail (JSON). Events "
            "hold ids, codes, counts and checksums, never personal data.",
            "--json prints one JSON object per line with each event's hashes, for tools.",
            "Examples:",
            "    sharelog audit log --limit 20",
            "    sharelog audit log --action review-decided",
            "    sharelog audit log --object EX-2019-03-1a2b3c4d --json",
        ]
    ),
)
def log_command(
    ctx: typer.Context,
    action: Annotated[
        str | None,
        typer.Option("--action", metavar="ACTION", help="Only this action, e.g. outcome-recorded."),
    ] = None,
    object_id: Annotated[
        str | None, typer.Option("--object", metavar="ID", help="Only events about this object.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many of the newest events.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    with ledger_transaction(settings_of(ctx)) as session:
        events = read_audit_events(session, action=action, object_id=object_id, limit=limit)
    output = console()
    if as_json:
        for event in events:
            typer.echo(_event_json(event))
        return
    if not events:
        output.print("No audit events" + (f" with action {action}" if action else "") + ".")
        return
    for event in events:
        detail = json.dumps(event.detail, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        output.print(
            f"{event.id:>6}  {event.occurred_at:%Y-%m-%d %H:%M:%S}  {event.actor}  {event.action}  "
            f"{event.object_type}:{event.object_id}  {detail}",
            markup=False,
        )
