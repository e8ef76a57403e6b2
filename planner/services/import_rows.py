"""What an import works with: its outcome, problems placed on cells, and one plan's rows by code."""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlmodel import Session, select

from planner.errors import DomainError, Invalid, from_pydantic
from planner.excel.import_parse import Problem, Row
from planner.models import Indicator, Organization, Plan, PlanNode
from planner.models.plan import TargetIn
from planner.services import orgs, plans, versions

FIELD_COLUMNS = {"parent_id": "parent", "serves_id": "serves", "supports_id": "supports", "objective_id": "objective", "objectives": "objectives",
                 "numerator": "numerator", "denominator": "denominator", "realized": "TW1", "lower": "lower"}


@dataclass
class Outcome:
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    organization_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def total(self, what: str) -> int:
        return sum(c.get(what, 0) for c in self.counts.values())

    def as_dict(self) -> dict:
        return {"created": self.total("created"), "updated": self.total("updated"),
                "unchanged": self.total("unchanged"), "sheets": self.counts,
                "errors": [e.as_dict() for e in self.errors]}


def problem_from(exc: DomainError, row: Row, key: str | None = None) -> Problem:
    """A service's refusal, placed on the row and the column its field names."""
    fld = (exc.field or "").split(".")[-1].split("[")[0]
    key = key or FIELD_COLUMNS.get(fld, fld)
    col = next((c for c in row.spec.columns if c.key == key), None)
    return Problem(row.spec.name, row.number, col.header if col else None,
                   row.raw.get(col.key) if col else None, exc.message)


def _validated(model, data: dict):
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


def _target_in(row: Row, year: int, period: str) -> TargetIn | None:
    v = row.values
    if all(v.get(k) is None for k in ("value", "lower", "upper", "text")):
        return None
    return _validated(TargetIn, {"year": year, "period": period, "value": v.get("value"), "lower": v.get("lower"),
                                 "upper": v.get("upper"), "text": v.get("text")})


def _same_target(a, b: TargetIn | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.value, a.lower, a.upper, (a.text or None)) == (b.value, b.lower, b.upper, (b.text or None))


class PlanState:
    """One plan while importing: its nodes and indicators by code, loaded once."""

    def __init__(self, s: Session, plan: Plan):
        self.plan = plan
        tree = plans.load_tree(s, plan)
        self.levels = {lv.kind: lv.depth for lv in tree.levels}
        self.nodes: dict[str, PlanNode] = {tn.node.code: tn.node for tn in tree.walk()}
        self.by_id = {n.id: n for n in self.nodes.values()}
        self.objectives = {tn.node.id: {o.text: o for o in tn.objectives} for tn in tree.walk()}
        self.indicators: dict[str, Indicator] = {}
        self.by_name: dict[tuple[int, str], Indicator] = {}  # (id(node object), name): nodes of the import too
        for tn in tree.walk():
            for ind in tn.indicators:
                self.add_indicator(ind)
        self.targets = {iid: {(t.year, t.period): t for t in ts} for iid, ts in tree.targets.items()}

    def add_indicator(self, ind: Indicator, node: PlanNode | None = None) -> None:
        if ind.code:
            self.indicators[ind.code] = ind
        node = node if node is not None else self.by_id.get(ind.node_id)
        self.by_name[(id(node), ind.name.strip().lower())] = ind

    def indicator(self, node: PlanNode | None, code: str | None, name: str | None) -> Indicator | None:
        if code and code in self.indicators:
            return self.indicators[code]
        if node is not None and name:
            return self.by_name.get((id(node), name.strip().lower()))
        return None


# A Renstra's tujuan or sasaran supporting one of a parent organisation's (``PlanNode.supports_id``) is written
# ORGANISASI:KODE in the Simpul sheet: the other plan's node code alone would not say whose it is.

def supported_id(s: Session, plan: Plan, value: str | None) -> int | None:
    """The node named ``ORGANISASI:KODE`` in that organisation's Renstra for the plan's first year (the version in
    force, else the one being edited); ``plans.check_supports`` then checks it may be supported from ``plan``."""
    if not value:
        return None
    org_code, sep, code = (part.strip() for part in value.partition(":"))
    if not sep or not org_code or not code:
        raise Invalid("Tulis kode organisasi induk dan kode sasarannya, mis. PEMPROV:SS1.", field="supports_id")
    org = orgs.by_code(s, org_code)
    if org is None:
        raise Invalid(f"Organisasi '{org_code}' tidak dikenal.", field="supports_id")
    year = plan.first_year
    renstra = (versions.plan_in_force(s, org.id, "renstra", year)
               or versions.plan_being_edited(s, org.id, "renstra", year))
    node = s.exec(select(PlanNode).where(PlanNode.plan_id == renstra.id, PlanNode.code == code)).first() \
        if renstra is not None else None
    if node is None:
        raise Invalid(f"Sasaran '{code}' tidak ditemukan di Renstra {org_code} tahun {year}.", field="supports_id")
    return node.id


def supported_codes(s: Session, node_ids) -> dict[int, str]:
    """``ORGANISASI:KODE`` of each supported node (one statement)."""
    ids = {i for i in node_ids if i}
    if not ids:
        return {}
    rows = s.exec(select(PlanNode.id, PlanNode.code, Organization.code).join(Plan, Plan.id == PlanNode.plan_id)
                  .join(Organization, Organization.id == Plan.organization_id).where(PlanNode.id.in_(ids)))
    return {nid: f"{org}:{code}" for nid, code, org in rows}
