"""A Renja derived from a Renstra or from last year's Renja: the copies (one bulk pass, every target checked
as a single edit checks it) and the cascade that shows which sasaran this year's programs serve."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from sqlmodel import Session, select

from planner import periods
from planner.errors import Invalid
from planner.models import Indicator, NodeObjective, Organization, Plan, PlanNode, Scheme, Target
from planner.models.plan import IndicatorCreate, PlanCreate, TargetIn
from planner.services import plans
from planner.services.plan_tree import Tree, TreeNode, load_tree


def targets_in(tree: Tree, ind: Indicator) -> list[TargetIn]:
    """An indicator's targets as input cells, for copying."""
    return [TargetIn(year=t.year, period=t.period, value=t.value, lower=t.lower, upper=t.upper, text=t.text)
            for t in tree.targets.get(ind.id, [])]


def clone_nodes(s: Session, src_nodes: list[TreeNode], dest: Plan, parent_id: int | None, serves_id: int | None,
                target_fn: Callable[[Indicator], list[TargetIn]], keep_pagu: bool = False,
                version_of: Tree | None = None) -> None:
    """Copy nodes with their objectives and indicators into ``dest``; ``source_id`` points at the copied row.

    A new version of the same plan (``version_of``: the tree copied) keeps every lineage key, so the
    monitoring data follows; a copy into another plan (next year's Renja) starts new lineages. Rows are
    written in bulk: one flush per tree level for the nodes, then one each for the objectives, the
    indicators and the targets (every target still checked as a single edit checks it)."""
    _copy_levels(s, [(pos, tn, parent_id, serves_id) for pos, tn in enumerate(src_nodes)], dest, target_fn,
                 keep_pagu, version_of)


def _copy_levels(s: Session, level: list[tuple[int, TreeNode, int | None, int | None]], dest: Plan,
                 target_fn: Callable[[Indicator], list[TargetIn]], keep_pagu: bool, version_of: Tree | None) -> None:
    """``clone_nodes`` from a first level of (position, node, new parent id, serves id)."""
    copied: list[tuple[TreeNode, PlanNode]] = []
    while level:
        made = [(tn, _node_copy(tn.node, dest, parent, serves, pos, keep_pagu, version_of))
                for pos, tn, parent, serves in level]
        s.add_all([node for _, node in made])
        s.flush()
        copied += made
        level = [(pos, child, node.id, None) for tn, node in made for pos, child in enumerate(tn.children)]
    objectives = [(o, NodeObjective(node_id=node.id, text=o.text, position=o.position))
                  for tn, node in copied for o in tn.objectives]
    s.add_all([new for _, new in objectives])
    s.flush()
    objective_map = {o.id: new.id for o, new in objectives}
    indicators, targets = [], []
    for tn, node in copied:
        for ind in tn.indicators:
            data = ind.model_dump(include=set(IndicatorCreate.model_fields) - {"targets", "objective_id"})
            new = Indicator.model_validate(data, update={"plan_id": dest.id, "node_id": node.id,
                                                          "position": ind.position, "source_id": ind.id,
                                                          "objective_id": objective_map.get(ind.objective_id)})
            keys = None
            if version_of is not None:
                new.key = ind.key
                keys = {(t.year, t.period): t.key for t in version_of.targets.get(ind.id, [])}
            # Checked before the flush: a new indicator has no stored targets to consult.
            targets.append((new, list(plans.target_rows(s, new, dest, target_fn(ind), keys, stored=False).values())))
            indicators.append(new)
    s.add_all(indicators)
    s.flush()
    for new, rows in targets:
        for row in rows:
            row.indicator_id = new.id
        s.add_all(rows)
    s.flush()


def _node_copy(src: PlanNode, dest: Plan, parent_id: int | None, serves_id: int | None, position: int,
               keep_pagu: bool, version_of: Tree | None) -> PlanNode:
    node = PlanNode(plan_id=dest.id, parent_id=parent_id, kind=src.kind, code=src.code, name=src.name,
                    position=position, activity_type=src.activity_type, unit_in_charge=src.unit_in_charge,
                    location=src.location, funding_source=src.funding_source, description=src.description,
                    serves_id=serves_id if serves_id is not None else src.serves_id, source_id=src.id,
                    supports_id=src.supports_id, pagu=src.pagu if keep_pagu else None)  # a new year starts without pagu
    if version_of is not None:
        node.key = src.key
    return node


