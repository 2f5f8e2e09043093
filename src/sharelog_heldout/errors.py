"""String-level differences between what a requester holds and what the register holds.

Each function takes a value and a numpy generator and returns a changed value, or ``None`` when the value
offers nothing to change (the request is then not eligible for that kind).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from . import _curated as C

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def pick(rng: np.random.Generator, items: list[str]) -> str:
    return items[int(rng.integers(len(items)))]


def _match_case(template: str, text: str) -> str:
    if template.isupper() and len(template) > 1:
        return text.upper()
    if template[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def typo(word: str, rng: np.random.Generator) -> str | None:
    """One slip: a letter inserted, dropped, mistyped (a key next to it), two letters swapped, or a sound-alike."""
    if len(word) < 3:
        return None
    for _ in range(6):
        op = rng.random()
        n = len(word)
        # the first letter is usually right
        i = int(rng.integers(1, n)) if rng.random() < 0.85 else 0
        ch = word[i]
        low = ch.lower()
        if op < 0.2:  # phonetic swap
            lowered = word.lower()
            found = [(a, b) for a, b in C.PHONETIC_SWAPS if a in lowered[1:]]
            if found:
                a, b = found[int(rng.integers(len(found)))]
                j = lowered.index(a, 1)
                out = word[:j] + _match_case(word[j : j + len(a)], b) + word[j + len(a) :]
                if out != word:
                    return out
            continue
        if op < 0.4:  # insertion: a doubled letter or a neighbouring key
            extra = low if rng.random() < 0.5 else pick(rng, list(C.KEY_NEIGHBOURS.get(low, LETTERS)))
            out = word[: i + 1] + extra + word[i + 1 :]
        elif op < 0.6:  # deletion
            if ch == " " or ch == "-":
                continue
            out = word[:i] + word[i + 1 :]
        elif op < 0.8:  # substitution by a neighbouring key
            if low not in C.KEY_NEIGHBOURS:
                continue
            new = pick(rng, list(C.KEY_NEIGHBOURS[low]))
            out = word[:i] + (new.upper() if ch.isupper() else new) + word[i + 1 :]
        else:  # transposition
            j = min(max(i, 1), n - 1)
            if j == n - 1:
                j -= 1
            a, b = word[j], word[j + 1]
            if a == b or not a.isalpha() or not b.isalpha():
                continue
            out = word[:j] + b + a + word[j + 2 :]
        if out != word and out.strip():
            return out
    return None


def variant(name: str, table: dict[str, list[str]], rng: np.random.Generator) -> str | None:
    options = table.get(name)
    if not options:
        return None
    return pick(rng, options)


def change_case(text: str, how: int) -> str:
    if how == 0:
        return text.upper()
    if how == 1:
        return text.lower()
    if how == 2 and " " in text.strip():
        return text.replace(" ", "  ", 1)
    if how == 3:
        return f" {text} "
    return text + " "


def valid_date(year: int, month: int, day_: int) -> dt.date | None:
    try:
        return dt.date(year, month, day_)
    except ValueError:
        return None


def dob_day_month_swap(d: dt.date) -> dt.date | None:
    if d.day > 12 or d.day == d.month:
        return None
    return dt.date(d.year, d.day, d.month)


def dob_digit_typo(d: dt.date, rng: np.random.Generator) -> dt.date | None:
    text = d.strftime("%Y%m%d")
    positions = [3, 5, 6, 7]  # last digit of the year, month's second digit, both day digits
    for _ in range(8):
        pos = positions[int(rng.integers(len(positions)))]
        digit = str(int(rng.integers(10)))
        if digit == text[pos]:
            continue
        new = text[:pos] + digit + text[pos + 1 :]
        got = valid_date(int(new[:4]), int(new[4:6]), int(new[6:]))
        if got is not None and got != d:
            return got
    return None


def dob_year_off(d: dt.date, rng: np.random.Generator) -> dt.date:
    year = d.year + (1 if rng.random() < 0.5 else -1)
    return valid_date(year, d.month, d.day) or dt.date(year, d.month, 28)


def dob_first_of_month(d: dt.date) -> dt.date | None:
    return None if d.day == 1 else d.replace(day=1)


def dob_default_jan1(d: dt.date) -> dt.date | None:
    return None if (d.month, d.day) == (1, 1) else dt.date(d.year, 1, 1)


SIMILAR_CHARS = {
    "0": "O",
    "O": "0",
    "1": "I",
    "I": "1",
    "5": "S",
    "S": "5",
    "8": "B",
    "B": "8",
    "2": "Z",
    "Z": "2",
}


def postcode_typo(postcode: str, rng: np.random.Generator) -> str:
    chars = list(postcode)
    spots = [i for i, ch in enumerate(chars) if ch != " "]
    i = spots[int(rng.integers(len(spots)))]
    ch = chars[i]
    if ch in SIMILAR_CHARS and rng.random() < 0.5:
        chars[i] = SIMILAR_CHARS[ch]
    elif ch.isdigit():
        chars[i] = str((int(ch) + int(rng.integers(1, 10))) % 10)
    else:
        letters = [c for c in "ABDEFGHJLNPQRSTUWXYZ" if c != ch]
        chars[i] = letters[int(rng.integers(len(letters)))]
    return "".join(chars)


def postcode_format(postcode: str, how: int) -> str:
    if how == 0:
        return postcode.replace(" ", "")
    if how == 1:
        return postcode.lower()
    return postcode.replace(" ", "  ")
