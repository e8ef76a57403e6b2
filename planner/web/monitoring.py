"""Monitoring area: the realisation grid (per plan and per activity, with per-cell saving: its routes are in
``planner.web.realisation_grid``, on this blueprint), the detail of one indicator-period (evidence, narrative, follow-up, verification), closing and reopening periods,
the budget, the plan dashboard and the reviewer's dashboard.

Handlers are thin: permissions from ``planner.permissions``, every rule and number from
``planner.services.monitoring`` (which takes them from ``planner.calc``), charts from ``planner.charts``.
Forms work without JavaScript (POST, then a redirect); htmx swaps the named block of the page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask import (
    Blueprint, current_app, flash, redirect, render_template, request, session as flask_session, url_for,
)
from flask_babel import get_locale, gettext
from markupsafe import Markup
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from planner import charts, db, periods
from planner.calc import SPENDING_GAP
from planner.calc.formatting import format_number, format_percent
from planner.calc.units import format_by_unit
from planner.errors import Conflict, Invalid, NotFound
from planner.models import FollowUp, Indicator, Organization, Plan, PlanNode
from planner.models.monitoring import REALIZATION_STATUSES, FollowUpCreate, FollowUpUpdate
from planner.models.plan import ACCUMULATION_LABELS, FREQUENCY_LABELS, LEVEL_LABELS, POLARITY_LABELS
from planner.permissions import can, require
from planner.services import accounts, orgs, plans, versions
from planner.services import monitoring as mon
from planner.services import settings as org_settings
from planner.web.methodology import section_url
from planner.web.filters import compact, labels, period as period_label
from planner.web.helpers import form_int, parse_form, principal, render, respond, send_evidence

bp = Blueprint("monitoring", __name__)
GRID_TPL = "monitoring/grid.html"
DETAIL_TPL = "monitoring/detail.html"
BUDGET_TPL = "monitoring/budget.html"
DASH_TPL = "monitoring/dashboard.html"
PARTS_TPL = "monitoring/_dashboard_parts.html"
RANK_TPL = "monitoring/ranking.html"
PERIOD_CHOICES = [*periods.QUARTERS, *periods.SEMESTERS, periods.ANNUAL, *periods.MONTH_CODES]
MISSING_REASONS = {"belum_dilaporkan": "Belum diisi", "draft": "Masih draf", "returned": "Dikembalikan"}
MAX_NARRATIVE = 5000


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


@bp.context_processor
def _labels():
    return {"status_labels": labels(mon.MONITORING_STATUS_LABELS), "realization_labels": labels(REALIZATION_STATUSES),
            "frequency_labels": labels(FREQUENCY_LABELS), "accumulation_labels": labels(ACCUMULATION_LABELS),
            "polarity_labels": labels(POLARITY_LABELS), "level_labels": labels(LEVEL_LABELS), "charts": charts,
            "status_colors": charts.STATUS_COLORS, "quarters": periods.QUARTERS, "period_choices": PERIOD_CHOICES,
            "missing_reasons": labels(MISSING_REASONS), "short_num": short_num, "method_base": section_url(None)}


def short_num(x, unit: str | None = None) -> str:
    """A figure in a narrow place: "2,25 T", "480 M", "96,77", "—" (the full value goes in a title);
    below a million at its unit's precision ("2.200" documents, not "2.200,00")."""
    if x is None:
        return format_number(None)
    return compact(x) if abs(x) >= 1e6 else format_by_unit(x, unit)


# ---------------------------------------------------------------- shared helpers

def settings(plan: Plan):
    """The settings of the plan's organisation, inherited or its own (methodology §9)."""
    return org_settings.for_plan(db.session(), plan, mon.settings_from_config(current_app.config))


