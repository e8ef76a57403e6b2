"""Deleting an indicator or a node asks first, with counts of what goes; every removed row is audited;
evidence files are removed after the commit only."""
from __future__ import annotations

from sqlmodel import select

from planner.models import AuditEntry, Evidence, Realization
from planner.services import plans
from planner.services import monitoring as mon
from tests.conftest import HX

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _with_monitoring(s, renja, app):
    keg = plans.load_tree(s, renja).roots[0].children[0]
    ind = keg.indicators[0]
    mon.record_realization(s, ind, 2026, "TW1", value=20)
    mon.record_realization(s, ind, 2026, "TW2", value=30)
    ev = mon.store_evidence_file(s, ind, 2026, "TW1", "bukti.pdf", PDF, app.config["UPLOAD_DIR"], 10**6)
    mon.add_evidence_link(s, ind, 2026, "TW2", "https://contoh.id/bukti")
    s.commit()
    from pathlib import Path
    return keg, ind, Path(app.config["UPLOAD_DIR"]) / ev.stored_name


def test_deleting_an_indicator_asks_with_counts_then_audits_and_removes_the_file(app, editor, s, renja):
    keg, ind, path = _with_monitoring(s, renja, app)
    ask = editor.post(f"/indicators/{ind.id}/delete", headers=HX)
    text = ask.get_data(as_text=True)
    assert ask.status_code == 409 and "2 data realisasi" in text and "2 bukti dukung (1 berkas)" in text
    assert path.exists() and s.get(type(ind), ind.id) is not None
    done = editor.post(f"/indicators/{ind.id}/delete", data={"confirm": "1"})
    assert done.status_code in (200, 302)
    s.expire_all()
    assert s.exec(select(Realization)).all() == [] and s.exec(select(Evidence)).all() == []
    assert not path.exists()
    gone = {(e.object_type, e.action) for e in s.exec(select(AuditEntry).where(AuditEntry.action == "delete"))}
    assert {("indicator", "delete"), ("target", "delete"), ("realization", "delete"), ("evidence", "delete")} <= {
        (t, a) for t, a in gone}, gone


def test_a_failed_delete_keeps_the_file(app, editor, s, renja, monkeypatch):
    keg, ind, path = _with_monitoring(s, renja, app)
    from planner.services import removal

    real = removal.remove

    def broken(sess, *a, **k):
        real(sess, *a, **k)
        raise RuntimeError("disk penuh")

    monkeypatch.setattr(removal, "remove", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert editor.post(f"/indicators/{ind.id}/delete", data={"confirm": "1"}).status_code == 500
    assert path.exists()
    s.expire_all()
    assert len(s.exec(select(Realization)).all()) == 2


def test_deleting_a_node_counts_evidence_and_audits_every_row(app, editor, api_token, client, s, renja):
    keg, ind, path = _with_monitoring(s, renja, app)
    auth = api_token("ani")
    ask = client.delete(f"/api/v1/nodes/{keg.node.id}", headers=auth)
    assert ask.status_code == 409 and ask.json["error"]["code"] == "confirm_required"
    page = editor.post(f"/nodes/{keg.node.id}/delete")
    assert "2 bukti dukung" in page.get_data(as_text=True) or "bukti dukung" in page.get_data(as_text=True)
    done = client.delete(f"/api/v1/nodes/{keg.node.id}?confirm=true", headers=auth)
    assert done.status_code == 200 and done.json["deleted"]["realizations"] == 2 and done.json["deleted"]["evidence"] == 2
    assert not path.exists()
    entries = s.exec(select(AuditEntry).where(AuditEntry.action == "delete")).all()
    kinds = [e.object_type for e in entries]
    assert kinds.count("realization") == 2 and kinds.count("evidence") == 2 and kinds.count("node") >= 2
