"""Configuration: one ``Settings`` object built at the entry point and passed down.

Values come from ``SHARELOG_*`` environment variables or a ``.env`` file in the working directory.
"""

from __future__ import annotations

import getpass
import ipaddress
import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from sharelog.errors import InputError

__all__ = ["DEMO_HOLDER_KEY", "Settings", "shipped_agreements_dir"]

# The key `sharelog demo` uses for subject keys. Public by design, so it is refused outside demo mode.
DEMO_HOLDER_KEY = "sharelog-demo-key-not-for-real-data"


def shipped_agreements_dir() -> Path:
    """The folder of agreements that ship with sharelog (inside a wheel, or the checkout's ``agreements/``)."""
    package_dir = Path(__file__).resolve().parent
    bundled = package_dir / "_shipped_agreements"
    if bundled.is_dir():
        return bundled
    return package_dir.parents[1] / "agreements"


# settings only code sets: an environment variable or a .env line naming one is ignored
CODE_ONLY = frozenset({"demo_mode"})


class _Without(PydanticBaseSettingsSource):
    """Another source, less some settings."""

    def __init__(
        self, settings_cls: type[BaseSettings], source: PydanticBaseSettingsSource, left_out: frozenset[str]
    ):
        super().__init__(settings_cls)
        self._source = source
        self._left_out = left_out

    def get_field_value(self, field: object, field_name: str) -> tuple[object, str, bool]:
        return None, field_name, False  # unused: __call__ answers for the whole source

    def __call__(self) -> dict[str, object]:
        return {name: value for name, value in self._source().items() if name not in self._left_out}


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment (some containers)
        return "unknown"


