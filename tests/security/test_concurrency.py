"""Lost updates and races against a live server (issue 9): a real WSGI server in a thread on loopback, with
concurrent HTTP clients released together. Runs on SQLite (a file database in WAL mode) and on PostgreSQL
like the rest of the suite. Bounded: 20 writers per race, a few seconds each.

- of N writers holding one ``version``, exactly one wins; the others get 409 with the record as it is now;
- N first writes to one empty realisation cell, budget or worksheet: exactly one row, never a 500;
- the same evidence link sent by N writers at once is kept once;
- SQLite under load: 20 writers on different cells and four "Renja from Renstra" copies at once all land.
"""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlmodel import func, select
from werkzeug.serving import make_server

from planner.models import Evidence, NodeBudget, Plan, PlanNode, Realization, Worksheet
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import plans
from tests.conftest import PASSWORD

N = 20
YEAR = 2026


@pytest.fixture
def live(app):
    """The app served by a threaded werkzeug server on 127.0.0.1 (an ephemeral port), stopped afterwards."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def together(n: int, call) -> list[requests.Response]:
    """``call(i)`` from n threads released at the same instant; their responses."""
    gate = threading.Barrier(n)

    def run(i):
        gate.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def statuses(responses) -> list[int]:
    return sorted(r.status_code for r in responses)


def no_server_error(responses) -> None:
    bad = [(r.status_code, r.text[:300]) for r in responses if r.status_code >= 500]
    assert not bad, bad


@pytest.fixture
def token(live, org, make_user) -> dict:
    make_user("ani", "penyusun", org)
    resp = requests.post(f"{live}/api/v1/auth/token", json={"username": "ani", "password": PASSWORD}, timeout=30)
    assert resp.status_code == 201, resp.text
    return {"Authorization": f"Bearer {resp.json()['token']}"}


def _activity(s, renja):
    node = s.exec(select(PlanNode).where(PlanNode.plan_id == renja.id, PlanNode.kind == "kegiatan")).first()
    return node, plans.load_tree(s, renja).by_id[node.id].indicators[0]


def test_of_concurrent_indicator_writers_with_one_version_exactly_one_wins(s, live, token, renja):
    _, ind = _activity(s, renja)
    url = f"{live}/api/v1/indicators/{ind.id}"
    version = requests.get(url, headers=token, timeout=30).json()["version"]
    responses = together(N, lambda i: requests.put(url, headers=token, timeout=60,
                                                   json={"name": f"Nama dari penulis {i:02d}", "version": version}))
    no_server_error(responses)
    assert statuses(responses) == [200] + [409] * (N - 1)
    winner = next(r for r in responses if r.status_code == 200).json()
    now = requests.get(url, headers=token, timeout=30).json()
    assert now["version"] == version + 1 and now["name"] == winner["name"]
    for lost in (r for r in responses if r.status_code == 409):
        body = lost.json()
        assert body["error"]["field"] == "version"
        # the 409 carries the record as it is now (the winner's), when it could be read
        assert body.get("current") is None or body["current"]["name"] == winner["name"]


def test_of_concurrent_realisation_writers_with_one_version_exactly_one_wins(s, live, token, renja):
    _, ind = _activity(s, renja)
    url = f"{live}/api/v1/indicators/{ind.id}/realizations/{YEAR}/TW1"
    first = requests.put(url, headers=token, json={"value": 10}, timeout=30)
    assert first.status_code == 201 and first.json()["version"] == 1
    responses = together(N, lambda i: requests.put(url, headers=token, json={"value": 11 + i, "version": 1},
                                                   timeout=60))
    no_server_error(responses)
    assert statuses(responses) == [200] + [409] * (N - 1)
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = s.exec(select(Realization).where(Realization.indicator_id == ind.id)).one()
    assert (stored.value, stored.version) == (winner["value"], 2)


def test_concurrent_first_writes_of_one_cell_create_one_row(s, live, token, renja):
    """No version sent: exactly one creates (201); the others update it (200) or meet the race (409)."""
    _, ind = _activity(s, renja)
    url = f"{live}/api/v1/indicators/{ind.id}/realizations/{YEAR}/TW2"
    link = "https://data.example.go.id/laporan-tw2.pdf"
    responses = together(N, lambda i: requests.put(url, headers=token, timeout=60,
                                                   json={"value": 5 + i, "evidence_url": link}))
    no_server_error(responses)
    codes = statuses(responses)
    assert codes.count(201) == 1 and set(codes) <= {200, 201, 409}, codes
    s.expire_all()
    assert s.exec(select(func.count()).select_from(Realization).where(Realization.indicator_id == ind.id)).one() == 1
    # the same evidence link is kept once, however many writers sent it at once
    assert s.exec(select(func.count()).select_from(Evidence).where(Evidence.indicator_id == ind.id)).one() == 1


def test_concurrent_first_writes_of_one_budget_create_one_row(s, live, token, renja):
    node, _ = _activity(s, renja)
    url = f"{live}/api/v1/nodes/{node.id}/budget/{YEAR}"
    responses = together(N, lambda i: requests.put(url, headers=token, timeout=60,
                                                   json={"pagu": 1_000_000, "realized": {"TW1": 1000 * i}}))
    no_server_error(responses)
    assert set(statuses(responses)) <= {200, 409} and 200 in statuses(responses)
    assert s.exec(select(func.count()).select_from(NodeBudget).where(NodeBudget.node_key == node.key)).one() == 1


def test_concurrent_first_writes_of_one_worksheet_create_one_sheet(s, live, token, renja):
    node, _ = _activity(s, renja)
    url = f"{live}/api/v1/nodes/{node.id}/worksheet/needs"
    step = {"capacity": {"kelembagaan": "Ada unit layanan"}, "rows": []}
    responses = together(N, lambda i: requests.put(url, headers=token, json=step, timeout=60))
    no_server_error(responses)
    assert set(statuses(responses)) <= {200, 409, 422} and 200 in statuses(responses), statuses(responses)
    assert s.exec(select(func.count()).select_from(Worksheet).where(Worksheet.node_key == node.key)).one() == 1


def test_twenty_writers_on_different_cells_all_land(s, live, token, org, make_renja):
    """SQLite under load: a busy timeout and short write transactions, so writers wait instead of failing."""
    renja = make_renja(org, activities=N, sub=False)
    tree = plans.load_tree(s, renja)
    inds = [tn.indicators[0] for tn in tree.walk() if tn.node.kind == "kegiatan"]
    assert len(inds) == N
    responses = together(N, lambda i: requests.put(
        f"{live}/api/v1/indicators/{inds[i].id}/realizations/{YEAR}/TW1", headers=token, json={"value": i + 1},
        timeout=60))
    assert statuses(responses) == [201] * N, [r.text[:200] for r in responses if r.status_code != 201]


def _big_renstra(s, org, programs: int = 9, activities: int = 29):
    """A Renstra whose Renja copy has 270 nodes (9 programs × (1 + 29 kegiatan)), each with an indicator."""
    from planner.models.plan import PlanCreate

    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renstra", scheme="daerah", first_year=2025,
                                           last_year=2029, name="Renstra besar"))
    tujuan = plans.create_node(s, plan, NodeCreate(kind="tujuan", code="T1", name="Tujuan"))
    sasaran = plans.create_node(s, plan, NodeCreate(kind="sasaran", code="SS1", parent_id=tujuan.id, name="Sasaran"))
    targets = [TargetIn(year=y, period="Y", value=90 + y - 2025) for y in range(2025, 2030)]
    for p in range(programs):
        program = plans.create_node(s, plan, NodeCreate(kind="program", code=f"5.02.{p + 2:02d}",
                                                        parent_id=sasaran.id, name=f"Program {p + 1}"))
        plans.create_indicator(s, program, IndicatorCreate(name=f"Persentase program {p + 1}", level="outcome",
                                                           unit="%", accumulation="last", targets=targets))
        for k in range(activities):
            keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code=f"{program.code}.2.{k + 1:02d}",
                                                        parent_id=program.id, name=f"Kegiatan {p + 1}.{k + 1}"))
            plans.create_indicator(s, keg, IndicatorCreate(name=f"Jumlah layanan {p + 1}.{k + 1}", level="output",
                                                           unit="layanan", accumulation="sum", targets=targets))
    s.commit()
    return plan


def test_four_renja_copies_at_once_land_quickly(s, live, make_org, make_user, make_renstra):
    """Four 'Renja from Renstra' copies (270 nodes each) at the same time, through the page form: none fails
    with 'database is locked' (SQLite) or a deadlock (PostgreSQL), and each takes under 2 s of its own work: the
    copy is done in bulk (one batched INSERT per table and tree level), so even serialised by the database
    the four finish within 4 × 2 s."""
    units = [make_org(f"UNIT{i}", f"Badan Contoh {i}") for i in range(5)]
    renstras = [_big_renstra(s, unit) for unit in units[:4]]
    small = make_renstra(units[4])
    make_user("admin", "admin")
    browser = requests.Session()
    assert browser.post(f"{live}/login", data={"username": "admin", "password": PASSWORD}, timeout=30,
                        allow_redirects=False).status_code == 302

    def copy(renstra):
        return browser.post(f"{live}/plans/new", data={"source": "renstra", "source_id": renstra.id, "year": 2026},
                            allow_redirects=False, timeout=120)

    assert copy(small).status_code == 302  # warm-up: the server's first copy compiles its statements
    started = time.perf_counter()
    responses = together(4, lambda i: copy(renstras[i]))
    elapsed = time.perf_counter() - started
    assert [r.status_code for r in responses] == [302] * 4, [r.text[:300] for r in responses]
    # 2 s a copy on an idle machine; a shared machine busier than its cores stretches every timing alike
    busy = max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1))
    assert elapsed < 4 * 2.0 * busy, f"four concurrent copies of 270 nodes took {elapsed:.1f} s (load ×{busy:.1f})"
    s.expire_all()
    for renstra in renstras:
        renja = s.exec(select(Plan).where(Plan.renstra_id == renstra.id)).one()
        assert s.exec(select(func.count()).select_from(PlanNode).where(PlanNode.plan_id == renja.id)).one() == 270
