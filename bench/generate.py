"""Synthetic data for the benchmarks, built in bulk (core INSERTs with ids assigned here, no service calls).

    python -m bench.generate --scale unit|province|national [--database-url URL]

A province is 60 perangkat daerah under one pemda; each unit has a Renstra (tujuan → sasaran → program →
kegiatan, five yearly targets) and a fixed Renja of ``programs × kegiatan × sub kegiatan`` (8 × 10 × 4 by
default) with indicators (one on each program and kegiatan, three on each sub kegiatan), an annual and four
quarterly targets, the four quarters' realisations, node budgets with their quarterly spending, and review
comments. Distributions are drawn from a seeded generator: late units (reports stop after TW2 or TW3),
over-achievers, lower-is-better, average and ratio indicators, unverified and returned values.

The benchmarks call ``generate(engine, ...)`` or ``build_renja(conn, ...)`` directly.
"""
from __future__ import annotations

import argparse
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection, Engine

from planner.models import (
    BudgetRealization, Indicator, NodeBudget, Organization, Plan, PlanNode, Realization, Target,
)
from planner.models.auth import Membership, User
from planner.models.workflow import Comment
from planner.services import directory, plan_stamps

SCALES = {"unit": 1, "province": 60, "national": 600}
YEAR = 2026
PASSWORD = "bench-password"
QUARTERS = ("TW1", "TW2", "TW3", "TW4")
NOW = datetime(2026, 11, 15, 8, 0, tzinfo=timezone.utc)


def _key() -> str:
    return uuid.uuid4().hex


class _Ids:
    """The next free id of each table, read once, so parents and children are linked without a round trip."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.next: dict[str, int] = {}

    def take(self, table, n: int = 1) -> int:
        name = table.name
        if name not in self.next:
            self.next[name] = (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
        first = self.next[name]
        self.next[name] += n
        return first

    def sync_sequences(self) -> None:
        """PostgreSQL: move each serial past the ids given here, so the app's own inserts do not collide."""
        if self.conn.dialect.name != "postgresql":
            return
        for name, nxt in self.next.items():
            self.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), :v, false)"),
                              {"v": nxt})


@dataclass
class Rows:
    plans: list = field(default_factory=list)
    nodes: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    realizations: list = field(default_factory=list)
    budgets: list = field(default_factory=list)
    spending: list = field(default_factory=list)
    comments: list = field(default_factory=list)

    def insert(self, conn: Connection) -> None:
        for model, rows in ((Plan, self.plans), (PlanNode, self.nodes), (Indicator, self.indicators),
                            (Target, self.targets), (Realization, self.realizations), (NodeBudget, self.budgets),
                            (BudgetRealization, self.spending), (Comment, self.comments)):
            _insert(conn, model.__table__, rows)


