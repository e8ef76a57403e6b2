"""Non-finite and out-of-range numbers are refused everywhere with 422 naming the field, and nothing stored
can break a page afterwards."""
from __future__ import annotations

import json

import pytest

from planner.services import plans

@pytest.fixture
def auth(editor, api_token):
    """API headers of the same penyusun the ``editor`` client is logged in as."""
    return api_token("ani")


BAD = ["1e309", '"Infinity"', '"NaN"', "NaN", "-Infinity", '"-inf"']


def _raw(client, method, url, headers, text):
    return client.open(url, method=method, headers={**headers, "Content-Type": "application/json"}, data=text)


def _cases(renja, s):
    tree = plans.load_tree(s, renja)
    keg = tree.roots[0].children[0]
    ind = keg.indicators[0].id
    return [
        ("POST", f"/api/v1/nodes/{keg.node.id}/indicators", '{{"name": "Jumlah", "unit": "orang", "baseline": {{"value": {v}}}}}', "baseline"),
        ("POST", f"/api/v1/nodes/{keg.node.id}/indicators", '{{"name": "Rasio", "unit": "%", "ratio_factor": {v}}}', "ratio_factor"),
        ("POST", f"/api/v1/nodes/{keg.node.id}/indicators", '{{"name": "Jumlah", "unit": "orang", "targets": [{{"year": 2026, "value": {v}}}]}}', "targets"),
        ("PUT", f"/api/v1/indicators/{ind}", '{{"baseline_value": {v}}}', "baseline_value"),
        ("PUT", f"/api/v1/indicators/{ind}", '{{"weight": {v}}}', "weight"),
        ("PUT", f"/api/v1/indicators/{ind}/targets", '{{"targets": [{{"year": 2026, "period": "Y", "value": {v}}}]}}', "targets"),
        ("PUT", f"/api/v1/indicators/{ind}/realizations/2026/TW1", '{{"value": {v}}}', "value"),
        ("PUT", f"/api/v1/nodes/{keg.node.id}", '{{"pagu": {v}}}', "pagu"),
        ("PUT", f"/api/v1/nodes/{keg.node.id}/budget/2026", '{{"pagu": {v}}}', "pagu"),
        ("PUT", f"/api/v1/nodes/{keg.node.id}/budget/2026", '{{"pagu": 1000, "realized": {{"TW1": {v}}}}}', "realized"),
    ]


@pytest.mark.parametrize("bad", BAD)
def test_non_finite_numbers_are_refused_by_the_api(client, auth, renja, s, editor, bad):
    failures = []
    for method, url, template, field in _cases(renja, s):
        resp = _raw(client, method, url, auth, template.format(v=bad))
        err = (resp.json or {}).get("error", {}) if resp.is_json else {}
        if resp.status_code != 422 or field not in (err.get("field") or ""):
            failures.append(f"{method} {url} {bad}: {resp.status_code} {err}")
    assert not failures, "\n".join(failures)
    _pages_still_work(client, editor, auth, renja)


def _pages_still_work(client, editor, auth, renja):
    for url in (f"/plans/{renja.id}", f"/plans/{renja.id}/dashboard", f"/plans/{renja.id}/realisasi",
                f"/plans/{renja.id}/anggaran"):
        assert editor.get(url).status_code == 200, url
    tree = client.get(f"/api/v1/plans/{renja.id}/tree", headers=auth)
    json.loads(tree.get_data(as_text=True), parse_constant=lambda c: pytest.fail(f"invalid JSON: {c}"))


