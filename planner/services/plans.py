"""Plans and their hierarchy: create, edit, reorder and delete plans, nodes, indicators and targets, each
operation enforcing its rules. Reading a plan as a tree is ``plan_tree`` (re-exported here); copying a plan
into a new Renja and the Renstra -> Renja cascade are ``plan_copy``.
"""
from __future__ import annotations

import re
from datetime import date
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import bindparam, func
from sqlmodel import Session, select

from planner import periods
from planner.errors import Conflict, Invalid, NotFound
from planner.models import (
    Evidence, Indicator, NodeObjective, Organization, Plan, PlanNode, Realization, SchemeLevel, Target,
)
from planner.models.base import utcnow
from planner.models.plan import (
    IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, PlanUpdate, TargetIn,
)
from planner.calc import summable
from planner.services import acting, audit, concurrency, orgs, ranges, schedules, versions
# The tree reader keeps its old address (plans.load_tree, plans.Tree): callers everywhere use it.
from planner.services.plan_tree import (  # noqa: F401
    Outline, Tree, TreeNode, below, filter_tree, kept_tree, load_outline, load_tree, load_trees, outline,
)

EDITABLE_STATUSES = ("draft", "returned")
SUM_REFUSED = ("Indikator persentase, indeks atau rasio tidak boleh dijumlahkan (akumulasi 'kumulatif'): "
               "pilih nilai akhir, rata-rata, atau rasio.")


# ---------------------------------------------------------------- plans

def get_plan(s: Session, plan_id: int) -> Plan:
    plan = s.get(Plan, plan_id)
    if plan is None:
        raise NotFound("Rencana tidak ditemukan.")
    return plan


def list_plans(s: Session, org_ids: Iterable[int] | None = None, kind: str | None = None,
               year: int | None = None, sandboxes: bool = False) -> list[Plan]:
    q = select(Plan) if sandboxes else select(Plan).where(orgs.real_plans(Plan.organization_id))
    if org_ids is not None:
        q = q.where(Plan.organization_id.in_(list(org_ids)))
    if kind:
        q = q.where(Plan.kind == kind)
    if year:
        q = q.where(Plan.first_year <= year, Plan.last_year >= year)
    return list(s.exec(q.order_by(Plan.kind.desc(), Plan.first_year.desc(), Plan.revision_number.desc())))


def create_plan(s: Session, data: PlanCreate, flush: bool = True) -> Plan:
    """``flush=False`` leaves the new plan pending in the session: an import writes it with its rows at the end."""
    org = orgs.get(s, data.organization_id)
    acting.require(s, "plan.create", org)
    scheme = orgs.scheme_by_key(s, data.scheme)
    if data.kind == "renja":
        if data.year is None:
            raise Invalid("Tahun Renja wajib diisi.", field="year")
        first = last = data.year
    else:
        first, last = data.first_year, data.last_year
        if first is None:
            raise Invalid("Tahun awal Renstra wajib diisi.", field="first_year")
        if last is None:
            raise Invalid("Tahun akhir Renstra wajib diisi.", field="last_year")
        if not 0 <= last - first <= 9:
            raise Invalid("Periode Renstra harus 1–10 tahun dan tahun akhir tidak sebelum tahun awal.",
                          field="last_year")
    if s.exec(select(Plan).where(Plan.organization_id == org.id, Plan.kind == data.kind,
                                 Plan.first_year == first, Plan.revision_number == 0)).first():
        what = f"Renja {first}" if data.kind == "renja" else f"Renstra {first}–{last}"
        raise Invalid(f"{org.name} sudah memiliki {what}.", field="year" if data.kind == "renja" else "first_year")
    plan = Plan(organization_id=org.id, kind=data.kind, scheme_id=scheme.id, first_year=first, last_year=last,
                name=data.name.strip(), vision=data.vision, missions=data.missions)
    if data.kind == "renja":
        plan.renstra_id = _check_renstra(s, org.id, first, data.renstra_id)
    s.add(plan)
    if flush:
        s.flush()
    return plan


