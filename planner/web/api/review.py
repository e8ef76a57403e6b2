"""API routes of the review area: transitions, revisions, history, comments."""
from __future__ import annotations

from flask import g, jsonify, request

from planner import db
from planner.models import Comment
from planner.services import accounts, audit, audit_view, comments, workflow
from planner.models.bodies import CommentCreate, CommentEdit, RevisionIn, TransitionIn
from planner.web.api import body, bp, on_conflict, validate
from planner.web.api.plans import _plan, plan_json


def comment_json(c: Comment, names: dict[int, str]) -> dict:
    return {"id": c.id, "plan_id": c.plan_id, "object_type": c.object_type, "object_id": c.object_id,
            "parent_id": c.parent_id, "author": names.get(c.author_id), "body": c.body,
            "created_at": c.created_at.isoformat(), "resolved": c.resolved_at is not None,
            "resolved_at": c.resolved_at.isoformat() if c.resolved_at else None,
            "edited_at": c.edited_at.isoformat() if c.edited_at else None,
            "withdrawn": c.withdrawn_at is not None, "version": c.version}


@bp.post("/plans/<int:plan_id>/transitions")
def transition(plan_id: int):
    plan = _plan(plan_id)
    data = body()
    validate(TransitionIn, data)
    workflow.transition(db.session(), g.principal, plan, str(data.get("action", "")), str(data.get("note") or ""),
                        **workflow.transition_options(data))
    return jsonify(plan_json(plan))


@bp.post("/plans/<int:plan_id>/revisions")
def revision(plan_id: int):
    plan = _plan(plan_id)
    data = body()
    validate(RevisionIn, data)
    rev = workflow.create_revision(db.session(), g.principal, plan, str(data.get("reason") or ""))
    return jsonify(plan_json(rev)), 201


@bp.get("/plans/<int:plan_id>/diff")
def diff(plan_id: int):
    plan, base_id = _plan(plan_id), request.args.get("base", type=int)
    d = workflow.diff(db.session(), plan) if base_id is None else workflow.compare(db.session(), _plan(base_id), plan)
    return jsonify(base_id=d.base.id, revision_id=d.revision.id, reason=d.revision.revision_reason,
                   changes=[{"kind": c.kind, "object": c.what, "label": c.label,
                             "fields": {k: [audit.jsonable(a), audit.jsonable(b)] for k, (a, b) in c.fields.items()}}
                            for c in d.changes])


@bp.get("/plans/<int:plan_id>/history")
def history(plan_id: int):
    plan = _plan(plan_id)
    s = db.session()
    version_of = audit_view.version_labels(s, plan)  # every version's entries, each naming its version
    entries = audit_view.plan_history(s, plan)
    return jsonify(entries=[{"at": e.at.isoformat(), "user": e.username, "action": e.action,
                             "object": {"type": e.object_type, "id": e.object_id, "label": e.label},
                             "changes": e.changes, "note": e.note, "plan_id": e.plan_id,
                             "version": version_of.get(e.plan_id)} for e in entries])


@bp.get("/plans/<int:plan_id>/comments")
def list_comments(plan_id: int):
    plan = _plan(plan_id)
    rows = workflow.comments(db.session(), plan.id)
    names = accounts.names(db.session(), {c.author_id for c in rows})
    return jsonify(comments=[comment_json(c, names) for c in rows])


@bp.post("/plans/<int:plan_id>/comments")
def add_comment(plan_id: int):
    plan = _plan(plan_id)
    data = body()
    validate(CommentCreate, data)
    c = workflow.add_comment(db.session(), g.principal, plan, str(data.get("body") or ""),
                             str(data.get("object_type") or "plan"), data.get("object_id"), data.get("parent_id"))
    return jsonify(comment_json(c, {g.api_user.id: g.api_user.full_name or g.api_user.username})), 201


@bp.post("/comments/<int:comment_id>/resolve")
def resolve(comment_id: int):
    c = workflow.get_comment(db.session(), comment_id)
    _plan(c.plan_id)
    workflow.resolve_comment(db.session(), g.principal, c)
    return jsonify(comment_json(c, {}))


@bp.put("/comments/<int:comment_id>")
def edit_comment(comment_id: int):
    """The author corrects the text; the audit trail keeps the earlier one."""
    c = workflow.get_comment(db.session(), comment_id)
    _plan(c.plan_id)
    data = body()
    validate(CommentEdit, data)
    on_conflict(lambda: comment_json(c, {}))
    comments.edit(db.session(), g.principal, c, str(data.get("body") or ""), data.get("version"))
    return jsonify(comment_json(c, {g.api_user.id: g.api_user.full_name or g.api_user.username}))


@bp.delete("/comments/<int:comment_id>")
def withdraw_comment(comment_id: int):
    """The author withdraws the comment: its text leaves the thread, the audit trail keeps it."""
    c = workflow.get_comment(db.session(), comment_id)
    _plan(c.plan_id)
    comments.withdraw(db.session(), g.principal, c)
    return "", 204
