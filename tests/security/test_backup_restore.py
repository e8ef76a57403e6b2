"""``planner backup`` and ``planner restore``: one archive with every table and evidence file; a restore into an
empty database gives back every plan, realisation, evidence file and audit entry, and never runs over a
database that holds data without ``--force``."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from planner import backup, files, migrate
from planner.cli import main
from planner.db import make_engine
from planner.models import AuditEntry, Evidence, Plan, Realization
from planner.permissions import principal_for
from planner.services import acting, plan_stamps, plans, workflow
from planner.services import monitoring as mon

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def filled(s, org, make_renja, make_user, tmp_path):
    """A Renja with realisations, a file and a link as evidence, a comment and its audit trail."""
    renja = make_renja(org, activities=2)
    user = make_user("ani", "penyusun", org)
    ind = plans.load_tree(s, renja).roots[0].children[0].indicators[0]
    mon.record_realization(s, ind, 2026, "TW1", value=20)
    mon.record_realization(s, ind, 2026, "TW2", value=45, note="Sesuai jadwal")
    uploads = tmp_path / "uploads"
    stored = mon.store_evidence_file(s, ind, 2026, "TW1", "laporan.pdf", PDF, uploads, 10**6)
    mon.add_evidence_link(s, ind, 2026, "TW1", "https://contoh.id/bukti")
    workflow.add_comment(s, principal_for(s, user), renja, "Periksa target TW2")
    s.commit()
    return renja, uploads, stored


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar() for t in SQLModel.metadata.sorted_tables}


def test_backup_then_restore_into_an_empty_database(engine, filled, tmp_path):
    renja, uploads, stored = filled
    archive = tmp_path / "cadangan.zip"
    manifest = backup.backup(engine, uploads, archive)
    assert manifest["files"] == 1 and manifest["tables"]["realization"] == 2
    before = _counts(engine)
    assert before["audit_entry"] > 0

    fresh = make_engine(f"sqlite:///{tmp_path / 'pulih.sqlite'}")  # a new, empty database (any dialect works)
    restored_uploads = tmp_path / "pulih-uploads"
    backup.restore(fresh, restored_uploads, archive)
    assert _counts(fresh) == before
    with Session(fresh) as s2:
        plan = s2.get(Plan, renja.id)
        assert plan.name == renja.name and plan.first_year == 2026
        values = sorted(r.value for r in s2.exec(select(Realization)).scalars())
        assert values == [20, 45]
        row = s2.get(Evidence, stored.id)
        assert (restored_uploads / row.stored_name).read_bytes() == PDF
        trail = s2.exec(select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        assert [e.id for e in trail] == sorted(e.id for e in trail) and len(trail) == before["audit_entry"]
    with pytest.raises(backup.RestoreRefused, match="tidak kosong"):
        backup.restore(fresh, restored_uploads, archive)
    backup.restore(fresh, restored_uploads, archive, force=True)
    assert _counts(fresh) == before
    fresh.dispose()


def test_restore_into_the_same_database_after_it_was_emptied(engine, filled, tmp_path):
    from tests.conftest import _truncate

    renja, uploads, _ = filled
    archive = tmp_path / "cadangan.zip"
    backup.backup(engine, uploads, archive)
    before = _counts(engine)
    _truncate(engine)
    backup.restore(engine, uploads, archive)
    assert _counts(engine) == before
    with Session(engine) as s2:  # sequences continue after the restored ids (PostgreSQL)
        acting.act_as(s2, acting.SYSTEM)
        plans_after = plans.create_plan(s2, __import__("planner.models.plan", fromlist=["PlanCreate"]).PlanCreate(
            organization_id=renja.organization_id, kind="renja", scheme="daerah", year=2027, name="Renja 2027"))
        s2.commit()
        assert plans_after.id > renja.id


def test_a_forced_restore_moves_every_stamp_past_the_replaced_ones(engine, filled, tmp_path):
    """A server still running keeps values under the stamps it saw (plan_memo): none may match restored rows."""
    renja, uploads, _ = filled
    archive = tmp_path / "cadangan.zip"
    backup.backup(engine, uploads, archive)
    with engine.connect() as conn:
        kept = plan_stamps.current(conn, [renja.key])[renja.key]
    with Session(engine) as s2:  # a later write moves the stamp on; then the older backup comes back
        acting.act_as(s2, acting.SYSTEM)
        ind = plans.load_tree(s2, s2.get(Plan, renja.id)).roots[0].children[0].indicators[0]
        mon.record_realization(s2, ind, 2026, "TW3", value=60)
        s2.commit()
    with engine.connect() as conn:
        seen = plan_stamps.highest(conn)
    assert seen > kept
    backup.restore(engine, uploads, archive, force=True)
    with engine.connect() as conn:
        assert plan_stamps.current(conn, [renja.key])[renja.key] == kept + seen + 1


def test_cli_backup_restore_refuses_a_non_empty_database(tmp_path, monkeypatch):
    source = tmp_path / "asal.sqlite"
    monkeypatch.setenv("PLANNER_SECRET_KEY", "x")
    monkeypatch.setenv("PLANNER_UPLOAD_DIR", str(tmp_path / "up"))
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{source}")
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    out = runner.invoke(main, ["backup", "-o", str(tmp_path / "b.zip")])
    assert out.exit_code == 0, out.output
    refused = runner.invoke(main, ["restore", str(tmp_path / "b.zip")])
    assert refused.exit_code != 0 and "--force" in refused.output
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'baru.sqlite'}")
    done = runner.invoke(main, ["restore", str(tmp_path / "b.zip")])
    assert done.exit_code == 0, done.output
    fresh, original = make_engine(f"sqlite:///{tmp_path / 'baru.sqlite'}"), make_engine(f"sqlite:///{source}")
    restored = _counts(fresh)
    assert restored["plan"] >= 10 and restored == _counts(original)  # every row of the demo, table by table
    assert migrate.current(fresh) == migrate.head()
    fresh.dispose()
    original.dispose()


def test_files_check_and_clean_find_orphans(engine, filled, tmp_path, monkeypatch):
    _, uploads, stored = filled
    orphan = uploads / "deadbeef.pdf"
    orphan.write_bytes(PDF)
    report = files.check(engine, uploads)
    assert report.orphans == [orphan] and report.missing == []
    assert files.clean(engine, uploads, min_age_seconds=3600) == []  # too young: may be an upload in progress
    assert files.clean(engine, uploads, min_age_seconds=0) == [orphan]
    assert not orphan.exists() and (uploads / stored.stored_name).exists()
