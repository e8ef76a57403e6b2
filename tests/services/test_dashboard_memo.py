"""The plan dashboard's evaluation is kept from one write of what it reads to the next (issue 12): every kind
of input it depends on, once written and committed, changes what is served; a value computed from uncommitted
writes is never kept; what is kept holds plain data, no row bound to a database session; and the page's parts
rendered once per kept evaluation (the scatter, the long lists) follow every write and the reader's language."""
from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import inspect as sa_inspect

from planner.calc import Settings
from planner.models.plan import IndicatorUpdate, NodeUpdate, TargetIn
from planner.models.settings import SettingsIn
from planner.services import monitoring as mon
from planner.services import plan_memo, plan_stamps, plans
from planner.services import settings as org_settings
from tests.conftest import HX

YEAR = 2026
UPTO = "TW2"


def _rows(s, plan):
    """(kegiatan node, its output indicator) of each activity, in tree order."""
    tree = plans.load_tree(s, plan)
    return [(tn.node, tn.indicators[0]) for tn in tree.walk() if tn.node.kind == "kegiatan"]


def _dashboard(s, plan):
    return mon.plan_dashboard(s, plan, YEAR, UPTO, org_settings.for_plan(s, plan, Settings()))


def _seen(d) -> tuple:
    """Everything the page shows of a dashboard's evaluation."""
    p = d.progress
    nodes = [(n.node.id, n.node.code, n.node.name, n.level.label if n.level else None, n.achievement.value,
              n.annual_achievement.value, n.status, n.predikat, n.budget.pagu, n.budget.realised,
              n.budget.absorption.value) for n in d.nodes]
    rows = [(r.indicator.id, r.indicator.name, r.indicator.polarity, r.status, r.annual_target.value,
             r.progress.achievement.formula if r.progress else None,
             [(c.period, c.target.value, c.closed, c.realization.status if c.realization else None,
               c.realization.value if c.realization else None) for c in r.cells]) for r in p.rows]
    return (p.achievement.value, p.annual_achievement.value, p.achievement.formula, p.status, p.predikat,
            p.status_counts, p.budget.absorption.value, p.reported, p.expected, p.closed_periods,
            [(t.period, t.achievement.value, t.absorption.value) for t in p.trend], nodes, rows,
            [(w.row.indicator.id, w.forecast) for w in p.early_warnings],
            [(m.row.indicator.id, m.period, m.reason) for m in d.missing],
            [n.node.id for n in d.spending], [n.node.id for n in d.flagged])


@pytest.fixture
def world(s, org, make_renja):
    renja = make_renja(org, activities=3)
    (keg1, ind1), (keg2, ind2), _ = _rows(s, renja)
    mon.record_realization(s, ind1, YEAR, "TW1", value=20)
    mon.record_realization(s, ind2, YEAR, "TW1", value=5)
    mon.set_budget(s, keg1, YEAR, 1000, {"TW1": 100})
    s.commit()
    return dict(renja=renja, org=org, keg1=keg1, ind1=ind1, keg2=keg2, ind2=ind2)


# Every kind of input of the dashboard, written through the services.
def _value(s, w):
    mon.record_realization(s, w["ind1"], YEAR, "TW2", value=30)


def _returned(s, w):
    mon.verify(s, w["ind1"], YEAR, "TW1", verified=False, note="Bukti belum lengkap")


def _verified(s, w):
    mon.verify(s, w["ind2"], YEAR, "TW1", verified=True)


def _draft(s, w):
    mon.record_realization(s, w["ind2"], YEAR, "TW1", value=5, draft=True)


def _target(s, w):
    plans.set_targets(s, w["ind1"], w["renja"], [TargetIn(year=YEAR, period="Y", value=60)]
                      + [TargetIn(year=YEAR, period=f"TW{q}", value=15) for q in range(1, 5)])


def _budget(s, w):
    mon.set_budget(s, w["keg2"], YEAR, 2000)


def _spending(s, w):
    mon.set_budget(s, w["keg1"], YEAR, 1000, {"TW1": 100, "TW2": 850})


def _polarity(s, w):
    ind = w["ind2"]
    plans.update_indicator(s, ind, IndicatorUpdate(polarity="lower_is_better", version=ind.version))


def _indicator_name(s, w):
    ind = w["ind1"]
    plans.update_indicator(s, ind, IndicatorUpdate(name="Jumlah layanan yang diberikan", version=ind.version))


def _node_name(s, w):
    node = w["keg2"]
    plans.update_node(s, node, NodeUpdate(name="Kegiatan yang dinamai ulang", version=node.version))


def _close(s, w):
    mon.close_period(s, w["renja"], YEAR, "TW1")


def _settings(s, w):
    org_settings.save(s, w["org"], SettingsIn(tolerance=40.0, coverage_threshold=10.0))


WRITES = [_value, _returned, _verified, _draft, _target, _budget, _spending, _polarity, _indicator_name,
          _node_name, _close, _settings]


