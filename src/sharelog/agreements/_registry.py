"""Finding one agreement version in a folder: by id and version, or by the day it was in force."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sharelog.agreements._load import load_agreement, load_agreements, read_agreements_folder
from sharelog.agreements._model import Agreement
from sharelog.agreements._vocabulary import version_key
from sharelog.errors import InputError, NotFound

__all__ = ["agreement_in_force", "agreement_versions", "find_agreement", "validate_agreements"]


def validate_agreements(path: Path | str) -> list[Agreement]:
    """Check one agreement file, or a whole agreements folder.

    Args:
        path: A ``v<version>.yaml`` file, or a folder laid out as ``<agreement-id>/v<version>.yaml``.

    Returns:
        The agreement versions found, if every one is sound.

    Raises:
        InputError: The path does not exist.
        ValidationFailed: Something is wrong; every problem is listed.
    """
    path = Path(path)
    if path.is_dir():
        return load_agreements(path)
    if path.is_file():
        return [load_agreement(path)]
    raise InputError(f"no such file or folder: {path}")


def agreement_versions(agreement_id: str, *, directory: Path | str) -> list[Agreement]:
    """Every version of one agreement, oldest version first.

    A file with problems in the folder sets aside its own agreement only (see
    :func:`~sharelog.agreements.read_agreements_folder`). Messages name neither the folder nor other agreements.

    Raises:
        NotFound: No agreement in ``directory`` has this id.
        InputError: A file of this agreement has problems, so none of its versions can be used.
    """
    folder = read_agreements_folder(directory)
    if agreement_id in folder.unusable:
        files = ", ".join(folder.invalid_files_of(agreement_id))
        raise InputError(
            f"agreement '{agreement_id}' cannot be used until its file has no problems ({files})",
            cli_hint="`sharelog agreements validate` lists them",
        )
    versions = [agreement for agreement in folder.agreements if agreement.id == agreement_id]
    if not versions:
        raise NotFound(
            f"no agreement '{agreement_id}'", cli_hint="`sharelog agreements list` shows those available"
        )
    return versions


def find_agreement(
    agreement_id: str, *, version: str | None = None, on: date | None = None, directory: Path | str
) -> Agreement:
    """One version of an agreement: the one named, else the one in force on a day, else the latest.

    Args:
        agreement_id: The agreement's id, e.g. ``ho-dfe-2015-mou``.
        version: The version wanted, e.g. ``"2.1"``.
        on: When no version is named, prefer the version in force on this day.
        directory: The agreements folder.

    Raises:
        NotFound: The id or the version names nothing (the message lists the agreement's versions).
        InputError: A file of this agreement has problems.
    """
    versions = agreement_versions(agreement_id, directory=directory)
    if version is not None:
        for agreement in versions:
            if agreement.version == version:
                return agreement
        listing = ", ".join(agreement.version for agreement in versions)
        raise NotFound(f"agreement '{agreement_id}' has no version '{version}'; its versions: {listing}")
    in_force = [agreement for agreement in versions if on is not None and agreement.in_force_on(on)]
    return in_force[0] if in_force else max(versions, key=lambda agreement: version_key(agreement.version))


def agreement_in_force(agreement_id: str, *, on: date, directory: Path | str) -> Agreement:
    """The version of an agreement in force on a given day.

    Args:
        agreement_id: The agreement's id, e.g. ``ho-dfe-2015-mou``.
        on: The day; a version is in force from its ``valid_from`` to its ``valid_to``, both included.
        directory: The agreements folder (``Settings.agreements_path()`` by default at the entry point).

    Returns:
        The one version in force that day (the folder check guarantees there is at most one).

    Raises:
        NotFound: No agreement has this id, or none of its versions was in force that day (the message then
            lists its versions and their periods).
        InputError: A file of this agreement has problems.
    """
    versions = agreement_versions(agreement_id, directory=directory)
    for agreement in versions:
        if agreement.in_force_on(on):
            return agreement
    periods = "; ".join(f"{agreement.version}: {agreement.validity_text()}" for agreement in versions)
    raise NotFound(f"no version of agreement '{agreement_id}' was in force on {on}; its versions: {periods}")
