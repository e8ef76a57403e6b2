"""Classes (angkatan), enrolment with one-time passwords, and sandboxes seeded from a case.

A class is a top-level organisation flagged ``sandbox``; each assignment (a trainee or a group) gets its
own sandbox organisation under it, where the trainee holds ``peserta`` and drafts an ordinary plan.
"""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from planner.errors import Invalid, NotFound
from planner.models import Membership, Organization, Plan, User
from planner.models.plan import PlanCreate
from planner.models.training import (
    FeedbackEntry, QuizAttempt, TrainingAssignment, TrainingCase, TrainingClass, TrainingEnrolment,
)
from planner.permissions import Principal
from planner.services import accounts, acting, orgs
from planner.services.training import as_system, require_manager, starts

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a printed sheet
MAX_TRAINEES = 200


@dataclass
class Enrolled:
    user: User
    group_name: str
    password: str | None  # the one-time password of a new account (None: the account existed)


def get(s: Session, class_id: int, action: str = "org.read") -> TrainingClass:
    klass = s.get(TrainingClass, class_id)
    if klass is None:
        raise NotFound("Kelas tidak ditemukan.")
    acting.require(s, action, klass)
    return klass


def classes_for(s: Session, p: Principal) -> list[TrainingClass]:
    """Classes the user teaches (or every class, for an administrator)."""
    q = select(TrainingClass).order_by(TrainingClass.created_at.desc(), TrainingClass.id.desc())
    if not p.is_admin:
        q = q.where(TrainingClass.organization_id.in_(list(p.scopes.get("instruktur", set())) or [-1]))
    return list(s.exec(q))


def create_class(s: Session, name: str) -> TrainingClass:
    """A new class; its creator teaches it."""
    require_manager(s)
    name = (name or "").strip()
    if not name:
        raise Invalid("Nama kelas wajib diisi.", field="name")
    if len(name) > 200:
        raise Invalid("Nama kelas paling banyak 200 karakter.", field="name")
    org = Organization(code=f"KELAS-{secrets.token_hex(4).upper()}", name=name, kind="kelas", sandbox=True)
    s.add(org)
    s.flush()
    who = acting.actor(s)
    user = getattr(who, "user", None)
    klass = TrainingClass(name=name, organization_id=org.id, created_by=user.username if user else "sistem")
    s.add(klass)
    if user is not None:
        accounts.add_membership(s, user, "instruktur", org.id)
        who.scopes.setdefault("instruktur", set()).add(org.id)
        who.sandboxes.add(org.id)
    s.flush()
    return klass


def one_time_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))


def parse_roster(text: str) -> list[tuple[str, str, str]]:
    """Pasted lines ``username[, full name[, group]]`` (comma, semicolon or tab separated)."""
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("\t", ",").replace(";", ",").split(",")]
        if not parts[0]:
            raise Invalid(f"Baris {n}: nama pengguna kosong.", field="roster")
        rows.append((parts[0], parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""))
    return rows


def parse_sheet(content: bytes) -> list[tuple[str, str, str]]:
    """An uploaded sheet: columns ``username``, ``nama`` and ``kelompok`` (header row first)."""
    from openpyxl import load_workbook

    try:
        ws = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise Invalid("Berkas bukan lembar kerja Excel (.xlsx) yang sah.", field="file") from exc
    rows = list(ws.iter_rows(values_only=True))
    if not rows:
        return []
    head = [str(c or "").strip().lower() for c in rows[0]]
    if "username" not in head:
        raise Invalid("Lembar kerja: baris 1 harus memuat kolom 'username' (dan 'nama', 'kelompok').",
                      field="file")
    col = {k: head.index(k) if k in head else None for k in ("username", "nama", "kelompok")}
    out = []
    for n, r in enumerate(rows[1:], start=2):
        def cell(key):
            i = col[key]
            return str(r[i]).strip() if i is not None and i < len(r) and r[i] is not None else ""
        if not cell("username"):
            continue
        out.append((cell("username"), cell("nama"), cell("kelompok")))
    return out


