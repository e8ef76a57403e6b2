"""A bounded load run on loopback: simulated users mixing page views, realisation writes, dashboard reads and
exports, then a lost-writes check (every acknowledged write is in the database).

    python -m bench.load --database-url URL --fresh --users 20 --seconds 30 --workers 4 [--think 1.0]

It always builds a small province (``bench.generate``, 6 units of 39 nodes, ~90 indicators) in the database
(``--fresh``: dropping a PostgreSQL schema first) and starts gunicorn with ``--workers`` on PostgreSQL, or
``planner serve`` (waitress) on SQLite, on 127.0.0.1; the server is stopped at the end. Each user logs in as
the penyusun of one unit and loops: the tree, the grid, one cell saved (a value unique to the user and step),
the dashboard, now and then the Excel export. Prints p50/p95/p99 per action, errors, lost writes, and a JSON
summary as the last line. Exit status 1 on errors or lost writes.

Think time (``--think SECONDS``, default 1,0; each pause drawn uniformly between half and one and a half
times it): a person reads the page that just came before the next click, even a quick one a second or more.
Without it (``--think 0``) every user fires its next request the moment the last one answers: 20 users on 4
workers and 2 cores then always keep a queue of ~16 requests waiting, so a response time measures the queue
(about users / cores x the CPU of one request) more than the server, and grows with every user added however
fast the pages are. With it the run measures what 20 people working at once would see. Users also arrive
spread over the first pause rather than all in the same millisecond.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import text

from bench import generate as gen


THINK = 1.0  # seconds a simulated user reads a page (module text)


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else 0.0


class Stats:
    def __init__(self):
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.writes: dict[tuple[int, str], str] = {}  # (indicator id, period) -> the last acknowledged value

    def add(self, action: str, seconds: float) -> None:
        self.times.setdefault(action, []).append(seconds)


async def _user(base: str, username: str, cells: list[tuple[int, int]], plan_id: int, deadline: float, n: int,
                stats: Stats, think: float = 0.0) -> None:
    rng = random.Random(n)
    if think:
        await asyncio.sleep(rng.uniform(0, think))
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        page = await client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        data = {"username": username, "password": gen.PASSWORD}
        if token:
            data["csrf_token"] = token.group(1)
        resp = await client.post("/login", data=data)
        if resp.status_code not in (302, 303):
            stats.errors.append(f"login {username}: {resp.status_code}")
            return
        # A user lands on the home page after logging in; its token serves every later save, so no timed write
        # carries a page load (untimed, like the login).
        home = await client.get(resp.headers.get("location", "/"))
        found = re.search(r'"X-CSRFToken": "([^"]+)"', home.text)
        csrf = found.group(1) if found else ""
        step = 0
        while time.monotonic() < deadline:
            if think and step:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
                if time.monotonic() >= deadline:
                    break
            step += 1
            action = rng.choices(("tree", "grid", "write", "dashboard", "export"), (3, 2, 3, 2, 0.5))[0]
            start = time.perf_counter()
            try:
                if action == "write":
                    ind_id, _ = cells[n % len(cells)]  # one cell per user: the last write must survive
                    value = f"{n % 1000}{step % 100:02d}"
                    resp = await client.post(f"/indicators/{ind_id}/realisasi/{gen.YEAR}/TW3",
                                             data={"value": value, "csrf_token": csrf},
                                             headers={"HX-Request": "true", "X-CSRFToken": csrf})
                    if resp.status_code == 200 and "has-error" not in resp.text[:400]:
                        stats.writes[(ind_id, "TW3")] = value
                else:
                    url = {"tree": f"/plans/{plan_id}", "grid": f"/plans/{plan_id}/realisasi",
                           "dashboard": f"/plans/{plan_id}/dashboard",
                           "export": f"/plans/{plan_id}/ekspor/renja.xlsx"}[action]
                    resp = await client.get(url)
                if resp.status_code >= 400:
                    stats.errors.append(f"{action} {resp.status_code}")
            except httpx.HTTPError as exc:
                stats.errors.append(f"{action} {type(exc).__name__}")
                continue
            stats.add(action, time.perf_counter() - start)


def lost_writes(database_url: str, writes: dict[tuple[int, str], str]) -> int:
    """Acknowledged writes whose value is not the one stored (each user owns its cell, so the last one wins)."""
    from planner.db import make_engine

    engine = make_engine(database_url)
    lost = 0
    with engine.connect() as conn:
        for (ind_id, period), value in writes.items():
            stored = conn.execute(text(
                "SELECT r.value FROM realization r JOIN indicator i ON r.indicator_key = i.key "
                "WHERE i.id = :i AND r.year = :y AND r.period = :p"), {"i": ind_id, "y": gen.YEAR, "p": period}).scalar()
            if stored is None or abs(float(stored) - float(value)) > 1e-9:
                lost += 1
    engine.dispose()
    return lost


def _targets(database_url: str, world: gen.World, users: int) -> list[tuple[str, int, list[tuple[int, int]]]]:
    """Per user: the penyusun of a unit, its Renja, and quarterly plain-number indicators (one cell each)."""
    from planner.db import make_engine

    engine = make_engine(database_url)
    per_unit = []
    with engine.connect() as conn:
        for org_id, plan_id in zip(world.org_ids, world.renja_ids):
            ids = conn.execute(text(
                "SELECT id FROM indicator WHERE plan_id = :p AND frequency = 'quarterly' AND accumulation = 'sum' "
                "ORDER BY id"), {"p": plan_id}).scalars().all()
            per_unit.append((f"bench-penyusun-{org_id}", plan_id, [(i, plan_id) for i in ids]))
    engine.dispose()
    out = []
    for n in range(users):
        name, plan_id, cells = per_unit[n % len(per_unit)]
        k = n // len(per_unit)
        out.append((name, plan_id, cells[k * 7 % len(cells):] + cells[:k * 7 % len(cells)]))
    return out


async def _run(base: str, targets, seconds: float, think: float = 0.0) -> Stats:
    stats = Stats()
    deadline = time.monotonic() + seconds
    # Each user gets its own cell (rotated list, index n): concurrent users never share a cell.
    await asyncio.gather(*(_user(base, name, [cells[0]], plan_id, deadline, n, stats, think)
                           for n, (name, plan_id, cells) in enumerate(targets)))
    return stats


def summarise(stats: Stats, lost: int, seconds: float, think: float = 0.0) -> dict:
    everything = [t for ts in stats.times.values() for t in ts]
    per_action = {a: {"n": len(ts), "p50_ms": round(_pct(ts, .5) * 1000), "p95_ms": round(_pct(ts, .95) * 1000),
                      "p99_ms": round(_pct(ts, .99) * 1000)} for a, ts in sorted(stats.times.items())}
    return {"requests": len(everything), "rps": round(len(everything) / seconds, 1), "think_s": think,
            "p50_ms": round(_pct(everything, .5) * 1000), "p95_ms": round(_pct(everything, .95) * 1000),
            "p99_ms": round(_pct(everything, .99) * 1000), "errors": len(stats.errors),
            "error_samples": stats.errors[:5], "writes": len(stats.writes), "lost_writes": lost,
            "actions": per_action}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(database_url: str, workers: int, instance: str) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "PLANNER_DATABASE_URL": database_url, "PLANNER_SECRET_KEY": "load-test",
           "PLANNER_LOGIN_MAX_PER_ADDRESS": "100000", "PLANNER_LOGIN_MAX_PER_ACCOUNT": "100000",
           "PLANNER_UPLOAD_DIR": str(Path(instance) / "uploads")}
    if database_url.startswith("postgresql"):
        cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "--preload", "-b", f"127.0.0.1:{port}",
               "--timeout", "120", "planner.wsgi:app"]
    else:
        cmd = [sys.executable, "-c", "from planner.cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, cwd=str(Path(__file__).resolve().parent.parent),
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.returncode}")
        time.sleep(0.5)
    _stop(proc)
    raise RuntimeError("the server did not answer /healthz in 60 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def run_with_server(database_url: str, users: int = 20, seconds: float = 30, workers: int = 4,
                    units: int = 6, fresh: bool = False, think: float = THINK) -> dict:
    """Build (when ``fresh`` or the database has no bench world yet) a few units, serve, load, check, stop."""
    from planner import migrate
    from planner.db import make_engine

    engine = make_engine(database_url)
    if fresh and engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate.upgrade(engine)
    # Ordinary perangkat daerah as in the issue (39 nodes, ~90 indicators each).
    world = gen.generate(engine, units=units, prefix=f"LOAD{int(time.time()) % 100000}", programs=3, kegiatan=4, subs=2)
    engine.dispose()
    targets = _targets(database_url, world, users)
    with tempfile.TemporaryDirectory() as instance:
        proc, base = _start_server(database_url, workers, instance)
        try:
            stats = asyncio.run(_run(base, targets, seconds, think))
        finally:
            _stop(proc)
    return summarise(stats, lost_writes(database_url, stats.writes), seconds, think)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--serve", action="store_true", help="build data and start a server on loopback")
    ap.add_argument("--database-url", default=os.environ.get("PLANNER_DATABASE_URL"))
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=120)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--fresh", action="store_true", help="PostgreSQL: drop the schema first")
    ap.add_argument("--think", type=float, default=THINK,
                    help="seconds a user reads a page before the next click (uniform 0.5x-1.5x; 0: none)")
    args = ap.parse_args(argv)
    if not args.database_url:
        tmp = tempfile.mkdtemp()
        args.database_url = f"sqlite:///{tmp}/load.sqlite"
    result = run_with_server(args.database_url, args.users, args.seconds, args.workers, fresh=args.fresh,
                             think=args.think)
    for action, r in result["actions"].items():
        print(f"{action:<10} n={r['n']:<5} p50 {r['p50_ms']:>6} ms  p95 {r['p95_ms']:>6} ms  p99 {r['p99_ms']:>6} ms")
    print(json.dumps(result))
    return 1 if result["errors"] or result["lost_writes"] else 0


if __name__ == "__main__":
    sys.exit(main())
