"""API routes of monitoring: realisations, achievement, the plan roll-up and node budgets.

Contract (names are fixed; extend, never rename):

* ``PUT /indicators/{id}/realizations/{year}/{period}`` with ``{value}`` or ``{numerator, denominator}`` or
  ``{achieved}``, optionally ``{note, evidence_url}``: 201 when the cell was empty, else 200.
* ``GET /indicators/{id}/achievement?year=&period=`` ->
  ``{achievement, annual_achievement, status, gap, forecast, required_pace, formula, predikat, reason,
  status_rule}``; a number that cannot be computed is ``null`` (never 0, never an error); a reported value
  without one has ``status: "tidak_dapat_dihitung"`` and its ``reason`` (methodology §1.2).
* ``GET /plans/{id}/rollup?year=&period=`` -> the tree with ``achievement, predikat, status_counts, coverage`` per
  node; ``predikat`` is null while reports in are below the coverage threshold (``predikat_note`` says why).
* ``PUT /nodes/{id}/budget/{year}`` with ``{pagu, realized: {period: rupiah}}``.

``year`` defaults to the Renja's year and ``period`` to the last quarter that has ended.
"""
from __future__ import annotations

from decimal import Decimal

from flask import current_app, g, jsonify, request
from sqlmodel import select

from planner import db, periods
from planner.calc import absorption
from planner.errors import Invalid
from planner.models import BudgetRealization, Evidence, Indicator, NodeBudget, Plan, PlanNode, Realization
from planner.services import monitoring as mon
from planner.services import plans
from planner.services import settings as org_settings
from planner.models.bodies import BudgetIn, RealizationIn, VerificationIn
from planner.web.api import body, bp, num, numbers_as_text, on_conflict, validate
from planner.web.api.openapi import PATHS, from_model, operation
from planner.web.api.plans import _plan
from planner.web.monitoring import default_period

def _settings(plan: Plan):
    """The settings of the plan's organisation (methodology §9)."""
    return org_settings.for_plan(db.session(), plan, mon.settings_from_config(current_app.config))