def _check_renstra(s: Session, org_id: int, year: int, renstra_id: int | None) -> int | None:
    """The Renstra a Renja follows: the one given, else the organisation's Renstra in force for the year."""
    if renstra_id is None:
        found = versions.plan_in_force(s, org_id, "renstra", year)
        return found.id if found else None
    renstra = s.get(Plan, renstra_id)
    # Only the organisation's own Renstra: another unit's would show its sasaran and targets in this plan.
    if renstra is None or renstra.kind != "renstra" or renstra.organization_id != org_id:
        raise Invalid("Renstra acuan tidak ditemukan di organisasi ini.", field="renstra_id")
    if not renstra.first_year <= year <= renstra.last_year:
        raise Invalid(f"Tahun {year} di luar periode Renstra {renstra.period_label}.", field="renstra_id")
    return renstra.id


def update_plan(s: Session, plan: Plan, data: PlanUpdate) -> Plan:
    check_edit(s, plan)
    changes = data.model_dump(exclude_unset=True)
    concurrency.expect_version(s, plan, changes.pop("version", None), "Rencana")
    if "renstra_id" in changes and plan.kind == "renja":
        plan.renstra_id = _check_renstra(s, plan.organization_id, plan.first_year, changes.pop("renstra_id"))
    changes.pop("renstra_id", None)
    for key, value in changes.items():
        if value is not None:
            setattr(plan, key, value.strip() if isinstance(value, str) else value)
    plan.updated_at = utcnow()
    s.add(plan)
    s.flush()
    return plan


def ensure_editable(s: Session, plan: Plan, today: date | None = None) -> None:
    """Only a draft or returned plan changes, and only inside its drafting window (jadwal)."""
    if plan.status not in EDITABLE_STATUSES:
        raise Conflict(f"Rencana berstatus '{plan.status_label}' tidak dapat diubah; buka revisi bila perlu.",
                       field="status")
    schedules.check_window(s, plan.organization_id, plan.first_year, "drafting", today)


def check_edit(s: Session, plan: Plan) -> None:
    """What every change of a plan's content checks: the acting user's right, then the plan's state."""
    acting.require(s, "plan.edit", plan)
    ensure_editable(s, plan)


# ---------------------------------------------------------------- nodes

def get_node(s: Session, node_id: int) -> PlanNode:
    node = s.get(PlanNode, node_id)
    if node is None:
        raise NotFound("Simpul rencana tidak ditemukan.")
    return node


def _level_for(s: Session, plan: Plan, parent: PlanNode | None, kind: str) -> SchemeLevel:
    levels = orgs.scheme_levels(s, plan.scheme_id)
    allowed = allowed_child_levels(levels, plan, parent)
    match = next((lv for lv in allowed if lv.kind == kind), None)
    if match is None:
        names = ", ".join(lv.label for lv in allowed) or "tidak ada (tingkat terbawah)"
        raise Invalid(f"Jenis '{kind}' tidak boleh di sini. Yang boleh: {names}.", field="kind")
    return match


def allowed_child_levels(levels: list[SchemeLevel], plan: Plan, parent: PlanNode | None) -> list[SchemeLevel]:
    """A Renja starts at the first non-strategic level; a Renstra at the first level.
    Below a node comes exactly the next level of the scheme."""
    if parent is None:
        if plan.kind == "renja":
            return [next(lv for lv in levels if not lv.strategic)]
        return levels[:1]
    depth = next((lv.depth for lv in levels if lv.kind == parent.kind), None)
    return [lv for lv in levels if depth is not None and lv.depth == depth + 1]


def _check_code(s: Session, plan: Plan, level: SchemeLevel, parent: PlanNode | None, code: str,
                node_id: int | None = None) -> None:
    check_code_format(level, parent, code)
    clash = s.exec(select(PlanNode.id).where(PlanNode.plan_id == plan.id, PlanNode.code == code)).first()
    if clash is not None and clash != node_id:
        raise Invalid(f"Kode '{code}' sudah dipakai di rencana ini.", field="code")


