"""A Renja derived from a Renstra or from last year's Renja: the copies (one bulk pass, every target checked
as a single edit checks it) and the cascade that shows which sasaran this year's programs serve."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import Row
from sqlmodel import Session, select

from planner import periods
from planner.errors import Invalid
from planner.models import (Indicator, NodeObjective, Organization, Plan, PlanNode, Scheme, SchemeLevel,
                            Target)
from planner.models.base import new_keys
from planner.models.plan import PlanCreate, TargetIn
from planner.services import bulk_rows, plan_stamps, plans
from planner.services.plan_bulk import target_values
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
    monitoring data follows; a copy into another plan (next year's Renja) starts new lineages. Every target
    is checked as a single edit checks it; then all rows and their audit entries are prepared and written in
    one statement per table (``bulk_rows``)."""
    _copy_levels(s, [(pos, tn, parent_id, serves_id) for pos, tn in enumerate(src_nodes)], dest, target_fn,
                 keep_pagu, version_of)


def _copy_levels(s: Session, level: list[tuple[int, TreeNode, int | None, int | None]], dest: Plan,
                 target_fn: Callable[[Indicator], list[TargetIn]], keep_pagu: bool, version_of: Tree | None) -> None:
    """``clone_nodes`` from a first level of (position, node, new parent id, serves id)."""
    nodes: list[tuple[int, TreeNode, int | None, int | None, int | None]] = []  # + the parent's index in ``nodes``
    todo = [(pos, tn, parent, None, serves) for pos, tn, parent, serves in level]
    while todo:  # level by level: a parent comes before its children
        first = len(nodes)
        nodes += todo
        todo = [(pos, child, None, first + i, None) for i, (_, tn, _, _, _) in enumerate(todo)
                for pos, child in enumerate(tn.children)]
    objectives = [o for _, tn, _, _, _ in nodes for o in tn.objectives]
    indicators = [(i, ind) for i, (_, tn, _, _, _) in enumerate(nodes) for ind in tn.indicators]
    targets = []  # (index in ``indicators``, checked cell): checked before anything is written
    for k, (_, ind) in enumerate(indicators):
        keys = {(t.year, t.period): t.key for t in version_of.targets.get(ind.id, [])} if version_of else None
        targets += [(k, c) for c in plans.target_cells(s, ind, dest, target_fn(ind), keys, stored=False).values()]

    def build(ids: bulk_rows.Ids) -> bulk_rows.Rows:
        node_ids, objective_ids = ids["plan_node"], ids["node_objective"]
        keys = iter(new_keys((0 if version_of is not None else len(nodes) + len(indicators))
                             + sum("key" not in c for _, c in targets)))  # every new lineage key, in one draw
        node_values = _values_of(nodes[0][1].node) if nodes else None
        node_rows = []
        for i, (pos, tn, parent, parent_at, serves) in enumerate(nodes):
            row = node_values(tn.node)
            row.update(id=node_ids[i], plan_id=dest.id, source_id=tn.node.id, position=pos, version=1,
                       parent_id=node_ids[parent_at] if parent_at is not None else parent,
                       serves_id=serves if serves is not None else tn.node.serves_id,
                       key=tn.node.key if version_of is not None else next(keys))
            if not keep_pagu:
                row["pagu"] = None  # a new year starts without pagu
            node_rows.append(row)
        new_node = {tn.node.id: node_ids[i] for i, (_, tn, _, _, _) in enumerate(nodes)}
        new_objective = {o.id: oid for o, oid in zip(objectives, objective_ids)}
        objective_values = _values_of(objectives[0]) if objectives else None
        objective_rows = [{**objective_values(o), "id": oid, "node_id": new_node[o.node_id]}
                          for o, oid in zip(objectives, objective_ids)]
        indicator_values = _values_of(indicators[0][1]) if indicators else None
        indicator_rows = [{**indicator_values(ind), "id": iid, "plan_id": dest.id, "node_id": node_ids[i],
                           "source_id": ind.id, "version": 1, "objective_id": new_objective.get(ind.objective_id),
                           "key": ind.key if version_of is not None else next(keys)}
                          for (i, ind), iid in zip(indicators, ids["indicator"])]
        target_rows = [target_values(c, tid, ids["indicator"][k], None if "key" in c else next(keys))
                       for (k, c), tid in zip(targets, ids["target"])]
        where = {r["id"]: {"indicator_id": r["id"], "node_id": r["node_id"], "plan_id": r["plan_id"]}
                 for r in indicator_rows}
        rows = bulk_rows.Rows(s)
        rows.add(PlanNode, node_rows)
        rows.add(NodeObjective, objective_rows)
        rows.add(Indicator, indicator_rows)
        rows.add(Target, target_rows, lambda row: where[row["indicator_id"]])
        return rows

    bulk_rows.write(s, {PlanNode.__table__: len(nodes), NodeObjective.__table__: len(objectives),
                        Indicator.__table__: len(indicators), Target.__table__: len(targets)}, build)
    plan_stamps.bump(s.connection(), [dest.key])  # Core writes pass the flush hook that stamps the lineage


