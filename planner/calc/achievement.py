"""Achievement of indicators, accumulation, gap/pace/forecast, status and roll-up (formulas.md §1–§3).

Arithmetic runs on ``Decimal`` built from the inputs' ``repr`` so that e.g.
(2×20 − 18,23) / 20 × 100 is exactly 108,85; results are returned as floats.
A value of ``None`` always means "cannot be computed" (shown as "—") and is never
counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from .bands import exact, predikat, to_decimal
from .formatting import format_number, format_percent

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
BAND = "band"
POLARITIES = (HIGHER_IS_BETTER, LOWER_IS_BETTER, BAND)

SUM, LAST, AVERAGE, RATIO = "sum", "last", "average", "ratio"
ACCUMULATIONS = (SUM, LAST, AVERAGE, RATIO)

ROLLUP_CAPS = (None, 100.0, 110.0, 120.0)  # the documented choices (§2); any positive cap is accepted

# Flags: why a Result is special. A flag does not imply value None (see Result).
NOT_REPORTED = "not_reported"
NO_TARGET = "no_target"
TARGET_ZERO = "target_zero"
DIVISION_BY_ZERO = "division_by_zero"
QUALITATIVE_UNSET = "qualitative_unset"

STATUS_LABELS = {
    "tercapai": "Tercapai",
    "on_track": "Sesuai rencana",
    "perlu_perhatian": "Perlu perhatian",
    "kritis": "Kritis",
    "belum_dilaporkan": "Belum dilaporkan",
}

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)
# Units whose values are percentages or indices: never summed (§1.2).
_UNSUMMABLE_UNITS = frozenset({"%", "persen", "persentase", "indeks", "index", "rasio"})


@dataclass(frozen=True)
class Settings:
    """Institution settings of formulas.md §1.1, §1.3 and §2."""

    lower_is_better_formula: str = "2T-R"  # or "T/R"
    tolerance: float = 15.0  # status points (§1.3)
    rollup_cap: float | None = None  # None, 100, 110 or 120 (§2)

    def __post_init__(self) -> None:
        if self.lower_is_better_formula not in ("2T-R", "T/R"):
            raise ValueError(f"lower_is_better_formula must be '2T-R' or 'T/R', not {self.lower_is_better_formula!r}")
        if self.tolerance < 0:
            raise ValueError("tolerance must not be negative")
        if self.rollup_cap is not None and self.rollup_cap <= 0:
            raise ValueError("rollup_cap must be positive or None")


@dataclass(frozen=True)
class TargetSpec:
    """A target: a number, a range [lower, upper], a qualitative text, or none.

    ``kind`` precedence: range (both bounds) > number > qualitative > none;
    a lone bound or lower > upper is an error.
    """

    value: float | None = None
    lower: float | None = None
    upper: float | None = None
    text: str | None = None

    def __post_init__(self) -> None:
        if (self.lower is None) != (self.upper is None):
            raise ValueError("a range target needs both lower and upper")
        if self.lower is not None and self.lower > self.upper:
            raise ValueError("range target: lower is above upper")

    @property
    def kind(self) -> str:
        if self.lower is not None:
            return "range"
        if self.value is not None:
            return "number"
        if self.text is not None and self.text.strip():
            return "qualitative"
        return "none"


@dataclass(frozen=True)
class Result:
    """A computed achievement: ``value`` in percent (None = "—"), its ``formula`` and a ``flag``.

    ``flag`` names a special case (NOT_REPORTED, NO_TARGET, TARGET_ZERO,
    DIVISION_BY_ZERO, QUALITATIVE_UNSET). It can come with a value: lower-is-better
    with T = 0 gives 100 or 0 flagged TARGET_ZERO.
    """

    value: float | None
    formula: str
    flag: str | None = None

    @property
    def text(self) -> str:
        """Display text: "108,85%" or "—"."""
        return format_percent(self.value)


@dataclass(frozen=True)
class IndicatorProgress:
    """One indicator at period n: see :func:`period_and_annual`."""

    realisation: float | None
    period_target: TargetSpec
    achievement: Result
    annual_achievement: Result
    gap: float | None
    forecast: float | None
    required_pace: float | None
    status: str
    predikat: str | None  # name of the predikat of the annual achievement


@dataclass(frozen=True)
class RollupResult:
    value: float | None
    reported: int
    unreported: int
    formula: str


# ---------------------------------------------------------------- helpers


def _n(x: Decimal | float) -> str:
    """An operand in a formula; negatives in parentheses so "2×20 − (−5)" reads right."""
    text = format_number(x, None)
    return f"({text})" if text.startswith("-") else text


def _result(value: Decimal, formula: str, flag: str | None = None) -> Result:
    return Result(float(value), f"{formula} = {format_percent(value)}", flag)


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; expected one of {POLARITIES}")


def _as_target(target: TargetSpec | float | None) -> TargetSpec:
    if isinstance(target, TargetSpec):
        return target
    return TargetSpec(value=target)


# ---------------------------------------------------------------- §1.1 achievement


def _higher(t: Decimal, r: Decimal) -> Result:
    # formulas.md §1.1: C = R / T × 100; undefined when T = 0.
    if t == 0:
        return Result(None, "T = 0: capaian tidak dapat dihitung", TARGET_ZERO)
    return _result(r / t * _HUNDRED, f"{_n(r)} / {_n(t)} × 100")


def _lower(t: Decimal, r: Decimal, formula: str) -> Result:
    # formulas.md §1.1: T = 0 → 100 when R = 0, else 0 (takes precedence over both formulas).
    if t == 0:
        value = _HUNDRED if r == 0 else _ZERO
        return _result(value, f"T = 0, R = {_n(r)}", TARGET_ZERO)
    if formula == "T/R":
        # formulas.md §1.1 setting T/R: undefined when R = 0, never divide by zero.
        if r == 0:
            return Result(None, "R = 0: T / R tidak dapat dihitung", DIVISION_BY_ZERO)
        c, text = t / r * _HUNDRED, f"{_n(t)} / {_n(r)} × 100"
    else:
        # formulas.md §1.1: C = (2T − R) / T × 100.
        c, text = (2 * t - r) / t * _HUNDRED, f"(2×{_n(t)} \u2212 {_n(r)}) / {_n(t)} × 100"
    if c < 0:
        # formulas.md §1.1: floored at 0.
        return _result(_ZERO, f"{text} < 0, dibatasi")
    return _result(c, text)


def _in_range(lo: Decimal, hi: Decimal, r: Decimal, polarity: str, settings: Settings) -> Result:
    # formulas.md §1.1 range target / band polarity: 100 inside [L, U].
    if lo <= r <= hi:
        inside = f"R = T = {_n(r)}" if lo == hi else f"{_n(lo)} ≤ {_n(r)} ≤ {_n(hi)} (dalam rentang)"
        return _result(_HUNDRED, inside)
    if polarity == HIGHER_IS_BETTER:
        # formulas.md §1.1: R / U above the range, R / L below it.
        return _higher(hi if r > hi else lo, r)
    if polarity == LOWER_IS_BETTER:
        # formulas.md §1.1: the lower-is-better formula with T = U above, T = L below.
        return _lower(hi if r > hi else lo, r, settings.lower_is_better_formula)
    # formulas.md §1.1 band: R / L below; (2U − R) / U floored at 0 above (fixed formula, not the T/R setting).
    return _higher(lo, r) if r < lo else _lower(hi, r, "2T-R")


def _qualitative(achieved: bool | None) -> Result:
    # formulas.md §1.1: qualitative targets are achieved / not achieved, set by the reviewer.
    if achieved is None:
        return Result(None, "belum dinilai", QUALITATIVE_UNSET)
    if achieved:
        return _result(_HUNDRED, "tercapai (kualitatif)")
    return _result(_ZERO, "tidak tercapai (kualitatif)")


def achievement(
    target: TargetSpec | float | None,
    realisation: float | None,
    polarity: str,
    settings: Settings = Settings(),
    achieved: bool | None = None,
) -> Result:
    """Achievement C (%) of one indicator for one period (formulas.md §1.1).

    For ``band`` polarity the bounds come from a range target; a number target
    is read as the band [T, T]. Qualitative targets ignore ``realisation`` and
    use ``achieved``.
    """
    _check_polarity(polarity)
    spec = _as_target(target)
    kind = spec.kind
    if kind == "qualitative":
        return _qualitative(achieved)
    if kind == "none":
        return Result(None, "target belum ditetapkan", NO_TARGET)
    if realisation is None:
        # formulas.md §1.1: a missing realisation is not zero.
        return Result(None, "belum dilaporkan", NOT_REPORTED)
    r = to_decimal(realisation)
    if kind == "range":
        return _in_range(to_decimal(spec.lower), to_decimal(spec.upper), r, polarity, settings)
    t = to_decimal(spec.value)
    if polarity == HIGHER_IS_BETTER:
        return _higher(t, r)
    if polarity == LOWER_IS_BETTER:
        return _lower(t, r, settings.lower_is_better_formula)
    return _in_range(t, t, r, BAND, settings)


# ---------------------------------------------------------------- §1.2 accumulation


def summable(unit: str | None) -> bool:
    """False for units that are percentages or indices: those are never ``sum`` (formulas.md §1.2)."""
    return (unit or "").strip().lower() not in _UNSUMMABLE_UNITS


def _reported(values: Sequence[float | None]) -> list[Decimal]:
    return [to_decimal(v) for v in values if v is not None]


def _accumulate_dec(values, accumulation, upto, numerators, denominators, factor) -> Decimal | None:
    if accumulation not in ACCUMULATIONS:
        raise ValueError(f"unknown accumulation {accumulation!r}; expected one of {ACCUMULATIONS}")
    if accumulation == RATIO:
        if numerators is None or denominators is None:
            raise ValueError("ratio accumulation needs numerators and denominators")
        _check_upto(upto, min(len(numerators), len(denominators)))
        pairs = [(n, d) for n, d in zip(numerators[:upto], denominators[:upto]) if n is not None and d is not None]
        if not pairs:
            return None
        total_d = sum((to_decimal(d) for _, d in pairs), _ZERO)
        if total_d == 0:
            return None
        # formulas.md §1.2 ratio: (ΣN₁..ₙ) / (ΣD₁..ₙ) × factor.
        return sum((to_decimal(n) for n, _ in pairs), _ZERO) / total_d * to_decimal(factor)
    _check_upto(upto, len(values))
    reported = _reported(values[:upto])
    if not reported:
        return None
    if accumulation == SUM:
        return sum(reported, _ZERO)  # formulas.md §1.2: R₁ + … + Rₙ
    if accumulation == LAST:
        return reported[-1]  # formulas.md §1.2: the latest reported Rₖ, k ≤ n
    return sum(reported, _ZERO) / len(reported)  # formulas.md §1.2: mean of the reported Rᵢ


def _check_upto(upto: int, available: int) -> None:
    if not 1 <= upto <= available:
        raise ValueError(f"upto must be between 1 and {available}, got {upto}")


def accumulate(
    values: Sequence[float | None],
    accumulation: str,
    upto: int,
    numerators: Sequence[float | None] | None = None,
    denominators: Sequence[float | None] | None = None,
    factor: float = 100.0,
) -> float | None:
    """Realisation up to period ``upto`` (1-based) per formulas.md §1.2.

    None values are unreported and skipped; None when nothing is reported.
    For ``ratio`` ``values`` is ignored: periods with both N and D reported
    count, and the result is None when ΣD is 0.
    """
    d = _accumulate_dec(values, accumulation, upto, numerators, denominators, factor)
    return None if d is None else float(d)


def absorption(realised: Sequence[float | None], pagu: float | None) -> Result:
    """Budget absorption: Σ realised rupiah / pagu × 100 (formulas.md §1.2)."""
    reported = _reported(realised)
    if not reported:
        return Result(None, "belum dilaporkan", NOT_REPORTED)
    if pagu is None or pagu == 0:
        return Result(None, "pagu = 0: serapan tidak dapat dihitung", DIVISION_BY_ZERO)
    total, p = sum(reported, _ZERO), to_decimal(pagu)
    return _result(total / p * _HUNDRED, f"{_n(total)} / {_n(p)} × 100")


# ---------------------------------------------------------------- §1.3 gap, pace, forecast, status


def gap(target: TargetSpec | float | None, realisation: float | None, polarity: str) -> float | None:
    """Kesenjangan in the indicator's unit, positive = behind (formulas.md §1.3).

    Band polarity: distance to the nearest bound, 0 inside. A range target with
    another polarity uses T = U above the range and T = L below it (as §1.1).
    """
    _check_polarity(polarity)
    spec = _as_target(target)
    if realisation is None or spec.kind not in ("number", "range"):
        return None
    r = to_decimal(realisation)
    if spec.kind == "range":
        lo, hi = to_decimal(spec.lower), to_decimal(spec.upper)
    else:
        lo = hi = to_decimal(spec.value)
    if lo <= r <= hi and (spec.kind == "range" or polarity == BAND):
        return 0.0
    if polarity == BAND:
        return float(lo - r if r < lo else r - hi)
    t = hi if r > hi else lo
    return float(t - r if polarity == HIGHER_IS_BETTER else r - t)


def required_pace(
    annual_target: float | None, realised_sum: float | None, periods_total: int, periods_done: int
) -> float | None:
    """Per remaining period: (T_annual − ΣR₁..ₙ) / (P − n) (formulas.md §1.3).

    None when an input is missing or no period remains; negative means the
    annual target is already passed.
    """
    if annual_target is None or realised_sum is None or periods_done >= periods_total:
        return None
    remaining = to_decimal(annual_target) - to_decimal(realised_sum)
    return float(remaining / (periods_total - periods_done))


def forecast(realisation: float | None, accumulation: str, periods_total: int, periods_done: int) -> float | None:
    """Year-end forecast (formulas.md §1.3): ΣR × P / n for ``sum``, else the current value.

    For ``last`` that is the last reported value; for ``average`` and ``ratio``
    the running value so far.
    """
    if realisation is None or periods_done < 1:
        return None
    if accumulation == SUM:
        return float(to_decimal(realisation) * periods_total / periods_done)
    return realisation


def status(achievement: float | None, settings: Settings = Settings()) -> str:
    """Status code of a period achievement (formulas.md §1.3); see STATUS_LABELS.

    None (not reported, or not computable — the Result's flag says which)
    gives "belum_dilaporkan". Bounds compare on :func:`bands.exact`.
    """
    if achievement is None:
        return "belum_dilaporkan"
    c, tol = exact(achievement), to_decimal(settings.tolerance)
    if c >= _HUNDRED:
        return "tercapai"
    if c >= _HUNDRED - tol:
        return "on_track"
    if c >= _HUNDRED - 2 * tol:
        return "perlu_perhatian"
    return "kritis"


# ---------------------------------------------------------------- period and annual


def _predikat_name(c: float | None) -> str | None:
    found = predikat(c)
    return None if found is None else found.name


def _sum_targets(targets: Sequence[TargetSpec]) -> TargetSpec:
    # formulas.md §1.2 sum: the cumulative target T₁ + … + Tₙ (a range sums its bounds).
    numeric = [t for t in targets if t.kind in ("number", "range")]
    if not numeric:
        return TargetSpec()
    lows = [to_decimal(t.lower if t.kind == "range" else t.value) for t in numeric]
    highs = [to_decimal(t.upper if t.kind == "range" else t.value) for t in numeric]
    lo, hi = float(sum(lows, _ZERO)), float(sum(highs, _ZERO))
    if any(t.kind == "range" for t in numeric):
        return TargetSpec(lower=lo, upper=hi)
    return TargetSpec(value=lo)


def _last_reported_index(values: Sequence[float | None], upto: int) -> int | None:
    for k in range(upto - 1, -1, -1):
        if values[k] is not None:
            return k
    return None


def _period_target(targets, annual, values, accumulation, upto) -> TargetSpec:
    periods = len(targets)
    if accumulation == SUM:
        return _sum_targets(targets[:upto])
    if accumulation == LAST:
        # formulas.md §1.2 last: the target of the period of Rₖ (the annual target at year end).
        k = _last_reported_index(values, upto)
        k = upto - 1 if k is None else k
        if upto == periods or targets[k].kind == "none":
            return annual
        return targets[k]
    return annual  # formulas.md §1.2: average and ratio compare with the annual target


def period_and_annual(
    targets_by_period: Sequence[TargetSpec],
    annual_target: TargetSpec,
    values: Sequence[float | None],
    accumulation: str,
    polarity: str,
    upto: int,
    settings: Settings = Settings(),
    numerators: Sequence[float | None] | None = None,
    denominators: Sequence[float | None] | None = None,
    factor: float = 100.0,
    achieved: bool | None = None,
) -> IndicatorProgress:
    """Capaian periode and capaian tahunan of one indicator at period ``upto`` (formulas.md §1.2–§1.3).

    ``targets_by_period`` has one entry per period of the indicator's frequency
    (4, 12 or 1). Status follows the period achievement; predikat the annual
    achievement (as the Permendagri 86 form); gap uses the period target.
    """
    periods = len(targets_by_period)
    _check_upto(upto, periods)
    if annual_target.kind == "qualitative":
        own = targets_by_period[upto - 1]
        target = own if own.kind == "qualitative" else annual_target
        period_c = achievement(target, None, polarity, settings, achieved)
        annual_c = achievement(annual_target, None, polarity, settings, achieved)
        return IndicatorProgress(
            None, target, period_c, annual_c, None, None, None,
            status(period_c.value, settings), _predikat_name(annual_c.value),
        )
    realisation = accumulate(values, accumulation, upto, numerators, denominators, factor)
    target = _period_target(targets_by_period, annual_target, values, accumulation, upto)
    period_c = achievement(target, realisation, polarity, settings, achieved)
    annual_c = achievement(annual_target, realisation, polarity, settings, achieved)
    pace = None
    if accumulation == SUM and annual_target.kind == "number":
        pace = required_pace(annual_target.value, realisation, periods, upto)
    return IndicatorProgress(
        realisation=realisation,
        period_target=target,
        achievement=period_c,
        annual_achievement=annual_c,
        gap=gap(target, realisation, polarity),
        forecast=forecast(realisation, accumulation, periods, upto),
        required_pace=pace,
        status=status(period_c.value, settings),
        predikat=_predikat_name(annual_c.value),
    )


# ---------------------------------------------------------------- §2 roll-up

_MAX_TERMS_SHOWN = 8


def rollup(items: Sequence[tuple[float | None, float | None]], settings: Settings = Settings()) -> RollupResult:
    """Weighted mean of children's C (formulas.md §2).

    ``items`` are (C, weight); weight None means 1. Unreported (C None) items
    are left out and counted; ``rollup_cap`` caps each C before averaging.
    """
    cap = None if settings.rollup_cap is None else to_decimal(settings.rollup_cap)
    terms: list[tuple[Decimal, Decimal]] = []
    unreported = 0
    for c, w in items:
        weight = Decimal(1) if w is None else to_decimal(w)
        if weight < 0:
            raise ValueError("a roll-up weight must not be negative")
        if c is None:
            unreported += 1  # formulas.md §1.1/§2: left out of the mean, counted apart
            continue
        value = to_decimal(c)
        terms.append((min(value, cap) if cap is not None else value, weight))
    suffix = f"; {unreported} belum dilaporkan" if unreported else ""
    total_w = sum((w for _, w in terms), _ZERO)
    if not terms or total_w == 0:
        text = "belum ada yang dilaporkan" if not terms else "jumlah bobot = 0"
        return RollupResult(None, len(terms), unreported, text + suffix)
    mean = sum((c * w for c, w in terms), _ZERO) / total_w
    formula = _rollup_formula(terms, total_w, cap) + f" = {format_percent(mean)}" + suffix
    return RollupResult(float(mean), len(terms), unreported, formula)


def _rollup_formula(terms: list[tuple[Decimal, Decimal]], total_w: Decimal, cap: Decimal | None) -> str:
    prefix = f"C dibatasi {_n(cap)}%: " if cap is not None else ""
    if len(terms) > _MAX_TERMS_SHOWN:
        return f"{prefix}rata-rata tertimbang {len(terms)} nilai"
    equal = len({w for _, w in terms}) == 1
    if equal:
        return prefix + f"({' + '.join(_n(c) for c, _ in terms)}) / {len(terms)}"
    body = " + ".join(f"{_n(w)}×{_n(c)}" for c, w in terms)
    return prefix + f"({body}) / {_n(total_w)}"
