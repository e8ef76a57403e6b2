"""The performance benchmarks of issue 12: each figure is a ratio to a floor measured in the same run.

    python -m bench.run [--quick] [--database-url URL] [--no-load]

Builds a province (60 units, ``bench.generate``) plus units of 10, 200 and 2.000 sub kegiatan in a fresh
database (a temporary SQLite file unless ``--database-url`` names an empty PostgreSQL database), then times
pages in-process through Flask's test client and prints one line per measure; the last line is a JSON
summary with the keys of the issue's table, the medians and the p95s (milliseconds).

Floors: ``floor_page`` is a bare Flask + Jinja route rendering a table of the same node and indicator rows
(one SELECT); ``floor_health`` is ``/healthz``; ``floor_aggregate`` one raw SQL aggregate over the
province's realisation rows; ``floor_copy`` a bulk INSERT … SELECT of the rows a Renja-from-Renstra copy
writes. The load run (``bench.load``) starts gunicorn (PostgreSQL) or ``planner serve`` (SQLite) on loopback.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, render_template_string
from sqlalchemy import event, text
from sqlmodel import Session

from bench import generate as gen

HX = {"HX-Request": "true"}
MEASURES = ("tree", "grid", "dashboard", "cell", "growth", "rollup", "ranking", "copy")
FLOOR_TEMPLATE = """<!doctype html><html><head><title>{{ title }}</title></head><body><table>
{% for r in rows %}<tr><td>{{ r.code }}</td><td>{{ r.name }}</td><td>{{ r.indicator }}</td>
<td>{{ r.unit }}</td><td>{{ r.target }}</td></tr>
{% endfor %}</table></body></html>"""


def floor_app(engine) -> Flask:
    """The floor page: what any page listing these rows must do (route, one query, Jinja), and nothing else."""
    app = Flask("floor")

    @app.get("/floor/<int:plan_id>")
    def floor(plan_id: int):
        with engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT n.code, n.name, i.name AS indicator, i.unit, t.value AS target FROM plan_node n "
                "LEFT JOIN indicator i ON i.node_id = n.id LEFT JOIN target t ON t.indicator_id = i.id "
                "AND t.period = 'Y' WHERE n.plan_id = :p ORDER BY n.position, n.id, i.position"), {"p": plan_id}).all()
        return render_template_string(FLOOR_TEMPLATE, rows=rows, title="floor")

    return app


class Counter:
    """SQL statements sent by the engine while active."""

    def __init__(self, engine):
        self.engine, self.n = engine, 0

    def _hit(self, *_a, **_k):
        self.n += 1

    @contextmanager
    def counting(self):
        self.n = 0
        event.listen(self.engine, "before_cursor_execute", self._hit)
        try:
            yield self
        finally:
            event.remove(self.engine, "before_cursor_execute", self._hit)


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(0.95 * (len(xs) - 1))))]


class Bench:
    def __init__(self, repeat: int):
        self.repeat = repeat
        self.samples: dict[str, list[float]] = {}
        self.statements: dict[str, int] = {}

    def time(self, name: str, fn, repeat: int | None = None, counter: Counter | None = None,
             warm: bool = True) -> float:
        if warm:
            fn()  # warm-up: caches, compiled templates
        times = []
        for _ in range(repeat or self.repeat):
            start = time.perf_counter()
            if counter is not None:
                with counter.counting():
                    fn()
                self.statements[name] = counter.n
            else:
                fn()
            times.append(time.perf_counter() - start)
        self.samples[name] = times
        med = statistics.median(times)
        extra = f"  {self.statements[name]} statements" if name in self.statements else ""
        print(f"{name:<22} median {med * 1000:9.1f} ms  p95 {p95(times) * 1000:9.1f} ms{extra}", flush=True)
        return med

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])


def _get(client, url: str, headers: dict | None = None):
    def go():
        resp = client.get(url, headers=headers or {})
        assert resp.status_code == 200, (url, resp.status_code)
    return go


def _login(app, username: str):
    client = app.test_client()
    resp = client.post("/login", data={"username": username, "password": gen.PASSWORD})
    assert resp.status_code in (302, 303), resp.status_code
    return client


def build(engine, units: int | None = None, want=lambda measure: True) -> dict:
    start = time.perf_counter()
    world = gen.generate(engine, "province", units=units)
    print(f"province generated: {len(world.org_ids)} units in {world.seconds:.1f} s", flush=True)
    data = dict(world=world, small=gen.generate(engine, units=1, prefix="SMALL", programs=1, kegiatan=10, subs=1))
    if want("growth"):
        data["g200"] = gen.generate(engine, units=1, prefix="G200", programs=5, kegiatan=10, subs=4)
        data["g2000"] = gen.generate(engine, units=1, prefix="G2000", programs=50, kegiatan=10, subs=4)
    if want("copy"):
        data["copy"] = gen.generate(engine, units=1, prefix="COPY", renstra_kegiatan=39)
    print(f"all data generated in {time.perf_counter() - start:.1f} s", flush=True)
    return data


def _aggregate(engine, plan_ids: list[int], period: str) -> None:
    with engine.connect() as conn:
        conn.execute(text(
            "SELECT i.plan_id, count(*), avg(coalesce(r.value, r.numerator / nullif(r.denominator, 0))) "
            "FROM realization r JOIN indicator i ON r.indicator_key = i.key "
            f"WHERE i.plan_id IN ({','.join(str(p) for p in plan_ids)}) AND r.year = :y AND r.period = :p "
            "GROUP BY i.plan_id"), {"y": gen.YEAR, "p": period}).all()


def _copy_floor(engine, renstra_id: int, org_id: int) -> None:
    """INSERT … SELECT of the operational nodes, their indicators and the year's targets, rolled back."""
    with engine.connect() as conn:
        trans = conn.begin()
        new_id = conn.execute(text("SELECT max(id) + 1 FROM plan")).scalar()
        conn.execute(text(
            "INSERT INTO plan (id, key, organization_id, kind, scheme_id, first_year, last_year, status, "
            "revision_number, revision_reason, created_at, updated_at, name, vision, missions) SELECT :n, key, "
            "organization_id, 'renja', scheme_id, 2030, 2030, 'draft', 0, '', created_at, updated_at, name, '', '' "
            "FROM plan WHERE id = :r"), {"n": new_id, "r": renstra_id})
        conn.execute(text(
            "INSERT INTO plan_node (key, plan_id, parent_id, kind, position, serves_id, source_id, code, name, "
            "activity_type, unit_in_charge, location, pagu, funding_source, description) SELECT key, :n, "
            "parent_id, kind, position, parent_id, id, code, name, activity_type, unit_in_charge, location, NULL, "
            "funding_source, description FROM plan_node WHERE plan_id = :r AND kind IN ('program', 'kegiatan')"),
            {"n": new_id, "r": renstra_id})
        conn.execute(text(
            "INSERT INTO indicator (key, plan_id, node_id, position, version, source_id, name, level, unit, "
            "definition, formula, data_source, collection_method, frequency, responsible, polarity, accumulation, "
            "target_type, weight, ratio_factor, rationale) SELECT key, :n, node_id, position, 1, id, name, level, "
            "unit, definition, formula, data_source, collection_method, frequency, responsible, polarity, "
            "accumulation, target_type, weight, ratio_factor, rationale FROM indicator WHERE plan_id = :r"),
            {"n": new_id, "r": renstra_id})
        conn.execute(text(
            "INSERT INTO target (key, indicator_id, year, period, value) SELECT t.key, i.id, 2030, 'Y', t.value "
            "FROM target t JOIN indicator i ON i.source_id = t.indicator_id AND i.plan_id = :n "
            "WHERE t.year = 2027 AND t.period = 'Y'"), {"n": new_id})
        trans.rollback()


