"""Every id that arrives in a body, a form or a query is checked against the caller's scope and the plan it
is used in: an id from another organisation gives 404 or 422, never its data."""
from __future__ import annotations

import pytest

from planner.models import Comment
from planner.models.plan import NodeUpdate
from sqlmodel import select
from planner.permissions import principal_for
from planner.services import accounts, plans, workflow
from tests.conftest import HX, PASSWORD


@pytest.fixture
def two(s, make_org, make_renstra, make_renja, make_user):
    """Org A (the caller's, a penyusun) and org B (another unit), each with a Renstra and a Renja."""
    a, b = make_org("UNIT-A", "Dinas A"), make_org("UNIT-B", "Dinas B")
    world = {}
    for key, org in (("a", a), ("b", b)):
        renstra = make_renstra(org)
        renja = make_renja(org, renstra=renstra)
        tree = plans.load_tree(s, renja)
        keg = tree.roots[0].children[0]
        node = keg.node
        plans.update_node(s, node, NodeUpdate(objectives=["Meningkatnya layanan"]))
        s.commit()
        objective = plans.load_tree(s, renja).by_id[node.id].objectives[0]
        rtree = plans.load_tree(s, renstra)
        sasaran = next(tn.node for tn in rtree.walk() if tn.node.kind == "sasaran")
        plans.update_node(s, sasaran, NodeUpdate(name=f"Sasaran rahasia {key.upper()}"))
        root = accounts.by_username(s, "root") or _root(s)
        comment = workflow.add_comment(s, principal_for(s, root), renja, "Catatan")
        s.commit()
        world[key] = dict(org=org, renstra=renstra, renja=renja, node=node, program=tree.roots[0].node,
                          ind=keg.indicators[0], objective=objective, sasaran=sasaran, comment=comment)
    make_user("ani", "penyusun", a)
    return world


def _root(s):
    user = accounts.create_user(s, "root", PASSWORD)
    accounts.add_membership(s, user, "admin", None)
    s.commit()
    return user


def api_cases(a, b):
    return [
        ("POST", "/api/v1/plans", {"organization_id": b["org"].id, "kind": "renja", "scheme": "daerah", "year": 2031,
                                   "name": "Renja curian"}),
        ("POST", "/api/v1/plans", {"organization_id": a["org"].id, "kind": "renja", "scheme": "daerah", "year": 2027,
                                   "name": "Renja ikut Renstra lain", "renstra_id": b["renstra"].id}),
        ("POST", f"/api/v1/plans/{a['renja'].id}/nodes", {"kind": "kegiatan", "code": "5.02.02.2.09", "name": "Kegiatan",
                                                          "parent_id": b["program"].id}),
        ("POST", f"/api/v1/plans/{a['renja'].id}/nodes", {"kind": "program", "code": "5.02.09", "name": "Program",
                                                          "serves_id": b["sasaran"].id}),
        ("PUT", f"/api/v1/nodes/{a['program'].id}", {"serves_id": b["sasaran"].id}),
        ("POST", f"/api/v1/nodes/{a['node'].id}/indicators", {"name": "Jumlah", "unit": "orang",
                                                              "objective_id": b["objective"].id}),
        ("PUT", f"/api/v1/indicators/{a['ind'].id}", {"objective_id": b["objective"].id}),
        ("POST", f"/api/v1/plans/{a['renja'].id}/comments", {"body": "x", "object_type": "node", "object_id": b["node"].id}),
        ("POST", f"/api/v1/plans/{a['renja'].id}/comments", {"body": "x", "object_type": "indicator",
                                                             "object_id": b["ind"].id}),
        ("POST", f"/api/v1/plans/{a['renja'].id}/comments", {"body": "x", "parent_id": b["comment"].id}),
        ("PUT", f"/api/v1/nodes/{a['node'].id}/worksheet/success",
         {"rows": [{"indicator_id": b["ind"].id, "measure": "Ukuran"}]}),
    ]


def form_cases(a, b):
    return [
        ("/plans/new", {"source": "empty", "organization_id": b["org"].id, "kind": "renja", "scheme": "daerah",
                        "year": "2031", "name": "Renja curian"}),
        ("/plans/new", {"source": "empty", "organization_id": a["org"].id, "kind": "renja", "scheme": "daerah",
                        "year": "2027", "name": "Renja ikut Renstra lain", "renstra_id": b["renstra"].id}),
        ("/plans/new", {"source": "renstra", "source_id": b["renstra"].id, "year": "2027"}),
        ("/plans/new", {"source": "previous", "source_id": b["renja"].id, "year": "2027"}),
        (f"/plans/{a['renja'].id}/edit", {"name": "Renja A", "renstra_id": b["renstra"].id}),
        (f"/plans/{a['renja'].id}/nodes", {"kind": "kegiatan", "code": "5.02.02.2.09", "name": "Kegiatan",
                                           "parent_id": b["program"].id}),
        (f"/plans/{a['renja'].id}/nodes", {"kind": "program", "code": "5.02.09", "name": "Program",
                                           "serves_id": b["sasaran"].id}),
        (f"/nodes/{a['program'].id}", {"code": a["program"].code, "name": "Program A", "serves_id": b["sasaran"].id}),
        (f"/nodes/{a['node'].id}/indicators/new", {"name": "Jumlah", "unit": "orang", "objective_id": b["objective"].id}),
        (f"/indicators/{a['ind'].id}", {"name": "Jumlah layanan", "unit": "layanan", "objective_id": b["objective"].id}),
        (f"/plans/{a['renja'].id}/comments", {"body": "x", "object_type": "node", "object_id": b["node"].id}),
        (f"/plans/{a['renja'].id}/comments", {"body": "x", "parent_id": b["comment"].id}),
        ("/switch", {"org": b["org"].id}),
    ]


def test_api_refuses_every_foreign_id(client, api_token, two):
    headers = api_token("ani")
    failures = []
    for method, url, payload in api_cases(two["a"], two["b"]):
        resp = client.open(url, method=method, json=payload, headers=headers)
        if resp.status_code not in (404, 422):
            failures.append(f"{method} {url} {payload}: {resp.status_code} {resp.get_data(as_text=True)[:200]}")
    listing = client.get(f"/api/v1/plans?organization_id={two['b']['org'].id}", headers=headers)
    if listing.json["plans"]:
        failures.append("GET /plans?organization_id=B lists B's plans")
    assert not failures, "\n".join(failures)


def test_forms_refuse_every_foreign_id(client, login, two, s):
    editor = login("ani")
    failures = []
    for url, data in form_cases(two["a"], two["b"]):
        # the comment form answers a plain post with a redirect and a flash: ask as htmx to see the status
        headers = HX if "/comments" in url else {}
        resp = editor.post(url, data={k: str(v) for k, v in data.items()}, headers=headers)
        body = resp.get_data(as_text=True)
        leaked = "Sasaran rahasia B" in body
        if resp.status_code not in (404, 422) or leaked:
            failures.append(f"POST {url} {data}: {resp.status_code}")
    assert not failures, "\n".join(failures)
    # and nothing was written with the foreign ids
    renja_a = two["a"]["renja"]
    s.expire_all()
    assert s.get(type(renja_a), renja_a.id).renstra_id == two["a"]["renstra"].id
    assert len(s.exec(select(Comment).where(Comment.plan_id == renja_a.id)).all()) == 1
