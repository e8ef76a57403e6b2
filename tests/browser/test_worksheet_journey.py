"""The worksheet in a real browser: from the Renja tree to a sub kegiatan that has no worksheet yet, the
five steps filled in and saved one by one with htmx (a refused row explained in place on the way), the
progress bar reaching 5/5, then the printable plan sheet."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from planner.models.worksheet import STANDARD_COMPONENTS

SUB_KEGIATAN = "Penagihan Pajak Daerah"
IKSK_5 = "IKSK-5 — Jumlah wajib pajak penunggak PKB yang ditagih"


def save(page, key, number):
    step = page.locator(f"#step-{key}")
    step.locator("button.primary", has_text="Simpan langkah ini").click()
    expect(page.locator(f"#step-{key}")).to_contain_text(f"Langkah {number} tersimpan")
    return page.locator(f"#step-{key}")


def test_walk_the_five_steps_and_print(page, login_as):
    login_as("penyusun")
    page.click("text=Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026")
    row = page.locator("tbody.node", has=page.locator("strong", has_text=re.compile(f"^{SUB_KEGIATAN}$")))
    row.locator("a.ws-link", has_text="Lembar kerja").click()
    expect(page.locator("h1")).to_have_text("Lembar Kerja Kegiatan Pelayanan Publik")
    expect(page.locator(".ws-node")).to_contain_text(SUB_KEGIATAN)
    progress = page.locator("#ws-progress")
    expect(progress).to_contain_text("0 dari 5 langkah lengkap")

    # 1. Needs: a row without its need is refused in place, the typed text stays.
    needs = page.locator("#step-needs")
    needs.locator("[name='rows.0.service']").fill("Penagihan PKB")
    needs.locator("[name='rows.0.stakeholder_group']").select_option("pengguna")
    needs.locator("[name='rows.0.stakeholder']").fill("Wajib pajak penunggak PKB")
    needs.locator("[name='rows.0.method']").select_option("pengaduan")
    needs.locator("[name='rows.0.activity']").fill("Penagihan Pajak Daerah")
    for aspect in ("kelembagaan", "sdm", "sarpras", "anggaran", "sistem_prosedur"):
        needs.locator(f"[name='capacity.{aspect}']").fill(f"Catatan kapasitas {aspect}")
    needs.locator("button.primary").click()
    expect(page.locator("#step-needs .field-error")).to_contain_text("Kebutuhan: Wajib diisi")
    needs = page.locator("#step-needs")
    expect(needs.locator("[name='rows.0.service']")).to_have_value("Penagihan PKB")
    needs.locator("[name='rows.0.need']").fill("Informasi tunggakan dan cara pelunasan yang jelas")
    rows = needs.locator("#needs-rows tr[data-row]")
    expect(rows).to_have_count(3)  # the kept row and two blank ones
    needs.locator("button[data-add-row]").click()  # the JS helper adds one more from its <template>
    expect(rows).to_have_count(4)
    expect(rows.last.locator("[name='rows.3.service']")).to_be_focused()
    rows.last.locator("[data-remove-row]").click()
    expect(rows).to_have_count(3)
    save(page, "needs", 1)
    expect(progress).to_contain_text("1 dari 5 langkah lengkap")

    # 2. Standards: the fourteen components of the service.
    standards = page.locator("#step-standards")
    standards.locator("[name='svc.0.name']").fill("Penagihan PKB")
    for key, label, _ in STANDARD_COMPONENTS:
        standards.locator(f"[name='svc.0.{key}.content']").fill(f"{label} penagihan")
        standards.locator(f"[name='svc.0.{key}.state']").select_option("ada")
    standards.locator("[name='svc.0.biaya.state']").select_option("belum_ada")
    standards.locator("[name='svc.0.biaya.activity']").fill("Penetapan biaya layanan penagihan")
    for aspect in ("dana", "sdm", "sarpras"):
        standards.locator(f"[name='constraints.{aspect}']").fill(f"Kesepakatan {aspect}")
    save(page, "standards", 2)
    expect(progress).to_contain_text("2 dari 5 langkah lengkap")

    # 3. Success: one of the sub kegiatan's own indicators, and how it is measured.
    success = page.locator("#step-success")
    success.locator("[name='rows.0.indicator_id']").select_option(label=IKSK_5)
    success.locator("[name='rows.0.activity']").fill("Rekap bulanan penagihan dan pengaduan wajib pajak")
    success.locator("[name='rows.0.method']").select_option("pengaduan")
    save(page, "success", 3)
    expect(progress).to_contain_text("3 dari 5 langkah lengkap")

    # 4. Resources: Indonesian numbers, the total against the pagu.
    resources = page.locator("#step-resources")
    resources.locator("[name='rows.0.category']").select_option("sdm")
    resources.locator("[name='rows.0.description']").fill("Honor juru sita pajak")
    resources.locator("[name='rows.0.quantity']").fill("12")
    resources.locator("[name='rows.0.unit_cost']").fill("2.500.000")
    resources = save(page, "resources", 4)
    expect(resources.locator("tfoot")).to_contain_text("Rp 30.000.000")
    expect(resources.locator("tfoot")).to_contain_text("Rp 1.650.000.000")
    expect(progress).to_contain_text("4 dari 5 langkah lengkap")

    # 5. Control: a checkpoint with owner and due date, the complaint-handling plan and its channels.
    control = page.locator("#step-control")
    control.locator("[name='rows.0.risk']").fill("Alamat wajib pajak penunggak tidak ditemukan")
    control.locator("[name='rows.0.control']").fill("SOP penagihan dan verifikasi alamat")
    control.locator("[name='rows.0.indicator_id']").select_option(label=IKSK_5)
    control.locator("[name='rows.0.period']").select_option("TW2")
    control.locator("[name='rows.0.owner']").fill("Kepala Bidang Penagihan")
    control.locator("[name='rows.0.due_date']").fill("2026-07-15")
    for aspect in ("sdm", "sop", "sarpras", "monev"):
        control.locator(f"[name='complaint.{aspect}']").fill(f"Rencana pengaduan {aspect}")
    control.locator("input[name='complaint.channels'][value='loket']").check()
    control.locator("input[name='complaint.channels'][value='aplikasi']").check()
    save(page, "control", 5)
    expect(progress).to_contain_text("5 dari 5 langkah lengkap")
    expect(progress.locator("[role=progressbar]")).to_have_attribute("aria-valuenow", "5")
    expect(progress.locator(".ws-steps li.done")).to_have_count(5)

    # Everything was saved, not only swapped in: reload and see it; the tree shows the ✓.
    page.reload()
    expect(page.locator("#ws-progress")).to_contain_text("5 dari 5 langkah lengkap")
    expect(page.locator("#step-control [name='rows.0.owner']")).to_have_value("Kepala Bidang Penagihan")

    # The printable plan sheet.
    with page.expect_popup() as popup:
        page.click("text=Cetak rencana kegiatan")
    sheet = popup.value
    sheet.wait_for_load_state()
    expect(sheet.locator("h1.sheet-title")).to_have_text("RENCANA KEGIATAN PELAYANAN PUBLIK")
    expect(sheet.locator(".sheet-identity")).to_contain_text(SUB_KEGIATAN)
    expect(sheet.locator(".sheet-identity")).to_contain_text("5 dari 5 langkah lengkap")
    expect(sheet.locator(".sheet-section")).to_have_count(5)
    expect(sheet.locator("body")).to_contain_text("Kepala Bidang Penagihan")
    assert sheet.pdf(format="A4", landscape=True)[:4] == b"%PDF"

    page.goto(page.url.split("/nodes/")[0] + "/")
    page.click("text=Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026")
    row = page.locator("tbody.node", has=page.locator("strong", has_text=re.compile(f"^{SUB_KEGIATAN}$")))
    expect(row.locator("a.ws-link", has_text="Lembar kerja")).to_have_text("Lembar kerja ✓")
    assert not [e for e in page.errors if not re.search("favicon|422", e)], page.errors