def _values_of(first) -> Callable[[object], dict]:
    """Every column of a loaded row, as a new dict: for rows like ``first`` (ORM instances of one model, read
    from the instance's state: no attribute events; or Core ``Row``s of one statement, their names read once)."""
    if isinstance(first, Row):
        names = first._fields
        return lambda row: dict(zip(names, row))
    columns = [c.key for c in type(first).__table__.columns]

    def values(obj) -> dict:
        loaded = obj.__dict__
        return {k: loaded[k] if k in loaded else getattr(obj, k) for k in columns}
    return values


def renja_from_renstra(s: Session, renstra: Plan, year: int, name: str | None = None) -> Plan:
    """Next year's Renja from the Renstra: its programs and activities, with that year's targets.

    Tujuan and sasaran stay in the Renstra; each copied program serves the sasaran it sat under."""
    if not renstra.first_year <= year <= renstra.last_year:
        raise Invalid(f"Tahun {year} di luar periode Renstra {renstra.period_label}.", field="year")
    org = s.get(Organization, renstra.organization_id)
    scheme_key = _scheme_key(s, renstra)
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme=scheme_key, year=year,
                                     renstra_id=renstra.id, name=name or f"Rencana Kerja {org.name} Tahun {year}"))
    roots, targets = _operational_rows(s, renstra, year)

    def year_targets(ind) -> list[TargetIn]:
        t = targets.get(ind.id)  # the stored row itself: the year's annual cell, its fields those of an input
        return [t] if t is not None else []  # (year, period, value, lower, upper, text), of the input's types

    _copy_levels(s, roots, plan, year_targets, False, None)
    return plan


def _operational_rows(s: Session, renstra: Plan, year: int
                      ) -> tuple[list[tuple[int, TreeNode, None, int]], dict[int, Row]]:
    """What ``renja_from_renstra`` copies, read as plain rows (the copy only reads their values; building ORM
    objects for a whole Renstra, every year's targets included, took a third of the copy): every operational
    node right under a strategic one as (position, node, no parent, serves id), with its subtree, objectives and
    indicators (``TreeNode``s holding rows), and the year's annual target of each indicator by indicator id.
    Core statements on the session's connection: nothing pending is flushed (no write lock taken early)."""
    conn = s.connection()
    strategic = dict(conn.execute(select(SchemeLevel.kind, SchemeLevel.strategic)
                                  .where(SchemeLevel.scheme_id == renstra.scheme_id)).all())
    node_t, ind_t = PlanNode.__table__, Indicator.__table__
    nodes = conn.execute(select(node_t).where(node_t.c.plan_id == renstra.id)
                         .order_by(node_t.c.position, node_t.c.id)).all()
    by_id = {n.id: TreeNode(node=n, depth=0, level=None) for n in nodes}
    for o in conn.execute(select(NodeObjective.__table__).join(node_t, NodeObjective.node_id == node_t.c.id)
                          .where(node_t.c.plan_id == renstra.id).order_by(NodeObjective.position)):
        by_id[o.node_id].objectives.append(o)
    for ind in conn.execute(select(ind_t).where(ind_t.c.plan_id == renstra.id)
                            .order_by(ind_t.c.position, ind_t.c.id)):
        by_id[ind.node_id].indicators.append(ind)
    targets = {t.indicator_id: t for t in conn.execute(
        select(Target.__table__).join(ind_t, Target.indicator_id == ind_t.c.id)
        .where(ind_t.c.plan_id == renstra.id, Target.year == year, Target.period == periods.ANNUAL))}
    tops = []
    for n in nodes:
        parent = by_id.get(n.parent_id) if n.parent_id else None
        (parent.children if parent else tops).append(by_id[n.id])
    roots, stack = [], list(reversed(tops))
    while stack:  # in tree order, as the copy numbered them when it read the ORM tree
        tn = stack.pop()
        if strategic.get(tn.node.kind):
            operational = [c for c in tn.children if strategic.get(c.node.kind) is False]
            roots += [(pos, c, None, tn.node.id) for pos, c in enumerate(operational)]
        stack.extend(reversed(tn.children))
    return roots, targets


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
