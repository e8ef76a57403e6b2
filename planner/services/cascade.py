"""The cascading view (pohon kinerja): tujuan → sasaran → program → kegiatan → sub kegiatan with their
indicators, for one plan or across the units of an organisation, coloured by findings or by achievement.

A Renja hangs under the Renstra sasaran its programs serve (programs that serve none hang under a
"not linked" box); a Renstra is its own tree; an organisation shows each unit's Renstra under it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from sqlmodel import Session

from planner.calc.checks import ERROR, INFO, SEVERITIES, WARNING, CheckReport
from planner.errors import Invalid
from planner.models import Organization, Plan, PlanNode
from planner.periods import ALL as PERIODS
from planner.services import checks, monitoring, orgs, plans, versions
from planner.services.plans import Tree

MODES = ("findings", "achievement")
STATUS_LABELS = {ERROR: "Ada galat", WARNING: "Ada peringatan", INFO: "Ada catatan", "ok": "Tanpa temuan",
                 "context": "Rujukan Renstra", "org": "Organisasi", "gap": "Belum tertaut"}


@dataclass
class CascadeNode:
    key: str  # unique in the picture: "n<node id>", "o<org id>", "gap<…>"
    kind: str
    code: str
    name: str
    level: str
    status: str
    note: str = ""
    node_id: Optional[int] = None
    plan_id: Optional[int] = None
    indicators: list[str] = field(default_factory=list)
    children: list["CascadeNode"] = field(default_factory=list)
    collapsed: bool = False  # has children that are not drawn
    supports: Optional[int] = None  # a Renstra sasaran: the parent organisation's sasaran it supports

    def walk(self) -> Iterable["CascadeNode"]:
        yield self
        for c in self.children:
            yield from c.walk()

    def as_dict(self) -> dict:
        return {"key": self.key, "id": self.node_id, "plan_id": self.plan_id, "kind": self.kind, "code": self.code,
                "name": self.name, "level": self.level, "status": self.status, "note": self.note,
                "indicators": self.indicators, "supports": self.supports,
                "children": [c.as_dict() for c in self.children]}


@dataclass
class Cascade:
    title: str
    mode: str
    period: Optional[str]
    roots: list[CascadeNode]

    @property
    def size(self) -> int:
        return sum(1 for r in self.roots for _ in r.walk())

    def as_dict(self) -> dict:
        return {"title": self.title, "mode": self.mode, "period": self.period, "nodes": [r.as_dict() for r in self.roots]}


def _worst(severities: Iterable[str]) -> str:
    found = set(severities)
    return next((sev for sev in SEVERITIES if sev in found), "ok")


class _Colours:
    """A node's status and note, by findings or by achievement."""

    def __init__(self, s: Session, plan: Plan, tree: Tree, mode: str, period: Optional[str], settings):
        self.mode, self.report, self.progress = mode, None, None
        if mode == "achievement":
            if plan.kind != "renja":
                raise Invalid("Pewarnaan capaian hanya untuk Renja.", field="mode")
            self.progress = monitoring.progress_for_plan(s, plan, plan.first_year, period or "TW4", settings,
                                                         with_trend=False)
        else:
            self.report: CheckReport = checks.check_plan(s, plan, tree)
            self.by_node = self.report.by_node()

    def of(self, node_id: int) -> tuple[str, str]:
        if self.progress is not None:
            np = self.progress.node(node_id)
            if np is None:
                return "belum_jatuh_tempo", ""
            value = np.achievement.value
            return np.status, (f"capaian {value:.1f}%".replace(".", ",") if value is not None else "")
        found = self.by_node.get(node_id, [])
        return _worst(f.severity for f in found), (f"{len(found)} temuan" if found else "")


def _indicator_lines(tree: Tree, tn) -> list[str]:
    year = tree.plan.first_year
    out = []
    for ind in tn.indicators:
        t = tree.target_map(ind.id).get((year if tree.plan.kind == "renja" else tree.plan.last_year, "Y"))
        target = ""
        if t is not None:
            target = t.text or (f"{t.lower:g}–{t.upper:g}" if t.lower is not None else f"{t.value:g}".replace(".", ","))
        out.append(f"{ind.name}" + (f" · {target} {ind.unit}" if target else f" ({ind.unit})"))
    return out


