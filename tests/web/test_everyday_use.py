"""Issue #11 through the pages and the API: numbers labelled and with their coverage, predikat withheld
below the threshold, numbers by unit, grouped inputs, the sum-of-quarters warning, pagu sums; comments
from the indicator page and the tree row, the return note, approving with open comments, penetapan with
its decree and after the Renstra."""
from __future__ import annotations

import re

import pytest

from planner.services import monitoring as mon
from planner.services import plans, workflow
from planner.services import settings as org_settings
from planner.models.settings import SettingsIn
from tests.conftest import HX

YEAR = 2026


@pytest.fixture
def renja(org, make_renja):
    return make_renja(org, activities=2)


@pytest.fixture
def users(org, make_user):
    for role in ("penyusun", "reviewer", "pimpinan"):
        make_user(role, role, org)
    make_user("root", "admin")


def as_user(app, username):
    c = app.test_client()
    assert c.post("/login", data={"username": username, "password": "rahasia-123"}).status_code == 302
    return c


def text(resp) -> str:
    return resp.get_data(as_text=True)


def step(client, plan, action, **data):
    return client.post(f"/plans/{plan.id}/transition", data={"action": action, **data})


def flashes(client, plan) -> str:
    return text(client.get(f"/plans/{plan.id}"))


# ---------------------------------------------------------------- reading the numbers

def test_dashboard_labels_each_figure_and_shows_coverage_and_withholds_the_predikat(app, s, org, users, renja):
    t = plans.load_tree(s, renja)
    out1 = t.roots[0].children[0].indicators[0]
    mon.record_realization(s, out1, YEAR, "TW1", value=25)
    mon.record_realization(s, t.roots[0].indicators[0], YEAR, "TW1", value=95)  # the program's outcome, 95 %
    s.commit()
    pimpinan = as_user(app, "pimpinan")
    html = text(pimpinan.get(f"/plans/{renja.id}/dashboard?period=TW1"))
    assert "Capaian periode s.d. Triwulan I" in html and "Capaian tahunan · predikat tahunan" in html
    assert '<span class="coverage" id="coverage">2 dari 3 laporan masuk</span>' in html
    # 2 of 3 due reports is below the default 80 %: no predikat, and the page says why
    assert "predikat belum diberikan: 2 dari 3 laporan masuk (67%), di bawah ambang 80%" in html
    kpi = html[html.index('id="kpi"'):html.index('id="settings-used"')]
    assert "Predikat tahunan: —" in kpi
    # the unit lowers its threshold: the predikat comes back
    org_settings.save(s, org, SettingsIn(coverage_threshold=30))
    s.commit()
    html = text(pimpinan.get(f"/plans/{renja.id}/dashboard?period=TW1"))
    kpi = html[html.index('id="kpi"'):html.index('id="settings-used"')]
    assert "Predikat tahunan: Sangat Tinggi" in kpi and "predikat belum diberikan" not in kpi
    # explanations round as displayed and name what they average
    assert "Jumlah layanan kegiatan 1 100,00%" in html


def test_settings_page_and_api_carry_the_coverage_threshold(app, client, s, org, users, api_token):
    boss = api_token("pimpinan")
    put = client.put(f"/api/v1/organizations/{org.id}/settings", headers=boss, json={"coverage_threshold": 60})
    assert put.status_code == 200 and put.json["coverage_threshold"] == 60
    stale = client.put(f"/api/v1/organizations/{org.id}/settings", headers=boss,
                       json={"coverage_threshold": 70, "version": put.json["version"] + 1})
    assert stale.status_code == 409 and stale.json["current"]["coverage_threshold"] == 60
    again = client.put(f"/api/v1/organizations/{org.id}/settings", headers=boss,
                       json={"coverage_threshold": 70, "version": put.json["version"]})
    assert again.status_code == 200 and again.json["version"] == put.json["version"] + 1
    bad = client.put(f"/api/v1/organizations/{org.id}/settings", headers=boss, json={"coverage_threshold": 120})
    assert bad.status_code == 422 and bad.json["error"]["field"] == "coverage_threshold"
    html = text(as_user(app, "pimpinan").get(f"/organisasi/{org.id}/pengaturan"))
    assert "predikat bila laporan masuk minimal 70%" in html and 'name="coverage_threshold"' in html
    assert f'name="version" value="{again.json["version"]}"' in html  # the form carries the version it shows
    stale_form = as_user(app, "pimpinan").post(f"/organisasi/{org.id}/pengaturan", data={
        "coverage_threshold": "50", "version": str(put.json["version"])})
    assert stale_form.status_code == 409 and "telah diubah" in text(stale_form)
    assert 'value="50"' in text(stale_form)  # the user's value kept for a deliberate second save


def test_detail_page_shows_counts_as_whole_numbers(app, s, users, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]  # "layanan", sum, 25 a quarter
    mon.record_realization(s, ind, YEAR, "TW1", value=7)
    s.commit()
    html = text(as_user(app, "penyusun").get(f"/indicators/{ind.id}/realisasi/{YEAR}/TW1"))
    assert "7 layanan" in html and "28 layanan" in html  # realisation, forecast: not "28,00"
    assert not re.search(r"\d,00 layanan", html)


