"""What changed between two versions of an agreement: list terms by what was added and removed, other terms
before and after, and a change of provenance as a change of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from sharelog.agreements import agreement_changes, load_agreement, version_with_changes
from sharelog.errors import NotFound

from ..worlds import Document, WriteAgreement


def test_the_2016_amendment_removed_nationality_from_the_return(shipped_dir: Path) -> None:
    found = version_with_changes("ho-dfe-2015-mou", version="2.1", directory=shipped_dir)
    assert found.previous is not None and found.previous.version == "1.0"
    assert found.later_versions == ()
    changes = {change.term: change for change in found.changes}
    returned = changes["return_fields"]
    assert (returned.added, returned.removed) == ((), ("nationality",))
    assert (changes["valid_from"].before, changes["valid_from"].after) == ("2015-07-01", "2016-10-07")
    cap = changes["monthly_cap"]
    assert not cap.value_changed and (cap.provenance_before, cap.provenance_after) == ("reported", "assumed")
    assert "onward_recipients" not in changes  # the same recipients, the same provenance


def test_the_first_version_has_no_predecessor_and_names_the_later_ones(shipped_dir: Path) -> None:
    found = version_with_changes("ho-dfe-2015-mou", version="1.0", directory=shipped_dir)
    assert found.previous is None and found.changes == () and found.later_versions == ("2.1",)


@pytest.mark.parametrize(
    ("agreement_id", "version"), [("ho-dfe-2015-mou", "3.0"), ("no-such-agreement", "1.0")]
)
def test_an_unknown_version_is_not_found(shipped_dir: Path, agreement_id: str, version: str) -> None:
    with pytest.raises(NotFound, match="no (version|agreement)"):
        version_with_changes(agreement_id, version=version, directory=shipped_dir)


def test_purposes_are_compared_by_code(sound_document: Document, write_agreement: WriteAgreement) -> None:
    before = load_agreement(write_agreement(sound_document))
    later = dict(sound_document, version="2.2")
    purposes = [dict(p) for p in later["purposes"]]
    purposes[0]["text"] = purposes[0]["text"] + " Reworded."
    removed = purposes.pop()
    purposes.append({"code": "new-purpose", "text": "A new purpose."})
    later["purposes"] = purposes
    after = load_agreement(write_agreement(later))
    (change,) = [c for c in agreement_changes(before, after) if c.term == "purposes"]
    assert change.added == ("new-purpose: A new purpose.",)
    assert change.removed == (f"{removed['code']}: {removed['text']}",)
    assert change.reworded == (f"{purposes[0]['code']}: {purposes[0]['text']}",)
    assert change.value_changed


def test_the_same_terms_are_no_change(shipped_dir: Path) -> None:
    agreement = load_agreement(shipped_dir / "ho-dfe-2019-update" / "v1.0.yaml")
    assert agreement_changes(agreement, agreement) == []
