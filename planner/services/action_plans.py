"""Action plans (rencana aksi, issue #17): the steps of a kegiatan / sub kegiatan / KRO / RO, their schedule,
owner, output and budget share, the indicator target they serve, their dependencies, and their status.

Writes (flush, never commit) enforce every rule themselves:

* ``save_action_plan(s, p, node, items)`` replaces a node's steps (PUT semantics: listed steps are created or
  updated, the others removed) while the plan is editable (``plans.ensure_editable``) and ``plan.edit`` holds;
* ``set_status(s, p, step, data)`` marks a step done / late / dropped (or back to planned) with ``realization.edit``
  while the period of the day it marks is open (not closed by monitoring);
* ``copy_to_revision(s, base, revision)`` carries the steps and their statuses onto a Renja Perubahan
  (called by ``workflow.create_revision``).

Reads gather rows in a fixed number of statements and leave every judgement (window, state, completion,
flags, where a bar is drawn) to ``planner.calc.schedule``.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Iterable, Optional

from sqlalchemy import delete, func
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from planner import periods
from planner.calc import schedule
from planner.calc.formatting import format_rupiah
from planner.errors import Conflict, Invalid, NotFound
from planner.models import Indicator, Membership, Organization, PeriodLock, Plan, PlanNode, User
from planner.models.action_plan import ACTION_NODE_KINDS, ActionStep, ActionStepLink, StatusIn, StepIn
from planner.models.base import utcnow
from planner.permissions import Principal, require
from planner.services import audit, orgs, plans

MAX_STEPS = 200
MARK_NEEDS_NOTE = ("late", "dropped")


def _step_context(session: OrmSession, step: ActionStep) -> dict:
    return {"plan_id": step.plan_id, "node_id": step.node_id, "indicator_id": step.indicator_id}


audit.register(ActionStep, "action_step", lambda o: o.name, _step_context)


# ---------------------------------------------------------------- lookups

def check_node(node: PlanNode) -> None:
    if node.kind not in ACTION_NODE_KINDS:
        raise NotFound("Rencana aksi hanya untuk kegiatan, sub kegiatan, KRO atau RO.", field="node")


def get_step(s: Session, step_id: int) -> ActionStep:
    step = s.get(ActionStep, step_id)
    if step is None:
        raise NotFound("Langkah rencana aksi tidak ditemukan.")
    return step


def _renja(plan: Plan) -> None:
    if plan.kind != "renja":
        raise Invalid("Rencana aksi disusun pada Renja (rencana tahunan), bukan Renstra.", field="plan")


def node_steps(s: Session, node_id: int) -> list[ActionStep]:
    return list(s.exec(select(ActionStep).where(ActionStep.node_id == node_id)
                       .order_by(ActionStep.position, ActionStep.id)))


def links_of(s: Session, step_ids: Iterable[int]) -> dict[int, list[int]]:
    """``step -> prerequisites`` for the given steps, in one statement."""
    out: dict[int, list[int]] = defaultdict(list)
    for link in s.exec(select(ActionStepLink).where(ActionStepLink.step_id.in_(list(step_ids)))
                       .order_by(ActionStepLink.id)):
        out[link.step_id].append(link.prerequisite_id)
    return dict(out)


def step_choices(s: Session, plan: Plan) -> list[tuple[int, str]]:
    """Every step of the plan as "code · name", for choosing prerequisites."""
    rows = s.exec(select(ActionStep.id, ActionStep.name, PlanNode.code).join(PlanNode, ActionStep.node_id == PlanNode.id)
                  .where(ActionStep.plan_id == plan.id).order_by(PlanNode.code, ActionStep.position)).all()
    return [(sid, f"{code} · {name}") for sid, name, code in rows]


def owner_choices(s: Session, plan: Plan) -> list[User]:
    """Accounts working in the plan's organisation or above it (a role holds for the sub-units)."""
    all_orgs = {o.id: o for o in orgs.all_orgs(s)}
    chain, org = [], all_orgs.get(plan.organization_id)
    while org is not None:
        chain.append(org.id)
        org = all_orgs.get(org.parent_id) if org.parent_id else None
    return list(s.exec(select(User).join(Membership, Membership.user_id == User.id)
                       .where(Membership.organization_id.in_(chain), User.is_active == True)  # noqa: E712
                       .distinct().order_by(User.username)))


# ---------------------------------------------------------------- writing the plan's steps

def _where(i: int) -> str:
    return f"Langkah {i + 1}"


