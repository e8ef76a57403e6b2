"""The Renja copied from a rich Renstra is, row for row and audit entry for audit entry, the one the copy wrote
before its bulk path was tuned (``plan_copy_expected.json``, recorded then): every column of every node, objective,
indicator and target, and every entry's label, context and changes, with ids and new lineage keys named by what
they are (ids by table and order of insertion or by the Renstra row they point at; new keys as "new key")."""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from planner.models import AuditEntry, Indicator, NodeObjective, PlanNode, Target
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import plan_copy, plans
from test_plan_copy import add_range_and_qualitative

EXPECTED = Path(__file__).with_name("plan_copy_expected.json")
YEARS = range(2025, 2030)
TABLES = {"plan_node": PlanNode, "node_objective": NodeObjective, "indicator": Indicator, "target": Target}
REFERS = {"id": None, "plan_id": "plan", "node_id": "plan_node", "parent_id": "plan_node", "serves_id": "plan_node",
          "supports_id": "plan_node", "indicator_id": "indicator", "objective_id": "node_objective",
          "renstra_id": "plan", "organization_id": "organization", "scheme_id": "scheme"}
OBJECT_TABLE = {"plan": "plan", "node": "plan_node", "objective": "node_objective", "indicator": "indicator",
                "target": "target"}
KEY = re.compile(r"^[0-9a-f]{32}$")


def _rich_renstra(s, org, make_renstra):
    """Two sasaran; programs and kegiatan with pagu, texts (tabs, line breaks, backslashes, quotes: what COPY
    escapes) and objectives; indicators of every target type with their metadata (baseline, weight, range of
    plausible values, objective served); one indicator without a target for the copied year."""
    plan = make_renstra(org)
    tree = plans.load_tree(s, plan)
    tujuan = next(tn.node for tn in tree.walk() if tn.node.kind == "tujuan")
    program = next(tn.node for tn in tree.walk() if tn.node.kind == "program")
    keg = plans.create_node(s, plan, NodeCreate(
        kind="kegiatan", code="5.02.02.2.01", parent_id=program.id, name="Pengelolaan Pajak Daerah",
        unit_in_charge="Bidang Pajak", location="Kota", pagu=Decimal("1250000.50"), funding_source="PAD",
        description="Pemungutan pajak\tdaerah\nbaris \\N kedua \"kutip\" ≥ ½", objectives=["Meningkatnya kepatuhan wajib pajak", "Tertibnya data"]))
    second = s.exec(select(NodeObjective).where(NodeObjective.node_id == keg.id,
                                                NodeObjective.text == "Tertibnya data")).scalars().one()
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-N", name="Jumlah wajib pajak terdaftar", level="output", unit="orang", accumulation="sum",
        frequency="quarterly", baseline_value=1250.5, baseline_year=2024, weight=2.5, ratio_factor=1000,
        valid_min=0, valid_max=100000, definition="Wajib pajak baru\r\n(\\ tab\t)", formula="jumlah", data_source="SIMPAD",
        rationale="Basis pajak", responsible="Kabid", polarity="higher_is_better",
        targets=[TargetIn(year=y, value=1300.25 + 10 * (y - 2025)) for y in YEARS]))
    add_range_and_qualitative(s, keg, second.id)
    plans.create_indicator(s, keg, IndicatorCreate(
        code="IK-L", name="Tunggakan pajak", level="output", unit="%", polarity="lower_is_better",
        accumulation="last", targets=[TargetIn(year=y, value=10 - y + 2025) for y in YEARS if y != 2027]))
    sasaran2 = plans.create_node(s, plan, NodeCreate(kind="sasaran", code="SS2", parent_id=tujuan.id,
                                                     name="Meningkatnya kualitas belanja"))
    program2 = plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.01", parent_id=sasaran2.id,
                                                     name="Program Pengelolaan Keuangan Daerah",
                                                     objectives=["Tertibnya pengelolaan keuangan"]))
    plans.create_indicator(s, program2, IndicatorCreate(
        code="IKP-2", name="Opini BPK", level="outcome", unit="opini", target_type="qualitative",
        accumulation="last", targets=[TargetIn(year=y, text="WTP") for y in YEARS]))
    for code in ("5.02.01.2.01", "5.02.01.2.02"):
        plans.create_node(s, plan, NodeCreate(kind="kegiatan", code=code, parent_id=program2.id,
                                              name=f"Kegiatan {code}"))
    s.commit()
    return plan


