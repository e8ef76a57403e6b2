"""Calculation settings per organisation (methodology §9): read with inheritance, edited by admins and
by the unit's pimpinan.

A unit's settings are its own row, else the nearest ancestor's, else the install default from the
``PLANNER_*`` variables. The ``Settings`` handed to calc carries ``source`` (where they come from), so
every explanation names the setting it used.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from pydantic import ValidationError
from sqlmodel import Session, select

from planner.calc import ROLLUP_CAPS, Settings, parse_number
from planner.errors import Invalid, from_pydantic
from planner.models import Organization, Plan
from planner.models.base import utcnow
from planner.models.settings import OrganizationSettings, SettingsIn
from planner.services import acting, audit, concurrency, directory, orgs

INSTALL_DEFAULT = "bawaan instalasi"
ROLLUP_CAP_CHOICES = tuple(c for c in ROLLUP_CAPS if c is not None)

audit.register(OrganizationSettings, "settings", lambda o: "Pengaturan perhitungan", lambda s, o: {})


def install_default(config: Mapping) -> Settings:
    """The install default from the app config (LOWER_IS_BETTER_FORMULA, TOLERANCE, ROLLUP_CAP).

    A wrong value is an operator's mistake at start-up, so it raises ``ValueError``."""
    cap_text = str(config.get("ROLLUP_CAP", "none")).strip().lower()
    cap = None if cap_text in ("", "none") else float(cap_text)
    if cap not in ROLLUP_CAPS:
        raise ValueError(f"ROLLUP_CAP must be none, 100, 110 or 120, not {cap_text!r}")
    return Settings(lower_is_better_formula=str(config.get("LOWER_IS_BETTER_FORMULA", "2T-R")),
                    tolerance=float(config.get("TOLERANCE", 15)), rollup_cap=cap, source=INSTALL_DEFAULT,
                    coverage_threshold=float(config.get("COVERAGE_THRESHOLD", 80)))


@dataclass
class Effective:
    """The settings that hold for ``organization`` and the organisation they come from (None: install default)."""

    organization: Organization
    settings: Settings
    source: Organization | None
    version: int | None = None  # of the unit's own settings, sent back with a change (optimistic locking)

    @property
    def own(self) -> bool:
        return self.source is not None and self.source.id == self.organization.id

    def as_dict(self) -> dict:
        """The API's answer: ``inherited_from`` is null for a unit's own settings."""
        s = self.settings
        inherited = None
        if not self.own:
            inherited = ({"organization_id": None, "code": None, "name": INSTALL_DEFAULT} if self.source is None else
                         {"organization_id": self.source.id, "code": self.source.code, "name": self.source.name})
        return {"organization_id": self.organization.id, "lower_is_better_formula": s.lower_is_better_formula,
                "tolerance": s.tolerance, "rollup_cap": s.rollup_cap, "coverage_threshold": s.coverage_threshold,
                "inherited_from": inherited, "version": self.version}


def _to_settings(row: OrganizationSettings, org: Organization) -> Settings:
    return Settings(lower_is_better_formula=row.lower_is_better_formula, tolerance=row.tolerance,
                    rollup_cap=row.rollup_cap, source=org.name, coverage_threshold=row.coverage_threshold)


def _chain(s: Session, org: Organization) -> list[Organization]:
    """The organisation and its ancestors, nearest first (the tree is small: one statement)."""
    by_id = {o.id: o for o in orgs.all_orgs(s)}
    return _ancestors(by_id, by_id.get(org.id, org))


def _ancestors(by_id: dict[int, Organization], org: Organization | None) -> list[Organization]:
    chain, current = [], org
    while current is not None and len(chain) <= len(by_id):
        chain.append(current)
        current = by_id.get(current.parent_id) if current.parent_id is not None else None
    return chain


