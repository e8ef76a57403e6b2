"""Evaluation across units (methodology §12): ranking, change, means by unit type, follow-up shares and the
acceleration groups. Pure: the services hand in plain values and get plain values back.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Hashable, Iterable, Mapping, Sequence

from .bands import exact, ipp_category, to_decimal

# methodology §12.3: the PEKPPP acceleration scheme. Units rated very good or prima update their own evidence
# (evaluasi mandiri), the weakest are "daerah prioritas pembinaan"; the rest get direct mentoring.
GROUPS = {"mandiri": "Evaluasi mandiri", "pendampingan": "Pendampingan", "prioritas": "Prioritas pembinaan"}
CATEGORY_CODES = ("A", "A\u2212", "B", "B\u2212", "C", "C\u2212", "D", "E", "F")
DEFAULT_GROUP_RULE: dict[str, str] = {
    "A": "mandiri", "A\u2212": "mandiri",
    "B": "pendampingan", "B\u2212": "pendampingan", "C": "pendampingan", "C\u2212": "pendampingan",
    "D": "prioritas", "E": "prioritas", "F": "prioritas",
}
# Follow-up item states (methodology §12.2): "proses" and "selesai" count as following up.
FOLLOW_UP_STATES = {"belum": "Belum ditindaklanjuti", "proses": "Dalam proses", "selesai": "Selesai"}
ACTING = {"proses", "selesai"}


def rank(values: Mapping[Hashable, float | None]) -> dict[Hashable, int | None]:
    """Competition ranking, highest first (1, 2, 2, 4); equal values (at 9 decimals) share a rank; None unranked."""
    scored = sorted(((exact(v), k) for k, v in values.items() if v is not None), key=lambda p: -p[0])
    out: dict[Hashable, int | None] = {k: None for k in values}
    previous, place = None, 0
    for position, (value, key) in enumerate(scored, 1):
        if value != previous:
            place, previous = position, value
        out[key] = place
    return out


def difference(before: float | None, after: float | None) -> float | None:
    """after − before (verified − self, or this round − the last); None when either is missing."""
    if before is None or after is None:
        return None
    return float(exact(to_decimal(after) - to_decimal(before)))


def heat(score: float | None) -> str | None:
    """The heat-map band of an aspect score 0–5: the IPP category of that score (methodology §6.3)."""
    category = ipp_category(score)
    return category.code if category else None


def percent(part: int, whole: int) -> float | None:
    """part / whole × 100; None when there is nothing to count."""
    if whole == 0:
        return None
    return float(exact(Decimal(part) * 100 / Decimal(whole)))


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values present; None when none is."""
    present = [to_decimal(v) for v in values if v is not None]
    if not present:
        return None
    return float(exact(sum(present, Decimal(0)) / len(present)))


def trend_by_type(rows: Iterable[tuple[Hashable, str | None, float | None]]) -> dict[str, dict[Hashable, float | None]]:
    """Mean index per unit type and round: rows are (round key, unit type, index); untyped units under "lainnya"."""
    bucket: dict[str, dict[Hashable, list]] = defaultdict(lambda: defaultdict(list))
    for round_key, unit_type, value in rows:
        bucket[unit_type or "lainnya"][round_key].append(value)
    return {t: {r: mean(vs) for r, vs in rounds.items()} for t, rounds in bucket.items()}


def group_for(category_code: str | None, rule: Mapping[str, str] | None = None) -> str | None:
    """The acceleration group of a category under the rule (category code → group); None without a category."""
    if category_code is None:
        return None
    table = {**DEFAULT_GROUP_RULE, **(rule or {})}
    return table.get(category_code.replace("-", "\u2212"))


def check_rule(rule: Mapping[str, str]) -> None:
    """Raise ValueError unless every key is a category code and every value a group."""
    for code, group in rule.items():
        if code not in CATEGORY_CODES:
            raise ValueError(f"kategori '{code}' tidak dikenal")
        if group not in GROUPS:
            raise ValueError(f"kelompok '{group}' untuk kategori {code} tidak dikenal")


@dataclass(frozen=True)
class FollowUpItem:
    id: Hashable
    unit: Hashable
    aspect: str
    unit_type: str | None
    status: str  # belum | proses | selesai
    due_on: date | None


@dataclass(frozen=True)
class Share:
    units: int
    units_acting: int
    units_acting_pct: float | None
    items: int
    done: int
    done_pct: float | None
    overdue: int


@dataclass(frozen=True)
class FollowUpSummary:
    total: Share
    by_aspect: dict[str, Share]
    by_unit_type: dict[str, Share]
    overdue: tuple[Hashable, ...]  # item ids, oldest due date first


def is_overdue(item: FollowUpItem, today: date) -> bool:
    """Past its due date and not done (methodology §12.2)."""
    return item.status != "selesai" and item.due_on is not None and item.due_on < today


def _share(items: Sequence[FollowUpItem], units: set, today: date) -> Share:
    acting = {i.unit for i in items if i.status in ACTING}
    done = sum(1 for i in items if i.status == "selesai")
    late = sum(1 for i in items if is_overdue(i, today))
    return Share(len(units), len(acting & units), percent(len(acting & units), len(units)),
                 len(items), done, percent(done, len(items)), late)


def follow_up(items: Sequence[FollowUpItem], units: Mapping[Hashable, str | None], today: date) -> FollowUpSummary:
    """Shares of units acting on their recommendations and of recommendations done (methodology §12.2).

    ``units``: every unit of the round (unit → unit type); a unit that received recommendations counts in the
    denominator of the unit share, one with none does not."""
    with_items = {i.unit for i in items}
    by_aspect: dict[str, list] = defaultdict(list)
    by_type: dict[str, list] = defaultdict(list)
    for i in items:
        by_aspect[i.aspect].append(i)
        by_type[units.get(i.unit) or "lainnya"].append(i)
    late = sorted((i for i in items if is_overdue(i, today)), key=lambda i: (i.due_on, str(i.id)))
    return FollowUpSummary(
        total=_share(items, with_items, today),
        by_aspect={a: _share(rows, {i.unit for i in rows}, today) for a, rows in sorted(by_aspect.items())},
        by_unit_type={t: _share(rows, {i.unit for i in rows}, today) for t, rows in sorted(by_type.items())},
        overdue=tuple(i.id for i in late))
