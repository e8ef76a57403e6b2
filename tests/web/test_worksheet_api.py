"""The worksheet API contract: GET/PUT /api/v1/nodes/{id}/worksheet and PUT .../worksheet/{step}
(names are a contract: extend, never rename)."""
from __future__ import annotations

import pytest

from planner.models import worksheet as wm
from planner.services import monitoring, plans

STEP_KEYS = ["needs", "standards", "success", "resources", "control"]


@pytest.fixture
def keg(s, renja):
    return plans.load_tree(s, renja).roots[0].children[0]


def path(node, step=None):
    return f"/api/v1/nodes/{node.id}/worksheet" + (f"/{step}" if step else "")


def error_of(resp):
    body = resp.json
    # a 409 may carry the record as it is now beside the error (optimistic locking)
    assert set(body) - {"current"} == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert "current" not in body or resp.status_code == 409
    return body["error"]


def without_ids(value):
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if k not in ("id", "version")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


def step_of(body, key):
    return next(st for st in body["steps"] if st["key"] == key)


def steps(indicator_id):
    return {
        "needs": {"rows": [{"service": "Konsultasi Pajak Daerah", "stakeholder_group": "pengguna",
                            "stakeholder": "Wajib pajak", "need": "Penjelasan tata cara pajak", "method": "survei",
                            "activity": "Pelayanan konsultasi"}],
                  "capacity": {k: f"Catatan {k}" for k in wm.CAPACITY_ASPECTS}},
        "standards": {"rows": [{"service": "Konsultasi Pajak Daerah", "component": k, "content": f"Isi {label}",
                                "state": "ada"} for k, label, _ in wm.STANDARD_COMPONENTS],
                      "constraints": {"dana": "APBD", "sdm": "6 petugas", "sarpras": "Ruang"}},
        "success": {"rows": [{"indicator_id": indicator_id, "dimension": "volume", "activity": "Pengawasan bulanan",
                              "method": "pengawasan"}]},
        "resources": {"rows": [{"category": "sdm", "description": "Honor petugas", "quantity": "2", "unit": "OB",
                                "unit_cost": "Rp 250.000"},
                               {"category": "peralatan", "description": "Kios", "quantity": 1, "unit_cost": 3_000_000,
                                "source": "mitra", "partner": "Bank Kalbar"}],
                      "partners": [{"name": "Bank Kalbar", "kind": "swasta", "role": "Penyedia kios"}]},
        "control": {"rows": [{"risk": "Antrean panjang", "control": "SOP antrean", "indicator_id": indicator_id,
                              "period": "TW1", "follow_up": "Tambah loket", "owner": "Kepala Bidang",
                              "due_date": "2026-04-15"}],
                    "complaint": {"sdm": "Pelatihan", "sop": "SOP keluhan", "sarpras": "Kotak pengaduan",
                                  "monev": "Rekap bulanan", "channels": ["kotak", "aplikasi"]}},
    }


def test_empty_worksheet_shape(client, auth, keg):
    resp = client.get(path(keg.node), headers=auth)
    assert resp.status_code == 200
    body = resp.json
    assert {"node", "worksheet_id", "version", "complete", "progress", "steps"} <= set(body)
    assert body["node"] == {"id": keg.node.id, "kind": "kegiatan", "code": keg.node.code, "name": keg.node.name,
                            "plan_id": keg.node.plan_id}
    assert body["complete"] is False and body["progress"] == {"done": 0, "total": 5, "percent": 0}
    assert [st["key"] for st in body["steps"]] == STEP_KEYS
    for st in body["steps"]:
        assert st["complete"] is False and isinstance(st["rows"], list)
        assert st["rule"] and st["missing"] and st["title"] == wm.STEP_TITLES[st["key"]]
    standards = step_of(body, "standards")
    assert len(standards["components"]) == 14  # the standards step names all 14 components
    assert [c["key"] for c in standards["components"]] == [k for k, _, _ in wm.STANDARD_COMPONENTS]
    assert standards["components"][0] == {"key": "persyaratan", "label": "Persyaratan", "group": "delivery",
                                          "group_label": wm.COMPONENT_GROUPS["delivery"]}
    resources = step_of(body, "resources")
    assert resources["total"] == 0 and resources["pagu"] == 1_000_000 and resources["over_pagu"] is False
    assert set(step_of(body, "needs")["capacity"]) == set(wm.CAPACITY_ASPECTS)
    assert set(step_of(body, "control")["complaint"]) == set(wm.COMPLAINT_ASPECTS) | {"channels"}


