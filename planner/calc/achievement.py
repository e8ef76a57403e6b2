"""Achievement of indicators, accumulation, gap/pace/forecast, status and roll-up (methodology §1–§4).

Arithmetic runs on ``Decimal`` built from the inputs' ``repr`` so that e.g.
(2×20 − 18,23) / 20 × 100 is exactly 108,85; results are returned as floats.
A value of ``None`` always means "cannot be computed" (shown as "—") and is never
counted as zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Sequence

from .bands import exact, predikat, to_decimal
from .formatting import format_number, format_percent
from .settings import Settings

HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
BAND = "band"
POLARITIES = (HIGHER_IS_BETTER, LOWER_IS_BETTER, BAND)

SUM, LAST, AVERAGE, RATIO = "sum", "last", "average", "ratio"
ACCUMULATIONS = (SUM, LAST, AVERAGE, RATIO)

ROLLUP_CAPS = (None, 100.0, 110.0, 120.0)  # the documented choices (methodology §4); any positive cap is accepted

# Flags: why a Result is special. A flag does not imply value None (see Result).
NOT_REPORTED = "not_reported"
NO_TARGET = "no_target"
TARGET_ZERO = "target_zero"
DIVISION_BY_ZERO = "division_by_zero"
QUALITATIVE_UNSET = "qualitative_unset"

NOT_COMPUTABLE = "tidak_dapat_dihitung"
# Flags of a reported realisation that still gives no C (methodology §1.2): "tidak dapat dihitung".
NOT_COMPUTABLE_FLAGS = frozenset({TARGET_ZERO, DIVISION_BY_ZERO})

STATUS_LABELS = {
    "tercapai": "Tercapai",
    "on_track": "Sesuai rencana",
    "perlu_perhatian": "Perlu perhatian",
    "kritis": "Kritis",
    "belum_dilaporkan": "Belum dilaporkan",
    NOT_COMPUTABLE: "Tidak dapat dihitung",
}
# Why a reported value gives no C, in the words the explanation shows (methodology §1.2).
NOT_COMPUTABLE_REASONS = {
    TARGET_ZERO: "target periode ini 0: capaian R / T tidak dapat dihitung",
    DIVISION_BY_ZERO: "realisasi 0 dengan rumus T / R: pembagian dengan nol",
}

_HUNDRED = Decimal(100)
_ZERO = Decimal(0)


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
    section: str = "polaritas"  # the methodology section (anchor) whose rule produced it

    @property
    def text(self) -> str:
        """Display text: "108,85%" or "—"."""
        return format_percent(self.value)

    @property
    def not_computable(self) -> bool:
        """Reported, yet no C: "tidak dapat dihitung" (methodology §1.2)."""
        return self.value is None and self.flag in NOT_COMPUTABLE_FLAGS

    @property
    def reason(self) -> str | None:
        return NOT_COMPUTABLE_REASONS[self.flag] if self.not_computable else None

    def under(self, section: str) -> "Result":
        """The same result under another methodology section (``dataclasses.replace`` is slow per indicator)."""
        return Result(self.value, self.formula, self.flag, section)


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
    status_rule: str = ""  # the status and the tolerance that decided it (methodology §3.2)

    @property
    def reason(self) -> str | None:
        """Why a reported period gives no C ("tidak dapat dihitung"), else None."""
        return self.achievement.reason


@dataclass(frozen=True)
class RollupResult:
    value: float | None
    reported: int
    unreported: int
    formula: str
    not_computable: int = 0  # reported but without C: left out of the mean, counted apart
    section: str = "roll-up"

    @property
    def counted(self) -> int:
        """Items that had something to say: computed, not computable, or due but unreported."""
        return self.reported + self.unreported + self.not_computable


# ---------------------------------------------------------------- helpers


def _n(x: Decimal | float) -> str:
    """An operand in a formula; negatives in parentheses so "2×20 − (−5)" reads right."""
    text = format_number(x, None)
    return f"({text})" if text.startswith("-") else text


def _result(value: Decimal, formula: str, flag: str | None = None, named: str = "") -> Result:
    return Result(float(value), f"{formula} = {format_percent(value)}{named}", flag)


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"unknown polarity {polarity!r}; expected one of {POLARITIES}")


def _as_target(target: TargetSpec | float | None) -> TargetSpec:
    if isinstance(target, TargetSpec):
        return target
    return TargetSpec(value=target)


# ---------------------------------------------------------------- methodology §1: achievement


def _higher(t: Decimal, r: Decimal) -> Result:
    # methodology §1.1: C = R / T × 100; §1.2: undefined when T = 0 ("tidak dapat dihitung").
    if t == 0:
        return Result(None, "T = 0: capaian tidak dapat dihitung", TARGET_ZERO, "tidak-dapat-dihitung")
    return _result(r / t * _HUNDRED, f"{_n(r)} / {_n(t)} × 100")


def _lower(t: Decimal, r: Decimal, settings: Settings | None) -> Result:
    """Lower is better with the institution's formula; ``settings`` None is the fixed 2T − R of a band."""
    named = "" if settings is None else settings.named(settings.formula_label)
    # methodology §1.2: T = 0 → 100 when R = 0, else 0 (takes precedence over both formulas).
    if t == 0:
        value = _HUNDRED if r == 0 else _ZERO
        return Result(float(value), f"T = 0, R = {_n(r)} = {format_percent(value)}", TARGET_ZERO,
                      "tidak-dapat-dihitung")
    if settings is not None and settings.lower_is_better_formula == "T/R":
        # methodology §1.2 (setting T/R): undefined when R = 0, never divide by zero.
        if r == 0:
            return Result(None, "R = 0: T / R tidak dapat dihitung" + named, DIVISION_BY_ZERO,
                          "tidak-dapat-dihitung")
        c, text = t / r * _HUNDRED, f"{_n(t)} / {_n(r)} × 100"
    else:
        # methodology §1.1: C = (2T − R) / T × 100.
        c, text = (2 * t - r) / t * _HUNDRED, f"(2×{_n(t)} \u2212 {_n(r)}) / {_n(t)} × 100"
    if c < 0:
        # methodology §1.1: floored at 0.
        return _result(_ZERO, f"{text} < 0, dibatasi", named=named)
    return _result(c, text, named=named)