def _touch(engine, plan_id: int) -> None:
    """A realisation's note changed and committed, as happens all day: the plan's kept figures are stale."""
    from planner.models import Indicator, Realization
    from planner.services import acting

    with Session(engine) as s:
        acting.act_as(s, acting.SYSTEM)
        r = s.exec(Realization.__table__.select().join(Indicator, Indicator.key == Realization.indicator_key)
                   .where(Indicator.plan_id == plan_id).limit(1)).first()
        row = s.get(Realization, r.id)
        row.note = f"bench {time.perf_counter()}"
        s.commit()


def _copy(engine, renstra_id: int) -> None:
    from planner.models import Plan
    from planner.services import acting, plan_copy

    with Session(engine, expire_on_commit=False) as s:
        acting.act_as(s, acting.SYSTEM)
        plan_copy.renja_from_renstra(s, s.get(Plan, renstra_id), 2027)
        s.rollback()


def run(args) -> dict:
    from planner import create_app, migrate
    from planner.db import make_engine

    quick = args.quick
    only = {m for m in args.only.split(",") if m}

    def want(measure: str) -> bool:
        return not only or measure in only
    tmp = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.sqlite'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    data = build(engine, args.units, want)
    world = data["world"]
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "UPLOAD_DIR": str(Path(tmp.name) / "uploads")})
    app_engine = app.extensions["planner.engine"]
    counter = Counter(app_engine)
    b = Bench(repeat=5 if quick else 15)
    floor = floor_app(app_engine).test_client()
    unit_org, unit_plan = world.org_ids[0], world.renja_ids[0]
    client = _login(app, f"bench-penyusun-{unit_org}")

    b.time("floor_page", _get(floor, f"/floor/{unit_plan}"), repeat=b.repeat * 3)
    b.time("floor_health", _get(client, "/healthz"), repeat=b.repeat * 6)
    for page, page_url in (("tree", f"/plans/{unit_plan}"), ("grid", f"/plans/{unit_plan}/realisasi"),
                           ("dashboard", f"/plans/{unit_plan}/dashboard")):
        if want(page):
            b.time(page, _get(client, page_url), counter=counter)
    if want("grid"):
        # A large unit's grid page holds its top nodes only; each one's section (a program, ~50 nodes, ~400 cells)
        # loads in a request of its own, where the cells are rendered: timed apart.
        from planner.models import PlanNode
        with Session(app_engine) as s:
            top = s.exec(PlanNode.__table__.select().where(PlanNode.plan_id == unit_plan, PlanNode.parent_id.is_(None))
                         .order_by(PlanNode.position)).first()
        b.time("grid_part", _get(client, f"/nodes/{top.id}/realisasi/baris?year={gen.YEAR}&period=TW2", HX),
               counter=counter)
    if want("dashboard"):
        # The dashboard is evaluated again at the first view after any write to the plan: timed apart.
        dashboard = _get(client, f"/plans/{unit_plan}/dashboard")
        b.time("dashboard_stale", lambda: (_touch(app_engine, unit_plan), dashboard()), repeat=3, warm=False)

    from planner.models import Indicator
    with Session(app_engine) as s:
        ind = s.exec(Indicator.__table__.select().where(Indicator.plan_id == unit_plan,
                                                        Indicator.frequency == "quarterly",
                                                        Indicator.accumulation == "sum")).first()
    values = iter(range(10**6))

    def save_cell():
        resp = client.post(f"/indicators/{ind.id}/realisasi/{gen.YEAR}/TW3", data={"value": str(next(values) % 40)},
                           headers=HX)
        assert resp.status_code == 200, resp.status_code
    if want("cell"):
        b.time("cell", save_cell, repeat=b.repeat * 2, counter=counter)

    # Growth and flat statement counts: 10, 200 and 2.000 sub kegiatan.
    for label, key in (("small", "small"), ("g200", "g200"), ("g2000", "g2000")):
        if key not in data:
            continue
        w = data[key]
        c = _login(app, f"bench-penyusun-{w.org_ids[0]}")
        plan_id = w.renja_ids[0]
        rep = 2 if (quick and key == "g2000") else 3 if quick else 5
        for page, page_url in (("tree", f"/plans/{plan_id}"), ("grid", f"/plans/{plan_id}/realisasi"),
                               ("dashboard", f"/plans/{plan_id}/dashboard")):
            if (key == "g200" and page != "tree") or not want("growth"):
                continue
            if page == "dashboard":  # its first view evaluates the plan, the next ones read it kept
                b.time(f"dashboard_first_{label}", _get(c, page_url), repeat=1, counter=counter, warm=False)
            b.time(f"{page}_{label}", _get(c, page_url), repeat=rep, counter=counter)
            if page == "dashboard":  # the first view after a cell was saved
                view = _get(c, page_url)
                b.time(f"dashboard_stale_{label}", lambda: (_touch(app_engine, plan_id), view()), repeat=rep, warm=False)

    # The province: roll-up for one quarter (the read model over every unit), the ranking page, the floor.
    from planner.models import Plan
    from planner.services import acting
    from planner.services import monitoring as mon

    reviewer = _login(app, f"bench-reviewer-{world.root_org_id}")
    b.time("floor_aggregate", lambda: _aggregate(app_engine, world.renja_ids, "TW2"), repeat=b.repeat * 2)

    def rollup():
        with Session(app_engine, expire_on_commit=False) as s:
            acting.act_as(s, acting.SYSTEM)
            province = [s.get(Plan, pid) for pid in world.renja_ids]
            mon.org_ranking(s, province, gen.YEAR, "TW2", mon.settings_from_config(app.config))
            s.commit()  # the figures computed for stale plans are stored in the caller's transaction

    if want("rollup"):
        # Stored figures make the first read after the data changed the expensive one: timed apart (cold: every
        # unit computed; one stale: one unit wrote since the last read), then the read of stored figures.
        b.time("rollup_cold", rollup, repeat=1, counter=counter, warm=False)
        b.time("rollup_one_stale", lambda: (_touch(app_engine, world.renja_ids[0]), rollup()), repeat=2 if quick else 5, warm=False)
        b.time("rollup", rollup, repeat=2 if quick else 7, counter=counter, warm=False)
    if want("ranking"):
        b.time("ranking", _get(reviewer, f"/monitoring?year={gen.YEAR}&period=TW2"), repeat=2 if quick else 7,
               counter=counter)
        ranking_small = _ranking_statements(app, counter, data)

    if want("copy"):
        cp = data["copy"]
        b.time("floor_copy", lambda: _copy_floor(app_engine, cp.renstra_ids[0], cp.org_ids[0]), repeat=b.repeat)
        b.time("copy", lambda: _copy(app_engine, cp.renstra_ids[0]), repeat=3 if quick else b.repeat)

    summary = _summary(b, len(world.org_ids), ranking_small if want("ranking") else None)
    if not args.no_load:
        summary.update(_load(url, quick))
    summary = {k: round(v, 2) if isinstance(v, float) else v for k, v in summary.items()}
    summary["median_ms"] = {k: round(statistics.median(v) * 1000, 1) for k, v in b.samples.items()}
    summary["p95_ms"] = {k: round(p95(v) * 1000, 1) for k, v in b.samples.items()}
    summary["database"] = engine.dialect.name
    summary["date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    app_engine.dispose()
    engine.dispose()
    tmp.cleanup()
    return summary


def _summary(b: Bench, units: int, ranking_small: tuple[int, int] | None) -> dict:
    """The issue's keys, for the measures this run took (``--only`` leaves some out)."""
    ratios = {"tree_ratio": ("tree", "floor_page"), "grid_ratio": ("grid", "floor_page"),
              "dashboard_ratio": ("dashboard", "floor_page"), "cell_ratio": ("cell", "floor_health"),
              "tree_growth": ("tree_g2000", "tree_g200"), "rollup_ratio": ("rollup", "floor_aggregate"),
              "ranking_ratio": ("ranking", "floor_aggregate"), "copy_ratio": ("copy", "floor_copy")}
    summary = {key: b.median(top) / b.median(floor) for key, (top, floor) in ratios.items()
               if top in b.samples and floor in b.samples}
    if "tree_g2000" in b.statements:
        summary["queries_small"] = {p: b.statements[f"{p}_small"] for p in ("tree", "grid", "dashboard")}
        summary["queries_large"] = {p: b.statements[f"{p}_g2000"] for p in ("tree", "grid", "dashboard")}
    if ranking_small is not None:
        summary["ranking_statements"] = {f"units_{units}": b.statements["ranking"],
                                         f"units_{ranking_small[0]}": ranking_small[1]}
    return summary


def _ranking_statements(app, counter: Counter, data: dict) -> tuple[int, int]:
    """Statements of the ranking page for a scope of one unit (the small unit's pemda), to set beside 60."""
    w = data["small"]
    c = _login(app, f"bench-reviewer-{w.root_org_id}")
    c.get(f"/monitoring?year={gen.YEAR}&period=TW2")  # like the province's count: its figures stored
    with counter.counting():
        resp = c.get(f"/monitoring?year={gen.YEAR}&period=TW2")
    assert resp.status_code == 200
    return len(w.org_ids), counter.n


def _load(url: str, quick: bool) -> dict:
    from bench import load

    result = load.run_with_server(url, users=10 if quick else 50, seconds=15 if quick else 120)
    return {"load_p95_ms": result["p95_ms"], "load_errors": result["errors"], "lost_writes": result["lost_writes"],
            "load_requests": result["requests"], "load_p50_ms": result["p50_ms"], "load_p99_ms": result["p99_ms"]}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats and a short load run (< 3 minutes)")
    ap.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                    help="an empty PostgreSQL database (its schema is dropped); default a temporary SQLite file")
    ap.add_argument("--no-load", action="store_true", help="skip the load run")
    ap.add_argument("--units", type=int, default=None, help="units in the province (default 60)")
    ap.add_argument("--only", default="", help=f"comma-separated measures among {','.join(MEASURES)} (default all)")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    summary = run(args)
    summary["seconds"] = round(time.perf_counter() - start, 1)
    print(json.dumps(summary, sort_keys=False))


if __name__ == "__main__":
    sys.exit(main())
