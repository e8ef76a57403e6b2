"""Review pages: transitions from the plan page, comments in place, history, revisions, admin."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from planner.services import plans
from tests.conftest import HX



@pytest.fixture
def renja(org, make_renja):
    return make_renja(org, activities=1)


@pytest.fixture
def users(org, make_user):
    for role in ("penyusun", "reviewer", "pimpinan"):
        make_user(role, role, org)
    make_user("root", "admin")


def as_user(app, username):
    c = app.test_client()
    c.post("/login", data={"username": username, "password": "rahasia-123"})
    return c


def test_buttons_follow_role_and_status(app, users, renja):
    penyusun, reviewer = as_user(app, "penyusun"), as_user(app, "reviewer")
    html = penyusun.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert 'value="submit"' in html and 'value="approve"' not in html
    assert 'value="approve"' not in reviewer.get(f"/plans/{renja.id}").get_data(as_text=True)
    resp = penyusun.post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    assert resp.status_code == 302
    html = reviewer.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "Diajukan" in html and 'value="approve"' in html and 'value="return"' in html
    assert "+ Indikator" not in penyusun.get(f"/plans/{renja.id}").get_data(as_text=True)  # no edits once submitted


def test_return_without_note_says_why(app, users, renja):
    as_user(app, "penyusun").post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    reviewer = as_user(app, "reviewer")
    reviewer.post(f"/plans/{renja.id}/transition", data={"action": "return", "note": ""})
    html = reviewer.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "wajib diisi" in html and "Diajukan" in html


def test_edit_of_a_submitted_plan_is_refused(app, s, users, renja):
    penyusun = as_user(app, "penyusun")
    penyusun.post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    resp = penyusun.post(f"/nodes/{keg.id}", data={"code": keg.code, "name": "Diam-diam"}, headers=HX)
    assert resp.status_code == 409 and "tidak dapat diubah" in resp.get_data(as_text=True)
    assert resp.headers["HX-Retarget"] == "#flash"
    api = app.test_client()
    tok = api.post("/api/v1/auth/token", json={"username": "penyusun", "password": "rahasia-123"}).json["token"]
    resp = api.put(f"/api/v1/nodes/{keg.id}", json={"name": "Diam-diam"}, headers={"Authorization": f"Bearer {tok}"})
    assert resp.status_code == 409 and resp.json["error"]["field"] == "status"


def test_comment_fragment_and_resolve(app, s, users, renja):
    reviewer = as_user(app, "reviewer")
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    resp = reviewer.post(f"/plans/{renja.id}/comments", headers=HX,
                         data={"body": "Target TW I terlalu rendah", "object_type": "node", "object_id": keg.id})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and html.lstrip().startswith('<section id="comments"')
    assert "Target TW I terlalu rendah" in html and "1 terbuka" in html
    empty = reviewer.post(f"/plans/{renja.id}/comments", headers=HX, data={"body": ""})
    assert empty.status_code == 422 and "wajib diisi" in empty.get_data(as_text=True)
    from planner.services import workflow
    comment = workflow.comments(s, renja.id)[0]
    done = reviewer.post(f"/comments/{comment.id}/resolve", headers=HX).get_data(as_text=True)
    assert "selesai" in done and "terbuka" not in done


def test_history_page_fragment_and_export(app, s, users, renja):
    penyusun = as_user(app, "penyusun")
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    penyusun.post(f"/nodes/{keg.id}", data={"code": keg.code, "name": "Pelayanan Pajak Keliling"})
    html = penyusun.get(f"/plans/{renja.id}/history").get_data(as_text=True)
    assert "Kegiatan 1 → Pelayanan Pajak Keliling" in html and "penyusun" in html
    frag = penyusun.get(f"/plans/{renja.id}/history?node={keg.id}", headers=HX).get_data(as_text=True)
    assert frag.lstrip().startswith('<div id="history"') and "Pelayanan Pajak Keliling" in frag
    resp = penyusun.get(f"/plans/{renja.id}/history.xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][0] == "Waktu" and any("Pelayanan Pajak Keliling" in (r[5] or "") for r in rows[2:])


def test_revision_from_the_page_and_diff(app, s, users, renja):
    penyusun, pimpinan = as_user(app, "penyusun"), as_user(app, "pimpinan")
    penyusun.post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    pimpinan.post(f"/plans/{renja.id}/transition", data={"action": "approve"})
    pimpinan.post(f"/plans/{renja.id}/transition", data={"action": "lock", "decree_number": "050/1/2026",
                                                          "decree_date": "2026-01-05"})
    assert "Buka revisi" in penyusun.get(f"/plans/{renja.id}").get_data(as_text=True)
    resp = penyusun.post(f"/plans/{renja.id}/revisions", data={"reason": "Refocusing anggaran"})
    rev_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    rev_keg = plans.load_tree(s, plans.get_plan(s, rev_id)).roots[0].children[0].node
    penyusun.post(f"/nodes/{rev_keg.id}", data={"code": rev_keg.code, "name": "Kegiatan 1 direvisi"})
    html = penyusun.get(f"/plans/{rev_id}/diff").get_data(as_text=True)
    assert "Refocusing anggaran" in html and "Kegiatan 1 direvisi" in html and "1 diubah" in html
    no_reason = penyusun.post(f"/plans/{renja.id}/revisions", data={"reason": ""})
    assert no_reason.status_code in (409, 422)


def test_review_queue(app, users, renja):
    as_user(app, "penyusun").post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    html = as_user(app, "reviewer").get("/review").get_data(as_text=True)
    assert renja.name in html and "Diajukan" in html
    assert as_user(app, "penyusun").get("/review").status_code == 403


def test_admin_creates_user_and_schedule(app, org, users):
    admin = as_user(app, "root")
    resp = admin.post("/admin/users", data={"username": "budi", "password": "rahasia-123", "role": "penyusun",
                                            "organization_id": org.id})
    assert resp.status_code == 302
    assert as_user(app, "budi").get("/").status_code == 200
    bad = admin.post("/admin/users", data={"username": "budi", "password": "x", "role": "penyusun"})
    assert bad.status_code == 422 and "sudah dipakai" in bad.get_data(as_text=True)
    resp = admin.post("/admin/schedules?year=2026", data={"organization_id": org.id, "kind": "drafting",
                                                          "opens_on": "2026-01-02", "closes_on": "2026-03-31"})
    assert resp.status_code == 302
    assert "31 Maret 2026" in admin.get("/admin/schedules?year=2026").get_data(as_text=True)
    assert as_user(app, "penyusun").get("/admin/users").status_code == 403


def test_deactivated_user_is_logged_out(app, s, org, users):
    penyusun = as_user(app, "penyusun")
    from planner.services import accounts
    user = accounts.by_username(s, "penyusun")
    as_user(app, "root").post(f"/admin/users/{user.id}/active")
    assert penyusun.get("/").status_code == 302
