"""After writes of realisation or evidence cells only, the kept dashboard evaluation is brought up to date from
the cells the stamps recorded (issue 12), and it equals a fresh evaluation of the whole plan; any other write
evaluates the plan again; a process that saw none of the writes (its value kept at an older stamp) knows them
from the database; nothing computed from uncommitted writes is kept."""
from __future__ import annotations

import dataclasses
import random

import pytest

from planner.calc import Settings
from planner.models.plan import IndicatorUpdate, TargetIn
from planner.services import monitoring as mon
from planner.services import plan_memo, plan_stamps, plans
from planner.services import settings as org_settings
from planner.services.monitoring import dashboard
from tests.conftest import without_csrf
from tests.services.test_dashboard_memo import (  # noqa: F401  (world: the fixture)
    UPTO, YEAR, WRITES, _close, _dashboard, _seen, world,
)


def _fresh(s, plan):
    """The whole plan evaluated, as if nothing were kept."""
    used = org_settings.for_plan(s, plan, Settings())
    d = dashboard._dashboard(dashboard._plain(mon.progress_for_plan(s, plan, YEAR, UPTO, used)), (), (), False)
    return dataclasses.replace(d, progress=dataclasses.replace(d.progress, plan=plan))


def _same(d):
    """Everything of a dashboard but where it is kept."""
    return dataclasses.replace(d, key=(), stamps=(), keep=False)


def _cell(rng, w, inds):
    return rng.choice(inds), rng.choice(["TW2", "TW3"] if w.get("closed") else ["TW1", "TW2", "TW3"])


def _value(s, w, rng, inds):
    ind, period = _cell(rng, w, inds)
    mon.record_realization(s, ind, YEAR, period, value=rng.choice([0, 5, 20, 25, 40]), draft=rng.random() < 0.2)


def _review(s, w, rng, inds):
    ind, period = _cell(rng, w, inds)
    if mon.get_realization(s, ind, YEAR, period) is None:
        mon.record_realization(s, ind, YEAR, period, value=10)
    accept = rng.random() < 0.5
    mon.verify(s, ind, YEAR, period, verified=accept, note="" if accept else "Bukti belum lengkap")


def _cleared(s, w, rng, inds):
    ind, period = _cell(rng, w, inds)
    mon.clear_realization(s, ind, YEAR, period)


def _link(s, w, rng, inds):
    ind, period = _cell(rng, w, inds)
    mon.add_evidence_link(s, ind, YEAR, period, f"https://contoh.go.id/bukti/{rng.randint(1, 10**6)}")


def _note(s, w, rng, inds):
    ind, period = _cell(rng, w, inds)
    found = mon.get_realization(s, ind, YEAR, period)
    if found is not None:
        found.note = f"catatan {rng.random()}"
        s.add(found)


CELL_WRITES = [_value, _value, _value, _review, _cleared, _link, _note]


# Writes that evaluate the plan again
def _targets(s, w, rng, inds):
    ind = rng.choice(inds)
    plans.set_targets(s, ind, w["renja"], [TargetIn(year=YEAR, period="Y", value=rng.randint(50, 150))]
                      + [TargetIn(year=YEAR, period=f"TW{q}", value=rng.randint(10, 40)) for q in range(1, 5)])


def _budgets(s, w, rng, inds):
    mon.set_budget(s, w["keg2"], YEAR, rng.randint(1000, 3000), {"TW1": rng.randint(0, 900)})


def _polarity_again(s, w, rng, inds):
    ind = w["ind2"]
    polarity = "lower_is_better" if ind.polarity == "higher_is_better" else "higher_is_better"
    plans.update_indicator(s, ind, IndicatorUpdate(polarity=polarity, version=ind.version))


def _closed(s, w, rng, inds):
    if w.get("closed"):
        return _targets(s, w, rng, inds)
    _close(s, w)  # its cells judged against this version's targets from now on
    w["closed"] = True


OTHER_WRITES = [_targets, _budgets, _polarity_again, _closed]


def some_writes(s, world, rng, inds) -> bool:
    """None to three committed writes, mostly of cells (views skip stamps: another worker saw them); whether one
    was of anything else (the plan evaluated again)."""
    full = False
    for _write in range(rng.choice([0, 1, 1, 2, 3])):
        if rng.random() < 0.15:
            rng.choice(OTHER_WRITES)(s, world, rng, inds)
            full = True
        else:
            rng.choice(CELL_WRITES)(s, world, rng, inds)
        s.commit()
    return full


@pytest.fixture
def counted(monkeypatch):
    """How many times the whole plan was evaluated for the dashboard."""
    calls = []
    real = dashboard.progress_for_plan
    monkeypatch.setattr(dashboard, "progress_for_plan", lambda *a, **k: calls.append(1) or real(*a, **k))
    return calls


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_update_the_kept_evaluation_as_a_fresh_one_gives(s, world, counted, seed):
    rng = random.Random(seed)
    renja = world["renja"]
    inds = [ind for tn in plans.load_tree(s, renja).walk() for ind in tn.indicators]
    _dashboard(s, renja)
    for _round in range(14):
        full = some_writes(s, world, rng, inds)
        before = len(counted)
        d = _dashboard(s, renja)
        assert len(counted) - before == (1 if full else 0)
        assert _same(d) == _same(_fresh(s, renja))
        assert _seen(d) == _seen(_fresh(s, renja))
        assert _dashboard(s, renja) is not d and _dashboard(s, renja).progress.roots is d.progress.roots  # kept


