"""The review cycle in a real browser: penyusun submits, reviewer returns with a comment,
penyusun fixes and resubmits, pimpinan approves and locks. The penetapan (SK) form of the approved plan is
saved to ``docs/screenshots/penetapan-sk.png`` (the demo itself holds no approved plan waiting for it)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, save_screenshot

RENJA = "Rencana Kerja Dinas Kependudukan dan Pencatatan Sipil Kabupaten Purwakarta Tahun 2026"


def open_renja(page, login_as, who):
    page.context.clear_cookies()
    login_as(who)
    page.click(f"text={RENJA}")
    expect(page.locator("h1")).to_contain_text("Rencana Kerja")


def act(page, action, note=""):
    if note:
        page.fill("form.transition input[name=note]", note)
    page.click(f"form.transition button[value={action}]")


def test_submit_return_fix_resubmit_approve_lock(page, login_as):
    open_renja(page, login_as, "penyusun")
    act(page, "submit")
    expect(page.locator(".plan-header .status")).to_have_text("Diajukan")

    open_renja(page, login_as, "reviewer")
    comments = page.locator("#comments")
    comments.locator("textarea[name=body]").fill("Target TW I indikator ADM belum realistis, mohon ditinjau.")
    comments.locator("button.primary").click()
    expect(page.locator("#comments")).to_contain_text("1 terbuka")
    act(page, "return", "Perbaiki target sesuai komentar")
    expect(page.locator(".plan-header .status")).to_have_text("Dikembalikan")

    open_renja(page, login_as, "penyusun")
    expect(page.locator("#comments")).to_contain_text("Target TW I indikator ADM belum realistis")
    first = page.locator("tbody.kind-kegiatan").first
    first.locator("a", has_text="Ubah").click()
    page.fill("form.node-form input[name=location]", "Kabupaten Purwakarta (17 kecamatan)")
    page.click("form.node-form button.primary")
    expect(page.locator("tbody.kind-kegiatan").first).to_contain_text("17 kecamatan")
    expect(page.locator("form.node-form")).to_have_count(0)
    page.locator("#comments input[name=body]").first.fill("Sudah disesuaikan.")
    page.locator("#comments .reply-form button").first.click()
    expect(page.locator("#comments .reply")).to_contain_text("Sudah disesuaikan.")  # the swap is done
    page.locator("#comments button", has_text="Tandai selesai").first.click()
    expect(page.locator("#comments")).not_to_contain_text("terbuka")
    act(page, "submit")
    expect(page.locator(".plan-header .status")).to_have_text("Diajukan")

    open_renja(page, login_as, "pimpinan")
    act(page, "approve")
    expect(page.locator(".plan-header .status")).to_have_text("Disetujui")
    # penetapan asks for the decree, and waits for the Renstra the Renja refers to (still a draft here)
    expect(page.locator("#decree")).to_contain_text("belum ditetapkan")
    page.fill("#decree input[name=decree_number]", "050/12/DISDUKCAPIL/2025")
    page.fill("#decree input[name=decree_date]", "2025-12-20")
    page.locator("#decree").scroll_into_view_if_needed()
    save_screenshot(page, SCREENSHOTS / "penetapan-sk.png")
    act(page, "lock")
    expect(page.locator("#flash")).to_contain_text("belum ditetapkan")
    expect(page.locator(".plan-header .status")).to_have_text("Disetujui")

    plan_url = page.url.split("#")[0]
    page.context.clear_cookies()  # an admin fixes it anyway, with the reason recorded
    login_as("admin")
    page.goto(plan_url)
    page.fill("#decree input[name=decree_number]", "050/12/DISDUKCAPIL/2025")
    page.fill("#decree input[name=decree_date]", "2025-12-20")
    page.fill("#decree input[name=override_reason]", "Renstra menunggu pengesahan; Renja wajib terbit")
    act(page, "lock")
    expect(page.locator(".plan-header .status")).to_have_text("Ditetapkan")
    expect(page.locator("#decree-note")).to_contain_text("SK Nomor 050/12/DISDUKCAPIL/2025 tanggal 20 Desember 2025")
    expect(page.locator("a", has_text="+ Indikator")).to_have_count(0)

    page.click("text=Riwayat perubahan")
    history = page.locator("#history")
    for word in ("Ajukan", "Kembalikan", "Setujui", "Tetapkan", "17 kecamatan"):
        expect(history).to_contain_text(word)
    assert not page.errors, page.errors
