"""Rows a web request reads once (``services.session_reads``, issue 12) are never stale: a write in the same
session, flushed or not, an ORM bulk statement and another transaction's commit are all seen."""
from __future__ import annotations

import pytest
from sqlmodel import Session, update

from planner.errors import Conflict, Invalid
from planner.models import Organization, PeriodLock
from planner.services import acting, orgs, ranges, session_reads
from planner.services import monitoring as mon
from planner.services import plans

YEAR = 2026


@pytest.fixture
def shared(s):
    """The test's session sharing its reads, as a web request's does."""
    return session_reads.enable(s)


def _output(s, plan):
    return plans.load_tree(s, plan).roots[0].children[0].indicators[0]


def test_the_organisation_tree_is_read_once_and_sees_the_sessions_own_changes(shared, org, make_org,
                                                                            count_queries, engine):
    s = shared
    with count_queries(engine) as counter:
        first = orgs.all_orgs(s)
        assert orgs.all_orgs(s, sandboxes=True) == first and orgs.get(s, org.id) is org
    assert counter.count == 1
    unit = make_org("UPT", "UPT Baru", parent=org)  # flushed
    assert unit in orgs.all_orgs(s)
    unit.sandbox = True  # not flushed yet
    assert unit not in orgs.all_orgs(s) and unit in orgs.all_orgs(s, sandboxes=True)
    s.add(Organization(code="BARU", name="Belum disimpan", kind="opd", parent_id=org.id))
    assert "BARU" in {o.code for o in orgs.all_orgs(s)}


def test_closed_periods_are_read_once_and_a_closing_is_seen_by_the_next_write(shared, renja, count_queries,
                                                                              engine):
    s = shared
    ind = _output(s, renja)
    mon.record_realization(s, ind, YEAR, "TW1", value=5)
    with count_queries(engine) as counter:
        assert mon.closed_locks(s, renja, YEAR) == [] and mon.closed_locks(s, renja, YEAR) == []
    assert counter.count == 0  # kept from the write's own check
    mon.close_period(s, renja, YEAR, "TW1")
    with pytest.raises(Conflict):
        mon.record_realization(s, ind, YEAR, "TW1", value=6)
    s.execute(update(PeriodLock).values(closed=False))  # an ORM bulk statement
    assert mon.closed_locks(s, renja, YEAR) == []
    mon.record_realization(s, ind, YEAR, "TW1", value=6)


def test_another_transactions_commit_is_seen_after_the_sessions_own_transaction_ends(shared, renja, engine):
    s = shared
    assert mon.closed_locks(s, renja, YEAR) == []
    s.commit()
    with Session(engine) as other:
        acting.act_as(other, acting.SYSTEM)
        mon.close_period(other, other.get(type(renja), renja.id), YEAR, "TW2")
        other.commit()
    assert [lk.period for lk in mon.closed_locks(s, renja, YEAR)] == ["TW2"]


def test_an_indicators_targets_are_read_once_and_a_changed_target_counts(shared, renja, count_queries, engine):
    s = shared
    ind = _output(s, renja)
    with count_queries(engine) as counter:
        targets = ranges.stored_targets(s, ind)
        assert ranges.stored_targets(s, ind) is targets and not ranges.negatives_planned(s, ind)
    assert counter.count == 1
    with pytest.raises(Invalid, match="negatif"):
        mon.record_realization(s, ind, YEAR, "TW1", value=-3)
    targets[0].value = -5  # not flushed: the range of the next value sees it
    assert ranges.negatives_planned(s, ind)
    assert mon.record_realization(s, ind, YEAR, "TW1", value=-3).value == -3


def test_a_saved_cells_year_answers_its_row_without_reading_it_again_and_holds_every_write(shared, renja,
                                                                                         count_queries, engine):
    s = shared
    ind = _output(s, renja)
    node = plans.get_node(s, ind.node_id)  # held, as a web request holds it (read with its indicator)
    settings = mon.settings_from_config({})

    def values() -> dict:
        row = mon.achievement_for_indicator(s, ind, YEAR, "TW4", settings)
        return {c.period: c.realization.value for c in row.cells if c.realization is not None}

    mon.record_realization(s, ind, YEAR, "TW1", value=5)  # a new row
    with count_queries(engine) as counter:
        assert values() == {"TW1": 5}
    assert counter.count == 1  # the evidence counts; the year's realisations were kept with the write
    mon.record_realization(s, ind, YEAR, "TW2", value=7)
    mon.record_realization(s, ind, YEAR, "TW1", value=6, version=1)  # an update of a kept row
    assert values() == {"TW1": 6, "TW2": 7}
    assert mon.clear_realization(s, ind, YEAR, "TW2")
    assert values() == {"TW1": 6}
    mon.verify(s, ind, YEAR, "TW1", verified=True)  # another write to the table: read again, and right
    with count_queries(engine) as counter:
        row = mon.achievement_for_indicator(s, ind, YEAR, "TW4", settings)
    assert counter.count == 2 and row.cells[0].realization.status == "verified" and row.node is node
    s.commit()
    with Session(engine) as other:  # another transaction's write is seen once this one has ended
        acting.act_as(other, acting.SYSTEM)
        mon.record_realization(other, other.get(type(ind), ind.id), YEAR, "TW3", value=9)
        other.commit()
    assert values() == {"TW1": 6, "TW3": 9}


def test_a_session_that_does_not_share_reads_every_time(s, org, count_queries, engine):
    with count_queries(engine) as counter:
        orgs.all_orgs(s)
        orgs.all_orgs(s)
    assert counter.count == 2 and session_reads.KEY not in s.info
