"""The worksheet page of an activity (issue #5): each of the five steps saved with htmx and with a plain
form post, refused input shown in place and kept, completeness on the page, the print view and the workbook."""
from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from planner.models import worksheet as wm
from planner.services import monitoring, plans
from planner.services import worksheet as svc
from tests.conftest import HX



@pytest.fixture
def keg(s, renja):
    """Kegiatan 1: pagu Rp 1.000.000, one output indicator (100 layanan, 25 per quarter), one sub kegiatan."""
    return plans.load_tree(s, renja).roots[0].children[0]


def url(node, step=None):
    return f"/nodes/{node.id}/lembar-kerja" + (f"/{step}" if step else "")


def load(s, node):
    s.expire_all()
    return svc.load(s, plans.get_node(s, node.id))


def blank(prefix, fields, i):
    return {f"{prefix}.{i}.{f}": "" for f in fields}


# ---------------------------------------------------------------- complete step forms

CAPACITY = {f"capacity.{k}": f"Catatan {label}" for k, label in wm.CAPACITY_ASPECTS.items()}


def needs_form(**row):
    data = {"rows.0.service": "Konsultasi Pajak Daerah", "rows.0.stakeholder_group": "pengguna",
            "rows.0.stakeholder": "Wajib pajak kendaraan bermotor", "rows.0.need": "Penjelasan tata cara pajak",
            "rows.0.method": "pengaduan", "rows.0.activity": "Pelayanan dan Konsultasi Pajak Daerah"}
    data.update({f"rows.0.{k}": v for k, v in row.items()})
    return data | blank("rows", ("service", "stakeholder_group", "stakeholder", "need", "method", "activity"), 1) | CAPACITY


def standards_form(service="Konsultasi Pajak Daerah", j=0, skip=()):
    data = {f"svc.{j}.name": service}
    for key, label, _ in wm.STANDARD_COMPONENTS:
        if key in skip:
            continue
        data |= {f"svc.{j}.{key}.content": f"Isi {label}", f"svc.{j}.{key}.state": "ada", f"svc.{j}.{key}.activity": ""}
    data |= {f"svc.{j}.biaya.state": "belum_ada", f"svc.{j}.biaya.activity": "Perumusan biaya/tarif layanan"}
    return data | {"constraints.dana": "APBD", "constraints.sdm": "6 petugas", "constraints.sarpras": "Ruang konsultasi"}


def success_form(indicator_id):
    return {"rows.0.indicator_id": str(indicator_id), "rows.0.measure": "", "rows.0.dimension": "volume",
            "rows.0.activity": "Pengawasan pelayanan publik bulanan", "rows.0.method": "pengawasan",
            "rows.1.indicator_id": "", "rows.1.measure": "Indeks kepuasan wajib pajak", "rows.1.dimension": "kepuasan",
            "rows.1.activity": "Survei kepuasan masyarakat", "rows.1.method": "skm",
            "rows.2.indicator_id": "", "rows.2.measure": "", "rows.2.dimension": "lainnya", "rows.2.activity": "",
            "rows.2.method": "lainnya"}


def resources_form(unit_cost="250.000", reason=""):
    return {"rows.0.category": "sdm", "rows.0.description": "Honor petugas konsultasi", "rows.0.quantity": "2",
            "rows.0.unit": "OB", "rows.0.unit_cost": unit_cost, "rows.0.source": "internal", "rows.0.partner": "",
            "rows.1.category": "peralatan", "rows.1.description": "Kios konsultasi", "rows.1.quantity": "1",
            "rows.1.unit": "unit", "rows.1.unit_cost": "Rp 50.000.000", "rows.1.source": "mitra",
            "rows.1.partner": "Bank Kalbar",
            "rows.2.category": "", "rows.2.description": "", "rows.2.quantity": "", "rows.2.unit": "",
            "rows.2.unit_cost": "", "rows.2.source": "internal", "rows.2.partner": "",
            "partners.0.name": "Bank Kalbar", "partners.0.kind": "swasta", "partners.0.role": "Penyedia kios",
            "partners.0.resource": "Kios", "partners.0.risk": "Pemeliharaan",
            "partners.1.name": "", "partners.1.kind": "lainnya", "partners.1.role": "", "partners.1.resource": "",
            "partners.1.risk": "", "over_pagu_reason": reason}


