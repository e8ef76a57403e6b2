"""The renja/renstra export is the import template: export -> import into an empty database rebuilds the
same plan, and import -> export -> import changes nothing."""
from __future__ import annotations

from planner.models import Plan
from planner.models.plan import IndicatorUpdate
from planner.services import exports, indicative_pagu, orgs, plans
from planner.permissions import principal_for
from planner.services import accounts
from tests.conftest import PASSWORD
from tests.excel.conftest import run_import


def snapshot(s, plan: Plan) -> dict:
    """Everything the round trip promises: codes, names, indicators with metadata, targets, pagu."""
    tree = plans.load_tree(s, plan)
    yearly = indicative_pagu.for_plan(s, plan)
    out = {"plan": (plan.kind, plan.first_year, plan.last_year, plan.name)}
    for tn in tree.walk():
        n = tn.node
        parent = tree.by_id[n.parent_id].node.code if n.parent_id else None
        out[n.code] = (n.kind, n.name, parent, n.pagu, n.location, n.funding_source, n.unit_in_charge,
                       n.activity_type, [o.text for o in tn.objectives],
                       sorted((y, str(a)) for y, a in yearly.get(n.id, {}).items()))
        for ind in tn.indicators:
            # key: the lineage id, generated anew for a plan built by the import
            meta = ind.model_dump(exclude={"id", "key", "plan_id", "node_id", "objective_id", "source_id", "version",
                                           "position"})
            targets = sorted((t.year, t.period, t.value, t.lower, t.upper, t.text) for t in tree.targets.get(ind.id, []))
            out[(n.code, ind.code or ind.name)] = (meta, targets)
    return out


def test_export_then_import_into_an_empty_database_gives_the_same_plan(s, org, full_plan, empty_db):
    renstra, renja = full_plan
    inflation = next(i for tn in plans.load_tree(s, renja).walk() for i in tn.indicators if i.code == "IK-R")
    plans.update_indicator(s, inflation, IndicatorUpdate(valid_min=-5, valid_max=25))  # its own plausible range
    s.commit()
    files = {p.kind: exports.workbook(s, p, p.kind) for p in (renstra, renja)}
    before = {p.kind: snapshot(s, p) for p in (renstra, renja)}

    empty_db()
    unit = orgs.create(s, "BAPENDA", "Badan Pendapatan Daerah", "perangkat_daerah")
    user = accounts.create_user(s, "ani", PASSWORD)
    accounts.add_membership(s, user, "penyusun", unit.id)
    s.commit()
    p = principal_for(s, user)
    for kind in ("renstra", "renja"):
        out = run_import(s, p, files[kind], unit)
        assert out.ok, [str(e) for e in out.errors]
        assert out.total("created") > 0 and out.total("updated") == 0
    for kind in ("renstra", "renja"):
        plan = s.exec(plans.select(Plan).where(Plan.kind == kind)).one()
        assert snapshot(s, plan) == before[kind]
    renja2 = s.exec(plans.select(Plan).where(Plan.kind == "renja")).one()
    assert renja2.renstra_id is not None  # the Renja found its Renstra again, and served sasaran are linked
    assert any(tn.node.serves_id for tn in plans.load_tree(s, renja2).walk())


def test_import_export_import_changes_nothing(s, org, full_plan, as_admin):
    _, renja = full_plan
    first = exports.workbook(s, renja, "renja")
    again = run_import(s, as_admin, first, org)
    assert again.ok and again.total("created") == 0 and again.total("updated") == 0
    assert again.total("unchanged") > 0
    second = exports.workbook(s, renja, "renja")
    out = run_import(s, as_admin, second, org)
    assert out.ok and (out.total("created"), out.total("updated")) == (0, 0)