def check_code_format(level: SchemeLevel, parent: PlanNode | None, code: str) -> None:
    """The scheme's code format and the parent's prefix (no database: the bulk import checks many at once)."""
    if level.code_pattern and not re.fullmatch(level.code_pattern, code):
        raise Invalid(f"Kode '{code}' tidak sesuai format {level.label} (contoh: {level.code_example}).",
                      field="code")
    if level.prefix_from_parent and parent is not None and not code.startswith(parent.code + "."):
        raise Invalid(f"Kode {level.label} harus diawali kode induknya '{parent.code}.'.", field="code")


def _check_serves(s: Session, plan: Plan, serves_id: int | None) -> None:
    if serves_id is None:
        return
    target = s.get(PlanNode, serves_id)
    if target is None:
        raise Invalid("Sasaran strategis yang dilayani tidak ditemukan.", field="serves_id")
    if plan.kind == "renja" and not _same_plan(s, target.plan_id, plan.renstra_id):
        raise Invalid("Sasaran yang dilayani harus berasal dari Renstra acuan Renja ini.", field="serves_id")
    if plan.kind == "renstra" and target.plan_id != plan.id:
        raise Invalid("Sasaran yang dilayani harus berasal dari Renstra yang sama.", field="serves_id")


def check_supports(s: Session, plan: Plan, kind: str, supports_id: int | None) -> None:
    """A Renstra's tujuan or sasaran may support a tujuan or sasaran of a parent organisation's plan (up the
    organisation tree: the Pemda's RPJMD-level sasaran, a ministry's sasaran)."""
    if supports_id is None:
        return
    if plan.kind != "renstra" or kind not in ("tujuan", "sasaran"):
        raise Invalid("Hanya tujuan atau sasaran Renstra yang mendukung sasaran organisasi induk.",
                      field="supports_id")
    target = s.get(PlanNode, supports_id)
    target_plan = s.get(Plan, target.plan_id) if target is not None else None
    if target_plan is None or target_plan.kind != "renstra" or target.kind not in ("tujuan", "sasaran"):
        raise Invalid("Sasaran organisasi induk yang didukung tidak ditemukan.", field="supports_id")
    ancestors, org = set(), s.get(Organization, plan.organization_id)
    while org is not None and org.parent_id is not None:
        ancestors.add(org.parent_id)
        org = s.get(Organization, org.parent_id)
    if target_plan.organization_id not in ancestors:
        raise Invalid("Sasaran yang didukung harus milik organisasi induk (ke atas pada pohon organisasi).",
                      field="supports_id")


def _same_plan(s: Session, plan_id: int, other_id: int | None) -> bool:
    """Whether two plan ids are versions of one plan (a Renja may serve any version of its Renstra)."""
    if other_id is None:
        return False
    return plan_id == other_id or s.get(Plan, plan_id).key == s.get(Plan, other_id).key


def create_node(s: Session, plan: Plan, data: NodeCreate) -> PlanNode:
    check_edit(s, plan)
    parent = get_node(s, data.parent_id) if data.parent_id else None
    if parent is not None and parent.plan_id != plan.id:
        raise Invalid("Induk berasal dari rencana lain.", field="parent_id")
    level = _level_for(s, plan, parent, data.kind)
    _check_code(s, plan, level, parent, data.code)
    _check_serves(s, plan, data.serves_id)
    check_supports(s, plan, data.kind, data.supports_id)
    position = s.exec(select(func.coalesce(func.max(PlanNode.position), -1) + 1)
                      .where(PlanNode.plan_id == plan.id, PlanNode.parent_id == data.parent_id)).one()
    node = PlanNode.model_validate(data.model_dump(exclude={"objectives"}),
                                   update={"plan_id": plan.id, "position": position})
    s.add(node)
    s.flush()
    _replace_objectives(s, node, data.objectives)
    return node


