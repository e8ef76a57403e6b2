"""The choices an institution makes (methodology §9), as one value calc's functions take."""

from __future__ import annotations

from dataclasses import dataclass

from .formatting import format_number

LOWER_IS_BETTER_FORMULAS = ("2T-R", "T/R")


@dataclass(frozen=True)
class Settings:
    """The choices an institution makes (methodology §9): lower-is-better formula, tolerance, roll-up cap.

    ``source`` names where they come from ("Bapenda Kalbar", "bawaan instalasi"); when given, every
    explanation that used a setting names it, so an official can say which rule produced a number."""

    lower_is_better_formula: str = "2T-R"  # or "T/R"
    tolerance: float = 15.0  # status points (methodology §3.2)
    rollup_cap: float | None = None  # None, 100, 110 or 120 (methodology §4)
    source: str | None = None
    coverage_threshold: float = 80.0  # percent of due reports below which no predikat is given

    def named(self, what: str) -> str:
        """The suffix " (rumus minimal 2T − R, pengaturan Bapenda)"; empty when no source is known."""
        return f" ({what}, pengaturan {self.source})" if self.source else ""

    @property
    def formula_label(self) -> str:
        return "rumus minimal " + ("T / R" if self.lower_is_better_formula == "T/R" else "2T \u2212 R")

    @property
    def tolerance_label(self) -> str:
        return f"toleransi {format_number(self.tolerance, None)} poin"

    @property
    def coverage_label(self) -> str:
        return f"predikat bila laporan masuk minimal {format_number(self.coverage_threshold, None)}%"

    @property
    def cap_label(self) -> str:
        cap = self.rollup_cap
        return "tanpa batas capaian" if cap is None else f"batas capaian {format_number(cap, None)}%"

    def __post_init__(self) -> None:
        if self.lower_is_better_formula not in LOWER_IS_BETTER_FORMULAS:
            raise ValueError(f"lower_is_better_formula must be '2T-R' or 'T/R', not {self.lower_is_better_formula!r}")
        if self.tolerance < 0:
            raise ValueError("tolerance must not be negative")
        if not 0 <= self.coverage_threshold <= 100:
            raise ValueError("coverage_threshold must be between 0 and 100")
        if self.rollup_cap is not None and self.rollup_cap <= 0:
            raise ValueError("rollup_cap must be positive or None")
