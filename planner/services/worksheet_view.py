"""The worksheet read (see ``worksheet``): the plan around a node, each step's view with its completeness,
and the progress of one worksheet or of every worksheet of a plan, in a fixed number of statements."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Optional

from sqlmodel import Session, select

from planner import periods
from planner.calc import TargetSpec, format_rupiah, gap
from planner.errors import Invalid, NotFound
from planner.models import Indicator, Plan, PlanNode, Target
from planner.models.worksheet import (
    CAPACITY_ASPECTS, COMPLAINT_ASPECTS, COMPLAINT_CHANNELS, COMPONENT_GROUPS, CONSTRAINT_ASPECTS,
    STANDARD_COMPONENTS, STANDARD_STATES, STEP_KEYS, STEP_TITLES, WORKSHEET_NODE_KINDS, ControlRow, NeedRow, Partner,
    ResourceRow, StandardRow, SuccessMeasure, Worksheet, Note, target_text,
)
from planner.services import orgs, plans

# Monitoring's hook: the realisation of an indicator in (year, period), or None when not reported.
# ``load`` calls it once per control checkpoint; pass a lookup over values fetched in one query
# (e.g. a dict's ``get`` on (indicator_id, year, period)) to keep the page's statement count fixed.
RealisationFn = Callable[[int, int, str], Optional[float]]

# The completeness rule of each step, shown on the page above the step and printed on the sheet.
RULES = {
    "needs": "Minimal satu kebutuhan pemangku kepentingan dengan kegiatan yang menjawabnya, dan catatan "
             "kapasitas untuk kelima aspek (kelembagaan, SDM, sarana prasarana, anggaran, sistem dan prosedur).",
    "standards": "Setiap jenis layanan memuat keempat belas komponen standar pelayanan beserta keadaannya (ada, "
                 "perlu diperbarui, belum ada), dan setiap komponen yang perlu diperbarui atau belum ada menyebut "
                 "kegiatan yang menghasilkan atau memperbaikinya.",
    "success": "Minimal satu indikator kegiatan ditautkan sebagai ukuran keberhasilan, dan minimal satu kegiatan "
               "pengukurannya disebut (mis. survei kepuasan masyarakat, pengawasan, penanganan pengaduan).",
    "resources": "Minimal satu sumber daya dirinci, dan jumlah biaya bersumber internal tidak melebihi pagu "
                 "kegiatan atau alasan kelebihannya dicatat.",
    "control": "Minimal satu baris pengendalian dengan penanggung jawab tindak lanjut dan tenggat waktunya, dan "
               "rencana penanganan pengaduan terisi untuk SDM, SOP, sarana prasarana (dengan minimal satu "
               "saluran pengaduan), serta monitoring dan evaluasi.",
}
ZERO = Decimal(0)


# ---------------------------------------------------------------- the plan around a node

@dataclass(frozen=True)
class NodeLine:
    """A node as the worksheet needs it: identity and pagu, without loading the whole tree."""

    id: int
    parent_id: Optional[int]
    kind: str
    code: str
    name: str
    pagu: Optional[Decimal]


class _Outline:
    """All nodes of a plan as light rows (one statement): ancestors, descendants and rolled-up pagu."""

    def __init__(self, s: Session, plan_id: int):
        rows = s.exec(select(PlanNode.id, PlanNode.parent_id, PlanNode.kind, PlanNode.code, PlanNode.name,
                             PlanNode.pagu).where(PlanNode.plan_id == plan_id)
                      .order_by(PlanNode.position, PlanNode.id)).all()
        self.nodes = {r[0]: NodeLine(*r) for r in rows}
        self.children: dict[Optional[int], list[int]] = defaultdict(list)
        for line in self.nodes.values():
            self.children[line.parent_id].append(line.id)

    def subtree(self, node_id: int) -> list[int]:
        out, stack = [], [node_id]
        while stack:
            nid = stack.pop()
            out.append(nid)
            stack.extend(self.children[nid])
        return out

    def ancestors(self, node_id: int) -> list[NodeLine]:
        out, parent = [], self.nodes[node_id].parent_id
        while parent is not None:
            out.append(self.nodes[parent])
            parent = self.nodes[parent].parent_id
        return list(reversed(out))

    def pagu(self, node_id: int) -> Optional[Decimal]:
        """The node's own pagu; without one, the sum over its children (each taken the same way), so a
        kegiatan whose budget sits on its sub kegiatan or RO still has a ceiling, counted once."""
        own = self.nodes[node_id].pagu
        if own is not None:
            return Decimal(own)
        parts = [p for p in (self.pagu(c) for c in self.children[node_id]) if p is not None]
        return sum(parts, ZERO) if parts else None


def _linkable(s: Session, outline: _Outline, node: PlanNode) -> list[Indicator]:
    """The indicators a success measure or checkpoint may link: the node's, its descendants', and those of
    the activity levels above it up to the kegiatan (a K/L RO's service is judged by its kegiatan's outcome,
    e.g. the IPP), never a program's or a sasaran's."""
    above = [a.id for a in outline.ancestors(node.id) if a.kind in WORKSHEET_NODE_KINDS]
    order = {nid: i for i, nid in enumerate(above + sorted(outline.subtree(node.id)))}
    rows = s.exec(select(Indicator).where(Indicator.node_id.in_(list(order)))).all()
    return sorted(rows, key=lambda i: (order[i.node_id], i.position, i.id))


# ---------------------------------------------------------------- the view

_NOTES = {
    "needs": ("capacity", "capacity_", CAPACITY_ASPECTS),
    "standards": ("constraints", "constraint_", CONSTRAINT_ASPECTS),
    "control": ("complaint", "complaint_", COMPLAINT_ASPECTS),
}


def check_node(node: PlanNode) -> None:
    if node.kind not in WORKSHEET_NODE_KINDS:
        raise Invalid("Lembar kerja pelayanan publik hanya untuk kegiatan, sub kegiatan, KRO, atau RO; "
                      f"bukan untuk simpul jenis '{node.kind}'.", field="node")


def find(s: Session, node: PlanNode) -> Optional[Worksheet]:
    """The node's worksheet, whichever version of the plan it was first saved on (one per node lineage)."""
    return s.exec(select(Worksheet).where(Worksheet.node_key == node.key)).first()



