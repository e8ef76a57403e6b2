"""Evaluation across units (issue 18): rounds, the evaluator's verification, the LHE, follow-up monitoring, the
acceleration rule and the Renja achievement overview across units.

Thin handlers: who sees what and every rule live in ``services.evaluation_rounds`` / ``services.recommendations``,
numbers in ``calc``.
"""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, current_app, flash, redirect, request, send_file, session as flask_session, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db
from planner.calc import evaluation_rounds as cr
from planner.errors import DomainError, Invalid, Stale
from planner.excel import lhe_xlsx
from planner.models.evaluation_round import (
    ROUND_STATUSES, UNIT_TYPES, VISIT_KINDS, RecommendationIn, RecommendationUpdate, RoundCreate)
from planner.permissions import can, require
from planner.services import evaluation_rounds as rounds, evaluations, instruments, orgs, plans, recommendations
from planner.services import monitoring as mon, renja_overview, settings as org_settings, unit_types
from planner.web.evaluation import current_year
from planner.web.helpers import form_int, principal, render

bp = Blueprint("rounds", __name__)
TPL = "evaluation_rounds/round.html"
UNIT_TPL = "evaluation_rounds/unit.html"


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


def _labels() -> dict:
    return {"statuses": ROUND_STATUSES, "unit_types": UNIT_TYPES, "groups": cr.GROUPS,
            "follow_states": cr.FOLLOW_UP_STATES, "visit_kinds": VISIT_KINDS}


def _manager_orgs():
    p = principal()
    return [o for o, _ in orgs.tree_order(orgs.all_orgs(db.session())) if can(p, "round.manage", o)]


# ---------------------------------------------------------------- rounds

@bp.get("/evaluasi-lintas-unit")
def index():
    s = db.session()
    managed = _manager_orgs()
    return render("evaluation_rounds/index.html", rounds=rounds.list_for(s), managed=managed,
                  units=[o for o, _ in orgs.tree_order(orgs.all_orgs(s))] if managed or principal().is_admin else [],
                  instruments=instruments.latest(s), year=current_year(), error=None, **_labels())[0]


@bp.post("/evaluasi-lintas-unit")
def create():
    s = db.session()
    ids = [int(v) for v in request.form.getlist("organization_ids") if v.isdigit() and len(v) <= 10]
    try:
        data = RoundCreate(name=request.form.get("name", "").strip() or "Evaluasi", year=form_int("year") or 0,
                           instrument_id=form_int("instrument_id") or 0, organization_ids=ids,
                           organization_id=form_int("organization_id"))
    except ValueError as exc:
        raise Invalid(gettext("Isi nama, tahun (2000–2100), instrumen dan minimal satu unit."),
                      field="organization_ids") from exc
    rnd = rounds.create(s, data)
    flash(gettext("Putaran evaluasi %(name)s dibuat.", name=rnd.name), "ok")
    return redirect(url_for("rounds.show", round_id=rnd.id))


def _round(round_id: int):
    s = db.session()
    rnd = rounds.get(s, round_id)
    return rnd, rounds.readable(s, rnd)


@bp.get("/evaluasi-lintas-unit/<int:round_id>")
def show(round_id: int):
    s = db.session()
    rnd, acc = _round(round_id)
    rows = rounds.results(s, rnd, acc)
    trend = rounds.trend(s, rnd) if acc.manager else None
    aspects = rows[0].aspects if rows else []
    return render(TPL, rnd=rnd, acc=acc, rows=rows, aspects=aspects, trend=trend,
                  candidates=rounds.candidates(s) if acc.manager else [],
                  instrument=instruments.get(s, rnd.instrument_id), **_labels())[0]


@bp.post("/evaluasi-lintas-unit/<int:round_id>/status")
def set_status(round_id: int):
    rnd, _ = _round(round_id)
    rounds.set_status(db.session(), rnd, request.form.get("status", ""))
    flash(gettext("Status putaran: %(status)s.", status=gettext(ROUND_STATUSES[rnd.status])), "ok")
    return redirect(url_for("rounds.show", round_id=rnd.id))


