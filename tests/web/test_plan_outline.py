"""A large plan's tree page: the upper levels whole, the branches below opened on demand (htmx, or a plain
link to the page with that branch open); a small plan, a search, a print and an export stay whole."""
from __future__ import annotations

import re

import pytest

from planner.models.plan import IndicatorCreate, NodeUpdate, TargetIn
from planner.services import plan_tree, plans
from tests.conftest import HX


@pytest.fixture
def large(monkeypatch):
    """The fixture's Renja (program › 2 kegiatan › 1 sub kegiatan each) counts as large: kegiatan are the
    deepest level shown, each sub kegiatan sits in a closed branch."""
    monkeypatch.setattr(plan_tree, "LAZY_NODES", 3)
    monkeypatch.setattr(plan_tree, "OUTLINE_NODES", 3)


def _kegiatan(s, renja):
    return [tn.node for tn in plans.load_tree(s, renja).roots[0].children]


def _rows(html: str, s, renja) -> set[str]:
    """Names of the nodes shown as rows of the tree (the comment form lists every node by name)."""
    return {tn.node.name for tn in plans.load_tree(s, renja).walk() if f'<tbody id="node-{tn.node.id}"' in html}


def test_a_large_plan_shows_its_upper_levels_and_closed_branches(editor, s, renja, large):
    keg1, keg2 = _kegiatan(s, renja)
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert _rows(html, s, renja) == {"Program Pengelolaan Pendapatan Daerah", "Kegiatan 1", "Kegiatan 2"}
    for keg in (keg1, keg2):
        assert f'id="branch-{keg.id}"' in html and f'hx-get="/nodes/{keg.id}/branch"' in html
        assert f'href="/plans/{renja.id}?open={keg.id}#node-{keg.id}"' in html  # works without JavaScript
    assert "Tampilkan 1 simpul di bawah" in html and f'href="/plans/{renja.id}?open=all#tree"' in html


def test_a_branch_opens_as_a_fragment_or_as_the_page_with_it_open(editor, s, renja, large):
    keg1, _ = _kegiatan(s, renja)
    frag = editor.get(f"/nodes/{keg1.id}/branch", headers=HX).get_data(as_text=True)
    assert "<html" not in frag and frag.lstrip().startswith("<tbody id=\"node-")
    assert _rows(frag, s, renja) == {"Sub kegiatan 1"} and "branch-" not in frag
    plain = editor.get(f"/nodes/{keg1.id}/branch")
    assert plain.status_code == 302 and plain.headers["Location"] == f"/plans/{renja.id}?open={keg1.id}#node-{keg1.id}"
    html = editor.get(plain.headers["Location"]).get_data(as_text=True)
    assert "Sub kegiatan 1" in _rows(html, s, renja) and "Sub kegiatan 2" not in _rows(html, s, renja)


def test_a_node_being_edited_or_everything_asked_for_is_shown(editor, s, renja, large):
    _, keg2 = _kegiatan(s, renja)
    sub2 = plans.load_tree(s, renja).by_id[keg2.id].children[0].node
    html = editor.get(f"/plans/{renja.id}?edit={sub2.id}").get_data(as_text=True)
    assert f'action="/nodes/{sub2.id}"' in html and "Sub kegiatan 1" not in _rows(html, s, renja)
    html = editor.get(f"/plans/{renja.id}?open=all").get_data(as_text=True)
    assert len(_rows(html, s, renja)) == 5 and "branch-" not in html


def test_a_search_a_small_plan_and_the_print_view_stay_whole(editor, s, renja, large, monkeypatch):
    frag = editor.get(f"/plans/{renja.id}?q=Sub", headers=HX).get_data(as_text=True)
    assert {"Sub kegiatan 1", "Sub kegiatan 2"} <= _rows(frag, s, renja) and "branch-" not in frag
    printed = editor.get(f"/plans/{renja.id}/cetak/renja").get_data(as_text=True)
    assert "Sub kegiatan 1" in printed and "Sub kegiatan 2" in printed
    monkeypatch.setattr(plan_tree, "LAZY_NODES", 150)
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert len(_rows(html, s, renja)) == 5 and "branch-" not in html


# ---------------------------------------------------------------- the dashboard's tree, alike

def _dash_rows(html: str, s, renja) -> set[str]:
    tree = plans.load_tree(s, renja)
    return {tn.node.name for tn in tree.walk() if f'id="dn-{tn.node.id}"' in html}


def test_a_large_plans_dashboard_opens_its_branches_on_demand(editor, s, renja, large):
    keg1, keg2 = _kegiatan(s, renja)
    url = f"/plans/{renja.id}/dashboard?period=TW2"
    html = editor.get(url).get_data(as_text=True)
    assert _dash_rows(html, s, renja) == {"Program Pengelolaan Pendapatan Daerah", "Kegiatan 1", "Kegiatan 2"}
    opener = f"/plans/{renja.id}/dashboard?period=TW2&amp;open={keg1.id}"
    assert f'hx-get="{opener}"' in html and f'href="{opener}#dn-{keg1.id}"' in html
    frag = editor.get(f"{url}&open={keg1.id}", headers=HX).get_data(as_text=True)
    assert "<html" not in frag and _dash_rows(frag, s, renja) == {"Sub kegiatan 1"} and "dn-branch-" not in frag
    page = editor.get(f"{url}&open={keg1.id}").get_data(as_text=True)  # without JavaScript: the page, opened
    assert _dash_rows(page, s, renja) == {"Program Pengelolaan Pendapatan Daerah", "Kegiatan 1", "Kegiatan 2",
                                         "Sub kegiatan 1"}
    everything = editor.get(f"{url}&open=all").get_data(as_text=True)
    assert len(_dash_rows(everything, s, renja)) == 5 and "dn-branch-" not in everything
    # the figures above the tree are the whole plan's whatever is shown
    kpi = html[html.index('id="kpi"'):html.index('id="tree"')]
    assert kpi == everything[everything.index('id="kpi"'):everything.index('id="tree"')]