def _check_schedule(plan: Plan, item: StepIn, i: int) -> list[int]:
    year = plan.first_year
    months = sorted(set(item.months))
    bad = [m for m in months if not 1 <= m <= 12]
    if bad:
        raise Invalid(f"{_where(i)}: bulan {bad[0]} tidak ada; isi bulan 1–12.", field=f"steps.{i}.months")
    for key, day in (("start", item.start), ("end", item.end)):
        if day is not None and day.year != year:
            raise Invalid(f"{_where(i)}: tanggal {day.isoformat()} di luar tahun Renja {year}.",
                          field=f"steps.{i}.{key}")
    if item.start and item.end and item.start > item.end:
        raise Invalid(f"{_where(i)}: tanggal mulai setelah tanggal selesai.", field=f"steps.{i}.end")
    if not months and not (item.start or item.end):
        raise Invalid(f"{_where(i)}: tandai bulan pelaksanaan (1–12) atau isi tanggal mulai dan selesai.",
                      field=f"steps.{i}.months")
    if item.start or item.end:  # dates are the finer schedule: the month marks follow them
        months = schedule.window_months(schedule.window(year, (), item.start, item.end), year)
    return months


def _check_target(s: Session, plan: Plan, item: StepIn, i: int) -> None:
    if item.indicator_id is None:
        if item.period:
            raise Invalid(f"{_where(i)}: periode target diisi tanpa indikator.", field=f"steps.{i}.period")
        return
    ind = s.get(Indicator, item.indicator_id)
    if ind is None or ind.plan_id != plan.id:
        raise Invalid(f"{_where(i)}: indikator tidak ada di rencana ini.", field=f"steps.{i}.indicator_id")
    if item.period:
        allowed = target_periods(ind)
        if item.period not in allowed:
            raise Invalid(f"{_where(i)}: periode '{item.period}' bukan periode target indikator ini; pilih "
                          f"{', '.join(allowed)}.", field=f"steps.{i}.period")


def target_periods(ind: Indicator) -> list[str]:
    """The periods whose target a step may serve: the year, and any period as fine as the indicator reports
    or coarser (a monthly indicator has quarterly and semester targets too)."""
    finer = {"monthly": 3, "quarterly": 2, "semester": 1}.get(ind.frequency, 0)
    groups = [periods.SEMESTERS, periods.QUARTERS, periods.MONTH_CODES][:finer]
    return [periods.ANNUAL] + [code for group in groups for code in group]


def _owner(s: Session, item: StepIn, i: int) -> tuple[Optional[int], str]:
    """An account when the owner names one (by username), else the text as typed (a person or unit)."""
    if item.owner_user_id is not None:
        user = s.get(User, item.owner_user_id)
        if user is None:
            raise Invalid(f"{_where(i)}: akun penanggung jawab tidak ditemukan.", field=f"steps.{i}.owner")
        return user.id, ""
    text = item.owner.lstrip("@")
    user = s.exec(select(User).where(func.lower(User.username) == text.lower())).first() if text else None
    return (user.id, "") if user is not None else (None, item.owner)


def _check_budget(node: PlanNode, items: list[StepIn]) -> None:
    total = sum((it.budget for it in items if it.budget is not None), Decimal(0))
    if node.pagu is not None and total > node.pagu:
        raise Invalid(f"Jumlah porsi anggaran langkah ({format_rupiah(total)}) melebihi pagu {node.code} "
                      f"({format_rupiah(node.pagu)}).", field="steps")


