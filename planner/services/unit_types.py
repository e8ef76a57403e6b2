"""The unit type of an organisation as the national evaluation tables group units: provinsi, kabupaten, kota, K/L
or UPT (issue 18). Stored on the organisation when set; otherwise inherited from the nearest ancestor that has
one, else read from the kind (kementerian/lembaga → K/L, upt → UPT) and a pemda's name ("Provinsi", "Kabupaten",
"Kota")."""
from __future__ import annotations

from sqlmodel import Session

from planner.errors import Invalid
from planner.models import Organization
from planner.models.evaluation_round import UNIT_TYPES
from planner.services import acting

_BY_KIND = {"kementerian": "kl", "lembaga": "kl", "upt": "upt"}
_BY_NAME = (("provinsi", "provinsi"), ("kabupaten", "kabupaten"), ("kota", "kota"))


def _own(org: Organization) -> str | None:
    if org.unit_type:
        return org.unit_type
    if org.kind in _BY_KIND:
        return _BY_KIND[org.kind]
    if org.kind == "pemda":
        name = org.name.lower()
        return next((t for word, t in _BY_NAME if word in name), None)
    return None


def resolve(all_orgs: list[Organization]) -> dict[int, str | None]:
    """Organisation id → unit type for every organisation (no statement: pass ``orgs.all_orgs``)."""
    by_id = {o.id: o for o in all_orgs}
    out: dict[int, str | None] = {}

    def of(org: Organization) -> str | None:
        if org.id not in out:
            out[org.id] = None  # a cycle guard
            mine = _own(org)
            if mine is None and org.kind != "upt" and org.parent_id in by_id:
                mine = of(by_id[org.parent_id])
            out[org.id] = mine
        return out[org.id]

    for o in all_orgs:
        of(o)
    return out


def set_unit_type(s: Session, org: Organization, unit_type: str | None) -> None:
    """An administrator's choice; empty means inherited."""
    acting.require(s, "unit_type.edit", org)
    if unit_type and unit_type not in UNIT_TYPES:
        raise Invalid(f"Jenis unit harus salah satu dari: {', '.join(UNIT_TYPES)}.", field="unit_type")
    org.unit_type = unit_type or None
    s.add(org)
    s.flush()
