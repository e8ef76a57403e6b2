"""Evaluation across units (issue 18) through the API and the pages: the contract, who sees what, the LHE and its
workbook, "Jadikan kegiatan" from a recommendation, follow-up monitoring and the Renja overview across units."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from planner.services import evaluation_rounds as rounds, instruments, plans, versions
from planner.services import monitoring as mon
from tests.services.test_evaluation_rounds_service import ASPECTS  # the same small instrument


@pytest.fixture
def scope(s, make_org, make_user):
    prov = make_org("PEMPROV", "Pemerintah Provinsi Contoh", "pemda")
    units = [make_org(f"OPD{n}", f"Dinas {n}", "perangkat_daerah", prov) for n in (1, 2)]
    inst = instruments.create(s, {"code": "UJI", "name": "Instrumen uji", "aspects": ASPECTS})
    s.commit()
    make_user("koordinator", "reviewer", prov)
    make_user("penilai", "pengamat", prov)  # can read every unit by role, but is assigned to one
    make_user("opd1", "penyusun", units[0])
    return {"prov": prov, "units": units, "inst": inst}


def _round(client, api_token, scope):
    koord = api_token("koordinator")
    resp = client.post("/api/v1/evaluation-rounds", headers=koord, json={
        "name": "Evaluasi PEKPPP 2026", "year": 2026, "instrument_id": scope["inst"].id,
        "organization_ids": [u.id for u in scope["units"]]})
    assert resp.status_code == 201, resp.json
    return resp.json, koord


def _self_scores(client, api_token, s, rnd_id, org, scores):
    ru = rounds.round_unit(s, rounds.get(s, rnd_id), org.id)
    resp = client.put(f"/api/v1/evaluations/{ru.evaluation_id}/scores", headers=api_token("opd1"),
                      json={"scores": scores})
    assert resp.status_code == 200, resp.json


def test_api_contract_visibility_and_follow_up(client, s, scope, api_token, make_user):
    rnd, koord = _round(client, api_token, scope)
    u1, u2 = scope["units"]
    assert rnd["organization_id"] == scope["prov"].id and rnd["organization_ids"] == [u1.id, u2.id]
    _self_scores(client, api_token, s, rnd["id"], u1, {"1.1": 4, "1.2": 4, "2.1": 4})

    # the coordinator assigns an evaluator to unit 1 only; the evaluator verifies it with an adjustment
    r = rounds.get(s, rnd["id"])
    penilai = [u for u in rounds.candidates(s) if u.username == "penilai"][0]
    from planner.services import acting
    acting.act_as(s, acting.SYSTEM)
    rounds.assign_evaluator(s, r, u1.id, penilai.id)
    s.commit()
    ev_auth = api_token("penilai")
    resp = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/results", headers=ev_auth)
    assert [u["organization_id"] for u in resp.json["units"]] == [u1.id]  # only the assigned unit
    client.post("/login", data={"username": "penilai", "password": "rahasia-123"})
    resp = client.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/verifikasi", data={"accept": "1"})
    assert resp.status_code == 302
    resp = client.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/verifikasi",
                       data={"score:2.1": "2", "note:2.1": "SK kode etik belum ada"})
    assert resp.status_code == 302
    assert client.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u2.id}/verifikasi",
                       data={"score:1.1": "2"}).status_code == 404  # reads unit 2 by role, not in their round view
    assert client.get(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u2.id}").status_code == 404

    resp = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/results", headers=koord)
    row = next(u for u in resp.json["units"] if u["organization_id"] == u1.id)
    assert set(row) >= {"organization_id", "self_index", "verified_index", "category", "rank", "aspects"}
    assert (row["self_index"], row["verified_index"], row["category"], row["rank"]) == (4.0, 3.2, "B-", 1)
    assert row["aspects"][1] == {"code": "2", "name": "SDM", "weight": 40.0, "self_score": 4.0,
                                 "verified_score": 2.0}

    # recommendations with status and due_on
    due = (date.today() - timedelta(days=3)).isoformat()
    resp = client.post("/api/v1/recommendations", headers=ev_auth, json={
        "round_id": rnd["id"], "organization_id": u1.id, "aspect": "2", "finding": "Kode etik belum ditetapkan",
        "text": "Tetapkan kode etik dengan SK kepala dinas", "due_on": due, "owner": "Sekretaris"})
    assert resp.status_code == 201, resp.json
    assert (resp.json["status"], resp.json["due_on"], resp.json["overdue"]) == ("belum", due, True)
    rec_id = resp.json["id"]
    assert client.post("/api/v1/recommendations", headers=ev_auth, json={
        "round_id": rnd["id"], "organization_id": u2.id, "aspect": "1", "text": "Perbaiki"}).status_code == 404

    # the unit: its row without verified figures, no recommendations, no LHE, until the round is published
    unit_auth = api_token("opd1")
    resp = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/results", headers=unit_auth)
    (mine,) = resp.json["units"]
    assert (mine["self_index"], mine["verified_index"], mine["rank"]) == (4.0, None, None)
    assert client.get("/api/v1/recommendations", headers=unit_auth).json == []
    assert client.put(f"/api/v1/recommendations/{rec_id}", headers=unit_auth,
                      json={"status": "proses"}).status_code == 409
    assert client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/follow-up", headers=unit_auth).status_code == 403

    resp = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/follow-up", headers=koord)
    assert resp.json["units_following_up_pct"] == 0.0 and resp.json["recommendations_done_pct"] == 0.0
    assert [o["id"] for o in resp.json["overdue"]] == [rec_id]

    acting.act_as(s, acting.SYSTEM)
    rounds.set_status(s, r, "locked")
    rounds.set_status(s, r, "published")
    s.commit()
    (mine,) = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/results", headers=unit_auth).json["units"]
    assert (mine["verified_index"], mine["rank"]) == (3.2, 1)
    resp = client.get("/api/v1/recommendations?status=belum", headers=unit_auth)
    assert [x["id"] for x in resp.json] == [rec_id]
    resp = client.put(f"/api/v1/recommendations/{rec_id}", headers=unit_auth, json={"status": "selesai"})
    assert resp.status_code == 200 and resp.json["status"] == "selesai" and resp.json["overdue"] is False
    resp = client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/follow-up", headers=koord)
    assert resp.json["units_following_up_pct"] == 100.0 and resp.json["recommendations_done_pct"] == 100.0
    assert resp.json["overdue"] == [] and resp.json["by_aspect"]["2"]["recommendations_done"] == 1


def test_round_api_refuses_bad_bodies(client, scope, api_token):
    koord = api_token("koordinator")
    resp = client.post("/api/v1/evaluation-rounds", headers=koord, json={
        "name": "X round", "year": 2026, "instrument_id": scope["inst"].id, "organization_ids": [], "extra": 1})
    assert resp.status_code == 422 and resp.json["error"]["field"] == "extra"
    resp = client.post("/api/v1/evaluation-rounds", headers=api_token("opd1"), json={
        "name": "Putaran", "year": 2026, "instrument_id": scope["inst"].id,
        "organization_ids": [scope["units"][0].id]})
    assert resp.status_code == 403  # a unit's penyusun does not run rounds


def test_pages_lhe_and_workbook(client, s, scope, api_token, login):
    rnd, koord = _round(client, api_token, scope)
    u1, u2 = scope["units"]
    _self_scores(client, api_token, s, rnd["id"], u1, {"1.1": 4, "1.2": 3, "2.1": 4})
    web = login("koordinator")
    web.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/verifikasi", data={"accept": "1"})
    web.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/verifikasi",
             data={"score:1.2": "2", "note:1.2": "Maklumat belum dipajang", "summary": "Perlu pendampingan."})
    web.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/kunjungan",
             data={"kind": "kunjungan", "held_on": "2026-05-04", "note": "Ruang tunggu dan loket diperiksa"})
    web.post(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/rekomendasi",
             data={"aspect": "1", "finding": "Maklumat tidak dipajang", "text": "Pajang maklumat di loket",
                   "owner": "Kepala bidang", "due_on": "2026-08-31"})
    page = web.get(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}").get_data(as_text=True)
    assert "Maklumat belum dipajang" in page and 'class="diff-down">-1' in page  # 3 → 2, both kept
    overview = web.get(f"/evaluasi-lintas-unit/{rnd['id']}").get_data(as_text=True)
    assert 'id="results"' in overview and "heat-B" in overview and "Tren indeks menurut jenis unit" in overview
    lhe = web.get(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/lhe").get_data(as_text=True)
    assert "Laporan Hasil Evaluasi" in lhe and "Pajang maklumat di loket" in lhe and "Tim Penilai" in lhe
    assert "Ruang tunggu dan loket diperiksa" in lhe and "Perlu pendampingan." in lhe
    resp = web.get(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}/lhe.xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    values = [c for row in wb["LHE"].iter_rows(values_only=True) for c in row if c is not None]
    assert "Pajang maklumat di loket" in values and "Tim Penilai" in values
    assert any(v == pytest.approx(3.4) for v in values if isinstance(v, float))  # verified: 60%×3 + 40%×4
    detail = [row for row in wb["Nilai per indikator"].iter_rows(values_only=True)]
    assert ("1", "1.2", "Maklumat", 3, 2, -1, "Maklumat belum dipajang") in detail
    follow = web.get(f"/evaluasi-lintas-unit/{rnd['id']}/tindak-lanjut").get_data(as_text=True)
    assert 'id="units-pct"' in follow and "Pendampingan" in follow


def _published_recommendation(client, s, scope, api_token) -> tuple[dict, dict]:
    """A round with one recommendation for the first unit, locked and published (the unit may follow it up)."""
    rnd, koord = _round(client, api_token, scope)
    rec = client.post("/api/v1/recommendations", headers=koord, json={
        "round_id": rnd["id"], "organization_id": scope["units"][0].id, "aspect": "1",
        "text": "Susun standar pelayanan"}).json
    from planner.services import acting
    acting.act_as(s, acting.SYSTEM)
    r = rounds.get(s, rnd["id"])
    rounds.set_status(s, r, "locked")
    rounds.set_status(s, r, "published")
    s.commit()
    return rnd, rec


def test_recommendation_becomes_an_activity_in_the_draft_renja(client, s, scope, api_token, login, make_renja):
    u1 = scope["units"][0]
    plan = make_renja(u1, year=2027)
    _, rec = _published_recommendation(client, s, scope, api_token)
    rec_id = rec["id"]
    web = login("opd1")
    form = web.get(f"/rekomendasi/{rec_id}/kegiatan").get_data(as_text=True)
    assert "Tambahkan ke Renja" in form
    program = plans.load_tree(s, plan).roots[0].node
    resp = web.post(f"/rekomendasi/{rec_id}/kegiatan", data={
        "parent_id": program.id, "code": "5.02.02.2.09", "name": "Penyusunan standar pelayanan",
        "indicator_name": "Dokumen standar pelayanan", "unit": "dokumen", "target": "1"})
    assert resp.status_code == 302 and f"/plans/{plan.id}" in resp.headers["Location"]
    (line,) = client.get("/api/v1/recommendations", headers=api_token("opd1")).json
    assert line["status"] == "proses" and line["node_id"] is not None
    node = plans.get_node(s, line["node_id"])
    assert node.plan_id == plan.id and "Susun standar pelayanan" in node.description


def test_renja_overview_per_unit_and_quarter_on_the_plans_in_force(s, scope, make_renja, login, make_user):
    u1, u2 = scope["units"]
    # the plan's achievement is its program's outcome (last value against the annual 100%)
    for org, values in ((u1, (90, 95)), (u2, (80, 97))):
        plan = make_renja(org, year=2026, activities=1, sub=False)
        plan.status = "locked"
        s.add(plan)
        root = plans.load_tree(s, plan).roots[0]
        for period, value in zip(("TW1", "TW2"), values):
            mon.record_realization(s, root.indicators[0], 2026, period, value=value)
        s.commit()
        assert versions.plan_in_force(s, org.id, "renja", 2026).id == plan.id
    web = login("koordinator")
    page = web.get("/capaian-lintas-unit?year=2026").get_data(as_text=True)
    assert 'id="renja-overview"' in page and "Dinas 1" in page and "Dinas 2" in page
    from planner.calc import Settings
    from planner.services import renja_overview
    # one indicator of several reported: a predikat only with the coverage threshold lowered
    rows = renja_overview.overview(s, None, 2026, lambda p: Settings(coverage_threshold=0), upto="TW2")
    by_name = {r.organization.name: r for r in rows}
    d1, d2 = by_name["Dinas 1"], by_name["Dinas 2"]
    assert (d1.cells["TW1"].achievement, d2.cells["TW1"].achievement) == (90.0, 80.0)
    assert (d1.latest.achievement, d2.latest.achievement) == (95.0, 97.0)
    assert (d1.rank, d2.rank) == (2, 1) and (d1.change, d2.change) == (5.0, 17.0)
    assert d1.cells["TW2"].predikat == "Sangat Tinggi" and d1.unit_type == "provinsi"
    assert renja_overview.by_type(rows)["provinsi"] == {"TW1": 85.0, "TW2": 96.0}


def test_group_rule_page_admin_only(client, s, scope, make_user, login):
    make_user("root", "admin")
    web = login("root")
    assert web.post("/evaluasi-lintas-unit/aturan-kelompok", data={"group:B": "mandiri"}).status_code == 302
    assert rounds.group_rule(s)["B"] == "mandiri"
    resp = web.post("/evaluasi-lintas-unit/aturan-kelompok", data={"group:B": "entah"})
    assert resp.status_code == 422 and "kelompok &#39;entah&#39; untuk kategori B" in resp.get_data(as_text=True)


def test_round_page_in_a_bounded_number_of_statements(client, s, scope, api_token, login, engine, count_queries,
                                                       make_org):
    rnd, _ = _round(client, api_token, scope)
    web = login("koordinator")
    with count_queries(engine) as few:
        web.get(f"/evaluasi-lintas-unit/{rnd['id']}")
    more = [make_org(f"OPDX{n}", f"Dinas X{n}", "perangkat_daerah", scope["prov"]) for n in range(4)]
    from planner.models.evaluation_round import RoundCreate
    from planner.services import acting
    acting.act_as(s, acting.SYSTEM)
    big = rounds.create(s, RoundCreate(name="Putaran besar", year=2026, instrument_id=scope["inst"].id,
                                       organization_ids=[u.id for u in scope["units"] + more]))
    s.commit()
    with count_queries(engine) as many:
        web.get(f"/evaluasi-lintas-unit/{big.id}")
    assert many.count <= few.count + 12, (few.count, many.count)  # not one batch of statements per unit


def test_admin_sets_a_unit_type_that_the_overview_groups_by(client, s, scope, api_token, make_user, login):
    rnd, _ = _round(client, api_token, scope)
    make_user("root", "admin")
    web = login("root")
    u2 = scope["units"][1]
    resp = web.post(f"/organisasi/{u2.id}/jenis-unit", data={"unit_type": "kota", "round_id": rnd["id"]})
    assert resp.status_code == 302 and f"/evaluasi-lintas-unit/{rnd['id']}" in resp.headers["Location"]
    assert web.post(f"/organisasi/{u2.id}/jenis-unit", data={"unit_type": "desa"}).status_code == 422
    types = {u["organization_id"]: u["unit_type"] for u in
             client.get(f"/api/v1/evaluation-rounds/{rnd['id']}/results", headers=api_token("koordinator")).json["units"]}
    assert types == {scope["units"][0].id: "provinsi", u2.id: "kota"}


def test_a_stale_follow_up_of_a_recommendation_keeps_the_units_values(client, s, scope, api_token, login):
    """Lost updates (issue 9): the follow-up form carries the recommendation's version; a save from an older copy
    is refused naming who saved in between, the unit's values stay in the row, nothing is overwritten."""
    u1 = scope["units"][0]
    rnd, rec = _published_recommendation(client, s, scope, api_token)
    assert rec["version"] == 1
    web = login("opd1")
    page = web.get(f"/evaluasi-lintas-unit/{rnd['id']}/unit/{u1.id}").get_data(as_text=True)
    assert re.search(r'name="version" value="1"', page)
    opd = api_token("opd1")  # meanwhile a colleague saves through the API
    moved = client.put(f"/api/v1/recommendations/{rec['id']}", headers=opd, json={"owner": "Budi", "version": 1})
    assert moved.status_code == 200 and moved.json["version"] == 2
    stale = client.put(f"/api/v1/recommendations/{rec['id']}", headers=opd, json={"owner": "Ani", "version": 1})
    assert stale.status_code == 409 and stale.json["current"]["owner"] == "Budi"
    resp = web.post(f"/rekomendasi/{rec['id']}", data={"status": "proses", "owner": "Citra", "due_on": "2026-12-31",
                                                       "version": "1"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "telah diubah" in page
    assert 'value="Citra"' in page and 'value="2026-12-31"' in page and 'name="version" value="2"' in page
    assert client.get(f"/api/v1/recommendations?round_id={rnd['id']}", headers=opd).json[0]["owner"] == "Budi"
    resp = web.post(f"/rekomendasi/{rec['id']}", data={"status": "proses", "owner": "Citra", "version": "2"})
    assert resp.status_code == 302
    assert client.get(f"/api/v1/recommendations?round_id={rnd['id']}", headers=opd).json[0]["owner"] == "Citra"