def _notes(ws: Worksheet, key: str) -> list[Note]:
    _, prefix, aspects = _NOTES[key]
    return [Note(k, label, getattr(ws, prefix + k)) for k, label in aspects.items()]


@dataclass
class StepView:
    key: str
    title: str
    rule: str
    missing: list[str]  # what still keeps the step from complete, one Indonesian phrase each

    @property
    def number(self) -> int:
        return STEP_KEYS.index(self.key) + 1

    @property
    def complete(self) -> bool:
        return not self.missing


def _head(key: str, missing: list[str]) -> dict:
    return {"key": key, "title": STEP_TITLES[key], "rule": RULES[key], "missing": missing}


@dataclass
class NeedsView(StepView):
    rows: list[NeedRow]
    capacity: list[Note]


@dataclass
class ComponentCell:
    """One of the 14 components for one service; ``row`` is None until the component is filled."""

    key: str
    label: str
    group: str
    row: Optional[StandardRow]

    @property
    def group_label(self) -> str:
        return COMPONENT_GROUPS[self.group]

    @property
    def state(self) -> Optional[str]:
        return self.row.state if self.row else None

    @property
    def state_label(self) -> str:
        return STANDARD_STATES[self.row.state] if self.row else "Belum diisi"


@dataclass
class ServiceStandard:
    service: str
    cells: list[ComponentCell]


@dataclass
class StandardsView(StepView):
    rows: list[StandardRow]
    services: list[ServiceStandard]
    constraints: list[Note]


@dataclass
class SuccessLine:
    row: SuccessMeasure
    indicator: Optional[Indicator]
    target: Optional[Target]  # the indicator's annual target in the plan's first year

    @property
    def name(self) -> str:
        return self.indicator.name if self.indicator else self.row.measure


@dataclass
class SuccessView(StepView):
    rows: list[SuccessLine]


