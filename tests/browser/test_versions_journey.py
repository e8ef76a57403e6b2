"""Plan versions in a real browser: a head of unit opens a Renja Perubahan mid-year, with TW I–II already
reported on the fixed Renja, and sees the first half's realisation on the Perubahan's dashboard; the
plan page lists both versions and says which one is in force."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from planner.models import Plan
from planner.services import monitoring as mon
from planner.services import plans
from tests.browser.conftest import SCREENSHOTS, save_screenshot

PLAN = "Rencana Kerja Badan Pendapatan Daerah Provinsi Kalimantan Barat Tahun 2026"


def _first_half_reported(s) -> tuple[Plan, int]:
    """TW I–II of every quarterly indicator of the demo Renja, each on target; the Renja fixed."""
    plan = s.exec(select(Plan).where(Plan.name == PLAN)).one()
    tree = plans.load_tree(s, plan)
    count = 0
    for tn in tree.walk():
        for ind in tn.indicators:
            if ind.frequency != "quarterly" or ind.target_type != "number" or ind.accumulation == "ratio":
                continue
            targets = tree.target_map(ind.id)
            for q in ("TW1", "TW2"):
                t = targets.get((2026, q))
                if t is not None and t.value is not None:
                    mon.record_realization(s, ind, 2026, q, value=t.value)
                    count += 1
    plan.status = "locked"
    s.add(plan)
    s.commit()
    return plan, count


def test_a_perubahan_opened_mid_year_shows_the_first_half_on_its_dashboard(page, login_as, s):
    murni, reported = _first_half_reported(s)
    assert reported >= 4
    login_as("pimpinan")
    page.click(f"text={PLAN}")
    page.locator("details.revise summary").click()
    page.fill("details.revise textarea[name=reason]", "Refocusing anggaran pertengahan tahun")
    page.locator("details.revise button", has_text="Buka revisi").click()

    expect(page.locator("h1")).to_contain_text("(Perubahan 1)")
    versions = page.locator("#versions")
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions.locator("tbody tr").nth(0)).to_contain_text("Murni")
    expect(versions.locator("tbody tr").nth(0)).to_contain_text("berlaku")
    expect(versions.locator("tbody tr").nth(1)).to_contain_text("Refocusing anggaran pertengahan tahun")
    expect(page.locator(".version-note")).to_contain_text("versi yang berlaku adalah")

    page.locator(".workflow a", has_text="Dasbor").click()
    page.locator(".period-tabs").get_by_role("link", name="TW II", exact=True).click()
    expect(page).to_have_url(re.compile(r"period=TW2"))
    expect(page.locator(".mon-head .badge").first).to_contain_text("Triwulan II")
    completeness = page.locator("#kpi .kpi", has_text="Kelengkapan laporan")
    reported_here = int(completeness.locator(".muted").inner_text().split()[0])
    assert reported_here >= reported, completeness.inner_text()  # the first half is there, not "0 of …"
    expect(page.locator("#status-counts")).not_to_contain_text("Tercapai 0")
    expect(page.locator(".version-note a")).to_have_attribute("href", re.compile(f"/plans/{murni.id}/dashboard"))
    save_screenshot(page, SCREENSHOTS / "perubahan-dashboard.png", full_page=False)

    page.locator(".version-note a").click()  # the version in force shows the same reports
    expect(page.locator(".meta .badge.version")).to_have_text("Murni")
    again = int(page.locator("#kpi .kpi", has_text="Kelengkapan laporan").locator(".muted").inner_text().split()[0])
    assert again == reported_here
    unexpected = [e for e in page.errors if not re.search("favicon", e)]
    assert not unexpected, page.errors
