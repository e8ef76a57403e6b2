"""Action-plan pages (issue #17): the activity page (timeline, marks, editing form), the plan and unit
timelines with the person filter, the Excel table, "Bulan saya" on the home page and the dashboard panel."""
from __future__ import annotations

from datetime import date

import pytest

from planner.excel import action_plan as xlsx
from planner.models.action_plan import StatusIn, StepIn
from planner.permissions import principal_for
from planner.services import action_plans as ap
from planner.services import monitoring as mon
from planner.services import plans

YEAR = date.today().year  # "Bulan saya" and the today line read the real clock


@pytest.fixture
def plan(org, make_renja):
    return make_renja(org, year=YEAR, activities=2)


@pytest.fixture
def keg(s, plan):
    return plans.load_tree(s, plan).roots[0].children[0]


@pytest.fixture
def admin(s, make_user):
    return principal_for(s, make_user("root", "admin"))


def add_steps(s, admin, node, *items):
    rows = ap.save_action_plan(s, admin, node, [StepIn(**i) for i in items])
    s.commit()
    return rows


def text(resp) -> str:
    return resp.get_data(as_text=True)


def test_activity_page_shows_the_timeline_with_states_in_words(s, editor, admin, keg):
    this_month = date.today().month
    add_steps(s, admin, keg.node, {"name": "Rapat persiapan", "months": [this_month], "owner": "ani",
                                   "output": "Notulen", "volume": 1, "unit": "dokumen"},
              {"name": "Langkah dibatalkan", "months": [this_month]})
    dropped = ap.node_steps(s, keg.node.id)[1]
    ap.set_status(s, admin, dropped, StatusIn(status="dropped", note="Tidak diperlukan lagi"))
    s.commit()
    html = text(editor.get(f"/nodes/{keg.node.id}/rencana-aksi"))
    assert "Rapat persiapan" in html and "Ani" in html and "Notulen" in html
    assert 'class="g-row ap-running"' in html and ">Berjalan</span>" in html  # a state is text, not colour only
    assert 'class="g-row ap-dropped"' in html and "Tidak diperlukan lagi" in html
    assert 'class="g-today"' in html and "Hari ini" in html
    assert 'id="editor"' in html and "Simpan rencana aksi" in html and 'name="steps.2.name"' in html
    assert "css/action_plans.css" in html and "http://" not in html.split("<body")[0]  # nothing from a CDN


def test_a_reader_sees_no_form(s, client, make_user, login, org, admin, keg):
    make_user("rev", "reviewer", org)
    login("rev")
    add_steps(s, admin, keg.node, {"name": "Rapat persiapan", "months": [1]})
    html = text(client.get(f"/nodes/{keg.node.id}/rencana-aksi"))
    assert "Rapat persiapan" in html and "Simpan rencana aksi" not in html and "Simpan status" not in html


def test_saving_the_form_creates_updates_and_deletes_steps(s, editor, keg):
    form = {"steps.0.name": "Rapat persiapan", "steps.0.months": ["1", "2"], "steps.0.owner": "ani",
            "steps.0.budget": "250.000", "steps.0.volume": "2,5",
            "steps.1.name": "Pelaksanaan", "steps.1.start": f"{YEAR}-03-02", "steps.1.end": f"{YEAR}-04-10",
            "steps.1.indicator_id": str(keg.indicators[0].id), "steps.1.period": "TW2",
            "steps.2.name": "", "steps.2.owner": ""}  # a blank row is ignored
    resp = editor.post(f"/nodes/{keg.node.id}/rencana-aksi", data=form)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#jadwal")
    first, second = ap.node_steps(s, keg.node.id)
    assert (first.months, float(first.budget), first.volume, first.owner_text) == ("1,2", 250000.0, 2.5, "")
    assert second.months == "3,4" and second.period == "TW2"
    form = {"steps.0.id": str(first.id), "steps.0.version": "1", "steps.0.name": "Rapat persiapan",
            "steps.0.months": "1", "steps.0._hapus": "1",
            "steps.1.id": str(second.id), "steps.1.version": "1", "steps.1.name": "Pelaksanaan layanan",
            "steps.1.months": "5", "steps.1.depends_on": []}
    assert editor.post(f"/nodes/{keg.node.id}/rencana-aksi", data=form).status_code == 302
    s.expire_all()
    (only,) = ap.node_steps(s, keg.node.id)
    assert only.id == second.id and only.name == "Pelaksanaan layanan" and only.months == "5"


