"""Principals and settings kept across requests behind the directory stamp (issue 12): every write to an
organisation, a membership or an organisation's settings is seen by the next read, and nothing computed
from a transaction's own uncommitted writes is kept."""
from __future__ import annotations

from sqlmodel import Session

from planner.calc import Settings
from planner.models import Membership, User
from planner.models.settings import SettingsIn
from planner.permissions import principal_for
from planner.services import accounts, directory, orgs, plan_memo, settings as org_settings

DEFAULT = Settings(lower_is_better_formula="2T-R", tolerance=15.0, rollup_cap=None, source="bawaan instalasi")


def _principal(engine, user_id: int):
    with Session(engine) as fresh:
        return principal_for(fresh, fresh.get(User, user_id))


def test_a_new_membership_is_in_the_next_principal(s, engine, org, make_org, make_user):
    other = make_org("DINKES", "Dinas Kesehatan")
    user = make_user("ani", "penyusun", org)
    first = _principal(engine, user.id)
    assert first.readable_orgs == {org.id} and plan_memo.size() == 1  # kept: no directory write pending
    assert _principal(engine, user.id).scopes == first.scopes
    accounts.add_membership(s, user, "reviewer", other.id)
    s.commit()
    assert _principal(engine, user.id).roles_at(other.id) == {"reviewer"}


def test_a_new_unit_under_a_member_s_unit_is_in_the_next_principal(s, engine, org, make_org, make_user):
    user = make_user("ani", "penyusun", org)
    assert _principal(engine, user.id).readable_orgs == {org.id}
    child = make_org("UPT", "UPT Pendapatan", parent=org)
    assert _principal(engine, user.id).readable_orgs == {org.id, child.id}


def test_a_caller_changing_the_scopes_changes_only_its_own_copy(engine, org, make_user):
    user = make_user("ani", "penyusun", org)
    _principal(engine, user.id).scopes["penyusun"].add(-1)
    assert _principal(engine, user.id).scopes["penyusun"] == {org.id}


def test_a_transaction_that_wrote_the_directory_neither_keeps_nor_reads_the_kept_value(engine, org, make_org,
                                                                                      make_user):
    other = make_org("DINKES", "Dinas Kesehatan")
    user = make_user("ani", "penyusun", org)
    assert _principal(engine, user.id).readable_orgs == {org.id}
    with Session(engine) as writer:
        accounts.add_membership(writer, writer.get(User, user.id), "penyusun", other.id)
        writer.flush()
        assert principal_for(writer, writer.get(User, user.id)).readable_orgs == {org.id, other.id}
        writer.rollback()
    assert _principal(engine, user.id).readable_orgs == {org.id}


def test_an_unflushed_change_is_seen(engine, org, make_org, make_user):
    user = make_user("ani", "penyusun", org)
    assert _principal(engine, user.id).readable_orgs == {org.id}
    with Session(engine) as writer:
        member = writer.get(User, user.id)
        writer.add(Membership(user_id=user.id, organization_id=make_org("X", "X").id, role="penyusun"))
        assert len(principal_for(writer, member).readable_orgs) == 2


def test_changed_settings_are_in_the_next_read(s, engine, org, make_user, make_renja):
    plan = make_renja(org)

    def tolerance() -> float:
        with Session(engine) as fresh:
            return org_settings.for_plan(fresh, fresh.get(type(plan), plan.id), DEFAULT).tolerance
    assert tolerance() == tolerance() == 15.0
    org_settings.save(s, orgs.get(s, org.id), SettingsIn(lower_is_better_formula="2T-R", tolerance=5,
                                                         rollup_cap=None, coverage_threshold=80))
    s.commit()
    assert tolerance() == 5.0


def test_a_database_without_the_stamp_keeps_nothing(s, engine, org, make_user):
    user = make_user("ani", "penyusun", org)
    s.exec(directory.PlanStamp.__table__.delete())  # a restored archive from before the stamp
    s.commit()
    plan_memo.clear()
    _principal(engine, user.id)
    assert plan_memo.size() == 0