def save_action_plan(s: Session, p: Principal, node: PlanNode, items: list[StepIn],
                     today: date | None = None) -> list[ActionStep]:
    """Replace the node's steps with ``items``, all or nothing (the caller's one transaction)."""
    check_node(node)
    plan = plans.get_plan(s, node.plan_id)
    require(p, "plan.edit", plan)
    _renja(plan)
    plans.ensure_editable(s, plan, today)
    if len(items) > MAX_STEPS:
        raise Invalid(f"Paling banyak {MAX_STEPS} langkah per kegiatan.", field="steps")
    existing = {st.id: st for st in node_steps(s, node.id)}
    seen: set[int] = set()
    rows: list[ActionStep] = []
    for i, item in enumerate(items):
        months = _check_schedule(plan, item, i)
        _check_target(s, plan, item, i)
        owner_id, owner_text = _owner(s, item, i)
        if item.id is not None:
            step = existing.get(item.id)
            if step is None or item.id in seen:
                raise Invalid(f"{_where(i)}: langkah #{item.id} bukan langkah kegiatan ini.", field=f"steps.{i}.id")
            if item.version is not None and item.version != step.version:
                raise Conflict(f"{_where(i)} ('{step.name}') telah diubah orang lain sejak Anda membukanya; muat "
                               "ulang lalu ulangi.", field=f"steps.{i}.version")
            seen.add(item.id)
        else:
            step = ActionStep(plan_id=plan.id, node_id=node.id, name=item.name)
        values = dict(position=i, name=item.name, months=",".join(map(str, months)), start_date=item.start,
                      end_date=item.end, owner_user_id=owner_id, owner_text=owner_text, output=item.output,
                      volume=item.volume, unit=item.unit, budget=item.budget, indicator_id=item.indicator_id,
                      period=item.period if item.indicator_id else None)
        changed = any(getattr(step, k) != v for k, v in values.items() if k != "position")
        for key, value in values.items():
            setattr(step, key, value)
        if step.id is not None and changed:
            step.version += 1
        s.add(step)
        rows.append(step)
    _check_budget(node, items)
    gone = [st for sid, st in existing.items() if sid not in seen]
    if gone:
        from planner.services import step_evidence  # it reads this module: imported late

        step_evidence.drop_for_steps(s, [st.id for st in gone])
    for st in gone:
        s.delete(st)
    s.flush()
    _save_links(s, plan, rows, items)
    return rows


def _save_links(s: Session, plan: Plan, rows: list[ActionStep], items: list[StepIn]) -> None:
    wanted: dict[int, set[int]] = {}
    for i, (step, item) in enumerate(zip(rows, items)):
        pre_ids = set(item.depends_on)
        if step.id in pre_ids:
            raise Invalid(f"{_where(i)}: langkah tidak dapat bergantung pada dirinya sendiri.",
                          field=f"steps.{i}.depends_on")
        wanted[step.id] = pre_ids
    asked = set().union(*wanted.values()) if wanted else set()
    known = set(s.exec(select(ActionStep.id).where(ActionStep.plan_id == plan.id, ActionStep.id.in_(asked)))) \
        if asked else set()
    for i, step in enumerate(rows):
        unknown = sorted(wanted[step.id] - known)
        if unknown:
            raise Invalid(f"{_where(i)}: langkah prasyarat #{unknown[0]} tidak ada di rencana ini.",
                          field=f"steps.{i}.depends_on")
    ids = [st.id for st in rows]
    s.exec(delete(ActionStepLink).where(ActionStepLink.step_id.in_(ids)))
    s.add_all(ActionStepLink(step_id=sid, prerequisite_id=pre) for sid, pres in wanted.items() for pre in sorted(pres))
    s.flush()
    plan_steps = s.exec(select(ActionStep.id).where(ActionStep.plan_id == plan.id)).all()
    cycle = schedule.find_cycle(links_of(s, plan_steps))
    if cycle:
        names = {st.id: st.name for st in rows}
        path = " → ".join(names.get(c, f"#{c}") for c in cycle)
        raise Invalid(f"Ketergantungan melingkar: {path}.", field="steps")


# ---------------------------------------------------------------- monitoring a step

def _check_url(url: str | None) -> Optional[str]:
    """An empty link clears the mark's link; any other is checked as every evidence link is."""
    from planner.services.monitoring.evidence import check_url  # monitoring reads plans: imported late

    url = (url or "").strip()
    return check_url(url) if url else None


def closed_month(s: Session, plan: Plan, day: date) -> Optional[str]:
    """The closed reporting period that contains ``day``'s month (closing TW1 closes January–March)."""
    from planner.services.monitoring import contains  # monitoring reads plans; imported late to stay light

    month = f"M{day.month:02d}"
    locks = s.exec(select(PeriodLock.period).where(PeriodLock.plan_id == plan.id, PeriodLock.year == day.year,
                                                   PeriodLock.closed == True)).all()  # noqa: E712
    return next((code for code in locks if contains(code, month)), None)


