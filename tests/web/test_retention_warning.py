"""An exchange whose return files are past retention and not deleted carries a warning on its page and on the
dashboard of everyone in the two organisations; once retention has deleted them, the warning goes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from sharelog.ledger.models import ReturnFile

from ..worlds import JANUARY, REJECTED, add_january_return_files, session_of


@pytest.fixture(autouse=True)
def _january_files(web_settings):
    """January's main return file kept (retention ended on 11 April 2019), its supplementary file deleted."""
    with session_of(web_settings) as session:
        add_january_return_files(session, web_settings.data_dir)


WARNING = re.compile(r'id="retention-warning">(.*?)</div>', re.S)


def _warning(html: str) -> str | None:
    found = WARNING.search(html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else None


@pytest.mark.parametrize("role", ["holder_operator", "requester_caseworker", "auditor"])
def test_januarys_kept_return_file_is_warned_about(as_role, role):
    client = as_role(role)
    page = _warning(client.get(f"/exchanges/{JANUARY}").text)
    assert page is not None and "Its return file is past the retention date and not yet deleted" in page
    assert re.search(r"retention ended on 11 April 2019, \d+ years( \d+ months?)? ago", page)
    dashboard = client.get("/dashboard").text
    warned = _warning(dashboard)
    assert warned is not None and warned.startswith("! Warning 1 return file of 1 exchange is past")
    assert f'href="/exchanges/{JANUARY}"' in dashboard.split('id="retention-warning"', 1)[1]


def test_an_exchange_with_nothing_kept_too_long_has_no_warning(as_role):
    assert _warning(as_role("holder_operator").get(f"/exchanges/{REJECTED}").text) is None


def test_the_warning_goes_once_retention_deleted_the_file(as_role, web_settings):
    with session_of(web_settings) as session:
        session.execute(update(ReturnFile).values(deleted_at=datetime.now(UTC)))
    client = as_role("holder_operator")
    assert _warning(client.get(f"/exchanges/{JANUARY}").text) is None
    assert _warning(client.get("/dashboard").text) is None