def _snapshot(s, renstra, renja, first_entry: int) -> dict:
    """The copy's rows and entries with ids named: new rows by table and insertion order, Renstra rows by table
    and their own order."""
    names: dict[str, dict[int, str]] = {"plan": {renstra.id: "renstra", renja.id: "renja"},
                                        "organization": {renstra.organization_id: "the unit"},
                                        "scheme": {renstra.scheme_id: "the Renstra's scheme"}}
    rows: dict[str, list[dict]] = {}
    nodes = select(PlanNode.id).where(PlanNode.plan_id == renja.id)
    indicators = select(Indicator.id).where(Indicator.plan_id == renja.id)
    of_copy = {"plan_node": PlanNode.plan_id == renja.id, "node_objective": NodeObjective.node_id.in_(nodes),
               "indicator": Indicator.plan_id == renja.id, "target": Target.indicator_id.in_(indicators)}
    for name, cls in TABLES.items():
        table = cls.__table__
        new = s.connection().execute(select(table).where(of_copy[name]).order_by(table.c.id)).mappings().all()
        names[name] = {r["id"]: f"new {name} {i}" for i, r in enumerate(new)}
        rows[name] = [dict(r) for r in new]
    for name in ("plan_node", "indicator"):
        cls = TABLES[name]
        old = s.connection().execute(select(cls.__table__.c.id).where(cls.__table__.c.plan_id == renstra.id)
                                     .order_by(cls.__table__.c.id)).scalars().all()
        names[name].update({i: f"renstra {name} {n}" for n, i in enumerate(old)})

    def named(table: str, column: str, value):
        if column == "key":
            assert KEY.match(value)
            return "new key"
        if column == "source_id":
            return names[table].get(value, value)
        if column in REFERS and value is not None:
            return names[REFERS[column] or table].get(value, f"other {value}")
        return value

    out = {name: [{k: named(name, k, v if not isinstance(v, Decimal) else str(v)) for k, v in r.items()
                   if k not in ("created_at", "updated_at")} for r in table_rows]
           for name, table_rows in rows.items()}
    entries = s.connection().execute(select(AuditEntry.__table__).where(AuditEntry.id >= first_entry)
                                     .order_by(AuditEntry.id)).mappings().all()
    out["audit_entry"] = [
        {"action": e["action"], "object_type": e["object_type"], "label": e["label"], "note": e["note"],
         "username": e["username"], "object": named(OBJECT_TABLE[e["object_type"]], "id", e["object_id"]),
         **{k: named("", k, e[k]) for k in ("plan_id", "node_id", "indicator_id")},
         "changes": {k: [old, named(OBJECT_TABLE[e["object_type"]], k, new)] for k, (old, new) in
                     sorted(e["changes"].items())}}
        for e in entries]
    assert len({r["key"] for name in ("plan_node", "indicator", "target") for r in rows[name]}) == sum(
        len(rows[name]) for name in ("plan_node", "indicator", "target"))  # every new lineage key is its own
    return out


def test_the_copy_writes_what_it_wrote_before_tuning(s, org, make_renstra):
    renstra = _rich_renstra(s, org, make_renstra)
    first_entry = (s.connection().execute(select(AuditEntry.id).order_by(AuditEntry.id.desc())).scalar() or 0) + 1
    renja = plan_copy.renja_from_renstra(s, renstra, 2027)
    s.commit()
    got = json.loads(json.dumps(_snapshot(s, renstra, renja, first_entry)))
    assert got == json.loads(EXPECTED.read_text())
