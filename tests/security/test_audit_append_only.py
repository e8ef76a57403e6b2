"""The audit trail is append-only in the database itself: UPDATE and DELETE are refused by triggers."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from planner.models import AuditEntry
from planner.models.plan import PlanUpdate
from planner.services import plans


def test_update_and_delete_of_audit_entries_are_refused(s, renja, engine):
    plans.update_plan(s, renja, PlanUpdate(name="Renja diubah"))
    s.commit()
    assert s.exec(select(AuditEntry)).first() is not None
    s.rollback()  # end the read: TRUNCATE below waits for every open transaction on the table (PostgreSQL)
    for sql in ("UPDATE audit_entry SET username = 'pemalsu'", "DELETE FROM audit_entry"):
        with engine.connect() as conn:
            with pytest.raises(DBAPIError) as err:
                conn.execute(text(sql))
            assert "append-only" in str(err.value)
            conn.rollback()
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            with pytest.raises(DBAPIError):
                conn.execute(text("TRUNCATE audit_entry"))
            conn.rollback()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry WHERE username = 'pemalsu'")).scalar() == 0
