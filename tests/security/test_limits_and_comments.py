"""Text length limits with a clear message; a comment's author edits or withdraws it, the trail keeps it."""
from __future__ import annotations

from sqlmodel import select

from planner.models import AuditEntry, Comment
from planner.services import plans
from tests.conftest import HX


def test_a_huge_comment_is_refused_and_the_plan_page_stays_small(editor, api_token, renja, client):
    auth = api_token("ani")
    resp = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "x" * 15_000_000})
    assert resp.status_code == 422 and resp.json["error"]["field"] == "body"  # the 15 MB comment of the report
    huge = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "x" * 25_000_000})
    assert huge.status_code == 413 and huge.json["error"]["code"] == "too_large"  # beyond MAX_CONTENT_LENGTH
    resp = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "x" * 5_001})
    assert resp.status_code == 422 and resp.json["error"]["field"] == "body"
    assert "maksimal 5000" in resp.json["error"]["message"]
    page = editor.post(f"/plans/{renja.id}/comments", data={"body": "x" * 6000}, headers=HX)
    assert page.status_code == 422 and "terlalu panjang" in page.get_data(as_text=True)
    assert len(editor.get(f"/plans/{renja.id}").get_data()) < 500_000


def test_every_text_field_has_a_limit(editor, api_token, renja, client, s):
    auth = api_token("ani")
    keg = plans.load_tree(s, renja).roots[0].children[0]
    long = "y" * 25_000
    for method, url, payload, field in [
        ("PUT", f"/api/v1/nodes/{keg.node.id}", {"description": long}, "description"),
        ("PUT", f"/api/v1/indicators/{keg.indicators[0].id}", {"definition": long}, "definition"),
        ("PUT", f"/api/v1/indicators/{keg.indicators[0].id}", {"name": long}, "name"),
        ("PUT", f"/api/v1/indicators/{keg.indicators[0].id}/realizations/2026/TW1", {"value": 1, "note": long}, "note"),
        ("POST", f"/api/v1/plans/{renja.id}/transitions", {"action": "submit", "note": long}, "note"),
    ]:
        resp = client.open(url, method=method, headers=auth, json=payload)
        assert resp.status_code == 422, (url, resp.status_code, resp.json)
        assert resp.json["error"]["field"] == field and "maksimal" in resp.json["error"]["message"], resp.json


def test_author_edits_and_withdraws_a_comment_with_the_trail_kept(client, editor, api_token, renja, s, make_user):
    auth = api_token("ani")
    c = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "Target TW2 keliru"}).json
    edited = client.put(f"/api/v1/comments/{c['id']}", headers=auth, json={"body": "Target TW3 keliru"})
    assert edited.status_code == 200 and edited.json["body"] == "Target TW3 keliru" and edited.json["edited_at"]
    assert client.delete(f"/api/v1/comments/{c['id']}", headers=auth).status_code == 204
    listed = client.get(f"/api/v1/plans/{renja.id}/comments", headers=auth).json["comments"]
    assert listed[0]["withdrawn"] is True and listed[0]["body"] == ""
    trail = s.exec(select(AuditEntry).where(AuditEntry.object_type == "comment").order_by(AuditEntry.id)).all()
    assert [e.action for e in trail] == ["create", "update", "update"]
    assert trail[1].changes["body"] == ["Target TW2 keliru", "Target TW3 keliru"]
    assert trail[2].changes["body"] == ["Target TW3 keliru", ""]
    assert "ditarik" in editor.get(f"/plans/{renja.id}").get_data(as_text=True)


def test_only_the_author_may_edit_or_withdraw(app, client, api_token, editor, renja, org, make_user, s):
    auth = api_token("ani")
    c = client.post(f"/api/v1/plans/{renja.id}/comments", headers=auth, json={"body": "Catatan"}).json
    make_user("rev", "reviewer", org)
    other = api_token("rev")
    assert client.put(f"/api/v1/comments/{c['id']}", headers=other, json={"body": "Palsu"}).status_code == 403
    assert client.delete(f"/api/v1/comments/{c['id']}", headers=other).status_code == 403
    assert s.get(Comment, c["id"]).body == "Catatan"