class Settings(BaseSettings):
    """Everything sharelog can be configured with. Build one with ``Settings()`` at the entry point."""

    model_config = SettingsConfigDict(env_prefix="SHARELOG_", env_file=".env", extra="ignore")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # demo mode lets the public demo key make subject keys: only sharelog's own demo entry points may turn it on
        # (in code), never a variable left in an environment or a .env file next to real data
        return (
            init_settings,
            _Without(settings_cls, env_settings, CODE_ONLY),
            _Without(settings_cls, dotenv_settings, CODE_ONLY),
            file_secret_settings,
        )

    data_dir: Path = Field(
        default=Path("sharelog-data"),
        description="Where sharelog writes its ledger (by default), return files, reports and demo data.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the ledger; default: a SQLite file `ledger.db` in data_dir.",
    )
    agreements_dir: Path | None = Field(
        default=None,
        description="Folder of agreement YAML files; default: the agreements shipped with sharelog.",
    )
    register_dir: Path | None = Field(
        default=None,
        description="The prepared register exchanges match against; default: `register` in data_dir.",
    )
    holder_key: SecretStr | None = Field(
        default=None, description="The holder's secret key for subject keys (HMAC-SHA256 of the pupil id)."
    )
    holder_key_file: Path | None = Field(
        default=None, description="A file holding the holder's secret key (preferred to holder_key)."
    )
    holder_key_previous_files: str = Field(
        default="",
        description="Files holding the holder's earlier keys, comma-separated, newest first: after a key rotation, "
        "subject access also searches the subject keys made with these (see docs/operations.md).",
    )
    return_file_key_file: Path | None = Field(
        default=None,
        description="A file holding the key (from `sharelog exchange keygen`) that return files and review files "
        "are encrypted with at rest (AES-256-GCM); unset: they are written in the clear.",
    )
    audit_signing_key_file: Path | None = Field(
        default=None,
        description="The Ed25519 private key (PEM, from `sharelog audit keygen`) that signs audit checkpoints; "
        "keep it outside the repository and the data folder, readable by the operator only.",
    )
    demo_mode: bool = Field(
        default=False,
        description="Allow the public demo key; only `sharelog demo` and `sharelog serve --demo` set it, in code "
        "(SHARELOG_DEMO_MODE in the environment or .env is ignored).",
    )
    actor: str = Field(
        default_factory=_default_actor, description="Who is acting, as recorded in the ledger."
    )
    extra_bank_holidays: str = Field(
        default="",
        description="Bank holidays proclaimed after this sharelog was released, for FOI deadlines: comma-separated "
        "ISO dates, each optionally with the parts of the UK it covers (2026-07-13:NIR, 2026-08-03:SCT+NIR).",
    )
    foi_case_retention_days: int = Field(
        default=1095,
        ge=1,
        description="How long an FOI requester's name and contact are kept after receipt and after each response.",
    )
    max_batch_bytes: int = Field(
        default=50_000_000,
        ge=1,
        description="The largest request batch an exchange reads, in bytes (a Parquet batch: also its unpacked "
        "size); a larger one is refused before it is read.",
    )
    max_batch_rows: int = Field(
        default=100_000,
        ge=1,
        description="The most rows a request batch may hold (read from a Parquet file's own metadata before its "
        "data); the agreement's monthly cap applies as well.",
    )

    spark_master: str | None = Field(
        default=None,
        description="The Spark master for the Spark backend (local[4], spark://head:7077, yarn…); default: the one "
        "spark-submit gave, else local[2].",
    )
    spark_conf: str = Field(
        default="",
        description="More Spark settings for the Spark backend, key=value entries separated by ';'; they override "
        "sharelog's defaults.",
    )
    spark_scratch: Path | None = Field(
        default=None,
        description="Where the Spark backend writes the tables it hands Spark, its checkpoints and the scored pairs "
        "(on a cluster: storage the driver and every executor see at the same path); default: a temporary folder.",
    )

    web_secret_key: SecretStr | None = Field(
        default=None,
        description="The key that signs web session cookies; default: a random key kept in data_dir/web-secret.key.",
    )
    web_secure_cookies: bool = Field(
        default=True,
        description="Mark the session cookie Secure (browsers then send it only over HTTPS, or to localhost).",
    )
    web_session_idle_minutes: int = Field(
        default=30,
        ge=1,
        le=480,
        description="A web session unused this many minutes ends (it ends anyway 8 hours after signing in).",
    )
    trusted_proxies: str = Field(
        default="",
        description="The proxies whose X-Forwarded-For and X-Forwarded-Proto headers are believed, comma-separated "
        "IP addresses or networks (10.0.0.5, 10.1.0.0/16); default: none, so a client's address is its "
        "connection's.",
    )

    def ledger_url(self) -> str:
        """The database URL of the ledger, defaulting to a SQLite file in ``data_dir``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'ledger.db').resolve()}"

    def agreements_path(self) -> Path:
        """The folder agreements are read from."""
        return self.agreements_dir if self.agreements_dir is not None else shipped_agreements_dir()

    def register_path(self) -> Path:
        """The prepared register exchanges match against."""
        return self.register_dir if self.register_dir is not None else self.data_dir / "register"

    def returns_path(self) -> Path:
        """Where return files are written."""
        return self.data_dir / "returns"

    def review_path(self) -> Path:
        """Where review files (what reviewers compare, until they decide) are written."""
        return self.data_dir / "review"

    def web_secret(self) -> str:
        """The key that signs session cookies: the setting, or a random one created once in ``data_dir``."""
        if self.web_secret_key is not None:
            return self.web_secret_key.get_secret_value()
        path = self.data_dir / "web-secret.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text(encoding="ascii").strip()

    def trusted_proxy_list(self) -> list[str]:
        """``trusted_proxies`` as a list, each an IP address or network.

        Raises:
            InputError: an entry is neither (a host name, or ``*``, which would believe every client).
        """
        entries = [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]
        for number, entry in enumerate(entries, start=1):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise InputError(
                    f"SHARELOG_TRUSTED_PROXIES: entry {number} is not an IP address or network"
                ) from None
        return entries

    def holder_key_bytes(self) -> bytes:
        """The holder's secret key. Refuses to run without one, or with the public demo key outside demo mode.

        Raises:
            InputError: no key is configured, the key file cannot be read, or the demo key is used for real.
        """
        key: str | None = None
        if self.holder_key_file is not None:
            key = _read_holder_key(self.holder_key_file, option="SHARELOG_HOLDER_KEY_FILE")
        elif self.holder_key is not None:
            key = self.holder_key.get_secret_value()
        elif self.demo_mode:
            key = DEMO_HOLDER_KEY
        if not key:
            raise InputError(
                "no holder key: set SHARELOG_HOLDER_KEY_FILE to a file holding a long random secret "
                "(see docs/operations.md)"
            )
        if key == DEMO_HOLDER_KEY and not self.demo_mode:
            raise InputError("the demo holder key is public and cannot be used outside demo mode")
        return self._checked_holder_key(key, option="the holder key")

    def _checked_holder_key(self, key: str, *, option: str) -> bytes:
        if key == DEMO_HOLDER_KEY and not self.demo_mode:
            raise InputError(f"{option}: the demo holder key is public and cannot be used outside demo mode")
        if len(key) < 16:
            raise InputError(f"{option} is too short: use at least 32 random characters")
        return key.encode("utf-8")

    def holder_previous_key_bytes(self) -> list[bytes]:
        """The holder's earlier keys (``holder_key_previous_files``, newest first), for subject access after a
        key rotation. Each is checked as the current key is.

        Raises:
            InputError: a file cannot be read, or holds a key that would be refused as the current key.
        """
        option = "SHARELOG_HOLDER_KEY_PREVIOUS_FILES"
        paths = [Path(part.strip()) for part in self.holder_key_previous_files.split(",") if part.strip()]
        return [
            self._checked_holder_key(_read_holder_key(path, option=option), option=f"{option}: {path}")
            for path in paths
        ]


def _read_holder_key(path: Path, *, option: str) -> str:
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise InputError(f"{option}: cannot read {path} ({error.strerror})") from None