def default_period(year: int, today: date | None = None) -> str:
    """The period a page opens on: the last quarter that has ended (reports follow the quarter), TW1
    early in the year or for a year still to come, TW4 for a past year."""
    today = today or date.today()
    if today.year < year:
        return "TW1"
    if today.year > year:
        return "TW4"
    return f"TW{max(1, (today.month - 1) // 3)}"


def _plan_for(plan_id: int, action: str = "plan.read") -> Plan:
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), action, plan)
    return plan


def _indicator_for(indicator_id: int, action: str = "plan.read", period: str | None = None) -> tuple[Indicator, Plan]:
    """The indicator and its plan, with the right checked; ``period`` must be one the indicator reports on."""
    ind = plans.get_indicator_with_plan(db.session(), indicator_id)
    plan = _plan_for(ind.plan_id, action)
    if period is not None and period not in mon.reporting_periods(ind):
        raise NotFound(f"Indikator ini tidak melaporkan periode '{period}'.")
    return ind, plan


def _year(plan: Plan) -> int:
    raw = (request.values.get("year") or "").strip()
    if not raw:
        return plan.first_year
    if not raw.isdigit():
        raise Invalid(f"Tahun '{raw}' bukan angka.", field="year")
    return int(raw)


def _upto(year: int, name: str = "period", default: str | None = None) -> str:
    code = (request.values.get(name) or "").strip().upper() or default or default_period(year)
    if not periods.is_valid(code):
        raise Invalid(f"Periode '{code}' tidak dikenal (Y, S1–S2, TW1–TW4, M01–M12).", field="period")
    return code


def _back(default: str) -> str:
    """Where a plain form returns to: a local path only."""
    target = request.form.get("back") or ""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else default


def _user_id() -> int:
    return current_user.id


def _status(error) -> int:
    return 200 if error is None else error.status


# ---------------------------------------------------------------- closing periods

@bp.post("/plans/<int:plan_id>/realisasi/<int:year>/<period>/close")
def close_period(plan_id: int, year: int, period: str):
    plan = _plan_for(plan_id)  # the service checks realization.verify
    try:
        mon.close_period(db.session(), plan, year, period, user_id=_user_id())
        flash(gettext("Periode %(period)s %(year)s ditutup: datanya kini hanya dapat dibaca.",
                      period=period_label(period), year=year), "ok")
    except (Invalid, Conflict) as exc:
        flash(exc.message, "error")
    return redirect(_back(url_for("monitoring.plan_grid", plan_id=plan.id, year=year, period=period)))


@bp.post("/plans/<int:plan_id>/realisasi/<int:year>/<period>/reopen")
def reopen_period(plan_id: int, year: int, period: str):
    plan = _plan_for(plan_id)  # the service checks realization.verify
    note = request.form.get("note", "").strip()
    try:
        if not note:
            raise Invalid("Tuliskan alasan membuka kembali periode; alasan ini tercatat di riwayat.", field="note")
        mon.reopen_period(db.session(), plan, year, period, note=note, user_id=_user_id())
        flash(gettext("Periode %(period)s %(year)s dibuka kembali.", period=period_label(period), year=year), "ok")
    except (Invalid, Conflict) as exc:
        flash(exc.message, "error")
    return redirect(_back(url_for("monitoring.plan_grid", plan_id=plan.id, year=year, period=period)))


# ---------------------------------------------------------------- one indicator-period

