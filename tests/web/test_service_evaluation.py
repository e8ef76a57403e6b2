"""Service evaluation through the API and the pages: the contract of issue 14, imports with bad rows,
"Jadikan kegiatan" / "Jadikan realisasi", and the public page and questionnaire reaching nothing else."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

from openpyxl import Workbook
from sqlmodel import select

from planner.models import PlanNode, Realization
from planner.models.survey import SurveyResponse
from planner.services import instruments, plans, publication, surveys

INSTRUMENT = {"code": "UJI", "name": "Instrumen uji", "aspects": [
    {"code": "1", "name": "Kebijakan pelayanan", "weight": 24, "indicators": [
        {"code": "1.1", "name": "Standar pelayanan", "weight": 50}, {"code": "1.2", "name": "Maklumat", "weight": 30},
        {"code": "1.3", "name": "SKM", "weight": 20}]},
    {"code": "2", "name": "Lainnya", "weight": 76, "indicators": [{"code": "2.1", "name": "SDM", "weight": 100}]}]}


def _admin_headers(make_user, api_token):
    make_user("root", "admin")
    return api_token("root")


def test_evaluation_api_contract_worked_example(client, org, auth, make_user, api_token):
    admin = _admin_headers(make_user, api_token)
    bad = client.post("/api/v1/instruments", json={**INSTRUMENT, "aspects": [{**INSTRUMENT["aspects"][0], "weight": 30},
                                                                             INSTRUMENT["aspects"][1]]}, headers=admin)
    assert bad.status_code == 422 and "106" in bad.json["error"]["message"]
    assert client.post("/api/v1/instruments", json=INSTRUMENT, headers=auth).status_code == 403
    inst = client.post("/api/v1/instruments", json=INSTRUMENT, headers=admin)
    assert inst.status_code == 201 and inst.json["version"] == 1
    ev = client.post("/api/v1/evaluations", json={"organization_id": org.id, "year": 2025,
                                                  "instrument_id": inst.json["id"]}, headers=auth)
    assert ev.status_code == 201 and ev.json["index"] is None and ev.json["category"] is None
    bad = client.put(f"/api/v1/evaluations/{ev.json['id']}/scores", json={"scores": {"1.1": 6}}, headers=auth)
    assert bad.status_code == 422 and bad.json["error"]["field"] == "scores.1.1"
    resp = client.put(f"/api/v1/evaluations/{ev.json['id']}/scores",
                      json={"scores": {"1.1": 4, "1.2": 3, "1.3": 5, "2.1": 3}}, headers=auth)
    body = client.get(f"/api/v1/evaluations/{ev.json['id']}", headers=auth).json
    assert resp.status_code == 200 and abs(body["index"] - 3.216) < 1e-9
    assert body["category"] == "B-" and body["label"] == "Baik (dengan catatan)"
    assert [(a["code"], round(a["score"], 3), a["weight"]) for a in body["aspects"]] == [("1", 3.9, 24), ("2", 3.0, 76)]
    gaps = {g["indicator"]: g for g in body["gaps"]}
    assert abs(gaps["2.1"]["lost_points"] - 1.52) < 1e-9 and gaps["2.1"]["priority"] == "I"
    assert gaps["1.3"]["lost_points"] == 0 and gaps["1.3"]["priority"] is None
    # An edit of the instrument in use makes version 2; the evaluation keeps version 1 and its index.
    edited = client.put(f"/api/v1/instruments/{inst.json['id']}", json={**INSTRUMENT, "name": "Diubah"}, headers=admin)
    assert edited.json["version"] == 2 and edited.json["id"] != inst.json["id"]
    again = client.get(f"/api/v1/evaluations/{ev.json['id']}", headers=auth).json
    assert again["instrument"]["version"] == 1 and again["index"] == body["index"]


def test_survey_api_all_or_nothing_and_result(client, org, auth, s):
    sv = client.post("/api/v1/surveys", json={"organization_id": org.id, "year": 2025, "name": "SKM uji",
                                              "population": 100}, headers=auth)
    assert sv.status_code == 201 and [e["code"] for e in sv.json["elements"]] == [f"U{n}" for n in range(1, 10)]
    good = {f"U{n}": 4 if n % 2 else 3 for n in range(1, 10)}
    bad = client.post(f"/api/v1/surveys/{sv.json['id']}/responses",
                      json={"responses": [good, {**good, "U3": 5}, good, {**good, "U7": 0}]}, headers=auth)
    assert bad.status_code == 422
    message = bad.json["error"]["message"]
    assert "baris 2: unsur U3" in message and "baris 4: unsur U7" in message and "'5'" in message
    assert s.exec(select(SurveyResponse)).all() == []  # nothing was kept
    ok = client.post(f"/api/v1/surveys/{sv.json['id']}/responses",
                     json={"responses": [{c: a for c, a in zip(good, (4, 3, 3, 4, 4, 3, 3, 4, 4))}] * 0
                           + [{c: x for c in good} for x in (4, 3, 3, 4)]}, headers=auth)
    assert ok.status_code == 201 and ok.json["respondents"] == 4
    r = client.get(f"/api/v1/surveys/{sv.json['id']}/result", headers=auth).json
    assert r["elements"]["U1"]["nrr"] == 3.5 and r["ikm_unit"] == 3.5 and r["ikm"] == 87.5
    assert (r["mutu"], r["label"], r["respondents"], r["minimum_sample"]) == ("B", "Baik", 4, 80)
    size = client.get("/api/v1/surveys/sample-size?population=1000", headers=auth)
    assert size.json["minimum_sample"] == 278
    assert client.get("/api/v1/surveys/sample-size?population=x", headers=auth).status_code == 422


def test_custom_elements_need_weights_summing_to_one(client, org, auth):
    bad = client.post("/api/v1/surveys", json={"organization_id": org.id, "year": 2025, "name": "SKM unsur sendiri",
                                               "elements": [{"code": "K1", "name": "Kecepatan", "weight": 0.6},
                                                            {"code": "K2", "name": "Keramahan", "weight": 0.3}]},
                      headers=auth)
    assert bad.status_code == 422 and "harus 1" in bad.json["error"]["message"]
    ok = client.post("/api/v1/surveys", json={"organization_id": org.id, "year": 2025, "name": "SKM unsur sendiri",
                                              "elements": [{"code": "K1", "name": "Kecepatan", "weight": 0.6},
                                                           {"code": "K2", "name": "Keramahan", "weight": 0.4}]},
                     headers=auth)
    assert ok.status_code == 201 and ok.json["version"] == "custom"


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_survey_import_names_bad_rows_and_keeps_nothing(editor, s, org):
    sv = surveys.create(s, {"organization_id": org.id, "year": 2025, "name": "SKM impor"})
    s.commit()
    header = [f"U{n}" for n in range(1, 10)] + ["jenis_kelamin", "pendidikan"]
    data = _xlsx([header, [4] * 9 + ["L", "S1"], [3] * 8 + ["x", "P", "S1"], [4] * 9 + ["Z", "SMA"], [2] * 9 + ["P", "S2"]])
    resp = editor.post(f"/skm/{sv.id}/impor", data={"file": (io.BytesIO(data), "skm.xlsx")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "baris 3: unsur U9: jawaban harus 1–4, bukan &#39;x&#39;" in html
    assert "baris 4: Jenis kelamin &#39;Z&#39; tidak dikenal" in html and "Tidak ada yang disimpan" in html
    assert surveys.count_responses(s, sv) == 0
    csv = "U1;U2;U3;U4;U5;U6;U7;U8;U9;layanan\n4;4;3;3;4;4;3;3;4;KTP\n3;3;3;3;3;3;3;3;3;KK\n"
    resp = editor.post(f"/skm/{sv.id}/impor", data={"file": (io.BytesIO(csv.encode()), "skm.csv")})
    assert resp.status_code == 302 and surveys.count_responses(s, sv) == 2
    page = editor.get(f"/skm/{sv.id}").get_data(as_text=True)
    assert 'id="respondents">2<' in page and "Menurut jenis layanan" in page
    book = editor.get(f"/skm/{sv.id}/laporan.xlsx")
    assert book.status_code == 200 and book.data[:2] == b"PK"


def test_complaints_import_summary_and_api(client, editor, s, org, api_token):
    auth = api_token("ani")
    csv = ("kanal,tanggal_diterima,kategori,uraian,status,tanggal_selesai,tanggapan\n"
           "lapor,2025-01-06,Waktu,Antrean lama,selesai,2025-01-08,Loket ditambah\n"
           "faks,2025-01-07,Waktu,Kanal salah,,,\n"
           "web,2025-13-01,Data,Tanggal salah,,,\n")
    resp = editor.post(f"/pengaduan/impor?org={org.id}&year=2025", data={"file": (io.BytesIO(csv.encode()), "p.csv")})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "baris 3: channel" in html and "baris 4: received_on" in html
    assert client.get(f"/api/v1/complaints/summary?organization_id={org.id}&year=2025", headers=auth).json["received"] == 0
    good = csv.splitlines()[0] + "\n" + csv.splitlines()[1] + "\nloket,2025-01-06,Sarana,Kursi rusak,selesai,2025-02-28,Diganti\n"
    assert editor.post(f"/pengaduan/impor?org={org.id}&year=2025",
                       data={"file": (io.BytesIO(good.encode()), "p.csv")}).status_code == 302
    made = client.post("/api/v1/complaints", json={"organization_id": org.id, "channel": "media_sosial",
                                                   "received_on": "2025-01-06", "category": "Petugas",
                                                   "summary": "Petugas tidak ramah"}, headers=auth)
    assert made.status_code == 201 and made.json["due_on"] == "2025-01-27" and made.json["overdue"] is True
    refused = client.put(f"/api/v1/complaints/{made.json['id']}", json={"status": "selesai"}, headers=auth)
    assert refused.status_code == 422 and refused.json["error"]["field"] == "resolved_on"
    done = client.put(f"/api/v1/complaints/{made.json['id']}", json={"status": "selesai", "resolved_on": "2025-01-27",
                                                                      "response": "Pembinaan petugas"}, headers=auth)
    assert done.json["overdue"] is False and done.json["days"] == 15
    sm = client.get(f"/api/v1/complaints/summary?organization_id={org.id}&year=2025", headers=auth).json
    assert (sm["received"], sm["resolved"], sm["overdue"], sm["limit_days"]) == (3, 3, 1, 15)
    assert abs(sm["resolved_on_time_pct"] - 200 / 3) < 1e-9 and abs(sm["average_days"] - (2 + 39 + 15) / 3) < 1e-9
    page = editor.get(f"/pengaduan?org={org.id}&year=2025").get_data(as_text=True)
    assert page.count('class="flagged"') == 1 and "terlambat" in page and "Rekap bulanan 2025" in page


def test_gap_becomes_activity_in_the_draft_renja(editor, s, org, make_renja, make_user, api_token, client):
    renja = make_renja(org, year=2026, activities=1)
    inst = instruments.create(s, INSTRUMENT)
    s.commit()
    created = editor.post("/evaluasi", data={"organization_id": org.id, "year": 2025, "instrument_id": inst.id})
    ev_id = int(created.headers["Location"].rsplit("/", 1)[1])
    editor.post(f"/evaluasi/{ev_id}/nilai", data={"score:1.1": "4", "score:1.2": "3", "score:1.3": "5", "score:2.1": "3"})
    page = editor.get(f"/evaluasi/{ev_id}").get_data(as_text=True)
    assert 'id="ipp">3,22<' in page and 'id="category">B\u2212<' in page and 'id="radar"' in page
    form = editor.get(f"/evaluasi/{ev_id}/kegiatan/2.1").get_data(as_text=True)
    program = plans.load_tree(s, renja).roots[0].node
    code = re.search(r'name="code" value="([^"]+)"', form).group(1)
    assert code == "5.02.02.2.02"  # the next free kegiatan code below the program
    resp = editor.post(f"/evaluasi/{ev_id}/kegiatan/2.1", data={
        "parent_id": program.id, "code": code, "name": "Peningkatan kompetensi SDM pelayanan",
        "indicator_name": "Jumlah pelaksana bersertifikat", "unit": "orang", "target": "12"})
    assert resp.status_code == 302 and f"/plans/{renja.id}" in resp.headers["Location"]
    node = s.exec(select(PlanNode).where(PlanNode.code == code)).one()
    assert "PEKPPP 2025" in node.description
    tree = editor.get(f"/plans/{renja.id}").get_data(as_text=True)
    assert "Peningkatan kompetensi SDM pelayanan" in tree and "Jumlah pelaksana bersertifikat" in tree
    assert f'href="/evaluasi/{ev_id}#celah"' in tree  # the tree links the node back to its gap
    back = editor.get(f"/nodes/{node.id}/evaluasi")
    assert back.status_code == 302 and f"/evaluasi/{ev_id}" in back.headers["Location"]
    page = editor.get(f"/evaluasi/{ev_id}").get_data(as_text=True)
    assert "Peningkatan kompetensi SDM pelayanan" in page and "belum ada realisasi" in page
    reason = editor.post(f"/evaluasi/{ev_id}/prioritas/2.1", data={"tier": "III"})
    assert reason.status_code == 422 and "Alasan" in reason.get_data(as_text=True)


def test_survey_index_becomes_a_realisation_with_the_survey_as_evidence(editor, s, org, make_renja):
    renja = make_renja(org, year=2025, activities=1)
    outcome = plans.load_tree(s, renja).roots[0].indicators[0]
    sv = surveys.create(s, {"organization_id": org.id, "year": 2025, "name": "SKM realisasi"})
    surveys.add_responses(s, sv, [{f"U{n}": a for n in range(1, 10)} for a in (4, 3, 3, 4)])
    s.commit()
    resp = editor.post(f"/skm/{sv.id}/realisasi", data={"indicator_id": outcome.id, "period": "TW4"})
    assert resp.status_code == 302, re.findall(r'flash error[^>]*>([^<]*)', resp.get_data(as_text=True))
    real = s.exec(select(Realization).where(Realization.indicator_id == outcome.id)).one()
    assert real.value == 87.5 and "SKM realisasi" in real.note
    detail = editor.get(f"/indicators/{outcome.id}/realisasi/2025/TW4").get_data(as_text=True)
    assert f"/skm/{sv.id}" in detail


def _publish(s, org, **flags):
    publication.save_profile(s, org.id, {"published": True, "maklumat": "Kami sanggup melayani sesuai standar.",
                                         **flags})
    s.commit()


def test_public_page_shows_only_what_is_published_and_links_nowhere_else(client, s, org, make_renja):
    make_renja(org, year=2026, activities=1)
    assert client.get(f"/publik/{org.code}").status_code == 404  # nothing published yet
    sv = surveys.create(s, {"organization_id": org.id, "year": 2025, "name": "SKM publik"})
    surveys.add_responses(s, sv, [{f"U{n}": 4 for n in range(1, 10)}])
    _publish(s, org, show_skm=True, show_survey_link=False, show_complaints=False)
    html = client.get(f"/publik/{org.code}").get_data(as_text=True)
    assert "Kami sanggup melayani" in html and "IKM <strong>100,00</strong>" in html
    assert 'id="complaints"' not in html and 'id="survey-link"' not in html
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert all(h.startswith("/static/") for h in hrefs), hrefs  # no way into the application
    from planner.services import complaints
    complaints.create(s, {"organization_id": org.id, "channel": "lapor", "received_on": "2025-03-03",
                          "summary": "Antrean lama"})
    _publish(s, org, show_skm=False, show_survey_link=True, show_complaints=True)
    html = client.get(f"/publik/{org.code}").get_data(as_text=True)
    assert "Penanganan pengaduan 2025" in html and "Diterima: <strong>1</strong>" in html
    assert 'id="skm"' not in html and f"/kuesioner/{sv.public_token}" in html and 'id="complaints"' in html
    assert {h for h in re.findall(r'href="([^"]+)"', html) if not h.startswith("/static/")} == {
        f"/kuesioner/{sv.public_token}"}
    assert client.get("/publik/TIDAK-ADA").status_code == 404


def test_public_questionnaire_once_per_device_closes_and_throttles(app, s, org):
    sv = surveys.create(s, {"organization_id": org.id, "year": 2025, "name": "SKM daring"})
    closed = surveys.create(s, {"organization_id": org.id, "year": 2024, "name": "SKM lama",
                                "ends_on": date.today() - timedelta(days=1)})
    s.commit()
    phone = app.test_client()
    form = phone.get(f"/kuesioner/{sv.public_token}").get_data(as_text=True)
    assert form.count('type="radio" name="U') == 36 and "/plans" not in form and "/login" not in form
    partial = phone.post(f"/kuesioner/{sv.public_token}", data={"U1": "4"})
    assert partial.status_code == 422 and "U2" in partial.get_data(as_text=True)
    answers = {f"U{n}": "3" for n in range(1, 10)}
    assert "Terima kasih" in phone.post(f"/kuesioner/{sv.public_token}", data=answers).get_data(as_text=True)
    again = phone.post(f"/kuesioner/{sv.public_token}", data=answers)
    assert again.status_code == 409 and surveys.count_responses(s, sv) == 1
    assert app.test_client().post(f"/kuesioner/{sv.public_token}", data=answers).status_code == 200  # another phone
    shut = app.test_client()
    assert "Survei ditutup" in shut.get(f"/kuesioner/{closed.public_token}").get_data(as_text=True)
    assert shut.post(f"/kuesioner/{closed.public_token}", data=answers).status_code == 409
    assert app.test_client().get("/kuesioner/bukan-token").status_code == 404
    app.config["PUBLIC_SURVEY_PER_HOUR"] = 3  # two were accepted, one refused: the next one is throttled
    assert app.test_client().post(f"/kuesioner/{sv.public_token}", data=answers).status_code == 429


def _big_instrument(s, per_aspect: int, code: str):
    return instruments.create(s, {"code": code, "name": "Instrumen besar", "aspects": [
        {"code": str(a), "name": f"Aspek {a}", "weight": w, "indicators": [
            {"code": f"{a}.{i}", "name": f"Indikator {a}.{i}", "weight": 100 / per_aspect if i < per_aspect
             else 100 - 100 / per_aspect * (per_aspect - 1)} for i in range(1, per_aspect + 1)]}
        for a, w in enumerate((24, 25, 18, 11, 10, 12), start=1)]})


def test_pages_load_in_a_bounded_number_of_statements(editor, s, org, engine, count_queries):
    from planner.models.evaluation import EvaluationCreate
    from planner.services import evaluations

    counts = []
    for n, per_aspect in enumerate((2, 8)):
        inst = _big_instrument(s, per_aspect, f"BESAR-{n}")
        ev = evaluations.create(s, EvaluationCreate(organization_id=org.id, year=2020 + n, instrument_id=inst.id))
        evaluations.save_scores(s, ev, {f"{a}.{i}": (a + i) % 6 for a in range(1, 7) for i in range(1, per_aspect + 1)})
        sv = surveys.create(s, {"organization_id": org.id, "year": 2020 + n, "name": f"SKM {n}", "population": 500})
        surveys.add_responses(s, sv, [{f"U{k}": 1 + (k + r) % 4 for k in range(1, 10)} | {"gender": "LP"[r % 2]}
                                      for r in range(5 if n == 0 else 60)])
        s.commit()
        with count_queries(engine) as c1:
            assert editor.get(f"/evaluasi/{ev.id}").status_code == 200
        with count_queries(engine) as c2:
            assert editor.get(f"/skm/{sv.id}").status_code == 200
        counts.append((c1.count, c2.count))
    assert counts[0] == counts[1], counts  # four times the indicators, twelve times the respondents


def test_importance_asked_in_the_public_questionnaire(app, s, org):
    sv = surveys.create(s, {"organization_id": org.id, "year": 2025, "name": "SKM kepentingan", "asks_importance": True})
    s.commit()
    phone = app.test_client()
    assert 'name="I_U1"' in phone.get(f"/kuesioner/{sv.public_token}").get_data(as_text=True)
    answers = {f"U{n}": "3" for n in range(1, 10)} | {"I_U1": "4", "I_U2": "1"}
    assert phone.post(f"/kuesioner/{sv.public_token}", data=answers).status_code == 200
    r = surveys.result(s, sv)
    assert r.importance["U1"] == 4 and r.importance["U2"] == 1 and r.importance["U3"] is None