def update_node(s: Session, node: PlanNode, data: NodeUpdate) -> PlanNode:
    plan = get_plan(s, node.plan_id)
    check_edit(s, plan)
    changes = data.model_dump(exclude_unset=True)
    concurrency.expect_version(s, node, changes.pop("version", None), "Simpul")
    if "code" in changes and changes["code"] is not None and changes["code"] != node.code:
        parent = get_node(s, node.parent_id) if node.parent_id else None
        level = _level_for(s, plan, parent, node.kind)
        _check_code(s, plan, level, parent, changes["code"].strip(), node.id)
    if "serves_id" in changes:
        _check_serves(s, plan, changes["serves_id"])
    if "supports_id" in changes:
        check_supports(s, plan, node.kind, changes["supports_id"])
    objectives = changes.pop("objectives", None)
    for key, value in changes.items():
        if value is None and key not in ("serves_id", "pagu", "activity_type", "supports_id"):
            continue
        setattr(node, key, value.strip() if isinstance(value, str) else value)
    s.add(node)
    s.flush()
    if objectives is not None:
        _replace_objectives(s, node, objectives)
    return node


def _replace_objectives(s: Session, node: PlanNode, texts: list[str]) -> None:
    """Keep objectives that still exist (indicators point at them), add new ones, drop the rest."""
    wanted = [t.strip() for t in texts if t and t.strip()]
    existing = s.exec(select(NodeObjective).where(NodeObjective.node_id == node.id)).all()
    by_text = {o.text: o for o in existing}
    for pos, text in enumerate(wanted):
        obj = by_text.pop(text, None) or NodeObjective(node_id=node.id, text=text)
        obj.position = pos
        s.add(obj)
    for gone in by_text.values():
        s.delete(gone)
    s.flush()


def move_node(s: Session, node: PlanNode, direction: str) -> None:
    """Swap with the previous or next sibling; positions are renumbered so they stay dense."""
    check_edit(s, get_plan(s, node.plan_id))
    siblings = list(s.exec(select(PlanNode).where(PlanNode.plan_id == node.plan_id,
                                                 PlanNode.parent_id == node.parent_id)
                           .order_by(PlanNode.position, PlanNode.id)))
    _move_in(siblings, node, direction)
    s.flush()


def _move_in(items: list, item, direction: str) -> None:
    i = items.index(item)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    for pos, it in enumerate(items):
        it.position = pos


@dataclass
class SubtreeCount:
    nodes: int
    indicators: int
    targets: int
    realizations: int = 0
    evidence: int = 0

    @property
    def has_dependents(self) -> bool:
        return self.nodes > 1 or self.indicators > 0 or self.realizations > 0 or self.evidence > 0


def subtree_ids(s: Session, node: PlanNode) -> list[int]:
    rows = s.exec(select(PlanNode.id, PlanNode.parent_id).where(PlanNode.plan_id == node.plan_id)).all()
    children: dict[int | None, list[int]] = defaultdict(list)
    for nid, pid in rows:
        children[pid].append(nid)
    out, stack = [], [node.id]
    while stack:
        nid = stack.pop()
        out.append(nid)
        stack.extend(children[nid])
    return out


def count_subtree(s: Session, node: PlanNode) -> SubtreeCount:
    ids = subtree_ids(s, node)
    n_ind = s.exec(select(func.count()).select_from(Indicator).where(Indicator.node_id.in_(ids))).one()
    n_tgt = s.exec(select(func.count()).select_from(Target).join(Indicator, Target.indicator_id == Indicator.id)
                   .where(Indicator.node_id.in_(ids))).one()
    n_real = s.exec(select(func.count()).select_from(Realization).join(Indicator, Realization.indicator_id == Indicator.id)
                    .where(Indicator.node_id.in_(ids))).one()
    n_evidence = s.exec(select(func.count()).select_from(Evidence).join(Indicator, Evidence.indicator_id == Indicator.id)
                        .where(Indicator.node_id.in_(ids))).one()
    return SubtreeCount(nodes=len(ids), indicators=n_ind, targets=n_tgt, realizations=n_real, evidence=n_evidence)


