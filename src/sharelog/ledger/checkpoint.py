"""Signed checkpoints of the audit trail, and checking the trail against one.

A bare hash chain shows an edit, a deletion in the middle, an insertion or a reordering, because each breaks a
link. It cannot show two things: the newest events deleted (the shorter chain is still a valid chain), or the
whole chain recomputed after an edit by someone who can write to the database. A **checkpoint** closes both: it
records how many events the trail held and the hash of the newest one, signed with the operator's Ed25519 key.
Published (on the transparency page, in an FOI response, with a third party), it lets anyone holding the public
key check later that the trail still holds those events, unchanged, at that count.

    key = generate_signing_key(Path("/etc/sharelog/audit-signing.key"))
    checkpoint = export_checkpoint(session, ledger=url, signing_key=read_signing_key(key.private_path), actor=me)
    write_checkpoint(checkpoint, Path("checkpoint.json"))
    verify_audit_trail(session, checkpoint=read_checkpoint(path), public_key=read_public_key(public_path))

The signature covers the canonical JSON of every field but ``signature`` (sorted keys, no spaces), so a
checkpoint file can be re-indented without breaking it but not edited.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from sharelog import __version__
from sharelog.errors import AuditTrailBroken, Conflict, InputError, Problem, ValidationFailed
from sharelog.ledger.audit import AuditChainReport, LedgerEvent, append_audit_event, verify_audit_chain
from sharelog.ledger.models import AuditEvent, utc_now

__all__ = [
    "CHECKPOINT_FORMAT",
    "AuditCheckpoint",
    "AuditCheckpointSigned",
    "AuditProblem",
    "AuditVerification",
    "GeneratedKey",
    "export_checkpoint",
    "generate_signing_key",
    "key_id",
    "read_checkpoint",
    "read_public_key",
    "read_signing_key",
    "verify_audit_trail",
    "write_checkpoint",
]

CHECKPOINT_FORMAT = "sharelog-audit-checkpoint/1"
_FIELDS = (
    "format",
    "algorithm",
    "ledger",
    "count",
    "head_event_id",
    "head_hash",
    "created_at",
    "sharelog_version",
    "key_id",
    "signature",
)


@dataclass(frozen=True, kw_only=True)
class AuditCheckpointSigned(LedgerEvent):
    """A signed checkpoint of the trail was exported (detail: the count and head it covers, the key's id)."""

    action: ClassVar[str] = "audit-checkpoint-signed"


# --- keys -----------------------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint of a public key (the first 16 hex digits of sha256 of its raw 32 bytes)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_text(public_key: Ed25519PublicKey) -> str:
    """The public key as one line of base64 (its raw 32 bytes): short enough to publish anywhere."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True)
class GeneratedKey:
    """A new signing key: where its two halves were written, and the public key to publish."""

    private_path: Path
    public_path: Path
    public_key: str
    """base64 of the raw public key, also in ``public_path`` (PEM)."""
    key_id: str


def _write_new_file(path: Path, data: bytes, *, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise Conflict(f"{path} exists; a key is never overwritten (move the old one away first)") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def generate_signing_key(path: Path, *, public_path: Path | None = None) -> GeneratedKey:
    """Create an Ed25519 key pair: the private key (PEM, PKCS#8, mode 0600) at ``path``, the public key (PEM)
    at ``public_path`` (default: ``path`` with ``.pub`` added).

    Raises:
        Conflict: either file exists already.
    """
    public_path = public_path or path.with_name(path.name + ".pub")
    if public_path.exists():
        raise Conflict(f"{public_path} exists; a key is never overwritten (move the old one away first)")
    private = Ed25519PrivateKey.generate()
    public = private.public_key()
    _write_new_file(
        path,
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        mode=0o600,
    )
    _write_new_file(
        public_path,
        public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo),
        mode=0o644,
    )
    return GeneratedKey(path, public_path, public_key_text(public), key_id(public))


_SIGNING_KEY_SETTING = "SHARELOG_AUDIT_SIGNING_KEY_FILE"


def _read_key_file(path: Path, *, setting: str | None = None, field: str | None = None) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        message = f"cannot read {path} ({error.strerror})"
        raise InputError(f"{setting}: {message}" if setting else message, field=field) from None


def read_signing_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 private key in ``path`` (PEM), as the setting ``SHARELOG_AUDIT_SIGNING_KEY_FILE`` names it.
    Refuses a key file that others can read, as ssh does.

    Raises:
        InputError: the file cannot be read, others may read it, or it holds no unencrypted Ed25519 key.
    """
    setting = _SIGNING_KEY_SETTING
    data = _read_key_file(path, setting=setting)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise InputError(f"{setting}: {path} can be read by others; make it private (chmod 600 {path})")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(f"{setting}: {path} is not an unencrypted Ed25519 private key (PEM)")
    return key


def read_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from ``path``: PEM, or the one line of base64 `sharelog audit keygen` prints.

    Raises:
        InputError: the file cannot be read or holds no Ed25519 public key (about the field ``public_key``).
    """
    data = _read_key_file(path, field="public_key").strip()
    key: Any = None
    try:
        if data.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(data, validate=True))
    except (ValueError, TypeError, UnsupportedAlgorithm, binascii.Error):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise InputError(
            f"{path} is not an Ed25519 public key (PEM, or 44 characters of base64)", field="public_key"
        )
    return key


# --- checkpoints ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditCheckpoint:
    """The count and head of the trail at one moment, signed. ``head_event_id`` is None for an empty trail."""

    ledger: str
    """The ledger's URL, password hidden (where it was taken; a restored copy may live elsewhere)."""
    count: int
    head_event_id: int | None
    head_hash: str
    created_at: datetime
    sharelog_version: str
    key_id: str
    signature: str
    """base64 of the Ed25519 signature over :meth:`signed_bytes`."""

    def document(self) -> dict[str, Any]:
        """The checkpoint as the JSON object written to a file."""
        return {
            "format": CHECKPOINT_FORMAT,
            "algorithm": "Ed25519",
            "ledger": self.ledger,
            "count": self.count,
            "head_event_id": self.head_event_id,
            "head_hash": self.head_hash,
            "created_at": self.created_at.astimezone(UTC)
            .isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "sharelog_version": self.sharelog_version,
            "key_id": self.key_id,
            "signature": self.signature,
        }

    def signed_bytes(self) -> bytes:
        """What the signature covers: the canonical JSON of every field but the signature."""
        body = {k: v for k, v in self.document().items() if k != "signature"}
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    def when(self) -> str:
        return self.document()["created_at"]


def export_checkpoint(
    session: Session,
    *,
    ledger: str,
    signing_key: Ed25519PrivateKey,
    actor: str,
    now: datetime | None = None,
) -> AuditCheckpoint:
    """Check the whole trail, then sign its count and head; record that a checkpoint was signed.

    The checkpoint covers every event before its own ``audit-checkpoint-signed`` event.

    Args:
        ledger: the ledger's URL with the password hidden (see :func:`sharelog.ledger.safe_url`).

    Raises:
        AuditTrailBroken: the trail is already broken; a broken trail is never signed.
    """
    chain = verify_audit_chain(session)
    if not chain.ok:
        raise AuditTrailBroken(
            f"the audit trail is broken at event {chain.first_broken_id} ({chain.reason}); it was not signed",
            event_id=chain.first_broken_id,
            cli_hint="run `sharelog audit verify`",
        )
    head_id = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    public = signing_key.public_key()
    unsigned = AuditCheckpoint(
        ledger=ledger,
        count=chain.count,
        head_event_id=head_id,
        head_hash=chain.head_hash,
        created_at=(now or utc_now()).replace(microsecond=0),
        sharelog_version=__version__,
        key_id=key_id(public),
        signature="",
    )
    signature = base64.b64encode(signing_key.sign(unsigned.signed_bytes())).decode("ascii")
    checkpoint = replace(unsigned, signature=signature)
    append_audit_event(
        session,
        AuditCheckpointSigned(
            actor=actor,
            object_type="audit_trail",
            object_id=str(head_id or 0),
            detail={"count": chain.count, "head_hash": chain.head_hash, "key_id": checkpoint.key_id},
        ),
    )
    return checkpoint


def write_checkpoint(checkpoint: AuditCheckpoint, path: Path) -> Path:
    """Write the checkpoint as indented JSON (through a temporary file, so a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(checkpoint.document(), indent=2) + "\n", encoding="utf-8")
    partial.replace(path)
    return path


def _checkpoint_problems(name: str, document: Any) -> list[Problem]:
    if not isinstance(document, dict):
        return [Problem(name, "is not a JSON object")]
    problems = [Problem(name, "is missing", field=f) for f in _FIELDS if f not in document]
    if document.get("format", CHECKPOINT_FORMAT) != CHECKPOINT_FORMAT:
        problems.append(Problem(name, f"is not {CHECKPOINT_FORMAT}", field="format"))
    expected: dict[str, tuple[type, ...]] = {
        "count": (int,),
        "head_event_id": (int, type(None)),
        "head_hash": (str,),
        "signature": (str,),
        "key_id": (str,),
        "created_at": (str,),
    }
    for field, types in expected.items():
        value = document.get(field)
        if field in document and (not isinstance(value, types) or isinstance(value, bool)):
            problems.append(Problem(name, "has the wrong type", field=field))
    if isinstance(document.get("count"), int) and document["count"] < 0:
        problems.append(Problem(name, "is negative", field="count"))
    return problems


def read_checkpoint(path: Path) -> AuditCheckpoint:
    """Read a checkpoint file (its signature is checked by :func:`verify_audit_trail`).

    Raises:
        InputError: the file cannot be read.
        ValidationFailed: it is not a checkpoint; every problem is listed.
    """
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path} ({error.strerror})", field="checkpoint") from None
    except UnicodeDecodeError:
        raise ValidationFailed([Problem(name, "is not UTF-8 text")]) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationFailed([Problem(name, "is not JSON", row=error.lineno)]) from None
    problems = _checkpoint_problems(name, document)
    if not isinstance(document, dict):
        raise ValidationFailed(problems)
    try:
        created_at = datetime.fromisoformat(str(document.get("created_at", "")).replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(name, "is not an ISO time", field="created_at"))
    if problems:
        raise ValidationFailed(problems)
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return AuditCheckpoint(
        ledger=str(document["ledger"]),
        count=document["count"],
        head_event_id=document["head_event_id"],
        head_hash=document["head_hash"],
        created_at=created_at,
        sharelog_version=str(document["sharelog_version"]),
        key_id=document["key_id"],
        signature=document["signature"],
    )


# --- verification ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditProblem:
    """One reason the trail does not hold, and the event it concerns (None: the checkpoint itself)."""

    event_id: int | None
    message: str


@dataclass(frozen=True)
class AuditVerification:
    """What checking the trail found: the chain, and — when a checkpoint was given — whether the trail still
    holds it and whether its signature verifies."""

    chain: AuditChainReport
    head_event_id: int | None
    checkpoint: AuditCheckpoint | None = None
    signature_checked: bool = False
    problems: tuple[AuditProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def events_after_checkpoint(self) -> int:
        """How many events the trail holds beyond the checkpoint (not covered by it)."""
        if self.checkpoint is None:
            return 0
        return max(0, self.chain.count - self.checkpoint.count) if self.chain.ok else 0


def _signature_problem(checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey) -> AuditProblem | None:
    if checkpoint.key_id != key_id(public_key):
        return AuditProblem(
            None,
            f"the checkpoint says it was signed by key {checkpoint.key_id}, not by the public key given "
            f"({key_id(public_key)})",
        )
    try:
        public_key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.signed_bytes())
    except (InvalidSignature, binascii.Error, ValueError):
        return AuditProblem(
            None, "the checkpoint's signature does not verify: the file was altered or not signed by this key"
        )
    return None


def _checkpoint_problem(session: Session, checkpoint: AuditCheckpoint) -> AuditProblem | None:
    """Whether the trail still holds the checkpointed head at the checkpointed count."""
    if checkpoint.count == 0:
        return None
    held = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id).offset(checkpoint.count - 1).limit(1)
    ).first()
    recorded = f"the checkpoint of {checkpoint.when()} recorded {checkpoint.count} events ending at event "
    recorded += str(checkpoint.head_event_id)
    if held is None:
        last = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar()
        return AuditProblem(
            checkpoint.head_event_id,
            f"event {checkpoint.head_event_id} is missing: the audit trail ends at event {last} but {recorded} "
            "— the newest events were deleted",
        )
    event_id, event_hash = held
    if event_id != checkpoint.head_event_id or event_hash != checkpoint.head_hash:
        return AuditProblem(
            event_id,
            f"event {event_id}, number {checkpoint.count} in the trail, is not the head {recorded} (hash "
            f"{checkpoint.head_hash[:12]}…): the trail was rewritten at or before it",
        )
    return None


def verify_audit_trail(
    session: Session,
    *,
    checkpoint: AuditCheckpoint | None = None,
    public_key: Ed25519PublicKey | None = None,
) -> AuditVerification:
    """Walk the chain; with a checkpoint, check that the trail still holds its head at its count; with a
    public key too, check the checkpoint's signature. Every problem found is listed, first broken link first.

    Raises:
        InputError: a public key without a checkpoint.
    """
    if public_key is not None and checkpoint is None:
        raise InputError(
            "checks a checkpoint's signature, so it needs the checkpoint",
            field="public_key",
            cli_hint="give --checkpoint FILE too",
        )
    chain = verify_audit_chain(session)
    head_id = session.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    problems: list[AuditProblem] = []
    if not chain.ok:
        problems.append(AuditProblem(chain.first_broken_id, f"event {chain.first_broken_id}: {chain.reason}"))
    if checkpoint is not None:
        if public_key is not None and (bad := _signature_problem(checkpoint, public_key)) is not None:
            problems.append(bad)
        if (missing := _checkpoint_problem(session, checkpoint)) is not None:
            problems.append(missing)
    return AuditVerification(
        chain=chain,
        head_event_id=head_id,
        checkpoint=checkpoint,
        signature_checked=public_key is not None,
        problems=tuple(problems),
    )
