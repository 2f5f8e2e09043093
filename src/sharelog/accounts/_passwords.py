"""What makes a password acceptable: NCSC and NIST SP 800-63B rules, not composition rules.

Long enough (12 to 128 characters, so passphrases fit), not all whitespace or one character repeated, not built
from the account's own username or name, and not easy to guess: zxcvbn (offline; its lists hold the most common
passwords of public breaches, English words, names, keyboard patterns, dates and repeats) must estimate at least
10^8 guesses. Messages say which rule failed and never quote the password.
"""

from __future__ import annotations

import re
import threading

from zxcvbn import zxcvbn

from sharelog.errors import InputError

__all__ = ["MAX_PASSWORD_LENGTH", "MIN_GUESSES_LOG10", "MIN_PASSWORD_LENGTH", "check_password"]

MIN_PASSWORD_LENGTH = 12  # NCSC: length over complexity rules
MAX_PASSWORD_LENGTH = 128  # long passphrases welcome (NIST: at least 64); argon2 hashes any length
MIN_GUESSES_LOG10 = 8  # zxcvbn's score 3: "safely unguessable", held off by throttling and a slow hash
_NAME_LENGTH = 4  # a shorter username turns up inside ordinary words too often to refuse them all
_NOT_LETTERS_OR_DIGITS = re.compile(r"[\W_]+")
# zxcvbn keeps the user inputs of the current call in a module-level dictionary: one call at a time
_zxcvbn_lock = threading.Lock()


def _squashed(text: str) -> str:
    return _NOT_LETTERS_OR_DIGITS.sub("", text.casefold())


def _built_from(password: str, *, username: str, display_name: str) -> bool:
    """Whether the password holds the username or the whole name (forwards or backwards, ignoring case, spaces
    and punctuation), or is nothing but a short username repeated. Parts of a name (a surname, say) are left to
    the guessing estimate, which knows them as words of this account."""
    squashed = _squashed(password)
    for word in {_squashed(username), _squashed(display_name)}:
        if len(word) >= _NAME_LENGTH and (word in squashed or word[::-1] in squashed):
            return True
        if word and squashed and not squashed.replace(word, "").replace(word[::-1], ""):
            return True
    return False


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    """Refuse a password that is too short or too long, blank or one character repeated, built from the
    account's username or name, or easy to guess.

    Raises:
        InputError: the first rule the password breaks (the message never quotes it).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InputError(f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters")
    if not password.strip() or len(set(password)) == 1:
        raise InputError("the password is one character repeated (or only spaces): choose another")
    if _built_from(password, username=username, display_name=display_name):
        raise InputError("the password is built from the username or the account's name: choose another")
    own_words = [word for word in [username, display_name, *re.split(r"[\W_]+", display_name)] if word]
    with _zxcvbn_lock:
        estimate = zxcvbn(password, user_inputs=own_words, max_length=MAX_PASSWORD_LENGTH)
    if estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        raise InputError(
            "the password is too easy to guess (a common password, a word with digits, a keyboard pattern "
            "or a repeat): a few unrelated words make a strong one"
        )