def _insert(conn: Connection, table, rows: list[dict]) -> None:
    """Many rows at once: COPY on PostgreSQL (the fastest path psycopg offers), executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        for i in range(0, len(rows), 5000):
            conn.execute(table.insert(), rows[i:i + 5000])
        return
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    quoted = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])


def _plan_row(pid, org_id, kind, first, last, name, renstra_id=None):
    return dict(id=pid, key=_key(), organization_id=org_id, kind=kind, scheme_id=1, first_year=first,
                last_year=last, renstra_id=renstra_id, status="locked", revision_number=0, revision_of_id=None,
                revision_reason="", created_at=NOW, updated_at=NOW, name=name, vision="", missions="")


def _node_row(nid, plan_id, parent_id, kind, code, name, position, pagu=None):
    return dict(id=nid, key=_key(), plan_id=plan_id, parent_id=parent_id, kind=kind, position=position,
                serves_id=None, source_id=None, code=code, name=name, activity_type=None, unit_in_charge="",
                location="", pagu=pagu, funding_source="", description="")


# Indicator shapes: (share, polarity, accumulation, unit, target per quarter)
SHAPES = (
    (0.62, "higher_is_better", "sum", "dokumen", 25.0),
    (0.12, "higher_is_better", "last", "persen", 80.0),
    (0.10, "lower_is_better", "last", "persen", 10.0),
    (0.08, "higher_is_better", "average", "indeks", 3.5),
    (0.08, "higher_is_better", "ratio", "persen", 90.0),
)


def _shape(rng: random.Random):
    x, acc = rng.random(), 0.0
    for shape in SHAPES:
        acc += shape[0]
        if x < acc:
            return shape
    return SHAPES[0]


@dataclass
class Profile:
    """How a unit reports: the last quarter it reached and how well it does."""

    last_quarter: int = 4
    skill: float = 1.0  # the mean realisation as a share of the target


def _indicator(rows: Rows, ids: _Ids, rng: random.Random, plan_id: int, node_id: int, name: str, position: int,
               years: list[int], quarterly: bool, profile: Profile | None, user_id: int | None,
               level: str = "output") -> None:
    share, polarity, accumulation, unit, per_q = _shape(rng)
    iid = ids.take(Indicator.__table__)
    key = _key()
    rows.indicators.append(dict(
        id=iid, key=key, plan_id=plan_id, node_id=node_id, objective_id=None, position=position, version=1,
        source_id=None, code=None, name=name, level=level, unit=unit, definition="", formula="", data_source="",
        collection_method="", frequency="quarterly" if quarterly else "annual", responsible=f"Bidang {position % 4 + 1}",
        baseline_value=per_q, baseline_year=years[0] - 1, baseline_text=None, polarity=polarity,
        accumulation=accumulation, target_type="number", weight=1.0, ratio_factor=100.0, rationale="",
        valid_min=None, valid_max=None))
    annual = per_q * 4 if accumulation == "sum" else per_q
    for year in years:
        rows.targets.append(dict(id=ids.take(Target.__table__), key=_key(), indicator_id=iid, year=year, period="Y",
                                 value=annual, lower=None, upper=None, text=None))
        if quarterly:
            for q, period in enumerate(QUARTERS, 1):
                value = per_q if accumulation != "sum" else per_q
                rows.targets.append(dict(id=ids.take(Target.__table__), key=_key(), indicator_id=iid, year=year,
                                         period=period, value=value if accumulation == "sum" else per_q,
                                         lower=None, upper=None, text=None))
    if profile is None:
        return
    for q, period in enumerate(QUARTERS, 1):
        if q > profile.last_quarter or rng.random() < 0.03:  # a late unit, or a cell simply not reported
            continue
        factor = max(0.0, rng.gauss(profile.skill, 0.18))
        if polarity == "lower_is_better":
            factor = 2 - factor
        status = rng.choices(("verified", "submitted", "draft", "returned"), (0.6, 0.3, 0.06, 0.04))[0]
        numerator = denominator = value = None
        if accumulation == "ratio":
            denominator = float(rng.randint(50, 500))
            numerator = round(min(denominator, denominator * per_q / 100 * factor))
        else:
            value = round(per_q * factor, 2)
        rows.realizations.append(dict(
            id=ids.take(Realization.__table__), indicator_id=iid, indicator_key=key, year=years[0], period=period,
            value=value, numerator=numerator, denominator=denominator, achieved=None, note="", status=status,
            review_note="", entered_by_id=user_id, entered_at=NOW, verified_by_id=None, verified_at=None))


def build_renja(conn: Connection, org_id: int, *, year: int = YEAR, programs: int = 8, kegiatan: int = 10,
                subs: int = 4, renstra_id: int | None = None, profile: Profile | None = None,
                user_id: int | None = None, seed: int = 0, ids: _Ids | None = None, rows: Rows | None = None) -> int:
    """A fixed Renja of ``programs × kegiatan × subs`` sub kegiatan with indicators, targets, realisations
    (when ``profile`` is given), budgets and comments; returns the plan id. Rows are inserted at once unless
    a ``rows`` batch is passed in (``generate`` collects many units before inserting)."""
    rng = random.Random(seed)
    own_ids, own_rows = ids is None, rows is None
    ids = ids or _Ids(conn)
    rows = rows if rows is not None else Rows()
    plan_id = ids.take(Plan.__table__)
    rows.plans.append(_plan_row(plan_id, org_id, "renja", year, year, f"Renja {year} unit {org_id}", renstra_id))
    position = 0
    for p in range(programs):
        prog_code = f"{1 + p // 99}.{p % 99 + 1:02d}.{org_id % 100:02d}"
        prog_id = ids.take(PlanNode.__table__)
        rows.nodes.append(_node_row(prog_id, plan_id, None, "program", prog_code, f"Program {p + 1}", p))
        _indicator(rows, ids, rng, plan_id, prog_id, f"Indeks capaian program {p + 1}", position, [year], True,
                   profile, user_id, "outcome")
        position += 1
        for k in range(kegiatan):
            keg_code = f"{prog_code}.2.{k + 1:02d}"
            keg_id = ids.take(PlanNode.__table__)
            rows.nodes.append(_node_row(keg_id, plan_id, prog_id, "kegiatan", keg_code, f"Kegiatan {p + 1}.{k + 1}", k))
            _indicator(rows, ids, rng, plan_id, keg_id, f"Persentase layanan kegiatan {p + 1}.{k + 1}", position,
                       [year], True, profile, user_id)
            position += 1
            for j in range(subs):
                pagu = Decimal(rng.randrange(50, 2000) * 1_000_000)
                sub_id = ids.take(PlanNode.__table__)
                rows.nodes.append(_node_row(sub_id, plan_id, keg_id, "sub_kegiatan", f"{keg_code}.{j + 1:04d}",
                                            f"Sub kegiatan {p + 1}.{k + 1}.{j + 1}", j, pagu))
                for n in range(3):
                    _indicator(rows, ids, rng, plan_id, sub_id, f"Jumlah keluaran {p + 1}.{k + 1}.{j + 1}.{n + 1}",
                               position, [year], True, profile, user_id)
                    position += 1
                _budget(rows, ids, rng, sub_id, rows.nodes[-1]["key"], year, pagu, profile, user_id)
    for c in range(3):
        rows.comments.append(dict(id=ids.take(Comment.__table__), plan_id=plan_id, object_type="plan",
                                  object_id=plan_id, parent_id=None, author_id=user_id,
                                  body=f"Catatan reviu {c + 1}: periksa target triwulan.", created_at=NOW,
                                  resolved_at=NOW if c == 0 else None, resolved_by_id=None, edited_at=None,
                                  withdrawn_at=None))
    if own_rows:
        rows.insert(conn)
    if own_ids:
        ids.sync_sequences()
    return plan_id


def _budget(rows: Rows, ids: _Ids, rng: random.Random, node_id: int, node_key: str, year: int, pagu: Decimal,
            profile: Profile | None, user_id: int | None) -> None:
    bid = ids.take(NodeBudget.__table__)
    rows.budgets.append(dict(id=bid, node_id=node_id, node_key=node_key, year=year, pagu=pagu,
                             updated_by_id=user_id, updated_at=NOW))
    if profile is None:
        return
    for q, period in enumerate(QUARTERS, 1):
        if q > profile.last_quarter:
            break
        share = max(0.0, rng.gauss(0.22, 0.08))
        rows.spending.append(dict(id=ids.take(BudgetRealization.__table__), node_budget_id=bid, period=period,
                                  amount=(pagu * Decimal(str(round(share, 3)))).quantize(Decimal("1"))))


def build_renstra(conn: Connection, org_id: int, ids: _Ids, rows: Rows, rng: random.Random, *,
                  first_year: int = YEAR - 1, programs: int = 8, kegiatan: int = 10) -> int:
    """A five-year Renstra: two tujuan, two sasaran each, the programs under the sasaran, their kegiatan."""
    years = list(range(first_year, first_year + 5))
    plan_id = ids.take(Plan.__table__)
    rows.plans.append(_plan_row(plan_id, org_id, "renstra", years[0], years[-1], f"Renstra unit {org_id}"))
    position = 0
    sasaran = []
    for t in range(2):
        tid = ids.take(PlanNode.__table__)
        rows.nodes.append(_node_row(tid, plan_id, None, "tujuan", f"T{t + 1}", f"Tujuan {t + 1}", t))
        for q in range(2):
            sid = ids.take(PlanNode.__table__)
            rows.nodes.append(_node_row(sid, plan_id, tid, "sasaran", f"S{t + 1}.{q + 1}", f"Sasaran {t + 1}.{q + 1}", q))
            _indicator(rows, ids, rng, plan_id, sid, f"Indeks sasaran {t + 1}.{q + 1}", position, years, False,
                       None, None, "outcome")
            position += 1
            sasaran.append(sid)
    for p in range(programs):
        prog_code = f"{1 + p // 99}.{p % 99 + 1:02d}.{org_id % 100:02d}"
        prog_id = ids.take(PlanNode.__table__)
        rows.nodes.append(_node_row(prog_id, plan_id, sasaran[p % len(sasaran)], "program", prog_code,
                                    f"Program {p + 1}", p))
        for k in range(kegiatan):
            keg_id = ids.take(PlanNode.__table__)
            rows.nodes.append(_node_row(keg_id, plan_id, prog_id, "kegiatan", f"{prog_code}.2.{k + 1:02d}",
                                        f"Kegiatan {p + 1}.{k + 1}", k))
            _indicator(rows, ids, rng, plan_id, keg_id, f"Persentase layanan kegiatan {p + 1}.{k + 1}", position,
                       years, False, None, None)
            position += 1
    return plan_id


@dataclass
class World:
    root_org_id: int
    org_ids: list[int]
    renja_ids: list[int]
    renstra_ids: list[int]
    admin: str = "bench-admin"
    password: str = PASSWORD
    seconds: float = 0.0


def _users(conn: Connection, ids: _Ids, root_org_id: int, org_ids: list[int]) -> None:
    """An admin, a reviewer of the province and a penyusun of every unit (one password hash, reused)."""
    from werkzeug.security import generate_password_hash

    from planner.services import accounts

    hashed = generate_password_hash(PASSWORD, method=accounts.HASH_METHOD)
    users, members = [], []

    def user(name: str, role: str, org_id: int | None) -> None:
        uid = ids.take(User.__table__)
        users.append(dict(id=uid, username=name, full_name=name, password_hash=hashed, is_active=True,
                          auth_version=1, session_version=1, created_at=NOW))
        members.append(dict(id=ids.take(Membership.__table__), user_id=uid, organization_id=org_id, role=role))

    if conn.execute(select(User.__table__.c.id).where(User.__table__.c.username == "bench-admin")).first() is None:
        user("bench-admin", "admin", None)
    user(f"bench-reviewer-{root_org_id}", "reviewer", root_org_id)
    for org_id in org_ids:
        user(f"bench-penyusun-{org_id}", "penyusun", org_id)
    _insert(conn, User.__table__, users)
    _insert(conn, Membership.__table__, members)


def generate(engine: Engine, scale: str = "province", *, units: int | None = None, seed: int = 12,
             prefix: str = "BENCH", programs: int = 8, kegiatan: int = 10, subs: int = 4,
             renstra_kegiatan: int = 10) -> World:
    """Build ``units`` (or the scale's count of) perangkat daerah under one pemda, in one transaction."""
    start = time.perf_counter()
    count = units if units is not None else SCALES[scale]
    rng = random.Random(seed)
    with engine.begin() as conn:
        ids = _Ids(conn)
        root = ids.take(Organization.__table__)
        orgs = [dict(id=root, code=f"{prefix}-PROV", name=f"Pemerintah Provinsi {prefix}", kind="pemda",
                     parent_id=None, timezone="WIB")]
        org_ids = list(range(ids.take(Organization.__table__, count), ids.next["organization"]))
        orgs += [dict(id=oid, code=f"{prefix}-OPD-{n + 1:03d}", name=f"Dinas Sintetis {n + 1}",
                      kind="perangkat_daerah", parent_id=root, timezone="WIB") for n, oid in enumerate(org_ids)]
        _insert(conn, Organization.__table__, orgs)
        _users(conn, ids, root, org_ids)
        user_id = ids.next["user"] - 1  # the last penyusun enters the values
        renja_ids, renstra_ids = [], []
        for n, org_id in enumerate(org_ids):
            rows = Rows()
            renstra = build_renstra(conn, org_id, ids, rows, rng, programs=programs, kegiatan=renstra_kegiatan)
            late = rng.random()
            profile = Profile(last_quarter=2 if late < 0.08 else 3 if late < 0.2 else 4,
                              skill=rng.choice((0.7, 0.85, 0.95, 1.0, 1.05, 1.3)))
            renja_ids.append(build_renja(conn, org_id, renstra_id=renstra, profile=profile, user_id=user_id,
                                         programs=programs, kegiatan=kegiatan, subs=subs,
                                         seed=seed * 1000 + n, ids=ids, rows=rows))
            renstra_ids.append(renstra)
            rows.insert(conn)
        ids.sync_sequences()
        # Written past the ORM's flush hook: stamp the plans so no stored ranking figure outlives these rows.
        plan_stamps.bump_refs(conn, {"plan_id": set(renja_ids + renstra_ids)})
        directory.bump(conn)  # and the organisations and memberships: no kept principal outlives them
    return World(root, org_ids, renja_ids, renstra_ids, seconds=time.perf_counter() - start)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", choices=sorted(SCALES), default="province")
    ap.add_argument("--database-url", default=None, help="default: PLANNER_DATABASE_URL or the instance SQLite")
    ap.add_argument("--prefix", default="BENCH", help="organisation code prefix (several worlds in one database)")
    args = ap.parse_args(argv)
    from planner import create_app, db, migrate

    app = create_app({"DATABASE_URL": args.database_url} if args.database_url else None)
    with app.app_context():
        migrate.upgrade(db.engine())
        world = generate(db.engine(), args.scale, prefix=args.prefix)
    print(f"{len(world.org_ids)} units, {len(world.renja_ids)} Renja and {len(world.renstra_ids)} Renstra "
          f"in {world.seconds:.1f} s (log in as {world.admin} / {world.password})")


if __name__ == "__main__":
    main()
