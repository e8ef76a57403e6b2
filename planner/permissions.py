"""Who may do what to which object. Pages and the API both ask here, nowhere else.

A role held in an organisation holds for its sub-units too. Outside a user's scope an object
does not exist for them (404); inside it, a missing right is a 403.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from planner.errors import Forbidden, NotFound
from planner.models import Membership, Organization, Plan, User
from planner.services import directory, orgs

# action -> roles that may do it (within their scope). Admin may do everything.
READERS = {"penyusun", "reviewer", "pimpinan", "pengamat", "instruktur", "peserta"}
RIGHTS: dict[str, set[str]] = {
    "org.read": READERS,
    "plan.read": READERS,
    "plan.create": {"penyusun", "peserta"},
    "plan.edit": {"penyusun", "peserta"},
    "plan.submit": {"penyusun", "peserta"},
    "plan.return": {"reviewer", "pimpinan", "instruktur"},
    "plan.approve": {"reviewer", "pimpinan", "instruktur"},
    "plan.lock": {"pimpinan"},
    "plan.reopen": set(),  # admin only
    "plan.revise": {"penyusun", "pimpinan"},
    "comment.create": {"penyusun", "reviewer", "pimpinan", "instruktur", "peserta"},
    "comment.resolve": {"penyusun", "reviewer", "pimpinan", "instruktur", "peserta"},
    "realization.edit": {"penyusun", "peserta"},
    "realization.verify": {"reviewer", "pimpinan"},
    "review.queue": {"reviewer", "pimpinan"},
    # Service evaluation (issue 14): self-assessment, surveys, complaints, the public page.
    "service.read": READERS,
    "evaluation.edit": {"penyusun", "peserta"},
    "survey.edit": {"penyusun", "peserta"},
    "complaint.edit": {"penyusun", "peserta"},
    "publication.edit": {"penyusun", "pimpinan"},
    "instrument.edit": set(),  # admin only
    # plan checks (issue 15): a reviewer accepts a finding with a reason
    "finding.acknowledge": {"reviewer", "pimpinan", "instruktur"},
    # Calculation settings of a unit (methodology §9): its head decides, inherited by its sub-units.
    "settings.edit": {"pimpinan"},
    # Training mode (issue 16): an instructor runs classes, cases and grades; a trainee works in a sandbox.
    "training.manage": {"instruktur"},
    "training.take": {"peserta"},
    # Evaluation across units (issue 18): the running organisation's reviewers manage a round; evaluators are
    # assigned per unit (services/evaluation_rounds.py); the unit follows up with evaluation.edit.
    "round.manage": {"reviewer"},
    "unit_type.edit": set(),  # admin only
}
# Roles that hold only inside training sandboxes: a trainee reaches nothing real.
SANDBOX_ONLY = {"peserta"}


@dataclass
class Principal:
    user: User
    is_admin: bool = False
    # role -> organisation ids where it holds (sub-units included)
    scopes: dict[str, set[int]] = field(default_factory=dict)
    # training classes and trainees' sandboxes among the organisations (never part of a real view)
    sandboxes: set[int] = field(default_factory=set)

    @property
    def readable_orgs(self) -> set[int]:
        return set().union(*self.scopes.values()) if self.scopes else set()

    def roles_at(self, org_id: int) -> set[str]:
        return {role for role, ids in self.scopes.items() if org_id in ids}

    def holds(self, action: str) -> bool:
        """May do ``action`` somewhere: menus show only what the user can use."""
        return self.is_admin or any(ids and role in RIGHTS.get(action, set()) for role, ids in self.scopes.items())


def principal_for(s: Session, user: User) -> Principal:
    """Memberships and the organisation tree in two statements, kept while no organisation, membership or
    settings row changes (``directory``); the sets are the caller's own (training adds a scope)."""
    is_admin, scopes, sandboxes = directory.kept(s, ("principal", user.id), lambda: _scopes(s, user.id))
    return Principal(user=user, is_admin=is_admin, scopes={role: set(ids) for role, ids in scopes.items()},
                     sandboxes=set(sandboxes))


def _scopes(s: Session, user_id: int) -> tuple[bool, dict[str, frozenset[int]], frozenset[int]]:
    rows = s.exec(select(Membership).where(Membership.user_id == user_id)).all()
    is_admin = any(m.role == "admin" for m in rows)
    all_orgs = orgs.all_orgs(s, sandboxes=True)
    sandboxes = frozenset(o.id for o in all_orgs if o.sandbox)
    scopes: dict[str, set[int]] = {"admin": {o.id for o in all_orgs}} if is_admin else {}
    for m in rows:
        if m.organization_id is not None:
            ids = orgs.descendants(all_orgs, {m.organization_id})
            scopes.setdefault(m.role, set()).update(ids & sandboxes if m.role in SANDBOX_ONLY else ids)
    return is_admin, {role: frozenset(ids) for role, ids in scopes.items()}, sandboxes


def org_of(obj) -> int:
    if isinstance(obj, Organization):
        return obj.id
    if isinstance(obj, Plan):
        return obj.organization_id
    if isinstance(getattr(obj, "organization_id", None), int):  # evaluations, surveys, complaints
        return obj.organization_id
    raise TypeError(f"no organisation for {type(obj).__name__}")


def can(p: Principal, action: str, obj) -> bool:
    if p.is_admin:
        return True
    roles = p.roles_at(org_of(obj))
    return bool(roles & RIGHTS.get(action, set()))


def require(p: Principal, action: str, obj) -> None:
    """404 outside the user's scope, 403 inside it without the right."""
    if not p.is_admin and org_of(obj) not in p.readable_orgs:
        raise NotFound("Data tidak ditemukan.")
    if not can(p, action, obj):
        raise Forbidden("Anda tidak berwenang melakukan tindakan ini.")