def control_form(indicator_id, **row):
    data = {"rows.0.risk": "Antrean panjang pada masa jatuh tempo", "rows.0.control": "SOP antrean",
            "rows.0.indicator_id": str(indicator_id), "rows.0.period": "TW1", "rows.0.cause": "Petugas kurang",
            "rows.0.follow_up": "Tambah loket sementara", "rows.0.owner": "Kepala Bidang Pajak",
            "rows.0.due_date": "2026-04-15",
            "rows.1.risk": "", "rows.1.control": "", "rows.1.indicator_id": "", "rows.1.period": "Y",
            "rows.1.cause": "", "rows.1.follow_up": "", "rows.1.owner": "", "rows.1.due_date": "",
            "complaint.sdm": "Pelatihan service excellent", "complaint.sop": "SOP penanganan keluhan",
            "complaint.sarpras": "Kotak dan loket pengaduan", "complaint.monev": "Rekap bulanan"}
    data.update({f"rows.0.{k}": v for k, v in row.items()})
    return data


def control_post(client, node, data, channels=("loket", "web"), headers=None):
    body = list(data.items()) + [("complaint.channels", c) for c in channels]
    from werkzeug.datastructures import MultiDict
    return client.post(url(node, "control"), data=MultiDict(body), headers=headers or {})


def fill_all(client, keg):
    ind = keg.indicators[0]
    assert client.post(url(keg.node, "needs"), data=needs_form()).status_code == 302
    assert client.post(url(keg.node, "standards"), data=standards_form()).status_code == 302
    assert client.post(url(keg.node, "success"), data=success_form(ind.id)).status_code == 302
    assert client.post(url(keg.node, "resources"), data=resources_form()).status_code == 302
    assert control_post(client, keg.node, control_form(ind.id)).status_code == 302


# ---------------------------------------------------------------- the page

def test_page_shows_five_steps_with_their_rules(editor, keg):
    resp = editor.get(url(keg.node))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" in html
    for key in wm.STEP_KEYS:
        assert f'id="step-{key}"' in html and wm.STEP_TITLES[key] in html
    for rule in svc.RULES.values():
        assert rule in html
    assert "0 dari 5 langkah lengkap" in html and 'role="progressbar"' in html
    for _, label, _ in wm.STANDARD_COMPONENTS:  # the standards step names all 14 components
        assert label in html
    assert keg.node.name in html and "Jumlah layanan kegiatan 1" in html  # the indicator to link
    assert 'name="rows.0.service"' in html and 'name="rows.1.service"' in html  # blank rows without JavaScript
    assert 'data-row-template="needs-rows"' in html and "rows.__i__.service" in html


def test_only_activity_levels_have_a_worksheet(editor, s, renja, keg):
    program = plans.load_tree(s, renja).roots[0].node
    assert editor.get(url(program)).status_code == 422
    assert editor.get(url(keg.children[0].node)).status_code == 200  # sub kegiatan


def test_tree_links_to_the_worksheet_with_its_progress(editor, s, renja, keg):
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    program = plans.load_tree(s, renja).roots[0].node
    assert f'href="/nodes/{keg.node.id}/lembar-kerja"' in html
    assert f'href="/nodes/{keg.children[0].node.id}/lembar-kerja"' in html
    assert f'href="/nodes/{program.id}/lembar-kerja"' not in html
    editor.post(url(keg.node, "needs"), data=needs_form())
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "Lembar kerja 1/5" in html
    fill_all(editor, keg)
    html = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "Lembar kerja ✓" in html and "5 dari 5 langkah lengkap" in html


def test_tree_badges_cost_the_same_whatever_the_number_of_worksheets(app, editor, s, renja, keg, count_queries):
    engine = app.extensions["planner.engine"]
    editor.post(url(keg.node, "needs"), data=needs_form())
    editor.get("/")  # warm up what every page keeps across requests, whatever the plan (services.directory)
    counts = []
    for node in (None, keg.children[0].node):
        if node is not None:
            editor.post(url(node, "needs"), data=needs_form())
        with count_queries(engine) as c:
            assert editor.get(f"/plans/{renja.id}").status_code == 200
        counts.append(c.count)
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- step 1

