"""Read models computed once per write, kept in this process: a value is stored under a key with the write
stamps of what it was computed from (``services.plan_stamps``, read before that data) and served while the
stamps read now are the same. Any process may hold its own copy: the stamps live in the database, so a write
made through another process is seen at the next read.

The memo is bounded (least recently used entries leave first) and safe to share between threads. Values are
shared between requests: callers must treat them as read-only. A computation that saw the caller's own
uncommitted writes is never stored (``plan_stamps.wrote``): its transaction may still be rolled back, and the
stamps it was computed at would then come back with other data.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

MAX_ENTRIES = 64  # a report of a 2.000-activity plan holds a few thousand findings: well under 1 MB each
# A value may weigh more than one (``weight``, in units of ~4 KB: a dashboard's evaluation weighs one per row);
# the weights kept add up to at most this many, whatever the number of entries (~100 MB).
MAX_WEIGHT = 25_000

_entries: OrderedDict[Hashable, tuple[Hashable, Any, int]] = OrderedDict()
_weight = 0
_lock = threading.Lock()


def get(key: Hashable, stamps: Hashable, compute: Callable[[], Any], *, keep: bool = True,
        weight: Callable[[Any], int] | None = None) -> Any:
    """The value stored under ``key`` at these ``stamps``, else ``compute()`` (stored when ``keep``; ``weight``
    of the value, one unless given). Two threads missing at once both compute; the later store wins, both at
    the same stamps."""
    global _weight
    with _lock:
        found = _entries.get(key)
        if found is not None and found[0] == stamps:
            _entries.move_to_end(key)
            return found[1]
    value = compute()
    if keep:
        heavy = max(1, weight(value)) if weight is not None else 1
        with _lock:
            old = _entries.pop(key, None)
            _weight += heavy - (old[2] if old is not None else 0)
            _entries[key] = (stamps, value, heavy)
            while len(_entries) > MAX_ENTRIES or (_weight > MAX_WEIGHT and len(_entries) > 1):
                _weight -= _entries.popitem(last=False)[1][2]
    return value


def peek(key: Hashable) -> tuple[Hashable, Any] | None:
    """The stamps and value stored under ``key`` whatever the stamps (a caller bringing it up to date)."""
    with _lock:
        found = _entries.get(key)
        return None if found is None else found[:2]


def has(key: Hashable, stamps: Hashable) -> bool:
    """Whether ``get`` would serve a stored value now (a caller choosing what to read for a miss)."""
    with _lock:
        found = _entries.get(key)
        return found is not None and found[0] == stamps


def size() -> int:
    with _lock:
        return len(_entries)


def weight() -> int:
    with _lock:
        return _weight


def clear() -> None:
    global _weight
    with _lock:
        _entries.clear()
        _weight = 0
