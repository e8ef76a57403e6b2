"""Evidence of an action step, as a realisation has it (issue #17): files checked and stored by the one evidence
storage, links, download path, audit, removal, rights, closed periods, and a Perubahan's copies."""
from __future__ import annotations

import io
from datetime import date

import pytest
from sqlmodel import select

from planner.errors import Conflict, Forbidden, Invalid
from planner.models import AuditEntry, StepEvidence
from planner.models.action_plan import ActionStep, StatusIn, StepIn
from planner.permissions import principal_for
from planner.services import acting
from planner.services import action_plans as ap
from planner.services import monitoring as mon
from planner.services import audit_view, plans, step_evidence, workflow
from planner.services.removal import FILES_KEY

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
MAX = 1024
TODAY = date(2026, 5, 15)


@pytest.fixture
def people(s, org, make_user):
    users = {role: make_user(role, role, org) for role in ("penyusun", "reviewer", "pimpinan")}
    return {role: principal_for(s, u) for role, u in users.items()}


@pytest.fixture
def step(s, people, renja):
    node = plans.load_tree(s, renja).roots[0].children[0].node
    (row,) = ap.save_action_plan(s, people["penyusun"], node, [StepIn(name="Rapat koordinasi", months=[2])],
                                 today=TODAY)
    s.commit()
    return row


@pytest.fixture
def uploads(tmp_path):
    return tmp_path / "uploads"


def add_pdf(s, step, uploads, name="notulen.pdf", data=PDF):
    row = step_evidence.add_file(s, step, name, io.BytesIO(data), uploads, MAX)
    s.commit()
    return row


def test_a_file_is_checked_stored_under_a_random_name_audited_and_found_again(s, step, uploads):
    row = add_pdf(s, step, uploads, "C:\\dokumen\\notulen rapat.pdf")
    assert (row.kind, row.filename, row.content_type, row.size) == ("file", "notulen rapat.pdf", "application/pdf",
                                                                    len(PDF))
    assert row.stored_name.endswith(".pdf") and "notulen" not in row.stored_name
    path = step_evidence.path(row, uploads)
    assert path.read_bytes() == PDF and path.parent == uploads  # the same folder as realisation evidence
    entry = s.exec(select(AuditEntry).where(AuditEntry.object_type == "step_evidence")).one()
    assert entry.action == "create" and entry.plan_id == step.plan_id and entry.label == "notulen rapat.pdf"
    (readable,) = audit_view.rows(s, [entry], None)  # the plan's history page reads it in words
    assert (readable.action, readable.object_label, readable.subject) == ("Tambah", "Bukti dukung langkah",
                                                                          "notulen rapat.pdf")
    assert [e.id for e in step_evidence.for_step(s, step.id)] == [row.id]


@pytest.mark.parametrize("filename, data, words", [
    ("skrip.exe", PDF, "tidak diterima"),
    ("palsu.pdf", b"MZ\x90\x00 bukan pdf", "bukan PDF yang sah"),
    ("besar.pdf", PDF + b"x" * MAX, "terlalu besar"),
    ("kosong.pdf", b"", "kosong"),
])
def test_the_same_checks_as_realisation_evidence(s, step, uploads, filename, data, words):
    with pytest.raises(Invalid, match=words):
        step_evidence.add_file(s, step, filename, io.BytesIO(data), uploads, MAX)
    # the same refusal, word for word, as a realisation's evidence gets
    ind = plans.get_indicator(s, plans.load_tree(s, plans.get_plan(s, step.plan_id)).roots[0].children[0]
                              .indicators[0].id)
    with pytest.raises(Invalid, match=words):
        mon.store_evidence_file(s, ind, 2026, "TW1", filename, io.BytesIO(data), uploads, MAX)


def test_links_are_checked_and_kept_once_and_a_marks_link_joins_the_list(s, people, step):
    with pytest.raises(Invalid, match="http"):
        step_evidence.add_link(s, step, "javascript:alert(1)")
    a = step_evidence.add_link(s, step, "https://contoh.id/notulen")
    assert step_evidence.add_link(s, step, " https://contoh.id/notulen ").id == a.id
    ap.set_status(s, people["penyusun"], step, StatusIn(status="done", on=date(2026, 2, 20),
                                                        evidence_url="https://contoh.id/foto"), today=TODAY)
    s.commit()
    assert [e.url for e in step_evidence.for_step(s, step.id)] == ["https://contoh.id/notulen", "https://contoh.id/foto"]


