"""Migration 0005 moves monitoring data to lineage keys without loss.

Data is built on the old schema (revision 0004) with plain SQL, as a unit running the previous
release would have it: a fixed Renja reported for TW I–II with evidence, narratives, follow-ups, a
budget, closed periods and a worksheet, and an open Perubahan on which one cell was reported again
(what the old model allowed). After the upgrade every realisation, evidence file and narrative is
still there, keyed by its lineage, and the Perubahan shows the murni's reports.

Runs in a database of its own: a temporary SQLite file, or a scratch schema on PostgreSQL.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session

from planner import migrate
from planner.calc import Settings
from planner.db import make_engine
from planner.services import acting, plans
from planner.services import monitoring as mon

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
LATER = datetime(2026, 7, 1, tzinfo=timezone.utc)
SCHEMA = "lineage_migration"


@pytest.fixture
def old_engine(database_url, tmp_path):
    if database_url.startswith("postgresql"):
        admin = make_engine(database_url)
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}"))
        url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
        eng = create_engine(url, connect_args={"options": f"-csearch_path={SCHEMA}"})
        yield eng
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        admin.dispose()
    else:
        eng = make_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
        yield eng
        eng.dispose()


def _upgrade(eng, revision: str) -> None:
    migrate.upgrade(eng, revision)


def _insert(conn, table: str, **values) -> int:
    cols = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join(f":{c}" for c in values)
    return conn.execute(text(f'INSERT INTO "{table}" ({cols}) VALUES ({marks}) RETURNING id'), values).scalar_one()


def _indicator(conn, plan_id, node_id, name, source_id=None) -> int:
    return _insert(conn, "indicator", name=name, level="output", unit="layanan", data_source="", collection_method="",
                   frequency="quarterly", responsible="", polarity="higher_is_better", accumulation="sum",
                   target_type="number", weight=1.0, ratio_factor=100.0, plan_id=plan_id, node_id=node_id,
                   position=0, version=1, source_id=source_id)


def _plan(conn, org, scheme, rev, status, revision_of=None) -> int:
    return _insert(conn, "plan", name=f"Renja 2026{' (Perubahan 1)' if rev else ''}", organization_id=org,
                   kind="renja", scheme_id=scheme, first_year=2026, last_year=2026, status=status,
                   revision_number=rev, revision_of_id=revision_of, created_at=NOW, updated_at=NOW)


def _node(conn, plan_id, kind, code, parent=None, source=None) -> int:
    return _insert(conn, "plan_node", code=code, name=f"Simpul {code}", unit_in_charge="", location="",
                   funding_source="", plan_id=plan_id, kind=kind, position=0, parent_id=parent, source_id=source)


def _build_old_data(conn) -> dict:
    scheme = conn.execute(text("SELECT id FROM scheme WHERE key = 'daerah'")).scalar_one()
    org = _insert(conn, "organization", code="BAPENDA", name="Badan Pendapatan Daerah", kind="perangkat_daerah")
    murni = _plan(conn, org, scheme, 0, "locked")
    rev = _plan(conn, org, scheme, 1, "draft", murni)
    prog = _node(conn, murni, "program", "5.02.02")
    keg = _node(conn, murni, "kegiatan", "5.02.02.2.01", prog)
    rprog = _node(conn, rev, "program", "5.02.02", source=prog)
    rkeg = _node(conn, rev, "kegiatan", "5.02.02.2.01", rprog, source=keg)
    ind = _indicator(conn, murni, keg, "Jumlah layanan")
    rind = _indicator(conn, rev, rkeg, "Jumlah layanan", ind)
    gone = _indicator(conn, murni, keg, "Indikator yang dihapus di Perubahan")
    for i in (ind, rind, gone):
        for q in ("TW1", "TW2", "TW3", "TW4"):
            _insert(conn, "target", indicator_id=i, year=2026, period=q, value=25)
    for i, values in ((ind, (20, 30)), (gone, (5, 6))):
        for q, v in zip(("TW1", "TW2"), values):
            _insert(conn, "realization", indicator_id=i, year=2026, period=q, value=v, note=f"catatan {q}",
                    status="submitted", entered_at=NOW)
    # The old bug: the Perubahan showed TW2 empty, so it was reported again there.
    _insert(conn, "realization", indicator_id=rind, year=2026, period="TW2", value=31, note="diisi ulang",
            status="submitted", entered_at=LATER)
    for i, q, name in ((ind, "TW1", "laporan.pdf"), (gone, "TW2", "foto.png"), (rind, "TW2", "rekap.xlsx")):
        _insert(conn, "evidence", indicator_id=i, year=2026, period=q, kind="file", filename=name,
                stored_name=f"{name}.bin", content_type="application/octet-stream", uploaded_at=NOW)
    _insert(conn, "evidence", indicator_id=ind, year=2026, period="TW2", kind="link", filename="",
            url="https://contoh.go.id/bukti", content_type="", uploaded_at=NOW)
    _insert(conn, "narrative", indicator_id=ind, year=2026, period="TW1", faktor_pendorong="Mitra aktif",
            faktor_penghambat="Hujan", updated_at=NOW)
    _insert(conn, "narrative", indicator_id=gone, year=2026, period="TW2", faktor_pendorong="Kader",
            faktor_penghambat="", updated_at=NOW)
    _insert(conn, "follow_up", indicator_id=ind, year=2026, period="TW1", action="Layanan keliling", owner="Bidang",
            done=False, created_at=NOW)
    budget = _insert(conn, "node_budget", node_id=keg, year=2026, pagu=1_000_000, updated_at=NOW)
    _insert(conn, "budget_realization", node_budget_id=budget, period="TW1", amount=250_000)
    _insert(conn, "period_lock", plan_id=murni, year=2026, period="TW1", closed=True, closed_at=NOW)
    _insert(conn, "worksheet", node_id=keg, complaint_channels="loket", version=2, created_at=NOW, updated_at=NOW)
    return {"murni": murni, "rev": rev, "ind": ind, "rind": rind, "gone": gone, "keg": keg, "rkeg": rkeg}


def _rows(conn, table: str, columns: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(f"SELECT id, {columns} FROM {table} ORDER BY id"))]


def test_upgrade_keeps_every_realisation_evidence_and_narrative(old_engine):
    _upgrade(old_engine, "0004")
    with old_engine.begin() as conn:
        ids = _build_old_data(conn)
        before = {t: _rows(conn, t, c) for t, c in (
            ("realization", "indicator_id, period, value, note"), ("evidence", "indicator_id, period, filename, url"),
            ("narrative", "indicator_id, period, faktor_pendorong, faktor_penghambat"),
            ("follow_up", "indicator_id, period, action"), ("budget_realization", "node_budget_id, period, amount"))}

    _upgrade(old_engine, "head")

    with old_engine.connect() as conn:
        key = dict(conn.execute(text("SELECT id, key FROM indicator")).all())
        after = {t: _rows(conn, t, c + ", indicator_key" if t != "budget_realization" else c)
                 for t, c in (("realization", "indicator_id, period, value, note"),
                              ("evidence", "indicator_id, period, filename, url"),
                              ("narrative", "indicator_id, period, faktor_pendorong, faktor_penghambat"),
                              ("follow_up", "indicator_id, period, action"),
                              ("budget_realization", "node_budget_id, period, amount"))}
        assert key[ids["ind"]] == key[ids["rind"]] != key[ids["gone"]]
        plan_keys = set(conn.execute(text("SELECT key FROM plan")).scalars())
        assert len(plan_keys) == 1
        lock_key = conn.execute(text("SELECT plan_key FROM period_lock")).scalar_one()
        budget_key = conn.execute(text("SELECT node_key FROM node_budget")).scalar_one()
        node_keys = dict(conn.execute(text("SELECT id, key FROM plan_node")).all())
        sheet_key = conn.execute(text("SELECT node_key FROM worksheet")).scalar_one()
    assert lock_key in plan_keys
    assert budget_key == node_keys[ids["keg"]] == node_keys[ids["rkeg"]] == sheet_key

    # Evidence, narratives, follow-ups and budget amounts: every row, unchanged, now keyed by lineage.
    for table in ("evidence", "narrative", "follow_up"):
        assert [r[:-1] for r in after[table]] == before[table]
        assert all(r[-1] == key[r[1]] for r in after[table])
    assert [(i, b, p, float(a)) for i, b, p, a in after["budget_realization"]] == [
        (i, b, p, float(a)) for i, b, p, a in before["budget_realization"]]
    # Realisations: each one kept, except the cell reported twice, which keeps the newest value and
    # carries the older one in its note.
    kept = {r[0]: r for r in after["realization"]}
    for rid, iid, period, value, note in before["realization"]:
        if (iid, period) == (ids["ind"], "TW2"):
            assert rid not in kept
            continue
        if iid == ids["rind"]:
            continue  # the merged cell, checked below
        assert kept[rid][:5] == (rid, iid, period, value, note) and kept[rid][5] == key[iid]
    merged = next(r for r in after["realization"] if r[1] == ids["rind"])
    assert merged[3] == 31 and "diisi ulang" in merged[4] and "30" in merged[4] and "catatan TW2" in merged[4]

    # Through the services: the Perubahan shows the murni's reports; the removed indicator keeps its own.
    with acting.act_as(Session(old_engine, expire_on_commit=False), acting.SYSTEM) as s:
        rev = plans.get_plan(s, ids["rev"])
        row = next(r for r in mon.progress_for_plan(s, rev, 2026, "TW2", Settings()).rows)
        assert [c.realization.value for c in row.cells[:2]] == [20, 31]
        assert row.cells[0].closed and row.cells[0].evidence == 1 and row.cells[1].evidence == 2
        murni = mon.progress_for_plan(s, plans.get_plan(s, ids["murni"]), 2026, "TW2", Settings())
        gone = next(r for r in murni.rows if r.indicator.id == ids["gone"])
        assert [c.realization.value for c in gone.cells[:2]] == [5, 6]
        detail = mon.period_detail(s, plans.get_indicator(s, ids["rind"]), 2026, "TW1")
        assert detail.narrative.faktor_pendorong == "Mitra aktif" and detail.follow_ups[0].action == "Layanan keliling"
