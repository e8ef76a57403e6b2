"""Training mode in a real browser: the instructor creates a class, enrols three trainees and assigns a case; a
trainee drafts and watches the feedback score change without a reload, then submits; the instructor reviews and
grades. With ``PLANNER_SCREENSHOTS=1`` it refreshes ``docs/screenshots/training-*.png``."""
from __future__ import annotations

import os
import re

from playwright.sync_api import expect

from planner.services import seeds
from tests.browser.conftest import SCREENSHOTS, save_screenshot

SHOTS = os.environ.get("PLANNER_SCREENSHOTS") == "1"


def shot(page, name: str, **kw) -> None:
    if SHOTS:
        save_screenshot(page, SCREENSHOTS / f"{name}.png", **kw)


def login(page, username: str, password: str = seeds.DEMO_PASSWORD) -> None:
    page.goto(page.base + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(page.base + "/")


def logout(page) -> None:
    page.click("nav.usermenu button:has-text('Keluar')")
    page.wait_for_url(re.compile(r".*/login.*"))


def score(page) -> float:
    return float(page.locator("#training-feedback [data-score]").get_attribute("data-score"))


def test_class_from_enrolment_to_grade(page):
    login(page, "instruktur")
    page.click("nav.usermenu >> text=Pelatihan")
    page.fill("input[name=name]", "PKP Angkatan III 2026")
    page.click("button:has-text('Buat kelas')")
    expect(page.locator("h1")).to_have_text("PKP Angkatan III 2026")
    class_url = page.url

    page.fill("#enrol textarea[name=roster]", "tari, Tari Wulandari\numar, Umar Said\nvina, Vina Oktaviani")
    page.click("#enrol button.primary")
    slips = page.locator(".password-slips .slip")
    expect(slips).to_have_count(3)
    password = slips.first.locator("code.otp").inner_text().strip()
    assert len(password) == 10

    page.goto(class_url)
    page.select_option("#assign select[name=case_id]", label="Pelayanan dan konsultasi pajak daerah (KASUS-BAPENDA-PAJAK)")
    page.select_option("#assign select[name=target]", "user:tari")
    page.click("#assign button.primary")
    expect(page.locator("#flash")).to_contain_text("ruang latihan sudah disiapkan")
    expect(page.locator("tr[data-who=tari]")).to_contain_text("Menyusun")
    logout(page)

    page.goto(page.base + "/login")  # the one-time password works once: the first login asks for a new one
    page.fill("input[name=username]", "tari")
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(re.compile(r".*/account/password$"))
    page.fill("input[name=current]", password)
    page.fill("input[name=new]", "Rahasia-pkp-2026")
    page.fill("input[name=confirm]", "Rahasia-pkp-2026")
    page.click("main button.primary")
    page.wait_for_url(page.base + "/")
    page.click("nav.usermenu >> text=Pelatihan")
    page.click("#my-sandboxes >> text=Kerjakan")
    expect(page.locator("#case")).to_contain_text("Samsat")
    page.click("text=Susun Renja dan lembar kerja")
    expect(page.locator("#training-feedback [data-score]")).to_be_visible()
    before = score(page)

    kegiatan = page.locator("tbody.kind-kegiatan").first
    kegiatan.locator("a", has_text=re.compile(r"\+ Sub")).first.click()
    form = page.locator("form.node-form")
    form.locator("input[name=code]").fill("5.02.04.1.01.0004")
    form.locator("input[name=name]").fill("Pelayanan dan Konsultasi Pajak Daerah")
    form.locator("button.primary").click()
    expect(page.locator("tbody.node", has_text="Pelayanan dan Konsultasi Pajak Daerah")).to_be_visible()
    # the panel refreshes itself after the save: no reload
    expect(page.locator("#training-feedback [data-score]")).not_to_have_attribute("data-score", str(before))
    after = score(page)
    assert after > before
    row = page.locator("tbody.node", has_text="Pelayanan dan Konsultasi Pajak Daerah")
    row.locator("a", has_text="+ Indikator").click()
    quick = page.locator("form.quick-ind")
    quick.locator("input[name=name]").fill("Jumlah wajib pajak yang memperoleh layanan konsultasi")
    quick.locator("input[name=unit]").fill("orang")
    quick.locator("input[name=target_y]").fill("12.000")
    quick.locator("button.primary").click()
    expect(page.locator("#training-feedback [data-score]")).not_to_have_attribute("data-score", str(after))
    assert score(page) > after
    expect(page.locator("#training-feedback")).to_contain_text("Modul BAB")
    page.locator(".training-feedback").scroll_into_view_if_needed()
    shot(page, "training-feedback")

    page.goto(page.base + "/latihan/")
    page.click("#my-sandboxes >> text=Kerjakan")
    page.fill("form.submit-form textarea[name=note]", "Mohon diperiksa.")
    page.click("form.submit-form button.primary")
    expect(page.locator("#flash")).to_contain_text("diserahkan")
    logout(page)

    login(page, "instruktur")
    page.goto(class_url)
    expect(page.locator("tr[data-who=tari]")).to_contain_text("Diserahkan")
    page.locator("tr[data-who=tari] >> text=Tinjau").click()
    page.select_option("#review select[name=node_id]", label="5.02.04.1.01.0004 Pelayanan dan Konsultasi Pajak Daerah")
    page.fill("#review textarea[name=body]", "Tambahkan indikator pengaduan wajib pajak.")
    page.click("#review button:has-text('Kirim catatan')")
    expect(page.locator("#history")).to_contain_text("Tambahkan indikator pengaduan")
    page.fill("form.decide-form input[name=grade]", "82")
    page.fill("form.decide-form textarea[name=note]", "Runtut; lengkapi pengaduan pada latihan berikutnya.")
    page.click("form.decide-form button:has-text('Terima dengan nilai')")
    expect(page.locator("#history")).to_contain_text("Diterima instruktur")
    page.goto(class_url)
    expect(page.locator("tr[data-who=tari]")).to_contain_text("Diterima")
    expect(page.locator("tr[data-who=tari]")).to_contain_text("82")
    # the demo's class: three trainees at different stages
    page.goto(page.base + "/latihan/")
    page.click("text=PKP Angkatan I 2026 (demo)")
    expect(page.locator("tr[data-who]")).to_have_count(3)
    expect(page.locator("tr[data-who=peserta2]")).to_contain_text("Diterima")
    shot(page, "training-class", full_page=True)
    assert not [e for e in page.errors if "favicon" not in e], page.errors
