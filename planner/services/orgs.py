"""Organisations and schemes."""
from __future__ import annotations

from sqlmodel import Session, select

from planner.errors import Invalid, NotFound
from planner.models import Organization, Scheme, SchemeLevel
from planner.models.org import ORG_KINDS


def get(s: Session, org_id: int) -> Organization:
    org = s.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisasi tidak ditemukan.")
    return org


def by_code(s: Session, code: str) -> Organization | None:
    return s.exec(select(Organization).where(Organization.code == code)).first()


def create(s: Session, code: str, name: str, kind: str, parent_id: int | None = None) -> Organization:
    if kind not in ORG_KINDS:
        raise Invalid(f"Jenis organisasi '{kind}' tidak dikenal.", field="kind")
    if not code.strip():
        raise Invalid("Kode organisasi wajib diisi.", field="code")
    if by_code(s, code):
        raise Invalid(f"Kode organisasi '{code}' sudah dipakai.", field="code")
    org = Organization(code=code.strip(), name=name.strip(), kind=kind, parent_id=parent_id)
    s.add(org)
    s.flush()
    return org


def all_orgs(s: Session) -> list[Organization]:
    return list(s.exec(select(Organization).order_by(Organization.code)))


def descendants(orgs: list[Organization], root_ids: set[int]) -> set[int]:
    """The ids of the given organisations and every unit below them (one pass over all rows)."""
    children: dict[int | None, list[int]] = {}
    for o in orgs:
        children.setdefault(o.parent_id, []).append(o.id)
    found, stack = set(), list(root_ids)
    while stack:
        oid = stack.pop()
        if oid in found:
            continue
        found.add(oid)
        stack.extend(children.get(oid, []))
    return found


def tree_order(orgs: list[Organization]) -> list[tuple[Organization, int]]:
    """Organisations in tree order with their depth, for indented pickers."""
    children: dict[int | None, list[Organization]] = {}
    ids = {o.id for o in orgs}
    for o in sorted(orgs, key=lambda o: o.name):
        parent = o.parent_id if o.parent_id in ids else None
        children.setdefault(parent, []).append(o)
    out: list[tuple[Organization, int]] = []

    def walk(pid, depth):
        for o in children.get(pid, []):
            out.append((o, depth))
            walk(o.id, depth + 1)

    walk(None, 0)
    return out


def scheme_by_key(s: Session, key: str) -> Scheme:
    scheme = s.exec(select(Scheme).where(Scheme.key == key)).first()
    if scheme is None:
        raise Invalid(f"Skema perencanaan '{key}' tidak dikenal.", field="scheme")
    return scheme


def scheme_levels(s: Session, scheme_id: int) -> list[SchemeLevel]:
    return list(s.exec(select(SchemeLevel).where(SchemeLevel.scheme_id == scheme_id).order_by(SchemeLevel.depth)))
