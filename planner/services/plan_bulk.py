"""Creating many nodes, indicators and targets of plans at once (an import's first load of a plan).

Every rule of ``plans.create_node``, ``create_indicator`` and ``set_targets`` holds here too: the
acting user's right and the plan's editability (checked once per plan), the input models, the
scheme's levels, code formats and prefixes, unique codes, the Renstra sasaran served, indicator
metadata rules and objectives, and the target grid (years, periods, types, plausible ranges).
What differs is when the database is touched: rows are checked in memory as they are added (codes
and positions come from one read per plan and from the rows already added), and ``write`` inserts
them level by level in a handful of flushes instead of one flush per row.
"""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func
from sqlmodel import Session, select

from planner.errors import Invalid
from planner.models import Indicator, NodeObjective, Plan, PlanNode, Target
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.services import orgs, plans


class _PlanCodes:
    """One plan's node and indicator codes and next positions, read once."""

    def __init__(self, s: Session, plan: Plan):
        self.nodes = set(s.exec(select(PlanNode.code).where(PlanNode.plan_id == plan.id)).all())
        self.indicators = set(c for c in s.exec(select(Indicator.code).where(Indicator.plan_id == plan.id)).all() if c)
        self.node_pos: dict[int | None, int] = defaultdict(int)
        for parent_id, top in s.exec(select(PlanNode.parent_id, func.max(PlanNode.position))
                                     .where(PlanNode.plan_id == plan.id).group_by(PlanNode.parent_id)):
            self.node_pos[parent_id] = top + 1
        self.ind_pos: dict[int, int] = defaultdict(int)
        for node_id, top in s.exec(select(Indicator.node_id, func.max(Indicator.position))
                                   .where(Indicator.plan_id == plan.id).group_by(Indicator.node_id)):
            self.ind_pos[node_id] = top + 1
        self.levels = orgs.scheme_levels(s, plan.scheme_id)


class Batch:
    """Rows to create, checked on ``add_*`` (raising ``Invalid`` like the single-row operations), written by
    ``write_nodes`` / ``write_indicators`` / ``write_targets`` in the caller's transaction."""

    def __init__(self, s: Session):
        self.s = s
        self.plans: dict[int, _PlanCodes] = {}
        self.nodes: list[tuple[int, PlanNode, PlanNode | None, list[str]]] = []
        self.indicators: list[tuple[Indicator, PlanNode]] = []
        self.targets: list[tuple[Indicator, Target]] = []

    def _plan(self, plan: Plan) -> _PlanCodes:
        if plan.id not in self.plans:
            plans.check_edit(self.s, plan)
            self.plans[plan.id] = _PlanCodes(self.s, plan)
        return self.plans[plan.id]

    # ------------------------------------------------------------ nodes

    def add_node(self, plan: Plan, parent: PlanNode | None, data: NodeCreate) -> PlanNode:
        """``parent`` is a stored node of the plan or one added to this batch (written first)."""
        codes = self._plan(plan)
        if parent is not None and parent.plan_id != plan.id:
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
        slot = parent.id if parent is not None and parent.id is not None else id(parent) if parent else None
        node = PlanNode.model_validate(data.model_dump(exclude={"objectives", "parent_id"}),
                                       update={"plan_id": plan.id, "position": codes.node_pos[slot]})
        codes.node_pos[slot] += 1
        codes.nodes.add(data.code)
        self.nodes.append((level.depth, node, parent, list(data.objectives or [])))
        return node

    def write_nodes(self) -> tuple[list[PlanNode], list[tuple[PlanNode, NodeObjective]]]:
        """Level by level, so each child gets its parent's id; then the nodes' objectives. Returns what was written."""
        by_depth: dict[int, list] = defaultdict(list)
        for item in self.nodes:
            by_depth[item[0]].append(item)
        for depth in sorted(by_depth):
            for _, node, parent, _ in by_depth[depth]:
                node.parent_id = parent.id if parent is not None else None
            self.s.add_all(node for _, node, _, _ in by_depth[depth])
            self.s.flush()
        objectives = [(node, NodeObjective(node_id=node.id, text=text.strip(), position=pos))
                      for _, node, _, texts in self.nodes
                      for pos, text in enumerate(t for t in texts if t and t.strip())]
        self.s.add_all(o for _, o in objectives)
        self.s.flush()
        nodes, self.nodes = [node for _, node, _, _ in self.nodes], []
        return nodes, objectives

    # ------------------------------------------------------------ indicators and targets

    def add_indicator(self, plan: Plan, node: PlanNode, data: IndicatorCreate,
                      objective: NodeObjective | None = None) -> Indicator:
        """``node`` is stored (its id known); ``objective`` one of its objectives."""
        codes = self._plan(plan)
        if node.plan_id != plan.id or node.id is None:
            raise Invalid("Simpul indikator tidak ditemukan di rencana ini.", field="node")
        plans.check_indicator_fields(data)
        if data.code and data.code in codes.indicators:
            raise Invalid(f"Kode indikator '{data.code}' sudah dipakai di rencana ini.", field="code")
        if objective is not None and objective.node_id != node.id:
            raise Invalid("Sasaran yang diukur harus milik simpul indikator ini.", field="objective_id")
        ind = Indicator.model_validate(data.model_dump(exclude={"targets", "objective_id"}),
                                       update={"plan_id": plan.id, "node_id": node.id,
                                               "position": codes.ind_pos[node.id],
                                               "objective_id": objective.id if objective else None})
        codes.ind_pos[node.id] += 1
        if data.code:
            codes.indicators.add(data.code)
        self.indicators.append((ind, node))
        return ind

    def write_indicators(self) -> list[Indicator]:
        written, self.indicators = [ind for ind, _ in self.indicators], []
        self.s.add_all(written)
        self.s.flush()
        return written

    def add_targets(self, plan: Plan, ind: Indicator, targets: list[TargetIn]) -> list[Target]:
        """The first targets of a stored indicator that has none yet."""
        self._plan(plan)
        if ind.id is None or ind.plan_id != plan.id:
            raise Invalid("Indikator tidak ditemukan di rencana ini.", field="indicator")
        rows = list(plans.target_rows(self.s, ind, plan, targets, stored=False).values())
        self.targets += [(ind, t) for t in rows]
        return rows

    def write_targets(self) -> None:
        self.s.add_all(t for _, t in self.targets)
        self.s.flush()
        self.targets = []
