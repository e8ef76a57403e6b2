"""The main journey in a real browser: log in, open a Renja, add an activity and an output
indicator with quarterly targets, reload, and see them."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def test_add_activity_and_indicator_with_targets(page, login_as):
    login_as("penyusun")
    page.click("text=Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026")
    expect(page.locator("h1")).to_contain_text("Rencana Kerja Badan Pendapatan Daerah")

    program = page.locator("tbody.kind-program").first
    program_code = program.locator(".code").first.inner_text().strip()
    program.locator("a", has_text="+ Kegiatan").click()
    form = page.locator("form.node-form")
    form.locator("input[name=code]").fill(program_code + ".2.77")
    form.locator("input[name=name]").fill("Sosialisasi Pajak Kendaraan Bermotor Keliling")
    form.locator("input[name=pagu]").fill("350.000.000")
    form.locator("button.primary").click()
    row = page.locator("tbody.node", has_text="Sosialisasi Pajak Kendaraan Bermotor Keliling")
    expect(row).to_contain_text("Rp 350.000.000")

    row.locator("a", has_text="+ Indikator").click()
    quick = page.locator("form.quick-ind")
    quick.locator("input[name=name]").fill("Jumlah peserta sosialisasi pajak")
    quick.locator("input[name=unit]").fill("orang")
    quick.locator("select[name=accumulation]").select_option("sum")
    quick.locator("input[name=target_y]").fill("1.200")
    quick.locator("button.primary").click()
    expect(row.locator(".ind-row")).to_contain_text("Jumlah peserta sosialisasi pajak")

    row.locator("a", has_text="Jumlah peserta sosialisasi pajak").click()
    expect(page.locator("h1")).to_have_text("Jumlah peserta sosialisasi pajak")
    grid = page.locator("form[data-grid]")
    grid.locator("input[name='v-2026-TW1']").fill("300")
    page.keyboard.press("Enter")  # Enter moves to the next quarter, like a spreadsheet
    page.keyboard.type("300")
    grid.locator("input[name='v-2026-TW3']").fill("300")
    grid.locator("input[name='v-2026-TW4']").fill("300")
    grid.locator("button.primary").click()
    expect(page.locator("#targets")).to_contain_text("Target tersimpan")

    page.go_back()
    page.reload()
    row = page.locator("tbody.node", has_text="Sosialisasi Pajak Kendaraan Bermotor Keliling")
    ind_row = row.locator(".ind-row", has_text="Jumlah peserta sosialisasi pajak")
    expect(ind_row).to_contain_text("1.200")
    expect(ind_row.locator("td.num")).to_have_text(["1.200", "300", "300", "300", "300"])
    assert not [e for e in page.errors if not re.search("favicon", e)], page.errors


def test_bad_code_is_explained_in_place(page, login_as):
    login_as("penyusun")
    page.click("text=Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026")
    program = page.locator("tbody.kind-program").first
    program.locator("a", has_text="+ Kegiatan").click()
    form = page.locator("form.node-form")
    form.locator("input[name=code]").fill("9.9")
    form.locator("input[name=name]").fill("Kegiatan dengan kode salah")
    form.locator("button.primary").click()
    expect(page.locator(".field-error")).to_contain_text("tidak sesuai format Kegiatan")
    expect(page.locator("form.node-form input[name=name]")).to_have_value("Kegiatan dengan kode salah")