def enrol(s: Session, klass: TrainingClass, roster: list[tuple[str, str, str]]) -> list[Enrolled]:
    """Enrol trainees in one go: an unknown username gets an account with a one-time password; one bad row
    and nothing is written (the message names the row)."""
    acting.require(s, "training.manage", klass)
    if len(roster) > MAX_TRAINEES:
        raise Invalid(f"Paling banyak {MAX_TRAINEES} peserta sekali daftar.", field="roster")
    have = {e.user_id: e for e in s.exec(select(TrainingEnrolment).where(TrainingEnrolment.class_id == klass.id))}
    out = []
    with s.begin_nested():
        for n, (username, full_name, group) in enumerate(roster, start=1):
            try:
                user, password = accounts.by_username(s, username.strip().lower()), None
                if user is None:
                    password = one_time_password()
                    user = accounts.create_user(s, username, password, full_name or username)
                    user.must_change_password = True  # the printed password works once
            except Invalid as exc:
                raise Invalid(f"Baris {n} ({username}): {exc.message}", field="roster") from exc
            if len(group) > 60:
                raise Invalid(f"Baris {n} ({username}): nama kelompok paling banyak 60 karakter.", field="roster")
            row = have.get(user.id) or TrainingEnrolment(class_id=klass.id, user_id=user.id)
            row.group_name = group
            s.add(row)
            have[user.id] = row
            out.append(Enrolled(user, group, password))
        s.flush()
    return out


def trainees(s: Session, klass: TrainingClass) -> list[tuple[TrainingEnrolment, User]]:
    return list(s.exec(select(TrainingEnrolment, User).join(User, User.id == TrainingEnrolment.user_id)
                       .where(TrainingEnrolment.class_id == klass.id).order_by(User.username)).all())


def assignments(s: Session, klass: TrainingClass) -> list[TrainingAssignment]:
    return list(s.exec(select(TrainingAssignment).where(TrainingAssignment.class_id == klass.id)
                       .order_by(TrainingAssignment.id)))


def _members(s: Session, klass: TrainingClass, username: str | None, group: str | None) -> list[User]:
    rows = trainees(s, klass)
    if username:
        found = [u for _, u in rows if u.username == username.strip().lower()]
        if not found:
            raise Invalid(f"'{username}' bukan peserta kelas ini.", field="username")
        return found
    if group:
        found = [u for e, u in rows if e.group_name == group]
        if not found:
            raise Invalid(f"Kelompok '{group}' tidak ada di kelas ini.", field="group")
        return found
    raise Invalid("Pilih peserta atau kelompok.", field="username")


def assign(s: Session, klass: TrainingClass, case: TrainingCase, username: str | None = None,
           group: str | None = None) -> TrainingAssignment:
    """A sandbox for one trainee (or one group), seeded from the case; the trainee(s) hold ``peserta`` there."""
    acting.require(s, "training.manage", klass)
    members = _members(s, klass, username, group)
    who = members[0].full_name or members[0].username if not group else f"Kelompok {group}"
    class_org = orgs.get(s, klass.organization_id)
    org = Organization(code=f"{class_org.code}-{secrets.token_hex(3).upper()}", name=f"{case.unit_name or case.title}"
                       f" — {who}"[:300], kind="ruang_latihan", parent_id=class_org.id, sandbox=True,
                       timezone=class_org.timezone)
    s.add(org)
    s.flush()
    row = TrainingAssignment(class_id=klass.id, case_id=case.id, organization_id=org.id,
                             user_id=members[0].id if not group else None, group_name=group or "")
    s.add(row)
    for user in members:
        accounts.add_membership(s, user, "peserta", org.id)
    row.plan_id = starts.seed(s, org, case).id
    s.flush()
    return row