def detail_context(plan: Plan, ind: Indicator, year: int, period: str, **extra) -> dict:
    s = db.session()
    p = principal()
    row = mon.achievement_for_indicator(s, ind, year, period, settings(plan))
    cell = next((c for c in row.cells if c.period == period), None)
    if cell is None:
        raise NotFound(f"Indikator ini tidak melaporkan periode {periods.label(period)}.")
    info = mon.period_detail(s, ind, year, period)
    r = info.realization
    user_ids = {e.uploaded_by_id for e in info.evidence}
    if r is not None:
        user_ids |= {r.entered_by_id, r.verified_by_id}
    if info.narrative is not None:
        user_ids.add(info.narrative.updated_by_id)
    codes = [c.period for c in row.cells]
    i = codes.index(period)
    ctx = dict(
        plan=plan, org=s.get(Organization, plan.organization_id), ind=ind, node=s.get(PlanNode, ind.node_id),
        year=year, period=period, row=row, c=cell, info=info, names=accounts.names(s, user_ids - {None}),
        prev_period=codes[i - 1] if i > 0 else None, next_period=codes[i + 1] if i + 1 < len(codes) else None,
        can_edit=can(p, "realization.edit", plan) and not info.closed, can_verify=can(p, "realization.verify", plan),
        can_follow_up=can(p, "realization.edit", plan),  # follow-ups go on after their period is closed
        max_mb=current_app.config["EVIDENCE_MAX_BYTES"] / (1024 * 1024), accept=",".join(
            f".{ext}" for ext in mon.EVIDENCE_TYPES), max_bytes=current_app.config["EVIDENCE_MAX_BYTES"],
        error=None, section=None, form={}, saved=None, error_row=None,
        back=url_for("monitoring.detail", indicator_id=ind.id, year=year, period=period),
        today=date.today(),
    )
    ctx.update(extra)
    return ctx


@bp.get("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>")
def detail(indicator_id: int, year: int, period: str):
    ind, plan = _indicator_for(indicator_id, period=period)
    return render(DETAIL_TPL, **detail_context(plan, ind, year, period))


def _section_response(plan, ind, year, period, block: str, error=None, saved: str | None = None, message="",
                      error_row: int | None = None):
    """The refreshed section for htmx; a redirect back to the detail page (with a message) otherwise.
    ``error_row``: the row of the section whose own form failed (a follow-up), to show the error beside it."""
    return respond(DETAIL_TPL, block, status=_status(error), message=message or None,
                   redirect_to=url_for("monitoring.detail", indicator_id=ind.id, year=year, period=period) + f"#{block}",
                   context=lambda: detail_context(plan, ind, year, period, error=error,
                                                  section=block if error else None, form=request.form if error else {},
                                                  saved=saved if error is None else None,
                                                  error_row=error_row if error else None))


def _too_large() -> Invalid:
    limit = current_app.config["MAX_CONTENT_LENGTH"] / (1024 * 1024)
    return Invalid(f"Berkas terlalu besar; batasnya {limit:g} MB.", field="file")


@bp.post("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>/evidence")
def add_evidence(indicator_id: int, year: int, period: str):
    ind, plan = _indicator_for(indicator_id, period=period)  # the service checks realization.edit
    s, cfg = db.session(), current_app.config
    error = None
    try:
        try:
            upload = request.files.get("file")
            url = (request.form.get("url") or "").strip()
        except RequestEntityTooLarge as exc:
            raise _too_large() from exc
        if upload is not None and upload.filename:
            mon.store_evidence_file(s, ind, year, period, upload.filename, upload.stream, cfg["UPLOAD_DIR"],
                                    cfg["EVIDENCE_MAX_BYTES"], user_id=_user_id())
        elif url:
            mon.add_evidence_link(s, ind, year, period, url, user_id=_user_id())
        else:
            raise Invalid("Pilih berkas atau tuliskan tautan bukti dukung.", field="file")
    except (Invalid, Conflict) as exc:
        error = exc
    return _section_response(plan, ind, year, period, "evidence", error, "evidence",
                             gettext("Bukti dukung ditambahkan."))


def _evidence_for(evidence_id: int, action: str):
    row = mon.get_evidence(db.session(), evidence_id)
    ind, plan = _indicator_for(row.indicator_id, action)
    return row, ind, plan


@bp.get("/evidence/<int:evidence_id>")
def evidence_file(evidence_id: int):
    """A file goes only to those who may read the plan, always as a download; a link is followed."""
    row, _, _ = _evidence_for(evidence_id, "plan.read")
    return send_evidence(row, mon.evidence_path(row, current_app.config["UPLOAD_DIR"]))


