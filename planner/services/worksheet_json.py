"""The worksheet as the API answers it (``GET /api/v1/nodes/{id}/worksheet``), built from the view model."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable, Optional

from planner.models import Indicator
from planner.models.worksheet import (
    COMPONENT_GROUPS, MEASURING_METHODS, STANDARD_COMPONENTS, SUCCESS_DIMENSIONS, ControlRowBase, NeedRowBase,
    PartnerBase, ResourceRowBase, StandardRowBase, SuccessMeasureBase, target_text,
)
from planner.services.worksheet_view import (
    ControlView, NeedsView, ResourcesView, StandardsView, StepView, SuccessView, WorksheetView, progress,
)


def as_dict(view: WorksheetView) -> dict:
    """The API shape of ``GET /api/v1/nodes/{id}/worksheet``. A step's dict can be sent back as its PUT
    body: labels, totals and other read-only keys are ignored on input."""
    p = progress(view)
    return {
        "node": {"id": view.node.id, "kind": view.node.kind, "code": view.node.code, "name": view.node.name,
                 "plan_id": view.plan.id},
        "worksheet_id": view.worksheet.id,
        "version": view.worksheet.version,
        "complete": view.complete,
        "progress": {"done": p.done, "total": p.total, "percent": p.percent},
        "steps": [_STEP_DICTS[st.key](st) for st in view.steps],
    }


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row_dict(row, base, **extra) -> dict:
    data = {k: _jsonable(v) for k, v in row.model_dump(include={"id", *base.model_fields}).items()}
    return data | {k: _jsonable(v) for k, v in extra.items()}


def _step_head(st: StepView) -> dict:
    return {"key": st.key, "number": st.number, "title": st.title, "complete": st.complete, "rule": st.rule,
            "missing": st.missing}


def _needs_dict(st: NeedsView) -> dict:
    rows = [_row_dict(r, NeedRowBase, stakeholder_group_label=r.stakeholder_group_label, method_label=r.method_label)
            for r in st.rows]
    return _step_head(st) | {"rows": rows, "capacity": {n.key: n.text for n in st.capacity}}


def _standards_dict(st: StandardsView) -> dict:
    return _step_head(st) | {
        "components": [{"key": k, "label": label, "group": g, "group_label": COMPONENT_GROUPS[g]}
                       for k, label, g in STANDARD_COMPONENTS],
        "rows": [_row_dict(r, StandardRowBase, component_label=r.component_label, state_label=r.state_label)
                 for r in st.rows],
        "services": [{"service": sv.service, "components": [
            {"key": c.key, "label": c.label, "group": c.group, "state": c.state, "state_label": c.state_label,
             "content": c.row.content if c.row else "", "activity": c.row.activity if c.row else ""}
            for c in sv.cells]} for sv in st.services],
        "constraints": {n.key: n.text for n in st.constraints},
    }


def _indicator_keys(ind: Optional[Indicator]) -> dict:
    return {"indicator_code": ind.code if ind else None, "indicator_name": ind.name if ind else None,
            "unit": ind.unit if ind else None}


def _success_dict(st: SuccessView) -> dict:
    rows = [_row_dict(line.row, SuccessMeasureBase, **_indicator_keys(line.indicator),
                      target=target_text(line.target) or None,
                      dimension_label=SUCCESS_DIMENSIONS[line.row.dimension],
                      method_label=MEASURING_METHODS[line.row.method]) for line in st.rows]
    return _step_head(st) | {"rows": rows}


def _resources_dict(st: ResourcesView) -> dict:
    rows = [_row_dict(r, ResourceRowBase, total=r.total, category_label=r.category_label,
                      source_label=r.source_label) for r in st.rows]
    return _step_head(st) | {
        "rows": rows,
        "partners": [_row_dict(p, PartnerBase, kind_label=p.kind_label) for p in st.partners],
        "total": _jsonable(st.total), "total_internal": _jsonable(st.total_internal),
        "total_partner": _jsonable(st.total_partner), "pagu": _jsonable(st.pagu),
        "pagu_from_children": st.pagu_from_children, "over_pagu": st.over_pagu,
        "over_pagu_reason": st.over_pagu_reason, "warning": st.warning,
    }


def _control_dict(st: ControlView) -> dict:
    rows = [_row_dict(c.row, ControlRowBase, **_indicator_keys(c.indicator), period_label=c.period_label,
                      target=target_text(c.target) or None, realisation=c.realisation, gap=c.gap)
            for c in st.rows]
    complaint = {n.key: n.text for n in st.complaint} | {"channels": st.channels}
    return _step_head(st) | {"rows": rows, "complaint": complaint}


_STEP_DICTS: dict[str, Callable[[Any], dict]] = {
    "needs": _needs_dict, "standards": _standards_dict, "success": _success_dict,
    "resources": _resources_dict, "control": _control_dict,
}