def test_a_refused_form_comes_back_with_the_row_named_and_the_input_kept(s, editor, keg):
    form = {"steps.0.name": "Rapat persiapan", "steps.0.months": "1",
            "steps.1.name": "Tanpa bulan", "steps.1.output": "Laporan"}
    resp = editor.post(f"/nodes/{keg.node.id}/rencana-aksi", data=form)
    html = text(resp)
    assert resp.status_code == 422 and "Langkah 2: tandai bulan pelaksanaan" in html
    assert 'value="Tanpa bulan"' in html and 'value="Laporan"' in html
    assert ap.node_steps(s, keg.node.id) == []  # nothing half-written
    resp = editor.post(f"/nodes/{keg.node.id}/rencana-aksi", data={"steps.0.name": "Rp", "steps.0.months": "1",
                                                                    "steps.0.budget": "satu juta"})
    assert resp.status_code == 422 and "Langkah 1:" in text(resp)


def test_marking_a_step_late_needs_a_note_and_then_shows_it(s, editor, admin, keg):
    (step,) = add_steps(s, admin, keg.node, {"name": "Rapat persiapan", "months": [1]})
    url = f"/langkah/{step.id}/status"
    resp = editor.post(url, data={"status": "late", "on": date.today().isoformat(), "version": "1"})
    assert resp.status_code == 422 and "Catatan wajib diisi" in text(resp)
    resp = editor.post(url, data={"status": "late", "on": date.today().isoformat(), "note": "Narasumber berhalangan",
                                  "version": "1", "back": f"/nodes/{keg.node.id}/rencana-aksi"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"#step-{step.id}")
    html = text(editor.get(f"/nodes/{keg.node.id}/rencana-aksi"))
    assert "Narasumber berhalangan" in html and 'class="g-row ap-late"' in html
    stale = editor.post(url, data={"status": "done", "version": "1"})
    assert stale.status_code == 409 and "diubah orang lain" in text(stale)


def test_plan_and_unit_timelines_filter_by_person(s, editor, admin, org, make_org, make_renja, plan, keg):
    other = plans.load_tree(s, plan).roots[0].children[1]
    add_steps(s, admin, keg.node, {"name": "Langkah Ani", "months": [2], "owner": "ani"})
    add_steps(s, admin, other.node, {"name": "Langkah Bidang", "months": [3], "owner": "Bidang Pajak"})
    child = make_org("UPT-1", "UPT Samsat", "upt", parent=org)
    sub_plan = make_renja(child, year=YEAR, activities=1)
    add_steps(s, admin, plans.load_tree(s, sub_plan).roots[0].children[0].node,
              {"name": "Langkah UPT", "months": [4], "owner": "Kepala UPT"})
    html = text(editor.get(f"/plans/{plan.id}/rencana-aksi"))
    assert "Langkah Ani" in html and "Langkah Bidang" in html and "Langkah UPT" not in html
    assert '<option value="ani"' in html and '<option value="Bidang Pajak"' in html
    html = text(editor.get(f"/plans/{plan.id}/rencana-aksi?pemilik=Bidang+Pajak&kertas=f4"))
    assert "Langkah Bidang" in html and "Langkah Ani" not in html and "css/print/action-plan-f4.css" in html
    html = text(editor.get(f"/organisasi/{org.id}/rencana-aksi?year={YEAR}"))
    assert "Langkah Ani" in html and "Langkah UPT" in html and "2 Renja" in html


def test_excel_table_is_the_action_plan_form(s, editor, admin, keg):
    add_steps(s, admin, keg.node, {"name": "=HYPERLINK(\"http://x\")", "months": [1, 2], "owner": "ani",
                                   "output": "Notulen"})
    resp = editor.get(f"/nodes/{keg.node.id}/rencana-aksi.xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert f"rencana-aksi-{keg.node.code}-{YEAR}.xlsx" in resp.headers["Content-Disposition"]
    rows, errors = xlsx.parse(resp.data)
    assert errors == [] and len(rows) == 1
    assert (rows[0].name, rows[0].months, rows[0].owner, rows[0].code) == (
        '=HYPERLINK("http://x")', [1, 2], "Ani", keg.node.code)
    assert rows[0].program == "Program Pengelolaan Pendapatan Daerah" and rows[0].kegiatan == keg.node.name


def test_my_month_on_the_home_page(s, editor, admin, keg):
    this_month = date.today().month
    add_steps(s, admin, keg.node, {"name": "Langkah bulan ini", "months": [this_month], "owner": "ani"},
              {"name": "Langkah orang lain", "months": [this_month], "owner": "Bidang Lain"})
    html = text(editor.get("/"))
    assert 'id="my-month"' in html and "Langkah bulan ini" in html and "Langkah orang lain" not in html


def test_no_my_month_panel_without_steps(editor):
    assert 'id="my-month"' not in text(editor.get("/"))


def test_dashboard_sets_step_completion_beside_achievement_and_warns_of_late_steps(s, editor, admin, plan, keg):
    (step,) = add_steps(s, admin, keg.node, {"name": "Rapat persiapan", "months": [1]})
    mon.record_realization(s, keg.indicators[0], YEAR, "TW1", value=25)  # the activity's indicator is on target
    s.commit()
    html = text(editor.get(f"/plans/{plan.id}/dashboard?period=TW1"))
    assert 'id="action-schedule"' in html and "0 dari 1" in html
    assert "Indikator baik, langkah terlambat" in html
    assert 'id="late-steps"' in html and "Rapat persiapan" in html and "Lewat jadwal" in html
    ap.set_status(s, admin, step, StatusIn(status="done", on=date(YEAR, 1, 20)))
    s.commit()
    html = text(editor.get(f"/plans/{plan.id}/dashboard?period=TW1"))
    assert "1 dari 1" in html and "sesuai jadwal" in html and "Tidak ada langkah yang terlambat." in html


def test_plan_tree_links_every_activity_to_its_action_plan(editor, plan, keg):
    html = text(editor.get(f"/plans/{plan.id}"))
    assert f'href="/nodes/{keg.node.id}/rencana-aksi"' in html and f'href="/plans/{plan.id}/rencana-aksi"' in html


def test_activity_page_reads_in_a_bounded_number_of_statements(s, app, editor, admin, keg, engine, count_queries):
    def statements():
        with count_queries(engine) as counter:
            assert editor.get(f"/nodes/{keg.node.id}/rencana-aksi").status_code == 200
        return counter.count

    add_steps(s, admin, keg.node, {"name": "Langkah 1", "months": [1], "owner": "ani"})
    few = statements()
    add_steps(s, admin, keg.node, *[{"name": f"Langkah {i}", "months": [i], "owner": "ani"} for i in range(1, 13)])
    assert statements() == few


def test_activity_page_in_english(s, editor, admin, keg):
    add_steps(s, admin, keg.node, {"name": "Rapat persiapan", "months": [1]})
    editor.post("/lang/en", data={"next": "/"})
    html = text(editor.get(f"/nodes/{keg.node.id}/rencana-aksi"))
    assert "Save action plan" in html and "Monitoring the steps" in html and "Rapat persiapan" in html
    assert "Simpan rencana aksi" not in html and "Pemantauan langkah" not in html