def renja_from_renstra(s: Session, renstra: Plan, year: int, name: str | None = None) -> Plan:
    """Next year's Renja from the Renstra: its programs and activities, with that year's targets.

    Tujuan and sasaran stay in the Renstra; each copied program serves the sasaran it sat under."""
    if not renstra.first_year <= year <= renstra.last_year:
        raise Invalid(f"Tahun {year} di luar periode Renstra {renstra.period_label}.", field="year")
    org = s.get(Organization, renstra.organization_id)
    scheme_key = _scheme_key(s, renstra)
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme=scheme_key, year=year,
                                     renstra_id=renstra.id, name=name or f"Rencana Kerja {org.name} Tahun {year}"))
    tree = load_tree(s, renstra)

    def year_targets(ind: Indicator) -> list[TargetIn]:
        t = tree.target_map(ind.id).get((year, periods.ANNUAL))
        return [TargetIn(year=year, period="Y", value=t.value, lower=t.lower, upper=t.upper, text=t.text)] if t else []

    roots = []  # every operational node right under a strategic one, serving it: copied in one bulk pass
    for tn in tree.walk():
        if tn.level is not None and tn.level.strategic:
            operational = [c for c in tn.children if c.level is not None and not c.level.strategic]
            roots += [(pos, c, None, tn.node.id) for pos, c in enumerate(operational)]
    _copy_levels(s, roots, plan, year_targets, False, None)
    return plan


def renja_from_previous(s: Session, previous: Plan, year: int, name: str | None = None) -> Plan:
    """Next year's Renja carrying last year's structure and indicator metadata; targets start empty."""
    if previous.kind != "renja":
        raise Invalid("Sumber harus sebuah Renja.", field="source")
    org = s.get(Organization, previous.organization_id)
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme=_scheme_key(s, previous),
                                     year=year, name=name or f"Rencana Kerja {org.name} Tahun {year}"))
    tree = load_tree(s, previous)
    clone_nodes(s, tree.roots, plan, None, None, lambda ind: [])
    if plan.renstra_id != previous.renstra_id:  # the sasaran served belong to another Renstra now
        for n in s.exec(select(PlanNode).where(PlanNode.plan_id == plan.id)):
            n.serves_id = None
    s.flush()
    return plan


def _scheme_key(s: Session, plan: Plan) -> str:
    return s.get(Scheme, plan.scheme_id).key


# ---------------------------------------------------------------- the Renstra -> Renja cascade

@dataclass
class CascadeRow:
    """One Renstra sasaran strategis: its IKU with this year's target, and the Renja nodes serving it."""

    sasaran: PlanNode
    indicators: list[tuple[Indicator, Target | None]]
    serving: list[PlanNode]


def served_nodes(s: Session, renstra: Tree, renja: Tree) -> dict[int, PlanNode]:
    """What each ``serves_id`` of the Renja points at in this version of its Renstra.

    A Renja node keeps the id of the sasaran it was linked to, in whichever Renstra version was in
    force then; the sasaran's lineage key finds it in a later Perubahan (one statement)."""
    ids = {tn.node.serves_id for tn in renja.walk() if tn.node.serves_id}
    if not ids:
        return {}
    by_key = {tn.node.key: tn.node for tn in renstra.walk()}
    rows = s.exec(select(PlanNode.id, PlanNode.key).where(PlanNode.id.in_(ids))).all()
    return {nid: by_key[key] for nid, key in rows if key in by_key}


def cascade(renstra: Tree, renja: Tree, served: dict[int, PlanNode] | None = None
            ) -> tuple[list[CascadeRow], list[PlanNode]]:
    """Step 1 of drafting a Renja (module BAB III.A.4): which sasaran this year's programs serve.

    Returns a row per sasaran (a sasaran nothing serves is a gap to fix) and the Renja programs
    that serve no sasaran at all. ``served`` (``served_nodes``) maps links made to another version."""
    year = renja.plan.first_year
    serving: dict[int, list[PlanNode]] = defaultdict(list)
    for tn in renja.walk():
        if tn.node.serves_id:
            target = (served or {}).get(tn.node.serves_id)
            serving[target.id if target is not None else tn.node.serves_id].append(tn.node)
    rows = [CascadeRow(sasaran=tn.node,
                       indicators=[(i, renstra.target_map(i.id).get((year, periods.ANNUAL))) for i in tn.indicators],
                       serving=serving.get(tn.node.id, []))
            for tn in renstra.walk() if tn.node.kind == "sasaran"]
    unlinked = [tn.node for tn in renja.roots if not tn.node.serves_id]
    return rows, unlinked