def test_target_inputs_are_grouped_and_read_back(app, s, users, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    penyusun = as_user(app, "penyusun")
    form = {"v-2026-Y": "4.800", "v-2026-TW1": "1.200", "v-2026-TW2": "1.200", "v-2026-TW3": "1.200",
            "v-2026-TW4": "1.200"}
    html = text(penyusun.post(f"/indicators/{ind.id}/targets", data=form, headers=HX))
    assert "Target tersimpan." in html and 'value="4.800"' in html and 'value="1.200"' in html
    assert "target-finding" not in html


def test_quarters_that_do_not_add_up_are_flagged_beside_the_grid_at_once(app, s, users, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    form = {"v-2026-Y": "4.800", "v-2026-TW1": "1.000", "v-2026-TW2": "1.000", "v-2026-TW3": "1.000",
            "v-2026-TW4": "1.500"}
    html = text(as_user(app, "penyusun").post(f"/indicators/{ind.id}/targets", data=form, headers=HX))
    assert "Target tersimpan." in html
    warning = html[html.index('class="flash warn target-finding"'):]
    assert "(T03)" in warning and "4.500" in warning and "4.800" in warning


def test_program_rows_show_the_sum_of_their_activities(app, s, users, renja):
    html = text(as_user(app, "penyusun").get(f"/plans/{renja.id}"))
    # two kegiatan of Rp 1 jt and Rp 2 jt under a program without a pagu of its own
    assert "Σ rincian Rp 3.000.000" in html
    program = plans.load_tree(s, renja).roots[0].node
    program.pagu = 5_000_000
    s.add(program)
    s.commit()
    html = text(as_user(app, "penyusun").get(f"/plans/{renja.id}"))
    assert "pagu-diff" in html and "selisih Rp 2.000.000" in html


# ---------------------------------------------------------------- review and approval

def test_comment_from_the_indicator_page_and_the_tree_row(app, s, users, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    node = plans.load_tree(s, renja).roots[0].children[0].node
    reviewer = as_user(app, "reviewer")
    page = text(reviewer.get(f"/indicators/{ind.id}"))
    assert 'name="back" value="indicator"' in page and "Komentar reviu indikator ini" in page
    resp = reviewer.post(f"/plans/{renja.id}/comments", data={"body": "Target TW IV terlalu tinggi",
                                                              "object_type": "indicator", "object_id": ind.id,
                                                              "back": "indicator"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/indicators/{ind.id}#komentar")
    assert "Target TW IV terlalu tinggi" in text(reviewer.get(f"/indicators/{ind.id}"))
    plan_page = text(reviewer.get(f"/plans/{renja.id}"))
    assert "Target TW IV terlalu tinggi" in plan_page
    assert f'href="?komentar={node.id}#comments"' in plan_page  # the tree row's comment link
    assert f'href="/indicators/{ind.id}#komentar"' in plan_page  # the indicator row's: its page's comment form
    preselected = text(reviewer.get(f"/plans/{renja.id}?komentar={node.id}"))
    assert f'<option value="{node.id}" selected>' in preselected


def test_return_note_shown_to_the_penyusun_until_the_next_submission(app, s, users, renja):
    penyusun, reviewer = as_user(app, "penyusun"), as_user(app, "reviewer")
    step(penyusun, renja, "submit")
    step(reviewer, renja, "return", note="Lengkapi target triwulan kegiatan 2")
    page = text(penyusun.get(f"/plans/{renja.id}"))
    note = page[page.index('id="return-note"'):]
    assert "Dikembalikan oleh reviewer" in note and "Lengkapi target triwulan kegiatan 2" in note
    home = text(penyusun.get("/"))
    assert "Catatan reviewer: Lengkapi target triwulan kegiatan 2" in home
    step(penyusun, renja, "submit")
    assert 'id="return-note"' not in text(penyusun.get(f"/plans/{renja.id}"))


def test_approving_with_open_comments_asks_first(app, s, users, renja):
    penyusun, pimpinan = as_user(app, "penyusun"), as_user(app, "pimpinan")
    step(penyusun, renja, "submit")
    pimpinan.post(f"/plans/{renja.id}/comments", data={"body": "Periksa pagu kegiatan 2"})
    assert 'name="confirm_open_comments"' in text(pimpinan.get(f"/plans/{renja.id}"))
    step(pimpinan, renja, "approve")
    page = flashes(pimpinan, renja)
    assert "1 komentar reviu terbuka" in page
    s.expire_all()
    assert plans.get_plan(s, renja.id).status == "submitted"
    step(pimpinan, renja, "approve", confirm_open_comments="1")
    s.expire_all()
    assert plans.get_plan(s, renja.id).status == "approved"


def test_penetapan_asks_for_the_decree_and_prints_it(app, s, users, renja):
    penyusun, pimpinan = as_user(app, "penyusun"), as_user(app, "pimpinan")
    step(penyusun, renja, "submit")
    step(pimpinan, renja, "approve")
    page = text(pimpinan.get(f"/plans/{renja.id}"))
    assert 'name="decree_number"' in page and 'type="date" name="decree_date"' in page
    step(pimpinan, renja, "lock")
    assert "Nomor SK penetapan wajib diisi." in flashes(pimpinan, renja)
    step(pimpinan, renja, "lock", decree_number="050/77/BAPENDA/2025", decree_date="2025-12-15")
    page = text(pimpinan.get(f"/plans/{renja.id}"))
    assert "Ditetapkan dengan SK Nomor 050/77/BAPENDA/2025 tanggal 15 Desember 2025" in page
    printed = text(pimpinan.get(f"/plans/{renja.id}/cetak/renja"))
    assert "SK Nomor 050/77/BAPENDA/2025 tanggal 15 Desember 2025" in printed


def test_a_renja_waits_for_its_renstra_in_the_pages(app, s, org, users, make_renstra, make_renja):
    renstra = make_renstra(org)
    renja = make_renja(org, renstra=renstra)
    penyusun, pimpinan, admin = as_user(app, "penyusun"), as_user(app, "pimpinan"), as_user(app, "root")
    step(penyusun, renja, "submit")
    step(pimpinan, renja, "approve")
    page = text(pimpinan.get(f"/plans/{renja.id}"))
    assert "Renstra 2025–2029 yang diacu belum ditetapkan" in page and 'name="override_reason"' not in page
    sk = {"decree_number": "050/78/BAPENDA/2025", "decree_date": "2025-12-16"}
    step(pimpinan, renja, "lock", **sk)
    assert "yang diacunya belum ditetapkan" in flashes(pimpinan, renja)
    assert 'name="override_reason"' in text(admin.get(f"/plans/{renja.id}"))
    step(admin, renja, "lock", override_reason="Renstra menunggu Perda", **sk)
    s.expire_all()
    assert plans.get_plan(s, renja.id).status == "locked"


def test_the_api_takes_the_decree_and_the_confirmation(client, s, org, users, api_token, renja):
    ani, boss = api_token("penyusun"), api_token("pimpinan")
    url = f"/api/v1/plans/{renja.id}/transitions"
    assert client.post(url, headers=ani, json={"action": "submit"}).status_code == 200
    client.post(f"/api/v1/plans/{renja.id}/comments", headers=boss, json={"body": "Cek target"})
    refused = client.post(url, headers=boss, json={"action": "approve"})
    assert refused.status_code == 409 and refused.json["error"]["field"] == "confirm_open_comments"
    assert client.post(url, headers=boss, json={"action": "approve", "confirm_open_comments": True}).status_code == 200
    no_sk = client.post(url, headers=boss, json={"action": "lock"})
    assert no_sk.status_code == 422 and no_sk.json["error"]["field"] == "decree_number"
    bad_date = client.post(url, headers=boss, json={"action": "lock", "decree_number": "1", "decree_date": "15/12"})
    assert bad_date.status_code == 422 and bad_date.json["error"]["field"] == "decree_date"
    done = client.post(url, headers=boss, json={"action": "lock", "decree_number": "050/79/2025",
                                                "decree_date": "2025-12-17"})
    assert done.status_code == 200
    assert (done.json["status"], done.json["decree_number"], done.json["decree_date"]) == (
        "locked", "050/79/2025", "2025-12-17")


def test_an_empty_plan_is_refused_at_submission_in_the_page(app, s, org, users):
    from planner.models.plan import PlanCreate
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=YEAR,
                                           name="Renja kosong"))
    s.commit()
    penyusun = as_user(app, "penyusun")
    step(penyusun, plan, "submit")
    assert "Rencana belum dapat diajukan: rencana belum memiliki simpul" in flashes(penyusun, plan)
    assert workflow.return_note(s, plan) is None


def test_the_indicator_pages_history_reads_as_the_pages(app, s, users, renja):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    penyusun = as_user(app, "penyusun")
    penyusun.post(f"/indicators/{ind.id}/targets", data={"v-2026-Y": "4.800", "v-2026-TW1": "1.200",
                                                        "v-2026-TW2": "1.200", "v-2026-TW3": "1.200",
                                                        "v-2026-TW4": "1.200"})
    html = text(penyusun.get(f"/indicators/{ind.id}"))
    history = html[html.index('id="riwayat"'):]
    assert "Nilai:</span> 100 → 4.800" in history
    assert "indicator_id" not in history and "value:" not in history


def test_the_rollup_api_carries_coverage_and_withholds_the_predikat(client, s, users, api_token, renja):
    ani = api_token("penyusun")
    t = plans.load_tree(s, renja)
    mon.record_realization(s, t.roots[0].indicators[0], YEAR, "TW1", value=95)
    s.commit()
    body = client.get(f"/api/v1/plans/{renja.id}/rollup?year={YEAR}&period=TW1", headers=ani).json
    program, = body["nodes"]
    assert program["coverage"] == {"reported": 1, "expected": 3}
    assert program["predikat"] is None and body["predikat"] is None
    assert body["predikat_note"].startswith("predikat belum diberikan: 1 dari 3 laporan masuk")
