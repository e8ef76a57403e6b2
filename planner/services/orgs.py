"""Organisations and schemes."""
from __future__ import annotations

import re

from sqlalchemy import true
from sqlmodel import Session, select

from planner.errors import Invalid, NotFound
from planner.models import Organization, Scheme, SchemeLevel
from planner.models.org import ORG_KINDS
from planner.services import directory, session_reads


def get(s: Session, org_id: int) -> Organization:
    """Read once per web request (the settings, the export's heading and the layout ask for the same unit)."""
    org = session_reads.once(s, Organization, ("get", org_id), lambda: s.get(Organization, org_id))
    if org is None:
        raise NotFound("Organisasi tidak ditemukan.")
    return org


def by_code(s: Session, code: str) -> Organization | None:
    return s.exec(select(Organization).where(Organization.code == code)).first()


def create(s: Session, code: str, name: str, kind: str, parent_id: int | None = None,
           timezone: str | None = None) -> Organization:
    _check_timezone(timezone)
    if kind not in ORG_KINDS:
        raise Invalid(f"Jenis organisasi '{kind}' tidak dikenal.", field="kind")
    if not code.strip():
        raise Invalid("Kode organisasi wajib diisi.", field="code")
    if by_code(s, code):
        raise Invalid(f"Kode organisasi '{code}' sudah dipakai.", field="code")
    parent = s.get(Organization, parent_id) if parent_id else None
    org = Organization(code=code.strip(), name=name.strip(), kind=kind, parent_id=parent_id,
                       timezone=timezone or _parent_zone(s, parent_id),
                       sandbox=bool(parent and parent.sandbox))  # under a sandbox is a sandbox
    s.add(org)
    s.flush()
    return org


def _parent_zone(s: Session, parent_id: int | None) -> str:
    """A new unit lives where its parent does, unless told otherwise."""
    parent = s.get(Organization, parent_id) if parent_id else None
    return parent.timezone if parent else "WIB"


def all_orgs(s: Session, sandboxes: bool = False) -> list[Organization]:
    """Every organisation; training classes and sandboxes only when asked (pickers, trees and cross-unit
    views never show them). Read once per web request (the principal, the settings' chain, the layout)."""
    every = session_reads.once(s, Organization, "all", lambda: list(s.exec(
        select(Organization).order_by(Organization.code))))
    return list(every) if sandboxes else [o for o in every if not o.sandbox]


def switcher(s: Session) -> tuple[tuple[int, str, int], ...]:
    """(id, name, depth) of every real organisation in tree order, for the layout's switcher on every page:
    kept while no organisation changes (``directory``)."""
    return directory.kept(s, ("switcher",), lambda: tuple((o.id, o.name, depth)
                                                          for o, depth in tree_order(all_orgs(s))))


def real_plans(column):
    """A condition on a plan's ``organization_id`` column: not in a training sandbox."""
    return column.not_in(select(Organization.id).where(Organization.sandbox == true()))


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


TIMEZONES = {"WIB": "WIB (UTC+7)", "WITA": "WITA (UTC+8)", "WIT": "WIT (UTC+9)"}


def _check_timezone(zone: str | None) -> None:
    if zone is not None and zone not in TIMEZONES:
        raise Invalid(f"Zona waktu '{zone}' tidak dikenal: pilih WIB, WITA, atau WIT.", field="timezone")


def update(s: Session, org: Organization, name: str, kind: str, parent_id: int | None,
           timezone: str | None = None) -> Organization:
    _check_timezone(timezone)
    if kind not in ORG_KINDS:
        raise Invalid(f"Jenis organisasi '{kind}' tidak dikenal.", field="kind")
    if parent_id is not None and parent_id in descendants(all_orgs(s), {org.id}):
        raise Invalid("Induk tidak boleh organisasi itu sendiri atau unit di bawahnya.", field="parent_id")
    if not name.strip():
        raise Invalid("Nama organisasi wajib diisi.", field="name")
    org.name, org.kind, org.parent_id = name.strip(), kind, parent_id
    if timezone:
        org.timezone = timezone
    s.add(org)
    s.flush()
    return org


def update_level(s: Session, level_id: int, label: str, code_pattern: str, code_example: str) -> SchemeLevel:
    level = s.get(SchemeLevel, level_id)
    if level is None:
        raise NotFound("Tingkatan tidak ditemukan.")
    try:
        re.compile(code_pattern)
    except re.error as exc:
        raise Invalid(f"Pola kode bukan ekspresi reguler yang sah: {exc}", field="code_pattern") from exc
    if code_example and code_pattern and not re.fullmatch(code_pattern, code_example):
        raise Invalid("Contoh kode tidak cocok dengan polanya.", field="code_example")
    level.label, level.code_pattern, level.code_example = label.strip() or level.label, code_pattern, code_example
    s.add(level)
    s.flush()
    return level


def schemes_with_levels(s: Session) -> list[tuple[Scheme, list[SchemeLevel]]]:
    levels = list(s.exec(select(SchemeLevel).order_by(SchemeLevel.scheme_id, SchemeLevel.depth)))
    return [(sc, [lv for lv in levels if lv.scheme_id == sc.id]) for sc in s.exec(select(Scheme).order_by(Scheme.key))]
