"""A plan's history goes through its versions: a Perubahan's trail starts with its murni's (by lineage)."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from planner.models.plan import NodeUpdate
from planner.services import plans
from tests.conftest import HX


@pytest.fixture
def renja(org, make_renja):
    return make_renja(org, activities=1)


@pytest.fixture
def revised(app, s, org, make_user, renja):
    """The murni edited, fixed, then a Perubahan opened and edited: (penyusun client, murni, revision id)."""
    for role in ("penyusun", "pimpinan"):
        make_user(role, role, org)
    penyusun, pimpinan = _as(app, "penyusun"), _as(app, "pimpinan")
    keg = plans.load_tree(s, renja).roots[0].children[0].node
    penyusun.post(f"/nodes/{keg.id}", data={"code": keg.code, "name": "Pelayanan Pajak Keliling"})
    penyusun.post(f"/plans/{renja.id}/transition", data={"action": "submit"})
    pimpinan.post(f"/plans/{renja.id}/transition", data={"action": "approve"})
    pimpinan.post(f"/plans/{renja.id}/transition", data={"action": "lock", "decree_number": "050/1/2026",
                                                              "decree_date": "2026-01-05"})
    resp = penyusun.post(f"/plans/{renja.id}/revisions", data={"reason": "Refocusing anggaran"})
    rev_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    rev_keg = plans.load_tree(s, plans.get_plan(s, rev_id)).roots[0].children[0].node
    penyusun.post(f"/nodes/{rev_keg.id}", data={"code": rev_keg.code, "name": "Pajak Keliling Terpadu"})
    return penyusun, renja, rev_id, keg, rev_keg


def _as(app, username):
    c = app.test_client()
    c.post("/login", data={"username": username, "password": "rahasia-123"})
    return c


def test_the_revision_history_shows_the_murni_entries_too(revised):
    penyusun, murni, rev_id, _, _ = revised
    html = penyusun.get(f"/plans/{rev_id}/history").get_data(as_text=True)
    # the murni's edit (before the Perubahan existed) and the revision's own edit, each naming its version
    assert "Kegiatan 1 → Pelayanan Pajak Keliling" in html
    assert "Pelayanan Pajak Keliling → Pajak Keliling Terpadu" in html
    assert "Murni" in html and "Perubahan 1" in html and "<th>Versi</th>" in html
    assert html.index("Pajak Keliling Terpadu") < html.index("Kegiatan 1 → Pelayanan")  # newest first
    # the same trail from the murni's page
    old = penyusun.get(f"/plans/{murni.id}/history").get_data(as_text=True)
    assert "Pelayanan Pajak Keliling → Pajak Keliling Terpadu" in old


def test_a_node_panel_follows_its_lineage_and_the_export_and_api_merge_too(app, revised, make_user, org):
    penyusun, murni, rev_id, keg, rev_keg = revised
    frag = penyusun.get(f"/plans/{rev_id}/history?node={rev_keg.id}", headers=HX).get_data(as_text=True)
    assert "Kegiatan 1 → Pelayanan Pajak Keliling" in frag and "Pajak Keliling Terpadu" in frag
    # a node of the murni asked through the revision's page: still that node's lineage
    frag = penyusun.get(f"/plans/{rev_id}/history?node={keg.id}", headers=HX).get_data(as_text=True)
    assert "Pajak Keliling Terpadu" in frag
    rows = list(load_workbook(io.BytesIO(penyusun.get(f"/plans/{rev_id}/history.xlsx").data)).active
                .iter_rows(values_only=True))
    assert rows[1][7] == "Versi"
    versions_of_edits = {r[7] for r in rows[2:] if "Pajak Keliling" in (r[5] or "")}
    assert versions_of_edits == {"Murni", "Perubahan 1"}
    token = app.test_client().post("/api/v1/auth/token", json={"username": "penyusun", "password": "rahasia-123"})
    api = app.test_client().get(f"/api/v1/plans/{rev_id}/history",
                                headers={"Authorization": f"Bearer {token.json['token']}"}).json
    assert {e["plan_id"] for e in api["entries"]} == {murni.id, rev_id}
    assert {e["version"] for e in api["entries"]} == {"Murni", "Perubahan 1"}


def test_another_plans_entries_never_show(app, s, revised, make_org, make_renja):
    penyusun, _, rev_id, _, _ = revised
    other = make_renja(make_org("LAIN", "Dinas Lain"), activities=1)
    keg = plans.load_tree(s, other).roots[0].children[0].node
    plans.update_node(s, keg, NodeUpdate(code=keg.code, name="Kegiatan unit lain"))
    s.commit()
    html = penyusun.get(f"/plans/{rev_id}/history").get_data(as_text=True)
    assert "Kegiatan unit lain" not in html and "Dinas Lain" not in html
    # a node id of another plan in the query shows nothing of it
    frag = penyusun.get(f"/plans/{rev_id}/history?node={keg.id}", headers=HX).get_data(as_text=True)
    assert "Renja Dinas Lain" not in frag and "Kegiatan unit lain" not in frag
