"""Training mode through the pages and the API: an instructor runs a class, a trainee drafts with live feedback,
submits, the instructor grades; sandboxes stay out of every real view."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from planner.models import Plan
from planner.services import acting, plans
from planner.services.training import cases
from tests.conftest import HX, PASSWORD


@pytest.fixture
def lan(make_org, make_user, s):
    org = make_org("LAN", "Lembaga Administrasi Negara", "lembaga")
    make_user("guru", "instruktur", org)
    cases.load_library(s)
    s.commit()
    return org


@pytest.fixture
def guru(app, lan):
    c = app.test_client()
    c.post("/login", data={"username": "guru", "password": PASSWORD})
    return c


def _client(app, username, password=PASSWORD):
    c = app.test_client()
    resp = c.post("/login", data={"username": username, "password": password})
    assert resp.status_code == 302
    if resp.headers["Location"].endswith("/account/password"):  # a one-time password: replace it first
        assert c.get("/").headers["Location"].endswith("/account/password")  # nothing else opens before
        done = c.post("/account/password", data={"current": password, "new": "latihan-baru-1",
                                                  "confirm": "latihan-baru-1"})
        assert done.status_code == 302 and c.get("/").status_code == 200
    return c


def _class_with_sandbox(guru, s, code="KASUS-BAPENDA-PAJAK"):
    resp = guru.post("/latihan/kelas", data={"name": "PKP Angkatan II"})
    class_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    sheet = guru.post(f"/latihan/kelas/{class_id}/peserta",
                      data={"roster": "andi, Andi Saputra\nbudi, Budi Santoso, A\ncici, Cici Lestari, A"})
    assert sheet.status_code == 200
    html = sheet.get_data(as_text=True)
    passwords = dict(zip(["andi", "budi", "cici"],
                         [chunk.split("</code>")[0] for chunk in html.split('<code class="otp">')[1:]]))
    case = next(c for c in cases.list_cases(s) if c.code == code)
    resp = guru.post(f"/latihan/kelas/{class_id}/penugasan", data={"case_id": case.id, "target": "user:andi"})
    assert resp.status_code == 302
    from planner.models.training import TrainingAssignment
    from sqlmodel import select
    s.expire_all()
    row = s.exec(select(TrainingAssignment).where(TrainingAssignment.class_id == class_id)).one()
    return class_id, passwords, row


def test_instructor_runs_a_class_and_trainee_works_with_live_feedback(app, guru, s):
    class_id, passwords, row = _class_with_sandbox(guru, s)
    assert len(passwords["andi"]) == 10
    andi = _client(app, "andi", passwords["andi"])
    page = andi.get(f"/plans/{row.plan_id}").get_data(as_text=True)
    assert f"/latihan/rencana/{row.plan_id}/umpan-balik" in page  # the panel slot on the sandbox plan
    first = andi.get(f"/latihan/rencana/{row.plan_id}/umpan-balik", headers=HX).get_data(as_text=True)
    score_before = float(first.split('data-score="')[1].split('"')[0])
    acting.act_as(s, acting.SYSTEM)
    keg = plans.load_tree(s, s.get(Plan, row.plan_id)).roots[0].children[0].node
    resp = andi.post(f"/nodes/{keg.id}/children/new" if False else f"/plans/{row.plan_id}/nodes",
                     data={"kind": "sub_kegiatan", "code": "5.02.04.1.01.0004", "parent_id": keg.id,
                           "name": "Pelayanan dan Konsultasi Pajak Daerah"}, headers=HX)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    after = andi.get(f"/latihan/rencana/{row.plan_id}/umpan-balik", headers=HX).get_data(as_text=True)
    score_after = float(after.split('data-score="')[1].split('"')[0])
    assert score_after > score_before
    assert "Modul" in after and "BAB III" in after  # hints point to the module's chapters
    # a trainee reaches only their sandbox: not the class, not the case library
    assert andi.get(f"/latihan/kelas/{class_id}").status_code == 404
    assert andi.get("/latihan/kasus").status_code == 403
    # quiz from the sandbox, scored at once
    quiz = andi.post(f"/latihan/ruang/{row.id}/kuis/BAB-II", data={"q1": "d", "q2": "b", "q3": "c"})
    assert "2 dari 10 benar" in quiz.get_data(as_text=True)
    resp = andi.post(f"/latihan/ruang/{row.id}/serahkan", data={"note": "Mohon diperiksa"})
    assert resp.status_code == 302
    view = guru.get(f"/latihan/kelas/{class_id}").get_data(as_text=True)
    assert 'data-who="andi"' in view and "Diserahkan" in view
    assert guru.post(f"/latihan/ruang/{row.id}/keputusan", data={"decision": "accept", "grade": "87,5",
                                                                 "note": "Baik"}).status_code == 302
    history = andi.get(f"/latihan/ruang/{row.id}").get_data(as_text=True)
    assert "Diterima instruktur" in history and "87,5" in history
    wb = load_workbook(io.BytesIO(guru.get(f"/latihan/kelas/{class_id}/hasil.xlsx").data))
    rows = list(wb["Hasil kelas"].iter_rows(values_only=True))
    assert rows[2][0] == "andi" and rows[2][8] == 87.5
    assert list(wb["Kuis"].iter_rows(values_only=True))[1][:3] == ("andi", "BAB-II", 2)


def test_enrolment_from_an_uploaded_sheet(guru, s):
    resp = guru.post("/latihan/kelas", data={"name": "Kelas lembar"})
    class_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    wb = Workbook()
    wb.active.append(["username", "nama", "kelompok"])
    wb.active.append(["dewi", "Dewi Anggraini", "B"])
    buf = io.BytesIO()
    wb.save(buf)
    sheet = guru.post(f"/latihan/kelas/{class_id}/peserta",
                      data={"file": (io.BytesIO(buf.getvalue()), "peserta.xlsx")}, content_type="multipart/form-data")
    assert "Dewi Anggraini" in sheet.get_data(as_text=True) and 'class="otp"' in sheet.get_data(as_text=True)
    bad = guru.post(f"/latihan/kelas/{class_id}/peserta", data={"roster": "ok1\nbad name!"})
    assert bad.status_code == 422 and "Baris 2" in bad.get_data(as_text=True)


def test_sandboxes_appear_in_no_real_view(app, guru, s, org, make_renja, make_user):
    make_renja(org)
    class_id, passwords, row = _class_with_sandbox(guru, s)
    make_user("root", "admin")
    admin = _client(app, "root")
    sandbox_plan = s.get(Plan, row.plan_id)
    andi = _client(app, "andi", passwords["andi"])
    assert andi.post(f"/latihan/ruang/{row.id}/serahkan").status_code == 302  # now "submitted": queue material
    for url in ("/monitoring?year=2026", "/review", "/review/units?year=2026", "/", "/plans?year=2026",
                f"/orgs/{org.id}/pohon?year=2026", "/layanan-publik", "/evaluasi", "/plans/new"):
        html = admin.get(url).get_data(as_text=True)
        assert "Bapenda Provinsi Kalimantan Barat —" not in html, url  # the sandbox's name
        assert sandbox_plan.name not in html, url
    token = app.test_client().post("/api/v1/auth/token", json={"username": "root", "password": PASSWORD}).json["token"]
    api = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert row.organization_id not in {o["id"] for o in api.get("/api/v1/organizations", headers=headers).json["organizations"]}
    assert sandbox_plan.id not in {p["id"] for p in api.get("/api/v1/plans", headers=headers).json["plans"]}


def test_api_contract(app, lan, s):
    token = app.test_client().post("/api/v1/auth/token", json={"username": "guru", "password": PASSWORD}).json["token"]
    c, h = app.test_client(), {"Authorization": f"Bearer {token}"}
    listed = c.get("/api/v1/cases", headers=h).json["cases"]
    assert len(listed) == 5 and "expectations" in listed[0]
    klass = c.post("/api/v1/classes", json={"name": "Kelas API"}, headers=h)
    assert klass.status_code == 201
    cid = klass.json["id"]
    enrolled = c.post(f"/api/v1/classes/{cid}/trainees", json={"usernames": ["eka", "fajar", "gita"]}, headers=h)
    assert enrolled.status_code == 201 and all(t["one_time_password"] for t in enrolled.json["trainees"])
    made = c.post(f"/api/v1/classes/{cid}/assignments", json={"username": "eka", "case_id": listed[0]["id"]}, headers=h)
    assert made.status_code == 201 and made.json["organization_id"] and made.json["plan_id"]
    progress = c.get(f"/api/v1/classes/{cid}/progress", headers=h).json["trainees"]
    eka = next(t for t in progress if t["username"] == "eka")
    assert set(eka) >= {"username", "score", "findings", "submitted"} and eka["submitted"] is False
    assert c.post(f"/api/v1/classes/{cid}/trainees", json={"usernames": "eka"}, headers=h).status_code == 422
    assert c.post(f"/api/v1/classes/{cid}/assignments", json={"username": "nobody", "case_id": listed[0]["id"]},
                  headers=h).status_code == 422
    # a trainee sees the library without the instructor's key, and cannot run classes
    pw = enrolled.json["trainees"][0]["one_time_password"]
    ttok = app.test_client().post("/api/v1/auth/token", json={"username": "eka", "password": pw}).json["token"]
    th = {"Authorization": f"Bearer {ttok}"}
    assert "expectations" not in c.get("/api/v1/cases", headers=th).json["cases"][0]
    assert c.post("/api/v1/classes", json={"name": "X"}, headers=th).status_code == 403
    assert c.get(f"/api/v1/classes/{cid}/progress", headers=th).status_code == 404
    # the trainee creates and edits plans only in their sandbox
    assert c.post(f"/api/v1/plans/{made.json['plan_id']}/nodes", headers=th,
                  json={"kind": "program", "code": "5.02.05", "name": "Program latihan"}).status_code in (201, 422)


def test_cases_written_edited_exported_and_imported(guru, s):
    page = guru.get("/latihan/kasus").get_data(as_text=True)
    assert "KASUS-KEMENLU-PWNI" in page
    resp = guru.post("/latihan/kasus/baru", data={"code": "KASUS-SAYA", "title": "Kasus saya", "context": "Konteks",
                                                "expectations": "- {id: E1, kind: activity, label: Kegiatan, any_of: [layanan]}"})
    assert resp.status_code == 302
    case_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    bad = guru.post(f"/latihan/kasus/{case_id}", data={"code": "KASUS-SAYA", "title": "Kasus saya",
                                                       "expectations": "- {id: E1, kind: nonsense}"})
    assert bad.status_code == 422 and "expectations" in bad.get_data(as_text=True)
    exported = guru.get(f"/latihan/kasus/{case_id}/berkas").data
    assert b"KASUS-SAYA" in exported
    imported = guru.post("/latihan/kasus/impor", data={"file": (io.BytesIO(exported.replace(b"Kasus saya", b"Kasus diimpor")),
                                                                "k.yaml")}, content_type="multipart/form-data")
    assert imported.status_code == 302
    s.expire_all()
    assert cases.get(s, case_id).title == "Kasus diimpor"


def _statuses(s, row) -> tuple[str, str]:
    s.expire_all()
    return s.get(Plan, row.plan_id).status, s.get(type(row), row.id).status


def test_plan_page_and_api_transitions_keep_the_training_status(app, guru, s):
    class_id, passwords, row = _class_with_sandbox(guru, s)
    andi = _client(app, "andi", passwords["andi"])
    # the trainee hands in through the plan page's own "Ajukan"
    assert andi.post(f"/plans/{row.plan_id}/transition", data={"action": "submit"}).status_code == 302
    assert _statuses(s, row) == ("submitted", "submitted")
    page = guru.get(f"/plans/{row.plan_id}").get_data(as_text=True)
    assert 'name="grade"' in page and "Nilai latihan" in page  # the plan page asks the grade on a sandbox plan
    # the instructor returns from the plan page: the class view says so
    guru.post(f"/plans/{row.plan_id}/transition", data={"action": "return", "note": "Tautkan ke sasaran"})
    assert _statuses(s, row) == ("returned", "returned")
    assert "Dikembalikan" in guru.get(f"/latihan/kelas/{class_id}").get_data(as_text=True)
    assert "Tautkan ke sasaran" in andi.get(f"/latihan/ruang/{row.id}").get_data(as_text=True)
    andi.post(f"/latihan/ruang/{row.id}/serahkan")
    # "Setujui" without a grade: refused on the page, both stay submitted
    refused = guru.post(f"/plans/{row.plan_id}/transition", data={"action": "approve"}, follow_redirects=True)
    assert "beri nilai" in refused.get_data(as_text=True)
    assert _statuses(s, row) == ("submitted", "submitted")
    # the API: a grade outside 0–100 is refused by the contract, a grade accepts
    token = app.test_client().post("/api/v1/auth/token", json={"username": "guru", "password": PASSWORD}).json["token"]
    api, h = app.test_client(), {"Authorization": f"Bearer {token}"}
    assert api.post(f"/api/v1/plans/{row.plan_id}/transitions", json={"action": "approve", "grade": 120},
                    headers=h).status_code == 422
    assert api.post(f"/api/v1/plans/{row.plan_id}/transitions", json={"action": "approve"},
                    headers=h).status_code == 422
    resp = api.post(f"/api/v1/plans/{row.plan_id}/transitions", json={"action": "approve", "grade": 77},
                    headers=h)
    assert resp.status_code == 200 and resp.json["status"] == "approved"
    assert _statuses(s, row) == ("approved", "accepted")
    progress = api.get(f"/api/v1/classes/{class_id}/progress", headers=h).json["trainees"]
    andi_row = next(t for t in progress if t["username"] == "andi")
    assert andi_row["status"] == "accepted" and andi_row["grade"] == 77 and andi_row["submitted"] is True


def test_the_training_review_moves_the_plan_page(app, guru, s):
    _, passwords, row = _class_with_sandbox(guru, s)
    andi = _client(app, "andi", passwords["andi"])
    andi.post(f"/latihan/ruang/{row.id}/serahkan")
    guru.post(f"/latihan/ruang/{row.id}/keputusan", data={"decision": "return", "note": "Perbaiki output"})
    assert _statuses(s, row) == ("returned", "returned")
    assert "Perbaiki output" in andi.get(f"/plans/{row.plan_id}").get_data(as_text=True)  # the return note
    andi.post(f"/latihan/ruang/{row.id}/serahkan")
    guru.post(f"/latihan/ruang/{row.id}/keputusan", data={"decision": "accept", "grade": "90", "note": "Baik"})
    assert _statuses(s, row) == ("approved", "accepted")
    assert 'name="grade"' not in guru.get(f"/plans/{row.plan_id}").get_data(as_text=True)  # nothing left to approve


def test_a_case_renstra_in_the_editor_and_the_sandbox(app, guru, s):
    road = next(c for c in cases.list_cases(s) if c.code == "KASUS-BPJN-PEKPPP")
    form = guru.get(f"/latihan/kasus/{road.id}").get_data(as_text=True)
    renstra_box = form.split('name="renstra"')[1].split("</textarea>")[0]
    start_box = form.split('name="start"')[1].split("</textarea>")[0]
    assert "SS1" in renstra_box and "first_year: 2025" in renstra_box and "renstra:" not in start_box
    exported = guru.get(f"/latihan/kasus/{road.id}/berkas?format=json").json
    assert [n["code"] for n in exported["start"]["renstra"]["nodes"][0]["children"]] == ["SS1", "SS2"]
    # saved back from the form unchanged, the Renstra stays in the case's start
    fields = {k: v for k, v in exported.items() if k not in ("documents", "start", "expectations")}
    import yaml
    data = fields | {"documents": yaml.safe_dump(exported["documents"], allow_unicode=True),
                     "start": start_box.split(">", 1)[1], "renstra": renstra_box.split(">", 1)[1],
                     "expectations": yaml.safe_dump(exported["expectations"], allow_unicode=True)}
    data = {k: __import__("html").unescape(v) if isinstance(v, str) else v for k, v in data.items()}
    assert guru.post(f"/latihan/kasus/{road.id}", data=data).status_code == 302
    s.expire_all()
    assert cases.get(s, road.id).start["renstra"]["nodes"][0]["code"] == "T1"
    bad = guru.post(f"/latihan/kasus/{road.id}", data=data | {"renstra": "plan: {first_year: 2025, last_year: 2029}\nnodes: []"})
    assert bad.status_code == 422 and "start.renstra" in bad.get_data(as_text=True)
    # a trainee's sandbox on this case: the plan page offers the Renstra's sasaran to serve
    _, passwords, row = _class_with_sandbox(guru, s, "KASUS-BPJN-PEKPPP")
    andi = _client(app, "andi", passwords["andi"])
    page = andi.get(f"/plans/{row.plan_id}").get_data(as_text=True)
    assert "Meningkatnya kualitas layanan jalan nasional" in page and "Program yang belum ditautkan" in page
    acting.act_as(s, acting.SYSTEM)
    program = plans.load_tree(s, s.get(Plan, row.plan_id)).roots[0].node
    form = andi.get(f"/plans/{row.plan_id}?edit={program.id}").get_data(as_text=True)
    assert "SS1 — Meningkatnya kualitas layanan jalan nasional" in form
