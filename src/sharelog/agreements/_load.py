"""Loading agreement files and folders, collecting every problem before refusing any of them."""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from sharelog.agreements._messages import issues_from_errors
from sharelog.agreements._model import Agreement, AgreementDocument
from sharelog.agreements._rules import Issue, document_issues
from sharelog.agreements._vocabulary import SLUG_PATTERN, VERSION_PATTERN, version_key
from sharelog.agreements._yaml import YamlSyntaxError, duplicate_keys, line_of, parse_yaml
from sharelog.errors import InputError, Problem, ValidationFailed

__all__ = ["AgreementsFolder", "load_agreement", "load_agreements", "read_agreements_folder"]

SUFFIX = ".yaml"


@dataclass(frozen=True)
class _Read:
    """The outcome of reading one file: the agreement if it is sound, every problem otherwise."""

    agreement: Agreement | None
    problems: list[Problem]
    root: yaml.Node | None = None


def load_agreement(path: Path | str) -> Agreement:
    """Load and check one agreement file, ``<agreement-id>/v<version>.yaml``.

    Args:
        path: The YAML file.

    Returns:
        The agreement version the file describes, with its path and the sha256 checksum of its bytes.

    Raises:
        InputError: There is no such file.
        ValidationFailed: The file has problems; all of them are listed, each with its line and term.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no agreement file at {path}")
    read = _read(path)
    if read.agreement is None:
        raise ValidationFailed(read.problems)
    return read.agreement


def load_agreements(directory: Path | str) -> list[Agreement]:
    """Load and check every agreement in a folder laid out as ``<agreement-id>/v<version>.yaml``.

    Besides checking each file, this checks the versions of each agreement against one another: no two may be
    in force on the same day, and later versions carry higher numbers.

    Args:
        directory: The agreements folder.

    Returns:
        Every agreement version, ordered by id, then version.

    Raises:
        InputError: The folder does not exist.
        ValidationFailed: Any file has problems; those of all files are listed together.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"agreements folder not found: {directory}")
    problems = list(_layout_problems(directory))
    reads = [_read(path) for path in sorted(directory.glob(f"*/*{SUFFIX}"))]
    problems += [problem for read in reads for problem in read.problems]
    problems += _version_problems(
        [(read.agreement, read.root) for read in reads if read.agreement is not None]
    )
    if problems:
        raise ValidationFailed(problems)
    agreements = [read.agreement for read in reads if read.agreement is not None]
    return sorted(agreements, key=lambda a: (a.id, version_key(a.version)))


@dataclass(frozen=True)
class AgreementsFolder:
    """What an agreements folder holds for the services that use it: every version of every sound agreement,
    and the files that cannot be used, named within the folder (``ho-dfe-2019-update/v1.0.yaml``)."""

    agreements: tuple[Agreement, ...]
    invalid_files: tuple[str, ...] = ()
    unusable: frozenset[str] = frozenset()  # ids of agreements one of whose files cannot be used

    def invalid_files_of(self, agreement_id: str) -> tuple[str, ...]:
        """The files of one agreement that cannot be used."""
        return tuple(name for name in self.invalid_files if name.startswith(f"{agreement_id}/"))


