"""The JSON API contract of /api/v1 (names are a contract: extend, never rename)."""
from __future__ import annotations

import pytest

from planner.services import plans


def error_of(resp):
    body = resp.json
    # a 409 may carry the record as it is now beside the error (optimistic locking)
    assert set(body) - {"current"} == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert "current" not in body or resp.status_code == 409
    return body["error"]


def test_token_and_bad_password(client, org, make_user):
    make_user("ani", "penyusun", org)
    bad = client.post("/api/v1/auth/token", json={"username": "ani", "password": "salah"})
    assert bad.status_code == 401 and error_of(bad)["code"] == "unauthorized"
    ok = client.post("/api/v1/auth/token", json={"username": "ani", "password": "rahasia-123"})
    assert ok.status_code == 201 and ok.json["token"] and ok.json["expires_at"]


def test_every_call_needs_a_token(client):
    resp = client.get("/api/v1/organizations")
    assert resp.status_code == 401 and error_of(resp)["code"] == "unauthorized"
    assert client.get("/api/v1/organizations", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_revoked_token_stops_working(client, auth):
    assert client.delete("/api/v1/auth/token", headers=auth).status_code == 204
    assert client.get("/api/v1/organizations", headers=auth).status_code == 401


def test_organizations_in_scope(client, auth, org, make_org):
    make_org("LAIN", "Dinas Lain")
    child = make_org("UPT", "UPT Samsat", "upt", parent=org)
    rows = client.get("/api/v1/organizations", headers=auth).json["organizations"]
    assert {r["code"] for r in rows} == {"BAPENDA", "UPT"}
    upt = next(r for r in rows if r["code"] == "UPT")
    assert upt == {"id": child.id, "code": "UPT", "name": "UPT Samsat", "parent_id": org.id, "kind": "upt"}


def test_create_list_and_get_plans(client, auth, org):
    resp = client.post("/api/v1/plans", headers=auth, json={
        "organization_id": org.id, "kind": "renstra", "scheme": "daerah", "first_year": 2025, "last_year": 2029,
        "name": "Renstra Bapenda 2025–2029"})
    assert resp.status_code == 201 and resp.json["status"] == "draft" and resp.json["kind"] == "renstra"
    renja = client.post("/api/v1/plans", headers=auth, json={
        "organization_id": org.id, "kind": "renja", "scheme": "daerah", "year": 2026, "name": "Renja Bapenda 2026"}).json
    assert renja["year"] == 2026 and renja["renstra_id"] == resp.json["id"]
    listed = client.get(f"/api/v1/plans?organization_id={org.id}&kind=renja&year=2026", headers=auth).json["plans"]
    assert [p["id"] for p in listed] == [renja["id"]]
    got = client.get(f"/api/v1/plans/{renja['id']}", headers=auth).json
    assert got["status"] == "draft" and got["scheme"] == "daerah"


def test_create_plan_errors_name_the_field(client, auth, org):
    resp = client.post("/api/v1/plans", headers=auth, json={"organization_id": org.id, "kind": "renja",
                                                             "scheme": "daerah", "name": "Renja"})
    assert resp.status_code == 422 and error_of(resp)["field"] == "year"
    resp = client.post("/api/v1/plans", headers=auth, json={"organization_id": org.id, "kind": "rpjmd",
                                                             "scheme": "daerah", "name": "Rencana X", "year": 2026})
    assert resp.status_code == 422 and error_of(resp)["field"] == "kind"


def test_tree_shape(client, auth, renja):
    body = client.get(f"/api/v1/plans/{renja.id}/tree", headers=auth).json
    program = body["nodes"][0]
    assert {"id", "kind", "code", "name", "parent_id", "indicators", "children"} <= set(program)
    keg = program["children"][0]
    assert keg["parent_id"] == program["id"] and keg["kind"] == "kegiatan"
    ind = keg["indicators"][0]
    for key in ("id", "name", "level", "unit", "definition", "formula", "data_source", "polarity", "accumulation",
                "baseline", "targets", "version"):
        assert key in ind
    assert set(ind["baseline"]) >= {"value", "year"}
    assert {"year": 2026, "period": "TW1", "value": 25} in ind["targets"]


def test_nodes_and_indicators_crud(client, auth, s, renja):
    program = plans.load_tree(s, renja).roots[0].node
    resp = client.post(f"/api/v1/plans/{renja.id}/nodes", headers=auth, json={
        "kind": "kegiatan", "code": "5.02.02.2.07", "name": "Pelayanan dan Konsultasi Pajak Daerah",
        "parent_id": program.id, "pagu": 750000000, "activity_type": "prioritas_kld"})
    assert resp.status_code == 201 and resp.json["pagu"] == 750000000
    node_id = resp.json["id"]
    resp = client.put(f"/api/v1/nodes/{node_id}", headers=auth, json={"name": "Pelayanan dan Konsultasi Pajak Daerah Terpadu"})
    assert resp.json["name"].endswith("Terpadu")
    ind = client.post(f"/api/v1/nodes/{node_id}/indicators", headers=auth, json={
        "name": "Jumlah wajib pajak yang mendapat konsultasi", "level": "output", "unit": "orang",
        "accumulation": "sum", "baseline": {"value": 1000, "year": 2024},
        "targets": [{"year": 2026, "period": "Y", "value": 1200}, {"year": 2026, "period": "TW1", "value": 300}]})
    assert ind.status_code == 201 and ind.json["baseline"]["value"] == 1000 and len(ind.json["targets"]) == 2
    iid, version = ind.json["id"], ind.json["version"]
    upd = client.put(f"/api/v1/indicators/{iid}", headers=auth, json={"definition": "Wajib pajak dilayani", "version": version})
    assert upd.json["definition"] == "Wajib pajak dilayani" and upd.json["version"] == version + 1
    stale = client.put(f"/api/v1/indicators/{iid}", headers=auth, json={"name": "Lama", "version": version})
    assert stale.status_code == 409 and error_of(stale)["field"] == "version"
    assert stale.json["current"]["version"] == version + 1 and stale.json["current"]["name"] != "Lama"
    tg = client.put(f"/api/v1/indicators/{iid}/targets", headers=auth, json={"targets": [
        {"year": 2026, "period": "Y", "value": 1300}]})
    assert tg.json["targets"] == [{"year": 2026, "period": "Y", "value": 1300.0}]
    gone = client.delete(f"/api/v1/nodes/{node_id}", headers=auth)
    assert gone.status_code == 409 and error_of(gone)["code"] == "confirm_required"
    gone = client.delete(f"/api/v1/nodes/{node_id}?confirm=true", headers=auth)
    assert gone.json["deleted"] == {"nodes": 1, "indicators": 1, "targets": 1, "realizations": 0, "evidence": 0}


@pytest.mark.parametrize("payload, field", [
    ({"kind": "kegiatan", "code": "5.2.2.2.7", "name": "Format salah"}, "code"),
    ({"kind": "kegiatan", "code": "5.02.02.2.01", "name": "Kode kembar"}, "code"),
    ({"kind": "sub_kegiatan", "code": "5.02.02.2.01.0009", "name": "Jenis salah"}, "kind"),
])
def test_bad_nodes(client, auth, s, renja, payload, field):
    program = plans.load_tree(s, renja).roots[0].node
    resp = client.post(f"/api/v1/plans/{renja.id}/nodes", headers=auth, json={**payload, "parent_id": program.id})
    assert resp.status_code == 422 and error_of(resp)["field"] == field


@pytest.mark.parametrize("targets, field", [
    ([{"year": 2030, "period": "Y", "value": 1}], "year"),
    ([{"year": 2026, "period": "Y", "value": "sepuluh"}], "targets[0].value"),
])
def test_bad_targets(client, auth, s, renja, targets, field):
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    resp = client.put(f"/api/v1/indicators/{ind.id}/targets", headers=auth, json={"targets": targets})
    assert resp.status_code == 422 and error_of(resp)["field"] == field


def test_percent_sum_refused_in_api(client, auth, s, renja):
    node = plans.load_tree(s, renja).roots[0].node
    resp = client.post(f"/api/v1/nodes/{node.id}/indicators", headers=auth, json={
        "name": "Persentase pajak terkumpul", "unit": "%", "accumulation": "sum"})
    assert resp.status_code == 422 and error_of(resp)["field"] == "accumulation"


def test_scope_and_rights(client, s, org, make_org, make_user, make_renja, api_token, renja):
    other = make_renja(make_org("LAIN", "Dinas Lain"))
    make_user("pak", "pimpinan", org)
    pak = api_token("pak")
    assert client.get(f"/api/v1/plans/{other.id}", headers=pak).status_code == 404
    assert client.get(f"/api/v1/plans/{renja.id}/tree", headers=pak).status_code == 200
    node = plans.load_tree(s, renja).roots[0].node
    resp = client.put(f"/api/v1/nodes/{node.id}", headers=pak, json={"name": "Tidak boleh"})
    assert resp.status_code == 403 and error_of(resp)["code"] == "forbidden"


def test_unknown_api_path_is_json(client, auth):
    resp = client.get("/api/v1/nothing-here", headers=auth)
    assert resp.status_code == 404 and error_of(resp)["code"] == "not_found"


def test_tree_page_and_api_are_bounded(client, app, auth, login, s, org, make_org, make_renja, count_queries):
    small = make_renja(org, year=2026, activities=10)
    big = make_renja(org, year=2027, activities=500, sub=False)
    login("ani")
    engine = app.extensions["planner.engine"]
    for url in ("/plans/{}", "/api/v1/plans/{}/tree"):
        # warm up what every request keeps across requests, whatever the plan (services.directory)
        client.get("/api/v1/plans" if url.startswith("/api") else "/", headers=auth if url.startswith("/api") else {})
        counts = []
        for plan in (small, big):
            headers = auth if url.startswith("/api") else {}
            with count_queries(engine) as c:
                assert client.get(url.format(plan.id), headers=headers).status_code == 200
            counts.append(c.count)
        assert counts[0] == counts[1], (url, counts)
