"""Monitoring pages: the realisation grid and its per-cell saves, the detail of a cell (evidence,
narrative, follow-up, verification), closed periods, the budget, and the dashboards."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from sqlmodel import select

from planner.models import AuditEntry, Evidence, FollowUp, Narrative, NodeBudget, Realization
from planner.models.plan import IndicatorCreate, TargetIn
from planner.services import monitoring as mon
from planner.services import plans
from tests.conftest import HX, without_csrf

YEAR = 2026
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture
def reviewer(org, make_user):
    make_user("rina", "reviewer", org)


def tree(s, plan):
    return plans.load_tree(s, plan)


def output(s, plan, i=0):
    """The quarterly ``sum`` output indicator of kegiatan ``i`` (annual 100, 25 a quarter)."""
    return tree(s, plan).roots[0].children[i].indicators[0]


def outcome(s, plan):
    """The program's outcome indicator: %, ``last``, annual target 100 only."""
    return tree(s, plan).roots[0].indicators[0]


def cell_url(ind, period="TW1"):
    return f"/indicators/{ind.id}/realisasi/{YEAR}/{period}"


def stored(s, ind, period="TW1"):
    s.expire_all()
    return s.exec(select(Realization).where(Realization.indicator_id == ind.id, Realization.period == period)).first()


def login_as(client, username):
    client.post("/logout")
    resp = client.post("/login", data={"username": username, "password": "rahasia-123"})
    assert resp.status_code == 302
    return client


# ---------------------------------------------------------------- the grid

def test_grid_shows_indicators_with_their_periods_and_targets(editor, s, renja):
    ind = output(s, renja)
    html = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert "Realisasi 2026" in html and "Jumlah layanan kegiatan 1" in html and "Kegiatan 2" in html
    assert f'id="rc-{ind.id}-TW1"' in html and f'id="rc-{ind.id}-TW4"' in html
    assert f'hx-post="{cell_url(ind)}"' in html
    assert 'hx-trigger="cellsave, submit" hx-sync="closest table:queue all"' in html
    assert "T <span title=\"25\">25</span>" in html and "data-rgrid" in html
    assert "laporan masuk <strong>0</strong> dari 3" in html  # 3 indicators due at TW1


def test_grid_of_one_activity_shows_only_its_subtree(editor, s, renja):
    t = tree(s, renja)
    keg = t.roots[0].children[1]
    html = editor.get(f"/nodes/{keg.node.id}/realisasi?period=TW2").get_data(as_text=True)
    assert "Jumlah layanan kegiatan 2" in html and "Jumlah layanan kegiatan 1" not in html
    assert "Persentase realisasi pendapatan daerah" not in html
    assert f'name="scope" value="{keg.node.id}"' in html


def test_a_save_in_an_activity_grid_updates_only_what_that_grid_shows(editor, s, renja):
    t = tree(s, renja)
    keg = t.roots[0].children[0]
    ind = keg.indicators[0]
    resp = editor.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1", "scope": keg.node.id})
    html = summaries_after(editor, resp)
    assert f'id="sec-{keg.node.id}"' in html
    assert f'id="sec-{t.roots[0].node.id}"' not in html  # the program is not on that page
    summary = html[html.index('id="mon-summary"'):]
    assert "100,00%" in summary and "laporan masuk <strong>1</strong> dari 1" in summary  # the activity, not the plan


def summaries_after(editor, saved) -> str:
    """The summaries a saved cell asks for (its ``refresh`` request, sent by htmx when the cell lands)."""
    html = saved.get_data(as_text=True)
    refresh = re.search(r'<span hidden hx-get="([^"]+)" hx-trigger="load"', html).group(1).replace("&amp;", "&")
    return editor.get(refresh, headers=HX).get_data(as_text=True)


