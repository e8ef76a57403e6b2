"""The audit trail speaks Indonesian: field labels, values as the pages show them, names instead of ids, the
organisation's local time, and the indicator a target belongs to — on the page and in the Excel export."""
from __future__ import annotations

import io
import re
from datetime import datetime, timezone

from openpyxl import load_workbook
from planner.models import AuditEntry
from planner.models.monitoring import FollowUpCreate
from planner.models.plan import NodeUpdate, TargetIn
from planner.services import audit, audit_view, monitoring, orgs, plans


def _change_things(s, renja):
    tree = plans.load_tree(s, renja)
    keg_tn = tree.roots[0].children[0]
    keg, ind = keg_tn.node, keg_tn.indicators[0]
    plans.set_targets(s, ind, renja, [TargetIn(year=2026, period="Y", value=600)])
    plans.update_node(s, keg, NodeUpdate(pagu=2_500_000))
    monitoring.add_follow_up(s, ind, 2026, "TW1", FollowUpCreate(action="Rapat koordinasi pendataan"))
    s.commit()
    return keg, ind


def test_history_page_reads_as_the_pages_do(s, editor, renja):
    keg, ind = _change_things(s, renja)
    html = editor.get(f"/plans/{renja.id}/history").get_data(as_text=True)
    assert "Nilai:</span> 100 → 600" in html
    assert f"Tahunan 2026 · {ind.name}" in html  # which indicator the target belongs to
    assert f"Triwulan IV 2026 · {ind.name}" in html and "Jenis:</span> — → Sub kegiatan" in html
    assert re.search(r"<td class=\"nowrap\">\d{1,2} [A-Z][a-z]{2} \d{4} \d\d\.\d\d WIB</td>", html)
    assert "Pagu:</span> Rp 1.000.000 → Rp 2.500.000" in html
    assert "Selesai:</span> — → Tidak" in html  # a follow-up's flag, not "done: False"
    for raw in ("value:", "pagu:", "objective_id", "stored_name", "done: False", "T02:15"):
        assert raw not in html


def test_time_follows_the_organisation_zone(s, org):
    orgs.update(s, org, org.name, org.kind, None, timezone="WITA")
    s.commit()
    entry = AuditEntry(at=datetime(2026, 4, 3, 2, 15, tzinfo=timezone.utc), action="update", object_type="plan",
                       label="Renja", changes={})
    assert audit_view.rows(s, [entry], org)[0].at == "3 Apr 2026 10.15 WITA"
    assert audit_view.rows(s, [entry], None)[0].at == "3 Apr 2026 09.15 WIB"
    sub = orgs.create(s, "UPT-1", "UPT Samsat", "upt", org.id)
    assert sub.timezone == "WITA"  # a new unit lives where its parent does


def test_names_replace_ids_and_flags_read_ya_tidak(s, renja):
    keg, ind = _change_things(s, renja)
    program = plans.load_tree(s, renja).roots[0].node
    entries = audit.history(s, plan_id=renja.id)
    text = "\n".join(f"{c.label}: {c.old} → {c.new}" for r in audit_view.rows(s, entries, None) for c in r.changes)
    assert f"Induk: — → {program.code} {program.name}" in text  # parent_id shown by name
    assert "Tingkat: — → Keluaran (output)" in text
    assert "Akumulasi: — → Kumulatif (jumlah)" in text
    assert all(c.label not in ("done", "parent_id", "level") for r in audit_view.rows(s, entries, None)
               for c in r.changes)


def test_status_transitions_use_the_status_labels(s, renja):
    audit.record(s, "submit", renja, {"status": ["returned", "submitted"]}, note="sudah diperbaiki")
    s.commit()
    rows = audit_view.rows(s, audit.history(s, plan_id=renja.id, limit=1), None)
    assert rows[0].action == "Ajukan"
    assert [(c.label, c.old, c.new) for c in rows[0].changes] == [("Status", "Dikembalikan", "Diajukan")]


def test_the_excel_export_reads_the_same(s, editor, renja):
    _, ind = _change_things(s, renja)
    resp = editor.get(f"/plans/{renja.id}/history.xlsx")
    rows = list(load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True))
    assert rows[1][0] == "Waktu"
    target = next(r for r in rows[2:] if r[3] == "Target" and r[4].startswith("Tahunan"))
    assert target[4].endswith(ind.name) and "Nilai: 100 → 600" in target[5]
    assert target[0].endswith("WIB")