def delete_node(s: Session, node: PlanNode) -> SubtreeCount:
    """Remove a node with everything below it, in the caller's one transaction.

    Monitoring rows belong to the lineage, not to this version's rows: what was reported on an
    indicator removed in a Perubahan stays with the earlier versions."""
    check_edit(s, get_plan(s, node.plan_id))
    count = count_subtree(s, node)
    ids = subtree_ids(s, node)
    # Bulk statements bypass the automatic trail: one explicit entry says what went.
    audit.record(s, "delete", node, changes={"code": [node.code, None], "name": [node.name, None],
                                             "nodes": [count.nodes, 0], "indicators": [count.indicators, 0],
                                             "targets": [count.targets, 0],
                                             "realizations": [count.realizations, 0],
                                             "evidence": [count.evidence, 0]})
    from planner.services import removal

    # Row by row, children first: every removed row (realisations and evidence too) is in the audit trail.
    ind_ids = list(s.exec(select(Indicator.id).where(Indicator.node_id.in_(ids))).all())
    removal.remove(s, ind_ids, ids)
    return count


# ---------------------------------------------------------------- indicators and targets

def get_indicator(s: Session, indicator_id: int) -> Indicator:
    ind = s.get(Indicator, indicator_id)
    if ind is None:
        raise NotFound("Indikator tidak ditemukan.")
    return ind


# Built once: a request on one indicator (a saved cell) would spend ~0,15 ms building it and its cache key.
_INDICATOR_WITH_PLAN = (select(Indicator, Plan, PlanNode).join(Plan, Plan.id == Indicator.plan_id)
                        .outerjoin(PlanNode, PlanNode.id == Indicator.node_id).where(Indicator.id == bindparam("id")))


def get_indicator_with_plan(s: Session, indicator_id: int) -> Indicator:
    """``get_indicator`` with its plan and node in the same statement: a request on one indicator checks
    its plan next and shows its node (``s.get`` then finds both in the session, which holds them: its
    identity map alone would let the node go as soon as nothing else refers to it)."""
    row = s.exec(_INDICATOR_WITH_PLAN, params={"id": indicator_id}).first()
    if row is None:
        raise NotFound("Indikator tidak ditemukan.")
    s.info.setdefault("planner.held", []).extend(row)
    return row[0]


def _check_indicator_rules(s: Session, ind: Indicator | IndicatorCreate, plan_id: int, node_id: int,
                           indicator_id: int | None = None) -> None:
    check_indicator_fields(ind)
    if ind.code:
        clash = s.exec(select(Indicator.id).where(Indicator.plan_id == plan_id, Indicator.code == ind.code)).first()
        if clash is not None and clash != indicator_id:
            raise Invalid(f"Kode indikator '{ind.code}' sudah dipakai di rencana ini.", field="code")
    objective_id = getattr(ind, "objective_id", None)
    if objective_id is not None:
        obj = s.get(NodeObjective, objective_id)
        if obj is None or obj.node_id != node_id:
            raise Invalid("Sasaran yang diukur harus milik simpul indikator ini.", field="objective_id")


def check_indicator_fields(ind: Indicator | IndicatorCreate) -> None:
    """The rules one indicator's own fields obey (no database: the bulk import checks many at once)."""
    # methodology §2.6: percentages, indices and ratios are never summed (one rule, by unit kind, in calc).
    if ind.accumulation == "sum" and not summable(ind.unit):
        raise Invalid(SUM_REFUSED, field="accumulation")
    ranges.check_metadata(ind.valid_min, ind.valid_max)
    if ind.polarity == "band" and ind.target_type != "range":
        raise Invalid("Polaritas 'rentang' memerlukan jenis target 'rentang' (batas bawah dan atas).",
                      field="target_type")


