"""Review area: transitions, revisions and their diff, comments, history, the reviewer's queue."""
from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db
from planner.errors import Conflict, Forbidden, Invalid
from planner.excel.history import history_workbook
from planner.permissions import require
from planner.services import audit_view, comments, orgs, plans, versions, workflow
from planner.web.filters import t
from planner.web.helpers import form_int, principal, render, respond
from planner.web.plans import PLAN_TPL, tree_context

bp = Blueprint("review", __name__)


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


def _plan(plan_id: int, action: str = "plan.read"):
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), action, plan)
    return plan


@bp.get("/review")
def queue():
    p = principal()
    if not (p.is_admin or p.scopes.get("reviewer") or p.scopes.get("pimpinan")):
        raise Forbidden("Antrean reviu untuk reviewer dan pimpinan.")
    rows = workflow.review_queue(db.session(), p)
    return render("review/queue.html", rows=rows)


@bp.post("/plans/<int:plan_id>/transition")
def transition(plan_id: int):
    plan = _plan(plan_id)
    action = request.form.get("action", "")
    try:
        workflow.transition(db.session(), principal(), plan, action, request.form.get("note", ""),
                            **workflow.transition_options(request.form))
    except (Invalid, Conflict) as exc:  # a missing note or decree, open comments: say so on the plan page
        flash(exc.message, "error")
        return redirect(url_for("plans.show", plan_id=plan.id))
    flash(gettext("Rencana kini berstatus '%(status)s'.", status=t(plan.status_label)), "ok")
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.post("/plans/<int:plan_id>/revisions")
def revise(plan_id: int):
    plan = _plan(plan_id)
    rev = workflow.create_revision(db.session(), principal(), plan, request.form.get("reason", ""))
    flash(gettext("Revisi dibuka sebagai draf. Perubahannya terlihat di halaman perbandingan."), "ok")
    return redirect(url_for("plans.show", plan_id=rev.id))


@bp.get("/plans/<int:plan_id>/diff")
def diff(plan_id: int):
    """Against the version it revises, or against any other version (``?base=<plan id>``)."""
    plan = _plan(plan_id)
    base_id = form_int("base")
    if base_id is None:
        d = workflow.diff(db.session(), plan)
    else:
        d = workflow.compare(db.session(), _plan(base_id), plan)
    return render("review/diff.html", plan=plan, diff=d, labels=versions.version_label)


@bp.get("/plans/<int:plan_id>/history")
def history(plan_id: int):
    """The trail of every version of the plan (or of one node or indicator through its versions)."""
    plan = _plan(plan_id)
    s = db.session()
    node_id, indicator_id = form_int("node"), form_int("indicator")
    version_of = audit_view.version_labels(s, plan)
    entries = audit_view.rows(s, audit_view.plan_history(s, plan, node_id, indicator_id),
                              orgs.get(s, plan.organization_id), version_of)
    return render("review/history.html", block="entries", plan=plan, entries=entries, node_id=node_id,
                  indicator_id=indicator_id, show_version=len(version_of) > 1)


@bp.get("/plans/<int:plan_id>/history.xlsx")
def history_export(plan_id: int):
    plan = _plan(plan_id)
    s = db.session()
    rows = audit_view.rows(s, audit_view.plan_history(s, plan), orgs.get(s, plan.organization_id),
                           audit_view.version_labels(s, plan))
    data = history_workbook(plan.name, rows)
    name = f"riwayat-{plan.kind}-{plan.period_label}-{plan.id}.xlsx".replace("–", "-")
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/plans/<int:plan_id>/comments")
def add_comment(plan_id: int):
    plan = _plan(plan_id)
    error = None
    try:
        object_id = form_int("object_id")
        workflow.add_comment(db.session(), principal(), plan, request.form.get("body", ""),
                             request.form.get("object_type", "plan") if object_id else "plan", object_id,
                             form_int("parent_id"))
    except Invalid as exc:
        error = exc
    if request.form.get("back") == "indicator" and request.form.get("object_type") == "indicator" and object_id:
        # written on the indicator page: back there, the comment (or what was wrong) in its place
        if error is not None:
            flash(error.message, "error")
        return redirect(url_for("plans.indicator", indicator_id=object_id) + "#komentar")
    return _comments_response(plan, error)


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    comment = workflow.get_comment(db.session(), comment_id)
    plan = _plan(comment.plan_id)
    workflow.resolve_comment(db.session(), principal(), comment)
    return _comments_response(plan, None)


@bp.post("/comments/<int:comment_id>/edit")
def edit_comment(comment_id: int):
    """The author corrects a comment; the earlier text stays in the audit trail."""
    comment = workflow.get_comment(db.session(), comment_id)
    plan = _plan(comment.plan_id)
    try:
        comments.edit(db.session(), principal(), comment, request.form.get("body", ""))
    except Invalid as exc:
        return _comments_response(plan, exc)
    return _comments_response(plan, None)


@bp.post("/comments/<int:comment_id>/withdraw")
def withdraw_comment(comment_id: int):
    comment = workflow.get_comment(db.session(), comment_id)
    plan = _plan(comment.plan_id)
    comments.withdraw(db.session(), principal(), comment)
    return _comments_response(plan, None)


def _comments_response(plan, error):
    """The comments section for htmx; the plan page (the error in place, else a redirect) otherwise."""
    return respond(PLAN_TPL, "comments", status=422 if error else 200,
                   context=lambda: tree_context(plan, comment_error=error),
                   redirect_to=url_for("plans.show", plan_id=plan.id) + "#comments")
