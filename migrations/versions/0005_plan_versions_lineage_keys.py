"""plan versions: lineage keys, monitoring rows keyed by lineage

Every version of a plan (murni, Perubahan 1, 2, ...) shares ``plan.key``; nodes, indicators and
targets copied into a revision share their source's key. Realisations, evidence, narratives,
follow-ups, node budgets, period locks and worksheets move from the version's row ids to those
keys, so a Perubahan shows what was reported before it.

The data moves without loss. Where the old model had let the same cell be reported twice (once
on the murni, once on a Perubahan), the newest entry is kept and the older value is written into
its note; two narratives of one cell are joined.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:00:00
"""
from __future__ import annotations

import uuid
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

KEY = sa.String(length=32)
SQLITE_UQ = {"uq": "uq_%(table_name)s_%(column_0_name)s"}  # names SQLite's unnamed constraints to drop them

# table -> (old unique columns, new unique columns); PostgreSQL named the old ones <table>_<cols>_key
UNIQUES = {
    "realization": (["indicator_id", "year", "period"], ["indicator_key", "year", "period"]),
    "narrative": (["indicator_id", "year", "period"], ["indicator_key", "year", "period"]),
    "node_budget": (["node_id", "year"], ["node_key", "year"]),
    "period_lock": (["plan_id", "year", "period"], ["plan_key", "year", "period"]),
}
CELL_TABLES = ("realization", "evidence", "narrative", "follow_up")


def _new() -> str:
    return uuid.uuid4().hex


def upgrade() -> None:
    for table in ("plan", "plan_node", "indicator", "target"):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("key", KEY, nullable=True))
    for table in CELL_TABLES:
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column("indicator_key", KEY, nullable=True))
    for table, column in (("node_budget", "node_key"), ("worksheet", "node_key"), ("period_lock", "plan_key")):
        with op.batch_alter_table(table) as b:
            b.add_column(sa.Column(column, KEY, nullable=True))

    conn = op.get_bind()
    _fill_keys(conn)
    _merge_duplicates(conn)
    _finish_schema(conn.dialect.name)


# ---------------------------------------------------------------- data

def _fill_keys(conn) -> None:
    plans = conn.execute(sa.text("SELECT id, organization_id, kind, first_year, revision_number FROM plan")).all()
    group_key: dict[tuple, str] = {}
    plan_key, plan_rev = {}, {}
    for pid, org, kind, first, rev in plans:
        plan_key[pid] = group_key.setdefault((org, kind, first), _new())
        plan_rev[pid] = rev
        conn.execute(sa.text("UPDATE plan SET key = :k WHERE id = :id"), {"k": plan_key[pid], "id": pid})

    _lineage(conn, "plan_node", plan_key, plan_rev)
    ind_key = _lineage(conn, "indicator", plan_key, plan_rev)
    _target_keys(conn, ind_key)

    for table in CELL_TABLES:
        conn.execute(sa.text(f"UPDATE {table} SET indicator_key = "
                             f"(SELECT key FROM indicator WHERE indicator.id = {table}.indicator_id)"))
    for table in ("node_budget", "worksheet"):
        conn.execute(sa.text(f"UPDATE {table} SET node_key = "
                             f"(SELECT key FROM plan_node WHERE plan_node.id = {table}.node_id)"))
    conn.execute(sa.text("UPDATE period_lock SET plan_key = (SELECT key FROM plan WHERE plan.id = period_lock.plan_id)"))


def _lineage(conn, table: str, plan_key: dict, plan_rev: dict) -> dict[int, str]:
    """A row copied from a row of another version of the same plan inherits its key; others get a new one."""
    rows = conn.execute(sa.text(f"SELECT id, plan_id, source_id FROM {table}")).all()
    plan_of = {rid: pid for rid, pid, _ in rows}
    keys: dict[int, str] = {}
    for rid, pid, src in sorted(rows, key=lambda r: (plan_rev[r[1]], r[0])):
        same_plan = src is not None and src in keys and plan_key[plan_of[src]] == plan_key[pid]
        keys[rid] = keys[src] if same_plan else _new()
        conn.execute(sa.text(f"UPDATE {table} SET key = :k WHERE id = :id"), {"k": keys[rid], "id": rid})
    return keys


def _target_keys(conn, ind_key: dict[int, str]) -> None:
    """A target shares the key of the target of the same indicator lineage, year and period."""
    rows = conn.execute(sa.text("SELECT id, indicator_id, year, period FROM target ORDER BY id")).all()
    seen: dict[tuple, str] = {}
    for tid, iid, year, period in rows:
        key = seen.setdefault((ind_key.get(iid), year, period), _new())
        conn.execute(sa.text("UPDATE target SET key = :k WHERE id = :id"), {"k": key, "id": tid})