def _from_tree(tree: Tree, tns, colours: Optional[_Colours], collapsed: set[str]) -> list[CascadeNode]:
    out = []
    for tn in tns:
        status, note = colours.of(tn.node.id) if colours else ("context", "")
        c = CascadeNode(key=f"n{tn.node.id}", kind=tn.node.kind, code=tn.node.code, name=tn.node.name,
                        level=tn.level.label if tn.level else tn.node.kind, status=status, note=note,
                        node_id=tn.node.id, plan_id=tree.plan.id, indicators=_indicator_lines(tree, tn),
                        supports=tn.node.supports_id)
        if c.key in collapsed and tn.children:
            c.collapsed = True
        else:
            c.children = _from_tree(tree, tn.children, colours, collapsed)
        out.append(c)
    return out


def for_plan(s: Session, plan: Plan, mode: str = "findings", period: Optional[str] = None, settings=None,
             collapsed: Iterable[str] = ()) -> Cascade:
    if mode not in MODES:
        raise Invalid(f"Mode pewarnaan '{mode}' tidak dikenal: {', '.join(MODES)}.", field="mode")
    if period is not None and period not in PERIODS:
        raise Invalid(f"Periode '{period}' tidak dikenal.", field="period")
    collapsed = set(collapsed)
    tree = plans.load_tree(s, plan)
    colours = _Colours(s, plan, tree, mode, period, settings)
    org = s.get(Organization, plan.organization_id)
    title = f"Pohon kinerja {plan.kind_label} {plan.period_label} · {org.name}"
    renstra = checks.renstra_tree(s, plan)
    if renstra is None:
        return Cascade(title, mode, period, _from_tree(tree, tree.roots, colours, collapsed))
    # A Renja under its Renstra: tujuan and sasaran as context, each program under the sasaran it serves.
    serving: dict[int, list] = {}
    for tn in tree.roots:
        serving.setdefault(tn.node.serves_id if tn.node.serves_id in renstra.by_id else None, []).append(tn)

    def strategic(tns) -> list[CascadeNode]:
        out = []
        for tn in tns:
            if tn.level is None or not tn.level.strategic:
                continue
            c = CascadeNode(key=f"n{tn.node.id}", kind=tn.node.kind, code=tn.node.code, name=tn.node.name,
                            level=tn.level.label, status="context", node_id=tn.node.id, plan_id=renstra.plan.id,
                            indicators=_indicator_lines(renstra, tn))
            if c.key in collapsed:
                c.collapsed = True
            else:
                c.children = strategic(tn.children) + _from_tree(tree, serving.get(tn.node.id, []), colours, collapsed)
            out.append(c)
        return out

    roots = strategic(renstra.roots)
    if serving.get(None):
        roots.append(CascadeNode(key="gap", kind="gap", code="—", name="Belum tertaut ke sasaran Renstra",
                                 level="", status="gap", children=_from_tree(tree, serving[None], colours, collapsed)))
    return Cascade(title, mode, period, roots)


