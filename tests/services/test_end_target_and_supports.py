"""Issue 15: a Renstra indicator's stored end-of-period target feeds rule T03; a unit's sasaran supports its parent
organisation's sasaran, and the cross-unit cascade hangs the unit there."""
from __future__ import annotations

import pytest
from sqlmodel import select

from planner.errors import Invalid
from planner.models import Indicator, PlanNode
from planner.models.plan import IndicatorUpdate, NodeCreate, NodeUpdate
from planner.services import cascade, checks, plans


def _iku(s, plan) -> Indicator:
    return s.exec(select(Indicator).where(Indicator.plan_id == plan.id, Indicator.code == "IKU-1")).one()


def _node(s, plan, code) -> PlanNode:
    return s.exec(select(PlanNode).where(PlanNode.plan_id == plan.id, PlanNode.code == code)).one()


def test_t03_reads_the_stored_end_of_period_target(s, org, make_renstra):
    renstra = make_renstra(org)  # IKU-1: 40 … 44 a year, accumulation "last"
    ind = _iku(s, renstra)
    assert not [f for f in checks.check_plan(s, renstra).findings if f.rule == "T03"]  # nothing stored: silent
    plans.update_indicator(s, ind, IndicatorUpdate(end_target=50))
    t03 = [f for f in checks.check_plan(s, renstra).findings if f.rule == "T03"]
    assert len(t03) == 1 and t03[0].indicator_id == ind.id
    assert "target periode terakhir (44)" in t03[0].message and "tertulis 50" in t03[0].message
    plans.update_indicator(s, ind, IndicatorUpdate(end_target=44))
    assert not [f for f in checks.check_plan(s, renstra).findings if f.rule == "T03"]
    plans.update_indicator(s, ind, IndicatorUpdate(end_target=None))  # cleared again
    assert ind.end_target is None


def test_a_unit_sasaran_supports_only_a_parent_organisation_sasaran(s, org, make_org, make_renstra):
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    unit = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    higher, own, sibling = make_renstra(pemda), make_renstra(unit), make_renstra(org)  # org has no parent
    target = _node(s, higher, "SS1")
    sasaran = _node(s, own, "SS1")
    plans.update_node(s, sasaran, NodeUpdate(supports_id=target.id))
    assert sasaran.supports_id == target.id
    with pytest.raises(Invalid, match="organisasi induk"):  # Bapenda's parent is not the Pemda
        plans.update_node(s, _node(s, sibling, "SS1"), NodeUpdate(supports_id=target.id))
    with pytest.raises(Invalid, match="tujuan atau sasaran"):  # a program does not
        plans.update_node(s, _node(s, own, "5.02.02"), NodeUpdate(supports_id=target.id))
    with pytest.raises(Invalid, match="tidak ditemukan"):  # a program is no sasaran to support
        plans.update_node(s, sasaran, NodeUpdate(supports_id=_node(s, higher, "5.02.02").id))
    new = plans.create_node(s, own, NodeCreate(kind="sasaran", code="SS2", name="Sasaran kedua",
                                               parent_id=_node(s, own, "T1").id, supports_id=target.id))
    assert new.supports_id == target.id


def test_cross_unit_cascade_nests_units_under_the_sasaran_they_support(s, make_org, make_renstra):
    pemda = make_org("PEMPROV", "Pemerintah Provinsi", kind="pemda")
    dinkes = make_org("DINKES", "Dinas Kesehatan", parent=pemda)
    dishub = make_org("DISHUB", "Dinas Perhubungan", parent=pemda)
    higher = make_renstra(pemda)
    linked, unlinked = make_renstra(dinkes), make_renstra(dishub)
    target = _node(s, higher, "SS1")
    plans.update_node(s, _node(s, linked, "SS1"), NodeUpdate(supports_id=target.id))
    s.commit()

    root = cascade.for_organization(s, pemda, 2026, None).roots[0]
    pemda_sasaran = next(n for n in root.walk() if n.node_id == target.id)
    box = next(c for c in pemda_sasaran.children if c.kind == "org")
    assert box.code == "DINKES" and box.key == f"o{dinkes.id}n{target.id}"
    assert [c.node_id for c in box.children] == [_node(s, linked, "SS1").id]
    # The linked unit's emptied tujuan is not drawn again under the organisation tree; the unlinked unit is.
    assert [c.code for c in root.children if c.kind == "org"] == ["DISHUB"]
    assert _node(s, unlinked, "SS1").id in [n.node_id for n in root.children[-1].walk()]
    assert sum(1 for n in root.walk() if n.node_id == _node(s, linked, "SS1").id) == 1
    # Seen from the unit itself, its sasaran stays under it.
    own = cascade.for_organization(s, dinkes, 2026, None).roots[0]
    assert _node(s, linked, "SS1").id in [n.node_id for n in own.walk()]
    assert cascade.for_organization(s, pemda, 2026, None).as_dict()["nodes"][0]["key"] == f"o{pemda.id}"
