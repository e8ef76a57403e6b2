"""Evaluation across units in a real browser (issue 18): the coordinator reopens the demo round, the evaluator
verifies a unit's scores and sees the ranking change; the LHE, follow-up and Renja overview pages are looked at.
Screenshots go to docs/screenshots/."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, save_screenshot

BPJN = "tr[data-org='BPJN-KALBAR'] td.rank"


def _round(page):
    page.goto(page.base + "/evaluasi-lintas-unit")
    page.locator("#rounds a", has_text="Evaluasi PEKPPP 2026").click()
    expect(page.locator("h1")).to_contain_text("Evaluasi PEKPPP 2026")


def test_evaluator_verifies_a_unit_and_sees_the_ranking_change(page, login_as):
    login_as("admin")
    _round(page)
    save_screenshot(page, SCREENSHOTS / "evaluation-rounds.png", full_page=True)
    page.click("text=Tarik publikasi")
    page.click("text=Buka kembali")
    expect(page.locator("#round-status")).to_have_text("Berjalan")
    page.context.clear_cookies()

    login_as("penilai")
    _round(page)
    before = int(page.locator(BPJN).inner_text())
    assert before == 5  # the roads office is last in the demo
    page.locator("tr[data-org='BPJN-KALBAR'] a").first.click()
    expect(page.locator("h1")).to_contain_text("Balai Pelaksanaan Jalan Nasional")
    for select in page.locator("#verify-form select").all():
        select.select_option("5")
    page.fill("#verify-form input[name='note:1.1']", "SK standar pelayanan ditunjukkan saat kunjungan ulang.")
    page.click("#save-verification")
    expect(page.locator("#flash")).to_contain_text("Nilai verifikasi disimpan")
    expect(page.locator("#verified-index")).to_have_text("5,00")
    expect(page.locator("#unit-rank")).to_have_text("1")
    save_screenshot(page, SCREENSHOTS / "evaluation-round-unit.png", full_page=True)
    _round(page)
    expect(page.locator(BPJN)).to_have_text("1")
    page.goto(page.url + "/tindak-lanjut")
    expect(page.locator("#units-pct")).not_to_have_text("—")
    save_screenshot(page, SCREENSHOTS / "evaluation-follow-up.png", full_page=True)
    _round(page)
    page.locator("tr[data-org='DISDUKCAPIL-PWK'] a").first.click()
    page.click("#lhe-link")
    expect(page.locator("#lhe")).to_contain_text("Tim Penilai")
    save_screenshot(page, SCREENSHOTS / "lhe.png", full_page=True)
    page.goto(page.base + "/capaian-lintas-unit?year=2026")
    save_screenshot(page, SCREENSHOTS / "renja-across-units.png", full_page=True)
    assert page.errors == []
