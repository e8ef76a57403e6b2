"""Locked means locked: the budget pagu of a node cannot change on a submitted, approved or fixed plan;
realised amounts still can."""
from __future__ import annotations

import pytest

from planner.services import plans


@pytest.fixture
def auth(editor, api_token):
    return api_token("ani")


@pytest.mark.parametrize("status", ["submitted", "approved", "locked"])
def test_pagu_cannot_change_once_the_plan_left_drafting(client, editor, auth, s, renja, status):
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    url = f"/api/v1/nodes/{keg.id}/budget/2026"
    assert client.put(url, headers=auth, json={"pagu": 1_000_000}).status_code == 200  # draft: the plan's pagu
    renja.status = status
    s.add(renja)
    s.commit()
    resp = client.put(url, headers=auth, json={"pagu": 9_000_000})
    assert resp.status_code == 409 and resp.json["error"]["field"] == "pagu"
    page = editor.post(f"/nodes/{keg.id}/anggaran/2026", data={"pagu": "9.000.000"})
    assert page.status_code == 409
    ok = client.put(url, headers=auth, json={"pagu": 1_000_000, "realized": {"TW1": 250_000}})
    assert ok.status_code == 200 and ok.json["pagu"] == 1_000_000 and ok.json["realized"] == {"TW1": 250_000}


def test_first_budget_entry_on_a_fixed_plan_must_match_the_plan_pagu(client, auth, s, renja):
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    renja.status = "locked"
    s.add(renja)
    s.commit()
    url = f"/api/v1/nodes/{keg.id}/budget/2026"
    assert client.put(url, headers=auth, json={"pagu": 5}).status_code == 409
    assert client.put(url, headers=auth, json={"pagu": 1_000_000}).status_code == 200


def test_draft_plan_pagu_can_change(client, auth, s, renja):
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    url = f"/api/v1/nodes/{keg.id}/budget/2026"
    assert client.put(url, headers=auth, json={"pagu": 1_000_000}).status_code == 200
    assert client.put(url, headers=auth, json={"pagu": 2_000_000}).json["pagu"] == 2_000_000