@dataclass
class ResourcesView(StepView):
    rows: list[ResourceRow]
    partners: list[Partner]
    total: Decimal
    total_internal: Decimal
    total_partner: Decimal
    pagu: Optional[Decimal]
    pagu_from_children: bool  # no pagu on the node itself: the sum of its children's
    over_pagu_reason: str

    @property
    def over_pagu(self) -> bool:
        """Only the internally funded part draws on the pagu; partners bring their own resources."""
        return self.pagu is not None and self.total_internal > self.pagu

    @property
    def warning(self) -> Optional[str]:
        if self.pagu is None:
            return "Pagu kegiatan belum diisi; jumlah biaya tidak dapat dibandingkan dengan pagu."
        if self.over_pagu:
            return (f"Biaya bersumber internal melebihi pagu sebesar {format_rupiah(self.total_internal - self.pagu)}."
                    + ("" if self.over_pagu_reason else " Catat alasannya atau sesuaikan rinciannya."))
        return None


@dataclass
class Checkpoint:
    row: ControlRow
    indicator: Optional[Indicator]
    target: Optional[Target]
    realisation: Optional[float]
    gap: Optional[float]  # in the indicator's unit, positive = behind target (methodology §3.1)

    @property
    def period_label(self) -> str:
        return f"{periods.label(self.row.period)} {self.row.year}"

    @property
    def target_text(self) -> str:
        return target_text(self.target, self.indicator)


@dataclass
class ControlView(StepView):
    rows: list[Checkpoint]
    complaint: list[Note]
    channels: list[str]

    @property
    def channel_labels(self) -> list[str]:
        return [COMPLAINT_CHANNELS[c] for c in self.channels if c in COMPLAINT_CHANNELS]


@dataclass
class WorksheetView:
    node: PlanNode
    plan: Plan
    worksheet: Worksheet  # not yet saved (id None) until the first step is saved
    ancestors: list[NodeLine]  # program … parent, for the identity block
    level_labels: dict[str, str]  # node kind -> the scheme's label ("Sub Kegiatan", "RO (Rincian Output)")
    indicators: list[Indicator]  # what success measures and checkpoints may link (node and descendants)
    needs: NeedsView
    standards: StandardsView
    success: SuccessView
    resources: ResourcesView
    control: ControlView

    @property
    def steps(self) -> list[StepView]:
        return [self.needs, self.standards, self.success, self.resources, self.control]

    def step(self, key: str) -> StepView:
        if key not in STEP_KEYS:
            raise NotFound(f"Langkah '{key}' tidak dikenal.", field="step")
        return getattr(self, key)

    @property
    def complete(self) -> bool:
        return all(st.complete for st in self.steps)

    @property
    def progress(self) -> "Progress":
        return progress(self)


def load(s: Session, node: PlanNode, realisation_fn: Optional[RealisationFn] = None) -> WorksheetView:
    """The worksheet of a node with each step's rows and completeness; never writes.

    At most twelve statements whatever the number of rows: worksheet, plan, scheme levels, outline,
    indicators, the six row tables and the linked indicators' targets (``realisation_fn`` aside).
    """
    check_node(node)
    ws = find(s, node) or Worksheet(node_id=node.id, node_key=node.key)
    plan = plans.get_plan(s, node.plan_id)
    outline = _Outline(s, plan.id)
    indicators = _linkable(s, outline, node)
    rows = _load_rows(s, ws)
    by_id = _with_aliases(s, rows[SuccessMeasure] + rows[ControlRow], {i.id: i for i in indicators})
    linked = {by_id[r.indicator_id].id for r in rows[SuccessMeasure] + rows[ControlRow] if r.indicator_id in by_id}
    targets = _targets(s, linked)
    return WorksheetView(
        node=node, plan=plan, worksheet=ws, ancestors=outline.ancestors(node.id),
        level_labels={lv.kind: lv.label for lv in orgs.scheme_levels(s, plan.scheme_id)}, indicators=indicators,
        needs=_needs_view(ws, rows[NeedRow]),
        standards=_standards_view(ws, rows[StandardRow]),
        success=_success_view(rows[SuccessMeasure], by_id, targets, plan.first_year),
        resources=_resources_view(ws, rows[ResourceRow], rows[Partner], outline, node),
        control=_control_view(ws, rows[ControlRow], by_id, targets, realisation_fn),
    )


