"""Plan checks on stored plans: load a plan into the rules' plain data, run them, acknowledge findings.

``plan_data`` reads a plan in a fixed number of statements whatever its size: the plan's tree (five),
its Renstra's tree for a Renja (six), the worksheets' progress (at most nine) and the acknowledgements
(one). The rules are in ``planner.calc.checks``; nothing here decides what is wrong. ``report`` keeps a
plan's report from one write of what it reads to the next (``plan_memo``, ``plan_stamps``).
"""
from __future__ import annotations

from sqlmodel import Session, select

from planner.calc.checks import (
    RULES, CheckReport, Finding, IndicatorData, LevelData, NodeData, PlanData, TargetData, WorksheetState,
    finding_key, run_checks,
)
from planner.errors import Invalid, NotFound
from planner.models import Indicator, Plan, PlanNode
from planner.models.checks import FindingAck
from planner.permissions import Principal, require
from planner.services import audit, plan_memo, plan_stamps, plans, worksheet
from planner.services.plans import Tree


def _target(t) -> TargetData:
    return TargetData(year=t.year, period=t.period, value=t.value, lower=t.lower, upper=t.upper, text=t.text)


def _end_target(plan, ind) -> TargetData | None:
    """A Renstra indicator's stored end-of-period target, dated at the period's last year."""
    if plan.kind != "renstra" or ind.end_target is None:
        return None
    return TargetData(year=plan.last_year, period="Y", value=ind.end_target)


def _renstra_lookup(renstra: Tree | None, year: int):
    """A Renja indicator's counterpart in the Renstra (copy lineage first, then the same code) and the
    Renstra's target for the year; the sasaran codes by node id."""
    if renstra is None:
        return (lambda ind: (False, None)), {}
    by_id = {i.id: i for tn in renstra.by_id.values() for i in tn.indicators}
    by_code = {i.code: i for i in by_id.values() if i.code}

    def counterpart(ind: Indicator):
        other = by_id.get(ind.source_id) or (by_code.get(ind.code) if ind.code else None)
        if other is None:
            return False, None
        t = renstra.target_map(other.id).get((year, "Y"))
        return True, _target(t) if t is not None else None

    sasaran = {tn.node.id: tn.node.code for tn in renstra.by_id.values() if tn.node.kind == "sasaran"}
    return counterpart, sasaran


def build_plan_data(tree: Tree, renstra: Tree | None, sheets: dict, acknowledged: dict[str, str]) -> PlanData:
    plan = tree.plan
    counterpart, sasaran = _renstra_lookup(renstra, plan.first_year)
    nodes = []
    for tn in tree.walk():
        n = tn.node
        data = NodeData(id=n.id, code=n.code, name=n.name, kind=n.kind, parent_id=n.parent_id,
                        activity_type=n.activity_type, unit_in_charge=n.unit_in_charge or "",
                        description=n.description or "", pagu=float(n.pagu) if n.pagu is not None else None,
                        serves=sasaran.get(n.serves_id) if n.serves_id else None,
                        worksheet=WorksheetState(sheets[n.id].done, sheets[n.id].total) if n.id in sheets else None)
        for ind in tn.indicators:
            has_counterpart, renstra_target = counterpart(ind) if plan.kind == "renja" else (False, None)
            data.indicators.append(IndicatorData(
                id=ind.id, name=ind.name, node_id=n.id, level=ind.level, unit=ind.unit or "", code=ind.code,
                definition=ind.definition, formula=ind.formula, data_source=ind.data_source,
                responsible=ind.responsible, frequency=ind.frequency, baseline_value=ind.baseline_value,
                baseline_text=ind.baseline_text, polarity=ind.polarity, accumulation=ind.accumulation,
                target_type=ind.target_type, targets=[_target(t) for t in tree.targets.get(ind.id, [])],
                renstra_counterpart=has_counterpart, renstra_target=renstra_target,
                end_target=_end_target(plan, ind)))
        nodes.append(data)
    levels = [LevelData(kind=lv.kind, label=lv.label, depth=lv.depth, strategic=lv.strategic,
                        code_pattern=lv.code_pattern, code_example=lv.code_example,
                        prefix_from_parent=lv.prefix_from_parent) for lv in tree.levels]
    return PlanData(kind=plan.kind, first_year=plan.first_year, last_year=plan.last_year, levels=levels,
                    nodes=nodes, id=plan.id, has_renstra=renstra is not None, acknowledged=acknowledged)


def renstra_tree(s: Session, plan: Plan) -> Tree | None:
    if plan.kind != "renja" or not plan.renstra_id:
        return None
    renstra = s.get(Plan, plan.renstra_id)
    return plans.load_tree(s, renstra) if renstra else None


def plan_data(s: Session, plan: Plan, tree: Tree | None = None, loaded: dict[int, Tree] | None = None) -> PlanData:
    """``loaded``: trees the caller has read already (by plan id), so a page reads each tree once."""
    loaded = loaded or {}
    tree = tree or loaded.get(plan.id) or plans.load_tree(s, plan)
    renstra = loaded.get(plan.renstra_id) if plan.kind == "renja" and plan.renstra_id in loaded \
        else renstra_tree(s, plan)
    return build_plan_data(tree, renstra, worksheet.progress_by_node(s, plan), acknowledged(s, plan))


def check_plan(s: Session, plan: Plan, tree: Tree | None = None, loaded: dict[int, Tree] | None = None) -> CheckReport:
    return run_checks(plan_data(s, plan, tree, loaded))