@bp.post("/evidence/<int:evidence_id>/delete")
def delete_evidence(evidence_id: int):
    row, ind, plan = _evidence_for(evidence_id, "plan.read")  # the service checks realization.edit
    error = None
    try:
        mon.delete_evidence(db.session(), row, current_app.config["UPLOAD_DIR"])
    except Conflict as exc:
        error = exc
    return _section_response(plan, ind, row.year, row.period, "evidence", error, None,
                             gettext("Bukti dukung dihapus."))


@bp.post("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>/narrative")
def save_narrative(indicator_id: int, year: int, period: str):
    ind, plan = _indicator_for(indicator_id, period=period)  # the service checks realization.edit
    error = None
    try:
        texts = {k: request.form.get(k, "") for k in ("faktor_pendorong", "faktor_penghambat")}
        for key, text in texts.items():
            if len(text) > MAX_NARRATIVE:
                raise Invalid(f"Terlalu panjang (maksimal {MAX_NARRATIVE} karakter).", field=key)
        mon.save_narrative(db.session(), ind, year, period, user_id=_user_id(), version=form_int("version"),
                           **texts)
    except (Invalid, Conflict) as exc:
        error = exc
    return _section_response(plan, ind, year, period, "narrative", error, "narrative",
                             gettext("Narasi tersimpan."))


@bp.post("/indicators/<int:indicator_id>/realisasi/<int:year>/<period>/follow-ups")
def add_follow_up(indicator_id: int, year: int, period: str):
    ind, plan = _indicator_for(indicator_id, period=period)  # the service checks realization.edit
    error = None
    try:
        mon.add_follow_up(db.session(), ind, year, period, parse_form(FollowUpCreate, request.form), user_id=_user_id())
    except (Invalid, Conflict) as exc:
        error = exc
    return _section_response(plan, ind, year, period, "followups", error, "followups",
                             gettext("Tindak lanjut ditambahkan."))


def _follow_up_for(follow_up_id: int) -> tuple[FollowUp, Indicator, Plan]:
    row = mon.get_follow_up(db.session(), follow_up_id)
    ind, plan = _indicator_for(row.indicator_id)  # the services check realization.edit
    return row, ind, plan


@bp.post("/follow-ups/<int:follow_up_id>")
def update_follow_up(follow_up_id: int):
    """Mark done or not done, or change the action, owner or due date (closed periods included)."""
    row, ind, plan = _follow_up_for(follow_up_id)
    error = None
    try:
        mon.update_follow_up(db.session(), row, parse_form(FollowUpUpdate, request.form, numbers=("version",)))
    except (Invalid, Conflict) as exc:  # stale: the row shows who changed it and keeps the user's choice
        error = exc
    return _section_response(plan, ind, row.year, row.period, "followups", error, None,
                             gettext("Tindak lanjut diperbarui."), error_row=row.id)


@bp.post("/follow-ups/<int:follow_up_id>/delete")
def delete_follow_up(follow_up_id: int):
    row, ind, plan = _follow_up_for(follow_up_id)
    error = None
    try:
        mon.delete_follow_up(db.session(), row)
    except Conflict as exc:
        error = exc
    return _section_response(plan, ind, row.year, row.period, "followups", error, None,
                             gettext("Tindak lanjut dihapus."))


# ---------------------------------------------------------------- budget

@dataclass
class OwnBudget:
    """A node's own execution budget as the page edits it: pagu and rupiah per quarter."""

    pagu: Decimal
    amounts: dict[str, Decimal]

    @property
    def by_quarter(self) -> bool:
        return all(code in periods.QUARTERS for code in self.amounts)


