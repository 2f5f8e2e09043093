"""`sharelog exchange run` — one monthly batch under an agreement, start to finish."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated

import typer

from sharelog.cli._context import console, progress_bars, settings_of
from sharelog.cli._ledger import ledger_engine
from sharelog.errors import InputError
from sharelog.exchange import (
    decrypt_file_bytes,
    file_key_id,
    generate_file_key,
    read_file_key,
    run_exchange,
    write_new_private_file,
)

app = typer.Typer(
    help=(
        "Exchanges: a requester's batch matched under an agreement, with a minimal return and a full record.\n\n"
        "The register is the prepared one in <data dir>/register (SHARELOG_REGISTER_DIR); the holder's key "
        "for subject keys comes from SHARELOG_HOLDER_KEY_FILE. With SHARELOG_RETURN_FILE_KEY_FILE set (a key "
        "from `sharelog exchange keygen`), return files and review files are encrypted at rest; "
        "`sharelog exchange decrypt` opens one."
    ),
    no_args_is_help=True,
)


@app.command("run")
def run_command(
    ctx: typer.Context,
    agreement: Annotated[
        str, typer.Option("--agreement", help="The agreement's id, e.g. ho-dfe-2019-update.")
    ],
    purpose: Annotated[str, typer.Option("--purpose", help="One of the agreement's purpose codes.")],
    batch: Annotated[
        Path | None, typer.Option("--batch", help="The request batch (CSV or Parquet).", show_default=False)
    ] = None,
    pprl: Annotated[
        Path | None,
        typer.Option(
            "--pprl",
            help="Instead of a batch, under an agreement with encoded matching: the linkage unit's answer "
            "(`sharelog pprl link`), with no identity of anyone (docs/pprl.md).",
            show_default=False,
        ),
    ] = None,
    month: Annotated[
        str | None,
        typer.Option("--month", help="The month it counts towards (YYYY-MM); default: this month."),
    ] = None,
    rerun: Annotated[
        bool, typer.Option("--rerun", help="Run a batch that was already run (recorded as a rerun).")
    ] = False,
) -> None:
    """Validate, match and return one batch; record every count and returned record in the ledger.

    The batch is checked against the agreement in force that month — only the fields it lets the requester
    send, one of its purposes, within its monthly cap — and refused whole, every problem listed, if anything
    is wrong. Matches go into the return file with only the agreement's return fields; non-matches reveal
    nothing. The ledger rows and the return file appear together or not at all.

    Example: sharelog exchange run --agreement ho-dfe-2019-update --purpose reestablish-contact
    --batch requests-2019-03.csv --month 2019-03
    """
    settings = settings_of(ctx)
    if (batch is None) == (pprl is None):
        raise typer.BadParameter(
            "give the batch, or the linkage unit's answer with --pprl", param_hint="--batch"
        )
    source = batch if batch is not None else pprl
    assert source is not None
    with ledger_engine(settings) as engine, progress_bars({"matching": "Matching"}) as progress:
        result = run_exchange(
            settings,
            engine=engine,
            agreement_id=agreement,
            purpose=purpose,
            batch=source,
            linked=pprl is not None,
            month=month,
            rerun=rerun,
            progress=progress,
        )
    counts = result.counts
    out = console()
    rerun_text = f" (rerun of {result.rerun_of})" if result.rerun_of else ""
    out.print(
        f"Exchange {result.reference}{rerun_text} under {result.agreement}, month {result.month}: {result.state}."
    )
    out.print(
        f"  received {counts['received']:,} · matched {counts['match']:,} · review {counts['review']:,} · "
        f"no match {counts['no_match']:,} · returned {counts['returned']:,}"
    )
    out.print(f"  return file: {result.return_file}")
    if result.fields_not_held:
        out.print(
            f"  not returned: {', '.join(result.fields_not_held)} — {result.agreement} permits it, the prepared "
            "register has no such column"
        )
    if counts["review"]:
        out.print(
            f"  {counts['review']:,} in the review band: `sharelog review list --exchange {result.reference}`"
        )


@app.command("keygen")
def keygen_command(
    out: Annotated[Path, typer.Option("--out", help="Where to write the new key (never overwritten).")],
) -> None:
    """Make a key that encrypts return files and review files at rest (AES-256-GCM).

    The key is 32 random bytes, written as one line of base64 to a new file readable by its owner only (mode
    0600); an existing file is never overwritten. Point SHARELOG_RETURN_FILE_KEY_FILE at it: from then on every
    return file (returns/<reference>.csv.enc), supplementary return file and review file is written encrypted.
    Keep the key outside the data folder and its backups; give it to the requester by another channel than the
    files. Without it, files encrypted with it cannot be read by anyone. See docs/exchange.md.

    Example: sharelog exchange keygen --out /etc/sharelog/return-files.key
    """
    key_id = generate_file_key(out)
    console().print(f"Wrote a new return-file key to {out} (key id {key_id}, readable by its owner only).")
    console().print(f"  Use it: SHARELOG_RETURN_FILE_KEY_FILE={out}")


@app.command("decrypt")
def decrypt_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="An encrypted return file (….csv.enc).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the decrypted file (a new file).")],
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file", help="The key it was encrypted with; default: SHARELOG_RETURN_FILE_KEY_FILE."
        ),
    ] = None,
) -> None:
    """Decrypt a return file (or review file) that was encrypted at rest, for the requester or a reviewer.

    The file says which key encrypted it (its key id); a different key is refused by name, and a file changed
    since it was written fails to decrypt. The decrypted file holds personal data: it is written to a new file
    readable by its owner only, never over an existing one.

    Example: sharelog exchange decrypt EX-2019-03-1a2b3c4d.csv.enc --out EX-2019-03-1a2b3c4d.csv
    --key-file return-files.key
    """
    settings = settings_of(ctx)
    key_path = key_file if key_file is not None else settings.return_file_key_file
    if key_path is None:
        raise InputError("no key: give --key-file or set SHARELOG_RETURN_FILE_KEY_FILE")
    key = read_file_key(key_path, field="key_file" if key_file is not None else None)
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"{file}: cannot read the file ({error.strerror})") from None
    plain = decrypt_file_bytes(data, key=key, name=str(file))
    write_new_private_file(out, plain, field="out")
    console().print(
        f"Decrypted {file} (key {file_key_id(key)}) to {out}: {len(plain):,} bytes, "
        f"sha256 {hashlib.sha256(plain).hexdigest()}"
    )