def test_a_monthly_indicator_gets_three_cells_under_each_quarter(editor, s, renja):
    keg = tree(s, renja).roots[0].children[0].node
    monthly = plans.create_indicator(s, keg, IndicatorCreate(
        name="Jumlah konsultasi pajak", unit="orang", frequency="monthly", accumulation="sum",
        targets=[TargetIn(year=YEAR, period="Y", value=120)]))
    s.commit()
    html = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    row = html[html.index(f'id="row-{monthly.id}"'):]
    row = row[:row.index("</tr>")]
    assert row.count('class="slot multi"') == 4
    assert [m for m in re.findall(r'id="rc-\d+-(M\d\d)"', row)] == [f"M{i:02d}" for i in range(1, 13)]


def test_save_a_cell_returns_the_cell_and_updates_the_summaries_out_of_band(editor, s, renja):
    ind = output(s, renja)
    resp = editor.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert html.lstrip().startswith(f'<div id="rc-{ind.id}-TW1"') and "just-saved" in html
    assert 'value="25"' in html and 'data-saved="25"' in html
    assert f'id="sum-{ind.id}"' in html and 'hx-swap-oob="true"' in html
    assert "100,00%" in html and "Tercapai" in html  # 25 against the TW1 target 25
    assert 'id="mon-summary"' not in html  # the summaries come in the request the cell asks for
    summaries = summaries_after(editor, resp)
    assert 'id="mon-summary"' in summaries and 'id="sec-' in summaries
    assert "laporan masuk <strong>1</strong> dari 3" in summaries
    row = stored(s, ind)
    assert (row.value, row.status, row.year) == (25, "submitted", YEAR)


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", without_csrf(html)).strip()


def _ratio(s, renja, name: str):
    keg = tree(s, renja).roots[0].children[0].node
    ratio = plans.create_indicator(s, keg, IndicatorCreate(
        name=name, unit="%", accumulation="ratio", targets=[TargetIn(year=YEAR, period="Y", value=80)]))
    s.commit()
    return ratio


def test_the_cell_answered_after_a_save_is_the_cell_the_page_shows(editor, s, renja):
    ratio = _ratio(s, renja, "Persentase <wajib> pajak & patuh")
    page = f"/plans/{renja.id}/realisasi?period=TW2"
    saved = editor.post(cell_url(ratio, "TW2"), headers=HX,
                        data={"numerator": "1.250,5", "denominator": "2000", "upto": "TW2", "back": page})
    fragment = saved.get_data(as_text=True)
    fragment = fragment[:fragment.index('<div id="sum-')]
    assert " just-saved" in fragment and "<span hidden hx-get=" in fragment
    fragment = re.sub(r'<span hidden hx-get="[^"]*"[^>]*></span>', "", fragment.replace(" just-saved", ""))
    html = editor.get(page).get_data(as_text=True)
    cell = html[html.index(f'<div id="rc-{ratio.id}-TW2"'):]
    cell = cell[:cell.index("</td>")]
    assert 'value="1.250,5"' in cell and "Persentase &lt;wajib&gt; pajak &amp; patuh" in cell
    assert _plain(fragment) == _plain(cell)


def test_typed_indonesian_numbers_are_understood(editor, s, renja):
    ind = output(s, renja)
    editor.post(cell_url(ind), headers=HX, data={"value": "1.250", "upto": "TW1"})
    assert stored(s, ind).value == 1250