@bp.post("/evaluasi-lintas-unit/<int:round_id>/penilai")
def assign(round_id: int):
    rnd, _ = _round(round_id)
    org_id, user_id = form_int("organization_id") or 0, form_int("user_id") or 0
    if request.form.get("remove"):
        rounds.remove_evaluator(db.session(), rnd, org_id, user_id)
    else:
        rounds.assign_evaluator(db.session(), rnd, org_id, user_id)
    flash(gettext("Penugasan penilai disimpan."), "ok")
    return redirect(url_for("rounds.show", round_id=rnd.id, _anchor="penilai"))


# ---------------------------------------------------------------- one unit: verification, visits, recommendations

def _unit_page(rnd, org_id: int, error: DomainError | None = None, status: int = 200, form=None, rec_form=None):
    """A unit of the round; ``form``: the score sheet as the evaluator sent it, ``rec_form``: (id, form) of a
    recommendation's follow-up as the unit sent it (a refused save shows their values)."""
    s = db.session()
    res = rounds.unit_result(s, rnd, org_id)
    acc = rounds.readable(s, rnd)
    recs = recommendations.for_unit(s, res.unit) if res.results_visible else []
    ev = evaluations.get(s, res.unit.evaluation_id)
    return render(UNIT_TPL, status=status, rnd=rnd, r=res, acc=acc, recs=recs, visits=rounds.visits(s, res.unit),
                  evaluates=acc.evaluates(org_id), editable=acc.evaluates(org_id) and rnd.status == "open",
                  follows=recommendations.can_follow_up(s, rnd, org_id), ev=ev,
                  can_open_ev=can(principal(), "service.read", ev), error=error, form=form or {}, today=date.today(),
                  node_names=_node_names(recs), rec_form=rec_form, **_labels())


def _node_names(recs) -> dict[int, str]:
    s = db.session()
    out = {}
    for rec in recs:
        if rec.node_id:
            node = plans.get_node(s, rec.node_id)
            out[rec.node_id] = f"{node.code} {node.name}"
    return out


@bp.get("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>")
def unit(round_id: int, org_id: int):
    rnd, _ = _round(round_id)
    return _unit_page(rnd, org_id)


@bp.post("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>/verifikasi")
def verify(round_id: int, org_id: int):
    rnd, _ = _round(round_id)
    s = db.session()
    try:
        if request.form.get("accept"):
            n = rounds.accept_self_scores(s, rnd, org_id)
            flash(gettext("%(n)s nilai mandiri diterima sebagai nilai terverifikasi.", n=n), "ok")
        else:
            scores = {k[6:]: v for k, v in request.form.items() if k.startswith("score:")}
            notes = {k[5:]: v for k, v in request.form.items() if k.startswith("note:")}
            rounds.verify(s, rnd, org_id, scores, notes, request.form.get("version"))
            if "summary" in request.form:
                rounds.save_summary(s, rnd, org_id, request.form.get("summary", ""))
            flash(gettext("Nilai verifikasi disimpan."), "ok")
    except DomainError as exc:  # stale: the evaluator's scores stay on the page beside who saved in between
        s.rollback()
        return _unit_page(rounds.get(s, round_id), org_id, exc, exc.status,
                          form=None if request.form.get("accept") else request.form)
    return redirect(url_for("rounds.unit", round_id=rnd.id, org_id=org_id))


@bp.post("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>/kunjungan")
def add_visit(round_id: int, org_id: int):
    rnd, _ = _round(round_id)
    f = request.form
    rounds.add_visit(db.session(), rnd, org_id, f.get("kind", ""), f.get("held_on", ""), f.get("note", ""))
    flash(gettext("Catatan wawancara/kunjungan ditambahkan."), "ok")
    return redirect(url_for("rounds.unit", round_id=rnd.id, org_id=org_id, _anchor="kunjungan"))


