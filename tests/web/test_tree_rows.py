"""The tree's rows from prepared strings (web/tree_rows.py): what each kind of target cell reads, one node's htmx
answer carrying the same markup as the page's row, and the words in the reader's language."""
from __future__ import annotations

import re

from planner.models.plan import IndicatorCreate, TargetIn
from planner.services import plans
from tests.conftest import HX


def _node_markup(html: str, node_id: int) -> str:
    return re.search(rf'<tbody id="node-{node_id}".*?</tbody>', html, re.S).group(0)


def _with_mixed_targets(s, plan):
    """Three indicators on the first kegiatan: amounts (one quarter without target), a range, a text."""
    keg = plans.load_tree(s, plan).roots[0].children[0].node
    made = [plans.create_indicator(s, keg, IndicatorCreate(
        name=name, level="outcome", unit=unit, accumulation="last", target_type=kind, targets=targets))
        for name, unit, kind, targets in (
            ("Pendapatan <retribusi> & pajak", "Rp", "number",
             [TargetIn(year=2026, period="Y", value=2_250_000_000), TargetIn(year=2026, period="TW4", value=87.5)]),
            ("Indeks kepuasan", "indeks", "range", [TargetIn(year=2026, period="TW1", lower=10.5, upper=20)]),
            ("Dokumen standar", "dokumen", "qualitative",
             [TargetIn(year=2026, period="TW2", text="Tersusunnya dokumen standar pelayanan <final> & disahkan")]))]
    s.commit()
    return keg, made


def test_each_kind_of_target_reads_in_its_cell(editor, s, renja):
    keg, (amounts, band, text) = _with_mixed_targets(s, renja)
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)

    def cells(ind):
        row = re.search(rf'<tr class="ind-row" id="ind-{ind.id}">.*?</tr>', html, re.S).group(0)
        return row, re.findall(r'<td class="num">(.*?)</td>', row)

    none = '<span class="muted">—</span>'
    row, shown = cells(amounts)
    assert shown == ['<span title="2.250.000.000">2,25 M</span>', none, none, none, '<span title="87,5">87,5</span>']
    assert "Pendapatan &lt;retribusi&gt; &amp; pajak</a>" in row
    assert 'hx-confirm="Hapus indikator “Pendapatan &lt;retribusi&gt; &amp; pajak” beserta targetnya?"' in row
    assert cells(band)[1] == [none, "10,5–20", none, none, none]
    assert cells(text)[1] == [none, none, '<span class="qual" title="Tersusunnya dokumen standar pelayanan '
                              '&lt;final&gt; &amp; disahkan">Tersusunnya dokumen...</span>', none, none]


def test_one_nodes_answer_is_its_row_on_the_page(editor, s, renja):
    keg, _ = _with_mixed_targets(s, renja)
    page = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    alone = editor.get(f"/nodes/{keg.id}", headers=HX).get_data(as_text=True)
    assert alone.strip() == _node_markup(page, keg.id).strip()
    assert 'name="csrf_token"' in alone and "+ Indikator" in alone  # the block sets up its own macros alone


def test_row_words_follow_the_language(editor, s, renja):
    keg, _ = _with_mixed_targets(s, renja)
    indonesian = _node_markup(editor.get(f"/plans/{renja.id}").get_data(as_text=True), keg.id)
    assert ">Riwayat</a>" in indonesian and "Naikkan indikator" in indonesian
    editor.post("/lang/en", data={"next": "/"})
    for html in (editor.get(f"/plans/{renja.id}").get_data(as_text=True),
                 editor.get(f"/nodes/{keg.id}", headers=HX).get_data(as_text=True)):
        english = _node_markup(html, keg.id)
        assert "Riwayat" not in english and "Naikkan" not in english and "Hapus indikator" not in english
        assert ">History</a>" in english