def test_needs_saved_with_htmx(editor, s, keg):
    resp = editor.post(url(keg.node, "needs"), headers=HX, data=needs_form())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<section id="step-needs"') and "Langkah 1 tersimpan" in html
    assert '<section id="ws-progress"' in html and 'hx-swap-oob="true"' in html  # progress bar out of band
    assert "1 dari 5 langkah lengkap" in html
    assert 'id="ws-version-standards" value="2" hx-swap-oob="true"' in html  # other steps' forms follow
    st = load(s, keg.node).needs
    assert st.complete and [r.service for r in st.rows] == ["Konsultasi Pajak Daerah"]  # the blank row dropped
    assert st.rows[0].method_label == "Data pengaduan"


def test_needs_saved_without_javascript(editor, s, keg):
    resp = editor.post(url(keg.node, "needs"), data=needs_form())
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/nodes/{keg.node.id}/lembar-kerja#step-needs")
    html = editor.get(url(keg.node)).get_data(as_text=True)
    assert "Langkah 1 (Analisa Kebutuhan User/Stakeholder) tersimpan." in html
    assert 'value="Wajib pajak kendaraan bermotor"' in html and "1 dari 5 langkah lengkap" in html


def test_needs_completeness_names_what_is_missing(editor, s, keg):
    form = needs_form(activity="") | {"capacity.anggaran": ""}
    html = editor.post(url(keg.node, "needs"), headers=HX, data=form).get_data(as_text=True)
    assert "Belum lengkap" in html and "catatan kapasitas: Anggaran" in html
    assert "kebutuhan pemangku kepentingan beserta kegiatan yang menjawabnya" in html
    assert not load(s, keg.node).needs.complete