@bp.post("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>/rekomendasi")
def add_recommendation(round_id: int, org_id: int):
    rnd, _ = _round(round_id)
    f = request.form
    try:
        due = date.fromisoformat(f["due_on"]) if f.get("due_on") else None
        data = RecommendationIn(round_id=rnd.id, organization_id=org_id, aspect=f.get("aspect", ""),
                                text=f.get("text", ""), finding=f.get("finding", ""), owner=f.get("owner", ""),
                                due_on=due)
    except ValueError as exc:
        raise Invalid(gettext("Isi aspek dan rekomendasi (minimal 3 huruf); tanggal berformat TTTT-BB-HH."),
                      field="text") from exc
    recommendations.create(db.session(), data)
    flash(gettext("Rekomendasi ditambahkan."), "ok")
    return redirect(url_for("rounds.unit", round_id=rnd.id, org_id=org_id, _anchor="rekomendasi"))


def _lhe(round_id: int, org_id: int):
    rnd, _ = _round(round_id)
    place_date = request.args.get("tempat", "") or f"……………, {date.today().strftime('%d-%m-%Y')}"
    return rounds.lhe(db.session(), rnd, org_id, place_date)


@bp.get("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>/lhe")
def lhe(round_id: int, org_id: int):
    return render("evaluation_rounds/lhe.html", doc=_lhe(round_id, org_id), **_labels())[0]


