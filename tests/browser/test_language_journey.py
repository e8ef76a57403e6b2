"""The language toggle in a real browser: Indonesian first (even for an English browser), English after
the toggle, with ``<html lang>`` following (the toggle is a full page load, not a boosted swap)."""
from __future__ import annotations

from playwright.sync_api import expect


def test_toggle_to_english_and_back(page, login_as):
    login_as("penyusun")  # Playwright's Chromium asks for en-US: the UI stays Indonesian
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator(".usermenu")).to_contain_text("Keluar")

    page.click("button:has-text('English')")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.click("text=Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026")
    expect(page.locator("#tree thead")).to_contain_text("Description / performance indicator")
    expect(page.locator("tbody.kind-program").first).to_contain_text("+ Activity")
    page.wait_for_load_state()  # htmx wired the search box (a loaded machine showed the rows before that)
    with page.expect_response(lambda r: "q=Pendataan" in r.url):
        page.locator("input[type=search]").fill("Pendataan")  # an htmx fragment, in English too
    expect(page.locator("#tree")).not_to_contain_text("Penagihan Pajak Daerah")
    expect(page.locator("#tree thead")).to_contain_text("Budget ceiling (Rp)")

    page.click("button:has-text('Bahasa Indonesia')")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("#tree thead")).to_contain_text("Uraian / indikator kinerja")
    assert page.errors == []
