"""A planning bureau's review in a real browser: the reviewer filters the review screen, opens a unit's
findings beside its tree, comments from a finding, accepts another, and looks at the cascading view.

With ``PLANNER_SCREENSHOTS=1`` the test also refreshes the screenshots in ``docs/screenshots``."""
from __future__ import annotations

import os

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, save_screenshot

SHOTS = os.environ.get("PLANNER_SCREENSHOTS") == "1"


def shot(page, name: str) -> None:
    if SHOTS:
        save_screenshot(page, SCREENSHOTS / f"{name}.png")


def test_reviewer_filters_opens_findings_and_comments(page, login_as):
    login_as("reviewer")
    page.click("nav.usermenu >> text=Layar reviu")
    expect(page.locator("h1")).to_contain_text("Layar reviu Renja 2026")
    rows = page.locator("tr.unit-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 5
    shot(page, "review-screen")

    page.fill("form.filters input[name=q]", "purwakarta")  # htmx filters as one types
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kependudukan")
    assert "q=purwakarta" in page.url
    page.select_option("form.filters select[name=severity]", "warning")
    expect(rows).to_have_count(1)

    rows.first.locator("a", has_text="Temuan").click()
    expect(page.locator("h1")).to_contain_text("Temuan pemeriksaan Renja 2026")
    expect(page.locator(".check-tree")).to_contain_text("Pelayanan Pendaftaran Penduduk")
    finding = page.locator("li.finding[data-rule=K06]").first
    expect(finding).to_contain_text("belum memiliki lembar kerja")
    finding.locator("summary", has_text="Komentari").click()
    finding.locator("textarea[name=body]").fill("Mohon susun lembar kerja lima langkah untuk layanan ini.")
    finding.locator("button", has_text="Kirim komentar").click()
    expect(page.locator("#flash")).to_contain_text("Komentar terkirim")
    expect(page.locator(".checks-head")).to_contain_text("1 komentar terbuka")

    accept = page.locator("li.finding[data-rule=K05]").first
    accept.locator("summary", has_text="Terima dengan alasan").click()
    accept.locator("input[name=reason]").fill("Urgensi dijelaskan dalam nota dinas Kepala Dinas.")
    accept.locator("button", has_text="Terima").click()
    expect(page.locator("li.finding[data-rule=K05]").first).to_contain_text("Diterima reviewer: Urgensi")
    shot(page, "review-findings")

    page.click("text=buka rencana")
    expect(page.locator("#comments")).to_contain_text("Mohon susun lembar kerja lima langkah")
    expect(page.locator("#comments")).to_contain_text("[K06 · Kegiatan pelayanan publik")
    expect(page.locator("a.check-badge").first).to_be_visible()

    page.click(".workflow >> text=Pohon kinerja")
    svg = page.locator(".cascade-viewer svg")
    expect(svg).to_be_visible()
    assert int(svg.get_attribute("data-nodes")) > 20
    before = svg.get_attribute("viewBox")
    page.click("button[data-zoom=in]")
    assert svg.get_attribute("viewBox") != before  # zoomed
    with page.expect_download() as download:
        page.click("button[data-export=png]")
    assert download.value.suggested_filename.endswith(".png")
    page.click("button[data-zoom=fit]")
    shot(page, "cascade")
    count = int(svg.get_attribute("data-nodes"))
    page.locator(".cascade-viewer a.toggle").nth(1).click()  # fold a branch: the server redraws without it
    expect(page.locator(".cascade-viewer svg")).not_to_have_attribute("data-nodes", str(count))
    assert "collapse=" in page.url
    assert not page.errors, page.errors