def _without_tokens(html: str) -> str:
    """The page without its CSRF tokens (signed with the time)."""
    return re.sub(r"[\w-]{20,}\.[\w-]{4,8}\.[\w-]{20,}", "", html)


@pytest.mark.parametrize("query", ["", "?open={keg1}", "?edit={sub1}"])
def test_the_outline_reads_the_rows_it_shows_and_shows_what_the_whole_tree_would(editor, s, renja, large,
                                                                              monkeypatch, query):
    """Indicators and targets of closed branches are not read (most of a large plan's rows), yet the page is
    the one the whole tree gives: counts, sums, badges and rows."""
    keg1, _ = _kegiatan(s, renja)
    sub1 = plans.load_tree(s, renja).by_id[keg1.id].children[0].node
    deep = plans.create_indicator(s, sub1, IndicatorCreate(name="Jumlah dokumen", level="output", unit="dokumen",
                                                           targets=[TargetIn(year=2026, period="Y", value=3)]))
    s.commit()
    tree, shown = plans.load_outline(s, renja, set())
    assert not tree.whole and tree.by_id[sub1.id].indicators == [] and deep.id not in tree.targets
    assert tree.indicator_count == plans.load_tree(s, renja).indicator_count and len(tree.by_id) == 5
    url = f"/plans/{renja.id}" + query.format(keg1=keg1.id, sub1=sub1.id)
    editor.get(url)  # the checks' report computed (from the whole tree) and kept: the outline is read next
    read = []
    monkeypatch.setattr(plans, "load_outline", lambda *a: read.append(plan_tree.load_outline(*a)) or read[-1])
    outlined = editor.get(url).get_data(as_text=True)
    assert len(read) == 1 and not read[0][0].whole

    def whole(s, plan, open_ids):
        tree = plans.load_tree(s, plan, read_only=True)
        return tree, plan_tree.outline(tree.roots, open_ids)
    monkeypatch.setattr(plans, "load_outline", whole)
    assert _without_tokens(outlined) == _without_tokens(editor.get(url).get_data(as_text=True))
    assert ("Jumlah dokumen" in outlined) == bool(query)


@pytest.mark.parametrize("query", ["", "?view=read"])
def test_a_small_plans_page_from_plain_rows_is_the_page_from_the_whole_tree(editor, s, org, make_renstra,
                                                                             make_renja, monkeypatch, query):
    """With the checks' report kept, the page reads its plan and its Renstra as plain rows (no ORM objects):
    what it shows is what the first request, reading them whole for the checks, showed."""
    renstra = make_renstra(org)
    renja = make_renja(org, renstra=renstra)
    sasaran = next(tn.node for tn in plans.load_tree(s, renstra).walk() if tn.node.kind == "sasaran")
    plans.load_tree(s, renja).roots[0].node.serves_id = sasaran.id  # the cascade and the "Melayani" tag
    s.commit()
    url = f"/plans/{renja.id}{query}"
    first = editor.get(url).get_data(as_text=True)  # the report computed from the trees, and kept
    read = []
    for name in ("load_tree", "kept_tree", "load_outline"):
        monkeypatch.setattr(plans, name,
                            lambda *a, _f=getattr(plans, name), _n=name, **k: read.append(_n) or _f(*a, **k))
    again = editor.get(url).get_data(as_text=True)
    assert read == ["load_outline", "kept_tree"]  # plain rows, the Renstra's kept
    assert _without_tokens(again) == _without_tokens(first) and f"Melayani {sasaran.code}" in again


def test_the_renstra_kept_for_a_renjas_page_follows_each_write(editor, s, org, make_renstra, make_renja):
    """The Renstra a Renja's page shows (its cascade) is kept from one write of it to the next: a sasaran
    renamed in the Renstra is on the next page."""
    renstra = make_renstra(org)
    renja = make_renja(org, renstra=renstra)
    sasaran = next(tn.node for tn in plans.load_tree(s, renstra).walk() if tn.node.kind == "sasaran")
    s.commit()
    for _ in range(2):  # the report computed and kept, then the Renstra read plain and kept
        assert "Meningkatnya kemandirian fiskal" in editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    plans.update_node(s, sasaran, NodeUpdate(name="Meningkatnya kapasitas fiskal"))
    s.commit()
    for _ in range(2):  # read whole for the new report, then plain (kept_tree) again
        html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
        assert "Meningkatnya kapasitas fiskal" in html and "kemandirian" not in html


def test_breadcrumbs_to_a_node_open_its_branch(editor, s, renja, large):
    """The indicator page's path back to the tree opens the branch holding the node (closed otherwise)."""
    keg1, _ = _kegiatan(s, renja)
    sub1 = plans.load_tree(s, renja).by_id[keg1.id].children[0].node
    ind = plans.create_indicator(s, sub1, IndicatorCreate(name="Jumlah dokumen", level="output", unit="dokumen",
                                                          targets=[TargetIn(year=2026, period="Y", value=4)]))
    s.commit()
    html = editor.get(f"/indicators/{ind.id}").get_data(as_text=True)
    back = f"/plans/{renja.id}?open={sub1.id}#node-{sub1.id}"
    assert f'href="{back}"' in html
    assert "Sub kegiatan 1" in _rows(editor.get(back.split("#")[0]).get_data(as_text=True), s, renja)