def reset(s: Session, row: TrainingAssignment) -> TrainingAssignment:
    """Back to the case's starting point: the draft goes, the feedback history stays (with a note)."""
    klass = s.get(TrainingClass, row.class_id)
    acting.require(s, "training.manage", klass)
    starts.drop_plans(s, row.organization_id)
    row.plan_id = starts.seed(s, orgs.get(s, row.organization_id), s.get(TrainingCase, row.case_id)).id
    row.status, row.score, row.findings, row.submitted_at, row.grade = "draft", None, 0, None, None
    s.add(FeedbackEntry(assignment_id=row.id, kind="reset", username=_actor_name(s)))
    s.add(row)
    s.flush()
    return row


def duplicate(s: Session, row: TrainingAssignment, username: str) -> TrainingAssignment:
    """A new sandbox for another trainee holding a copy of this sandbox's current draft (a worked example,
    or a trainee who joins a group's work)."""
    from planner.services import plan_copy, plans

    klass = s.get(TrainingClass, row.class_id)
    case = s.get(TrainingCase, row.case_id)
    new = assign(s, klass, case, username=username)
    source = s.get(Plan, row.plan_id) if row.plan_id else None
    if source is not None:
        starts.drop_plans(s, new.organization_id, ("renja",))  # the case's Renstra stays: the copy serves it
        tree = plans.load_tree(s, source)
        with as_system(s):
            plan = plans.create_plan(s, PlanCreate(organization_id=new.organization_id, kind="renja",
                                                   scheme=case.scheme, year=case.year, name=source.name))
            plan_copy.clone_nodes(s, tree.roots, plan, None, None, lambda ind: plan_copy.targets_in(tree, ind),
                              keep_pagu=True)
            starts.relink(s, plan, source.renstra_id)
        new.plan_id = plan.id
    s.flush()
    return new


def delete_class(s: Session, klass: TrainingClass) -> None:
    """The class with every sandbox, plan, enrolment, feedback and quiz result (accounts stay)."""
    acting.require(s, "training.manage", klass)
    for row in assignments(s, klass):
        starts.drop_plans(s, row.organization_id)
        for f in s.exec(select(FeedbackEntry).where(FeedbackEntry.assignment_id == row.id)).all():
            s.delete(f)
        s.flush()
        org_id = row.organization_id
        s.delete(row)
        s.flush()
        _drop_org(s, org_id)
    for model in (TrainingEnrolment, QuizAttempt):
        for r in s.exec(select(model).where(model.class_id == klass.id)).all():
            s.delete(r)
    org_id = klass.organization_id
    s.delete(klass)
    s.flush()
    _drop_org(s, org_id)


def _drop_org(s: Session, org_id: int) -> None:
    for m in s.exec(select(Membership).where(Membership.organization_id == org_id)).all():
        s.delete(m)
    s.flush()
    s.delete(s.get(Organization, org_id))
    s.flush()


def _actor_name(s: Session) -> str:
    return getattr(getattr(acting.actor(s), "user", None), "username", "sistem")


def assignment_for(s: Session, assignment_id: int, action: str = "org.read") -> TrainingAssignment:
    row = s.get(TrainingAssignment, assignment_id)
    if row is None:
        raise NotFound("Ruang latihan tidak ditemukan.")
    acting.require(s, action, row)
    return row


def assignment_of_plan(s: Session, plan_id: int) -> TrainingAssignment | None:
    return s.exec(select(TrainingAssignment).where(TrainingAssignment.plan_id == plan_id)).first()


def my_assignments(s: Session, p: Principal) -> list[TrainingAssignment]:
    """The sandboxes a trainee works in."""
    ids = p.scopes.get("peserta", set())
    return list(s.exec(select(TrainingAssignment).where(TrainingAssignment.organization_id.in_(list(ids) or [-1]))
                       .order_by(TrainingAssignment.id)))
