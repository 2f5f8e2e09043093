"""Fuzzing agreement files: a shipped agreement edited line by line as a person (or a bad merge) might — values
replaced by impossible dates, huge numbers, lists and mappings, lines dropped, repeated or indented wrongly,
anchors and aliases, deep nesting — saved in the wrong encoding, with a BOM, CRLF or a NUL; and random bytes.

Each file loads, or is refused with a ValidationFailed naming the file (every problem with its line and term),
quickly: no alias bomb, cycle or deep nesting keeps it busy or overflows the stack. Free text (titles, notes,
names) is never quoted back; the vocabulary words of a term (a field name, a recipient) may be.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sharelog.agreements import load_agreement
from sharelog.settings import Settings

from ._hostile import ENCODINGS, HOSTILE_DATES, MARKER, check_refusal, damaged, encode, fuzz_settings, tally

SHIPPED = (
    Settings(data_dir=Path("."), agreements_dir=None).agreements_path() / "ho-dfe-2019-update" / "v1.0.yaml"
)
FREE_TEXT_TERM = re.compile(r"^(\s*-?\s*)(title|notes|note|name|detail|text|legal_basis|dpia_reference):\s")
TERM = re.compile(r"^(\s*-?\s*)([a-z_]+):\s")
SCALARS = (
    *HOSTILE_DATES,
    "null",
    "~",
    "''",
    "[]",
    "{}",
    "-1",
    "0",
    "1.5",
    ".nan",
    ".inf",
    "1" + "0" * 5000,
    "0x1F",
    "true",
    "!!binary AAAA",
    "!!python/object:os.system x",
    "!!set {a, b}",
    "[a, [b, [c]]]",
    "{a: {b: c}}",
    "'unterminated",
    '"\\x00"',
    "&anchor value",
    "*anchor",
    "[" * 60 + "]" * 60,
)


@st.composite
def agreement_texts(draw: st.DrawFn) -> bytes:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        line = lines[index]
        edit = draw(
            st.sampled_from(("value", "value", "free-text", "drop", "repeat", "indent", "swap", "insert"))
        )
        term = TERM.match(line)
        if edit == "value" and term:
            lines[index] = f"{term.group(1)}{term.group(2)}: {draw(st.sampled_from(SCALARS))}"
        elif edit == "free-text" and (free := FREE_TEXT_TERM.match(line)):
            value = draw(st.sampled_from((MARKER, f"={MARKER}", f"'{MARKER}", f"{MARKER}: x", f"[{MARKER}]")))
            lines[index] = f"{free.group(1)}{free.group(2)}: {value}"
        elif edit == "drop":
            del lines[index]
        elif edit == "repeat":
            lines.insert(index, line)
        elif edit == "indent":
            lines[index] = draw(st.sampled_from(("  ", "\t", " "))) + line
        elif edit == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], line
        elif edit == "insert":
            lines.insert(
                index,
                draw(st.sampled_from(("---", "...", "%YAML 1.1", "? [a]\n: b", "<<: *x", "x: &a [*a]"))),
            )
    text = draw(st.sampled_from(("\n", "\r\n", "\r"))).join(lines)
    return draw(damaged(encode(text, draw(st.sampled_from(("utf-8",) * 6 + ENCODINGS)))))


def _check(data: bytes, folder: Path) -> None:
    path = folder / "ho-dfe-2019-update" / "v1.0.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    started = time.monotonic()
    try:
        load_agreement(path)
    except Exception as error:  # noqa: BLE001 — the property says which exceptions may come out
        tally(f"refused: {type(error).__name__}")
        check_refusal(error, file=str(path))
    else:
        tally("loaded")
    assert time.monotonic() - started < 10, "an agreement file kept the loader busy"


@fuzz_settings()
@given(data=agreement_texts())
@example(data=b"id: &a [*a]\n")
@example(data=b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n")
@example(data=b"monthly_cap: 1" + b"0" * 5000 + b"\n")
@example(
    data=b"a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
)
def test_edited_agreement_files(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check(data, tmp_path_factory.mktemp("agreements"))


@fuzz_settings(0.5)
@given(data=st.binary(max_size=2000))
def test_random_bytes_as_an_agreement(data: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    _check(data, tmp_path_factory.mktemp("agreements"))


def test_the_unedited_file_loads(tmp_path: Path) -> None:
    """The mutations start from a good file: without them, it loads."""
    _check(SHIPPED.read_bytes(), tmp_path)
    assert load_agreement(tmp_path / "ho-dfe-2019-update" / "v1.0.yaml").id == "ho-dfe-2019-update"
