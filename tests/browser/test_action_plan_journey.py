"""Action plans in a real browser: a penyusun opens the plan's action-plan timeline, goes to an activity, marks a
step late with a note, attaches a file as the step's evidence (as a realisation has it), and sees the step among
the late steps of the dashboard's early warnings."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, save_screenshot

PLAN = "Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026"
ACTIVITY = "5.02.04.1.01.0007"
STEP = "Evaluasi layanan konsultasi dan survei kepuasan wajib pajak"


def test_mark_a_step_late_and_see_it_on_the_dashboard(page, login_as):
    login_as("penyusun")
    page.click(f"text={PLAN}")
    page.locator(".workflow a", has_text="Rencana aksi").click()
    expect(page.locator("h1")).to_contain_text("Rencana aksi 2026")
    expect(page.locator(".gantt")).to_contain_text("Layanan konsultasi pajak keliling ke kecamatan")
    # The person filter keeps one owner's steps.
    page.select_option("select[name=pemilik]", "penyusun")
    page.get_by_role("button", name="Tampilkan").click()
    expect(page.locator(".gantt .g-row")).to_have_count(3)
    page.locator(".g-group a", has_text="Pelayanan dan Konsultasi Pajak Daerah").click()
    expect(page.locator("h1")).to_contain_text(ACTIVITY)

    row = page.locator("#langkah tr", has_text=STEP)
    expect(row.locator(".ap-badge")).not_to_have_text("Terlambat")
    row.locator("summary", has_text="Tandai").click()
    row.locator("select[name=status]").select_option("late")
    row.locator("input[name=note]").fill("Responden survei belum terkumpul.")
    row.get_by_role("button", name="Simpan status").click()
    expect(page.locator("#flash")).to_contain_text("Terlambat")
    row = page.locator("#langkah tr", has_text=STEP)
    expect(row.locator(".ap-badge")).to_have_text("Terlambat")
    expect(page.locator(".gantt .g-row.ap-late", has_text=STEP)).to_be_visible()

    # Evidence of the step: a file, checked and stored as a realisation's evidence is, listed at the step.
    row.locator("summary", has_text="Tambah bukti dukung").click()
    row.locator("input[type=file]").set_input_files(
        {"name": "rekap-responden.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"})
    row.get_by_role("button", name="Tambah bukti dukung").click()
    expect(page.locator("#flash")).to_contain_text("ditambahkan")
    row = page.locator("#langkah tr", has_text=STEP)
    expect(row.locator(".ap-evidence a", has_text="rekap-responden.pdf")).to_be_visible()
    row.scroll_into_view_if_needed()
    save_screenshot(page, SCREENSHOTS / "action-plan-step-evidence.png", full_page=False)

    page.locator(".workflow a", has_text="Dasbor").click()
    expect(page.locator("h1")).to_contain_text("Dasbor kinerja 2026")
    late = page.locator("#early-warning #late-steps tr", has_text=STEP)
    expect(late).to_contain_text("Responden survei belum terkumpul.")
    expect(late.locator(".ap-badge")).to_have_text("Terlambat")
    expect(page.locator("#action-schedule")).to_contain_text(ACTIVITY)
    unexpected = [e for e in page.errors if not re.search("favicon", e)]
    assert not unexpected, page.errors