@pytest.mark.parametrize("value, message", [
    ("abc", "bukan angka yang sah"),
    ("-5", "tidak boleh negatif"),
])
def test_bad_value_is_refused_in_place_and_nothing_is_saved(editor, s, renja, value, message):
    ind = output(s, renja)
    resp = editor.post(cell_url(ind), headers=HX, data={"value": value, "upto": "TW1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert html.lstrip().startswith(f'<div id="rc-{ind.id}-TW1" class="rc st-empty has-error')
    assert message in html and f'value="{value}"' in html  # what was typed stays, with the reason
    assert stored(s, ind) is None


def test_a_percentage_above_the_bound_is_refused(editor, s, renja):
    ind = outcome(s, renja)
    resp = editor.post(cell_url(ind), headers=HX, data={"value": "5000", "upto": "TW1"})
    assert resp.status_code == 422 and "tidak wajar" in resp.get_data(as_text=True)


def test_ratio_cells_take_numerator_and_denominator(editor, s, renja):
    ratio = _ratio(s, renja, "Persentase wajib pajak patuh")
    html = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert f'<div id="rc-{ratio.id}-TW1"' in html and 'name="numerator"' in html and 'name="denominator"' in html
    bad = editor.post(cell_url(ratio), headers=HX, data={"numerator": "3", "denominator": "0", "upto": "TW1"})
    assert bad.status_code == 422 and "Penyebut harus lebih dari 0" in bad.get_data(as_text=True)
    ok = editor.post(cell_url(ratio), headers=HX, data={"numerator": "60", "denominator": "75", "upto": "TW1"})
    assert ok.status_code == 200
    row = stored(s, ratio)
    assert (row.numerator, row.denominator, row.value) == (60, 75, None)
    assert "100,00%" in ok.get_data(as_text=True)  # 60 / 75 × 100 = 80 against 80


def test_qualitative_cells_take_achieved_or_not(editor, s, renja):
    keg = tree(s, renja).roots[0].children[0].node
    qual = plans.create_indicator(s, keg, IndicatorCreate(
        name="Peraturan kepala daerah tentang pajak", unit="dokumen", target_type="qualitative",
        frequency="annual", accumulation="last", targets=[TargetIn(year=YEAR, period="Y", text="Ditetapkan")]))
    s.commit()
    html = editor.get(f"/plans/{renja.id}/realisasi?period=TW4").get_data(as_text=True)
    assert f'<div id="rc-{qual.id}-Y"' in html and 'name="achieved"' in html
    resp = editor.post(cell_url(qual, "Y"), headers=HX, data={"achieved": "1", "upto": "TW4"})
    assert resp.status_code == 200 and "Tercapai" in resp.get_data(as_text=True)
    assert stored(s, qual, "Y").achieved is True


def test_emptying_a_cell_removes_its_value(editor, s, renja):
    ind = output(s, renja)
    editor.post(cell_url(ind), headers=HX, data={"value": "10", "upto": "TW1"})
    resp = editor.post(cell_url(ind), headers=HX, data={"value": "", "upto": "TW1"})
    assert resp.status_code == 200 and stored(s, ind) is None


def test_without_javascript_a_cell_posts_and_comes_back(editor, s, renja):
    ind = output(s, renja)
    back = f"/plans/{renja.id}/realisasi?period=TW1"
    resp = editor.post(cell_url(ind), data={"value": "20", "upto": "TW1", "back": back})
    assert resp.status_code == 302 and resp.headers["Location"] == back
    bad = editor.post(cell_url(ind), data={"value": "dua puluh", "upto": "TW1", "back": back})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "<html" in html and "bukan angka yang sah" in html
    assert 'value="dua puluh"' in html
    assert editor.post(cell_url(ind), data={"value": "1", "back": "https://evil.example/"}).headers[
        "Location"].startswith("/indicators/")  # only local paths


def test_a_period_the_indicator_does_not_report_on_does_not_exist(editor, s, renja):
    ind = output(s, renja)
    assert editor.post(cell_url(ind, "M01"), headers=HX, data={"value": "1"}).status_code == 404
    assert editor.get(cell_url(ind, "S1")).status_code == 404


def test_renstra_has_no_realisation(editor, org, make_renstra):
    renstra = make_renstra(org)
    resp = editor.get(f"/plans/{renstra.id}/realisasi")
    assert resp.status_code == 422 and "Renja" in resp.get_data(as_text=True)


def test_every_change_lands_in_the_audit_trail(editor, s, renja):
    ind = output(s, renja)
    editor.post(cell_url(ind), headers=HX, data={"value": "20", "upto": "TW1"})
    entry = s.exec(select(AuditEntry).where(AuditEntry.object_type == "realization")).one()
    assert (entry.plan_id, entry.node_id, entry.indicator_id, entry.username) == (renja.id, ind.node_id, ind.id, "ani")
    assert entry.changes["value"] == [None, 20.0]
    history = editor.get(f"/plans/{renja.id}/history").get_data(as_text=True)
    assert "Realisasi TW I 2026" in history


# ---------------------------------------------------------------- permissions and verification

def test_reader_sees_values_without_inputs(client, s, renja, org, make_user, login):
    make_user("pim", "pimpinan", org)
    mon.record_realization(s, output(s, renja), YEAR, "TW1", value=20)
    s.commit()
    html = login("pim").get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert "data-cell" not in html and '<span class="rc-val">20</span>' in html


def test_editing_needs_the_right_and_the_scope(client, s, renja, org, make_user, make_org, login):
    ind = output(s, renja)
    make_user("rev", "reviewer", org)
    make_user("orang-lain", "penyusun", make_org("LAIN", "Dinas Lain"))
    login("rev")
    assert client.post(cell_url(ind), headers=HX, data={"value": "1"}).status_code == 403
    login_as(client, "orang-lain")
    assert client.post(cell_url(ind), headers=HX, data={"value": "1"}).status_code == 404
    assert client.get(f"/plans/{renja.id}/dashboard").status_code == 404
    assert stored(s, ind) is None


def test_reviewer_verifies_or_returns_with_a_note(client, s, renja, org, make_user, login):
    ind = output(s, renja)
    make_user("rev", "reviewer", org)
    mon.record_realization(s, ind, YEAR, "TW1", value=25)
    s.commit()
    login("rev")
    grid = client.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert f'/indicators/{ind.id}/realisasi/{YEAR}/TW1/verify' in grid  # the quick ✓ in the cell
    ok = client.post(cell_url(ind) + "/verify", headers=HX, data={"decision": "verify", "upto": "TW1"})
    assert ok.status_code == 200 and "rs-verified" in ok.get_data(as_text=True)
    assert stored(s, ind).status == "verified"
    no_note = client.post(cell_url(ind) + "/verify", headers=HX, data={"decision": "return", "view": "detail"})
    assert no_note.status_code == 422 and "alasan pengembalian" in no_note.get_data(as_text=True)
    back = client.post(cell_url(ind) + "/verify", headers=HX,
                       data={"decision": "return", "note": "Bukti dukung belum ada", "view": "detail"})
    assert back.status_code == 200 and "Bukti dukung belum ada" in back.get_data(as_text=True)
    assert stored(s, ind).status == "returned"
    # a returned value no longer counts: the row is back to "not reported"
    html = client.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert f'id="sum-{ind.id}" class="sum st-belum_dilaporkan"' in html


def test_penyusun_cannot_verify(editor, s, renja):
    ind = output(s, renja)
    mon.record_realization(s, ind, YEAR, "TW1", value=25)
    s.commit()
    assert editor.post(cell_url(ind) + "/verify", data={"decision": "verify"}).status_code == 403


def test_closed_period_is_read_only_until_a_reviewer_reopens_it(client, s, renja, org, make_user, login):
    ind = output(s, renja)
    make_user("ani", "penyusun", org)
    make_user("rev", "reviewer", org)
    login("rev")
    close = client.post(f"/plans/{renja.id}/realisasi/{YEAR}/TW1/close", data={"back": "/"})
    assert close.status_code == 302
    login_as(client, "ani")
    html = client.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    cell = html[html.index(f'id="rc-{ind.id}-TW1"'):html.index(f'id="rc-{ind.id}-TW2"')]
    assert "data-cell" not in cell and 'class="lock" title="Periode ditutup"' in cell
    refused = client.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1"})
    assert refused.status_code == 409 and "sudah ditutup" in refused.get_data(as_text=True)
    assert client.post(cell_url(ind, "TW2"), headers=HX, data={"value": "5", "upto": "TW2"}).status_code == 200
    login_as(client, "rev")
    client.post(f"/plans/{renja.id}/realisasi/{YEAR}/TW1/reopen", data={"note": ""})
    assert any(lk.closed for lk in mon.closed_locks(s, renja, YEAR))  # a reason is required
    client.post(f"/plans/{renja.id}/realisasi/{YEAR}/TW1/reopen", data={"note": "Koreksi data Samsat"})
    s.expire_all()
    assert not mon.closed_locks(s, renja, YEAR)
    login_as(client, "ani")
    assert client.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1"}).status_code == 200
    trail = s.exec(select(AuditEntry).where(AuditEntry.object_type == "period")
                   .order_by(AuditEntry.id)).all()
    assert [e.action for e in trail] == ["create", "update"] and all(e.plan_id == renja.id for e in trail)
    assert trail[1].changes["reopen_note"] == ["", "Koreksi data Samsat"] and "dibuka kembali" in trail[1].label


def test_penyusun_cannot_close_a_period(editor, renja):
    assert editor.post(f"/plans/{renja.id}/realisasi/{YEAR}/TW1/close").status_code == 403


# ---------------------------------------------------------------- the detail of a cell

def test_detail_page_explains_the_achievement(editor, s, renja):
    ind = output(s, renja)
    mon.record_realization(s, ind, YEAR, "TW1", value=20)
    s.commit()
    html = editor.get(cell_url(ind)).get_data(as_text=True)
    assert "Capaian s.d. Triwulan I" in html and "80,00%" in html and "20 / 25 × 100" in html
    assert "Bukti dukung" in html and "Faktor pendorong" in html and "Tindak lanjut" in html


def test_evidence_upload_is_stored_outside_static_and_served_only_to_readers(
        editor, app, s, renja, make_user, make_org, org, login, client):
    ind = output(s, renja)
    resp = editor.post(cell_url(ind) + "/evidence", headers=HX,
                       data={"file": (io.BytesIO(PDF), "laporan tw1.pdf")}, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "laporan tw1.pdf" in html and html.lstrip().startswith('<section id="evidence"')
    row = s.exec(select(Evidence)).one()
    path = Path(app.config["UPLOAD_DIR"]) / row.stored_name
    assert path.read_bytes() == PDF and "static" not in str(path)
    got = editor.get(f"/evidence/{row.id}")
    assert got.status_code == 200 and got.data == PDF
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    make_user("luar", "pimpinan", make_org("LAIN", "Dinas Lain"))
    login_as(client, "luar")
    assert client.get(f"/evidence/{row.id}").status_code == 404
    make_user("pim", "pimpinan", org)
    login_as(client, "pim")
    assert client.get(f"/evidence/{row.id}").status_code == 200  # a reader of the plan
    assert client.post(f"/evidence/{row.id}/delete").status_code == 403


@pytest.mark.parametrize("name, data, message", [
    ("virus.exe", b"MZ\x90\x00", "tidak diterima"),
    ("palsu.pdf", b"bukan pdf", "bukan PDF yang sah"),
    ("besar.pdf", PDF + b"x" * 400, "terlalu besar"),
])
def test_wrong_or_oversized_files_are_refused_in_place(editor, app, s, renja, name, data, message):
    app.config["EVIDENCE_MAX_BYTES"] = 300
    ind = output(s, renja)
    resp = editor.post(cell_url(ind) + "/evidence", headers=HX, data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in html and 'class="field has-error"' in html
    assert html.lstrip().startswith('<section id="evidence"') and s.exec(select(Evidence)).first() is None


def test_evidence_link_and_its_removal(editor, s, renja):
    ind = output(s, renja)
    bad = editor.post(cell_url(ind) + "/evidence", headers=HX, data={"url": "ftp://contoh"})
    assert bad.status_code == 422 and "http://" in bad.get_data(as_text=True)
    editor.post(cell_url(ind) + "/evidence", headers=HX, data={"url": "https://data.example.id/tw1"})
    row = s.exec(select(Evidence)).one()
    follow = editor.get(f"/evidence/{row.id}")
    assert follow.status_code == 302 and follow.headers["Location"] == "https://data.example.id/tw1"
    grid = editor.get(f"/plans/{renja.id}/realisasi?period=TW1").get_data(as_text=True)
    assert "</svg>1</a>" in grid  # the paperclip and the count of evidence
    assert editor.post(f"/evidence/{row.id}/delete", headers=HX).status_code == 200
    s.expire_all()
    assert s.exec(select(Evidence)).first() is None


def test_narrative_and_follow_ups(editor, s, renja):
    ind = output(s, renja)
    resp = editor.post(cell_url(ind) + "/narrative", headers=HX, data={
        "faktor_pendorong": "Samsat keliling", "faktor_penghambat": "Jaringan terputus"})
    assert resp.status_code == 200 and "Narasi tersimpan" in resp.get_data(as_text=True)
    n = s.exec(select(Narrative)).one()
    assert (n.faktor_pendorong, n.faktor_penghambat) == ("Samsat keliling", "Jaringan terputus")
    assert f'name="version" value="{n.version}"' in resp.get_data(as_text=True)  # the form carries the version
    stale = editor.post(cell_url(ind) + "/narrative", headers=HX, data={
        "faktor_pendorong": "Samsat keliling malam", "faktor_penghambat": "", "version": str(n.version + 1)})
    assert stale.status_code == 409 and "Samsat keliling malam" in stale.get_data(as_text=True)  # kept, not saved
    s.expire_all()
    assert s.exec(select(Narrative)).one().faktor_pendorong == "Samsat keliling"
    short = editor.post(cell_url(ind) + "/follow-ups", headers=HX, data={"action": "ok"})
    assert short.status_code == 422 and "terlalu pendek" in short.get_data(as_text=True)
    editor.post(cell_url(ind) + "/follow-ups", headers=HX, data={
        "action": "Tambah loket layanan malam", "owner": "Kasi Pelayanan", "due_date": "2026-06-30"})
    fu = s.exec(select(FollowUp)).one()
    assert (fu.owner, str(fu.due_date), fu.done) == ("Kasi Pelayanan", "2026-06-30", False)
    done = editor.post(f"/follow-ups/{fu.id}", headers=HX, data={"done": "1"})
    assert done.status_code == 200 and "☑" in done.get_data(as_text=True)
    s.expire_all()
    assert s.get(FollowUp, fu.id).done is True
    fu_id = fu.id
    editor.post(f"/follow-ups/{fu_id}/delete", headers=HX)
    s.expire_all()
    assert s.get(FollowUp, fu_id) is None


# ---------------------------------------------------------------- budget

def test_budget_entry_with_absorption(editor, s, renja):
    keg = tree(s, renja).roots[0].children[0].node
    page = editor.get(f"/plans/{renja.id}/anggaran").get_data(as_text=True)
    assert f'id="budget-{keg.id}"' in page and 'name="TW1"' in page
    resp = editor.post(f"/nodes/{keg.id}/anggaran/{YEAR}", headers=HX, data={
        "pagu": "1.000.000", "TW1": "250.000", "TW2": "", "period": "TW4"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith(f'<form id="budget-{keg.id}"')
    assert "25,00%" in html and "Tersimpan" in html
    assert 'id="budget-total" hx-swap-oob="true"' in html  # the program and the total follow
    budget = s.exec(select(NodeBudget).where(NodeBudget.node_id == keg.id)).one()
    assert budget.pagu == 1_000_000


@pytest.mark.parametrize("data, message", [
    ({"pagu": "100", "TW1": "500"}, "melebihi pagu"),
    ({"pagu": "sejuta"}, "bukan angka yang sah"),
    ({"pagu": "-5"}, "tidak boleh negatif"),
])
def test_bad_budget_is_refused_in_place(editor, s, renja, data, message):
    keg = tree(s, renja).roots[0].children[0].node
    resp = editor.post(f"/nodes/{keg.id}/anggaran/{YEAR}", headers=HX, data=data)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and message in html and "has-error" in html
    assert f'value="{data["pagu"]}"' in html
    assert s.exec(select(NodeBudget)).first() is None


# ---------------------------------------------------------------- dashboards

def test_dashboard_changes_when_realisation_is_entered(editor, s, renja):
    url = f"/plans/{renja.id}/dashboard?period=TW1"
    before = editor.get(url).get_data(as_text=True)
    assert "Belum dilaporkan <strong>3</strong>" in before
    ind = output(s, renja)
    editor.post(cell_url(ind), headers=HX, data={"value": "25", "upto": "TW1"})
    keg2 = output(s, renja, 1)
    editor.post(cell_url(keg2), headers=HX, data={"value": "10", "upto": "TW1"})
    html = editor.get(url).get_data(as_text=True)
    assert "Tercapai <strong>1</strong>" in html and "Kritis <strong>1</strong>" in html
    assert html.count("<svg") >= 4  # status bar, trend, scatter, bullets
    assert 'class="chart bullet"' in html and 'class="chart trend"' in html and 'class="chart scatter"' in html
    assert "<code>10 / 25 × 100 = 40,00%</code>" in html  # each number explains itself
    assert "<code>belum ada yang dilaporkan; 1 belum dilaporkan</code>" in html  # the program waits for its outcome
    early = html[html.index('id="early-warning"'):html.index('id="missing"')]
    assert "Jumlah layanan kegiatan 2" in early and "Jumlah layanan kegiatan 1" not in early
    missing = html[html.index('id="missing"'):]
    assert "Persentase realisasi pendapatan daerah" in missing and "Belum diisi" in missing


def test_dashboard_shows_spending_without_results(editor, s, renja):
    ind = output(s, renja)
    keg = tree(s, renja).roots[0].children[0].node
    mon.record_realization(s, ind, YEAR, "TW1", value=5)  # 20 %
    mon.set_budget(s, keg, YEAR, 1000, {"TW1": 900})  # 90 %
    s.commit()
    html = editor.get(f"/plans/{renja.id}/dashboard?period=TW1").get_data(as_text=True)
    spending = html[html.index('id="spending"'):html.index('id="tree"')]
    assert 'class="point flagged"' in spending and keg.code in spending and "90,00%" in spending


def test_unknown_period_is_refused(editor, renja):
    assert editor.get(f"/plans/{renja.id}/dashboard?period=Q5").status_code == 422


def _dashboard_statements(app, client, count_queries, plan, period="TW2") -> int:
    with count_queries(app.extensions["planner.engine"]) as counter:
        resp = client.get(f"/plans/{plan.id}/dashboard?period={period}")
    assert resp.status_code == 200
    return counter.count


def _first_and_kept(app, client, count_queries, plans_: list) -> list[tuple[int, int]]:
    """Statements of each plan's dashboard when it is evaluated (the first view) and when its evaluation is
    kept (the next view, nothing written between); after a warm-up at another period (it also keeps each
    unit's settings, which every request keeps once read: services.directory)."""
    for plan in plans_:
        _dashboard_statements(app, client, count_queries, plan, "TW1")
    first = [_dashboard_statements(app, client, count_queries, p) for p in plans_]
    return list(zip(first, [_dashboard_statements(app, client, count_queries, p) for p in plans_]))


def _with_reports(s, plan):
    for i, row in enumerate(mon.progress_for_plan(s, plan, YEAR, "TW2", mon.Settings(), with_trend=False).rows):
        if row.indicator.accumulation == "sum":
            mon.record_realization(s, row.indicator, YEAR, "TW1", value=i % 30)
            mon.add_evidence_link(s, row.indicator, YEAR, "TW1", f"https://contoh.id/{plan.id}/{i}")
            mon.set_budget(s, plans.get_node(s, row.indicator.node_id), YEAR, 1000, {"TW1": 100})
    s.commit()


def test_dashboard_issues_the_same_statements_for_a_small_and_a_big_plan(
        app, client, s, org, make_org, make_renja, make_user, login, count_queries):
    small = make_renja(org, activities=3)
    big = make_renja(make_org("BESAR", "Dinas Besar", parent=org), activities=120)
    for plan in (small, big):
        _with_reports(s, plan)
    make_user("ani", "penyusun", org)
    login("ani")
    counts = _first_and_kept(app, client, count_queries, [small, big])
    assert counts[0] == counts[1]
    first, kept = counts[0]
    assert first <= 26 and kept < first  # page, top-bar tasks, settings, action-plan panel; then no plan read


def test_dashboard_of_the_largest_demo_plan_is_bounded(app, client, s, demo, count_queries):
    from planner.models import Indicator, Plan
    from planner.services import seeds

    renjas = s.exec(select(Plan).where(Plan.kind == "renja")).all()
    size = {p.id: len(s.exec(select(Indicator.id).where(Indicator.plan_id == p.id)).all()) for p in renjas}
    largest = max(renjas, key=lambda p: size[p.id])
    smallest = min(renjas, key=lambda p: size[p.id])
    _with_reports(s, largest)
    client.post("/login", data={"username": "admin", "password": seeds.DEMO_PASSWORD})
    counts = _first_and_kept(app, client, count_queries, [largest, smallest])
    assert size[largest.id] > size[smallest.id]
    assert counts[0] == counts[1] and counts[0][0] <= 26  # page, top-bar tasks, settings, action-plan panel


def test_reviewer_dashboard_ranks_the_plans_in_scope(client, s, make_org, make_renja, make_user, login):
    parent = make_org("PEMPROV", "Pemerintah Provinsi", "pemda")
    good = make_renja(make_org("DINAS-A", "Dinas Baik", parent=parent), activities=1)
    poor = make_renja(make_org("DINAS-B", "Dinas Tertinggal", parent=parent), activities=1)
    make_renja(make_org("DINAS-C", "Dinas Luar"), activities=1)
    for plan, value in ((good, 25), (poor, 5)):
        mon.record_realization(s, output(s, plan), YEAR, "TW1", value=value)
    mon.record_realization(s, outcome(s, good), YEAR, "TW1", value=100)
    s.commit()
    make_user("rev", "reviewer", parent)
    login("rev")
    with client.session_transaction() as sess:
        sess["year"] = YEAR
    html = client.get("/monitoring?period=TW1").get_data(as_text=True)
    by_ach = html[html.index('id="by-achievement"'):html.index('id="by-completeness"')]
    assert by_ach.index("Dinas Baik") < by_ach.index("Dinas Tertinggal") and "Dinas Luar" not in html
    by_comp = html[html.index('id="by-completeness"'):]
    assert by_comp.index("Dinas Baik") < by_comp.index("Dinas Tertinggal")
    assert "2 / 2" in by_comp and "1 / 2" in by_comp


def test_a_penyusun_reaches_the_cross_unit_dashboard_of_their_own_units(editor, renja):
    html = editor.get("/monitoring").get_data(as_text=True)
    assert "Badan Pendapatan Daerah" in html


def test_plan_page_links_to_realisation_and_dashboard(editor, renja):
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert f'href="/plans/{renja.id}/realisasi"' in html and f'href="/plans/{renja.id}/dashboard"' in html
