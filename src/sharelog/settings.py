"""Configuration: one ``Settings`` object built at the entry point and passed down.

Values come from ``SHARELOG_*`` environment variables or a ``.env`` file in the working directory.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "shipped_agreements_dir"]


def shipped_agreements_dir() -> Path:
    """The folder of agreements that ship with sharelog (inside a wheel, or the checkout's ``agreements/``)."""
    package_dir = Path(__file__).resolve().parent
    bundled = package_dir / "_shipped_agreements"
    if bundled.is_dir():
        return bundled
    return package_dir.parents[1] / "agreements"


class Settings(BaseSettings):
    """Everything sharelog can be configured with. Build one with ``Settings()`` at the entry point."""

    model_config = SettingsConfigDict(env_prefix="SHARELOG_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("sharelog-data"),
        description="Where sharelog writes its ledger (by default), demo data, return files and reports.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the ledger; default: a SQLite file `ledger.db` in data_dir.",
    )
    agreements_dir: Path | None = Field(
        default=None,
        description="Folder of agreement YAML files; default: the agreements shipped with sharelog.",
    )

    def ledger_url(self) -> str:
        """The database URL of the ledger, defaulting to a SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"

    def agreements_path(self) -> Path:
        """The folder agreements are read from."""
        return self.agreements_dir if self.agreements_dir is not None else shipped_agreements_dir()