def create_indicator(s: Session, node: PlanNode, data: IndicatorCreate) -> Indicator:
    plan = get_plan(s, node.plan_id)
    check_edit(s, plan)
    _check_indicator_rules(s, data, plan.id, node.id)
    position = s.exec(select(func.coalesce(func.max(Indicator.position), -1) + 1)
                      .where(Indicator.node_id == node.id)).one()
    ind = Indicator.model_validate(data.model_dump(exclude={"targets"}),
                                   update={"plan_id": plan.id, "node_id": node.id, "position": position})
    s.add(ind)
    s.flush()
    _set_targets(s, ind, plan, data.targets)
    return ind


def update_indicator(s: Session, ind: Indicator, data: IndicatorUpdate) -> Indicator:
    check_edit(s, get_plan(s, ind.plan_id))
    changes = data.model_dump(exclude_unset=True)
    concurrency.expect_version(s, ind, changes.pop("version", None), "Indikator")
    nullable = {"baseline_value", "baseline_year", "baseline_text", "objective_id", "code", "valid_min", "valid_max",
                "end_target"}
    for key, value in changes.items():
        if value is None and key not in nullable:
            continue
        setattr(ind, key, value.strip() if isinstance(value, str) and key != "code" else value)
    _check_indicator_rules(s, ind, ind.plan_id, ind.node_id, ind.id)
    ind.version += 1
    s.add(ind)
    s.flush()
    return ind


def move_indicator(s: Session, ind: Indicator, direction: str) -> None:
    check_edit(s, get_plan(s, ind.plan_id))
    siblings = list(s.exec(select(Indicator).where(Indicator.node_id == ind.node_id)
                           .order_by(Indicator.position, Indicator.id)))
    _move_in(siblings, ind, direction)
    s.flush()


def delete_indicator(s: Session, ind: Indicator) -> None:
    """The indicator with its targets and the monitoring rows of this version's row, each row audited; what was
    reported on earlier versions stays with the lineage (those versions still show it)."""
    from planner.services import removal

    check_edit(s, get_plan(s, ind.plan_id))
    removal.remove(s, [ind.id])


def target_periods(plan: Plan, ind: Indicator) -> list[tuple[int, str]]:
    """The (year, period) cells of an indicator's target grid.

    A Renstra has one annual target per year; a Renja the annual target and the periods the
    indicator's frequency asks for (TW I–IV, semesters or months)."""
    if plan.kind == "renstra":
        return [(y, periods.ANNUAL) for y in plan.years]
    return [(plan.first_year, periods.ANNUAL)] + [(plan.first_year, p) for p in periods.for_frequency(ind.frequency)]


def _check_target(plan: Plan, ind: Indicator, t: TargetIn, where: str) -> dict | None:
    """The stored values of one target cell (year, period and what the target type keeps), None when empty."""
    if not plan.first_year <= t.year <= plan.last_year:
        raise Invalid(f"{where}: tahun {t.year} di luar periode rencana {plan.period_label}.", field="year")
    if not periods.is_valid(t.period):
        raise Invalid(f"{where}: periode '{t.period}' tidak dikenal (Y, TW1–TW4, S1–S2, M01–M12).",
                      field="period")
    if plan.kind == "renstra" and t.period != periods.ANNUAL:
        raise Invalid(f"{where}: target Renstra hanya per tahun (periode Y).", field="period")
    if ind.target_type == "qualitative":
        text = (t.text or "").strip()
        return {"year": t.year, "period": t.period, "text": text} if text else None
    if ind.target_type == "range":
        if t.lower is None and t.upper is None:
            return None
        if t.lower is None or t.upper is None:
            raise Invalid(f"{where}: target rentang memerlukan batas bawah dan batas atas.", field="lower")
        if t.lower > t.upper:
            raise Invalid(f"{where}: batas bawah ({t.lower:g}) lebih besar dari batas atas ({t.upper:g}).",
                          field="lower")
        return {"year": t.year, "period": t.period, "lower": t.lower, "upper": t.upper}
    if t.value is None:
        if t.text:
            raise Invalid(f"{where}: target harus berupa angka, bukan '{t.text}'.", field="value")
        return None
    return {"year": t.year, "period": t.period, "value": t.value}


