"""Plausible ranges of an indicator's numbers (methodology §10.1), applied to targets and realisations.

The range itself is calc's (:func:`planner.calc.plausible_range`): the unit's default, or the bounds in
the indicator's metadata. Here it meets the database: whether the plan itself states a negative figure
(a growth rate may fall below zero), and the message a refused value gets.
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import bindparam
from sqlmodel import Session, select

from planner.calc import PlausibleRange, plausible_range, range_problem
from planner.errors import Invalid
from planner.models import Indicator, Target
from planner.services import session_reads


def negatives_planned(s: Session, ind: Indicator, targets: Iterable[float | None] = (), stored: bool = True) -> bool:
    """Growth rates and the like may be negative: allowed when the plan itself has a negative figure."""
    if (ind.baseline_value is not None and ind.baseline_value < 0) or any(v is not None and v < 0 for v in targets):
        return True
    if ind.id is None or not stored:
        return False
    return any((t.value is not None and t.value < 0) or (t.lower is not None and t.lower < 0)
               for t in stored_targets(s, ind))


def stored_targets(s: Session, ind: Indicator) -> list[Target]:
    """The indicator's stored targets; a web request reads them once (the range of a value entered, then the
    row answering the save: ``services.session_reads``)."""
    return session_reads.once(s, Target, ("indicator", ind.id), lambda: list(s.exec(
        _TARGETS, params={"id": ind.id})))


_TARGETS = select(Target).where(Target.indicator_id == bindparam("id"))  # built once (a saved cell reads it)


def range_for(s: Session, ind: Indicator, targets: Iterable[float | None] = (), stored: bool = True) -> PlausibleRange:
    return plausible_range(ind.unit, ind.name, ind.valid_min, ind.valid_max,
                           negatives=negatives_planned(s, ind, targets, stored))


def check_value(value: float, rng: PlausibleRange, what: str, fld: str) -> None:
    """Refuse a value outside the range, naming the range and, for a likely decimal-comma slip, the value
    probably meant: "Realisasi tidak wajar: 3.502 di luar rentang 0–5; maksud Anda 3,502?"."""
    problem = range_problem(value, rng)
    if problem is None:
        return
    if value < 0 and rng.low == 0:
        raise Invalid(f"{what} tidak boleh negatif untuk indikator ini ({problem}).", field=fld)
    raise Invalid(f"{what} tidak wajar: {problem}.", field=fld)


def check_metadata(valid_min: float | None, valid_max: float | None) -> None:
    if valid_min is not None and valid_max is not None and valid_min > valid_max:
        raise Invalid("Batas bawah rentang wajar lebih besar dari batas atasnya.", field="valid_min")
