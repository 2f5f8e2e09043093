"""Which passwords are refused (NCSC / NIST SP 800-63B: length, a deny list of common and breached passwords,
nothing built from the account's own names, no composition rules) — and that no message quotes one."""

from __future__ import annotations

import pytest

from sharelog.accounts import MAX_PASSWORD_LENGTH, check_password
from sharelog.errors import InputError

USERNAME, NAME = "operator", "Olu Operator"


@pytest.mark.parametrize(
    ("password", "match"),
    [
        # the four the hostile-user test got accepted (issue 12)
        (" " * 12, "one character repeated"),
        ("aaaaaaaaaaaa", "one character repeated"),
        ("password1234", "too easy to guess"),
        ("operatoroperator", "built from the username"),
        # their neighbours
        ("short pass", "too short"),
        ("x" * 12 + " " * 2, "too easy to guess"),
        ("OPERATOR-rotarepo", "built from the username"),  # the username forwards and reversed, any case
        ("my name is olu operator!", "built from the username or the account's name"),
        ("Letmein12345", "too easy to guess"),
        ("qwertyuiopasdf", "too easy to guess"),
        ("123456789012", "too easy to guess"),
        ("iloveyou2024!", "too easy to guess"),
        ("correct horse " * 10, "too long"),
    ],
)
def test_weak_passwords_are_refused_with_a_reason_and_never_quoted(password: str, match: str) -> None:
    with pytest.raises(InputError, match=match) as refused:
        check_password(password, username=USERNAME, display_name=NAME)
    assert password not in refused.value.message


def test_a_short_username_is_refused_only_when_the_password_is_nothing_else() -> None:
    with pytest.raises(InputError, match="built from the username"):
        check_password("bobbobbobbob", username="bob")
    check_password("a bob of the head, twice", username="bob")  # "bob" inside words is no derivation


def test_a_part_of_the_name_only_weighs_in_the_estimate() -> None:
    check_password("load test password, not for real use", username="load-1", display_name="Load Tester")
    check_password("Quillfeather2024", username="ab")  # not a common word: fine for someone else
    with pytest.raises(InputError, match="too easy to guess"):
        check_password("Quillfeather2024", username="jq", display_name="Jo Quillfeather")


@pytest.mark.parametrize(
    "password",
    [
        "sharelog-demo",  # the demo's published password (synthetic data only)
        "correct horse battery staple",  # tests/web
        "a long enough passphrase",  # tests/accounts, tests/cli
        "a long enough password for tests",  # tests/ledger
        "Tr0ub4dor&3 plus more",
        "walnut tuesday lantern 7 orbit",
        "tea kettle " + "marmalade " * 10 + "x" * (MAX_PASSWORD_LENGTH - 111),  # a long passphrase, 128
    ],
)
def test_passphrases_and_the_projects_own_passwords_are_accepted(password: str) -> None:
    assert len(password) <= MAX_PASSWORD_LENGTH
    check_password(password, username=USERNAME, display_name=NAME)