@pytest.mark.parametrize("key", STEP_KEYS)
def test_put_one_step(client, auth, keg, key):
    data = steps(keg.indicators[0].id)[key]
    resp = client.put(path(keg.node, key), headers=auth, json=data)
    assert resp.status_code == 200, resp.json
    body = resp.json
    st = step_of(body, key)
    assert st["complete"] is True and st["missing"] == [] and st["rows"]
    assert body["progress"]["done"] == 1 and body["version"] == 2 and body["worksheet_id"]
    others = [s["complete"] for s in body["steps"] if s["key"] != key]
    assert others == [False] * 4
    assert client.get(path(keg.node), headers=auth).json == body


def test_resources_carry_their_total(client, auth, keg):
    body = client.put(path(keg.node, "resources"), headers=auth, json=steps(None)["resources"]).json
    st = step_of(body, "resources")
    assert st["total"] == 3_500_000 and st["total_internal"] == 500_000 and st["total_partner"] == 3_000_000
    assert [r["total"] for r in st["rows"]] == [500_000, 3_000_000]
    assert st["rows"][0]["unit_cost"] == 250_000 and st["rows"][1]["partner"] == "Bank Kalbar"
    assert st["over_pagu"] is False and st["warning"] is None
    data = steps(None)["resources"]
    data["rows"][0]["unit_cost"] = 1_000_000
    st = step_of(client.put(path(keg.node, "resources"), headers=auth, json=data).json, "resources")
    assert st["over_pagu"] is True and "melebihi pagu sebesar Rp 1.000.000" in st["warning"]
    assert st["complete"] is False and st["missing"] == ["alasan biaya melebihi pagu"]


def test_put_whole_worksheet_and_round_trip(client, auth, keg):
    data = steps(keg.indicators[0].id)
    resp = client.put(path(keg.node), headers=auth, json={"steps": [dict(v, key=k) for k, v in data.items()]})
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["complete"] is True and body["progress"] == {"done": 5, "total": 5, "percent": 100}
    assert body["version"] == 6
    standards = step_of(body, "standards")
    assert len(standards["services"]) == 1 and len(standards["services"][0]["components"]) == 14
    success = step_of(body, "success")
    assert success["rows"][0]["indicator_name"] == keg.indicators[0].name and success["rows"][0]["target"] == "100"
    # What GET answers can be sent back as it is (read-only keys ignored), with its version.
    again = client.put(path(keg.node), headers=auth, json=body)
    assert again.status_code == 200, again.json
    assert again.json["version"] == 11
    assert without_ids(again.json) == without_ids(body)  # rows are replaced: new ids, same content


def test_put_some_steps(client, auth, keg):
    data = steps(keg.indicators[0].id)
    body = client.put(path(keg.node), headers=auth, json={"steps": [
        dict(data["control"], key="control"), dict(data["needs"], key="needs")]}).json
    assert [st["complete"] for st in body["steps"]] == [True, False, False, False, True]


def test_errors_name_the_field(client, auth, keg):
    data = steps(keg.indicators[0].id)
    bad = dict(data["needs"], rows=[dict(data["needs"]["rows"][0], need="")])
    resp = client.put(path(keg.node, "needs"), headers=auth, json=bad)
    assert resp.status_code == 422 and error_of(resp)["field"] == "rows.0.need"
    bad_cost = dict(data["resources"], rows=[dict(data["resources"]["rows"][0], unit_cost="seratus")])
    resp = client.put(path(keg.node, "resources"), headers=auth, json=bad_cost)
    assert resp.status_code == 422 and error_of(resp)["field"] == "rows.0.unit_cost"
    bad_period = dict(data["control"], rows=[dict(data["control"]["rows"][0], period="TW5")])
    resp = client.put(path(keg.node, "control"), headers=auth, json=bad_period)
    assert resp.status_code == 422 and error_of(resp)["field"] == "rows.0.period"
    resp = client.put(path(keg.node, "success"), headers=auth, json={"rows": [{"indicator_code": "TIDAK-ADA"}]})
    assert resp.status_code == 422 and error_of(resp)["field"] == "rows.0.indicator_code"


def test_whole_put_is_all_or_nothing(client, auth, keg):
    data = steps(keg.indicators[0].id)
    bad = dict(data["resources"], key="resources", partners=[])
    resp = client.put(path(keg.node), headers=auth, json={"steps": [dict(data["needs"], key="needs"), bad]})
    err = error_of(resp)
    assert resp.status_code == 422 and err["field"] == "steps.1.rows.1.partner"
    assert err["message"].startswith("Langkah 4 (Sumber Daya): Baris 2")
    body = client.get(path(keg.node), headers=auth).json
    assert body["worksheet_id"] is None and body["progress"]["done"] == 0  # the needs step was rolled back


