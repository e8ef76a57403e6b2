"""The monitoring API contract: realisations, achievement, roll-up, budget (names are a contract)."""
from __future__ import annotations

import pytest

from planner.models.plan import IndicatorCreate, TargetIn
from planner.services import plans

YEAR = 2026
ACHIEVEMENT_KEYS = {"achievement", "annual_achievement", "status", "gap", "forecast", "required_pace", "formula",
                    "predikat", "reason", "status_rule"}  # reason: why "tidak_dapat_dihitung"


def error_of(resp):
    body = resp.json
    # a 409 may carry the record as it is now beside the error (optimistic locking)
    assert set(body) - {"current"} == {"error"} and set(body["error"]) == {"code", "message", "field"}
    assert "current" not in body or resp.status_code == 409
    return body["error"]


def kegiatan(s, plan, i=0):
    return plans.load_tree(s, plan).roots[0].children[i]


def output(s, plan, i=0):
    return kegiatan(s, plan, i).indicators[0]


def cell(ind, period="TW1", year=YEAR):
    return f"/api/v1/indicators/{ind.id}/realizations/{year}/{period}"


def test_put_realization_creates_then_replaces(client, auth, s, renja):
    ind = output(s, renja)
    first = client.put(cell(ind), headers=auth, json={"value": 20, "note": "Data Samsat",
                                                      "evidence_url": "https://data.example.id/tw1"})
    assert first.status_code == 201
    body = first.json
    assert (body["indicator_id"], body["year"], body["period"], body["value"], body["status"]) == (
        ind.id, YEAR, "TW1", 20, "submitted")
    assert body["note"] == "Data Samsat" and body["evidence"] == [
        {"id": body["evidence"][0]["id"], "kind": "link", "url": "https://data.example.id/tw1"}]
    assert set(body["achievement"]) == ACHIEVEMENT_KEYS and body["achievement"]["achievement"] == pytest.approx(80.0)
    again = client.put(cell(ind), headers=auth, json={"value": "25"})
    assert again.status_code == 200 and again.json["value"] == 25 and again.json["note"] == "Data Samsat"
    listed = client.get(f"/api/v1/indicators/{ind.id}/realizations", headers=auth).json
    assert listed["periods"] == ["TW1", "TW2", "TW3", "TW4"]
    assert [r["period"] for r in listed["realizations"]] == ["TW1"]


def test_ratio_and_qualitative_realisations(client, auth, s, renja):
    keg = kegiatan(s, renja).node
    ratio = plans.create_indicator(s, keg, IndicatorCreate(name="Persentase wajib pajak patuh", unit="%",
                                                           accumulation="ratio",
                                                           targets=[TargetIn(year=YEAR, period="Y", value=80)]))
    qual = plans.create_indicator(s, keg, IndicatorCreate(
        name="Perkada pajak", unit="dokumen", target_type="qualitative", frequency="annual", accumulation="last",
        targets=[TargetIn(year=YEAR, period="Y", text="Ditetapkan")]))
    s.commit()
    resp = client.put(cell(ratio), headers=auth, json={"numerator": 30, "denominator": 40})
    assert resp.status_code == 201 and (resp.json["numerator"], resp.json["denominator"]) == (30, 40)
    got = client.get(f"/api/v1/indicators/{ratio.id}/achievement?year={YEAR}&period=TW1", headers=auth).json
    assert got["achievement"] == pytest.approx(75 / 80 * 100)
    resp = client.put(cell(qual, "Y"), headers=auth, json={"achieved": True})
    assert resp.status_code == 201 and resp.json["achieved"] is True
    got = client.get(f"/api/v1/indicators/{qual.id}/achievement?period=Y", headers=auth).json
    assert got["achievement"] == 100 and got["status"] == "tercapai"


def test_achievement_shape_and_null_when_unreported(client, auth, s, renja):
    ind = output(s, renja)
    got = client.get(f"/api/v1/indicators/{ind.id}/achievement?year={YEAR}&period=TW1", headers=auth)
    assert got.status_code == 200 and set(got.json) == ACHIEVEMENT_KEYS
    assert got.json["achievement"] is None and got.json["annual_achievement"] is None  # never 0
    assert got.json["status"] == "belum_dilaporkan"
    client.put(cell(ind), headers=auth, json={"value": 20})
    client.put(cell(ind, "TW2"), headers=auth, json={"value": 30})
    got = client.get(f"/api/v1/indicators/{ind.id}/achievement?year={YEAR}&period=TW2", headers=auth).json
    assert got == {"achievement": pytest.approx(100.0), "annual_achievement": pytest.approx(50.0),
                   "status": "tercapai", "gap": pytest.approx(0.0), "forecast": pytest.approx(100.0),
                   "required_pace": pytest.approx(25.0), "formula": got["formula"], "predikat": "Sangat Rendah",
                   "reason": None, "status_rule": "Tercapai: C ≥ 100 (toleransi 15 poin, pengaturan bawaan instalasi)"}
    assert "50" in got["formula"] and "100" in got["formula"]


