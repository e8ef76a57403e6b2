"""``seeds/action_plans.yaml`` (issue #17): the demo's action plans, written through ``services.action_plans``
as the pages write them."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from planner.errors import DomainError, NotFound
from planner.models import Indicator, Plan, PlanNode
from planner.models.action_plan import StatusIn, StepIn
from planner.permissions import Principal
from planner.services import orgs
from planner.services.action_plans import node_steps, save_action_plan, set_status


def load_action_plans(s: Session, data: dict, p: Principal, today: date | None = None) -> int:
    """Per entry an organisation, a node code and its steps (``StepIn`` fields,
    ``depends_on`` as 1-based step numbers, an optional ``mark: {status, on, note, evidence_url}``). A node
    that already has steps is left alone; returns how many action plans were created."""
    created = 0
    for i, item in enumerate(data.get("action_plans") or []):
        where = f"action_plans[{i}] {item.get('organization')}/{item.get('node')}"
        try:
            created += _seed_one(s, item, p, today)
        except DomainError as exc:
            raise type(exc)(f"{where}: {exc.message}", field=exc.field) from exc
    return created


def _seed_one(s: Session, item: dict, p: Principal, today: date | None) -> int:
    org = orgs.by_code(s, str(item.get("organization", "")))
    if org is None:
        raise NotFound(f"organisasi '{item.get('organization')}' tidak ditemukan.", field="organization")
    node = s.exec(select(PlanNode).join(Plan, PlanNode.plan_id == Plan.id)
                  .where(Plan.organization_id == org.id, Plan.kind == "renja",
                         PlanNode.code == str(item.get("node", "")))
                  .order_by(Plan.first_year.desc(), Plan.revision_number.desc())).first()
    if node is None:
        raise NotFound(f"simpul '{item.get('node')}' tidak ada di Renja {org.code}.", field="node")
    if node_steps(s, node.id):
        return 0
    codes = {i.code: i.id for i in s.exec(select(Indicator).where(Indicator.plan_id == node.plan_id)) if i.code}
    raw = item.get("steps") or []
    items = []
    for entry in raw:
        entry = {k: v for k, v in entry.items() if k not in ("mark", "depends_on", "indicator_code")}
        entry["indicator_id"] = codes.get(raw[len(items)].get("indicator_code"))
        items.append(StepIn.model_validate(entry))
    steps = save_action_plan(s, p, node, items, today)
    if any(e.get("depends_on") for e in raw):
        for entry, step, it in zip(raw, steps, items):
            it.id, it.depends_on = step.id, [steps[n - 1].id for n in entry.get("depends_on") or []]
        save_action_plan(s, p, node, items, today)
    for entry, step in zip(raw, steps):
        if entry.get("mark"):
            mark = StatusIn.model_validate(entry["mark"])
            # Demo marks carry their own dates: a clock earlier than the mark must not refuse the demo.
            day = max(today or date.today(), mark.on) if mark.on else today
            set_status(s, p, step, mark, today=day)
    return 1

