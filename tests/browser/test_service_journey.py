"""Service evaluation in a real browser: score a demo evaluation, turn its largest gap into an activity and
find it in the draft Renja; then fill the public questionnaire on a 390-px-wide phone viewport. Screenshots
go to docs/screenshots/."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, save_screenshot



def test_score_an_evaluation_and_turn_a_gap_into_an_activity(page, login_as):
    login_as("penyusun")
    page.goto(page.base + "/evaluasi")
    page.locator("#evaluations a", has_text="Putaran 2").first.click()
    expect(page.locator("h1")).to_contain_text("PEKPPP 2025 putaran 2")
    before = page.locator("#ipp").inner_text()
    page.select_option("select[name='score:6.1']", "4")
    page.click("#save-scores")
    expect(page.locator("#flash")).to_contain_text("Nilai disimpan")
    assert page.locator("#ipp").inner_text() != before
    expect(page.locator("#radar svg")).to_be_visible()
    save_screenshot(page, SCREENSHOTS / "evaluation.png", full_page=True)
    gap = page.locator("table.gaps tbody tr").first
    gap_name = gap.locator("td").first.inner_text().split("\n")[0]
    gap.locator("a", has_text="Jadikan kegiatan").click()
    expect(page.locator("h1")).to_contain_text("Jadikan kegiatan")
    page.fill("input[name='name']", "Penguatan tindak lanjut hasil SKM")
    page.fill("input[name='target']", "2")
    page.click("#make-activity")
    expect(page.locator("body")).to_contain_text("Penguatan tindak lanjut hasil SKM")
    assert "/plans/" in page.url
    page.goto(page.base + "/evaluasi")
    page.locator("#evaluations a", has_text="Putaran 2").first.click()
    expect(page.locator("#celah")).to_contain_text("Penguatan tindak lanjut hasil SKM")
    assert gap_name
    page.goto(page.base + "/skm")
    page.locator("#surveys a", has_text="SKM Semester I 2025").click()
    expect(page.locator("#mutu")).to_have_text(re.compile("^[ABCD]$"))
    save_screenshot(page, SCREENSHOTS / "skm-result.png", full_page=True)
    page.goto(page.base + "/layanan-publik")
    page.locator("#units tr", has_text="Kependudukan").locator("td.num a").click()
    page.fill("input[name='year']", "2025")
    page.click("text=Tampilkan")
    expect(page.locator("#complaints")).to_contain_text("Antrean KTP-el")
    save_screenshot(page, SCREENSHOTS / "complaints.png", full_page=True)
    assert page.errors == []


def test_public_questionnaire_on_a_phone(live_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    phone = context.new_page()
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(live_server + "/publik/DISDUKCAPIL-PWK")
    expect(phone.locator("#maklumat")).to_be_visible()
    save_screenshot(phone, SCREENSHOTS / "public-page.png", full_page=True)
    phone.locator("#survey-link a").click()
    expect(phone.locator("h1")).to_have_text("Survei kepuasan masyarakat")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the questionnaire scrolls sideways ({width}px)"
    for n in range(1, 10):
        phone.locator(f"#q-U{n} label.choice").nth(3 if n % 2 else 2).click()
    save_screenshot(phone, SCREENSHOTS / "questionnaire-phone.png", full_page=False)
    phone.click("#submit-survey")
    expect(phone.locator("#thanks")).to_contain_text("Terima kasih")
    assert errors == []
    context.close()
