"""The cross-unit ranking reads every unit in the same statements: its count does not grow with the units."""
from __future__ import annotations

from planner.services import monitoring as mon

YEAR = 2026


def _ranking_statements(app, client, count_queries) -> tuple[int, str]:
    with count_queries(app.extensions["planner.engine"]) as counter:
        resp = client.get(f"/monitoring?year={YEAR}&period=TW2")
    assert resp.status_code == 200
    return counter.count, resp.get_data(as_text=True)


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
    login("few")
    _ranking_statements(app, client, count_queries)  # warm up
    few, few_html = _ranking_statements(app, client, count_queries)
    client.post("/logout")
    login("many")
    many, many_html = _ranking_statements(app, client, count_queries)
    assert "Dinas Nomor 0" in few_html and "Dinas Nomor 5" not in few_html
    assert all(f"Dinas Nomor {i}" in many_html for i in range(6))
    assert few == many