@pytest.mark.parametrize("write", WRITES, ids=lambda f: f.__name__.strip("_"))
def test_every_write_the_dashboard_reads_changes_it(s, world, write):
    renja = world["renja"]
    before = _dashboard(s, renja)
    assert _dashboard(s, renja).progress.roots is before.progress.roots  # kept: nothing was written
    write(s, world)
    s.commit()
    after = _dashboard(s, renja)
    assert _seen(after) != _seen(before)
    assert _dashboard(s, renja).progress.roots is after.progress.roots
    plan_memo.clear()
    assert _seen(_dashboard(s, renja)) == _seen(after)  # what a fresh evaluation gives


def test_a_dashboard_of_uncommitted_writes_is_not_kept(s, world):
    """A rollback gives the stamps back: what was computed from the rolled back writes must not be served
    when a later write reaches the same stamps with other data."""
    renja, ind = world["renja"], world["ind1"]
    before = _seen(_dashboard(s, renja))
    stamp = plan_stamps.current(s.connection(), [renja.key])[renja.key]
    mon.record_realization(s, ind, YEAR, "TW2", value=30)
    assert plan_stamps.current(s.connection(), [renja.key])[renja.key] == plan_stamps.PENDING  # bumped at commit
    assert _seen(_dashboard(s, renja)) != before  # the writer sees its own writes
    s.rollback()
    mon.record_realization(s, ind, YEAR, "TW2", value=31)  # the same write: the same stamps, other data
    s.commit()
    assert plan_stamps.current(s.connection(), [renja.key])[renja.key] == stamp + 1  # what the first would reach
    after = _seen(_dashboard(s, renja))
    plan_memo.clear()
    assert _seen(_dashboard(s, renja)) == after != before


def _bound_rows(value, seen: set[int]) -> list:
    """Objects reachable from ``value`` (dataclasses, slots, lists, tuples, dicts) that are ORM rows."""
    if id(value) in seen or isinstance(value, (str, int, float, bool, type(None))):
        return []
    seen.add(id(value))
    if sa_inspect(value, raiseerr=False) is not None and hasattr(value, "_sa_instance_state"):
        return [value]
    if isinstance(value, dict):
        parts = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple, set)):
        parts = list(value)
    elif dataclasses.is_dataclass(value):
        parts = [getattr(value, f.name) for f in dataclasses.fields(value)] + list(getattr(value, "__dict__", {}).values())
    else:
        return []
    return [found for part in parts for found in _bound_rows(part, seen)]


def test_what_is_kept_holds_no_database_row(s, world):
    _close(s, world)  # a closed period's cells name the version they were judged against
    s.commit()
    d = _dashboard(s, world["renja"])
    assert d.progress.plan is world["renja"]  # the caller's own plan, put back per call
    kept = dataclasses.replace(d, progress=dataclasses.replace(d.progress, plan=None))
    assert d.progress.rows and d.missing and _bound_rows(kept, set()) == []
    assert any(c.target_from is None and c.closed for r in d.progress.rows for c in r.cells)


def test_the_page_follows_each_write_and_the_language(s, org, world, make_user, login):
    renja = world["renja"]
    make_user("ani", "penyusun", org)
    client = login("ani")
    url = f"/plans/{renja.id}/dashboard?period={UPTO}"

    def missing() -> str:
        html = client.get(url).get_data(as_text=True)
        return html[html.index('id="missing"'):]
    first = missing()
    assert missing() == first and "Belum diisi" in first and "Triwulan II" in first
    resp = client.post(f"/indicators/{world['ind1'].id}/realisasi/{YEAR}/TW2", headers=HX,
                       data={"value": "30", "upto": UPTO})
    assert resp.status_code == 200
    after = missing()
    assert after != first and after.count("<tr") == first.count("<tr") - 1
    client.post("/lang/en")
    english = missing()
    assert "Quarter II" in english and "Not filled in" in english and "Triwulan II" not in english
    html = client.get(url).get_data(as_text=True)
    scatter = html[html.index('id="spending"'):html.index('id="tree"')]
    assert f"{world['keg1'].code} {world['keg1'].name}: absorption" in scatter and ": serapan" not in scatter


def test_the_memo_is_bounded_by_weight_too(monkeypatch):
    """Large evaluations push the least recently used ones out before the count bound is reached; one value
    heavier than the bound is still kept alone."""
    monkeypatch.setattr(plan_memo, "MAX_WEIGHT", 10)
    plan_memo.clear()
    for key in "abc":
        plan_memo.get(key, 1, lambda: key.upper(), weight=lambda _v: 4)
    assert plan_memo.size() == 2 and plan_memo.weight() == 8  # a left first
    assert plan_memo.get("a", 1, lambda: "new a") == "new a"
    plan_memo.get("b", 2, lambda: "B at 2", weight=lambda _v: 2)  # replaced: its old weight is given back
    assert plan_memo.weight() == 4 + 1 + 2  # c, a (weighing one), b
    plan_memo.get("huge", 1, lambda: "H", weight=lambda _v: 50)
    assert plan_memo.size() == 1 and plan_memo.get("huge", 1, lambda: "again") == "H"
    plan_memo.clear()
    assert plan_memo.weight() == 0
