"""The realisation grid of a large plan (issue 12): top nodes first, each branch loaded on its own (htmx) with a
plain link for browsers without JavaScript, the summary in a request of its own, and a saved cell answered from
its indicator alone, in the same statements whatever the plan's size."""
from __future__ import annotations

import re

import pytest

from planner.services import monitoring as mon
from planner.services import plans
from tests.conftest import HX

YEAR = 2026


@pytest.fixture
def large(app):
    """Every plan of these tests counts as large (the fixture Renja has 5 nodes)."""
    app.config["GRID_WHOLE_MAX_NODES"] = 3


def cell_url(ind, period="TW1", year=YEAR):
    return f"/indicators/{ind.id}/realisasi/{year}/{period}"


def test_a_large_plan_shows_its_programs_and_loads_each_when_revealed(large, editor, s, renja):
    program = plans.load_tree(s, renja).roots[0]
    html = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    part = f"/nodes/{program.node.id}/realisasi/baris?year={YEAR}&amp;period=TW1"
    assert f'<tbody id="part-{program.node.id}" class="sec part" hx-get="{part}" hx-trigger="revealed"' in html
    assert program.node.code in html and "Jumlah layanan kegiatan 1" not in html and "data-cell" not in html
    # without JavaScript: the program's own grid, and the whole table to print
    assert f'href="/nodes/{program.node.id}/realisasi?year={YEAR}&amp;period=TW1"' in html
    assert "all=1" in html
    # the summary comes in a request of its own
    assert f'hx-get="/plans/{renja.id}/realisasi/ringkasan?year={YEAR}&amp;period=TW1" hx-trigger="load"' in html


def test_a_branch_comes_as_table_sections_for_htmx_and_as_its_grid_otherwise(large, editor, s, renja):
    t = plans.load_tree(s, renja)
    program, ind = t.roots[0], t.roots[0].children[0].indicators[0]
    url = f"/nodes/{program.node.id}/realisasi/baris?year={YEAR}&period=TW1"
    html = editor.get(url, headers=HX).get_data(as_text=True)
    assert html.lstrip().startswith('<tbody class="sec">') and "<table" not in html
    assert f'id="sec-{program.node.id}"' in html and f'id="rc-{ind.id}-TW1"' in html
    assert f'hx-post="{cell_url(ind)}"' in html and 'name="scope"' not in html  # cells of the plan's grid
    assert f'name="back" value="/plans/{renja.id}/realisasi?year={YEAR}&amp;period=TW1"' in html
    plain = editor.get(url)
    assert plain.status_code == 302 and plain.headers["Location"].startswith(f"/nodes/{program.node.id}/realisasi")


