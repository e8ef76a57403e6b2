"""Login defences: throttling per account and per address, and a bound on concurrent password hashing.

A failed login is written in its own short transaction (the request that reports the failure answers 401
and is rolled back), so the count holds across threads and across worker processes sharing the database.
"""
from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from planner.errors import DomainError
from planner.models.base import utcnow
from planner.models.security import LoginFailure


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_requests"

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
                         field="password")
        self.retry_after = retry_after


class Busy(DomainError):
    """Every password-hashing slot is taken: answer at once instead of tying up a server thread."""

    status = 503
    code = "busy"
    retry_after = 1


@dataclass(frozen=True)
class Limits:
    per_account: int = 5
    per_address: int = 30
    window_seconds: int = 900


def limits_from_config(config) -> Limits:
    return Limits(int(config.get("LOGIN_MAX_PER_ACCOUNT", 5)), int(config.get("LOGIN_MAX_PER_ADDRESS", 30)),
                  int(config.get("LOGIN_WINDOW_SECONDS", 900)))


def keys(username: str, address: str | None) -> tuple[str, str]:
    return f"user:{(username or '').strip().lower()[:80]}", f"addr:{address or '-'}"


def check(s: Session, limits: Limits, username: str, address: str | None) -> None:
    """Raise ``TooManyAttempts`` (with seconds to wait) when the account or the address is over its limit."""
    user_key, addr_key = keys(username, address)
    since = utcnow() - timedelta(seconds=limits.window_seconds)
    rows = s.exec(select(LoginFailure.key, func.count(), func.min(LoginFailure.at))
                  .where(LoginFailure.key.in_((user_key, addr_key)), LoginFailure.at > since)
                  .group_by(LoginFailure.key)).all()
    wait = 0
    for key, count, oldest in rows:
        limit = limits.per_account if key == user_key else limits.per_address
        if count >= limit:
            if oldest.tzinfo is None:  # SQLite hands back naive UTC
                oldest = oldest.replace(tzinfo=utcnow().tzinfo)
            wait = max(wait, math.ceil((oldest - since).total_seconds()))
    if wait:
        raise TooManyAttempts(max(1, wait))


def record_failure(engine: Engine, limits: Limits, username: str, address: str | None) -> None:
    """Count a failed login for the account and the address, committed at once; prune rows past the window."""
    now = utcnow()
    with Session(engine) as s:
        s.exec(delete(LoginFailure).where(LoginFailure.at < now - timedelta(seconds=limits.window_seconds)))
        for key in keys(username, address):
            s.add(LoginFailure(key=key, at=now))
        s.commit()


def clear_account(s: Session, username: str) -> None:
    """A successful login forgives the account's earlier failures (the address keeps its count)."""
    s.exec(delete(LoginFailure).where(LoginFailure.key == keys(username, None)[0]))


# ---------------------------------------------------------------- bounded hashing

_slots = threading.BoundedSemaphore(2)
_slots_lock = threading.Lock()
HASH_WAIT_SECONDS = 3.0


def set_hash_slots(n: int) -> None:
    """How many password hashes may run at once in this process (scrypt is CPU- and memory-heavy)."""
    global _slots
    with _slots_lock:
        _slots = threading.BoundedSemaphore(max(1, n))


class hashing_slot:
    """``with hashing_slot(): check_password_hash(...)``; ``Busy`` when no slot frees up in time."""

    def __enter__(self):
        self._sem = _slots
        if not self._sem.acquire(timeout=HASH_WAIT_SECONDS):
            raise Busy("Server sedang sibuk memeriksa kata sandi. Coba lagi sebentar lagi.")
        return self

    def __exit__(self, *exc):
        self._sem.release()