def effective(s: Session, org: Organization, default: Settings) -> Effective:
    """The settings for ``org``: its own, else the nearest ancestor's, else ``default`` (two statements)."""
    chain = _chain(s, org)
    rows = {r.organization_id: r for r in s.exec(
        select(OrganizationSettings).where(OrganizationSettings.organization_id.in_([o.id for o in chain])))}
    for o in chain:
        if o.id in rows:
            return Effective(org, _to_settings(rows[o.id], o), o, rows[o.id].version if o.id == org.id else None)
    return Effective(org, default, None)


def for_plan(s: Session, plan: Plan, default: Settings) -> Settings:
    """Kept while no organisation or settings row changes (``directory``): a saved cell reads none of them."""
    return directory.kept(s, ("settings", plan.organization_id, default),
                          lambda: effective(s, orgs.get(s, plan.organization_id), default).settings)


def for_plans(s: Session, plans: list[Plan], default: Settings) -> dict[int, Settings]:
    """``for_plan`` of many plans in two statements (the ranking of a province), by plan id."""
    by_id = {o.id: o for o in orgs.all_orgs(s)}
    chains = {plan.id: _ancestors(by_id, by_id.get(plan.organization_id)) for plan in plans}
    wanted = {o.id for chain in chains.values() for o in chain}
    rows = {r.organization_id: r for r in s.exec(
        select(OrganizationSettings).where(OrganizationSettings.organization_id.in_(wanted)))} if wanted else {}
    found = {}
    for plan in plans:
        own = next((o for o in chains[plan.id] if o.id in rows), None)
        found[plan.id] = _to_settings(rows[own.id], own) if own is not None else default
    return found


def parse(data: Mapping, current: Settings) -> SettingsIn:
    """Validated settings from a form or JSON; a missing key keeps the value in force now."""
    raw = {"lower_is_better_formula": current.lower_is_better_formula, "tolerance": current.tolerance,
           "rollup_cap": current.rollup_cap, "coverage_threshold": current.coverage_threshold}
    raw.update({k: data[k] for k in raw if k in data})
    cap = raw["rollup_cap"]
    if isinstance(cap, str) and cap.strip().lower() in ("", "none", "tanpa"):
        raw["rollup_cap"] = None
    for key in ("tolerance", "rollup_cap", "coverage_threshold"):
        if isinstance(raw[key], str):  # typed in a form: "12,5" (methodology §10.2)
            try:
                raw[key] = parse_number(raw[key])
            except ValueError as exc:
                raise Invalid(f"{key}: {exc}", field=key) from exc
    try:
        parsed = SettingsIn.model_validate(raw)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc
    if parsed.rollup_cap is not None and parsed.rollup_cap not in ROLLUP_CAP_CHOICES:
        raise Invalid("Batas capaian roll-up: tanpa batas, 100, 110 atau 120.", field="rollup_cap")
    return parsed


def save(s: Session, org: Organization, data: SettingsIn, user_id: int | None = None,
         version=None) -> OrganizationSettings:
    """Give ``org`` its own settings (its sub-units inherit them unless they set their own). ``version``: of
    the unit's own settings as the user read them (a stale one is refused, 409)."""
    acting.require(s, "settings.edit", org)
    row = s.exec(select(OrganizationSettings).where(OrganizationSettings.organization_id == org.id)).first()
    concurrency.expect_version(s, row, version, "Pengaturan organisasi")
    row = row or OrganizationSettings(organization_id=org.id)
    row.lower_is_better_formula, row.tolerance, row.rollup_cap = (
        data.lower_is_better_formula, data.tolerance, data.rollup_cap)
    row.coverage_threshold = data.coverage_threshold
    row.updated_by_id, row.updated_at = user_id, utcnow()
    s.add(row)
    s.flush()
    return row


def inherit(s: Session, org: Organization) -> bool:
    """Drop ``org``'s own settings so it inherits again; False when it had none."""
    acting.require(s, "settings.edit", org)
    row = s.exec(select(OrganizationSettings).where(OrganizationSettings.organization_id == org.id)).first()
    if row is None:
        return False
    s.delete(row)
    s.flush()
    return True
