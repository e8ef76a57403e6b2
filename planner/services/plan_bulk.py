"""Creating many nodes, indicators and targets of plans at once (an import's first load of a plan).

Every rule of ``plans.create_node``, ``create_indicator`` and ``set_targets`` holds here too: the
acting user's right and the plan's editability (checked once per plan), the input models, the
scheme's levels, code formats and prefixes, unique codes, the sasaran served and supported, indicator
metadata rules and objectives, the target grid (years, periods, types, plausible ranges) and every
column's limits (the same guard a flush runs).

What differs is when the database is touched. ``add_*`` checks a row in memory and keeps it: codes and
positions come from one read per plan and from the rows already added; a row may hang under a node
or indicator added before it (or under a plan not yet written). Nothing is written until ``write``, which
prepares every row, id and audit entry first and then sends one statement per table (``bulk_rows``): on
SQLite the write lock, which other users' saves wait for, is held for the inserts alone. The written objects
stay outside the session: the importer reads their ids and codes, nothing more.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, select

from planner import guard
from planner.errors import Invalid
from planner.models import Indicator, NodeObjective, Plan, PlanNode, Target
from planner.models.base import new_key
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import bulk_rows, orgs, plan_stamps, plans


class _PlanCodes:
    """One plan's node and indicator codes and next positions, read once (nothing to read for a new plan)."""

    def __init__(self, s: Session, plan: Plan):
        self.nodes: set[str] = set()
        self.indicators: set[str] = set()
        self.node_pos: dict[int | None, int] = defaultdict(int)
        self.ind_pos: dict[int, int] = defaultdict(int)
        self.levels = orgs.scheme_levels(s, plan.scheme_id)
        if plan.id is None:
            return
        self.nodes = set(s.exec(select(PlanNode.code).where(PlanNode.plan_id == plan.id)).all())
        self.indicators = set(c for c in s.exec(select(Indicator.code).where(Indicator.plan_id == plan.id)).all() if c)
        for parent_id, top in s.exec(select(PlanNode.parent_id, func.max(PlanNode.position))
                                     .where(PlanNode.plan_id == plan.id).group_by(PlanNode.parent_id)):
            self.node_pos[parent_id] = top + 1
        for node_id, top in s.exec(select(Indicator.node_id, func.max(Indicator.position))
                                   .where(Indicator.plan_id == plan.id).group_by(Indicator.node_id)):
            self.ind_pos[node_id] = top + 1


# Rows added before their plan or parent is written carry 0 as that id until ``write`` sets it.


def _slot(obj) -> int:
    """A stored row by its id, a row added to the batch by the object itself."""
    return obj.id if obj.id is not None else -id(obj)


@dataclass
class Written:
    nodes: list[PlanNode] = field(default_factory=list)
    objectives: list[NodeObjective] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


