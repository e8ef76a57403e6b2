"""Optimistic locking: a write names the ``version`` of the record it was based on.

Every editable table carries ``version`` as SQLAlchemy's ``version_id_col`` (``models.base.version_column``):
the UPDATE itself says ``WHERE version = <read>``, so of N concurrent writers holding one version exactly
one wins, even between this check and the flush (the others' flush raises ``StaleDataError``, answered 409
by the web layer). ``expect_version`` refuses a client's stale version early, naming who changed the record
and when, so the page can show it beside the user's value instead of overwriting it.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlmodel import Session, col, or_, select

from planner.errors import Invalid, Stale
from planner.models import AuditEntry


def parse_version(raw: Any, field: str = "version") -> int | None:
    """A version from a form (text) or a body (number); blank means 'not sent'."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise Invalid(f"{field}: harus berupa bilangan bulat", field=field)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid(f"{field}: harus berupa bilangan bulat", field=field) from None
    if not 0 < value < 2**31:
        raise Invalid(f"{field}: di luar batas", field=field)
    return value


def last_change(s: Session, obj: Any, related: Iterable[Any] = ()) -> tuple[str, datetime] | None:
    """Who changed the record last and when, from the audit trail (None when not audited). ``related`` are the
    rows whose writes the record's version stands for (an indicator's target grid, an evaluation's scores):
    the latest change among them all is the one that made the client's version stale."""
    from planner.services import audit

    ids: dict[str, list[int]] = {}
    for o in (obj, *related):
        kind = audit.REGISTRY.get(type(o))
        if kind is not None and getattr(o, "id", None) is not None:
            ids.setdefault(kind.object_type, []).append(o.id)
    if not ids:
        return None
    row = s.exec(select(AuditEntry.username, AuditEntry.at).where(or_(*(
        (AuditEntry.object_type == kind) & col(AuditEntry.object_id).in_(found) for kind, found in ids.items())))
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    return (row[0] or "sistem", row[1]) if row else None


def stale_message(s: Session, obj: Any, what: str, related: Iterable[Any] = ()) -> str:
    change = last_change(s, obj, related)
    if change is None:
        return f"{what} telah diubah orang lain sejak Anda membukanya; muat ulang lalu ulangi."
    who, at = change
    at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
    return (f"{what} telah diubah oleh {who} pada {at.strftime('%d-%m-%Y %H:%M')} UTC sejak Anda membukanya. "
            "Nilai Anda belum disimpan: periksa nilai terbaru, lalu simpan lagi bila perlu.")


def expect_version(s: Session, obj: Any, version: Any, what: str = "Data ini", field: str = "version",
                   related: Iterable[Any] = ()) -> None:
    """Refuse a write based on a version other than the record's current one (``version`` None: not checked,
    the last write wins as before; a record that does not exist yet has no version to be stale against).
    ``related``: rows the record's version stands for, searched too for who changed it (``last_change``)."""
    version = parse_version(version, field)
    if version is None or obj is None or version == obj.version:
        return
    raise Stale(stale_message(s, obj, what, related), field=field)
