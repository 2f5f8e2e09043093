"""What web users see of the agreements folder: a broken file is named within the folder (and sets aside its own
agreement only); an unknown agreement is refused without the server's folder or the other agreements."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sharelog.accounts import create_api_token
from sharelog.ledger import create_ledger_engine, ledger_session
from sharelog.settings import Settings, shipped_agreements_dir
from sharelog.web import create_app

from ..worlds import AGREEMENT, PURPOSE
from .conftest import USER_OF_ROLE, ExchangeWorld, sign_in


def _broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "server-only" / "agreements"
    shutil.copytree(shipped_agreements_dir(), folder)
    broken = folder / "ho-dfe-2013-pilot" / "v1.0.yaml"
    broken.write_text(broken.read_text("utf-8") + "x: &a [1]\ny: *a\n", encoding="utf-8")
    return folder


def test_the_agreements_page_names_a_broken_file_and_lists_the_rest(
    web_settings: Settings, tmp_path: Path
) -> None:
    settings = web_settings.model_copy(update={"agreements_dir": _broken_copy(tmp_path)})
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        sign_in(client, USER_OF_ROLE["auditor"])
        page = client.get("/agreements")
    assert page.status_code == 200
    assert 'id="invalid-agreement-files"' in page.text
    assert "<code>ho-dfe-2013-pilot/v1.0.yaml</code>" in page.text
    assert (
        'id="versions-ho-dfe-2019-update"' in page.text and 'id="versions-ho-dfe-2013-pilot"' not in page.text
    )
    assert "server-only" not in page.text


@pytest.fixture
def api(world: ExchangeWorld, tmp_path: Path) -> Iterator[TestClient]:
    settings = world.settings.model_copy(update={"agreements_dir": _broken_copy(tmp_path)})
    engine = create_ledger_engine(settings.ledger_url())
    with ledger_session(engine) as session:
        issued = create_api_token(
            session, username=USER_OF_ROLE["holder_operator"], name="test", actor="test"
        )
    engine.dispose()
    with TestClient(create_app(settings), base_url="https://testserver", follow_redirects=False) as client:
        client.headers["authorization"] = f"Bearer {issued.secret}"
        yield client


@pytest.mark.parametrize(
    ("agreement_id", "status", "message"),
    [
        ("ho-dfe-2099", 404, "no agreement 'ho-dfe-2099'"),
        ("ho-dfe-2013-pilot", 400, "agreement 'ho-dfe-2013-pilot' cannot be used until its file has no problems "
         "(ho-dfe-2013-pilot/v1.0.yaml)"),
    ],
    ids=["unknown", "broken"],
)  # fmt: skip
def test_a_batch_under_an_unusable_agreement_is_refused_plainly(
    api: TestClient, world: ExchangeWorld, agreement_id: str, status: int, message: str
) -> None:
    month, batch = sorted(world.batches.items())[-1]
    with batch.open("rb") as handle:
        response = api.post(
            "/api/v1/exchanges",
            files={"batch": ("requests.csv", handle, "text/csv")},
            data={"agreement_id": agreement_id, "purpose": PURPOSE, "month": month},
        )
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"] == message
    assert "server-only" not in response.text and AGREEMENT not in response.text
