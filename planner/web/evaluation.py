"""Service evaluation pages (issue 14): the hub of a unit's public-service work, PEKPPP self-assessments
(scores, evidence, index, radar, comparison, gaps, "Jadikan kegiatan") and the admin's instruments.

Thin handlers: rules and numbers live in ``services.evaluations`` / ``services.instruments`` and ``calc``.
"""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, session as flask_session, url_for
from flask_login import login_required

from planner import db
from planner.charts import radar
from planner.errors import DomainError, Forbidden, Invalid, NotFound
from planner.models import Organization
from planner.models.evaluation import EVALUATION_STATUSES, TIERS, EvaluationCreate
from planner.permissions import can, require
from planner.services import complaints, evaluations, instruments, monitoring, orgs, plans, surveys
from planner.web.helpers import form_int, principal, render, send_evidence

bp = Blueprint("evaluation", __name__)
TPL = "evaluation/evaluation.html"
COLORS = ("#1565c0", "#c77700")


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def _tree_helpers():
    return {"gap_links": gap_links}


def gap_links(plan) -> dict[int, int]:
    """Evaluation id per node of ``plan`` made from an evaluation gap (the tree's link back); one statement."""
    from flask import g

    cache = g.setdefault("gap_links", {})
    if plan.id not in cache:
        cache[plan.id] = evaluations.gap_nodes(db.session(), plan.id)
    return cache[plan.id]


def readable_orgs(action: str = "service.read") -> list[Organization]:
    """Units the user may act on, in tree order (shared by the service-evaluation blueprints)."""
    p = principal()
    return [o for o, _ in orgs.tree_order(orgs.all_orgs(db.session())) if can(p, action, o)]


def chosen_org(action: str = "service.read") -> Organization | None:
    """The organisation asked for (``?org=``), else the switcher's, when the user may act on it."""
    org_id = form_int("org") or form_int("organization_id") or flask_session.get("org_id")
    if not org_id:
        return None
    org = db.session().get(Organization, org_id)
    if org is None:
        raise NotFound("Organisasi tidak ditemukan.")
    require(principal(), action, org)
    return org


def current_year() -> int:
    return form_int("year") or flask_session.get("year", 2026)


# ---------------------------------------------------------------- hub

@bp.get("/layanan-publik")
def hub():
    s, p = db.session(), principal()
    units = readable_orgs()
    ids = {o.id for o in units}
    evs = evaluations.list_for(s, ids)
    svs = surveys.list_for(s, ids)
    counts = complaints.counts_by_org(s, ids, current_year())
    rows = []
    for org in units:
        mine = [e for e in evs if e.organization_id == org.id]
        own_surveys = [sv for sv in svs if sv.organization_id == org.id]
        if not (mine or own_surveys or can(p, "evaluation.edit", org)):
            continue
        rows.append({"org": org, "evaluations": mine[:3], "surveys": own_surveys[:3],
                     "complaints": counts.get(org.id, 0)})
    return render("evaluation/hub.html", rows=rows, year=current_year())[0]


# ---------------------------------------------------------------- evaluations

@bp.get("/evaluasi")
def index():
    s = db.session()
    units = readable_orgs()
    return render("evaluation/index.html", evaluations=evaluations.list_for(s, {o.id for o in units}),
                  org_names={o.id: o.name for o in units}, editable=readable_orgs("evaluation.edit"),
                  instruments=instruments.latest(s), year=current_year(), error=None)[0]


@bp.post("/evaluasi")
def create():
    s = db.session()
    org = chosen_org("evaluation.edit")
    if org is None:
        raise Invalid("Pilih unit pelayanan.", field="organization_id")
    data = EvaluationCreate(organization_id=org.id, year=form_int("year") or current_year(),
                            instrument_id=form_int("instrument_id") or 0, label=request.form.get("label", ""))
    ev = evaluations.create(s, data)
    flash(f"Evaluasi {ev.year} putaran {ev.round} dibuat.", "ok")
    return redirect(url_for("evaluation.show", evaluation_id=ev.id))


def _evaluation(evaluation_id: int, action: str = "service.read"):
    ev = evaluations.get(db.session(), evaluation_id)
    require(principal(), action, ev)
    return ev


def _page(ev, error: DomainError | None = None, status: int = 200, block: str | None = None, form=None):
    """The evaluation page; ``form``: the score sheet as the user sent it (a refused save shows their values)."""
    s = db.session()
    view = evaluations.load(s, ev, monitoring.settings_from_config(current_app.config))
    prev = evaluations.result_of(s, view.previous) if view.previous else None
    series = [(f"Putaran {ev.round} ({ev.year})", [a.score for a in view.result.aspects], COLORS[0])]
    if prev is not None:
        series.append((f"Sebelumnya ({view.previous.year}/{view.previous.round})",
                       [a.score for a in prev.aspects], COLORS[1]))
    chart = radar([a.name or a.code for a in view.result.aspects], series,
                  label=f"Nilai per aspek, evaluasi {ev.year} putaran {ev.round}")
    editable = can(principal(), "evaluation.edit", ev) and ev.status == "draft"
    target = evaluations.target_plan(s, ev)
    return render(TPL, block, status, v=view, chart=chart, editable=editable, can_edit=can(principal(), "evaluation.edit", ev),
                  target_plan=target, tiers=TIERS, statuses=EVALUATION_STATUSES, error=error, form=form or {},
                  change_by_code={c.code: c for c in view.changes})