_ROW_TABLES = (NeedRow, StandardRow, SuccessMeasure, ResourceRow, Partner, ControlRow)


def _load_rows(s: Session, ws: Worksheet) -> dict[type, list]:
    if ws.id is None:
        return {t: [] for t in _ROW_TABLES}
    return {t: list(s.exec(select(t).where(t.worksheet_id == ws.id).order_by(t.position, t.id)))
            for t in _ROW_TABLES}


def _with_aliases(s: Session, rows: list, by_id: dict[int, Indicator]) -> dict[int, Indicator]:
    """Rows saved on another version of the plan name that version's indicator: resolve it to this
    version's indicator of the same lineage (one statement, only when such rows exist)."""
    foreign = {r.indicator_id for r in rows if r.indicator_id is not None and r.indicator_id not in by_id}
    if not foreign:
        return by_id
    by_key = {i.key: i for i in by_id.values()}
    out = dict(by_id)
    for iid, key in s.exec(select(Indicator.id, Indicator.key).where(Indicator.id.in_(foreign))):
        if key in by_key:
            out[iid] = by_key[key]
    return out


def _targets(s: Session, indicator_ids: set[int]) -> dict[tuple[int, int, str], Target]:
    if not indicator_ids:
        return {}
    rows = s.exec(select(Target).where(Target.indicator_id.in_(indicator_ids)))
    return {(t.indicator_id, t.year, t.period): t for t in rows}


def _needs_view(ws: Worksheet, rows: list[NeedRow]) -> NeedsView:
    capacity = _notes(ws, "needs")
    missing = []
    if not any(r.activity for r in rows):
        missing.append("kebutuhan pemangku kepentingan beserta kegiatan yang menjawabnya")
    empty = [n.label for n in capacity if not n.text.strip()]
    if empty:
        missing.append("catatan kapasitas: " + ", ".join(empty))
    return NeedsView(**_head("needs", missing), rows=rows, capacity=capacity)


def _standards_view(ws: Worksheet, rows: list[StandardRow]) -> StandardsView:
    by_service: dict[str, dict[str, StandardRow]] = {}
    for r in rows:  # services in the order they first appear
        by_service.setdefault(r.service, {})[r.component] = r
    services = [ServiceStandard(name, [ComponentCell(k, label, group, comps.get(k))
                                       for k, label, group in STANDARD_COMPONENTS])
                for name, comps in by_service.items()]
    missing = [] if services else ["minimal satu jenis layanan dengan komponen standarnya"]
    for sv in services:
        unfilled = [c.label for c in sv.cells if c.row is None]
        if unfilled:
            missing.append(f"{sv.service}: {len(unfilled)} komponen belum diisi ({', '.join(unfilled)})")
        no_activity = [c.label for c in sv.cells if c.row and c.row.needs_activity and not c.row.activity]
        if no_activity:
            missing.append(f"{sv.service}: kegiatan untuk komponen {', '.join(no_activity)}")
    return StandardsView(**_head("standards", missing), rows=rows, services=services,
                         constraints=_notes(ws, "standards"))


def _success_view(rows: list[SuccessMeasure], by_id: dict[int, Indicator],
                  targets: dict, year: int) -> SuccessView:
    lines = []
    for r in rows:
        ind = by_id.get(r.indicator_id)
        lines.append(SuccessLine(r, ind, targets.get((ind.id, year, periods.ANNUAL)) if ind else None))
    missing = []
    if not any(line.indicator for line in lines):
        missing.append("indikator kegiatan yang ditautkan sebagai ukuran keberhasilan")
    if not any(r.activity for r in rows):
        missing.append("kegiatan yang mengukur keberhasilan")
    return SuccessView(**_head("success", missing), rows=lines)


def _resources_view(ws: Worksheet, rows: list[ResourceRow], partners: list[Partner],
                    outline: _Outline, node: PlanNode) -> ResourcesView:
    internal = sum((r.total for r in rows if r.source == "internal"), ZERO)
    external = sum((r.total for r in rows if r.source == "mitra"), ZERO)
    view = ResourcesView(**_head("resources", []), rows=rows, partners=partners, total=internal + external,
                         total_internal=internal, total_partner=external, pagu=outline.pagu(node.id),
                         pagu_from_children=node.pagu is None and outline.pagu(node.id) is not None,
                         over_pagu_reason=ws.over_pagu_reason)
    if not rows:
        view.missing.append("rincian sumber daya")
    if (view.pagu is None or view.over_pagu) and not ws.over_pagu_reason.strip():
        view.missing.append("alasan biaya melebihi pagu" if view.over_pagu else "pagu kegiatan (atau alasannya)")
    return view


