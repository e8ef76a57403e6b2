"""How the Renja tree page and the tree API grow with plan size.

Prints, for plans of 10 to 1,000 activities, the median time of the page and of the API, each as a
ratio to a floor measured in the same run (the /healthz request: routing, one query, JSON), and the
number of SQL statements (which must not grow). Not a pass/fail test.

    python bench/tree_page.py [--sizes 10,100,500,1000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

from planner import create_app, db, migrate
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import accounts, orgs, plans


PASSWORD = "tree page timing: a long enough passphrase"  # the policy refuses one naming the user


def build(s, org_id: int, year: int, activities: int) -> int:
    plan = plans.create_plan(s, PlanCreate(organization_id=org_id, kind="renja", scheme="daerah", year=year,
                                           name=f"Renja {activities} kegiatan"))
    program = None
    for i in range(activities):
        if i % 90 == 0:
            program = plans.create_node(s, plan, NodeCreate(kind="program", code=f"5.02.{2 + i // 90:02d}",
                                                            name="Program"))
        keg = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code=f"{program.code}.2.{i % 90 + 1:02d}",
                                                    parent_id=program.id, name=f"Kegiatan {i}", pagu=1_000_000))
        plans.create_indicator(s, keg, IndicatorCreate(
            name=f"Jumlah layanan {i}", unit="layanan", accumulation="sum",
            targets=[TargetIn(year=year, period=p, value=v) for p, v in
                     (("Y", 100), ("TW1", 25), ("TW2", 25), ("TW3", 25), ("TW4", 25))]))
    return plan.id


def timed(client, url, headers, repeat) -> tuple[float, int]:
    times, statements = [], []
    engine = client.application.extensions["planner.engine"]
    for _ in range(repeat):
        count = [0]
        listener = lambda *a, **k: count.__setitem__(0, count[0] + 1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        start = time.perf_counter()
        resp = client.get(url, headers=headers)
        times.append(time.perf_counter() - start)
        event.remove(engine, "before_cursor_execute", listener)
        statements.append(count[0])
        assert resp.status_code == 200, resp.status_code
    return statistics.median(times), statements[-1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,500,1000")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite'}", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False})
        with app.app_context():
            migrate.upgrade(db.engine())
            with db.session_scope(db.engine()) as s:
                org = orgs.create(s, "BENCH", "Dinas Bench", "perangkat_daerah")
                user = accounts.create_user(s, "bench", PASSWORD)
                accounts.add_membership(s, user, "penyusun", org.id)
                ids = {n: build(s, org.id, 2000 + n % 100 + i, n) for i, n in enumerate(sizes)}
        client = app.test_client()
        client.post("/login", data={"username": "bench", "password": PASSWORD})
        token = client.post("/api/v1/auth/token", json={"username": "bench", "password": PASSWORD}).json["token"]
        auth = {"Authorization": f"Bearer {token}"}
        floor, _ = timed(client, "/healthz", {}, args.repeat * 4)
        print(f"floor (/healthz): {floor * 1000:.2f} ms")
        print(f"{'activities':>10} {'page ×floor':>12} {'page SQL':>9} {'API ×floor':>11} {'API SQL':>8}")
        for n, plan_id in ids.items():
            page, page_sql = timed(client, f"/plans/{plan_id}", {}, args.repeat)
            api, api_sql = timed(client, f"/api/v1/plans/{plan_id}/tree", auth, args.repeat)
            print(f"{n:>10} {page / floor:>12.1f} {page_sql:>9} {api / floor:>11.1f} {api_sql:>8}")


if __name__ == "__main__":
    main()