def _in_range(lo: Decimal, hi: Decimal, r: Decimal, polarity: str, settings: Settings) -> Result:
    # methodology §1.1 range target / band polarity: 100 inside [L, U].
    if lo <= r <= hi:
        inside = f"R = T = {_n(r)}" if lo == hi else f"{_n(lo)} ≤ {_n(r)} ≤ {_n(hi)} (dalam rentang)"
        return _result(_HUNDRED, inside)
    if polarity == HIGHER_IS_BETTER:
        # methodology §1.1: R / U above the range, R / L below it.
        return _higher(hi if r > hi else lo, r)
    if polarity == LOWER_IS_BETTER:
        # methodology §1.1: the lower-is-better formula with T = U above, T = L below.
        return _lower(hi if r > hi else lo, r, settings)
    # methodology §1.1 band: R / L below; (2U − R) / U floored at 0 above (fixed formula, not the T/R setting).
    return _higher(lo, r) if r < lo else _lower(hi, r, None)


def _qualitative(achieved: bool | None) -> Result:
    # methodology §1.3: qualitative targets are achieved / not achieved, set by the reviewer.
    if achieved is None:
        return Result(None, "belum dinilai", QUALITATIVE_UNSET, "kualitatif")
    verdict = "tercapai (kualitatif)" if achieved else "tidak tercapai (kualitatif)"
    return _result(_HUNDRED if achieved else _ZERO, verdict).under("kualitatif")


