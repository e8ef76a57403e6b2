"""``bulk_rows``: ids reserved before a bulk write stay the write's own (SQLite: checked under the write lock)."""
from __future__ import annotations

import sqlite3

import pytest
from sqlmodel import Session

from planner import migrate
from planner.db import make_engine
from planner.models import Organization
from planner.services import acting, bulk_rows, orgs


def test_sqlite_ids_taken_meanwhile_are_reserved_again_under_the_lock(tmp_path):
    path = tmp_path / "planner.sqlite"
    eng = make_engine(f"sqlite:///{path}")
    migrate.upgrade(eng)
    table = Organization.__table__
    with Session(eng) as s:
        ids = bulk_rows.reserve(s, {table: 3})
        assert ids == {"organization": [1, 2, 3]}
        with acting.act_as(Session(eng), acting.SYSTEM) as other:  # another user creates a unit meanwhile
            orgs.create(other, "DINKES", "Dinas Kesehatan", "perangkat_daerah")
            other.commit()
        assert not bulk_rows.confirm(s, ids, [table])
        assert bulk_rows.reserve(s, {table: 3}) == {"organization": [2, 3, 4]}
        # confirm took the write lock: from here on no one else can take those ids
        con = sqlite3.connect(path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            con.execute("BEGIN IMMEDIATE")
        con.close()
        s.rollback()
    eng.dispose()
