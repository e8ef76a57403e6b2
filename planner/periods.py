"""Reporting periods: codes, labels and which periods an indicator's frequency asks for.

Codes are a contract of the API: ``Y`` (annual), ``S1``–``S2``, ``TW1``–``TW4``, ``M01``–``M12``.
"""
from __future__ import annotations

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