@pytest.mark.parametrize("payload, field", [
    ({}, "steps"),
    ({"steps": []}, "steps"),
    ({"steps": [{"key": "anggaran"}]}, "steps.0.key"),
    ({"steps": [{"key": "needs"}, {"key": "needs"}]}, "steps.1.key"),
])
def test_bad_whole_put(client, auth, keg, payload, field):
    resp = client.put(path(keg.node), headers=auth, json=payload)
    assert resp.status_code == 422 and error_of(resp)["field"] == field


def test_unknown_step_and_non_activity_node(client, auth, s, renja, keg):
    resp = client.put(path(keg.node, "anggaran"), headers=auth, json={})
    assert resp.status_code == 404 and error_of(resp)["code"] == "not_found"
    program = plans.load_tree(s, renja).roots[0].node
    resp = client.get(path(program), headers=auth)
    assert resp.status_code == 422 and error_of(resp)["field"] == "node"
    assert client.get("/api/v1/nodes/999999/worksheet", headers=auth).status_code == 404


def test_stale_version_is_a_conflict(client, auth, keg):
    data = steps(keg.indicators[0].id)
    client.put(path(keg.node, "needs"), headers=auth, json=data["needs"])
    resp = client.put(path(keg.node, "success"), headers=auth, json=dict(data["success"], version=1))
    assert resp.status_code == 409 and error_of(resp)["field"] == "version"
    resp = client.put(path(keg.node), headers=auth, json={"version": 1, "steps": [dict(data["success"], key="success")]})
    assert resp.status_code == 409 and error_of(resp)["code"] == "conflict"
    assert client.put(path(keg.node, "success"), headers=auth, json=dict(data["success"], version=2)).status_code == 200


def test_control_realisation_comes_from_monitoring(client, auth, s, keg):
    ind = plans.get_indicator(s, keg.indicators[0].id)
    monitoring.record_realization(s, ind, 2026, "TW1", value=30)
    s.commit()
    body = client.put(path(keg.node, "control"), headers=auth, json=steps(ind.id)["control"]).json
    row = step_of(body, "control")["rows"][0]
    assert (row["target"], row["realisation"], row["gap"]) == ("25", 30, -5)  # ahead of the quarter's target
    assert row["period_label"] == "Triwulan I 2026" and row["indicator_id"] == ind.id
    assert step_of(body, "control")["complaint"]["channels"] == ["kotak", "aplikasi"]


def test_approved_plan_keeps_control_open(client, auth, s, renja, keg):
    plan = plans.get_plan(s, renja.id)
    plan.status = "approved"
    s.commit()
    data = steps(keg.indicators[0].id)
    resp = client.put(path(keg.node, "needs"), headers=auth, json=data["needs"])
    assert resp.status_code == 409 and error_of(resp)["field"] == "status"
    assert client.put(path(keg.node, "control"), headers=auth, json=data["control"]).status_code == 200


def test_permissions(client, org, make_user, make_org, make_renja, api_token, s, keg):
    make_user("pak", "pimpinan", org)
    reader = api_token("pak")
    assert client.get(path(keg.node), headers=reader).status_code == 200
    for target in (path(keg.node, "needs"), path(keg.node, "control")):
        resp = client.put(target, headers=reader, json={})
        assert resp.status_code == 403 and error_of(resp)["code"] == "forbidden"
    resp = client.put(path(keg.node), headers=reader, json={"steps": [{"key": "control"}]})
    assert resp.status_code == 403
    other = make_renja(make_org("LAIN", "Dinas Lain"))
    node = plans.load_tree(s, other).roots[0].children[0].node
    assert client.get(path(node), headers=reader).status_code == 404
    assert client.put(path(node, "needs"), headers=reader, json={}).status_code == 404
    assert client.get(path(keg.node)).status_code == 401


def test_openapi_documents_the_worksheet(client):
    doc = client.get("/api/v1/openapi.json").json
    assert set(doc["paths"]["/nodes/{node_id}/worksheet"]) == {"get", "put"}
    for key in STEP_KEYS:
        assert set(doc["paths"][f"/nodes/{{node_id}}/worksheet/{key}"]) == {"put"}
    assert "WorksheetPut" in doc["components"]["schemas"]
