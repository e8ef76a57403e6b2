"""A review comment's author may correct or withdraw it; the trail keeps every earlier text.

Comments are audited like plan rows (registered below), so an edit records old -> new body and a
withdrawal the text that was withdrawn. A withdrawn comment stays in the thread as "ditarik".
"""
from __future__ import annotations

from sqlmodel import Session

from planner.errors import Forbidden, Invalid
from planner.models import Comment
from planner.models.base import utcnow
from planner.permissions import Principal, require
from planner.services import audit, concurrency, plans

MAX_BODY = 5_000

audit.register(Comment, "comment", lambda c: (c.body or "")[:80] or f"komentar {c.id}",
               lambda s, c: {"plan_id": c.plan_id, "node_id": c.object_id if c.object_type == "node" else None,
                             "indicator_id": c.object_id if c.object_type == "indicator" else None})


def check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid("Isi komentar wajib diisi.", field="body")
    if len(body) > MAX_BODY:
        raise Invalid(f"Komentar terlalu panjang ({len(body)} karakter; maksimal {MAX_BODY}).", field="body")
    return body


def _own(s: Session, p: Principal, comment: Comment) -> None:
    require(p, "plan.read", plans.get_plan(s, comment.plan_id))
    if comment.author_id != p.user.id:
        raise Forbidden("Hanya penulis komentar yang dapat mengubah atau menariknya.")
    if comment.withdrawn_at is not None:
        raise Invalid("Komentar ini sudah ditarik.", field="body")


def edit(s: Session, p: Principal, comment: Comment, body: str, version=None) -> Comment:
    _own(s, p, comment)
    concurrency.expect_version(s, comment, version, "Komentar")
    comment.body, comment.edited_at = check_body(body), utcnow()
    s.add(comment)
    s.flush()
    return comment


def withdraw(s: Session, p: Principal, comment: Comment, version=None) -> Comment:
    """The text leaves the page (the trail keeps it); the comment's place in the thread stays."""
    _own(s, p, comment)
    concurrency.expect_version(s, comment, version, "Komentar")
    comment.body, comment.withdrawn_at = "", utcnow()
    s.add(comment)
    s.flush()
    return comment