def test_achievement_of_an_annual_indicator_is_not_due_mid_year(client, auth, s, renja):
    keg = kegiatan(s, renja).node
    annual = plans.create_indicator(s, keg, IndicatorCreate(name="Jumlah regulasi pajak", unit="dokumen",
                                                            frequency="annual",
                                                            targets=[TargetIn(year=YEAR, period="Y", value=2)]))
    s.commit()
    got = client.get(f"/api/v1/indicators/{annual.id}/achievement?period=TW2", headers=auth).json
    assert got == {key: None for key in ACHIEVEMENT_KEYS} | {"status": "belum_jatuh_tempo"}


@pytest.mark.parametrize("query, fld", [("period=Q5", "period"), ("year=2025", "year"), ("year=dua", "year")])
def test_achievement_refuses_unknown_periods_and_other_years(client, auth, s, renja, query, fld):
    resp = client.get(f"/api/v1/indicators/{output(s, renja).id}/achievement?{query}", headers=auth)
    assert resp.status_code == 422 and error_of(resp)["field"] == fld


def test_rollup_tree_with_achievement_predikat_and_status_counts(client, auth, s, renja):
    client.put(cell(output(s, renja)), headers=auth, json={"value": 25})
    client.put(cell(output(s, renja, 1)), headers=auth, json={"value": 10})
    client.put(f"/api/v1/nodes/{kegiatan(s, renja).node.id}/budget/{YEAR}", headers=auth,
               json={"pagu": 1_000_000, "realized": {"TW1": 250_000}})
    got = client.get(f"/api/v1/plans/{renja.id}/rollup?year={YEAR}&period=TW1", headers=auth)
    assert got.status_code == 200
    body = got.json
    assert (body["plan_id"], body["year"], body["period"]) == (renja.id, YEAR, "TW1")
    assert body["status_counts"]["tercapai"] == 1 and body["status_counts"]["kritis"] == 1
    assert body["completeness"] == {"reported": 2, "expected": 3, "value": pytest.approx(200 / 3)}
    program, = body["nodes"]
    assert {"id", "code", "name", "achievement", "annual_achievement", "predikat", "status", "status_counts",
            "formula", "budget", "children"} <= set(program)
    assert program["achievement"] is None and program["status"] == "belum_dilaporkan"  # its outcome is unreported
    k1, k2 = program["children"]
    assert (k1["achievement"], k1["predikat"], k1["status"]) == (pytest.approx(100.0), "Sangat Rendah", "tercapai")
    assert k2["achievement"] == pytest.approx(40.0) and k2["status_counts"]["kritis"] == 1
    assert k1["budget"] == {"pagu": 1_000_000, "realized": 250_000, "absorption": pytest.approx(25.0)}
    assert isinstance(k1["budget"]["pagu"], int)


