"""No personal data where it does not belong: the demo, run with known synthetic people, leaves none of them in
the logs (every logger at DEBUG), in what the commands print, in the messages of refused input, in the audit
trail, in any text column of any ledger table, in the published outputs, or in the web app and the API — except
where a role is entitled to it: the holder's reviewer sees the request and the candidate of the case they open,
and a return file holds the agreement's return fields for the requester.

One demo run (small sizes, as tests/test_demo.py) serves every test here; the people are everyone in its
register and its request batches (see ``_people.py`` for what counts as their personal data).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session
from starlette.routing import Mount
from typer.testing import CliRunner

import sharelog.web  # noqa: F401 — imported before the loggers are opened up, so its loggers are among them
from sharelog.agreements import agreement_in_force
from sharelog.cli import app
from sharelog.exchange import month_start
from sharelog.ledger import create_ledger_engine, ledger_session, verify_audit_chain
from sharelog.ledger.models import AgreementVersion, AuditEvent, Disclosure, Exchange, FoiCase, ReturnFile
from sharelog.reports import CHART_FILES
from sharelog.settings import Settings, shipped_agreements_dir
from sharelog.web import DEMO_ACCOUNTS, DEMO_PASSWORD, create_app, ensure_demo_accounts, ensure_demo_foi_case

from ._people import Hit, People, collect_people, dates_in, response_text, words_in

pytestmark = pytest.mark.slow  # one demo run and ~700 requests to the web app: about a minute and a half

runner = CliRunner(env={"COLUMNS": "120"})
ROOT = Path(__file__).resolve().parents[2]
DEMO = ["demo", "--pupils", "2000", "--requests", "300", "--months", "2019-01..2019-12"]
AGREEMENT, PURPOSE = "ho-dfe-2019-update", "reestablish-contact"
REVIEWER, OPERATOR, CASEWORKER = "holder_reviewer", "holder_operator", "requester_caseworker"


@dataclass(frozen=True)
class Visit:
    """One web or API response: who asked, which route, and what it said (None for images)."""

    role: str
    route: str
    url: str
    status: int
    text: str | None
    content: bytes


@dataclass
class DemoRun:
    """Everything the demo and the provoked errors produced, and who the people are."""

    demo: Settings
    people: People
    logs: list[str]
    outputs: dict[str, str] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    review_candidates: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    planted: list[str] = field(default_factory=list)


# --- capturing every log record -----------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record))


@contextmanager
def all_logs_at_debug() -> Iterator[list[str]]:
    """Every record any logger emits, at DEBUG, through one handler on the root logger; every logger that exists
    is opened up (no level of its own, enabled, propagating) and put back as it was afterwards."""
    records: list[str] = []
    handler = _Records(records)
    root = logging.getLogger()
    loggers = [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    saved = [(lg, lg.level, lg.disabled, lg.propagate) for lg in loggers]
    saved_root = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for logger in loggers:
        logger.setLevel(logging.NOTSET)
        logger.disabled = False
        logger.propagate = True
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_root)
        for logger, level, disabled, propagate in saved:
            logger.setLevel(level)
            logger.disabled = disabled
            logger.propagate = propagate


# --- input with personal data planted where it is wrong -------------------------------------------------------


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _someone(register: list[dict[str, str]]) -> dict[str, str]:
    return next(r for r in register if r["middle_names"] and r["address"] and r["postcode"])


def bad_files(folder: Path, tmp: Path) -> tuple[dict[str, Path], list[str]]:
    """Batches, a register and an outcomes file, each wrong in a way that names a real person's data as the
    wrong value; and the values planted."""
    register = _read(folder / "input" / "register.csv")
    person = _someone(register)
    name = f"{person['forename']} {person['middle_names']} {person['surname']}"
    planted = [name, person["dob"], person["postcode"], person["address"], person["pupil_id"]]
    batch = _read(folder / "batches" / "requests-2019-06.csv")
    wrong = [dict(row) for row in batch]
    wrong[0]["dob"] = name  # not a date: a name
    wrong[1]["request_id"] = wrong[2]["request_id"]  # a repeated id, on a row with someone's details
    wrong[3]["dob"] = "0000-00-00"
    wrong[4]["postcode"] = person["address"]
    files = {"batch": _write(wrong, tmp / "bad-batch.csv")}
    files["nationality"] = _write(
        [dict(row, nationality=person["surname"] + " " + person["dob"]) for row in batch],
        tmp / "nationality.csv",
    )
    lines = (folder / "batches" / "requests-2019-06.csv").read_text(encoding="utf-8").splitlines()
    files["ragged"] = tmp / "ragged.csv"
    files["ragged"].write_text("\n".join([*lines[:3], f"{lines[3]},{name},{person['postcode']}"]) + "\n")
    files["latin1"] = tmp / "latin1.csv"
    files["latin1"].write_bytes(
        "\n".join(lines[:3]).encode()
        + f"\nHO-2019-06-99999,{name}é,,,{person['dob']},M,,\n".encode("latin-1")
    )
    rows = [dict(row) for row in register[:40]]
    rows[0]["dob"] = name
    rows[1]["pupil_id"] = rows[2]["pupil_id"]
    files["register"] = _write(rows, tmp / "bad-register.csv")
    files["outcomes"] = tmp / "bad-outcomes.csv"
    files["outcomes"].write_text(
        "disclosure_id,kind,code,date\n"
        f"1,result,{name},{person['dob']}\n"
        f"2,{person['surname']},police,2019-05-01\n"
        f"999999,use,not_used,{person['postcode']}\n",
        encoding="utf-8",
    )
    return files, planted


def provoke_command_errors(demo: Settings, files: dict[str, Path], tmp: Path) -> dict[str, str]:
    """Run the commands on the bad files; what each printed (every one must refuse, exit 2)."""
    run = ["exchange", "run", "--agreement", AGREEMENT, "--purpose", PURPOSE, "--month", "2019-06", "--batch"]
    commands = {
        f"exchange run ({k})": [*run, str(files[k])] for k in ("batch", "nationality", "ragged", "latin1")
    }
    commands["register prepare"] = [
        "register",
        "prepare",
        "--register",
        str(files["register"]),
        "--out",
        str(tmp),
    ]
    commands["outcomes import"] = ["outcomes", "import", str(files["outcomes"])]
    outputs = {}
    for label, args in commands.items():
        result = runner.invoke(app, args, obj=demo)
        assert result.exit_code == 2 and result.stderr.startswith("Error: "), (label, result.output)
        outputs[label] = result.stdout + result.stderr
    return outputs


# --- the web app and the API, as every role ------------------------------------------------------------------


PathValues = dict[tuple[str, ...], list[tuple[str, ...]]]


def _path_values(
    session: Session, demo: Settings
) -> tuple[PathValues, dict[tuple[str, str], tuple[str, ...]]]:
    """Values for every path parameter, from the demo ledger: all its exchanges and agreement versions, the
    review items still pending (with their best candidate and runner-up, from the review files) and two decided
    ones, a few disclosures, the charts and the FOI case."""
    exchanges = session.execute(select(Exchange.reference).order_by(Exchange.id)).scalars().all()
    versions = session.execute(select(AgreementVersion.agreement_id, AgreementVersion.version)).all()
    disclosures = session.execute(select(Disclosure.id).order_by(Disclosure.id)).scalars().all()
    case = session.execute(select(FoiCase.reference)).scalars().first()
    candidates: dict[tuple[str, str], tuple[str, ...]] = {}
    for review_file in sorted(demo.review_path().glob("*.json")):
        document = json.loads(review_file.read_text(encoding="utf-8"))
        for item in document["items"]:
            compared = (item["pupil_id"], *([item["runner_up_id"]] if item.get("runner_up_id") else []))
            candidates[(document["exchange"], item["request_id"])] = compared
    decided = session.execute(
        text(
            "SELECT e.reference, r.request_ref FROM review_items r JOIN exchanges e ON e.id = r.exchange_id "
            "WHERE r.decision IS NOT NULL ORDER BY r.id LIMIT 2"
        )
    ).all()
    values = {
        ("agreement_id", "version"): [tuple(v) for v in versions],
        ("reference",): [(r,) for r in exchanges],
        ("reference", "request_ref"): [*candidates, *(tuple(d) for d in decided)],
        ("disclosure_id",): [(str(d),) for d in [*disclosures[:3], *disclosures[-2:]]],
        ("chart",): [(c,) for c in CHART_FILES],
        ("case_reference",): [(case,)],
        ("case_reference", "file_name"): [(case, "letter.docx")],
        ("case_reference", "case_action"): [(case, "withdraw")],
        ("run_id",): [("0",)],  # a batch run's status page: shown only to whoever started it (none here)
    }
    return values, candidates


def _get_routes(web_app: FastAPI) -> Iterator[tuple[str, str]]:
    for context in iter_route_contexts(web_app.routes):
        if not isinstance(context.route, Mount) and "GET" in (context.methods or ()):
            yield context.name, context.path


def _urls(name: str, path: str, values: PathValues) -> list[str]:
    params = tuple(p.split(":")[0] for p in re.findall(r"\{([^}]+)\}", path))
    if not params:
        return [path]
    assert params in values, f"give values for {params} (route {name}) in _path_values"
    urls = []
    for combo in values[params]:
        url = path
        for param, value in zip(params, combo, strict=True):
            url = re.sub(r"\{" + param + r"(:[^}]*)?\}", value, url)
        urls.append(url)
    if name == "api_read_return_file":
        urls += [f"{url}?kind=supplementary" for url in urls]
    return urls


def _csrf(client: TestClient, url: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text)
    assert found is not None, f"{url} has a form"
    return found.group(1)


def _visit(role: str, route: str, url: str, response: Response) -> Visit:
    text_of = response_text(response.content, response.headers.get("content-type", ""))
    return Visit(role, route, url, response.status_code, text_of, response.content)


def visit_web(
    demo: Settings, files: dict[str, Path]
) -> tuple[list[Visit], dict[tuple[str, str], tuple[str, ...]]]:
    """Sign in as every demo account and read every page and API endpoint (GET) with the demo ledger's
    references; then send the bad batch and the bad outcomes file as the roles that may send them."""
    engine = create_ledger_engine(demo.ledger_url())
    with ledger_session(engine) as session:
        ensure_demo_accounts(session, actor="sharelog-demo")
        ensure_demo_foi_case(session, actor="sharelog-demo", today=date.today())
    with ledger_session(engine) as session:
        values, candidates = _path_values(session, demo)
    engine.dispose()
    web_app = create_app(demo)
    visits = []
    for account in DEMO_ACCOUNTS:
        with TestClient(web_app, base_url="https://testserver", follow_redirects=False) as client:
            signed_in = client.post(
                "/sign-in",
                data={
                    "username": account.username,
                    "password": DEMO_PASSWORD,
                    "next": "/dashboard",
                    "csrf_token": _csrf(client, "/sign-in"),
                },
            )
            assert signed_in.status_code == 303, signed_in.text
            for name, path in _get_routes(web_app):
                for url in _urls(name, path, values):
                    visits.append(_visit(account.role, name, url, client.get(url)))
            visits += _post_bad_files(client, account.role, files)
    return visits, candidates


def _post_bad_files(client: TestClient, role: str, files: dict[str, Path]) -> list[Visit]:
    """The bad batches sent by the operator, the bad outcomes file by the caseworker (API and form)."""
    token = _csrf(client, "/dashboard")  # the session's token, as a browser's script would send it
    sent = []
    if role == OPERATOR:
        for label in ("batch", "nationality", "ragged"):
            response = client.post(
                "/api/v1/exchanges",
                headers={"x-csrf-token": token},
                data={"agreement_id": AGREEMENT, "purpose": PURPOSE, "month": "2019-06"},
                files={"batch": (files[label].name, files[label].read_bytes(), "text/csv")},
            )
            assert response.status_code == 422, response.text
            sent.append(_visit(role, f"api_create_exchange ({label})", "/api/v1/exchanges", response))
    if role == CASEWORKER:
        upload = {"file": ("outcomes.csv", files["outcomes"].read_bytes(), "text/csv")}
        response = client.post("/api/v1/outcomes/import", headers={"x-csrf-token": token}, files=upload)
        assert response.status_code == 422, response.text
        sent.append(_visit(role, "api_import_outcomes", "/api/v1/outcomes/import", response))
        page = client.post("/outcomes/import", data={"csrf_token": token}, files=upload)
        assert page.status_code == 422, page.text
        sent.append(_visit(role, "import_outcomes_file", "/outcomes/import", page))
    return sent


# --- the run --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    base = tmp_path_factory.mktemp("privacy")
    settings = Settings(data_dir=base / "data", database_url=None, agreements_dir=None, actor="tester")
    with all_logs_at_debug() as logs:
        result = runner.invoke(app, DEMO, obj=settings)
        assert result.exit_code == 0, result.output
        folder = settings.data_dir / "demo"
        demo = settings.model_copy(
            update={"data_dir": folder, "database_url": None, "register_dir": None, "demo_mode": True}
        )
        people = collect_people(
            folder / "input" / "register.csv",
            sorted((folder / "batches").glob("requests-*.csv")),
            shared_dates=dates_in(shipped_agreements_dir()),
            common_words=words_in([ROOT / "src" / "sharelog", ROOT / "docs", shipped_agreements_dir()]),
        )
        files, planted = bad_files(folder, base)
        outputs = {"demo": result.stdout + result.stderr}
        outputs |= provoke_command_errors(demo, files, base / "prepared")
        visits, candidates = visit_web(demo, files)
    return DemoRun(demo, people, logs, outputs, visits, candidates, planted)


def _report(hits: dict[str, list[Hit]]) -> str:
    return "\n".join(f"{where}: {', '.join(map(str, found[:3]))}" for where, found in hits.items() if found)


# --- the tests ------------------------------------------------------------------------------------------------


def test_the_scanner_knows_the_people_and_finds_them(run: DemoRun) -> None:
    assert run.people.count > 5_000
    register = (run.demo.data_dir / "input" / "register.csv").read_text(encoding="utf-8")
    assert len(run.people.find(register)) > 5_000
    for value in run.planted:
        assert run.people.find(f"<td>{value}</td>"), value


def test_no_log_record_holds_personal_data(run: DemoRun) -> None:
    assert len(run.logs) > 1_000  # every logger was heard: SQL, Splink, the web app
    heard = {line.split(" ", 1)[0].split(".")[0] for line in run.logs}
    assert {"sqlalchemy", "splink", "alembic"} <= heard
    hits = run.people.find("\n".join(run.logs))
    assert hits == [], _report({"logs": hits})


def test_no_command_output_or_refusal_holds_personal_data(run: DemoRun) -> None:
    assert "Outcomes by year, January 2019 to December 2019" in run.outputs["demo"]
    hits = {label: run.people.find(output) for label, output in run.outputs.items()}
    assert not any(hits.values()), _report(hits)
    refusals = [label for label in run.outputs if label != "demo"]
    assert len(refusals) == 6 and all("Error: " in run.outputs[label] for label in refusals)


@pytest.fixture
def ledger(run: DemoRun) -> Iterator[Engine]:
    engine = create_ledger_engine(run.demo.ledger_url())
    yield engine
    engine.dispose()


def test_the_audit_trail_holds_no_personal_data(run: DemoRun, ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        events = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert verify_audit_chain(session).ok
    actions = {e.action for e in events}
    assert {"exchange-completed", "exchange-rejected", "review-decided", "review-completed"} <= actions
    assert {"review-file-deleted", "outcome-recorded", "user-signed-in", "report-generated"} <= actions
    hits = {
        f"audit event {e.id} ({e.action})": run.people.find(
            json.dumps([e.actor, e.object_type, e.object_id, e.detail], ensure_ascii=False, default=str)
        )
        for e in events
    }
    assert not any(hits.values()), _report(hits)


def test_no_text_in_any_ledger_table_holds_personal_data(run: DemoRun, ledger: Engine) -> None:
    scanned: dict[str, int] = {}
    hits: dict[str, list[Hit]] = {}
    with ledger.connect() as connection:
        tables = inspect(connection).get_table_names()
        for table in tables:
            for column in inspect(connection).get_columns(table):
                name = column["name"]
                values = connection.execute(text(f'SELECT "{name}" FROM "{table}"')).scalars().all()
                texts = [
                    v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for v in values
                    if isinstance(v, str | dict | list)
                ]
                if texts:
                    scanned[f"{table}.{name}"] = len(texts)
                    hits[f"{table}.{name}"] = run.people.find("\n".join(texts))
    assert {"exchanges", "request_outcomes", "review_items", "disclosures", "audit_events"} <= set(tables)
    assert "exchanges.rejection" in scanned and "audit_events.detail" in scanned  # refusals and details read
    assert not any(hits.values()), _report(hits)


def test_return_files_hold_only_the_agreements_return_fields(run: DemoRun, ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        files = session.execute(select(ReturnFile, Exchange.month).join(Exchange)).all()
        assert files
        for row, month in files:
            agreement = agreement_in_force(
                AGREEMENT, on=month_start(month), directory=run.demo.agreements_path()
            )
            with (run.demo.data_dir / row.path).open(encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            assert header[:2] == ["request_id", "match_probability"], row.path
            assert header[2:] == [f for f in agreement.return_fields if f in header[2:]], row.path
            assert "pupil_id" not in header and "dob" not in header


def test_review_files_are_deleted_once_their_review_is_complete(run: DemoRun, ledger: Engine) -> None:
    with ledger_session(ledger) as session:
        exchanges = session.execute(select(Exchange).where(Exchange.n_review > 0)).scalars().all()
        pending = {e.reference for e in exchanges if any(i.decision is None for i in e.review_items)}
        completed = {e.reference for e in exchanges} - pending
        deleted = set(
            session.execute(
                select(AuditEvent.object_id).where(AuditEvent.action == "review-file-deleted")
            ).scalars()
        )
    assert pending and completed  # the demo leaves November's and December's bands to decide
    on_disk = {p.name for p in run.demo.review_path().iterdir()}
    assert on_disk == {f"{reference}.json" for reference in pending}
    assert completed <= deleted
    assert not list(run.demo.data_dir.rglob("*.partial"))


def test_published_outputs_hold_no_personal_data(run: DemoRun) -> None:
    folder = run.demo.data_dir
    texts = {
        "monthly table": (folder / "monthly-2019-01-to-2019-12.csv").read_text(encoding="utf-8"),
        "report.xlsx": response_text((folder / "report.xlsx").read_bytes(), ""),
    }
    hits = {name: run.people.find(content or "") for name, content in texts.items()}
    assert not any(hits.values()), _report(hits)


def _entitled(visit: Visit, hit: Hit, run: DemoRun) -> bool:
    """The reviewer's own case: the request, its best candidate and the runner-up; a return file: whom it
    returns."""
    if visit.role == REVIEWER and visit.route == "read_review_case" and visit.status == 200:
        reference, request_ref = visit.url.rstrip("/").split("/")[-2:]
        own = {request_ref, *run.review_candidates.get((reference, request_ref), ())}
        if hit.owners & own:
            return True
        # a part of their own value that is also someone else's (Bradley in Bradley-Midwell) is theirs to see
        value = hit.value.casefold()
        return any(value in needle for needle, owners in run.people.owners.items() if owners & own)
    return False


def test_the_web_app_shows_personal_data_only_to_whom_it_is_entitled(run: DemoRun) -> None:
    roles = {visit.role for visit in run.visits}
    assert roles == {account.role for account in DEMO_ACCOUNTS}
    assert len({v.route for v in run.visits}) > 30 and all(v.status < 500 for v in run.visits), [
        (v.route, v.url, v.status) for v in run.visits if v.status >= 500
    ]
    leaks: dict[str, list[Hit]] = {}
    shown_to_reviewer = 0
    for visit in run.visits:
        if visit.text is None or visit.route == "api_read_return_file":
            continue
        hits = run.people.find(visit.text)
        entitled = [hit for hit in hits if _entitled(visit, hit, run)]
        shown_to_reviewer += len(entitled)
        wrong = [hit for hit in hits if hit not in entitled]
        if wrong:
            leaks[f"{visit.role} {visit.url} ({visit.status})"] = wrong
    assert not leaks, _report(leaks)
    assert shown_to_reviewer > 0  # the reviewer's case page does show the people compared


def test_return_files_go_only_to_their_readers_and_as_they_are(run: DemoRun) -> None:
    downloads = [v for v in run.visits if v.route == "api_read_return_file"]
    served = [v for v in downloads if v.status == 200]
    assert served and {v.role for v in served} <= {OPERATOR, CASEWORKER}
    for visit in served:
        reference = visit.url.split("/")[-2]
        suffix = ".supplementary.csv" if visit.url.endswith("kind=supplementary") else ".csv"
        assert visit.content == (run.demo.returns_path() / f"{reference}{suffix}").read_bytes()
    for visit in downloads:
        if visit.status != 200:
            assert visit.text is not None and not run.people.find(visit.text), visit.url
