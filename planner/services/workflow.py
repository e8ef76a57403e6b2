"""The review workflow: transitions, revisions (Renja Perubahan) with their diff, review comments.

draft -> submitted -> returned (with a note) | approved -> locked (ditetapkan); admin reopens
with a reason. A locked plan changes only through a revision: a copy marked ``revision_of``.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from planner.errors import Conflict, Invalid, NotFound
from planner.models import AuditEntry, Comment, Indicator, Plan, PlanNode
from planner.models.base import utcnow
from planner.models.workflow import COMMENT_TARGETS
from planner.permissions import Principal, can, require
from planner.services import audit, plan_copy, plans, schedules, versions
from planner.services import action_plans

# action -> (statuses it starts from, status it leads to)
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({"draft", "returned"}, "submitted"),
    "return": ({"submitted"}, "returned"),
    "approve": ({"submitted"}, "approved"),
    "lock": ({"approved"}, "locked"),
    "reopen": ({"submitted", "returned", "approved", "locked"}, "draft"),
}
ACTION_LABELS = {"submit": "Ajukan", "return": "Kembalikan", "approve": "Setujui", "lock": "Tetapkan",
                 "reopen": "Buka kembali"}
NOTE_REQUIRED = {"return", "reopen"}
WINDOW = {"submit": "drafting", "return": "review", "approve": "review"}


def available_actions(p: Principal, plan: Plan) -> list[str]:
    """The transitions this user may take on this plan now (for the buttons)."""
    return [a for a, (sources, _) in TRANSITIONS.items() if plan.status in sources and can(p, f"plan.{a}", plan)]


@dataclass(frozen=True)
class Decree:
    """The decree (SK) that fixes a plan: its number and date, required at penetapan."""

    number: str = ""
    date: date | None = None


TRUE_WORDS = ("1", "true", "on", "ya", "yes")


def decree_from(data) -> Decree:
    """The decree as a form or the API sends it: ``decree_number`` and ``decree_date`` (YYYY-MM-DD)."""
    raw = data.get("decree_date")
    when = None
    if isinstance(raw, date):
        when = raw
    elif raw not in (None, ""):
        try:
            when = date.fromisoformat(str(raw).strip())
        except ValueError as exc:
            raise Invalid(f"Tanggal SK '{raw}' tidak sah; tulis sebagai tahun-bulan-tanggal (2026-01-10).",
                          field="decree_date") from exc
    return Decree(str(data.get("decree_number") or ""), when)


def transition_options(data) -> dict:
    """The keyword arguments of :func:`transition` read from a form or a JSON body."""
    return {"decree": decree_from(data),
            "confirm_open_comments": str(data.get("confirm_open_comments", "")).strip().lower() in TRUE_WORDS,
            "override_reason": str(data.get("override_reason") or ""), "grade": data.get("grade")}


def transition(s: Session, p: Principal, plan: Plan, action: str, note: str = "", today: date | None = None, *,
               decree: Decree | None = None, confirm_open_comments: bool = False,
               override_reason: str = "", grade=None) -> Plan:
    """Move ``plan`` along the workflow, enforcing every rule of the step.

    ``submit`` runs the plan's basic checks first; ``approve`` with comments still open needs
    ``confirm_open_comments``; ``lock`` (penetapan) needs the decree (SK number and date) and refuses a
    Renja whose Renstra is not fixed, unless an admin overrides with a reason (recorded).

    A trainee's plan in a training sandbox moves its assignment along with it, whichever door the transition
    came through (the training review, the plan page, the API): ``approve`` there is the instructor's
    acceptance and needs the ``grade`` (``planner.services.training.review.follow``)."""
    from planner.services.training import review as training_review  # training reviews through here: import late

    if action not in TRANSITIONS:
        raise Invalid(f"Tindakan '{action}' tidak dikenal: {', '.join(TRANSITIONS)}.", field="action")
    require(p, f"plan.{action}", plan)
    sources, target = TRANSITIONS[action]
    if plan.status not in sources:
        raise Conflict(f"Rencana berstatus '{plan.status_label}' tidak dapat di-{ACTION_LABELS[action].lower()}.",
                       field="status")
    note = (note or "").strip()
    if action in NOTE_REQUIRED and not note:
        raise Invalid("Catatan/alasan wajib diisi untuk tindakan ini.", field="note")
    if action in WINDOW:
        schedules.check_window(s, plan.organization_id, plan.first_year, WINDOW[action], today)
    changes: dict[str, list] = {}
    if action == "submit":
        check_submission(s, plan)
    elif action == "approve":
        _check_open_comments(s, plan, confirm_open_comments)
    elif action == "lock":
        changes.update(_fix(s, p, plan, decree or Decree(), override_reason))
    training_review.follow(s, p, plan, action, target, note, grade)  # before the status changes: it may refuse
    old = plan.status
    plan.status, plan.updated_at = target, utcnow()
    s.add(plan)
    s.flush()
    audit.record(s, action, plan, changes={"status": [old, target], **changes}, note=note)
    return plan


def return_notes(s: Session, plans_: list[Plan]) -> dict[int, AuditEntry]:
    """The reviewer's latest return note of each returned plan (one statement): shown to the penyusun on
    the plan and in "Tugas saya" until the plan is submitted again."""
    ids = [pl.id for pl in plans_ if pl.status == "returned"]
    if not ids:
        return {}
    rows = s.exec(select(AuditEntry).where(AuditEntry.object_type == "plan", AuditEntry.object_id.in_(ids),
                                           AuditEntry.action == "return")
                  .order_by(AuditEntry.at, AuditEntry.id)).all()
    return {e.object_id: e for e in rows}  # the latest wins


def return_note(s: Session, plan: Plan) -> AuditEntry | None:
    return return_notes(s, [plan]).get(plan.id)


def check_submission(s: Session, plan: Plan) -> None:
    """The plan's basic checks before it goes to review: it has nodes and indicators, and the plan
    checks' submission rules (``calc.checks.SUBMISSION_RULES``) find no open error. Refused with every
    problem named."""
    from planner.calc.checks import SUBMISSION_RULES
    from planner.services import checks  # checks reads worksheets, which read plans: import late

    tree = plans.load_tree(s, plan)
    problems = []
    if not tree.by_id:
        problems.append("rencana belum memiliki simpul (program/kegiatan/sasaran)")
    elif not tree.indicator_count:
        problems.append("rencana belum memiliki indikator")
    else:
        report = checks.check_plan(s, plan, tree)
        errors = [f for f in report.open_findings if f.severity == "error" and f.rule in SUBMISSION_RULES]
        problems.extend(f"{f.rule} {f.subject}: {f.message}" for f in errors[:10])
        if len(errors) > 10:
            problems.append(f"dan {len(errors) - 10} temuan galat lain")
    if problems:
        raise Invalid("Rencana belum dapat diajukan: " + "; ".join(problems)
                      + ". Perbaiki dulu (lihat Temuan pemeriksaan) atau minta reviewer menerima temuannya.",
                      field="checks")


def _check_open_comments(s: Session, plan: Plan, confirmed: bool) -> None:
    count = open_comment_counts(s, [plan.id]).get(plan.id, 0)
    if count and not confirmed:
        raise Conflict(f"Masih ada {count} komentar reviu terbuka. Tandai selesai dulu, atau konfirmasi "
                       "bahwa rencana tetap disetujui dengan komentar terbuka.", field="confirm_open_comments")


def renstra_fixed(s: Session, plan: Plan) -> Plan | None:
    """The Renstra a Renja refers to when no version of it is fixed (None: fixed, or no Renstra)."""
    if plan.kind != "renja" or not plan.renstra_id:
        return None
    renstra = s.get(Plan, plan.renstra_id)
    if renstra is None:
        return None
    return None if any(v.status == "locked" for v in versions.versions(s, renstra)) else renstra


def _fix(s: Session, p: Principal, plan: Plan, decree: Decree, override_reason: str) -> dict[str, list]:
    """Penetapan: the decree is recorded; a Renja waits for its Renstra unless an admin overrides."""
    number = (decree.number or "").strip()
    if not number:
        raise Invalid("Nomor SK penetapan wajib diisi.", field="decree_number")
    if len(number) > 100:
        raise Invalid("Nomor SK paling panjang 100 karakter.", field="decree_number")
    if decree.date is None:
        raise Invalid("Tanggal SK penetapan wajib diisi.", field="decree_date")
    changes: dict[str, list] = {"decree_number": [plan.decree_number or None, number],
                                "decree_date": [plan.decree_date.isoformat() if plan.decree_date else None,
                                                decree.date.isoformat()]}
    draft = renstra_fixed(s, plan)
    if draft is not None:
        reason = (override_reason or "").strip()
        if not p.is_admin:
            raise Conflict(f"Renja belum dapat ditetapkan: Renstra {draft.period_label} yang diacunya belum "
                           "ditetapkan. Tetapkan Renstra dulu (atau admin dapat menetapkan dengan alasan).",
                           field="renstra_id")
        if not reason:
            raise Invalid("Renstra yang diacu belum ditetapkan: alasan penetapan tanpa Renstra wajib diisi.",
                          field="override_reason")
        if len(reason) > 1000:
            raise Invalid("Alasan paling panjang 1.000 karakter.", field="override_reason")
        changes["override_reason"] = [None, reason]
    plan.decree_number, plan.decree_date = number, decree.date
    return changes


# ---------------------------------------------------------------- revisions

def create_revision(s: Session, p: Principal, plan: Plan, reason: str) -> Plan:
    """Open a revision of a locked plan: a full copy (targets and pagu included) in draft."""
    require(p, "plan.revise", plan)
    if plan.status != "locked":
        raise Conflict("Revisi hanya dapat dibuka dari rencana yang sudah ditetapkan.", field="status")
    if not (reason or "").strip():
        raise Invalid("Alasan revisi wajib diisi.", field="reason")
    open_rev = s.exec(select(Plan).where(Plan.revision_of_id == plan.id, Plan.status != "locked")).first()
    if open_rev:
        raise Conflict(f"Revisi '{open_rev.name}' masih terbuka.", field="revision_of_id")
    number = s.exec(select(func.max(Plan.revision_number)).where(
        Plan.organization_id == plan.organization_id, Plan.kind == plan.kind, Plan.first_year == plan.first_year)).one()
    rev = Plan(key=plan.key, organization_id=plan.organization_id, kind=plan.kind, scheme_id=plan.scheme_id,
               first_year=plan.first_year, last_year=plan.last_year, renstra_id=plan.renstra_id,
               name=_revision_name(plan.name, (number or 0) + 1), vision=plan.vision, missions=plan.missions,
               revision_number=(number or 0) + 1, revision_of_id=plan.id, revision_reason=reason.strip())
    s.add(rev)
    s.flush()
    tree = plans.load_tree(s, plan)
    plan_copy.clone_nodes(s, tree.roots, rev, None, None, lambda ind: plan_copy.targets_in(tree, ind), keep_pagu=True,
                      version_of=tree)
    action_plans.copy_to_revision(s, plan, rev)  # the steps and their statuses follow the version
    audit.record(s, "revise", rev, changes={"revision_of_id": [None, plan.id]}, note=reason.strip())
    return rev


def _revision_name(name: str, number: int) -> str:
    base = name.split(" (Perubahan")[0]
    return f"{base} (Perubahan {number})"


@dataclass
class Change:
    kind: str  # added, removed, changed
    what: str  # node, indicator, target
    label: str
    fields: dict[str, tuple] = field(default_factory=dict)


@dataclass
class PlanDiff:
    base: Plan
    revision: Plan
    changes: list[Change]

    @property
    def counts(self) -> Counter:
        return Counter(c.kind for c in self.changes)


NODE_FIELDS = ("code", "name", "pagu", "activity_type", "unit_in_charge", "location", "funding_source", "serves_id")
INDICATOR_FIELDS = ("code", "name", "level", "unit", "definition", "formula", "data_source", "collection_method",
                    "frequency", "responsible", "baseline_value", "baseline_year", "polarity", "accumulation",
                    "target_type", "weight")


def diff(s: Session, revision: Plan) -> PlanDiff:
    """What the revision changed against the fixed plan it revises."""
    if revision.revision_of_id is None:
        raise NotFound("Rencana ini bukan revisi.")
    return compare(s, plans.get_plan(s, revision.revision_of_id), revision)


def compare(s: Session, base: Plan, revision: Plan) -> PlanDiff:
    """What changed from one version of a plan to another (any two, either order), matched by lineage key."""
    if base.key != revision.key:
        raise Invalid("Hanya versi dari rencana yang sama yang dapat dibandingkan.", field="base")
    old, new = plans.load_tree(s, base), plans.load_tree(s, revision)
    old_by_key = {tn.node.key: tn for tn in old.walk()}
    new_keys = {tn.node.key for tn in new.walk()}
    changes: list[Change] = []
    for tn in old.walk():
        if tn.node.key not in new_keys:
            changes.append(Change("removed", "node", f"{tn.node.code} {tn.node.name}"))
    for tn in new.walk():
        before = old_by_key.get(tn.node.key)
        if before is None:
            changes.append(Change("added", "node", f"{tn.node.code} {tn.node.name}"))
            continue
        fields = _fields(before.node, tn.node, NODE_FIELDS)
        if fields:
            changes.append(Change("changed", "node", f"{tn.node.code} {tn.node.name}", fields))
        changes.extend(_indicator_changes(old, new, before, tn))
    return PlanDiff(base=base, revision=revision, changes=changes)


def _fields(a, b, names) -> dict[str, tuple]:
    return {f: (getattr(a, f), getattr(b, f)) for f in names if getattr(a, f) != getattr(b, f)}


def _indicator_changes(old, new, before, after) -> list[Change]:
    out = []
    olds = {i.key: i for i in before.indicators}
    seen = set()
    for ind in after.indicators:
        prev = olds.get(ind.key)
        if prev is None:
            out.append(Change("added", "indicator", ind.name))
            continue
        seen.add(prev.id)
        fields = _fields(prev, ind, INDICATOR_FIELDS)
        if fields:
            out.append(Change("changed", "indicator", ind.name, fields))
        t_old, t_new = old.target_map(prev.id), new.target_map(ind.id)
        for key in sorted(set(t_old) | set(t_new)):
            a, b = _target_text(t_old.get(key)), _target_text(t_new.get(key))
            if a != b:
                out.append(Change("changed", "target", f"{ind.name} · {key[1]} {key[0]}", {"target": (a, b)}))
    out.extend(Change("removed", "indicator", i.name) for i in before.indicators if i.id not in seen)
    return out


def _target_text(t) -> str | None:
    if t is None:
        return None
    if t.text:
        return t.text
    if t.lower is not None:
        return f"{t.lower:g}–{t.upper:g}"
    return None if t.value is None else f"{t.value:g}"


# ---------------------------------------------------------------- comments

def add_comment(s: Session, p: Principal, plan: Plan, body: str, object_type: str = "plan",
                object_id: int | None = None, parent_id: int | None = None) -> Comment:
    require(p, "comment.create", plan)
    from planner.services.comments import check_body

    body = check_body(body)
    if object_type not in COMMENT_TARGETS:
        raise Invalid(f"Komentar hanya untuk {', '.join(COMMENT_TARGETS)}.", field="object_type")
    if object_type != "plan":
        model = PlanNode if object_type == "node" else Indicator
        obj = s.get(model, object_id) if object_id else None
        if obj is None or obj.plan_id != plan.id:
            raise Invalid("Objek komentar tidak ada di rencana ini.", field="object_id")
    if parent_id is not None:
        parent = s.get(Comment, parent_id)
        if parent is None or parent.plan_id != plan.id:
            raise Invalid("Komentar induk tidak ditemukan.", field="parent_id")
        object_type, object_id = parent.object_type, parent.object_id
    c = Comment(plan_id=plan.id, object_type=object_type, object_id=object_id if object_type != "plan" else None,
                parent_id=parent_id, author_id=p.user.id, body=body.strip())
    s.add(c)
    s.flush()
    return c


def get_comment(s: Session, comment_id: int) -> Comment:
    comment = s.get(Comment, comment_id)
    if comment is None:
        raise NotFound("Komentar tidak ditemukan.")
    return comment


def resolve_comment(s: Session, p: Principal, comment: Comment) -> Comment:
    plan = plans.get_plan(s, comment.plan_id)
    require(p, "comment.resolve", plan)
    if comment.parent_id is not None:
        raise Invalid("Tandai selesai pada komentar utama, bukan balasan.", field="parent_id")
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by_id = utcnow(), p.user.id
        s.add(comment)
        s.flush()
    return comment


def comments(s: Session, plan_id: int) -> list[Comment]:
    return list(s.exec(select(Comment).where(Comment.plan_id == plan_id).order_by(Comment.created_at, Comment.id)))


def threads(rows: list[Comment]) -> list[tuple[Comment, list[Comment]]]:
    replies: dict[int, list[Comment]] = {}
    for c in rows:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in rows if c.parent_id is None]


def open_comment_counts(s: Session, plan_ids: list[int]) -> dict[int, int]:
    if not plan_ids:
        return {}
    rows = s.exec(select(Comment.plan_id, func.count()).where(
        Comment.plan_id.in_(plan_ids), Comment.parent_id.is_(None), Comment.resolved_at.is_(None))
        .group_by(Comment.plan_id)).all()
    return dict(rows)


def review_queue(s: Session, p: Principal) -> list[tuple[Plan, int]]:
    """Plans waiting for review across the reviewer's scope, with their open comments."""
    scope = None if p.is_admin else p.scopes.get("reviewer", set()) | p.scopes.get("pimpinan", set())
    waiting = plans.list_plans(s, scope)
    waiting = [pl for pl in waiting if pl.status in ("submitted", "returned")]
    counts = open_comment_counts(s, [pl.id for pl in waiting])
    return [(pl, counts.get(pl.id, 0)) for pl in waiting]
