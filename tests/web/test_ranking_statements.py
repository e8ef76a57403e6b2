"""The cross-unit ranking reads every unit in the same statements: its count does not grow with the units,
whether the units' figures are computed (stale) or read as stored (fresh)."""
from __future__ import annotations

from sqlmodel import select

from planner.models import Plan
from planner.services import monitoring as mon
from planner.services import plan_stamps
from tests.conftest import without_csrf

YEAR = 2026


def _ranking_statements(app, client, count_queries) -> tuple[int, str]:
    with count_queries(app.extensions["planner.engine"]) as counter:
        resp = client.get(f"/monitoring?year={YEAR}&period=TW2")
    assert resp.status_code == 200
    return counter.count, without_csrf(resp.get_data(as_text=True))


def test_ranking_statements_do_not_grow_with_the_number_of_units(
        app, client, s, make_org, make_renja, make_user, login, count_queries):
    province = make_org("PROV", "Pemerintah Provinsi", "pemda")
    units = [make_org(f"OPD{i}", f"Dinas Nomor {i}", parent=province) for i in range(6)]
    for i, unit in enumerate(units):
        plan = make_renja(unit, activities=2 + i)
        for row in mon.progress_for_plan(s, plan, YEAR, "TW2", mon.Settings(), with_trend=False).rows:
            if row.indicator.accumulation == "sum":
                mon.record_realization(s, row.indicator, YEAR, "TW1", value=10 + i)
    s.commit()
    make_user("few", "reviewer", units[0])
    make_user("many", "reviewer", province)

    def stale() -> None:
        plan_stamps.bump(s.connection(), s.exec(select(Plan.key)).all())
        s.commit()

    counts = {}
    for name in ("few", "many"):
        login(name)
        _ranking_statements(app, client, count_queries)  # warm up
        stale()
        counts[name, "computed"], html = _ranking_statements(app, client, count_queries)
        counts[name, "stored"], stored_html = _ranking_statements(app, client, count_queries)
        assert stored_html == html
        client.post("/logout")
        if name == "few":
            assert "Dinas Nomor 0" in html and "Dinas Nomor 5" not in html
        else:
            assert all(f"Dinas Nomor {i}" in html for i in range(6))
    assert counts["few", "computed"] == counts["many", "computed"]
    assert counts["few", "stored"] == counts["many", "stored"] < counts["few", "computed"]
