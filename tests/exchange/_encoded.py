"""An agreement that provides for encoded matching, for the tests of exchanges on a linkage unit's answer."""

from __future__ import annotations

import shutil
from pathlib import Path

from sharelog.pprl import DEFAULT_SCHEMA
from sharelog.settings import shipped_agreements_dir

from ..worlds import AGREEMENT

ENCODED = "ho-dfe-2019-encoded"


def encoded_agreements(folder: Path) -> Path:
    """``folder`` with the shipped agreements and one more: the 2019 update as it would read with encoded
    matching (``ENCODED``)."""
    shutil.copytree(shipped_agreements_dir(), folder, dirs_exist_ok=True)
    (folder / ENCODED).mkdir()
    for source in (shipped_agreements_dir() / AGREEMENT).glob("v*.yaml"):
        text = source.read_text(encoding="utf-8")
        assert f"id: {AGREEMENT}" in text and "matching: {}" in text
        text = text.replace(f"id: {AGREEMENT}", f"id: {ENCODED}").replace(
            "matching: {}", f"matching: {{mode: encoded, encoding_schema: {DEFAULT_SCHEMA.name}}}"
        )
        (folder / ENCODED / source.name).write_text(text, encoding="utf-8")
    return folder
