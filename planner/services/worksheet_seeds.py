"""``seeds/worksheets.yaml``: demo and training worksheets, saved through the same ``save_step`` as the pages."""
from __future__ import annotations

from sqlmodel import Session, select

from planner.errors import DomainError, NotFound
from planner.models import Plan, PlanNode
from planner.models.worksheet import STEP_KEYS
from planner.services import orgs, versions
from planner.services.worksheet import find, save_step


def load_worksheets(s: Session, data: dict) -> int:
    """``seeds/worksheets.yaml``: each entry names an organisation and a node code (optionally the Renja
    ``year``) and holds the five steps exactly as ``save_step`` takes them. Worksheets that already exist
    are left as they are (like the rest of the demo data); returns how many were created."""
    created = 0
    for i, item in enumerate(data.get("worksheets") or []):
        where = f"worksheets[{i}] {item.get('organization')}/{item.get('node')}"
        try:
            node = _seed_node(s, item)
            if find(s, node) is not None:
                continue
            for key in STEP_KEYS:
                if key in item:
                    save_step(s, node, key, item[key])
            created += 1
        except DomainError as exc:
            raise type(exc)(f"{where}: {exc.message}", field=exc.field) from exc
    return created


def _seed_node(s: Session, item: dict) -> PlanNode:
    """The node with that code in the organisation's plans in force: the Renja of ``year`` (or the
    latest Renja) first, since a worksheet plans a year's work; a Renstra only when no Renja holds it."""
    org = orgs.by_code(s, str(item.get("organization", "")))
    if org is None:
        raise NotFound(f"organisasi '{item.get('organization')}' tidak ditemukan.", field="organization")
    q = (select(PlanNode, Plan).join(Plan, PlanNode.plan_id == Plan.id)
         .where(Plan.organization_id == org.id, PlanNode.code == str(item.get("node", ""))))
    if item.get("year"):
        q = q.where(Plan.kind == "renja", Plan.first_year == int(item["year"]))
    found = s.exec(q).all()
    in_force = {p.id for p in versions.in_force_among([p for _, p in found])}
    candidates = sorted(((n, p) for n, p in found if p.id in in_force),
                        key=lambda np: (np[1].kind != "renja", -np[1].first_year))
    if not candidates:
        raise NotFound(f"simpul '{item.get('node')}' tidak ada di rencana {org.code}.", field="node")
    return candidates[0][0]