@pytest.mark.parametrize("method,path,payload,field", [
    ("PUT", "/api/v1/nodes/{node}", {"pagu": 1e30}, "pagu"),
    ("PUT", "/api/v1/nodes/{node}/budget/2026", {"pagu": 1e17}, "pagu"),
    ("PUT", "/api/v1/nodes/{node}/budget/2026", {"pagu": 10**17}, "pagu"),
    ("POST", "/api/v1/plans", {"kind": "renja", "scheme": "daerah", "year": 999999999999, "name": "Renja"}, "year"),
    ("POST", "/api/v1/plans", {"kind": "renja", "scheme": "daerah", "year": 2031, "name": "Renja",
                               "renstra_id": 99999999999}, "renstra_id"),
    ("POST", "/api/v1/nodes/{node}/indicators", {"name": "Jumlah", "unit": "orang", "objective_id": 2**40}, "objective_id"),
    ("POST", "/api/v1/nodes/{node}/indicators", {"name": "Jumlah", "unit": "orang", "baseline_year": 2**40}, "baseline_year"),
    ("PUT", "/api/v1/indicators/{ind}/targets", {"targets": [{"year": 99999999999, "value": 1}]}, "year"),
    ("POST", "/api/v1/plans/{plan}/nodes", {"kind": "kegiatan", "code": "5.02.02.2.09", "name": "Kegiatan",
                                             "parent_id": 2**33}, "parent_id"),
    ("POST", "/api/v1/plans/{plan}/comments", {"body": "x", "object_type": "node", "object_id": 2**33}, "object_id"),
])
def test_out_of_range_numbers_and_ids_are_refused(client, auth, renja, org, s, editor, method, path, payload, field):
    tree = plans.load_tree(s, renja)
    keg = tree.roots[0].children[0]
    if path == "/api/v1/plans":
        payload = {**payload, "organization_id": org.id}
    url = path.format(plan=renja.id, node=keg.node.id, ind=keg.indicators[0].id)
    resp = client.open(url, method=method, headers=auth, json=payload)
    assert resp.status_code in (404, 422), (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.status_code == 404 or field in (resp.json["error"]["field"] or ""), resp.json
    _pages_still_work(client, editor, auth, renja)


@pytest.mark.parametrize("form_url,data,field", [
    ("/indicators/{ind}", {"name": "Jumlah layanan", "unit": "layanan", "baseline_value": "Infinity"}, "baseline_value"),
    ("/indicators/{ind}", {"name": "Jumlah layanan", "unit": "layanan", "ratio_factor": "NaN"}, "ratio_factor"),
    ("/indicators/{ind}", {"name": "Jumlah layanan", "unit": "layanan", "baseline_value": "1" * 400}, "baseline_value"),
    ("/nodes/{node}", {"code": "5.02.02.2.01", "name": "Kegiatan", "pagu": "1" * 31}, "pagu"),
    ("/nodes/{node}/anggaran/2026", {"pagu": "100000000000000000"}, "pagu"),
    ("/indicators/{ind}/realisasi/2026/TW1", {"value": "1" * 400}, "value"),
])
def test_forms_refuse_them_too(editor, client, auth, renja, s, form_url, data, field):
    tree = plans.load_tree(s, renja)
    keg = tree.roots[0].children[0]
    url = form_url.format(node=keg.node.id, ind=keg.indicators[0].id)
    resp = editor.post(url, data=data)
    assert resp.status_code == 422, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert field in resp.get_data(as_text=True)
    _pages_still_work(client, editor, auth, renja)


def test_the_guard_checks_what_a_loaded_rows_update_sends(s, renja):
    """A loaded row is checked on the attributes set since it was read (what its UPDATE sends, issue 12): a
    bad one is refused naming its field and the row loses the change; a good change goes through."""
    from planner.errors import Invalid
    from planner.models import Indicator

    ind = s.get(Indicator, plans.load_tree(s, renja).roots[0].children[0].indicators[0].id)
    ind.weight = float("inf")
    with pytest.raises(Invalid) as refused:
        s.flush()
    assert refused.value.field == "weight" and ind.weight != float("inf")
    ind.position = 2**40  # beyond PostgreSQL's integer
    with pytest.raises(Invalid) as refused:
        s.flush()
    assert refused.value.field == "position"
    ind.weight = 2
    s.flush()
    s.expire(ind)
    assert ind.weight == 2
