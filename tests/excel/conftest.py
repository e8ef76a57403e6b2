"""Fixtures of the Excel import/export tests: a rich Renstra + Renja built through the services."""
from __future__ import annotations

from decimal import Decimal

import pytest

from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.permissions import principal_for
from planner.services import imports, indicative_pagu, plans
from planner.services import monitoring as mon
from tests.conftest import _truncate


@pytest.fixture
def admin(s, make_user):
    return make_user("root", "admin")


@pytest.fixture
def as_admin(s, admin):
    return principal_for(s, admin)


@pytest.fixture
def full_plan(s, org, make_renstra, make_renja):
    """A Renstra with yearly pagu and a Renja serving it, with metadata, ranges, qualitative targets,
    objectives, lokasi and sumber dana, realisation and budget."""
    renstra = make_renstra(org)
    tree = plans.load_tree(s, renstra)
    program = next(tn.node for tn in tree.walk() if tn.node.kind == "program")
    for y in renstra.years:
        indicative_pagu.set_pagu(s, program, y, Decimal(1_000_000_000 + 50_000_000 * (y - 2025)))
    renja = make_renja(org, renstra=renstra)
    rtree = plans.load_tree(s, renja)
    keg = rtree.roots[0].children[0].node
    plans.update_node(s, keg, plans.NodeUpdate(location="Kota Pontianak", funding_source="PAD",
                                               unit_in_charge="Bidang Pendapatan", activity_type="teknis",
                                               objectives=["Terdatanya wajib pajak"]))
    sasaran = next(tn.node for tn in plans.load_tree(s, renstra).walk() if tn.node.kind == "sasaran")
    plans.update_node(s, rtree.roots[0].node, plans.NodeUpdate(serves_id=sasaran.id))
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-Q", name="Opini BPK atas laporan keuangan", unit="opini", target_type="qualitative",
        frequency="annual", definition="Opini BPK", targets=[TargetIn(year=2026, period="Y", text="WTP")]))
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-R", name="Inflasi daerah terkendali", unit="%", polarity="band", target_type="range",
        frequency="semester", baseline_value=3.1, baseline_year=2024, weight=2, rationale="Stabilitas harga",
        targets=[TargetIn(year=2026, period="Y", lower=2.5, upper=4.5)]))
    s.commit()
    ind = rtree.roots[0].children[0].indicators[0]
    mon.record_realization(s, ind, 2026, "TW1", value=20)
    mon.set_budget(s, keg, 2026, 1_000_000, {"TW1": 250_000})
    s.commit()
    return renstra, renja


@pytest.fixture
def empty_db(engine, s):
    def wipe():
        s.close()
        _truncate(engine)
    return wipe


def run_import(s, principal, data, org=None, dry_run=False, filename="berkas.xlsx"):
    out = imports.import_file(s, principal, data, filename, org, dry_run=dry_run, user_id=principal.user.id)
    if out.ok and not dry_run:
        s.commit()
    else:
        s.rollback()
    return out
