"""Agreement files for the tests: the shipped folder, a sound agreement to break in small ways, and a writer that
lays documents out as ``<folder>/<id>/v<version>.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sharelog.settings import shipped_agreements_dir

Document = dict[str, Any]
WriteAgreement = Callable[..., Path]
SOUND_AGREEMENT = ("ho-dfe-2015-mou", "2.1")  # a shipped version every check passes


def sound_document() -> Document:
    """The sound shipped agreement (ho-dfe-2015-mou v2.1) as plain data."""
    agreement_id, version = SOUND_AGREEMENT
    path = shipped_agreements_dir() / agreement_id / f"v{version}.yaml"
    loaded: Document = yaml.safe_load(path.read_text("utf-8"))
    return loaded


def agreement_writer(folder: Path) -> WriteAgreement:
    """Write a document as ``<folder>/<id>/v<version>.yaml`` (or at ``relative``), returning the file's path;
    ``id`` and ``version`` default to the document's own."""

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
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