def _control_view(ws: Worksheet, rows: list[ControlRow], by_id: dict[int, Indicator], targets: dict,
                  realisation_fn: Optional[RealisationFn]) -> ControlView:
    checkpoints = [_checkpoint(r, by_id.get(r.indicator_id), targets, realisation_fn) for r in rows]
    complaint = _notes(ws, "control")
    missing = []
    if not any(r.owner and r.due_date for r in rows):
        missing.append("baris pengendalian dengan penanggung jawab dan tenggat waktu")
    empty = [n.label for n in complaint if not n.text.strip()]
    if empty:
        missing.append("rencana penanganan pengaduan: " + ", ".join(empty))
    if not ws.channel_list:
        missing.append("saluran pengaduan (loket, kotak, ruang, web, atau aplikasi)")
    return ControlView(**_head("control", missing), rows=checkpoints, complaint=complaint,
                       channels=ws.channel_list)


def _checkpoint(row: ControlRow, ind: Optional[Indicator], targets: dict,
                realisation_fn: Optional[RealisationFn]) -> Checkpoint:
    if ind is None:
        return Checkpoint(row, None, None, None, None)
    target = targets.get((ind.id, row.year, row.period))
    realisation = realisation_fn(ind.id, row.year, row.period) if realisation_fn else None
    spec = TargetSpec(value=target.value, lower=target.lower, upper=target.upper) if target else None
    return Checkpoint(row, ind, target, realisation, gap(spec, realisation, ind.polarity))


# ---------------------------------------------------------------- summaries

@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total)

    @property
    def label(self) -> str:
        return f"{self.done} dari {self.total} langkah lengkap"


def progress(view: WorksheetView) -> Progress:
    return Progress(done=sum(st.complete for st in view.steps), total=len(STEP_KEYS))


def progress_by_node(s: Session, plan: Plan) -> dict[int, Progress]:
    """Progress of every worksheet of a plan by node id, in a fixed number of statements
    (the step builders fed with all worksheets' rows at once)."""
    found = s.exec(select(Worksheet, PlanNode.id).join(PlanNode, Worksheet.node_key == PlanNode.key)
                   .where(PlanNode.plan_id == plan.id)).all()
    if not found:
        return {}
    sheets = [ws for ws, _ in found]
    node_of = {ws.id: node_id for ws, node_id in found}
    outline = _Outline(s, plan.id)
    indicators = s.exec(select(Indicator).where(Indicator.plan_id == plan.id)).all()
    ids = [ws.id for ws in sheets]
    rows: dict[type, dict[int, list]] = {}
    for table in _ROW_TABLES:
        rows[table] = {i: [] for i in ids}
        for r in s.exec(select(table).where(table.worksheet_id.in_(ids)).order_by(table.position, table.id)):
            rows[table][r.worksheet_id].append(r)
    out = {}
    linked_rows = [r for table in (SuccessMeasure, ControlRow) for rs in rows[table].values() for r in rs]
    aliases = _with_aliases(s, linked_rows, {i.id: i for i in indicators})
    for ws in sheets:
        node = outline.nodes[node_of[ws.id]]
        subtree = set(outline.subtree(node.id))
        linkable = {i: ind for i, ind in aliases.items() if ind.node_id in subtree}
        steps = [
            _needs_view(ws, rows[NeedRow][ws.id]),
            _standards_view(ws, rows[StandardRow][ws.id]),
            _success_view(rows[SuccessMeasure][ws.id], linkable, {}, plan.first_year),
            _resources_view(ws, rows[ResourceRow][ws.id], rows[Partner][ws.id], outline, node),
            _control_view(ws, rows[ControlRow][ws.id], linkable, {}, None),
        ]
        out[node.id] = Progress(done=sum(st.complete for st in steps), total=len(steps))
    return out