def achievement(
    target: TargetSpec | float | None,
    realisation: float | None,
    polarity: str,
    settings: Settings = Settings(),
    achieved: bool | None = None,
) -> Result:
    """Achievement C (%) of one indicator for one period (methodology §1.1).

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
        # methodology §1.4: a missing realisation is not zero.
        return Result(None, "belum dilaporkan", NOT_REPORTED, "belum-dilaporkan")
    r = to_decimal(realisation)
    if kind == "range":
        return _in_range(to_decimal(spec.lower), to_decimal(spec.upper), r, polarity, settings)
    t = to_decimal(spec.value)
    if polarity == HIGHER_IS_BETTER:
        return _higher(t, r)
    if polarity == LOWER_IS_BETTER:
        return _lower(t, r, settings)
    return _in_range(t, t, r, BAND, settings)


# ---------------------------------------------------------------- methodology §2: accumulation


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
        # methodology §2.4 ratio: (ΣN₁..ₙ) / (ΣD₁..ₙ) × factor.
        return sum((to_decimal(n) for n, _ in pairs), _ZERO) / total_d * to_decimal(factor)
    _check_upto(upto, len(values))
    reported = _reported(values[:upto])
    if not reported:
        return None
    if accumulation == SUM:
        return sum(reported, _ZERO)  # methodology §2.1: R₁ + … + Rₙ
    if accumulation == LAST:
        return reported[-1]  # methodology §2.2: the latest reported Rₖ, k ≤ n
    return sum(reported, _ZERO) / len(reported)  # methodology §2.3: mean of the reported Rᵢ


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
    """Realisation up to period ``upto`` (1-based) per methodology §2.

    None values are unreported and skipped; None when nothing is reported.
    For ``ratio`` ``values`` is ignored: periods with both N and D reported
    count, and the result is None when ΣD is 0.
    """
    d = _accumulate_dec(values, accumulation, upto, numerators, denominators, factor)
    return None if d is None else float(d)


def absorption(realised: Sequence[float | None], pagu: float | None) -> Result:
    """Budget absorption: Σ realised rupiah / pagu × 100 (methodology §5.1)."""
    reported = _reported(realised)
    if not reported:
        return Result(None, "belum dilaporkan", NOT_REPORTED, "serapan")
    if pagu is None or pagu == 0:
        return Result(None, "pagu = 0: serapan tidak dapat dihitung", DIVISION_BY_ZERO, "serapan")
    total, p = sum(reported, _ZERO), to_decimal(pagu)
    return _result(total / p * _HUNDRED, f"{_n(total)} / {_n(p)} × 100").under("serapan")


SPENDING_GAP = 25.0  # serapan this many points above capaian: money spent without the results to show for it


def spending_ahead(absorption_pct: float | None, annual_achievement: float | None,
                   points: float = SPENDING_GAP) -> bool:
    """Serapan far ahead of results (methodology §5.2), comparing like with like: both are shares of the
    year's goal reached so far — rupiah against the annual pagu, results against the annual target."""
    if absorption_pct is None or annual_achievement is None:
        return False
    return exact(absorption_pct) - exact(annual_achievement) >= to_decimal(points)


# ---------------------------------------------------------------- methodology §3: gap, pace, forecast, status


def gap(target: TargetSpec | float | None, realisation: float | None, polarity: str) -> float | None:
    """Kesenjangan in the indicator's unit, positive = behind (methodology §3.1).

    Band polarity: distance to the nearest bound, 0 inside. A range target with
    another polarity uses T = U above the range and T = L below it (as methodology §1.1).
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
    """Per remaining period: (T_annual − ΣR₁..ₙ) / (P − n) (methodology §3.1).

    None when an input is missing or no period remains; negative means the
    annual target is already passed.
    """
    if annual_target is None or realised_sum is None or periods_done >= periods_total:
        return None
    remaining = to_decimal(annual_target) - to_decimal(realised_sum)
    return float(remaining / (periods_total - periods_done))


def forecast(realisation: float | None, accumulation: str, periods_total: int, periods_done: int) -> float | None:
    """Year-end forecast (methodology §3.1): ΣR × P / n for ``sum``, else the current value.

    For ``last`` that is the last reported value; for ``average`` and ``ratio``
    the running value so far.
    """
    if realisation is None or periods_done < 1:
        return None
    if accumulation == SUM:
        return float(to_decimal(realisation) * periods_total / periods_done)
    return realisation


def status(achievement: float | None, settings: Settings = Settings()) -> str:
    """Status code of a period achievement (methodology §3.2); see STATUS_LABELS.

    None gives "belum_dilaporkan"; use :func:`result_status` to tell "tidak dapat dihitung" apart.
    Bounds compare on :func:`bands.exact`.
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


def result_status(result: Result, settings: Settings = Settings()) -> str:
    """Status of a Result: a reported value without C is "tidak_dapat_dihitung" (methodology §1.2)."""
    return NOT_COMPUTABLE if result.not_computable else status(result.value, settings)


def rollup_status(result: RollupResult, settings: Settings = Settings()) -> str:
    """Status of a roll-up: "tidak_dapat_dihitung" when everything reported gave no C (methodology §4)."""
    if result.value is None and result.not_computable and not result.unreported:
        return NOT_COMPUTABLE
    return status(result.value, settings)


@lru_cache(maxsize=256)  # pure; every indicator of a plan asks it with the same settings
def status_rule(code: str, settings: Settings = Settings()) -> str:
    """Why a status: its bound with the tolerance used, e.g. "on track: C ≥ 100 − 15 (toleransi 15 poin, ...)"."""
    tol = format_number(settings.tolerance, None)
    bounds = {"tercapai": "C ≥ 100", "on_track": f"100 \u2212 {tol} ≤ C < 100",
              "perlu_perhatian": f"100 \u2212 2×{tol} ≤ C < 100 \u2212 {tol}",
              "kritis": f"C < 100 \u2212 2×{tol}"}
    if code not in bounds:
        return STATUS_LABELS.get(code, code)
    return f"{STATUS_LABELS[code]}: {bounds[code]}" + (settings.named(settings.tolerance_label)
                                                       or f" ({settings.tolerance_label})")