def _merge_duplicates(conn) -> None:
    """Cells the old model let exist twice (murni and Perubahan) become one, nothing dropped unsaid."""
    _merge(conn, "realization", "indicator_key, year, period", "entered_at", _keep_value_in_note)
    _merge(conn, "narrative", "indicator_key, year, period", "updated_at", _join_narratives)
    _merge(conn, "node_budget", "node_key, year", "updated_at", None)
    _merge(conn, "period_lock", "plan_key, year, period", "closed_at", None)
    _merge(conn, "worksheet", "node_key", "updated_at", None)


def _merge(conn, table: str, cell: str, newest: str, fold) -> None:
    rows = conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY id")).mappings().all()
    groups = defaultdict(list)
    for r in rows:
        groups[tuple(r[c.strip()] for c in cell.split(","))].append(r)
    for group in groups.values():
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda r: (str(r[newest] or ""), r["id"]))
        keep, older = group[-1], group[:-1]
        if fold is not None:
            fold(conn, keep, older)
        for r in older:
            conn.execute(sa.text(f"DELETE FROM {table} WHERE id = :id"), {"id": r["id"]})


def _fmt(r) -> str:
    if r["achieved"] is not None:
        return "tercapai" if r["achieved"] else "tidak tercapai"
    if r["numerator"] is not None:
        return f"{r['numerator']:g}/{r['denominator']:g}"
    return "—" if r["value"] is None else f"{r['value']:g}"


def _keep_value_in_note(conn, keep, older) -> None:
    lines = [keep["note"] or ""] + [f"[Versi lain: {_fmt(r)}, dicatat {r['entered_at']}] {r['note'] or ''}".strip()
                                    for r in older]
    conn.execute(sa.text("UPDATE realization SET note = :n WHERE id = :id"),
                 {"n": "\n".join(x for x in lines if x), "id": keep["id"]})


def _join_narratives(conn, keep, older) -> None:
    joined = {}
    for col in ("faktor_pendorong", "faktor_penghambat"):
        texts = [keep[col]] + [r[col] for r in older if r[col] and r[col] != keep[col]]
        joined[col] = "\n\n".join(t for t in texts if t)
    conn.execute(sa.text("UPDATE narrative SET faktor_pendorong = :a, faktor_penghambat = :b WHERE id = :id"),
                 {"a": joined["faktor_pendorong"], "b": joined["faktor_penghambat"], "id": keep["id"]})


# ---------------------------------------------------------------- schema

def _finish_schema(dialect: str) -> None:
    sqlite = dialect == "sqlite"
    for table in ("plan", "plan_node", "indicator", "target"):
        with op.batch_alter_table(table) as b:
            b.alter_column("key", existing_type=KEY, nullable=False)
            b.create_index(f"ix_{table}_key", ["key"], unique=False)
    for table in CELL_TABLES:
        with op.batch_alter_table(table, naming_convention=SQLITE_UQ if sqlite else None) as b:
            b.alter_column("indicator_key", existing_type=KEY, nullable=False)
            if table in UNIQUES:
                _swap_unique(b, table, sqlite)
                b.create_index(f"ix_{table}_indicator_key", ["indicator_key"], unique=False)
            else:
                b.drop_index(f"ix_{table}_cell")
                b.create_index(f"ix_{table}_cell", ["indicator_key", "year", "period"], unique=False)
                b.create_index(f"ix_{table}_indicator_id", ["indicator_id"], unique=False)
    for table, column in (("node_budget", "node_key"), ("period_lock", "plan_key")):
        with op.batch_alter_table(table, naming_convention=SQLITE_UQ if sqlite else None) as b:
            b.alter_column(column, existing_type=KEY, nullable=False)
            _swap_unique(b, table, sqlite)
            b.create_index(f"ix_{table}_{column}", [column], unique=False)
    with op.batch_alter_table("worksheet") as b:
        b.alter_column("node_key", existing_type=KEY, nullable=False)
        b.create_index("ix_worksheet_node_key", ["node_key"], unique=True)


def _swap_unique(b, table: str, sqlite: bool) -> None:
    old, new = UNIQUES[table]
    b.drop_constraint(f"uq_{table}_{old[0]}" if sqlite else f"{table}_{'_'.join(old)}_key", type_="unique")
    b.create_unique_constraint(f"uq_{table}_{new[0]}", new)


def downgrade() -> None:
    raise NotImplementedError("0005 merges cells reported on two versions; restore a backup to go back.")