def test_budget_put_and_get(client, auth, s, renja):
    node = kegiatan(s, renja).node
    url = f"/api/v1/nodes/{node.id}/budget/{YEAR}"
    empty = client.get(url, headers=auth).json
    assert empty == {"node_id": node.id, "year": YEAR, "pagu": None, "realized": {}, "absorption": None,
                     "formula": None, "version": None}
    resp = client.put(url, headers=auth, json={"pagu": "Rp 2.000.000", "realized": {"TW2": 300_000, "TW1": "200.000"}})
    assert resp.status_code == 200
    assert resp.json == {"node_id": node.id, "year": YEAR, "pagu": 2_000_000,
                         "realized": {"TW1": 200_000, "TW2": 300_000},
                         "absorption": pytest.approx(25.0), "formula": resp.json["formula"], "version": 1}
    assert client.get(url, headers=auth).json["realized"] == {"TW1": 200_000, "TW2": 300_000}
    # optimistic locking: a PUT from the version read wins once; the same version again is 409 with the budget now
    again = client.put(url, headers=auth, json={"pagu": 2_000_000, "realized": {"TW1": 1}, "version": 1})
    assert again.status_code == 200 and again.json["version"] == 2
    stale = client.put(url, headers=auth, json={"pagu": 2_000_000, "realized": {"TW1": 2}, "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["field"] == "version"
    assert stale.json["current"]["realized"] == {"TW1": 1} and stale.json["current"]["version"] == 2


@pytest.mark.parametrize("payload, fld", [
    ({"pagu": "banyak"}, "pagu"),
    ({"pagu": -1}, "pagu"),
    ({}, "pagu"),
    ({"pagu": 100, "realized": {"TW1": 500}}, "realized"),
    ({"pagu": 100, "realized": {"TW1": -5}}, "realized"),
    ({"pagu": 100, "realized": [1, 2]}, "realized"),
    ({"pagu": 100, "realized": {"Q1": 5}}, "period"),
])
def test_bad_budget_is_refused_with_the_field(client, auth, s, renja, payload, fld):
    resp = client.put(f"/api/v1/nodes/{kegiatan(s, renja).node.id}/budget/{YEAR}", headers=auth, json=payload)
    assert resp.status_code == 422 and error_of(resp)["field"] == fld


@pytest.mark.parametrize("payload, fld", [
    ({"value": "dua puluh"}, "value"),
    ({"value": -3}, "value"),
    ({}, "value"),
    ({"value": True}, "value"),
    ({"value": 5, "evidence_url": "javascript:alert(1)"}, "evidence_url"),
    ({"value": 5, "note": 12}, "note"),
])
def test_bad_realisation_is_refused_with_the_field(client, auth, s, renja, payload, fld):
    ind = output(s, renja)
    resp = client.put(cell(ind), headers=auth, json=payload)
    assert resp.status_code == 422 and error_of(resp)["field"] == fld
    assert client.get(f"/api/v1/indicators/{ind.id}/realizations", headers=auth).json["realizations"] == []


def test_percentage_above_the_bound_and_zero_denominator(client, auth, s, renja):
    program_outcome = plans.load_tree(s, renja).roots[0].indicators[0]  # unit %, last
    resp = client.put(cell(program_outcome), headers=auth, json={"value": 2500})
    assert resp.status_code == 422 and error_of(resp)["field"] == "value" and "tidak wajar" in error_of(resp)["message"]
    ratio = plans.create_indicator(s, kegiatan(s, renja).node, IndicatorCreate(
        name="Rasio kepatuhan", unit="%", accumulation="ratio", targets=[TargetIn(year=YEAR, period="Y", value=80)]))
    s.commit()
    resp = client.put(cell(ratio), headers=auth, json={"numerator": 3, "denominator": 0})
    assert resp.status_code == 422 and error_of(resp)["field"] == "denominator"
    resp = client.put(cell(ratio), headers=auth, json={"value": 50})
    assert resp.status_code == 422 and error_of(resp)["field"] == "numerator"


def test_period_and_year_must_fit_the_indicator(client, auth, s, renja):
    ind = output(s, renja)
    resp = client.put(cell(ind, "M01"), headers=auth, json={"value": 1})
    assert resp.status_code == 422 and error_of(resp)["field"] == "period"
    resp = client.put(cell(ind, "TW1", 2027), headers=auth, json={"value": 1})
    assert resp.status_code == 422 and error_of(resp)["field"] == "year"


def test_delete_clears_the_value(client, auth, s, renja):
    ind = output(s, renja)
    client.put(cell(ind), headers=auth, json={"value": 5})
    assert client.delete(cell(ind), headers=auth).status_code == 204
    got = client.get(f"/api/v1/indicators/{ind.id}/achievement?period=TW1", headers=auth).json
    assert got["achievement"] is None


def test_permissions(client, s, renja, org, make_org, make_user, api_token):
    ind = output(s, renja)
    make_user("ani", "penyusun", org)
    make_user("rev", "reviewer", org)
    make_user("luar", "penyusun", make_org("LAIN", "Dinas Lain"))
    ani, rev, luar = api_token("ani"), api_token("rev"), api_token("luar")
    assert client.put(cell(ind), headers=rev, json={"value": 5}).status_code == 403
    assert client.put(cell(ind), headers=luar, json={"value": 5}).status_code == 404
    assert client.get(f"/api/v1/plans/{renja.id}/rollup", headers=luar).status_code == 404
    assert client.get(f"/api/v1/indicators/{ind.id}/achievement", headers=rev).status_code == 200
    node = kegiatan(s, renja).node
    assert client.put(f"/api/v1/nodes/{node.id}/budget/{YEAR}", headers=rev, json={"pagu": 1}).status_code == 403
    assert client.put(cell(ind), headers=ani, json={"value": 25}).status_code == 201
    verify = f"{cell(ind)}/verification"
    assert client.post(verify, headers=ani, json={"verified": True}).status_code == 403
    returned = client.post(verify, headers=rev, json={"verified": False})
    assert returned.status_code == 422 and error_of(returned)["field"] == "note"
    ok = client.post(verify, headers=rev, json={"verified": True})
    assert ok.status_code == 200 and ok.json["status"] == "verified"
    assert client.get(cell(ind), headers=ani).status_code == 405


def test_monitoring_routes_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json
    assert "put" in doc["paths"]["/indicators/{indicator_id}/realizations/{year}/{period}"]
    assert "get" in doc["paths"]["/plans/{plan_id}/rollup"]
    assert "RealizationIn" in doc["components"]["schemas"]
