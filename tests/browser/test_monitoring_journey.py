"""Monitoring in a real browser: a penyusun enters the first quarter for an activity's indicators with
the keyboard, sees a typing error refused in place (and Esc undo it), then opens the dashboard and
sees the achievement and status of the activity change."""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect

PLAN = "Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026"
ACTIVITY = "5.02.01.1.01"


def activity_row(page):
    code = page.locator(".dn-row .code", has_text=re.compile(f"^{re.escape(ACTIVITY)}$"))
    return page.locator("#tree tbody.dn", has=code)


def enter_first_quarter(page):
    """From a plan page with the monitoring links: the activity's grid at the first quarter, its three cells
    typed with the keyboard (Enter moves down to the same quarter of the next indicator; leaving a cell saves
    it) and saved."""
    page.locator(".mon-links a", has_text="Isi realisasi").click()
    section = page.locator("tr.sec-row", has=page.locator(".code", has_text=re.compile(f"^{re.escape(ACTIVITY)}$")))
    section.locator("a", has_text="isi per kegiatan").click()
    expect(page.locator("h1")).to_contain_text(ACTIVITY)
    page.goto(page.url.split("?")[0] + "?period=TW1")  # the demo has a year in it: look at the first quarter
    cells = page.locator(".rc[data-period=TW1]")
    expect(cells).to_have_count(3)
    cells.nth(0).locator("input[name=value]").click()
    for value in ("3", "1", "1"):
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    for i in range(3):
        expect(cells.nth(i)).to_have_class(re.compile(r"\bst-submitted\b"))
    return cells


def test_enter_a_quarter_for_an_activity_and_see_the_dashboard_change(page, login_as):
    login_as("penyusun")
    page.click(f"text={PLAN}")
    page.locator(".workflow a", has_text="Dasbor").click()
    page.locator(".period-tabs").get_by_role("link", name="TW I", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Dasbor kinerja 2026")
    before = activity_row(page).locator(".dn-row")
    expect(before.locator(".st-badge")).to_have_text("Belum dilaporkan")
    expect(page.locator("#status-counts")).to_contain_text("Tercapai 0")
    completeness = page.locator("#kpi .kpi", has_text="Kelengkapan laporan")
    reported_before = completeness.locator(".muted").inner_text()

    cells = enter_first_quarter(page)
    expect(page.locator("#mon-summary")).to_contain_text(re.compile(r"laporan masuk 3 dari \d+"))
    first_row = page.locator("tr.ind").first
    expect(first_row.locator(".sum")).to_contain_text("100,00%")
    expect(first_row.locator(".sum .st-badge")).to_have_text("Tercapai")

    # A typing error is refused in place, with the reason; the other cells keep their values.
    tw2 = first_row.locator(".rc[data-period=TW2]")
    tw2.locator("input[name=value]").click()
    page.keyboard.type("tiga")
    page.keyboard.press("Tab")
    expect(tw2.locator(".field-error")).to_contain_text("bukan angka yang sah")
    expect(tw2.locator("input[name=value]")).to_have_value("tiga")
    expect(cells.nth(0).locator("input[name=value]")).to_have_value("3")
    # Esc puts the saved value back and clears the message.
    tw2.locator("input[name=value]").click()
    page.keyboard.press("Escape")
    expect(tw2.locator("input[name=value]")).to_have_value("")
    expect(tw2.locator(".field-error")).to_have_count(0)

    page.locator(".mon-links a", has_text="Dasbor").click()
    expect(page.locator("h1")).to_contain_text("Dasbor kinerja 2026")
    after = activity_row(page).locator(".dn-row")
    expect(after.locator(".st-badge")).to_have_text("Tercapai")
    expect(after).to_contain_text("100,00%")
    expect(page.locator("#status-counts")).to_contain_text("Tercapai 2")
    expect(page.locator("#status-counts")).to_contain_text("Kritis 1")  # 1 of 2 evaluation reports
    reported_after = completeness.locator(".muted").inner_text()
    assert int(reported_after.split()[0]) == int(reported_before.split()[0]) + 3, (reported_before, reported_after)
    unexpected = [e for e in page.errors if not re.search("favicon|status of 422", e)]
    assert not unexpected, page.errors


def test_the_summary_counts_every_save_when_its_refreshes_overlap(page, login_as, served_app):
    """Each save asks for the summaries again; while one such request is out the next waits (only the last
    is kept) on an element the answer does not replace, else the waiting one was dropped with the summary
    it replaced and the page kept an old count (a CI failure on a loaded machine)."""
    view = served_app.view_functions["monitoring.grid_summary"]

    def slow_summary(**kwargs):
        answer = view(**kwargs)
        time.sleep(0.8)  # the next saves answer while this one, read before them, is still out
        return answer

    served_app.view_functions["monitoring.grid_summary"] = slow_summary
    login_as("penyusun")
    page.click(f"text={PLAN}")
    page.locator(".workflow a", has_text="Dasbor").click()
    enter_first_quarter(page)
    expect(page.locator("#mon-summary")).to_contain_text(re.compile(r"laporan masuk 3 dari \d+"))