@bp.get("/evaluasi/<int:evaluation_id>")
def show(evaluation_id: int):
    return _page(_evaluation(evaluation_id))


@bp.post("/evaluasi/<int:evaluation_id>/nilai")
def save_scores(evaluation_id: int):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    scores = {k[6:]: v for k, v in request.form.items() if k.startswith("score:")}
    notes = {k[5:]: v for k, v in request.form.items() if k.startswith("note:")}
    try:
        evaluations.save_scores(db.session(), ev, scores, notes, request.form.get("version"))
    except DomainError as exc:  # stale: the user's scores stay on the page beside who saved in between
        db.session().rollback()
        return _page(_evaluation(evaluation_id), exc, exc.status, form=request.form)
    flash("Nilai disimpan.", "ok")
    return redirect(url_for("evaluation.show", evaluation_id=ev.id))


@bp.post("/evaluasi/<int:evaluation_id>/status")
def set_status(evaluation_id: int):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    evaluations.set_status(db.session(), ev, request.form.get("status", ""))
    return redirect(url_for("evaluation.show", evaluation_id=ev.id))


@bp.post("/evaluasi/<int:evaluation_id>/prioritas/<code>")
def set_tier(evaluation_id: int, code: str):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    tier = request.form.get("tier") or None
    evaluations.set_tier(db.session(), ev, code, tier, request.form.get("reason", ""))
    flash(f"Prioritas indikator {code} disimpan.", "ok")
    return redirect(url_for("evaluation.show", evaluation_id=ev.id, _anchor="celah"))


@bp.post("/evaluasi/<int:evaluation_id>/bukti")
def add_evidence(evaluation_id: int):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    s, cfg = db.session(), current_app.config
    indicator_id = form_int("indicator_id") or 0
    upload = request.files.get("file")
    title = request.form.get("title", "")
    if upload is not None and upload.filename:
        evaluations.add_evidence_file(s, ev, indicator_id, upload.filename, upload.stream, cfg["UPLOAD_DIR"],
                                      cfg["EVIDENCE_MAX_BYTES"], title, principal().user.id)
    else:
        evaluations.add_evidence_link(s, ev, indicator_id, request.form.get("url", ""), title, principal().user.id)
    flash("Bukti dukung ditambahkan.", "ok")
    return redirect(url_for("evaluation.show", evaluation_id=ev.id, _anchor=f"ind-{indicator_id}"))


def _evidence(evidence_id: int, action: str):
    row = evaluations.get_evidence(db.session(), evidence_id)
    return row, _evaluation(row.evaluation_id, action)


@bp.get("/evaluasi-bukti/<int:evidence_id>")
def evidence_file(evidence_id: int):
    row, _ = _evidence(evidence_id, "service.read")
    return send_evidence(row, evaluations.evidence_path(row, current_app.config["UPLOAD_DIR"]))


@bp.post("/evaluasi-bukti/<int:evidence_id>/hapus")
def delete_evidence(evidence_id: int):
    row, ev = _evidence(evidence_id, "evaluation.edit")
    evaluations.delete_evidence(db.session(), row, current_app.config["UPLOAD_DIR"])
    return redirect(url_for("evaluation.show", evaluation_id=ev.id))


# ---------------------------------------------------------------- "Jadikan kegiatan"

def _activity_context(ev, code: str):
    s = db.session()
    plan = evaluations.target_plan(s, ev)
    if plan is None:
        raise Invalid("Belum ada Renja yang sedang disusun (draf) untuk unit ini; buat Renja tahun berikutnya "
                      "terlebih dahulu.", field="plan_id")
    require(principal(), "plan.edit", plan)
    view = evaluations.load(s, ev, monitoring.settings_from_config(current_app.config))
    gap = next((g for g in view.gaps if g.indicator.code == code), None)
    if gap is None:
        raise NotFound("Indikator tidak ditemukan pada evaluasi ini.")
    tree = plans.load_tree(s, plan)
    levels = orgs.scheme_levels(s, plan.scheme_id)
    parents = []
    for tn in tree.walk():  # any node that may hold a child: program → kegiatan, kegiatan → sub kegiatan, …
        allowed = plans.allowed_child_levels(levels, plan, tn.node)
        if allowed:
            parents.append((tn.node, allowed[0]))
    return plan, gap, parents