def for_organization(s: Session, org: Organization, year: int, readable: Optional[set[int]],
                     depth: str = "sasaran", collapsed: Iterable[str] = ()) -> Cascade:
    """Across units (a Pemda and its perangkat daerah, a ministry and its units): each unit's Renstra
    for the year, down to ``depth`` (sasaran, program or all), coloured by findings. A unit's sasaran that
    supports a sasaran of a parent organisation's plan (the Pemda's RPJMD-level sasaran) hangs under that
    sasaran, in a box naming the unit; the rest stays under the unit in the organisation tree."""
    collapsed = set(collapsed)
    all_orgs = orgs.all_orgs(s)
    children: dict[Optional[int], list[Organization]] = {}
    for o in all_orgs:
        children.setdefault(o.parent_id, []).append(o)
    stop = {"sasaran": {"program"}, "program": {"kegiatan"}, "all": set()}.get(depth)
    if stop is None:
        raise Invalid("Kedalaman: sasaran, program, atau all.", field="depth")

    def prune(nodes: list[CascadeNode]) -> list[CascadeNode]:
        kept = [n for n in nodes if n.kind not in stop]
        for n in kept:
            n.children = prune(n.children)
        return kept

    def box(o: Organization, key: str, status: str, note: str, plan_id: Optional[int],
            content: list[CascadeNode]) -> CascadeNode:
        node = CascadeNode(key=key, kind="org", code=o.code, name=o.name, level=o.kind_label, status=status,
                           note=note, plan_id=plan_id)
        if key in collapsed:
            node.collapsed = True
        else:
            node.children = content
        return node

    def visit(o: Organization) -> tuple[Optional[CascadeNode], Linked]:
        """The unit's box (or None) and, by the id of the higher sasaran they support, the boxes to hang there."""
        free, incoming = [], {}
        for child in children.get(o.id, []):
            sub, linked = visit(child)
            free += [sub] if sub is not None else []
            for target, boxes in linked.items():
                incoming.setdefault(target, []).extend(boxes)
        plan = versions.plan_in_force(s, o.id, "renstra", year)
        own: list[CascadeNode] = []
        status, note = "org", ""
        if plan is not None and (readable is None or o.id in readable):
            own = prune(for_plan(s, plan, "findings", collapsed=collapsed).roots)
            status = _worst(n.status for r in own for n in r.walk() if n.status in SEVERITIES) if own else "ok"
            note = f"Renstra {plan.period_label}"
        up = _attach(own, incoming)  # units' sasaran under this unit's sasaran; the rest goes further up
        if o.id != org.id:
            own, moved = _detach(own)
            for target, nodes in moved.items():
                worst = _worst(n.status for r in nodes for n in r.walk() if n.status in SEVERITIES)
                up.setdefault(target, []).append(box(o, f"o{o.id}n{target}", worst, note,
                                                     plan.id if plan else None, nodes))
        else:  # the top of the picture: what found no higher sasaran stays in the organisation tree
            free += [b for boxes in up.values() for b in boxes]
            up = {}
        if not own and not free:
            return None, up
        return box(o, f"o{o.id}", status, note, plan.id if plan else None, own + free), up

    root, _ = visit(org)
    return Cascade(f"Pohon kinerja lintas unit · {org.name} · {year}", "findings", None, [root] if root else [])


Linked = dict[int, list[CascadeNode]]


def _attach(nodes: list[CascadeNode], linked: Linked) -> Linked:
    """Hang each box under the node it supports, when drawn here; return the boxes that found no home."""
    left = dict(linked)
    for r in nodes:
        for n in r.walk():
            if n.node_id in left and n.kind in ("tujuan", "sasaran"):
                n.children.extend(left.pop(n.node_id))
    return left


def _detach(nodes: list[CascadeNode]) -> tuple[list[CascadeNode], Linked]:
    """Take out the tujuan and sasaran that support a higher organisation's; a tujuan left empty goes too."""
    moved: Linked = {}

    def strip(ns: list[CascadeNode]) -> list[CascadeNode]:
        keep = []
        for n in ns:
            if n.supports is not None and n.kind in ("tujuan", "sasaran"):
                moved.setdefault(n.supports, []).append(n)
                continue
            had = bool(n.children)
            n.children = strip(n.children)
            if not (had and not n.children and n.kind == "tujuan"):
                keep.append(n)
        return keep

    return strip(nodes), moved


def supportable(s: Session, plan: Plan) -> list[tuple[PlanNode, Organization]]:
    """The tujuan and sasaran a Renstra's own may support: those of the Renstra in force for the same
    first year of every organisation above the plan's (the Pemda's RPJMD-level sasaran, a ministry's)."""
    if plan.kind != "renstra":
        return []
    out, org = [], s.get(Organization, plan.organization_id)
    while org is not None and org.parent_id is not None:
        org = s.get(Organization, org.parent_id)
        higher = versions.plan_in_force(s, org.id, "renstra", plan.first_year)
        if higher is not None and higher.first_year == plan.first_year:
            out += [(tn.node, org) for tn in plans.load_tree(s, higher).walk() if tn.node.kind in ("tujuan", "sasaran")]
    return out
