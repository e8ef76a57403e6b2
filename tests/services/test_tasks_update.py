"""The top bar's unreported periods (``tasks``), kept per write of the plans and, after writes of realisation
cells only, brought up to date for those cells: always the list a fresh computation gives."""
from __future__ import annotations

import random
from datetime import date

import pytest

from planner.services import plan_memo, plans, tasks
from planner.services import monitoring as mon
from tests.services.test_dashboard_memo import YEAR, world  # noqa: F401  (world: the fixture)
from tests.services.test_dashboard_update import some_writes

TODAY = date(YEAR, 10, 20)  # TW1–TW3 have ended


@pytest.fixture
def whole(monkeypatch):
    """The keys each computation read: None for the whole plans, else the indicators brought up to date."""
    calls = []
    real = tasks._find_unreported
    monkeypatch.setattr(tasks, "_find_unreported", lambda s, renjas, year, today, keys=None: calls.append(keys)
                        or real(s, renjas, year, today, keys))
    return calls


def _unreported(s, renja):
    return sorted(tasks._unreported(s, [renja], YEAR, TODAY))


@pytest.mark.parametrize("seed", range(4))
def test_random_writes_leave_the_list_a_fresh_computation_gives(s, world, whole, seed):
    rng = random.Random(seed)
    renja = world["renja"]
    inds = [ind for tn in plans.load_tree(s, renja).walk() for ind in tn.indicators]
    plan_memo.clear()
    _unreported(s, renja)
    for _round in range(12):
        full = some_writes(s, world, rng, inds)
        whole.clear()
        kept = _unreported(s, renja)
        assert whole == [None] if full else None not in whole  # an update reads the written indicators only
        assert kept == sorted(tasks._find_unreported(s, [renja], YEAR, TODAY))


def test_a_reported_period_leaves_the_list_and_a_cleared_one_comes_back(s, world, whole):
    renja, ind = world["renja"], world["ind1"]
    plan_memo.clear()
    assert (ind.id, "TW2") in {(u.indicator_id, u.period) for u in _unreported(s, renja)}
    mon.record_realization(s, ind, YEAR, "TW2", value=30)
    s.commit()
    whole.clear()
    assert (ind.id, "TW2") not in {(u.indicator_id, u.period) for u in _unreported(s, renja)}
    assert whole == [{ind.key}]
    mon.clear_realization(s, ind, YEAR, "TW2")
    s.commit()
    assert (ind.id, "TW2") in {(u.indicator_id, u.period) for u in _unreported(s, renja)}


def test_the_writers_own_cells_count_but_are_not_kept(s, world, whole):
    renja, ind = world["renja"], world["ind1"]
    plan_memo.clear()
    before = _unreported(s, renja)
    mon.record_realization(s, ind, YEAR, "TW2", value=30)  # not committed
    assert (ind.id, "TW2") not in {(u.indicator_id, u.period) for u in _unreported(s, renja)}
    s.rollback()
    whole.clear()
    assert _unreported(s, renja) == before and whole == []  # the kept list, untouched by the rolled-back write