def test_the_whole_table_on_request_and_for_small_plans(large, app, editor, s, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    whole = editor.get(f"/plans/{renja.id}/realisasi?period=TW1&all=1").get_data(as_text=True)
    assert f'id="rc-{ind.id}-TW1"' in whole and "hx-trigger=\"revealed\"" not in whole
    app.config["GRID_WHOLE_MAX_NODES"] = 150
    small = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert f'id="rc-{ind.id}-TW1"' in small and "laporan masuk <strong>0</strong> dari 3" in small


def test_the_summary_request_answers_the_plan_and_the_sections_above_a_node(large, editor, s, renja):
    t = plans.load_tree(s, renja)
    program, keg = t.roots[0], t.roots[0].children[0]
    mon.record_realization(s, keg.indicators[0], YEAR, "TW1", value=25)
    s.commit()
    html = editor.get(f"/plans/{renja.id}/realisasi/ringkasan?year={YEAR}&period=TW1&node={keg.node.id}",
                      headers=HX).get_data(as_text=True)
    assert 'id="mon-summary" class="mon-summary" hx-swap-oob="true"' in html
    assert "laporan masuk <strong>1</strong> dari 3" in html
    assert f'id="sec-{keg.node.id}"' in html and f'id="sec-{program.node.id}"' in html
    scoped = editor.get(f"/plans/{renja.id}/realisasi/ringkasan?year={YEAR}&period=TW1&scope={keg.node.id}",
                        headers=HX).get_data(as_text=True)
    assert "laporan masuk <strong>1</strong> dari 1" in scoped and "100,00%" in scoped
    assert editor.get(f"/plans/{renja.id}/realisasi/ringkasan?period=TW1").status_code == 302


def test_a_save_in_a_large_plan_answers_its_cell_and_row_and_asks_for_the_summaries(large, app, editor, s, renja):
    keg = plans.load_tree(s, renja).roots[0].children[0]
    ind = keg.indicators[0]
    resp = editor.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith(f'<div id="rc-{ind.id}-TW1"')
    assert 'data-saved="25"' in html and "just-saved" in html
    assert f'id="sum-{ind.id}" class="sum st-tercapai" hx-swap-oob="true"' in html and "100,00%" in html
    assert 'id="mon-summary"' not in html and 'id="sec-' not in html  # not computed here
    refresh = re.search(r'<span hidden hx-get="([^"]+)" hx-trigger="load" hx-swap="none"', html).group(1)
    assert refresh == f"/plans/{renja.id}/realisasi/ringkasan?year={YEAR}&amp;period=TW1&amp;node={keg.node.id}"
    app.config["GRID_WHOLE_MAX_NODES"] = 1  # the activity's grid (2 nodes) counts as large too
    scoped = editor.post(cell_url(ind, "TW2"), headers=HX, data={"value": "5", "upto": "TW2", "scope": keg.node.id})
    assert f"scope={keg.node.id}" in scoped.get_data(as_text=True) and 'id="mon-summary"' not in scoped.get_data(
        as_text=True)
    assert f'name="scope" value="{keg.node.id}"' in scoped.get_data(as_text=True)
    bad = editor.post(cell_url(ind), headers=HX, data={"value": "abc", "upto": "TW1"})
    assert bad.status_code == 422 and "hx-trigger=\"load\"" not in bad.get_data(as_text=True)


# ---------------------------------------------------------------- the same statements at any size (issue 12)

SAVE_STATEMENTS = 9  # user (with the directory stamp), indicator with its plan and node, closed periods, targets,
# the year's cells (kept with the write for the answer), the stamp, the update, the audit entry, evidence counts
# (principal and settings kept)


@pytest.fixture
def small_and_large(app, s, org, renja, make_renja):
    """The fixture Renja (5 nodes: shown whole) and one of 120 kegiatan (243 nodes: past GRID_WHOLE_MAX_NODES)."""
    large = make_renja(org, year=2027, activities=120)
    assert app.config["GRID_WHOLE_MAX_NODES"] == 150 and len(plans.load_tree(s, large).by_id) > 150
    return renja, large


def test_a_save_reads_the_same_bounded_statements_in_a_small_and_a_large_plan(small_and_large, app, editor, s,
                                                                              count_queries):
    def statements(plan) -> int:
        ind = plans.load_tree(s, plan).roots[0].children[0].indicators[0]
        url = cell_url(ind, year=plan.first_year)
        editor.post(url, headers=HX, data={"value": "1", "upto": "TW1"})  # the first save creates the row
        with count_queries(app.extensions["planner.engine"]) as counter:
            resp = editor.post(url, headers=HX, data={"value": "2", "upto": "TW1"})
        assert resp.status_code == 200 and 'data-saved="2"' in resp.get_data(as_text=True)
        return counter.count

    small, large = (statements(p) for p in small_and_large)
    assert small == large <= SAVE_STATEMENTS


def test_the_grid_page_reads_the_same_statements_for_a_small_and_a_large_plan(small_and_large, app, editor,
                                                                              count_queries):
    def page(plan) -> tuple[int, str]:
        url = f"/plans/{plan.id}/realisasi?year={plan.first_year}&period=TW1"
        editor.get(url)  # warm up
        with count_queries(app.extensions["planner.engine"]) as counter:
            resp = editor.get(url)
        assert resp.status_code == 200
        return counter.count, resp.get_data(as_text=True)

    (small_count, small_html), (large_count, large_html) = (page(p) for p in small_and_large)
    assert small_count == large_count
    # the small plan whole with its summary; the large one's programs (181 and 61 nodes) each loaded on its own
    assert 'hx-trigger="revealed"' not in small_html and "laporan masuk <strong>0</strong> dari 3" in small_html
    assert large_html.count('hx-trigger="revealed"') == 2 and "data-cell" not in large_html
    assert "/realisasi/ringkasan?" in large_html

