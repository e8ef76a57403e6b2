"""Every answer under /api/v1 uses the error shape; unknown fields are refused with 422 naming them."""
from __future__ import annotations

import pytest


def _shape(resp, status, code=None):
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True)[:300])
    err = resp.json["error"]
    assert set(err) == {"code", "message", "field"} and err["message"]
    if code:
        assert err["code"] == code, err
    return err


def test_404_405_and_bad_json_use_the_error_shape(client, auth, renja):
    _shape(client.get("/api/v1/no-such-thing", headers=auth), 404, "not_found")
    _shape(client.get("/api/v1/plans/99999999999999", headers=auth), 404, "not_found")  # beyond integer: 404
    resp = client.patch(f"/api/v1/plans/{renja.id}", headers=auth, json={})
    _shape(resp, 405, "method_not_allowed")
    assert set(resp.headers["Allow"].split(", ")) >= {"GET"}
    _shape(client.post("/api/v1/plans", headers={**auth, "Content-Type": "application/json"}, data="{nope"), 422)


def test_500_uses_the_error_shape_and_rolls_back(app, client, auth, renja, monkeypatch):
    from planner.web.api import plans as api_plans

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(api_plans, "plan_json", lambda p: 1 / 0)
    err = _shape(client.get(f"/api/v1/plans/{renja.id}", headers=auth), 500, "server_error")
    assert "Traceback" not in err["message"] and "ZeroDivision" not in err["message"]
    page = app.test_client().get("/login")  # the app keeps serving
    assert page.status_code == 200


def test_a_server_error_on_a_page_is_a_page(app, editor, renja, monkeypatch):
    from planner.web import plans as web_plans

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(web_plans, "tree_context", lambda *a, **k: 1 / 0)
    resp = editor.get(f"/plans/{renja.id}")
    assert resp.status_code == 500 and "kesalahan di server" in resp.get_data(as_text=True)


@pytest.mark.parametrize("method,path,payload,field", [
    ("post", "/api/v1/plans", {"organization_id": 0, "kind": "renja", "scheme": "daerah", "year": 2030,
                               "name": "Renja", "is_admin": True}, "is_admin"),
    ("post", "/api/v1/plans/{plan}/nodes", {"kind": "program", "code": "5.02.09", "name": "Program", "plan_id": 1},
     "plan_id"),
    ("put", "/api/v1/nodes/{node}", {"name": "Nama", "status": "locked"}, "status"),
    ("post", "/api/v1/nodes/{node}/indicators", {"name": "Jumlah", "unit": "orang", "plan_id": 3}, "plan_id"),
    ("post", "/api/v1/nodes/{node}/indicators", {"name": "Jumlah", "unit": "orang",
                                                  "targets": [{"year": 2026, "value": 1, "bogus": 2}]}, "targets.0.bogus"),
    ("put", "/api/v1/indicators/{ind}", {"definition": "D", "owner": "x"}, "owner"),
    ("put", "/api/v1/indicators/{ind}/targets", {"targets": [{"year": 2026, "period": "Y", "valu": 3}]},
     "targets[0].valu"),
    ("put", "/api/v1/indicators/{ind}/realizations/2026/TW1", {"value": 3, "verified_by_id": 1}, "verified_by_id"),
    ("put", "/api/v1/nodes/{node}/budget/2026", {"pagu": 10, "extra": 1}, "extra"),
    ("post", "/api/v1/plans/{plan}/comments", {"body": "Catatan", "author_id": 9}, "author_id"),
    ("post", "/api/v1/plans/{plan}/transitions", {"action": "submit", "by": "x"}, "by"),
    ("post", "/api/v1/auth/token", {"username": "ani", "password": "x", "otp": 1}, "otp"),
])
def test_unknown_fields_are_refused_naming_the_field(client, auth, renja, org, s, method, path, payload, field):
    from planner.services import plans

    tree = plans.load_tree(s, renja)
    keg = tree.roots[0].children[0]
    if payload.get("organization_id") == 0:
        payload = {**payload, "organization_id": org.id}
    url = path.format(plan=renja.id, node=keg.node.id, ind=keg.indicators[0].id)
    err = _shape(getattr(client, method)(url, headers=auth, json=payload), 422)
    assert err["field"] == field, err


def test_target_put_honours_version(client, auth, renja, s):
    from planner.services import plans

    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    url = f"/api/v1/indicators/{ind.id}/targets"
    version = client.get(f"/api/v1/indicators/{ind.id}", headers=auth).json["version"]
    ok = client.put(url, headers=auth, json={"version": version, "targets": [{"year": 2026, "value": 90}]})
    assert ok.status_code == 200 and ok.json["version"] == version + 1
    stale = client.put(url, headers=auth, json={"version": version, "targets": [{"year": 2026, "value": 80}]})
    assert stale.status_code == 409 and stale.json["error"]["field"] == "version"