class Batch:
    """Rows to create, checked on ``add_*`` (raising ``Invalid`` like the single-row operations), all written by
    ``write`` in the caller's transaction."""

    def __init__(self, s: Session):
        self.s = s
        self.plans: dict[int, _PlanCodes] = {}
        self.owner: dict[int, Plan] = {}  # id(added node or indicator) -> its plan
        self.nodes: list[tuple[int, PlanNode, PlanNode | None]] = []
        self.objectives: dict[int, dict[str, NodeObjective]] = {}  # id(added node) -> its objectives by text
        self.serves: dict[int, PlanNode] = {}  # id(added node) -> the added sasaran it serves
        self.indicators: list[tuple[Indicator, PlanNode, NodeObjective | None]] = []
        self.targets: list[tuple[dict, Indicator]] = []  # checked cells (plans.target_cells)

    def _plan(self, plan: Plan) -> _PlanCodes:
        if id(plan) not in self.plans:
            plans.check_edit(self.s, plan)
            self.plans[id(plan)] = _PlanCodes(self.s, plan)
        return self.plans[id(plan)]

    def _belongs(self, obj, plan: Plan) -> bool:
        return self.owner.get(id(obj)) is plan if obj.id is None else obj.plan_id == plan.id is not None

    # ------------------------------------------------------------ adding (checks, no writes)

    def add_node(self, plan: Plan, parent: PlanNode | None, data: NodeCreate,
                 serves: PlanNode | None = None) -> PlanNode:
        """``parent`` is a stored node of the plan or one added to this batch; ``serves`` a sasaran added to this
        batch that the node serves (written before it: a sasaran sits higher in the scheme)."""
        codes = self._plan(plan)
        if parent is not None and not self._belongs(parent, plan):
            raise Invalid("Induk berasal dari rencana lain.", field="parent_id")
        allowed = plans.allowed_child_levels(codes.levels, plan, parent)
        level = next((lv for lv in allowed if lv.kind == data.kind), None)
        if level is None:
            names = ", ".join(lv.label for lv in allowed) or "tidak ada (tingkat terbawah)"
            raise Invalid(f"Jenis '{data.kind}' tidak boleh di sini. Yang boleh: {names}.", field="kind")
        plans.check_code_format(level, parent, data.code)
        if data.code in codes.nodes:
            raise Invalid(f"Kode '{data.code}' sudah dipakai di rencana ini.", field="code")
        plans._check_serves(self.s, plan, data.serves_id)
        plans.check_supports(self.s, plan, data.kind, data.supports_id)
        slot = _slot(parent) if parent is not None else None
        node = PlanNode.model_validate(data.model_dump(exclude={"objectives", "parent_id"}),
                                       update={"plan_id": plan.id or 0, "position": codes.node_pos[slot]})
        guard.check_row(node)
        codes.node_pos[slot] += 1
        codes.nodes.add(data.code)
        self.owner[id(node)] = plan
        if serves is not None:
            self.serves[id(node)] = serves
        texts = [t.strip() for t in data.objectives or [] if t and t.strip()]
        self.objectives[id(node)] = {t: NodeObjective(text=t, position=i) for i, t in enumerate(dict.fromkeys(texts))}
        self.nodes.append((level.depth, node, parent))
        return node

    def objective(self, node: PlanNode, text: str) -> NodeObjective | None:
        """An objective of a node added to this batch."""
        return self.objectives.get(id(node), {}).get(text)

    def add_indicator(self, plan: Plan, node: PlanNode, data: IndicatorCreate,
                      objective: NodeObjective | None = None) -> Indicator:
        """``node`` is stored or added to this batch; ``objective`` one of its objectives."""
        codes = self._plan(plan)
        if not self._belongs(node, plan):
            raise Invalid("Simpul indikator tidak ditemukan di rencana ini.", field="node")
        plans.check_indicator_fields(data)
        if data.code and data.code in codes.indicators:
            raise Invalid(f"Kode indikator '{data.code}' sudah dipakai di rencana ini.", field="code")
        own = objective is None or (objective.node_id == node.id if objective.id is not None
                                    else objective in self.objectives.get(id(node), {}).values())
        if not own:
            raise Invalid("Sasaran yang diukur harus milik simpul indikator ini.", field="objective_id")
        ind = Indicator.model_validate(data.model_dump(exclude={"targets", "objective_id"}),
                                       update={"plan_id": plan.id or 0, "node_id": node.id or 0,
                                               "position": codes.ind_pos[_slot(node)]})
        guard.check_row(ind)
        codes.ind_pos[_slot(node)] += 1
        if data.code:
            codes.indicators.add(data.code)
        self.owner[id(ind)] = plan
        self.indicators.append((ind, node, objective))
        return ind

    def add_targets(self, plan: Plan, ind: Indicator, targets: list[TargetIn]) -> list[dict]:
        """The first targets of an indicator that has none yet (stored or added to this batch); returns the
        checked cells."""
        self._plan(plan)
        if not self._belongs(ind, plan):
            raise Invalid("Indikator tidak ditemukan di rencana ini.", field="indicator")
        cells = list(plans.target_cells(self.s, ind, plan, targets, stored=False).values())
        for cell in cells:
            guard.check_values(Target.__table__, cell)
        self.targets += [(cell, ind) for cell in cells]
        return cells

    # ------------------------------------------------------------ writing

    def write(self) -> Written:
        """Everything added, in one statement per table; returns the nodes, objectives and indicators written.

        Ids, references and audit entries are all prepared before the first write (``bulk_rows``): on SQLite
        other users' saves wait only for the inserts themselves."""
        if not self.nodes and not self.indicators and not self.targets:
            self.s.flush()  # a plan created for this import, as the rows below would have
            return Written()
        new_plans = list({id(p): p for p in self.owner.values() if p.id is None}.values())
        objectives = [o for _, node, _ in self.nodes for o in self.objectives.get(id(node), {}).values()]
        counts = {Plan.__table__: len(new_plans), PlanNode.__table__: len(self.nodes),
                  NodeObjective.__table__: len(objectives), Indicator.__table__: len(self.indicators),
                  Target.__table__: len(self.targets)}
        bulk_rows.write(self.s, counts, lambda ids: self._prepare(ids, new_plans, objectives))
        done = Written([node for _, node, _ in sorted(self.nodes, key=lambda n: n[0])], objectives,
                       [ind for ind, _, _ in self.indicators])
        # Core inserts pass the session's flush hook: the written plans' stored summaries are stale now.
        written = {n.plan_id for n in done.nodes} | {i.plan_id for i in done.indicators}
        plan_stamps.bump_refs(self.s.connection(), {"plan_id": written | {ind.plan_id for _, ind in self.targets}})
        self.nodes, self.indicators, self.targets, self.objectives, self.serves = [], [], [], {}, {}
        return done

    def _prepare(self, ids: bulk_rows.Ids, new_plans: list[Plan],
                 objectives: list[NodeObjective]) -> bulk_rows.Rows:
        """Give every added row its reserved id and its references, and build the inserted values and audit entries."""
        for plan, pid in zip(new_plans, ids["plan"]):
            plan.id = pid
        nodes = sorted(self.nodes, key=lambda n: n[0])  # parents before children, sasaran before what serves them
        for (_, node, _), nid in zip(nodes, ids["plan_node"]):
            node.id = nid
        for _, node, parent in nodes:
            node.plan_id = self.owner[id(node)].id
            node.parent_id = parent.id if parent is not None else None
            if id(node) in self.serves:
                node.serves_id = self.serves[id(node)].id
            for o in self.objectives.get(id(node), {}).values():
                o.node_id = node.id
        for o, oid in zip(objectives, ids["node_objective"]):
            o.id = oid
        for (ind, node, objective), iid in zip(self.indicators, ids["indicator"]):
            ind.id, ind.plan_id, ind.node_id = iid, self.owner[id(ind)].id, node.id
            ind.objective_id = objective.id if objective is not None else None
        rows = bulk_rows.Rows(self.s)
        for objs in ([node for _, node, _ in nodes], objectives, [ind for ind, _, _ in self.indicators]):
            if objs:
                rows.add(type(objs[0]), _values(objs))
        where = {ind.id: {"indicator_id": ind.id, "node_id": ind.node_id, "plan_id": ind.plan_id}
                 for ind, _, _ in self.indicators}
        rows.add(Target, [target_values(cell, tid, ind.id) for (cell, ind), tid in zip(self.targets, ids["target"])],
                 lambda row: where[row["indicator_id"]])
        return rows


def target_values(cell: dict, target_id: int, indicator_id: int, key: str | None = None) -> dict:
    """A new target row from a checked cell (``plans.target_cells``); a new lineage ``key`` unless the cell keeps
    one (given, or drawn here)."""
    return {"id": target_id, "version": 1, "key": cell.get("key") or key or new_key(), "indicator_id": indicator_id,
            "year": cell["year"], "period": cell["period"], "value": cell.get("value"), "lower": cell.get("lower"),
            "upper": cell.get("upper"), "text": cell.get("text")}


def _values(objs: list) -> list[dict]:
    """Every column of each row (objects of one model)."""
    if not objs:
        return []
    columns = [c.key for c in type(objs[0]).__table__.columns]
    return [{k: getattr(o, k) for k in columns} for o in objs]