def report_stamps(s: Session, plan: Plan) -> tuple:
    """The write stamps of what a plan's checks read: the plan's lineage and its Renstra's (worksheets and
    acknowledgements bump them too, ``plan_stamps.REFERENCES``). Read them before that data."""
    s.flush()  # the caller's own pending writes count, as in a computation (whose ORM reads autoflush)
    renstra = s.get(Plan, plan.renstra_id) if plan.kind == "renja" and plan.renstra_id else None
    keys = [plan.key] + ([renstra.key] if renstra is not None else [])
    now = plan_stamps.current(s.connection(), keys)
    return tuple((k, now[k]) for k in keys)


def report(s: Session, plan: Plan, loaded: dict[int, Tree] | None = None, stamps: tuple | None = None) -> CheckReport:
    """``check_plan``, computed once per write of what it reads; the report is shared: read it only.
    ``loaded``: trees read after ``stamps`` (``report_stamps``); without stamps they are read now, and the data
    after them."""
    if stamps is None:
        stamps, loaded = report_stamps(s, plan), None
    return plan_memo.get(_report_key(plan), stamps, lambda: check_plan(s, plan, loaded=loaded),
                         keep=not plan_stamps.wrote(s.connection()))


def report_kept(plan: Plan, stamps: tuple) -> bool:
    """Whether ``report`` at these stamps is served without reading the plan (else a page reads it whole)."""
    return plan_memo.has(_report_key(plan), stamps)


def _report_key(plan: Plan) -> tuple:
    return "checks", plan.id, plan.key, plan.renstra_id


TARGET_RULES = ("T01", "T03", "T04")  # what the target grid says beside itself when saved


def target_findings(s: Session, plan: Plan, indicator_id: int, tree: Tree | None = None) -> list[Finding]:
    """The target rules' open findings on one indicator, shown beside its target grid at once (quarterly
    targets of a ``sum`` indicator that do not add up to the annual target, a missing annual target)."""
    report = run_checks(plan_data(s, plan, tree), only=TARGET_RULES)
    return [f for f in report.open_findings if f.indicator_id == indicator_id]


# ---------------------------------------------------------------- acknowledgements

def _acks(s: Session, plan: Plan):
    return select(FindingAck).where(FindingAck.organization_id == plan.organization_id,
                                    FindingAck.plan_kind == plan.kind, FindingAck.first_year == plan.first_year)


def acknowledged(s: Session, plan: Plan) -> dict[str, str]:
    """Finding keys acknowledged on any version of this plan, with their reasons."""
    return {finding_key(a.rule, a.subject): a.reason for a in s.exec(_acks(s, plan))}


def _subject_plan(s: Session, rule: str, object_id: int) -> Plan:
    if rule not in RULES:
        raise NotFound(f"Aturan '{rule}' tidak dikenal.")
    model = PlanNode if RULES[rule].subject == "node" else Indicator
    obj = s.get(model, object_id)
    if obj is None:
        what = "Simpul" if model is PlanNode else "Indikator"
        raise NotFound(f"{what} tidak ditemukan.")
    return plans.get_plan(s, obj.plan_id)


def _matching(report: CheckReport, rule: str, object_id: int) -> Finding | None:
    attr = "node_id" if RULES[rule].subject == "node" else "indicator_id"
    return next((f for f in report.findings if f.rule == rule and getattr(f, attr) == object_id
                 and (attr == "indicator_id" or f.indicator_id is None)), None)


def acknowledge(s: Session, p: Principal, rule: str, object_id: int, reason: str) -> Finding:
    """A reviewer accepts a finding with a reason. The key is the rule and the subject's codes, so
    the acknowledgement holds for every version of the plan (revisions and next drafts)."""
    plan = _subject_plan(s, rule, object_id)
    require(p, "finding.acknowledge", plan)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("Alasan menerima temuan wajib diisi.", field="reason")
    finding = _matching(check_plan(s, plan), rule, object_id)
    if finding is None:
        raise Invalid(f"Tidak ada temuan {rule} pada objek ini (mungkin sudah diperbaiki).", field="rule")
    row = s.exec(_acks(s, plan).where(FindingAck.rule == rule, FindingAck.subject == finding.subject)).first()
    if row is None:
        row = FindingAck(organization_id=plan.organization_id, plan_kind=plan.kind, first_year=plan.first_year,
                         rule=rule, subject=finding.subject, reason=reason)
    row.reason, row.user_id, row.username, row.plan_id = reason, p.user.id, p.user.username, plan.id
    s.add(row)
    s.flush()
    audit.record(s, "acknowledge", plan, changes={"finding": [None, finding.key]}, note=reason)
    finding.acknowledged, finding.ack_reason = True, reason
    return finding


def withdraw(s: Session, p: Principal, rule: str, object_id: int) -> None:
    """Take an acknowledgement back: the finding counts again."""
    plan = _subject_plan(s, rule, object_id)
    require(p, "finding.acknowledge", plan)
    finding = _matching(check_plan(s, plan), rule, object_id)
    if finding is None or not finding.acknowledged:
        raise Invalid("Temuan ini tidak sedang diterima.", field="rule")
    for row in s.exec(_acks(s, plan).where(FindingAck.rule == rule, FindingAck.subject == finding.subject)):
        s.delete(row)
    s.flush()
    audit.record(s, "unacknowledge", plan, changes={"finding": [finding.key, None]})