def test_needs_error_is_shown_in_place_and_input_kept(editor, s, keg):
    form = needs_form(need="")
    resp = editor.post(url(keg.node, "needs"), headers=HX, data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and html.lstrip().startswith('<section id="step-needs"')
    cell = re.search(r'<td class=" has-error">\s*<textarea name="rows\.0\.need".*?</td>', html, re.S)
    assert cell and "Baris 1 · Kebutuhan: Wajib diisi" in cell.group(0)
    assert 'value="Konsultasi Pajak Daerah"' in html and 'value="Wajib pajak kendaraan bermotor"' in html
    assert "Catatan Kelembagaan" in html  # the notes are kept too
    assert load(s, keg.node).worksheet.id is None  # nothing saved


def test_needs_error_without_javascript_renders_the_page(editor, s, keg):
    resp = editor.post(url(keg.node, "needs"), data=needs_form(stakeholder_group=""))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "<html" in html and "Kelompok: Wajib diisi" in html
    assert 'value="Konsultasi Pajak Daerah"' in html


def test_rows_are_removed_with_the_hapus_checkbox(editor, s, keg):
    form = needs_form() | {"rows.1.service": "Drive thru Samsat", "rows.1.stakeholder_group": "pengguna",
                           "rows.1.need": "Bayar pajak tanpa turun", "rows.1.method": "survei"}
    editor.post(url(keg.node, "needs"), data=form)
    assert len(load(s, keg.node).needs.rows) == 2
    editor.post(url(keg.node, "needs"), data=form | {"rows.0._hapus": "1"})
    assert [r.service for r in load(s, keg.node).needs.rows] == ["Drive thru Samsat"]


# ---------------------------------------------------------------- step 2

def test_standards_saved_with_htmx_and_complete(editor, s, keg):
    resp = editor.post(url(keg.node, "standards"), headers=HX, data=standards_form())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Langkah 2 tersimpan" in html and "14 dari 14 komponen" in html
    st = load(s, keg.node).standards
    assert st.complete and len(st.rows) == 14
    assert {n.key: n.text for n in st.constraints}["sdm"] == "6 petugas"


def test_standards_saved_without_javascript(editor, s, keg):
    resp = editor.post(url(keg.node, "standards"), data=standards_form())
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#step-standards")
    assert load(s, keg.node).standards.complete


def test_standards_rule_lists_missing_components(editor, s, keg):
    form = standards_form(skip=("evaluasi_kinerja",))
    form["svc.0.biaya.activity"] = ""
    html = editor.post(url(keg.node, "standards"), headers=HX, data=form).get_data(as_text=True)
    assert "1 komponen belum diisi (Evaluasi kinerja pelaksana)" in html
    assert "kegiatan untuk komponen Biaya/tarif" in html
    assert not load(s, keg.node).standards.complete


def test_standards_two_services_and_a_bad_state(editor, s, keg):
    form = standards_form() | standards_form("Drive thru Samsat", j=1)
    editor.post(url(keg.node, "standards"), data=form)
    st = load(s, keg.node).standards
    assert [sv.service for sv in st.services] == ["Konsultasi Pajak Daerah", "Drive thru Samsat"] and st.complete
    form["svc.1.persyaratan.state"] = "hampir_ada"
    resp = editor.post(url(keg.node, "standards"), headers=HX, data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert re.search(r'<select name="svc\.1\.persyaratan\.state"[^>]*aria-invalid="true"', html)
    assert "Layanan 2 · Persyaratan · Keadaan: Pilihan tidak dikenal" in html


def test_standards_same_service_twice_is_shown_at_its_name(editor, s, keg):
    form = standards_form() | standards_form("konsultasi pajak daerah", j=1)
    resp = editor.post(url(keg.node, "standards"), headers=HX, data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "diisi dua kali" in html
    assert re.search(r'<input type="text" name="svc\.1\.name" value="konsultasi pajak daerah"[^>]*aria-invalid', html)


# ---------------------------------------------------------------- step 3

def test_success_links_the_activitys_indicator(editor, s, keg):
    ind = keg.indicators[0]
    resp = editor.post(url(keg.node, "success"), headers=HX, data=success_form(ind.id))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Langkah 3 tersimpan" in html and "Target 100 layanan" in html
    st = load(s, keg.node).success
    assert st.complete and [line.name for line in st.rows] == [ind.name, "Indeks kepuasan wajib pajak"]
    resp = editor.post(url(keg.node, "success"), data=success_form(ind.id))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#step-success")


def test_success_rule_needs_a_linked_indicator(editor, s, keg):
    form = success_form(keg.indicators[0].id) | {"rows.0.indicator_id": "", "rows.0.measure": "Antrean"}
    html = editor.post(url(keg.node, "success"), headers=HX, data=form).get_data(as_text=True)
    assert "indikator kegiatan yang ditautkan sebagai ukuran keberhasilan" in html
    assert not load(s, keg.node).success.complete


def test_success_row_without_indicator_or_measure_is_refused(editor, s, keg, renja):
    other = plans.load_tree(s, renja).roots[0].children[1].indicators[0]  # Kegiatan 2's: not linkable here
    form = success_form(other.id)
    resp = editor.post(url(keg.node, "success"), headers=HX, data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "bukan indikator kegiatan ini" in html
    assert re.search(r'<select name="rows\.0\.indicator_id"[^>]*aria-invalid="true"', html)
    assert 'value="Indeks kepuasan wajib pajak"' in html


# ---------------------------------------------------------------- step 4

def test_resources_total_and_over_pagu_warning(editor, s, keg):
    resp = editor.post(url(keg.node, "resources"), headers=HX, data=resources_form())
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Langkah 4 tersimpan" in html
    assert "Rp 500.000" in html and "Rp 50.500.000" in html and "Rp 1.000.000" in html  # internal, total, pagu
    assert "ws-pagu-warning" not in html and "ws-over" not in html
    st = load(s, keg.node).resources
    assert st.complete and st.total == 50_500_000 and st.total_partner == 50_000_000

    html = editor.post(url(keg.node, "resources"), headers=HX, data=resources_form("750.000")).get_data(as_text=True)
    assert "melebihi pagu sebesar Rp 500.000" in html and "alasan biaya melebihi pagu" in html and "ws-over" in html
    assert not load(s, keg.node).resources.complete
    editor.post(url(keg.node, "resources"), data=resources_form("750.000", reason="Tambahan dari APBD-P"))
    assert load(s, keg.node).resources.complete


def test_resources_bad_number_and_missing_partner(editor, s, keg):
    resp = editor.post(url(keg.node, "resources"), headers=HX, data=resources_form("dua ratus ribu"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Baris 1 · Harga satuan" in html and 'value="dua ratus ribu"' in html
    form = resources_form() | {"partners.0.name": ""}
    html = editor.post(url(keg.node, "resources"), headers=HX, data=form).get_data(as_text=True)
    assert "Mitra 1 · Nama mitra: Wajib diisi" in html and 'value="Penyedia kios"' not in html  # a textarea
    assert "Penyedia kios</textarea>" in html
    form = resources_form() | {"partners.0._hapus": "1"}
    html = editor.post(url(keg.node, "resources"), headers=HX, data=form).get_data(as_text=True)
    assert "Baris 2 · Mitra: Mitra &#39;Bank Kalbar&#39; belum tercatat di daftar mitra kolaborasi" in html
    assert load(s, keg.node).worksheet.id is None


# ---------------------------------------------------------------- step 5

def test_control_saved_with_realisation_from_monitoring(editor, s, keg, renja):
    ind = keg.indicators[0]
    monitoring.record_realization(s, plans.get_indicator(s, ind.id), 2026, "TW1", value=20)
    s.commit()
    resp = control_post(editor, keg.node, control_form(ind.id), headers=HX)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Langkah 5 tersimpan" in html
    readout = re.search(r'class="ws-readout.*?</div>', html, re.S).group(0)
    assert "Target</small>25 layanan<" in readout and "(pemantauan)</small>20<" in readout
    assert '<span class="behind"><small>Gap</small>5<' in readout  # five services behind the quarter's target
    st = load(s, keg.node).control
    assert st.complete and st.channels == ["loket", "web"] and st.rows[0].row.owner == "Kepala Bidang Pajak"
    resp = control_post(editor, keg.node, control_form(ind.id))
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#step-control")


def test_control_rule_needs_channels_and_owner(editor, s, keg):
    resp = control_post(editor, keg.node, control_form(keg.indicators[0].id, owner=""), channels=(), headers=HX)
    html = resp.get_data(as_text=True)
    assert "baris pengendalian dengan penanggung jawab dan tenggat waktu" in html and "saluran pengaduan" in html
    assert not load(s, keg.node).control.complete


def test_control_bad_due_date_in_place(editor, s, keg):
    resp = control_post(editor, keg.node, control_form(keg.indicators[0].id, due_date="2031-01-01"), headers=HX)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "Baris 1 · Tenggat" in html
    assert re.search(r'<input type="date" name="rows\.0\.due_date" value="2031-01-01"[^>]*aria-invalid', html)
    assert 'value="Kepala Bidang Pajak"' in html


def test_approved_plan_keeps_only_the_control_step_open(editor, s, keg, renja):
    plan = plans.get_plan(s, renja.id)
    plan.status = "approved"
    s.commit()
    page = editor.get(url(keg.node)).get_data(as_text=True)
    assert "hanya langkah 5 (pengendalian) yang masih dapat diubah" in page
    assert page.count("Simpan langkah ini") == 1
    resp = editor.post(url(keg.node, "needs"), headers=HX, data=needs_form())
    assert resp.status_code == 409 and "tidak dapat diubah" in resp.get_data(as_text=True)
    resp = control_post(editor, keg.node, control_form(keg.indicators[0].id), headers=HX)
    assert resp.status_code == 200 and load(s, keg.node).control.complete


# ---------------------------------------------------------------- versions and permissions

def test_stale_version_is_refused_and_input_kept(editor, s, keg):
    editor.post(url(keg.node, "needs"), data=needs_form())
    version = load(s, keg.node).worksheet.version
    editor.post(url(keg.node, "success"), data=success_form(keg.indicators[0].id) | {"version": str(version)})
    resp = editor.post(url(keg.node, "needs"), headers=HX, data=needs_form(need="Kebutuhan baru") | {"version": str(version)})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "telah diubah orang lain" in html and "Kebutuhan baru" in html
    assert f'id="ws-version-needs" value="{version + 1}"' in html  # saving again overwrites knowingly
    assert load(s, keg.node).needs.rows[0].need == "Penjelasan tata cara pajak"


def test_reader_sees_the_worksheet_but_cannot_save(client, login, make_user, org, s, keg):
    make_user("pak", "pimpinan", org)
    login("pak")
    html = client.get(url(keg.node)).get_data(as_text=True)
    assert "Simpan langkah ini" not in html and "<fieldset disabled" in html
    assert client.post(url(keg.node, "needs"), data=needs_form()).status_code == 403
    assert client.get(url(keg.node, "cetak")).status_code == 200


def test_another_units_worksheet_is_not_found(editor, s, make_org, make_renja):
    other = make_renja(make_org("LAIN", "Dinas Lain"))
    node = plans.load_tree(s, other).roots[0].children[0].node
    assert editor.get(url(node)).status_code == 404
    assert editor.post(url(node, "needs"), data=needs_form()).status_code == 404
    assert editor.get(url(node) + ".xlsx").status_code == 404


def test_unknown_step_is_not_found(editor, keg):
    assert editor.post(url(keg.node, "anggaran"), data={}).status_code == 404


def test_worksheet_page_is_bounded(app, editor, s, keg, count_queries):
    engine = app.extensions["planner.engine"]
    editor.get(url(keg.node))  # warm up: what the layout keeps across requests (services.directory)
    counts = []
    for copies in (1, 6):
        form = needs_form()
        for i in range(1, copies):
            form |= {f"rows.{i}.{k.split('.')[-1]}": v for k, v in needs_form().items() if k.startswith("rows.0.")}
        editor.post(url(keg.node, "needs"), data=form)
        with count_queries(engine) as c:
            assert editor.get(url(keg.node)).status_code == 200
        counts.append(c.count)
    assert len(load(s, keg.node).needs.rows) == 6 and counts[0] == counts[1]


# ---------------------------------------------------------------- print view and workbook

def test_print_view(editor, s, keg, org):
    fill_all(editor, keg)
    resp = editor.get(url(keg.node, "cetak"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "RENCANA KEGIATAN PELAYANAN PUBLIK" in html
    # A4 landscape comes from the stylesheet's named page, the print button from static JS (no inline code: CSP)
    assert 'class="sheet-body"' in html and "data-print" in html
    css = editor.get("/static/css/planner.css").get_data(as_text=True)
    assert "size: A4 landscape" in css and ".sheet-body { page: worksheet-sheet; }" in css
    assert org.name in html and f"{keg.node.code} {keg.node.name}" in html and "5 dari 5 langkah lengkap" in html
    for key in wm.STEP_KEYS:
        assert wm.STEP_TITLES[key].upper() in html
    for _, label, _ in wm.STANDARD_COMPONENTS:
        assert label in html
    assert "Rp 50.500.000" in html and "Bank Kalbar" in html and "Kepala Bidang Pajak" in html
    assert "15-04-2026" in html  # the due date


def test_print_view_of_an_empty_worksheet(editor, keg):
    html = editor.get(url(keg.node, "cetak")).get_data(as_text=True)
    assert "(belum diisi)" in html and "0 dari 5 langkah lengkap" in html and "Belum lengkap:" in html


def test_excel_download(editor, s, keg):
    fill_all(editor, keg)
    resp = editor.get(url(keg.node) + ".xlsx")
    assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
    assert f'filename="rencana-kegiatan-{keg.node.code}-2026.xlsx"' in resp.headers["Content-Disposition"]
    wb = load_workbook(BytesIO(resp.data))
    ws = wb.active
    assert ws["A1"].value == "RENCANA KEGIATAN PELAYANAN PUBLIK"
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert keg.node.name in text and "Konsultasi Pajak Daerah" in text and "Evaluasi kinerja pelaksana" in text