def set_targets(s: Session, ind: Indicator, plan: Plan, targets: list[TargetIn],
                version: int | None = None) -> list[Target]:
    """Replace the indicator's targets with the given cells (empty cells are dropped).

    Rows are updated in place rather than deleted and re-added, so the audit trail shows each
    changed cell as old -> new. The grid is part of the indicator: ``version`` is the indicator's, and
    saving the grid bumps it (a conditional UPDATE), so two grids sent from one version never both land."""
    check_edit(s, plan)
    concurrency.expect_version(s, ind, version, "Indikator", related=s.exec(
        select(Target).where(Target.indicator_id == ind.id)).all())  # who changed the grid: its targets' trail
    rows = _set_targets(s, ind, plan, targets)
    ind.version += 1
    s.add(ind)
    s.flush()
    return rows


def _target_cells(plan: Plan, ind: Indicator, targets: list[TargetIn], rng,
                  keys: dict[tuple[int, str], str] | None = None) -> dict[tuple[int, str], dict]:
    """The checked values of the cells (empty cells dropped), by (year, period); nothing written."""
    wanted: dict[tuple[int, str], dict] = {}
    for i, t in enumerate(targets):
        where = f"Target {periods.label(t.period)} {t.year}"
        cell = _check_target(plan, ind, t, where)
        if (t.year, t.period) in wanted:
            raise Invalid(f"{where} diisi dua kali.", field=f"targets[{i}].period")
        if cell is not None:
            if keys and (t.year, t.period) in keys:
                cell["key"] = keys[(t.year, t.period)]
            for fld in ("value", "lower", "upper"):
                if cell.get(fld) is not None:
                    ranges.check_value(cell[fld], rng, where, fld)
            wanted[(t.year, t.period)] = cell
    return wanted


def target_cells(s: Session, ind: Indicator, plan: Plan, targets: list[TargetIn],
                 keys: dict[tuple[int, str], str] | None = None, stored: bool = True) -> dict[tuple[int, str], dict]:
    """Every rule a target grid obeys, returning the values of the cells to keep by (year, period) (with their
    lineage ``key`` where ``keys`` has one); writes nothing. ``stored=False`` for an indicator that has no
    targets yet (a bulk import or copy): nothing to look up."""
    # methodology §10.1: every number of the grid lies in the indicator's plausible range.
    rng = ranges.range_for(s, ind, [v for t in targets for v in (t.value, t.lower)], stored=stored)
    return _target_cells(plan, ind, targets, rng, keys)


def target_rows(s: Session, ind: Indicator, plan: Plan, targets: list[TargetIn],
                keys: dict[tuple[int, str], str] | None = None, stored: bool = True) -> dict[tuple[int, str], Target]:
    """``target_cells`` as unsaved rows of the indicator."""
    return {k: Target(indicator_id=ind.id, **cell) for k, cell in target_cells(s, ind, plan, targets, keys, stored).items()}


def _set_targets(s: Session, ind: Indicator, plan: Plan, targets: list[TargetIn],
                 keys: dict[tuple[int, str], str] | None = None) -> list[Target]:
    wanted = target_rows(s, ind, plan, targets, keys)
    existing = {(t.year, t.period): t for t in s.exec(select(Target).where(Target.indicator_id == ind.id))}
    for key, old in existing.items():
        new = wanted.pop(key, None)
        if new is None:
            s.delete(old)
            continue
        old.value, old.lower, old.upper, old.text = new.value, new.lower, new.upper, new.text
        s.add(old)
    s.add_all(wanted.values())
    s.flush()
    return list(s.exec(select(Target).where(Target.indicator_id == ind.id)))