# ---------------------------------------------------------------- period and annual


def _predikat_name(c: float | None) -> str | None:
    found = predikat(c)
    return None if found is None else found.name


def _sum_targets(targets: Sequence[TargetSpec]) -> TargetSpec:
    # methodology §2.1 sum: the cumulative target T₁ + … + Tₙ (a range sums its bounds).
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


def _mean_targets(targets: Sequence[TargetSpec]) -> TargetSpec:
    # methodology §2.3 average: the mean of the period targets T₁ … Tₙ that are set (a range: of each bound).
    numeric = [t for t in targets if t.kind in ("number", "range")]
    if not numeric:
        return TargetSpec()
    summed = _sum_targets(numeric)
    n = Decimal(len(numeric))
    if summed.kind == "range":
        return TargetSpec(lower=float(to_decimal(summed.lower) / n), upper=float(to_decimal(summed.upper) / n))
    return TargetSpec(value=float(to_decimal(summed.value) / n))


def _period_target(targets, annual, values, accumulation, upto) -> TargetSpec:
    periods = len(targets)
    if accumulation == SUM:
        return _sum_targets(targets[:upto])
    if accumulation == LAST:
        # methodology §2.2 last: the target of the period of Rₖ (the annual target at year end).
        k = _last_reported_index(values, upto)
        k = upto - 1 if k is None else k
        if upto == periods or targets[k].kind == "none":
            return annual
        return targets[k]
    if accumulation == RATIO:
        # methodology §2.4 ratio: the target of period n, a position expected by then (never a sum).
        own = targets[upto - 1]
        return own if own.kind in ("number", "range") else annual
    mean = _mean_targets(targets[:upto])  # methodology §2.3 average
    return mean if mean.kind != "none" else annual


_ACCUMULATION_SECTIONS = {SUM: "akumulasi-jumlah", LAST: "akumulasi-akhir", AVERAGE: "akumulasi-rata-rata",
                          RATIO: "akumulasi-rasio"}


def _sectioned(result: Result, accumulation: str) -> Result:
    """A computed period achievement points at its accumulation rule; special cases keep their own."""
    if result.section != "polaritas":
        return result
    return result.under(_ACCUMULATION_SECTIONS[accumulation])


def achievements_at(
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
) -> tuple[float | None, TargetSpec, Result, Result]:
    """The realisation, the period target and capaian periode and tahunan at period ``upto``: all that a
    roll-up reads (a dashboard's trend asks this of every earlier period); :func:`period_and_annual` adds
    gap, forecast, pace, status and predikat."""
    _check_upto(upto, len(targets_by_period))
    if annual_target.kind == "qualitative":
        own = targets_by_period[upto - 1]
        target = own if own.kind == "qualitative" else annual_target
        return (None, target, achievement(target, None, polarity, settings, achieved),
                achievement(annual_target, None, polarity, settings, achieved))
    realisation = accumulate(values, accumulation, upto, numerators, denominators, factor)
    target = _period_target(targets_by_period, annual_target, values, accumulation, upto)
    period_c = _sectioned(achievement(target, realisation, polarity, settings, achieved), accumulation)
    annual_c = achievement(annual_target, realisation, polarity, settings, achieved).under("capaian-tahunan")
    return realisation, target, period_c, annual_c


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
    """Capaian periode and capaian tahunan of one indicator at period ``upto`` (methodology §2–§3).

    ``targets_by_period`` has one entry per period of the indicator's frequency
    (4, 12 or 1). Status follows the period achievement; predikat the annual
    achievement (as the Permendagri 86 form); gap uses the period target.
    """
    periods = len(targets_by_period)
    realisation, target, period_c, annual_c = achievements_at(
        targets_by_period, annual_target, values, accumulation, polarity, upto, settings, numerators,
        denominators, factor, achieved)
    code = result_status(period_c, settings)
    if annual_target.kind == "qualitative":
        return IndicatorProgress(
            None, target, period_c, annual_c, None, None, None,
            code, _predikat_name(annual_c.value), status_rule(code, settings),
        )
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
        status=code,
        predikat=_predikat_name(annual_c.value),
        status_rule=status_rule(code, settings),
    )
