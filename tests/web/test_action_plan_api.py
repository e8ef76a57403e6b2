"""The action-plan API (issue #17): ``GET/PUT /api/v1/nodes/{id}/action-plan`` and
``PUT /api/v1/action-steps/{id}/status``, with the optimistic ``version``."""
from __future__ import annotations

from datetime import date

import pytest

from planner.services import plans

YEAR = 2026


@pytest.fixture
def keg(s, renja):
    return plans.load_tree(s, renja).roots[0].children[0]


def put_plan(client, auth, node_id, steps):
    return client.put(f"/api/v1/nodes/{node_id}/action-plan", json={"steps": steps}, headers=auth)


def test_put_then_get_the_action_plan(client, auth, keg):
    ind = keg.indicators[0]
    resp = put_plan(client, auth, keg.node.id, [
        {"name": "Rapat persiapan", "months": [2, 1], "owner": "ani", "output": "Notulen", "volume": 2,
         "unit": "dokumen", "budget": 250000},
        {"name": "Pelaksanaan", "start": "2026-03-02", "end": "2026-04-10", "owner": "Bidang Pelayanan",
         "indicator_id": ind.id, "period": "TW2"}])
    assert resp.status_code == 200, resp.json
    got = client.get(f"/api/v1/nodes/{keg.node.id}/action-plan", headers=auth).json
    assert got["node_id"] == keg.node.id and got["year"] == YEAR
    first, second = got["steps"]
    assert {k: first[k] for k in ("name", "months", "start", "end", "owner", "output", "indicator_id", "period",
                                  "status", "version")} == {
        "name": "Rapat persiapan", "months": [1, 2], "start": None, "end": None, "owner": "ani", "output": "Notulen",
        "indicator_id": None, "period": None, "status": "planned", "version": 1}
    assert first["budget"] == 250000 and first["volume"] == 2 and first["owner_name"] == "Ani"
    assert second["months"] == [3, 4] and second["start"] == "2026-03-02" and second["end"] == "2026-04-10"
    assert second["owner"] == "Bidang Pelayanan" and second["indicator_id"] == ind.id and second["period"] == "TW2"


def test_a_get_can_be_changed_and_sent_back_and_a_stale_version_is_409(client, auth, keg):
    put_plan(client, auth, keg.node.id, [{"name": "Rapat persiapan", "months": [1]}])
    steps = client.get(f"/api/v1/nodes/{keg.node.id}/action-plan", headers=auth).json["steps"]
    steps[0]["name"] = "Rapat persiapan lengkap"
    steps.append({"name": "Pelaksanaan", "months": [2], "depends_on": [steps[0]["id"]]})
    resp = put_plan(client, auth, keg.node.id, steps)
    assert resp.status_code == 200, resp.json
    changed, added = resp.json["steps"]
    assert changed["version"] == 2 and added["depends_on"] == [changed["id"]]
    stale = put_plan(client, auth, keg.node.id, [{**steps[0], "version": 1}])
    assert stale.status_code == 409 and stale.json["error"]["field"] == "steps.0.version"


@pytest.mark.parametrize("steps, field", [
    ([{"months": [1]}], "steps.0.name"),
    ([{"name": "Rapat", "months": ["Januari"]}], "steps.0.months.0"),
    ([{"name": "Rapat", "months": [1]}, {"name": "Tanpa jadwal"}], "steps.1.months"),
    ("bukan daftar", "steps"),
])
def test_bad_bodies_name_the_field(client, auth, keg, steps, field):
    resp = client.put(f"/api/v1/nodes/{keg.node.id}/action-plan", json={"steps": steps}, headers=auth)
    assert resp.status_code == 422 and resp.json["error"]["field"] == field, resp.json


def test_mark_a_step(client, auth, keg):
    step = put_plan(client, auth, keg.node.id, [{"name": "Rapat persiapan", "months": [1]}]).json["steps"][0]
    url = f"/api/v1/action-steps/{step['id']}/status"
    resp = client.put(url, json={"status": "late", "on": "2026-02-03"}, headers=auth)
    assert resp.status_code == 422 and resp.json["error"]["field"] == "note"
    resp = client.put(url, json={"status": "late", "on": "2026-02-03", "note": "Narasumber berhalangan",
                                 "version": 1}, headers=auth)
    assert resp.status_code == 200, resp.json
    assert (resp.json["status"], resp.json["status_on"], resp.json["status_note"], resp.json["version"]) == (
        "late", "2026-02-03", "Narasumber berhalangan", 2)
    assert resp.json["state"] == "late"
    stale = client.put(url, json={"status": "done", "on": "2026-02-10", "version": 1}, headers=auth)
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    done = client.put(url, json={"status": "done", "on": "2026-02-10", "version": 2}, headers=auth)
    assert done.json["status"] == "done" and done.json["state"] == "done_late"
    unknown = client.put(url, json={"status": "selesai"}, headers=auth)
    assert unknown.status_code == 422 and unknown.json["error"]["field"] == "status"


def test_marks_are_refused_in_a_closed_period(s, client, auth, keg, renja):
    from planner.services import monitoring as mon

    step = put_plan(client, auth, keg.node.id, [{"name": "Rapat persiapan", "months": [1]}]).json["steps"][0]
    mon.close_period(s, renja, YEAR, "TW1")
    s.commit()
    resp = client.put(f"/api/v1/action-steps/{step['id']}/status", json={"status": "done", "on": "2026-02-10"},
                      headers=auth)
    assert resp.status_code == 409 and "sudah ditutup" in resp.json["error"]["message"]
    assert date.today() >= date(2026, 2, 10)  # the mark itself was not in the future


def test_the_plan_must_be_editable_for_steps(s, client, auth, keg, renja):
    renja.status = "locked"
    s.commit()
    resp = put_plan(client, auth, keg.node.id, [{"name": "Rapat persiapan", "months": [1]}])
    assert resp.status_code == 409 and resp.json["error"]["field"] == "status"


def test_a_program_has_no_action_plan(s, client, auth, renja):
    program = plans.load_tree(s, renja).roots[0].node
    assert client.get(f"/api/v1/nodes/{program.id}/action-plan", headers=auth).status_code == 404
