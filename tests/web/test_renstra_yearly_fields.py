"""Renstra fields on the pages and the API (issues 13 and 15): the indicative pagu per year on the tree page,
the end-of-period target in the indicator form and the API."""
from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from planner.models import Indicator, PlanNode
from planner.services import indicative_pagu
from tests.conftest import HX


def _program(s, plan) -> PlanNode:
    return s.exec(select(PlanNode).where(PlanNode.plan_id == plan.id, PlanNode.code == "5.02.02")).one()


def test_yearly_indicative_pagu_is_edited_on_the_tree_page(editor, s, org, make_renstra):
    renstra = make_renstra(org)
    prog = _program(s, renstra)
    form = editor.get(f"/nodes/{prog.id}/edit", headers=HX).get_data(as_text=True)
    assert all(f'name="pagu_{y}"' in form for y in range(2025, 2030))
    resp = editor.post(f"/nodes/{prog.id}", headers=HX, data={
        "code": prog.code, "name": prog.name, "pagu_2025": "Rp 1.200.000.000", "pagu_2026": "1.250.000.000,50",
        "pagu_2027": ""})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Rp 1.200.000.000" in html and "Rp 1.250.000.001" in html
    s.expire_all()
    assert indicative_pagu.for_plan(s, renstra)[prog.id] == {2025: Decimal("1200000000.00"),
                                                             2026: Decimal("1250000000.50")}
    # An empty field removes that year; a bad amount is named in place and nothing is saved.
    editor.post(f"/nodes/{prog.id}", headers=HX, data={"code": prog.code, "name": prog.name, "pagu_2025": ""})
    bad = editor.post(f"/nodes/{prog.id}", headers=HX, data={"code": prog.code, "name": "Nama baru",
                                                            "pagu_2026": "satu miliar"})
    assert bad.status_code == 422 and "Pagu indikatif 2026" in bad.get_data(as_text=True)
    s.expire_all()
    assert indicative_pagu.for_plan(s, renstra)[prog.id] == {2026: Decimal("1250000000.50")}
    assert _program(s, renstra).name != "Nama baru"
    page = editor.get(f"/plans/{renstra.id}").get_data(as_text=True)
    assert "Rp 1.250.000.001" in page  # shown in the year's column of the node row


def test_yearly_pagu_follows_editability(editor, s, org, make_renstra):
    renstra = make_renstra(org)
    prog = _program(s, renstra)
    renstra.status = "locked"
    s.commit()
    resp = editor.post(f"/nodes/{prog.id}", headers=HX, data={"code": prog.code, "name": prog.name,
                                                             "pagu_2025": "1.000"})
    assert resp.status_code in (403, 409, 422)
    s.expire_all()
    assert indicative_pagu.for_plan(s, renstra) == {}


def test_end_of_period_target_in_the_form_and_the_api(editor, client, api_token, s, org, make_renstra):
    auth = api_token("ani")
    renstra = make_renstra(org)
    ind = s.exec(select(Indicator).where(Indicator.plan_id == renstra.id, Indicator.code == "IKU-1")).one()
    page = editor.get(f"/indicators/{ind.id}").get_data(as_text=True)
    assert 'name="end_target"' in page
    data = {k: getattr(ind, k) or "" for k in ("name", "unit", "level", "polarity", "accumulation", "target_type",
                                               "frequency")}
    resp = editor.post(f"/indicators/{ind.id}", data=data | {"end_target": "44,0"})
    assert resp.status_code in (200, 302, 303)
    s.expire_all()
    assert s.get(Indicator, ind.id).end_target == 44.0
    got = client.get(f"/api/v1/indicators/{ind.id}", headers=auth).get_json()
    assert got["end_target"] == 44.0
    resp = client.put(f"/api/v1/indicators/{ind.id}", headers=auth, json={"end_target": 45, "version": got["version"]})
    assert resp.status_code == 200 and resp.get_json()["end_target"] == 45


def test_a_sasaran_is_linked_to_the_parent_organisation_sasaran_on_the_tree_page(client, login, make_user, s,
                                                                                 make_org, make_renstra):
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    unit = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    higher, own = make_renstra(pemda), make_renstra(unit)
    target = s.exec(select(PlanNode).where(PlanNode.plan_id == higher.id, PlanNode.code == "SS1")).one()
    sasaran = s.exec(select(PlanNode).where(PlanNode.plan_id == own.id, PlanNode.code == "SS1")).one()
    make_user("dina", "penyusun", unit)
    web = login("dina")
    form = web.get(f"/nodes/{sasaran.id}/edit", headers=HX).get_data(as_text=True)
    assert 'name="supports_id"' in form and f'<option value="{target.id}"' in form and "PEMPROV · SS1" in form
    resp = web.post(f"/nodes/{sasaran.id}", headers=HX, data={"code": "SS1", "name": sasaran.name,
                                                             "supports_id": str(target.id)})
    assert resp.status_code == 200 and "Mendukung SS1 PEMPROV" in resp.get_data(as_text=True)
    s.expire_all()
    assert s.get(PlanNode, sasaran.id).supports_id == target.id
    tree = client.get(f"/api/v1/plans/{own.id}/tree", headers=api_token_for(client, "dina")).get_json()
    found = {}

    def walk(nodes):
        for n in nodes:
            found[n["code"]] = n["supports_id"]
            walk(n["children"])
    walk(tree["nodes"] if isinstance(tree, dict) else tree)
    assert found["SS1"] == target.id and found["T1"] is None


def api_token_for(client, username):
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": "rahasia-123"})
    return {"Authorization": f"Bearer {resp.json['token']}"}