@bp.get("/evaluasi/<int:evaluation_id>/kegiatan/<code>")
def new_activity(evaluation_id: int, code: str):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    plan, gap, parents = _activity_context(ev, code)
    s = db.session()
    parent = parents[0][0] if parents else None
    chosen = form_int("parent_id")
    if chosen:
        parent = next((n for n, _ in parents if n.id == chosen), parent)
    form = {"parent_id": parent.id if parent else "", "code": evaluations.suggest_code(s, parent) if parent else "",
            "name": f"Peningkatan {gap.indicator.name[:200].lower()}",
            "indicator_name": f"Jumlah tindak lanjut celah {gap.indicator.code} yang diselesaikan",
            "unit": "dokumen", "target": "1"}
    return render("evaluation/activity.html", ev=ev, plan=plan, gap=gap, parents=parents, form=form,
                  error=None)[0]


@bp.post("/evaluasi/<int:evaluation_id>/kegiatan/<code>")
def make_activity(evaluation_id: int, code: str):
    ev = _evaluation(evaluation_id, "evaluation.edit")
    plan, gap, parents = _activity_context(ev, code)
    f = request.form
    data = evaluations.ActivityIn(parent_id=form_int("parent_id") or 0, code=f.get("code", ""),
                                  name=f.get("name", ""), indicator_name=f.get("indicator_name", ""),
                                  unit=f.get("unit", ""), target=f.get("target", ""))
    try:
        if len(data.name.strip()) < 2 or len(data.indicator_name.strip()) < 2 or not data.code.strip():
            raise Invalid("Isi kode, nama kegiatan dan nama indikator keluaran.", field="name")
        link = evaluations.make_activity(db.session(), ev, code, plan, data)
    except DomainError as exc:
        db.session().rollback()
        return render("evaluation/activity.html", status=exc.status, ev=ev, plan=plan, gap=gap, parents=parents,
                      form=dict(f), error=exc)
    flash(f"Kegiatan {data.code} ditambahkan ke {plan.name}.", "ok")
    return redirect(url_for("plans.show", plan_id=plan.id, _anchor=f"node-{link.node_id}"))


@bp.get("/nodes/<int:node_id>/evaluasi")
def node_links(node_id: int):
    """From a plan node back to the evaluation gap it answers."""
    s = db.session()
    node = plans.get_node(s, node_id)
    require(principal(), "plan.read", plans.get_plan(s, node.plan_id))
    links = evaluations.links_for_node(s, node_id)
    if not links:
        raise NotFound("Simpul ini tidak berasal dari celah evaluasi.")
    return redirect(url_for("evaluation.show", evaluation_id=links[0].evaluation_id, _anchor="celah"))


# ---------------------------------------------------------------- instruments (admin)

def _admin():
    if not principal().is_admin:
        raise Forbidden("Hanya administrator yang mengelola instrumen evaluasi.")


@bp.get("/instrumen")
def instrument_list():
    return render("evaluation/instruments.html", instruments=instruments.list_all(db.session()),
                  is_admin=principal().is_admin, help=instruments.TEXT_HELP, form={}, error=None)[0]


@bp.post("/instrumen")
def create_instrument():
    _admin()
    f = request.form
    try:
        inst = instruments.create(db.session(), instruments.from_text(f.get("code", ""), f.get("name", ""),
                                                                      f.get("source", ""), f.get("text", "")))
    except DomainError as exc:
        db.session().rollback()
        return render("evaluation/instruments.html", exc.status, instruments=instruments.list_all(db.session()),
                      is_admin=True, help=instruments.TEXT_HELP, form=dict(f), error=exc)
    return redirect(url_for("evaluation.instrument", instrument_id=inst.id))


@bp.post("/instrumen/baku")
def load_standard():
    _admin()
    n = instruments.ensure_standard(db.session())
    flash(f"{n} instrumen baku dimuat.", "ok")
    return redirect(url_for("evaluation.instrument_list"))


@bp.get("/instrumen/<int:instrument_id>")
def instrument(instrument_id: int):
    view = instruments.load(db.session(), instruments.get(db.session(), instrument_id))
    return render("evaluation/instrument.html", view=view, text=instruments.to_text(view), is_admin=principal().is_admin,
                  help=instruments.TEXT_HELP, error=None)[0]


@bp.post("/instrumen/<int:instrument_id>")
def update_instrument(instrument_id: int):
    _admin()
    s, f = db.session(), request.form
    inst = instruments.get(s, instrument_id)
    try:
        saved = instruments.update(s, inst, instruments.from_text(inst.code, f.get("name", ""), f.get("source", ""),
                                                                  f.get("text", "")))
    except DomainError as exc:
        s.rollback()
        view = instruments.load(s, instruments.get(s, instrument_id))
        return render("evaluation/instrument.html", exc.status, view=view, text=f.get("text", ""), is_admin=True,
                      help=instruments.TEXT_HELP, error=exc)
    if saved.id != inst.id:
        flash(f"Instrumen sudah dipakai evaluasi: perubahan disimpan sebagai versi {saved.version}.", "ok")
    return redirect(url_for("evaluation.instrument", instrument_id=saved.id))