def _own_budgets(plan: Plan, year: int) -> dict[int, OwnBudget]:
    return {node_id: OwnBudget(pagu, dict(amounts))
            for node_id, (pagu, amounts) in mon.own_budgets(db.session(), plan, year).items()}


def budget_context(plan: Plan, **extra) -> dict:
    s = db.session()
    year = _year(plan)
    upto = _upto(year, default=periods.QUARTERS[-1])  # the budget page shows the whole year unless asked
    progress = mon.progress_for_plan(s, plan, year, upto, settings(plan), with_trend=False)
    ctx = dict(plan=plan, org=s.get(Organization, plan.organization_id), year=year, upto=upto, progress=progress,
               nodes=[n for r in progress.roots for n in r.walk()], own=_own_budgets(plan, year),
               can_edit=can(principal(), "realization.edit", plan), closed=progress.closed_periods,
               is_closed=lambda code: any(mon.contains(c, code) for c in progress.closed_periods),
               error=None, error_node=None, form={}, oob=False, saved_node=None,
               budget_versions=mon.budget_versions(s, plan, year))
    ctx.update(extra)
    return ctx


@bp.get("/plans/<int:plan_id>/anggaran")
def budget(plan_id: int):
    plan = _plan_for(plan_id)
    return render(BUDGET_TPL, **budget_context(plan))


@bp.post("/nodes/<int:node_id>/anggaran/<int:year>")
def save_budget(node_id: int, year: int):
    node = plans.get_node(db.session(), node_id)
    plan = _plan_for(node.plan_id)  # the service checks realization.edit
    form = request.form
    realized = {q: form.get(q) for q in periods.QUARTERS if (form.get(q) or "").strip()}
    error = None
    try:
        mon.set_budget(db.session(), node, year, form.get("pagu"), realized, user_id=_user_id(),
                       version=form.get("version"))
    except (Invalid, Conflict) as exc:
        error = exc
    def context() -> dict:
        ctx = budget_context(plan, error=error, error_node=node.id if error else None, form=form if error else {},
                             saved_node=node.id if error is None else None)
        return dict(ctx, np=ctx["progress"].node(node.id))

    return respond(BUDGET_TPL, "budget_row", status=_status(error), context=context, oob=error is None,
                   message=gettext("Anggaran %(code)s tersimpan.", code=node.code),
                   redirect_to=_back(url_for("monitoring.budget", plan_id=plan.id, year=year)) + f"#budget-{node.id}")


# ---------------------------------------------------------------- dashboards

def dashboard_context(plan: Plan, open_ids: set[int] | None = None) -> dict:
    """``open_ids``: nodes whose branch of a large plan's tree shows open (None: the whole tree)."""
    s = db.read_session()  # a replica when configured: this page writes nothing
    year = _year(plan)
    upto = _upto(year)
    used = settings(plan)
    dash = mon.plan_dashboard(s, plan, year, upto, used)
    shown = plans.outline(dash.progress.roots, open_ids)
    return dict(plan=plan, org=s.get(Organization, plan.organization_id), year=year, upto=upto,
                progress=dash.progress, nodes=dash.nodes, rows=shown.rows, collapsed=shown.collapsed,
                spending=dash.spending, flagged=dash.flagged, gap_flag=SPENDING_GAP, used_settings=used,
                in_force=versions.in_force_of(s, plan), version_label=versions.version_label, missing=dash.missing,
                parts=_dashboard_parts(dash, year),
                can_edit=can(principal(), "realization.edit", plan))