def _clean(value):
    """Rupiah (Decimal) as JSON numbers, all the way down."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return num(value) if isinstance(value, Decimal) else value


def _indicator(indicator_id: int, action: str = "plan.read") -> tuple[Indicator, Plan]:
    ind = plans.get_indicator(db.session(), indicator_id)
    return ind, _plan(ind.plan_id, action)


def _query_year(plan: Plan) -> int:
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return plan.first_year
    if not raw.isdigit():
        raise Invalid(f"Tahun '{raw}' bukan angka.", field="year")
    return int(raw)


def _query_period(year: int) -> str:
    return (request.args.get("period") or "").strip().upper() or default_period(year)


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{key} harus berupa teks.", field=key)
    return value


def _current_cell(ind: Indicator, year: int, period: str) -> dict | None:
    row = mon.get_realization(db.session(), ind, year, period)
    return realization_json(row, _cell_evidence(ind, year, period)) if row is not None else None


def realization_json(r: Realization, evidence: list[Evidence]) -> dict:
    return {"indicator_id": r.indicator_id, "version": r.version, "year": r.year, "period": r.period, "value": r.value,
            "numerator": r.numerator, "denominator": r.denominator, "achieved": r.achieved, "note": r.note,
            "status": r.status, "review_note": r.review_note, "entered_at": r.entered_at.isoformat(),
            "verified_at": r.verified_at.isoformat() if r.verified_at else None,
            "evidence": [evidence_json(e) for e in evidence]}


def evidence_json(e: Evidence) -> dict:
    out = {"id": e.id, "kind": e.kind}
    if e.kind == "link":
        out["url"] = e.url
    else:
        out.update(filename=e.filename, content_type=e.content_type, size=e.size)
    return out


def _cell_evidence(ind: Indicator, year: int, period: str) -> list[Evidence]:
    return list(db.session().exec(select(Evidence).where(Evidence.indicator_id == ind.id, Evidence.year == year,
                                                         Evidence.period == period).order_by(Evidence.id)))


# ---------------------------------------------------------------- realisations

@bp.get("/indicators/<int:indicator_id>/realizations")
def list_realizations(indicator_id: int):
    ind, plan = _indicator(indicator_id)
    year = _query_year(plan)
    s = db.session()
    rows = s.exec(select(Realization).where(Realization.indicator_id == ind.id, Realization.year == year)).all()
    evidence = s.exec(select(Evidence).where(Evidence.indicator_id == ind.id, Evidence.year == year)
                      .order_by(Evidence.id)).all()
    order = {code: i for i, code in enumerate(mon.reporting_periods(ind))}
    return jsonify(indicator_id=ind.id, year=year, periods=mon.reporting_periods(ind), realizations=[
        realization_json(r, [e for e in evidence if e.period == r.period])
        for r in sorted(rows, key=lambda r: order.get(r.period, 99))])


@bp.put("/indicators/<int:indicator_id>/realizations/<int:year>/<period>")
def put_realization(indicator_id: int, year: int, period: str):
    ind, plan = _indicator(indicator_id, "realization.edit")
    # which keys are needed follows the indicator: the service names the missing one
    data = body()
    validate(RealizationIn, data)  # the model the OpenAPI document describes; the service reads typed numbers
    numbers_as_text(data, ("value", "numerator", "denominator"))
    s = db.session()
    on_conflict(lambda: _current_cell(ind, year, period))
    row = mon.record_realization(s, ind, year, period, value=data.get("value"), numerator=data.get("numerator"),
                                 denominator=data.get("denominator"), achieved=data.get("achieved"),
                                 note=_text(data, "note"), evidence_url=_text(data, "evidence_url"),
                                 user_id=g.api_user.id, version=data.get("version"))
    out = realization_json(row, _cell_evidence(ind, year, period))
    out["achievement"] = mon.achievement_for_indicator(s, ind, year, period, _settings(plan)).summary()
    # created by this request: a new row's version is 1, every UPDATE bumps it (asked after the write, so two
    # first writes racing never both answer 201)
    return jsonify(out), 201 if row.version == 1 else 200


@bp.delete("/indicators/<int:indicator_id>/realizations/<int:year>/<period>")
def delete_realization(indicator_id: int, year: int, period: str):
    """The value goes; evidence, narrative and follow-up of the period stay."""
    ind, _ = _indicator(indicator_id, "realization.edit")
    mon.clear_realization(db.session(), ind, year, period)
    return "", 204


@bp.post("/indicators/<int:indicator_id>/realizations/<int:year>/<period>/verification")
def verify_realization(indicator_id: int, year: int, period: str):
    """A reviewer: ``{"verified": true}``, or ``{"verified": false, "note": "..."}`` to return it."""
    ind, _ = _indicator(indicator_id, "realization.verify")
    data = body()
    validate(VerificationIn, data)
    if not isinstance(data.get("verified"), bool):
        raise Invalid("verified harus true atau false.", field="verified")
    row = mon.verify(db.session(), ind, year, period, verified=data["verified"], note=_text(data, "note") or "",
                     user_id=g.api_user.id)
    return jsonify(realization_json(row, _cell_evidence(ind, year, period)))


@bp.get("/indicators/<int:indicator_id>/achievement")
def achievement(indicator_id: int):
    ind, plan = _indicator(indicator_id)
    year = _query_year(plan)
    row = mon.achievement_for_indicator(db.session(), ind, year, _query_period(year), _settings(plan))
    return jsonify(row.summary())


# ---------------------------------------------------------------- the plan

@bp.get("/plans/<int:plan_id>/rollup")
def rollup(plan_id: int):
    plan = _plan(plan_id)
    year = _query_year(plan)
    period = _query_period(year)
    p = mon.progress_for_plan(db.session(), plan, year, period, _settings(plan), with_trend=False)
    return jsonify(_clean({
        "plan_id": plan.id, "year": year, "period": period, "achievement": p.achievement.value,
        "annual_achievement": p.annual_achievement.value, "predikat": p.predikat, "status": p.status,
        "status_counts": p.status_counts, "formula": p.achievement.formula,
        "completeness": {"reported": p.reported, "expected": p.expected, "value": p.completeness.value},
        "budget": {"pagu": p.budget.pagu, "realized": p.budget.realised, "absorption": p.budget.absorption.value},
        "closed_periods": p.closed_periods, "predikat_note": p.predikat_note,
        "nodes": [r.as_dict() for r in p.roots]}))


# ---------------------------------------------------------------- budget

def budget_json(node_id: int, year: int) -> dict:
    s = db.session()
    node = s.get(PlanNode, node_id)
    budget = s.exec(select(NodeBudget).where(NodeBudget.node_key == node.key, NodeBudget.year == year)).first()
    if budget is None:
        return {"node_id": node_id, "year": year, "pagu": None, "realized": {}, "absorption": None, "formula": None,
                "version": None}
    rows = s.exec(select(BudgetRealization).where(BudgetRealization.node_budget_id == budget.id)).all()
    order = {code: i for i, code in enumerate(periods.ALL)}
    realized = {r.period: r.amount for r in sorted(rows, key=lambda r: order.get(r.period, 99))}
    serapan = absorption(list(realized.values()), budget.pagu)
    return _clean({"node_id": node_id, "year": year, "pagu": budget.pagu, "realized": realized,
                   "absorption": serapan.value, "formula": serapan.formula, "version": budget.version})


@bp.get("/nodes/<int:node_id>/budget/<int:year>")
def get_budget(node_id: int, year: int):
    node = plans.get_node(db.session(), node_id)
    _plan(node.plan_id)
    return jsonify(budget_json(node.id, year))


@bp.put("/nodes/<int:node_id>/budget/<int:year>")
def put_budget(node_id: int, year: int):
    node = plans.get_node(db.session(), node_id)
    _plan(node.plan_id, "realization.edit")
    data = body()
    validate(BudgetIn, data)
    realized = data.get("realized") or {}
    if not isinstance(realized, dict):
        raise Invalid("realized harus berupa objek {periode: rupiah}.", field="realized")
    numbers_as_text(data, ("pagu",))
    numbers_as_text(realized, tuple(realized), "realized.")
    on_conflict(lambda: budget_json(node.id, year))
    mon.set_budget(db.session(), node, year, data.get("pagu"), realized, user_id=g.api_user.id,
                   version=data.get("version"))
    return jsonify(budget_json(node.id, year))


# ---------------------------------------------------------------- the OpenAPI document

_CELL = "/indicators/{indicator_id}/realizations/{year}/{period}"
PATHS.update({
    "/indicators/{indicator_id}/realizations": {"get": operation("Realisasi satu indikator dalam setahun", params=("year",))},
    _CELL: {"put": operation("Isi atau ganti realisasi satu periode", "RealizationIn"),
            "delete": operation("Hapus nilai realisasi satu periode", ok=204)},
    _CELL + "/verification": {"post": operation("Verifikasi atau kembalikan realisasi (reviewer)", "Verification")},
    "/indicators/{indicator_id}/achievement": {"get": operation("Capaian indikator s.d. periode", params=("year", "period"))},
    "/plans/{plan_id}/rollup": {"get": operation("Pohon capaian, predikat, dan jumlah status per simpul",
                                           params=("year", "period"))},
    "/nodes/{node_id}/budget/{year}": {"get": operation("Pagu dan realisasi anggaran simpul"),
                                       "put": operation("Isi pagu dan realisasi anggaran per periode", "BudgetIn")},
})
from_model("RealizationIn", RealizationIn)
from_model("Verification", VerificationIn)
from_model("BudgetIn", BudgetIn)
