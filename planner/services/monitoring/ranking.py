"""The cross-unit ranking: every Renja in scope by achievement and by reporting completeness.

A province ranks thousands of indicators per unit; evaluating them all on every view took seconds per unit.
Each plan's ranking figures (computed by ``calc`` through ``progress_for_plans``) are stored per plan, year,
period and settings (``PlanSummary``) with the stamp of the plan's lineage they were read at; a view reads the
stamps and the stored rows (two statements) and recomputes only the plans whose stamp moved since
(``services.plan_stamps``: every write that can change a plan's numbers bumps it). The settings and a digest
of the calculation code are part of the key, so a changed setting or a new release never reads old figures.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from planner.calc import Result, RollupResult, Settings
from planner.models import Plan, PlanSummary
from planner.services import plan_stamps

from .read import progress_for_plans


@dataclass
class OrgRank:
    plan: Plan
    achievement: RollupResult  # the plan's period achievement (fair mid-year: against period targets)
    annual_achievement: RollupResult
    predikat: str | None
    reported: int
    expected: int
    completeness: Result


@dataclass
class Ranking:
    by_achievement: list[OrgRank]  # highest first; plans with nothing computable last
    by_completeness: list[OrgRank]


def _ranked(items: Iterable[OrgRank], value: Callable[[OrgRank], float | None]) -> list[OrgRank]:
    return sorted(items, key=lambda r: (value(r) is None, -(value(r) or 0), r.plan.id))


def org_ranking(s: Session, plans: Iterable[Plan], year: int, period: str,
                settings: Settings | Callable[[Plan], Settings], *, stored: bool = True) -> Ranking:
    """Renja of the organisations in scope ranked by achievement and by reporting completeness.

    Every plan is read in the same fixed number of statements, whatever their number. ``stored=False``
    computes every plan afresh (what the stored figures are checked against)."""
    plans = list(plans)
    settings_of = settings if callable(settings) else (lambda _plan: settings)
    ranks = (_stored_ranks if stored else _computed_ranks)(s, plans, year, period, settings_of)
    return Ranking(by_achievement=_ranked(ranks, lambda r: r.achievement.value),
                   by_completeness=_ranked(ranks, lambda r: r.completeness.value))


def _computed_ranks(s: Session, plans: list[Plan], year: int, period: str,
                    settings_of: Callable[[Plan], Settings]) -> list[OrgRank]:
    progress = progress_for_plans(s, plans, year, period, settings_of, with_trend=False)
    return [OrgRank(plan, p.achievement, p.annual_achievement, p.predikat, p.reported, p.expected, p.completeness)
            for plan in plans for p in (progress[plan.id],)]


# ---------------------------------------------------------------- stored figures

def _code_digest() -> str:
    """The calculation code this process runs: the evaluation (``calc``, periods) and the read model feeding it."""
    here = Path(__file__).resolve().parent
    planner = here.parent.parent
    files = sorted((planner / "calc").glob("*.py")) + [planner / "periods.py", planner / "services" / "plan_tree.py",
                                                       here / "read.py", here / "checks.py", Path(__file__)]
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()


CODE_DIGEST = _code_digest()


def settings_key(settings: Settings) -> str:
    """The settings that produced a summary, with the code that did: stored figures under any other are not read."""
    text = json.dumps(dataclasses.asdict(settings), sort_keys=True) + CODE_DIGEST
    return hashlib.sha256(text.encode()).hexdigest()


def _dump(rank: OrgRank) -> str:
    return json.dumps({"achievement": dataclasses.asdict(rank.achievement),
                       "annual_achievement": dataclasses.asdict(rank.annual_achievement),
                       "predikat": rank.predikat, "reported": rank.reported, "expected": rank.expected,
                       "completeness": dataclasses.asdict(rank.completeness)})


def _load(plan: Plan, payload: str) -> OrgRank:
    d = json.loads(payload)
    return OrgRank(plan, RollupResult(**d["achievement"]), RollupResult(**d["annual_achievement"]), d["predikat"],
                   d["reported"], d["expected"], Result(**d["completeness"]))


def _stored_ranks(s: Session, plans: list[Plan], year: int, period: str,
                  settings_of: Callable[[Plan], Settings]) -> list[OrgRank]:
    if not plans:
        return []
    s.flush()  # the caller's own pending writes count, as in a computation (whose ORM reads autoflush)
    conn = s.connection()
    # The stamps first: a write landing after this read leaves what is computed below stale, never the reverse.
    stamps = plan_stamps.current(conn, (p.key for p in plans))
    keys = {p.id: settings_key(settings_of(p)) for p in plans}
    t = PlanSummary.__table__
    rows = conn.execute(select(t.c.plan_id, t.c.settings_key, t.c.plan_key, t.c.stamp, t.c.payload)
                        .where(t.c.plan_id.in_(keys), t.c.year == year, t.c.period == period)).all()
    by_plan = {plan.id: plan for plan in plans}
    fresh = {r.plan_id: _load(by_plan[r.plan_id], r.payload) for r in rows
             if r.settings_key == keys[r.plan_id] and r.plan_key == by_plan[r.plan_id].key
             and r.stamp == stamps[r.plan_key]}
    stale = [p for p in plans if p.id not in fresh]
    if stale:
        computed = _computed_ranks(s, stale, year, period, settings_of)
        fresh.update((r.plan.id, r) for r in computed)
        _store(s, computed, year, period, keys, stamps)
    return [fresh[p.id] for p in plans]


def _store(s: Session, ranks: list[OrgRank], year: int, period: str, keys: dict[int, str],
           stamps: dict[str, int]) -> None:
    """Keep the figures in the caller's transaction, inside a savepoint: on a read-only replica (or any refusal)
    the ranking is still answered, only not kept."""
    ranks = [r for r in ranks if stamps[r.plan.key] != plan_stamps.PENDING]  # from this transaction's writes
    if not ranks:
        return
    t = PlanSummary.__table__
    conn = s.connection()
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    values = [dict(plan_id=r.plan.id, year=year, period=period, settings_key=keys[r.plan.id], plan_key=r.plan.key,
                   stamp=stamps[r.plan.key], payload=_dump(r)) for r in sorted(ranks, key=lambda r: r.plan.id)]
    stmt = dialect.insert(t).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[t.c.plan_id, t.c.year, t.c.period, t.c.settings_key],
        set_={"plan_key": stmt.excluded.plan_key, "stamp": stmt.excluded.stamp, "payload": stmt.excluded.payload})
    try:
        with s.begin_nested():
            s.connection().execute(stmt)
    except DBAPIError:
        pass  # a replica in recovery, a locked file: the figures are recomputed next time