def test_only_those_who_may_report_add_or_remove_evidence(s, people, step, uploads):
    row = add_pdf(s, step, uploads)
    acting.act_as(s, people["reviewer"])
    with pytest.raises(Forbidden):
        step_evidence.add_link(s, step, "https://contoh.id/bukti")
    with pytest.raises(Forbidden):
        step_evidence.delete(s, row, uploads)
    acting.act_as(s, people["penyusun"])
    link = step_evidence.add_link(s, step, "https://contoh.id/bukti")
    assert link.uploaded_by_id == people["penyusun"].user.id


def test_delete_removes_row_and_file_audited_but_not_in_a_closed_period(s, people, renja, step, uploads):
    row = add_pdf(s, step, uploads)
    path = step_evidence.path(row, uploads)
    ap.set_status(s, people["penyusun"], step, StatusIn(status="done", on=date(2026, 2, 20)), today=TODAY)
    mon.close_period(s, renja, 2026, "TW1")
    s.commit()
    with pytest.raises(Conflict, match="sudah ditutup"):
        step_evidence.delete(s, row, uploads)
    with pytest.raises(Conflict, match="sudah ditutup"):
        step_evidence.add_file(s, step, "lagi.pdf", io.BytesIO(PDF), uploads, MAX)
    mon.reopen_period(s, renja, 2026, "TW1", note="Koreksi bukti")
    step_evidence.delete(s, row, uploads)
    s.commit()
    assert not path.exists() and step_evidence.for_step(s, step.id) == []
    assert s.exec(select(AuditEntry).where(AuditEntry.object_type == "step_evidence",
                                           AuditEntry.action == "delete")).one()


def test_a_perubahan_copies_the_evidence_and_the_shared_file_stays_while_a_row_names_it(s, people, renja, step,
                                                                                      uploads):
    row = add_pdf(s, step, uploads)
    path = step_evidence.path(row, uploads)
    renja.status = "locked"
    s.commit()
    rev = workflow.create_revision(s, people["pimpinan"], renja, "Penyesuaian pagu")
    s.commit()
    copy = s.exec(select(ActionStep).where(ActionStep.plan_id == rev.id)).one()
    (copied,) = step_evidence.for_step(s, copy.id)
    assert (copied.stored_name, copied.filename) == (row.stored_name, row.filename)
    step_evidence.delete(s, copied, uploads)
    s.commit()
    assert path.exists()  # the murni's row still names it
    step_evidence.delete(s, row, uploads)
    s.commit()
    assert not path.exists()


def test_a_step_leaving_the_plan_takes_its_evidence_and_its_file_goes_after_the_commit(s, people, renja, step,
                                                                                      uploads):
    row = add_pdf(s, step, uploads)
    node = plans.get_node(s, step.node_id)
    ap.save_action_plan(s, people["penyusun"], node, [StepIn(name="Langkah lain", months=[3])], today=TODAY)
    assert s.info[FILES_KEY] == [row.stored_name]
    s.commit()
    assert s.exec(select(StepEvidence)).all() == []


def test_files_check_knows_step_evidence(s, engine, step, uploads):
    from planner import files

    row = add_pdf(s, step, uploads)
    (uploads / "yatim.pdf").write_bytes(PDF)
    report = files.check(engine, uploads)
    assert [p.name for p in report.orphans] == ["yatim.pdf"] and row.stored_name not in report.missing


def test_deleting_the_node_takes_the_steps_evidence_and_queues_its_file(s, step, uploads):
    row = add_pdf(s, step, uploads)
    s.info.pop(FILES_KEY, None)
    plans.delete_node(s, plans.get_node(s, step.node_id))
    assert s.info[FILES_KEY] == [row.stored_name]
    s.commit()
    assert s.exec(select(StepEvidence)).all() == []
    assert s.exec(select(AuditEntry).where(AuditEntry.object_type == "step_evidence",
                                           AuditEntry.action == "delete")).one()


def test_backup_and_restore_carry_step_evidence_files(s, engine, step, uploads, tmp_path):
    from planner import backup
    from planner.db import make_engine

    row = add_pdf(s, step, uploads)
    archive = tmp_path / "cadangan.zip"
    assert backup.backup(engine, uploads, archive)["files"] == 1
    fresh = make_engine(f"sqlite:///{tmp_path / 'pulih.sqlite'}")
    backup.restore(fresh, tmp_path / "pulih", archive)
    assert (tmp_path / "pulih" / row.stored_name).read_bytes() == PDF
    fresh.dispose()
