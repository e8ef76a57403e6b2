"""Dashboards and the ranking read from the read replica (PLANNER_READ_DATABASE_URL) when one is set; every
other page and every write use the primary. The replica here is a copy of the primary's file that then
diverges, so which database answered can be seen on the page."""
from __future__ import annotations

import shutil
import sqlite3

import pytest

from planner import create_app, db, migrate
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import accounts, orgs, plans
from planner.services import monitoring as mon
from tests.conftest import HX, PASSWORD

YEAR = 2026


def _build(url: str) -> tuple[int, int]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        migrate.upgrade(db.engine())
        with db.session_scope(db.engine()) as s:
            org = orgs.create(s, "REPL", "Dinas Replika", "perangkat_daerah")
            user = accounts.create_user(s, "rina", PASSWORD)
            accounts.add_membership(s, user, "penyusun", org.id)
            plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=YEAR,
                                                   name="Renja Dinas Replika"))
            program = plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.02", name="Program layanan"))
            keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="5.02.02.2.01", parent_id=program.id,
                                                        name="Kegiatan layanan"))
            ind = plans.create_indicator(s, keg, IndicatorCreate(
                name="Jumlah layanan", unit="layanan", accumulation="sum", frequency="quarterly",
                targets=[TargetIn(year=YEAR, period=p, value=v) for p, v in
                         (("Y", 100), ("TW1", 25), ("TW2", 25), ("TW3", 25), ("TW4", 25))]))
            mon.record_realization(s, ind, YEAR, "TW1", value="25", user_id=user.id)
            ids = plan.id, ind.id
    app.extensions["planner.engine"].dispose()
    return ids


@pytest.fixture
def databases(tmp_path):
    primary, replica = tmp_path / "primary.sqlite", tmp_path / "replica.sqlite"
    plan_id, ind_id = _build(f"sqlite:///{primary}")
    shutil.copy(primary, replica)
    with sqlite3.connect(replica) as conn:  # the replica diverges: only a page reading it can show 10
        conn.execute("UPDATE realization SET value = 10")
    return primary, replica, plan_id, ind_id


def _client(primary, replica=None):
    config = {"DATABASE_URL": f"sqlite:///{primary}", "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False}
    if replica is not None:
        config["READ_DATABASE_URL"] = f"sqlite:///{replica}"
    app = create_app(config)
    client = app.test_client()
    assert client.post("/login", data={"username": "rina", "password": PASSWORD}).status_code == 302
    return app, client


def test_dashboard_and_ranking_read_the_replica_and_everything_else_the_primary(databases):
    primary, replica, plan_id, ind_id = databases
    app, client = _client(primary, replica)
    assert app.extensions["planner.read_engine"].url.database == str(replica)

    dashboard = client.get(f"/plans/{plan_id}/dashboard?period=TW1").get_data(as_text=True)
    assert "10 / 25 × 100 = 40,00%" in dashboard and "25 / 25 × 100" not in dashboard
    ranking = client.get(f"/monitoring?year={YEAR}&period=TW1").get_data(as_text=True)
    assert "Dinas Replika" in ranking and "40,00" in ranking

    grid = client.get(f"/plans/{plan_id}/realisasi?period=TW1").get_data(as_text=True)  # the primary's value
    assert 'name="value" value="25"' in grid and 'name="value" value="10"' not in grid

    resp = client.post(f"/indicators/{ind_id}/realisasi/{YEAR}/TW2", data={"value": "7", "upto": "TW2"}, headers=HX)
    assert resp.status_code == 200
    app.extensions["planner.engine"].dispose()
    app.extensions["planner.read_engine"].dispose()
    with sqlite3.connect(primary) as conn:
        assert conn.execute("SELECT value FROM realization WHERE period = 'TW2'").fetchone() == (7.0,)
    with sqlite3.connect(replica) as conn:  # writes never go to the replica
        assert conn.execute("SELECT count(*) FROM realization WHERE period = 'TW2'").fetchone() == (0,)


def test_without_a_replica_the_dashboard_reads_the_primary(databases):
    primary, _replica, plan_id, _ind_id = databases
    app, client = _client(primary)
    assert "planner.read_engine" not in app.extensions
    dashboard = client.get(f"/plans/{plan_id}/dashboard?period=TW1").get_data(as_text=True)
    assert "25 / 25 × 100 = 100,00%" in dashboard
    app.extensions["planner.engine"].dispose()