def set_status(s: Session, p: Principal, step: ActionStep, data: StatusIn, today: date | None = None) -> ActionStep:
    plan = plans.get_plan(s, step.plan_id)
    require(p, "realization.edit", plan)
    _renja(plan)
    today = today or date.today()
    if data.version is not None and data.version != step.version:
        raise Conflict(f"Langkah '{step.name}' telah diubah orang lain sejak Anda membukanya; muat ulang lalu ulangi.",
                       field="version")
    on = data.on or today
    if data.status == "planned":
        on = step.status_on or on  # undoing a mark touches the period of that mark
    if on.year != plan.first_year:
        raise Invalid(f"Tanggal {on.isoformat()} di luar tahun Renja {plan.first_year}.", field="on")
    if on > today:
        raise Invalid("Tanggal penandaan tidak boleh di masa depan.", field="on")
    closed = closed_month(s, plan, on)
    if closed is not None:
        raise Conflict(f"Periode {periods.label(closed)} {on.year} sudah ditutup; minta reviewer membukanya kembali "
                       "untuk mengubah status langkah.", field="on")
    note, old = data.note, step.status
    if data.status in MARK_NEEDS_NOTE and not note:
        raise Invalid("Catatan wajib diisi: sebutkan penyebab keterlambatan atau alasan pembatalan.", field="note")
    if data.status == "planned":
        step.status, step.status_on, step.status_note, step.evidence_url = "planned", None, "", None
    else:
        step.status, step.status_on, step.status_note = data.status, on, note
        step.evidence_url = _check_url(data.evidence_url) if data.evidence_url is not None else step.evidence_url
    step.status_by_id, step.status_at = (p.user.id if p.user else None), utcnow()
    step.version += 1
    s.add(step)
    s.flush()
    if data.status != "planned" and step.evidence_url:
        from planner.services import step_evidence

        step_evidence.link_row(s, step, step.evidence_url)  # the mark's link joins the step's evidence list
    # The trail leaves status columns to explicit entries (as for plan transitions): say what was marked.
    audit.record(s, "mark", step, changes={"status": [old, step.status]}, note=note)
    return step


# ---------------------------------------------------------------- versions

def copy_to_revision(s: Session, base: Plan, revision: Plan) -> int:
    """Carry ``base``'s steps, statuses and dependencies onto the revision's copies of their nodes (matched
    through ``source_id``, as the diff does); returns how many steps were copied."""
    node_map = dict(s.exec(select(PlanNode.source_id, PlanNode.id).where(PlanNode.plan_id == revision.id)).all())
    ind_map = dict(s.exec(select(Indicator.source_id, Indicator.id).where(Indicator.plan_id == revision.id)).all())
    steps = list(s.exec(select(ActionStep).where(ActionStep.plan_id == base.id).order_by(ActionStep.id)))
    copies: dict[int, ActionStep] = {}
    skip = {"id", "plan_id", "node_id", "indicator_id", "source_id", "version", "created_at"}
    for st in steps:
        if st.node_id not in node_map:
            continue
        data = {k: v for k, v in st.model_dump().items() if k not in skip}
        copies[st.id] = ActionStep(**data, plan_id=revision.id, node_id=node_map[st.node_id],
                                   indicator_id=ind_map.get(st.indicator_id), source_id=st.id)
    s.add_all(copies.values())
    s.flush()
    for old_step, pres in links_of(s, copies).items():
        s.add_all(ActionStepLink(step_id=copies[old_step].id, prerequisite_id=copies[pre].id)
                  for pre in pres if pre in copies)
    s.flush()
    from planner.services import step_evidence

    step_evidence.copy_to(s, copies)
    return len(copies)


# ---------------------------------------------------------------- read side

@dataclass
class StepRow:
    """A step as the timeline, the tables and the API show it."""

    step: ActionStep
    window: Optional[schedule.Window]
    state: str
    months: list[int]
    bars: list[tuple[float, float]]
    owner: str  # the account's name, or the text
    owner_username: Optional[str]
    depends_on: list[int]
    indicator: Optional[Indicator]

    @property
    def behind(self) -> bool:
        return schedule.is_behind(self.state)


@dataclass
class Group:
    """The steps of one activity, with the program and kegiatan above it (for the tables and Excel)."""

    plan: Plan
    node: PlanNode
    program: Optional[PlanNode]
    kegiatan: Optional[PlanNode]
    rows: list[StepRow] = field(default_factory=list)

    @property
    def completion_items(self) -> list[tuple[str, Optional[schedule.Window]]]:
        return [(r.state, r.window) for r in self.rows]


@dataclass
class Timeline:
    year: int
    today: date
    groups: list[Group]
    today_line: Optional[float]
    owners: list[str]  # every owner shown, for the person filter
    clashes: list[tuple[StepRow, StepRow]]  # steps scheduled before their prerequisite

    @property
    def rows(self) -> list[StepRow]:
        return [r for g in self.groups for r in g.rows]

    def completion(self, day: date) -> schedule.Completion:
        return schedule.completion(((r.state, r.window) for r in self.rows), day)