def read_agreements_folder(directory: Path | str) -> AgreementsFolder:
    """Read every agreement in a folder, setting aside what cannot be used instead of refusing the folder.

    A file with problems (a YAML alias, a missing term…) sets aside its whole agreement — every version, since
    which one is in force cannot be known without it — and only that one: exchanges under every other agreement
    go on. So do two versions of one agreement in force on the same day. ``sharelog agreements validate`` lists
    the problems; this names the files only, within the folder, never the folder itself.

    Raises:
        InputError: The folder does not exist.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("the agreements folder (SHARELOG_AGREEMENTS_DIR) does not exist")
    reads = [(path, _read(path)) for path in sorted(directory.glob(f"*/*{SUFFIX}"))]
    invalid = {path for path, read in reads if read.agreement is None}
    invalid |= {Path(problem.file) for problem in _layout_problems(directory)}
    sound = [(read.agreement, read.root) for _, read in reads if read.agreement is not None]
    invalid |= {Path(problem.file) for problem in _version_problems(sound)}
    unusable = frozenset(path.parent.name for path in invalid if path.parent.parent == directory)
    agreements = [agreement for agreement, _ in sound if agreement.id not in unusable]
    return AgreementsFolder(
        agreements=tuple(sorted(agreements, key=lambda a: (a.id, version_key(a.version)))),
        invalid_files=tuple(sorted(path.relative_to(directory).as_posix() for path in invalid)),
        unusable=unusable,
    )


def _layout_problems(directory: Path) -> Iterator[Problem]:
    strays = [*directory.glob("*.yaml"), *directory.glob("*.yml"), *directory.glob("*/*.yml")]
    for path in sorted(strays):
        yield Problem(
            file=str(path),
            message="is not where agreements go: save each version as <agreement-id>/v<version>.yaml",
        )


def _read(path: Path) -> _Read:
    """Read one file; never raises for a problem with its content."""
    try:
        content = path.read_bytes()
    except OSError as error:
        return _Read(
            None, [Problem(file=str(path), message=f"cannot be read ({error.strerror or 'I/O error'})")]
        )
    parsed = _parse(path, content)
    return _Read(parsed.agreement, list(parsed.problems), parsed.root)  # the kept list stays as it was


@functools.lru_cache(maxsize=256)
def _parse(path: Path, content: bytes) -> _Read:
    """What one file's bytes hold. Kept for the same path and bytes: an exchange, a review decision and a web
    page each look up the agreement in force, and parsing YAML is much slower than reading the file again to
    see that it has not changed (the result is the same, so a changed file is parsed afresh)."""
    where = str(path)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _Read(None, [Problem(file=where, message="is not UTF-8 text")])
    try:
        parsed = parse_yaml(text)
    except YamlSyntaxError as error:
        return _Read(None, [Problem(file=where, message=error.message, row=error.line)])
    if not isinstance(parsed.data, dict):
        return _Read(None, [Problem(file=where, message=_not_a_mapping(parsed.data))])
    issues = list(_issues(parsed.data, path, parsed.root))
    if issues:
        problems = [_problem(where, issue, parsed.root) for issue in issues]
        return _Read(None, sorted(problems, key=lambda p: p.row or 0), parsed.root)
    checksum = hashlib.sha256(content).hexdigest()
    document = AgreementDocument.model_validate(parsed.data)
    agreement = Agreement.model_construct(**dict(document), path=path, checksum=checksum)
    return _Read(agreement, [], parsed.root)


def _not_a_mapping(data: object) -> str:
    if data is None:
        return "is empty: an agreement file holds one 'term: value' line per term"
    return "must be a mapping of agreement terms, one 'term: value' per line (this file holds a single value or a list)"


def _issues(data: Mapping[str, Any], path: Path, root: yaml.Node | None) -> Iterator[Issue]:
    for loc, line in duplicate_keys(root):
        yield Issue(loc, "is written twice; YAML would silently keep only the last one", line)
    try:
        AgreementDocument.model_validate(data)
    except ValidationError as error:
        yield from issues_from_errors(error.errors(include_url=False))
    yield from document_issues(data)
    yield from _file_name_issues(data, path)


def _file_name_issues(data: Mapping[str, Any], path: Path) -> Iterator[Issue]:
    # Only a well-formed id or version is compared with the file's name; a malformed one is reported already.
    agreement_id, version = data.get("id"), data.get("version")
    if _matches(SLUG_PATTERN, agreement_id) and path.parent.name != agreement_id:
        yield Issue(
            ("id",),
            f"is '{agreement_id}' but the file is in the folder '{path.parent.name}': keep the versions of an "
            "agreement in a folder named after its id",
        )
    if _matches(VERSION_PATTERN, version) and path.name != f"v{version}{SUFFIX}":
        yield Issue(("version",), f"is '{version}', so the file must be named 'v{version}{SUFFIX}'")


def _matches(pattern: str, value: object) -> bool:
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def _problem(file: str, issue: Issue, root: yaml.Node | None) -> Problem:
    field = ".".join(str(part) for part in issue.loc) or None
    row = issue.line if issue.line is not None else line_of(root, issue.loc)
    return Problem(file=file, message=issue.message, row=row, field=field)


def _version_problems(loaded: list[tuple[Agreement, yaml.Node | None]]) -> list[Problem]:
    by_id: dict[str, list[tuple[Agreement, yaml.Node | None]]] = defaultdict(list)
    for agreement, root in loaded:
        by_id[agreement.id].append((agreement, root))
    problems: list[Problem] = []
    for versions in by_id.values():
        ordered = sorted(versions, key=lambda pair: pair[0].valid_from)
        for (earlier, _), (later, root) in zip(ordered, ordered[1:], strict=False):
            problems += _pair_problems(earlier, later, root)
    return problems


def _pair_problems(earlier: Agreement, later: Agreement, root: yaml.Node | None) -> Iterator[Problem]:
    where = str(later.path)
    if earlier.valid_to is None or earlier.valid_to >= later.valid_from:
        yield Problem(
            file=where,
            row=line_of(root, ("valid_from",)),
            field="valid_from",
            message=(
                f"overlaps version {earlier.version} ({earlier.validity_text()}): two versions of "
                f"'{later.id}' would be in force on the same day; end the earlier one first"
            ),
        )
    if version_key(later.version) <= version_key(earlier.version):
        yield Problem(
            file=where,
            row=line_of(root, ("version",)),
            field="version",
            message=(
                f"must be higher than version {earlier.version}, which comes into force earlier "
                f"(on {earlier.valid_from})"
            ),
        )
