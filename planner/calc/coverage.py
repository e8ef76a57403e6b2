"""How much of an aggregate stands on reports (methodology §4): "9 dari 12 laporan masuk", and whether
that is enough to give a predikat.

An average of the reported indicators says nothing about the ones not yet in: a plan headline of
"99 % · Sangat Tinggi" with 10 of 75 reports is not a result. Every aggregate carries its coverage,
and below the organisation's threshold (a setting) it shows no predikat.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .formatting import format_number


@dataclass(frozen=True)
class Coverage:
    """Reports in (counted: submitted or verified) against reports due, over the indicators of an aggregate."""

    reported: int
    expected: int

    @property
    def share(self) -> float | None:
        """Percent of due reports that are in; None when nothing is due yet."""
        if self.expected == 0:
            return None
        return float(Decimal(self.reported) * 100 / Decimal(self.expected))

    @property
    def text(self) -> str:
        """ "9 dari 12 laporan masuk" (as the reader counts, whole numbers)."""
        if self.expected == 0:
            return "belum ada laporan yang jatuh tempo"
        return f"{format_number(self.reported, 0)} dari {format_number(self.expected, 0)} laporan masuk"

    def sufficient(self, threshold: float) -> bool:
        """True when at least ``threshold`` percent of the due reports are in."""
        share = self.share
        return share is not None and share >= threshold

    def __add__(self, other: "Coverage") -> "Coverage":
        return Coverage(self.reported + other.reported, self.expected + other.expected)


NONE = Coverage(0, 0)


def of_rows(rows) -> Coverage:
    """Coverage of indicator rows: each row's due periods, less the ones without a counted report."""
    expected = sum(r.due for r in rows)
    return Coverage(expected - sum(len(r.missing) for r in rows), expected)


def predikat_withheld(coverage: Coverage, threshold: float) -> str | None:
    """Why no predikat is given, or None when coverage allows one."""
    if coverage.expected == 0 or coverage.sufficient(threshold):
        return None
    return (f"predikat belum diberikan: {coverage.text} ({format_number(coverage.share, 0)}%), "
            f"di bawah ambang {format_number(threshold, None)}%")