def _owner_label(step: ActionStep, users: dict[int, User]) -> tuple[str, Optional[str]]:
    user = users.get(step.owner_user_id) if step.owner_user_id else None
    if user is None:
        return step.owner_text, None
    return (user.full_name or user.username), user.username


def timeline(s: Session, plan_list: list[Plan], today: date | None = None, node_id: int | None = None,
             owner: str | None = None, year: int | None = None, nodes: dict[int, PlanNode] | None = None,
             with_indicators: bool = True) -> Timeline:
    """The steps of some plans (one activity when ``node_id`` is given), grouped by activity in tree order;
    ``owner`` keeps the steps of one person (a username or the owner's text). Five statements whatever the
    size (steps, nodes, owners, indicators, dependencies); a caller that holds the plan's nodes already (the
    dashboard) passes them, and one that shows no indicator skips them."""
    today = today or date.today()
    year = year or (plan_list[0].first_year if plan_list else today.year)
    plan_ids = [pl.id for pl in plan_list]
    by_plan = {pl.id: pl for pl in plan_list}
    q = select(ActionStep).where(ActionStep.plan_id.in_(plan_ids))
    if node_id is not None:
        q = q.where(ActionStep.node_id == node_id)
    steps = list(s.exec(q.order_by(ActionStep.position, ActionStep.id)))
    if nodes is None:
        nodes = {n.id: n for n in s.exec(select(PlanNode).where(PlanNode.plan_id.in_(plan_ids))
                                         .order_by(PlanNode.position, PlanNode.id))}
    user_ids = {st.owner_user_id for st in steps if st.owner_user_id}
    users = {u.id: u for u in s.exec(select(User).where(User.id.in_(user_ids)))}
    ind_ids = {st.indicator_id for st in steps if st.indicator_id}
    inds = {i.id: i for i in s.exec(select(Indicator).where(Indicator.id.in_(ind_ids)))} if with_indicators else {}
    links = links_of(s, [st.id for st in steps])
    rows_by_id: dict[int, StepRow] = {}
    groups: dict[int, Group] = {}
    owners: set[str] = set()
    for st in steps:
        w = schedule.window(year, st.month_list, st.start_date, st.end_date)
        label, username = _owner_label(st, users)
        if label:
            owners.add(username or label)
        row = StepRow(st, w, schedule.state(st.status, w, today, st.status_on),
                      st.month_list or schedule.window_months(w, year),
                      schedule.bars(year, st.month_list, st.start_date, st.end_date), label, username,
                      links.get(st.id, []), inds.get(st.indicator_id))
        rows_by_id[st.id] = row
        if owner and owner not in (username, label):
            continue
        if st.node_id not in groups:
            node = nodes[st.node_id]
            groups[st.node_id] = Group(by_plan[st.plan_id], node, *_ancestors(node, nodes))
        groups[st.node_id].rows.append(row)
    order = _tree_order(nodes)
    ordered = sorted(groups.values(), key=lambda g: (plan_ids.index(g.plan.id), order.get(g.node.id, 0)))
    windows = {sid: r.window for sid, r in rows_by_id.items()}
    clashes = [(rows_by_id[a], rows_by_id[b]) for a, b in schedule.dependency_clashes(windows, links)
               if b in rows_by_id]
    return Timeline(year, today, ordered, schedule.today_line(today, year), sorted(owners, key=str.lower), clashes)


def _ancestors(node: PlanNode, nodes: dict[int, PlanNode]) -> tuple[Optional[PlanNode], Optional[PlanNode]]:
    program = kegiatan = None
    cur: Optional[PlanNode] = node
    while cur is not None:
        if cur.kind == "program":
            program = cur
        elif cur.kind == "kegiatan":
            kegiatan = cur
        cur = nodes.get(cur.parent_id) if cur.parent_id else None
    return program, kegiatan


def _tree_order(nodes: dict[int, PlanNode]) -> dict[int, int]:
    children: dict[Optional[int], list[PlanNode]] = defaultdict(list)
    for n in nodes.values():
        children[n.parent_id].append(n)
    order: dict[int, int] = {}
    stack = list(reversed(children[None]))
    while stack:
        n = stack.pop()
        order[n.id] = len(order)
        stack.extend(reversed(children[n.id]))
    return order


