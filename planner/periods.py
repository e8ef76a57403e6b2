"""Reporting periods: codes, labels and which periods an indicator's frequency asks for.

Codes are a contract of the API: ``Y`` (annual), ``S1``–``S2``, ``TW1``–``TW4``, ``M01``–``M12``.
"""
from __future__ import annotations

from functools import lru_cache

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
          "Agustus", "September", "Oktober", "November", "Desember"]
ROMAN = ["I", "II", "III", "IV"]

ANNUAL = "Y"
QUARTERS = [f"TW{i}" for i in range(1, 5)]
SEMESTERS = ["S1", "S2"]
MONTH_CODES = [f"M{i:02d}" for i in range(1, 13)]
ALL = [ANNUAL, *SEMESTERS, *QUARTERS, *MONTH_CODES]

_BY_FREQUENCY = {"annual": [], "semester": SEMESTERS, "quarterly": QUARTERS, "monthly": MONTH_CODES}


def is_valid(code: str) -> bool:
    return code in ALL


def for_frequency(frequency: str) -> list[str]:
    """The sub-annual periods an indicator of this frequency reports on (empty for annual)."""
    return list(_BY_FREQUENCY.get(frequency, QUARTERS))


def label(code: str) -> str:
    if code == ANNUAL:
        return "Tahunan"
    if code in QUARTERS:
        return f"Triwulan {ROMAN[int(code[2]) - 1]}"
    if code in SEMESTERS:
        return f"Semester {ROMAN[int(code[1]) - 1]}"
    if code in MONTH_CODES:
        return MONTHS[int(code[1:]) - 1]
    return code


def short_label(code: str) -> str:
    if code == ANNUAL:
        return "Tahun"
    if code in QUARTERS:
        return f"TW {ROMAN[int(code[2]) - 1]}"
    if code in SEMESTERS:
        return f"Smt {ROMAN[int(code[1]) - 1]}"
    if code in MONTH_CODES:
        return MONTHS[int(code[1:]) - 1][:3]
    return code


def index(code: str) -> int:
    """1-based position of a period inside its year (0 for the annual code)."""
    if code == ANNUAL:
        return 0
    if code in MONTH_CODES:
        return int(code[1:])
    return int(code[-1])


# ---------------------------------------------------------------- period arithmetic
# Periods are compared by the months they cover: TW2, S1 and M06 all end in June.

@lru_cache(maxsize=None)  # a handful of codes, asked for every cell of every indicator
def months(code: str) -> tuple[int, int]:
    """First and last month a period code covers."""
    if code == ANNUAL:
        return 1, 12
    size = 1 if code in MONTH_CODES else 3 if code in QUARTERS else 6
    k = index(code)
    return (k - 1) * size + 1, k * size


def contains(outer: str, inner: str) -> bool:
    """Whether period ``outer`` covers all of ``inner`` (TW1 contains M01–M03; Y contains everything)."""
    (a, b), (c, d) = months(outer), months(inner)
    return a <= c and d <= b


def ended_by(code: str, upto: str) -> bool:
    """Whether ``code`` has ended by the end of ``upto``."""
    return months(code)[1] <= months(upto)[1]


def family(code: str) -> list[str]:
    """The codes of the same granularity as ``code`` (the months, quarters, semesters, or the year)."""
    for codes in (MONTH_CODES, QUARTERS, SEMESTERS):
        if code in codes:
            return codes
    return [ANNUAL]


def reporting(frequency: str) -> list[str]:
    """The periods an indicator of this frequency reports on: its sub-annual periods, or ``Y``."""
    return for_frequency(frequency) or [ANNUAL]


def periods_due(codes: list[str], upto: str) -> int:
    """How many of ``codes`` (in order) have ended by the end of ``upto``."""
    return sum(1 for c in codes if ended_by(c, upto))


def trend_periods(upto: str) -> list[str]:
    """The points of a trend up to ``upto``, in its own granularity (quarters for ``Y``)."""
    codes = QUARTERS if upto == ANNUAL else family(upto)
    return codes[:periods_due(codes, upto)]