def _dashboard_parts(dash: mon.Dashboard, year: int) -> dict[str, Markup]:
    """The spending scatter and the early warnings' and missing reports' tables, a row per node or indicator
    (hundreds in a large plan): rendered once per kept evaluation, language and URL root (they show nothing
    else), kept beside it; a row the evaluation kept from the one it was brought up to date from keeps its
    markup."""
    def render_parts(earlier: dict | None) -> dict:
        rows = _RowMarkup(earlier["rows"] if earlier else {})
        context = dict(early_warnings=dash.progress.early_warnings, missing=dash.missing, year=year,
                       points=_scatter_points(dash.spending), gap_flag=SPENDING_GAP, rows=rows)
        parts = {part: Markup(render_template(PARTS_TPL, part=part, **context))
                 for part in ("scatter", "early", "missing")}
        return parts | {"rows": rows.now}
    return mon.dashboard_part(dash, ("parts", str(get_locale()), request.script_root), render_parts,
                              weight=lambda parts: 2 * sum(len(parts[p]) for p in ("scatter", "early", "missing"))
                              // 4096)


class _RowMarkup:
    """The markup of a page part's rows by row (an indicator row of the kept evaluation, and what else the
    markup shows): that of the earlier rendering is reused for a row that is the same object."""

    def __init__(self, earlier: dict):
        self.earlier, self.now = earlier, {}

    def get(self, kind: str, row, *more) -> Markup | None:
        found = self.earlier.get((kind, id(row), *more))
        if found is None or found[0] is not row:  # an id outlives its object: the row itself is kept beside it
            return None
        self.now[(kind, id(row), *more)] = found
        return found[1]

    def keep(self, markup: Markup, kind: str, row, *more) -> Markup:
        self.now[(kind, id(row), *more)] = row, markup
        return markup


def _scatter_points(spending: list) -> list[tuple]:
    """The spending scatter's points (absorption, annual achievement, code, tooltip); its tooltip's text is
    looked up once, not per node."""
    tip = gettext("%(code)s %(name)s: serapan %(absorption)s, capaian tahunan %(achievement)s")
    return [(n.budget.absorption.value, n.annual_achievement.value, n.node.code,
             tip % {"code": n.node.code, "name": n.node.name, "absorption": format_percent(n.budget.absorption.value),
                    "achievement": format_percent(n.annual_achievement.value)}) for n in spending]


@bp.get("/plans/<int:plan_id>/dashboard")
def dashboard(plan_id: int):
    """``?open=<node>``: a closed branch of a large plan's tree, its rows for htmx, the page with it open else."""
    plan = _plan_for(plan_id)
    raw = request.args.get("open", "")
    opened = int(raw) if raw.isdigit() and len(raw) <= 10 else None
    if opened is None:
        return render(DASH_TPL, **dashboard_context(plan, None if raw == "all" else set()))

    def branch_rows() -> dict:
        ctx = dashboard_context(plan, None)
        top = next((n for n in ctx["nodes"] if n.node.id == opened), None)
        return ctx | {"rows": plans.below(top) if top else [], "collapsed": {}}
    return respond(DASH_TPL, "branch", context=branch_rows, page=(DASH_TPL, lambda: dashboard_context(plan, {opened})))


def _ranking_plans(year: int) -> list[Plan]:
    """The Renja in force for the year of every organisation the user may read (or all, for admin): a penyusun
    sees their own units, a reviewer the units they review."""
    p = principal()
    scope = None if p.is_admin else p.readable_orgs
    found = versions.plans_in_force(db.read_session(), scope, "renja", year)
    return [pl for pl in found if can(p, "plan.read", pl)]


@bp.get("/monitoring")
def ranking():
    s = db.read_session()
    raw_year = (request.args.get("year") or "").strip()
    year = int(raw_year) if raw_year.isdigit() else flask_session.get("year", date.today().year)
    upto = _upto(year)
    found = _ranking_plans(year)
    used = org_settings.for_plans(s, found, mon.settings_from_config(current_app.config))
    result = mon.org_ranking(s, found, year, upto, lambda plan: used[plan.id])
    org_names = {o.id: o.name for o in orgs.all_orgs(s)}
    return render(RANK_TPL, ranking=result, year=year, upto=upto, org_names=org_names)


from planner.web import realisation_grid  # noqa: E402,F401  (the grid's routes on this blueprint)