def current_plans(s: Session, org_ids: Iterable[int] | None, year: int) -> list[Plan]:
    """The Renja of the year in force for each organisation: its latest version (a Perubahan carries the steps
    and their statuses, so the earlier version's steps are history)."""
    q = select(Plan).where(Plan.kind == "renja", Plan.first_year == year)
    if org_ids is not None:
        q = q.where(Plan.organization_id.in_(list(org_ids)))
    latest: dict[int, Plan] = {}
    for pl in s.exec(q.order_by(Plan.organization_id, Plan.revision_number)):
        latest[pl.organization_id] = pl
    return sorted(latest.values(), key=lambda pl: pl.organization_id)


def unit_plans(s: Session, org: Organization, year: int) -> list[Plan]:
    """The Renja in force of a unit and its sub-units for a year."""
    return current_plans(s, orgs.descendants(orgs.all_orgs(s), {org.id}), year)


@dataclass
class MyMonth:
    due: list[tuple[Plan, PlanNode, StepRow]]  # steps running this month, not finished
    overdue: list[tuple[Plan, PlanNode, StepRow]]  # late or past their window


def my_month(s: Session, user: User, today: date | None = None) -> MyMonth:
    """The signed-in user's steps (owner = their account) due this month and overdue, across the plans in force."""
    today = today or date.today()
    first, last = schedule.month_bounds(today.year, today.month)
    steps = list(s.exec(select(ActionStep).join(Plan, ActionStep.plan_id == Plan.id)
                        .where(ActionStep.owner_user_id == user.id, Plan.kind == "renja",
                               Plan.first_year == today.year, ActionStep.status.in_(("planned", "late")))
                        .order_by(ActionStep.plan_id, ActionStep.position)))
    live = {pl.id: pl for pl in current_plans(s, _plan_orgs(s, steps), today.year)}
    nodes = {n.id: n for n in s.exec(select(PlanNode).where(PlanNode.id.in_({st.node_id for st in steps})))} \
        if steps else {}
    out = MyMonth([], [])
    for st in steps:
        if st.plan_id not in live:
            continue
        w = schedule.window(today.year, st.month_list, st.start_date, st.end_date)
        row = StepRow(st, w, schedule.state(st.status, w, today, st.status_on), st.month_list, [],
                      user.full_name or user.username, user.username, [], None)
        item = (live[st.plan_id], nodes[st.node_id], row)
        if row.behind:
            out.overdue.append(item)
        elif w is not None and w.overlaps(first, last):
            out.due.append(item)
    return out


def _plan_orgs(s: Session, steps: list[ActionStep]) -> set[int]:
    ids = {st.plan_id for st in steps}
    return set(s.exec(select(Plan.organization_id).where(Plan.id.in_(ids)))) if ids else set()


@dataclass
class NodeSchedule:
    """An activity's steps at a day, beside its indicators' status (for the dashboard)."""

    node: PlanNode
    completion: schedule.Completion
    flag: Optional[str]
    behind: list[StepRow]


def schedule_by_node(tl: Timeline, day: date, statuses: dict[int, str]) -> list[NodeSchedule]:
    """Each activity's completion at ``day`` (the end of the dashboard's period) and what stands out against
    ``statuses`` (node id -> the node's achievement status at that period)."""
    out = []
    for g in tl.groups:
        c = schedule.completion(g.completion_items, day)
        out.append(NodeSchedule(g.node, c, schedule.flag(c, statuses.get(g.node.id)),
                                [r for r in g.rows if r.behind]))
    return out


def period_end(year: int, code: str) -> date:
    """The last day of a period code of ``year`` (``TW2`` -> 30 June)."""
    if code == periods.ANNUAL:
        return date(year, 12, 31)
    size = 1 if code in periods.MONTH_CODES else 3 if code in periods.QUARTERS else 6
    return schedule.month_bounds(year, periods.index(code) * size)[1]


# ---------------------------------------------------------------- API shape

def step_json(row: StepRow) -> dict:
    st = row.step
    return {"id": st.id, "name": st.name, "months": row.months,
            "start": st.start_date.isoformat() if st.start_date else None,
            "end": st.end_date.isoformat() if st.end_date else None,
            "owner": row.owner_username or st.owner_text, "owner_name": row.owner, "output": st.output,
            "volume": st.volume, "unit": st.unit, "budget": st.budget, "indicator_id": st.indicator_id,
            "period": st.period, "depends_on": row.depends_on, "status": st.status, "state": row.state,
            "status_on": st.status_on.isoformat() if st.status_on else None, "status_note": st.status_note,
            "evidence_url": st.evidence_url, "version": st.version}
