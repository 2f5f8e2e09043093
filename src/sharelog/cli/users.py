"""`sharelog users …` — accounts for the web app and API tokens for machine clients."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from sharelog.accounts import (
    ROLE_INFO,
    add_user,
    create_api_token,
    disable_user,
    list_users,
    revoke_api_token,
    set_password,
)
from sharelog.cli._context import console, settings_of
from sharelog.cli._ledger import ledger_transaction
from sharelog.errors import InputError

_ROLES_TEXT = "\n\n".join(f"{name}: {info.description}" for name, info in ROLE_INFO.items())

app = typer.Typer(
    help=(
        "Accounts for the web app, each with one role in one organisation, and API tokens for machine clients.\n\n"
        "Roles:\n\n"
        + _ROLES_TEXT
        + "\n\nAccounts are disabled, never deleted: the audit trail keeps who did what."
    ),
    no_args_is_help=True,
)

UsernameArg = Annotated[
    str, typer.Argument(help="The account's username (lower-case letters, digits, . _ -).")
]


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat the password", hide_input=True) != first:
        raise InputError("the two passwords differ")
    return str(first)


@app.command("add")
def add_command(
    ctx: typer.Context,
    username: UsernameArg,
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLE_INFO)}.")],
    organisation: Annotated[
        str, typer.Option("--org", help="The organisation's id, e.g. dfe or home-office.")
    ],
    name: Annotated[
        str, typer.Option("--name", help="The name shown in the app (default: the username).")
    ] = "",
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
) -> None:
    """Create an account (asks for a password: 12 to 128 characters, hard to guess, not built from the username)."""
    password = _read_password(password_stdin)
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        user = add_user(
            session,
            username=username,
            display_name=name or username,
            organisation_id=organisation,
            role=role,
            password=password,
            actor=settings.actor,
        )
        console().print(f"Added {user.username}: {user.role} at {user.organisation_id}.")


@app.command("list")
def list_command(
    ctx: typer.Context,
    organisation: Annotated[
        str | None, typer.Option("--org", help="Only this organisation's accounts.")
    ] = None,
) -> None:
    """List the accounts: username, name, role, organisation, whether active, API tokens in use."""
    with ledger_transaction(settings_of(ctx)) as session:
        users = list_users(session, organisation_id=organisation)
        if not users:
            console().print("No accounts yet: add one with `sharelog users add USERNAME --role … --org …`.")
            return
        table = Table("Username", "Name", "Role", "Organisation", "Active", "API tokens")
        for user in users:
            tokens = sum(1 for token in user.api_tokens if token.revoked_at is None)
            active = (
                "yes"
                if user.active
                else f"no (since {user.disabled_at:%Y-%m-%d})"
                if user.disabled_at
                else "no"
            )
            table.add_row(
                user.username, user.display_name, user.role, user.organisation_id, active, str(tokens)
            )
        console().print(table)


@app.command("disable")
def disable_command(ctx: typer.Context, username: UsernameArg) -> None:
    """Disable an account: its sessions and API tokens stop working at once."""
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        disable_user(session, username, actor=settings.actor)
    console().print(f"Disabled {username}.")


@app.command("password")
def password_command(
    ctx: typer.Context,
    username: UsernameArg,
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from the first line of standard input."),
    ] = False,
) -> None:
    """Set a new password; the account's signed-in sessions end."""
    password = _read_password(password_stdin)
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        set_password(session, username, password=password, actor=settings.actor)
    console().print(f"Set a new password for {username}.")


@app.command("token")
def token_command(
    ctx: typer.Context,
    username: UsernameArg,
    name: Annotated[
        str, typer.Option("--name", help="What the token is for, e.g. the client's name.")
    ] = "api",
) -> None:
    """Issue an API token that acts as USERNAME (printed once: store it safely)."""
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        issued = create_api_token(session, username=username, name=name, actor=settings.actor)
    console().print(f"API token {issued.id} for {issued.username} ({issued.name}) — shown once:")
    print(issued.secret)
    console().print("Send it as the header `Authorization: Bearer <token>`.")


@app.command("revoke")
def revoke_command(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's number (from `token`).")]
) -> None:
    """Revoke an API token (a token revoked already is an error: nothing changes, nothing is recorded)."""
    settings = settings_of(ctx)
    with ledger_transaction(settings) as session:
        revoke_api_token(session, token_id, actor=settings.actor)
    console().print(f"Revoked API token {token_id}.")
