"""Fixtures for the agreements tests: the shipped folder, and a sound agreement to break in small ways."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sharelog.settings import shipped_agreements_dir

Document = dict[str, Any]
WriteAgreement = Callable[..., Path]


@pytest.fixture(scope="session")
def shipped_dir() -> Path:
    """The agreements that ship with sharelog (never the environment's SHARELOG_AGREEMENTS_DIR)."""
    return shipped_agreements_dir()


@pytest.fixture(scope="session")
def _sound_document(shipped_dir: Path) -> Document:
    loaded: Document = yaml.safe_load((shipped_dir / "ho-dfe-2015-mou" / "v2.1.yaml").read_text("utf-8"))
    return loaded


@pytest.fixture
def sound_document(_sound_document: Document) -> Document:
    """A fresh copy of a sound agreement document (ho-dfe-2015-mou v2.1) as plain data, to change at will."""
    return copy.deepcopy(_sound_document)


@pytest.fixture
def write_agreement(tmp_path: Path) -> WriteAgreement:
    """Write a document as ``<folder>/<id>/v<version>.yaml`` (or at ``relative``), returning the file's path.

    The folder is ``tmp_path / "agreements"``; ``id`` and ``version`` default to the document's own.
    """

    def write(
        document: Document | str,
        *,
        agreement_id: str | None = None,
        version: str | None = None,
        relative: str | None = None,
    ) -> Path:
        text = document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False, width=200)
        if relative is None:
            data = document if isinstance(document, dict) else {}
            relative = f"{agreement_id or data['id']}/v{version or data['version']}.yaml"
        path = tmp_path / "agreements" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
