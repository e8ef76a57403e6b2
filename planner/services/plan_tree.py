"""A plan read as a tree: ``load_tree`` reads a whole plan in a fixed number of statements (levels, nodes,
objectives, indicators, targets), whatever its size, and ``load_trees`` many plans in the same five; pages,
the API, the checks and the roll-ups build on it."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from sqlmodel import Session, func, select

from planner.models import Indicator, NodeObjective, Plan, PlanNode, SchemeLevel, Target
from planner.services import plan_memo, plan_stamps


@dataclass
class TreeNode:
    node: PlanNode
    depth: int
    level: SchemeLevel | None
    objectives: list[NodeObjective] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    children: list["TreeNode"] = field(default_factory=list)


@dataclass
class Tree:
    plan: Plan
    levels: list[SchemeLevel]
    roots: list[TreeNode]
    by_id: dict[int, TreeNode]
    targets: dict[int, list[Target]]
    # A page's outline (``load_outline``) reads every node but the indicators and targets of the nodes it shows
    # only: then how many indicators the plan has; None when the tree is whole.
    indicator_total: int | None = None

    @property
    def whole(self) -> bool:
        return self.indicator_total is None

    def walk(self) -> Iterable[TreeNode]:
        stack = list(reversed(self.roots))
        while stack:
            tn = stack.pop()
            yield tn
            stack.extend(reversed(tn.children))

    def ancestors(self, node_id: int) -> list[PlanNode]:
        out, tn = [], self.by_id.get(node_id)
        while tn is not None and tn.node.parent_id is not None:
            tn = self.by_id.get(tn.node.parent_id)
            if tn:
                out.append(tn.node)
        return list(reversed(out))

    def target_map(self, indicator_id: int) -> dict[tuple[int, str], Target]:
        return {(t.year, t.period): t for t in self.targets.get(indicator_id, [])}

    @property
    def indicator_count(self) -> int:
        if self.indicator_total is not None:
            return self.indicator_total
        return sum(len(tn.indicators) for tn in self.by_id.values())

    def descendants(self, node_id: int) -> list[TreeNode]:
        """The subtree below a node, in tree order (the node itself left out)."""
        return below(self.by_id[node_id])


def below(top) -> list:
    """What lies below a node of a tree (``TreeNode``, or anything with ``.children``: a dashboard's
    ``NodeProgress``), in tree order."""
    stack, out = list(reversed(top.children)), []
    while stack:
        tn = stack.pop()
        out.append(tn)
        stack.extend(reversed(tn.children))
    return out


# A plan past LAZY_NODES nodes shows its upper levels (as many as fit in OUTLINE_NODES) whole and the rest as
# branches opened on demand; a print or export reads the tree itself and stays whole.
LAZY_NODES = 150
OUTLINE_NODES = 40


@dataclass
class Outline:
    rows: list  # what the page shows, in tree order
    collapsed: dict[int, int]  # node id -> how many nodes its closed branch holds


def outline(roots: list, open_ids: set[int] | None = None) -> Outline:
    """A page's rows of a tree (``TreeNode`` or ``NodeProgress``: ``.node.id``, ``.depth``, ``.children``):
    everything up to LAZY_NODES nodes, or when ``open_ids`` is None (all asked for); else the upper levels,
    with the branches below them closed except those holding a node of ``open_ids``."""
    every = [n for top in roots for n in [top] + below(top)]
    if open_ids is None or len(every) <= LAZY_NODES:
        return Outline(every, {})
    per_depth = Counter(n.depth for n in every)
    depth, shown = 0, per_depth[0]
    while depth + 1 in per_depth and shown + per_depth[depth + 1] <= OUTLINE_NODES:
        depth += 1
        shown += per_depth[depth]
    # in tree order, the last node at the outline's depth (or above) before a deeper one is its branch's top
    tops, top = [], None
    for n in every:
        top = n if n.depth <= depth else top
        tops.append(top)
    opened = {t.node.id for n, t in zip(every, tops) if n.node.id in open_ids}
    rows, collapsed = [], {}
    for n, t in zip(every, tops):
        if n.depth <= depth or t.node.id in opened:
            rows.append(n)
        else:
            collapsed[t.node.id] = collapsed.get(t.node.id, 0) + 1
    return Outline(rows, collapsed)


def load_tree(s: Session, plan: Plan, *, read_only: bool = False, plain: bool = False) -> Tree:
    """The whole plan in five statements: levels, nodes, objectives, indicators, targets."""
    return load_trees(s, [plan], read_only=read_only, plain=plain)[plan.id]


def load_trees(s: Session, plans: list[Plan], node_ids: set[int] | None = None, *,
               read_only: bool = False, plain: bool = False) -> dict[int, Tree]:
    """Many plans' trees in the same five statements as one (the cross-unit ranking reads a province);
    ``node_ids`` reads only those nodes (a subtree, ``load_subtree``) with their indicators and targets.

    ``read_only``: the targets (most of a plan's rows) come as plain rows with the same attribute names
    instead of ORM objects, for pages that only show them; a large plan's page spends a third of its time
    building ORM instances otherwise. ``plain``: every row does (nodes, objectives and indicators too), for a
    page that neither edits them nor hands them to the checks (which are kept, ``checks.report_kept``)."""
    ids = [p.id for p in plans]
    in_scope = PlanNode.plan_id.in_(ids) if node_ids is None else PlanNode.id.in_(node_ids)
    ind_scope = Indicator.plan_id.in_(ids) if node_ids is None else Indicator.node_id.in_(node_ids)
    nodes = s.execute(select(PlanNode.__table__ if plain else PlanNode).where(in_scope)
                      .order_by(PlanNode.position, PlanNode.id))
    nodes = nodes.all() if plain else nodes.scalars().all()
    trees = _structure(s, plans, nodes, in_scope, plain)
    _add_details(s, trees, ind_scope, read_only or plain, plain)
    return trees


def load_outline(s: Session, plan: Plan, open_ids: set[int] | None) -> tuple[Tree, Outline]:
    """A page's tree of one plan and its outline (``outline``) in the five statements of ``load_tree``: every
    node (the outline, the sums and the counts read them), but the indicators and targets of the rows shown and
    of the branches below ``open_ids`` only. Every row comes plain (``load_trees``): the page only shows them,
    and its checks are kept. The tree is whole (``Tree.whole``) when the outline shows every node."""
    per_node = (select(func.count()).select_from(Indicator).where(Indicator.node_id == PlanNode.id)
                .correlate(PlanNode).scalar_subquery())
    in_scope = PlanNode.plan_id == plan.id
    rows = s.execute(select(PlanNode.__table__, per_node.label("indicators_here")).where(in_scope)
                     .order_by(PlanNode.position, PlanNode.id)).all()
    tree = _structure(s, [plan], rows, in_scope, plain=True)[plan.id]
    shown = outline(tree.roots, open_ids)
    if not shown.collapsed:
        _add_details(s, {plan.id: tree}, Indicator.plan_id == plan.id, read_only=True, plain=True)
        return tree, shown
    wanted = {tn.node.id for tn in shown.rows}
    for nid in open_ids or ():
        if nid in tree.by_id:
            wanted.update(tn.node.id for tn in [tree.by_id[nid], *below(tree.by_id[nid])])
    _add_details(s, {plan.id: tree}, Indicator.node_id.in_(wanted), read_only=True, plain=True)
    tree.indicator_total = sum(row.indicators_here for row in rows)
    return tree, shown


def kept_tree(s: Session, plan: Plan, stamp) -> Tree:
    """``load_tree(plain=True)`` of a plan, computed once per write of it (``stamp``: its lineage's write stamp,
    read before, as ``checks.report_stamps`` does): a Renja's page shows its Renstra's cascade on every request.
    The rows are shared between requests: read them only."""
    def rows() -> tuple:
        tree = load_tree(s, plan, plain=True)
        return tree.levels, tree.roots, tree.by_id, tree.targets
    levels, roots, by_id, targets = plan_memo.get(("plain tree", plan.id, plan.key), stamp, rows,
                                                  keep=not plan_stamps.wrote(s.connection()))
    return Tree(plan=plan, levels=levels, roots=roots, by_id=by_id, targets=targets)


def _structure(s: Session, plans: list[Plan], nodes: list[PlanNode], in_scope, plain: bool) -> dict[int, Tree]:
    """The plans' trees of these nodes with their levels and objectives (two statements), without indicators."""
    levels_of: dict[int, list[SchemeLevel]] = defaultdict(list)
    for lv in s.execute(select(SchemeLevel.__table__ if plain else SchemeLevel)
                        .where(SchemeLevel.scheme_id.in_({p.scheme_id for p in plans})).order_by(SchemeLevel.depth)
                        ).all():
        lv = lv if plain else lv[0]
        levels_of[lv.scheme_id].append(lv)
    objectives = s.execute(select(NodeObjective.__table__ if plain else NodeObjective)
                           .join(PlanNode, NodeObjective.node_id == PlanNode.id)
                           .where(in_scope).order_by(NodeObjective.position))
    objectives = objectives.all() if plain else objectives.scalars().all()
    kinds = {p.id: {lv.kind: lv for lv in levels_of[p.scheme_id]} for p in plans}
    by_id = {n.id: TreeNode(node=n, depth=0, level=kinds[n.plan_id].get(n.kind)) for n in nodes}
    by_plan: dict[int, dict[int, TreeNode]] = defaultdict(dict)
    for n in nodes:
        by_plan[n.plan_id][n.id] = by_id[n.id]
    for o in objectives:
        by_id[o.node_id].objectives.append(o)
    roots: dict[int, list[TreeNode]] = defaultdict(list)
    for n in nodes:
        parent = by_id.get(n.parent_id) if n.parent_id else None
        (parent.children if parent else roots[n.plan_id]).append(by_id[n.id])
    trees = {}
    for plan in plans:
        tree = Tree(plan=plan, levels=levels_of[plan.scheme_id], roots=roots[plan.id], by_id=by_plan[plan.id],
                    targets={})
        for tn in tree.walk():
            for child in tn.children:
                child.depth = tn.depth + 1
        trees[plan.id] = tree
    return trees


def _add_details(s: Session, trees: dict[int, Tree], ind_scope, read_only: bool, plain: bool = False) -> None:
    """The indicators and targets in ``ind_scope`` (two statements), put on their trees' nodes."""
    indicators = s.execute(select(Indicator.__table__ if plain else Indicator).where(ind_scope)
                           .order_by(Indicator.position, Indicator.id))
    indicators = indicators.all() if plain else indicators.scalars().all()
    targets = s.execute(select(Target.__table__ if read_only else Target)
                        .join(Indicator, Target.indicator_id == Indicator.id)
                        .where(ind_scope).order_by(Target.year, Target.period))
    targets = targets.all() if read_only else targets.scalars().all()
    by_id = {nid: tn for tree in trees.values() for nid, tn in tree.by_id.items()}
    for ind in indicators:
        by_id[ind.node_id].indicators.append(ind)
    plan_of_indicator = {ind.id: ind.plan_id for ind in indicators}
    for t in targets:
        trees[plan_of_indicator[t.indicator_id]].targets.setdefault(t.indicator_id, []).append(t)


def parent_map(s: Session, plan: Plan) -> dict[int, int | None]:
    """Every node of the plan as ``id -> parent id``, in one light statement (no objects built)."""
    return dict(s.exec(select(PlanNode.id, PlanNode.parent_id).where(PlanNode.plan_id == plan.id)).all())


def top_ids(s: Session, plan: Plan) -> tuple[int, list[int]]:
    """How many nodes the plan has, and its top nodes' ids in tree order, in one light statement (no objects
    built): what a page that loads its branches one by one decides on."""
    rows = s.exec(select(PlanNode.id, PlanNode.parent_id).where(PlanNode.plan_id == plan.id)
                  .order_by(PlanNode.position, PlanNode.id)).all()
    return len(rows), [nid for nid, parent in rows if parent is None]


def load_subtree(s: Session, plan: Plan, node_id: int, *, read_only: bool = False) -> Tree:
    """One node and its descendants as a tree (its root keeps its depth in the plan), in six statements
    whatever the plan's size: what a page about one branch reads instead of the whole plan (``read_only``:
    as ``load_trees``)."""
    parents = parent_map(s, plan)
    children: dict[int | None, list[int]] = defaultdict(list)
    for nid, parent in parents.items():
        children[parent].append(nid)
    wanted, stack = set(), [node_id] if node_id in parents else []
    while stack:
        nid = stack.pop()
        wanted.add(nid)
        stack.extend(children[nid])
    tree = load_trees(s, [plan], wanted, read_only=read_only)[plan.id]
    depth, up = 0, parents.get(node_id)
    while up is not None:
        depth, up = depth + 1, parents.get(up)
    for tn in tree.walk():
        tn.depth += depth
    return tree


def filter_tree(tree: Tree, query: str) -> set[int]:
    """Node ids to show for a search: matching nodes or indicators, with their ancestors."""
    q = query.strip().lower()
    if not q:
        return set(tree.by_id)
    keep: set[int] = set()
    for tn in tree.walk():
        hay = [tn.node.code, tn.node.name] + [i.name for i in tn.indicators] + [i.code or "" for i in tn.indicators]
        if any(q in h.lower() for h in hay):
            keep.add(tn.node.id)
            keep.update(a.id for a in tree.ancestors(tn.node.id))
    return keep