@bp.get("/evaluasi-lintas-unit/<int:round_id>/unit/<int:org_id>/lhe.xlsx")
def lhe_workbook(round_id: int, org_id: int):
    doc = _lhe(round_id, org_id)
    name = f"LHE-{doc.result.organization.code}-{doc.round.year}.xlsx"
    return send_file(io.BytesIO(lhe_xlsx.build(doc)), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# ---------------------------------------------------------------- follow-up

@bp.get("/evaluasi-lintas-unit/<int:round_id>/tindak-lanjut")
def follow_up(round_id: int):
    rnd, _ = _round(round_id)
    s = db.session()
    summary, overdue = recommendations.follow_up(s, rnd)
    rows = rounds.results(s, rnd, with_previous=False)
    groups: dict[str, list] = {}
    for r in rows:
        if r.group:
            groups.setdefault(r.group, []).append(r)
    return render("evaluation_rounds/follow_up.html", rnd=rnd, summary=summary, overdue=overdue, groups_of=groups,
                  aspect_names={a.code: a.name for a in (rows[0].aspects if rows else [])}, **_labels())[0]


@bp.post("/rekomendasi/<int:rec_id>")
def update_recommendation(rec_id: int):
    s = db.session()
    rec = recommendations.get(s, rec_id)
    f = request.form
    fields = {k: f[k] for k in ("status", "owner", "progress_note") if k in f}
    if f.get("version"):
        fields["version"] = f["version"]
    try:
        if f.get("due_on"):
            fields["due_on"] = date.fromisoformat(f["due_on"])
        if "node_id" in f:
            fields["node_id"] = form_int("node_id")
        data = RecommendationUpdate(**fields)
    except ValueError as exc:
        raise Invalid(gettext("Status harus belum, proses atau selesai; tanggal berformat TTTT-BB-HH."),
                      field="status") from exc
    try:
        recommendations.update(s, rec, data)
    except Stale as exc:  # the user's follow-up stays in its row beside who saved in between
        s.rollback()
        rnd, ru = recommendations.context(s, recommendations.get(s, rec_id))
        return _unit_page(rnd, ru.organization_id, exc, exc.status, rec_form=(rec_id, f))
    rnd, ru = recommendations.context(s, rec)
    flash(gettext("Tindak lanjut disimpan."), "ok")
    return redirect(url_for("rounds.unit", round_id=rnd.id, org_id=ru.organization_id, _anchor=f"rek-{rec.id}"))


def _activity_context(rec_id: int):
    s = db.session()
    rec = recommendations.get(s, rec_id)
    rnd, ru = recommendations.context(s, rec)
    rounds.unit_result(s, rnd, ru.organization_id)  # 404 unless the actor sees the unit
    if not recommendations.can_follow_up(s, rnd, ru.organization_id):
        recommendations.update(s, rec, RecommendationUpdate())  # raises the precise refusal
    plan = evaluations.target_plan(s, evaluations.get(s, ru.evaluation_id))
    if plan is None:
        raise Invalid(gettext("Belum ada Renja yang sedang disusun (draf) untuk unit ini."), field="plan_id")
    require(principal(), "plan.edit", plan)
    levels = orgs.scheme_levels(s, plan.scheme_id)
    parents = [(tn.node, allowed[0]) for tn in plans.load_tree(s, plan).walk()
               if (allowed := plans.allowed_child_levels(levels, plan, tn.node))]
    return rec, rnd, ru, plan, parents


@bp.get("/rekomendasi/<int:rec_id>/kegiatan")
def new_activity(rec_id: int):
    rec, rnd, ru, plan, parents = _activity_context(rec_id)
    parent = parents[0][0] if parents else None
    form = {"parent_id": parent.id if parent else "",
            "code": evaluations.suggest_code(db.session(), parent) if parent else "",
            "name": f"Tindak lanjut rekomendasi: {rec.text[:180]}",
            "indicator_name": "Jumlah rekomendasi evaluasi yang ditindaklanjuti", "unit": "rekomendasi",
            "target": "1"}
    return render("evaluation_rounds/activity.html", rec=rec, rnd=rnd, ru=ru, plan=plan, parents=parents, form=form,
                  error=None)[0]


@bp.post("/rekomendasi/<int:rec_id>/kegiatan")
def make_activity(rec_id: int):
    rec, rnd, ru, plan, parents = _activity_context(rec_id)
    f = request.form
    data = evaluations.ActivityIn(parent_id=form_int("parent_id") or 0, code=f.get("code", ""),
                                  name=f.get("name", ""), indicator_name=f.get("indicator_name", ""),
                                  unit=f.get("unit", ""), target=f.get("target", ""))
    try:
        if len(data.name.strip()) < 2 or len(data.indicator_name.strip()) < 2 or not data.code.strip():
            raise Invalid(gettext("Isi kode, nama kegiatan dan nama indikator keluaran."), field="name")
        node = recommendations.make_activity(db.session(), rec, plan, data)
    except DomainError as exc:
        db.session().rollback()
        return render("evaluation_rounds/activity.html", status=exc.status, rec=rec, rnd=rnd, ru=ru, plan=plan,
                      parents=parents, form=dict(f), error=exc)
    flash(gettext("Kegiatan %(code)s ditambahkan ke %(plan)s.", code=data.code, plan=plan.name), "ok")
    return redirect(url_for("plans.show", plan_id=plan.id, _anchor=f"node-{node.id}"))


# ---------------------------------------------------------------- the admin's rule

@bp.post("/evaluasi-lintas-unit/aturan-kelompok")
def save_group_rule():
    rounds.save_group_rule(db.session(), {code: request.form[f"group:{code}"] for code in cr.CATEGORY_CODES
                                          if f"group:{code}" in request.form})
    flash(gettext("Aturan kelompok percepatan disimpan."), "ok")
    return redirect(url_for("rounds.group_rule"))


@bp.get("/evaluasi-lintas-unit/aturan-kelompok")
def group_rule():
    s = db.session()
    return render("evaluation_rounds/rule.html", rule=rounds.group_rule(s), codes=cr.CATEGORY_CODES,
                  is_admin=principal().is_admin, **_labels())[0]


@bp.post("/organisasi/<int:org_id>/jenis-unit")
def set_unit_type(org_id: int):
    """The administrator sets a unit's type for the national tables (empty: inherited)."""
    s = db.session()
    unit_types.set_unit_type(s, orgs.get(s, org_id), request.form.get("unit_type", ""))
    flash(gettext("Jenis unit disimpan."), "ok")
    round_id = form_int("round_id")
    return redirect(url_for("rounds.show", round_id=round_id) if round_id else url_for("rounds.index"))


# ---------------------------------------------------------------- Renja achievement across units

@bp.get("/capaian-lintas-unit")
def renja_overview_page():
    s = db.session()
    p = principal()
    year = form_int("year") or flask_session.get("year", date.today().year)
    scope = None if p.is_admin else p.readable_orgs
    default = mon.settings_from_config(current_app.config)
    rows = [r for r in renja_overview.overview(s, scope, year, lambda plan: org_settings.for_plan(s, plan, default))
            if can(p, "plan.read", r.plan)]
    return render("evaluation_rounds/renja.html", rows=rows, year=year, quarters=renja_overview.QUARTERS,
                  by_type=renja_overview.by_type(rows), **_labels())[0]