def test_every_kind_of_write_leaves_the_same_figures_as_a_fresh_evaluation(s, world):
    renja = world["renja"]
    for write in WRITES:
        _dashboard(s, renja)
        write(s, world)
        s.commit()
        assert _same(_dashboard(s, renja)) == _same(_fresh(s, renja)), write.__name__


def test_an_update_reads_only_the_changed_cells(s, world, engine, count_queries, counted):
    renja, ind = world["renja"], world["ind1"]
    _dashboard(s, renja)
    mon.record_realization(s, ind, YEAR, "TW2", value=30)
    s.commit()
    s.expire_all()
    renja = s.get(type(renja), renja.id)
    with count_queries(engine) as counter:
        d = _dashboard(s, renja)
    evaluated = len(counted)
    plan_memo.clear()
    with count_queries(engine) as whole:
        _dashboard(s, renja)
    assert evaluated == 1 and len(counted) == 2  # the update evaluated nothing again; the cleared memo did
    assert counter.count < whole.count and counter.count <= 4  # settings, stamps, realisations, evidence
    assert _seen(d) == _seen(_dashboard(s, renja))


def test_an_update_from_uncommitted_writes_is_not_kept(s, world, counted):
    """The writer sees its own cell at once (brought up to date from the kept value) but that is not kept: a
    rollback gives the stamp back, and another write reaching the same stamp must not find it."""
    renja, ind1, ind2 = world["renja"], world["ind1"], world["ind2"]
    before = _seen(_dashboard(s, renja))
    mon.record_realization(s, ind1, YEAR, "TW2", value=30)
    mine = _dashboard(s, renja)
    assert _seen(mine) != before and _same(mine) == _same(_fresh(s, renja)) and not mine.keep
    s.rollback()
    mon.record_realization(s, ind2, YEAR, "TW2", value=7)  # the same stamp, another cell
    s.commit()
    after = _dashboard(s, renja)
    assert _same(after) == _same(_fresh(s, renja))
    assert [r.cells[1].realization for r in after.progress.rows if r.indicator.id == ind1.id] == [None]
    assert len(counted) == 1  # the first view evaluated the plan; the others brought it up to date


def test_a_full_record_or_a_bulk_write_evaluates_the_plan_again(s, world, counted, monkeypatch):
    renja, ind = world["renja"], world["ind1"]
    _dashboard(s, renja)
    counted.clear()
    monkeypatch.setattr(plan_stamps, "CELLS_CAP", 50)  # one cell fits the record, the next restarts it
    mon.record_realization(s, ind, YEAR, "TW2", value=30)
    s.commit()
    _dashboard(s, renja)
    assert len(counted) == 0
    for value in (31, 32):
        mon.record_realization(s, ind, YEAR, "TW2", value=value)
        s.commit()
    assert _same(_dashboard(s, renja)) == _same(_fresh(s, renja)) and len(counted) == 1
    plan_stamps.bump(s.connection(), [renja.key])  # a Core write names no cells
    s.commit()
    assert _same(_dashboard(s, renja)) == _same(_fresh(s, renja)) and len(counted) == 2


def test_the_record_says_what_was_written_since_a_stamp(s, world):
    renja, ind = world["renja"], world["ind1"]
    conn = s.connection()
    stamp, cells = plan_stamps.since(conn, renja.key, -1)
    assert cells is None  # nothing kept: nothing to bring up to date
    mon.record_realization(s, ind, YEAR, "TW3", value=3)
    s.commit()
    now, cells = plan_stamps.since(s.connection(), renja.key, stamp)
    assert now == stamp + 1 and (ind.key, YEAR, "TW3") in cells
    _close(s, world)
    s.commit()
    assert plan_stamps.since(s.connection(), renja.key, stamp)[1] is None
    later, cells = plan_stamps.since(s.connection(), renja.key, stamp + 2)
    assert later == stamp + 2 and cells == set()


def test_the_page_after_an_update_is_the_page_of_a_fresh_evaluation(s, org, world, make_user, login, counted):
    """The parts' rows kept from the earlier rendering (the rows the update kept) and those rendered again make
    the page a fresh evaluation gives."""
    renja, ind1, ind2 = world["renja"], world["ind1"], world["ind2"]
    make_user("ani", "penyusun", org)
    client = login("ani")
    url = f"/plans/{renja.id}/dashboard?period={UPTO}&open=all"

    def page() -> str:
        return without_csrf(client.get(url).get_data(as_text=True))
    first = page()
    for ind, period, value in ((ind1, "TW2", 3), (ind2, "TW2", 90), (ind1, "TW1", 0)):
        mon.record_realization(s, ind, YEAR, period, value=value)
        s.commit()
        updated = page()
        plan_memo.clear()
        assert updated == page() != first
    assert len(counted) == 4  # the first view and one after each clearing
