"""Every number Planner computes, following ``shared/domain/formulas.md`` (pure: stdlib only).

Achievement (§1–§2, :mod:`.achievement`)
    ``Settings(lower_is_better_formula="2T-R"|"T/R", tolerance=15.0, rollup_cap=None|100|110|120)``
    ``TargetSpec(value, lower, upper, text).kind`` -> "number" | "range" | "qualitative" | "none"
    ``achievement(target, realisation, polarity, settings, achieved) -> Result(value, formula, flag)``
    ``accumulate(values, accumulation, upto, numerators, denominators, factor) -> float | None``
    ``period_and_annual(targets_by_period, annual_target, values, accumulation, polarity, upto, ...)``
    -> ``IndicatorProgress``; ``gap``, ``required_pace``, ``forecast``, ``status`` / ``STATUS_LABELS``,
    ``absorption``, ``summable(unit)``, ``rollup(items, settings) -> RollupResult``.
    Polarity: "higher_is_better" | "lower_is_better" | "band"; accumulation: "sum" | "last" |
    "average" | "ratio". ``None`` means not reported / cannot be computed ("—"), never zero.

Categories (§3, :mod:`.bands`)
    ``predikat(c) -> Predikat(name, lkjip)``, ``ipp_category(ipp)``, ``skm_category(converted)``
    -> ``Category(code, label)``; codes use the printed minus "A−" (U+2212). Bounds compare on the
    value rounded to 9 decimals (``exact``), so float noise never crosses a bound.

Evaluation (§4, :mod:`.evaluation`)
    ``compute_ipp(aspects) -> IppResult``, ``gap_analysis(aspects, tiers=(1/3, 2/3)) -> tuple[GapRow]``,
    ``check_instrument(aspects)``, ``compare_rounds(previous, current) -> tuple[RoundChange]``.

Survey (§5, :mod:`.survey`)
    ``SKM_ELEMENTS``, ``nrr(answers)``, ``ikm(responses_by_element, weights=None) -> SkmResult``,
    ``min_sample(population)``, ``check_weights(weights)``, ``priorities(nrr, importance=None, count=3)``,
    ``IKM_2004_ELEMENTS``.

Complaints (:mod:`.complaints`)
    ``working_days(start, end, holidays)``, ``due_date(received, limit_days=15)``, ``is_overdue(...)``,
    ``summarize(items, today, limit_days) -> ComplaintSummary``.

Formats (§6, :mod:`.formatting`)
    ``format_number(x, decimals=2)``, ``format_percent``, ``format_rupiah``, ``parse_number(text)``.
"""

from .achievement import (
    ACCUMULATIONS,
    AVERAGE,
    BAND,
    DIVISION_BY_ZERO,
    HIGHER_IS_BETTER,
    LAST,
    LOWER_IS_BETTER,
    NO_TARGET,
    NOT_REPORTED,
    POLARITIES,
    QUALITATIVE_UNSET,
    RATIO,
    ROLLUP_CAPS,
    STATUS_LABELS,
    SUM,
    TARGET_ZERO,
    IndicatorProgress,
    Result,
    RollupResult,
    Settings,
    TargetSpec,
    absorption,
    accumulate,
    achievement,
    forecast,
    gap,
    period_and_annual,
    required_pace,
    rollup,
    status,
    summable,
)
from .bands import Category, Predikat, classify, exact, ipp_category, predikat, skm_category, to_decimal
from .evaluation import (
    AspectScore,
    EvalAspect,
    EvalIndicator,
    GapRow,
    IppResult,
    compute_ipp,
    gap_analysis,
)
from .formatting import DASH, format_number, format_percent, format_rupiah, parse_number
from .survey import SKM_ELEMENTS, SkmResult, ikm, min_sample, nrr

__all__ = [
    "ACCUMULATIONS", "AVERAGE", "BAND", "DIVISION_BY_ZERO", "HIGHER_IS_BETTER", "LAST", "LOWER_IS_BETTER",
    "NO_TARGET", "NOT_REPORTED", "POLARITIES", "QUALITATIVE_UNSET", "RATIO", "ROLLUP_CAPS", "STATUS_LABELS",
    "SUM", "TARGET_ZERO", "IndicatorProgress", "Result", "RollupResult", "Settings", "TargetSpec",
    "absorption", "accumulate", "achievement", "forecast", "gap", "period_and_annual", "required_pace",
    "rollup", "status", "summable",
    "Category", "Predikat", "classify", "exact", "ipp_category", "predikat", "skm_category", "to_decimal",
    "AspectScore", "EvalAspect", "EvalIndicator", "GapRow", "IppResult", "compute_ipp", "gap_analysis",
    "DASH", "format_number", "format_percent", "format_rupiah", "parse_number",
    "SKM_ELEMENTS", "SkmResult", "ikm", "min_sample", "nrr",
]
