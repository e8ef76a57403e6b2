"""Every number Planner computes, following ``docs/methodology.md`` (pure: stdlib only).

Achievement (methodology §1–§5, :mod:`.achievement`)
    ``Settings(lower_is_better_formula="2T-R"|"T/R", tolerance=15.0, rollup_cap=None|100|110|120,
    source=None)`` (:mod:`.settings`); ``source`` names the organisation the settings come from, and
    explanations that used a setting then name it.
    ``TargetSpec(value, lower, upper, text).kind`` -> "number" | "range" | "qualitative" | "none"
    ``achievement(target, realisation, polarity, settings, achieved) -> Result(value, formula, flag, section)``;
    ``Result.not_computable`` / ``.reason``: reported but without C ("tidak dapat dihitung").
    ``accumulate(values, accumulation, upto, numerators, denominators, factor) -> float | None``
    ``period_and_annual(targets_by_period, annual_target, values, accumulation, polarity, upto, ...)``
    -> ``IndicatorProgress``; ``gap``, ``required_pace``, ``forecast``, ``status`` / ``result_status`` /
    ``rollup_status`` / ``status_rule`` / ``STATUS_LABELS``, ``absorption``, ``spending_ahead``,
    ``rollup(items, settings) -> RollupResult``.
    Polarity: "higher_is_better" | "lower_is_better" | "band"; accumulation: "sum" | "last" |
    "average" | "ratio". ``None`` means not reported / cannot be computed ("—"), never zero.

Units (methodology §2.6, §10.1, :mod:`.units`)
    ``unit_kind(unit)``, ``summable(unit)``, ``plausible_range(unit, name, valid_min, valid_max)``
    -> ``PlausibleRange``, ``range_problem(value, range)`` (with the decimal-comma-slip suggestion).

Categories (methodology §6, :mod:`.bands`)
    ``predikat(c) -> Predikat(name, lkjip)``, ``ipp_category(ipp)``, ``skm_category(converted)``
    -> ``Category(code, label)``; codes use the printed minus "A−" (U+2212). Bounds compare on the
    value rounded to 9 decimals (``exact``), so float noise never crosses a bound. ``IPP_DECIMALS`` etc.:
    the precision explanations show (methodology §6.5).

Evaluation (methodology §7, :mod:`.evaluation`)
    ``compute_ipp(aspects) -> IppResult``, ``gap_analysis(aspects, tiers=(1/3, 2/3)) -> tuple[GapRow]``,
    ``check_instrument(aspects)``, ``compare_rounds(previous, current) -> tuple[RoundChange]``.

Evaluation across units (methodology §12, :mod:`.evaluation_rounds`)
    ``rank(values)`` (competition ranking), ``difference(before, after)``, ``heat(score)``, ``percent``,
    ``mean``, ``trend_by_type(rows)``, ``follow_up(items, units, today) -> FollowUpSummary``, ``is_overdue``,
    ``group_for(category, rule)``, ``check_rule(rule)``, ``DEFAULT_GROUP_RULE``.

Survey (methodology §8, :mod:`.survey`)
    ``SKM_ELEMENTS``, ``nrr(answers)``, ``ikm(responses_by_element, weights=None) -> SkmResult``,
    ``min_sample(population)``, ``check_weights(weights)``, ``priorities(nrr, importance=None, count=3)``,
    ``IKM_2004_ELEMENTS``.

Complaints (:mod:`.complaints`)
    ``working_days(start, end, holidays)``, ``due_date(received, limit_days=15)``, ``is_overdue(...)``,
    ``summarize(items, today, limit_days) -> ComplaintSummary``.

Formats (methodology §10.2, :mod:`.formatting`)
    ``format_number(x, decimals=2)``, ``format_percent``, ``format_rupiah``, ``parse_number(text)``.
"""

from .achievement import (
    ACCUMULATIONS,
    AVERAGE,
    BAND,
    DIVISION_BY_ZERO,
    HIGHER_IS_BETTER,
    NOT_COMPUTABLE,
    NOT_COMPUTABLE_FLAGS,
    SPENDING_GAP,
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
    TargetSpec,
    absorption,
    accumulate,
    achievement,
    forecast,
    gap,
    period_and_annual,
    required_pace,
    result_status,
    rollup_status,
    spending_ahead,
    status,
    status_rule,
)
from .rollup import rollup
from .bands import (
    ACHIEVEMENT_DECIMALS, IPP_DECIMALS, SKM_DECIMALS, Category, Predikat, classify, exact, ipp_category, predikat,
    skm_category, to_decimal,
)
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
from .settings import LOWER_IS_BETTER_FORMULAS, Settings
from .survey import SKM_ELEMENTS, SkmResult, ikm, min_sample, nrr
from .units import PlausibleRange, default_range, plausible_range, range_problem, summable, unit_kind

__all__ = [
    "ACCUMULATIONS", "AVERAGE", "BAND", "DIVISION_BY_ZERO", "HIGHER_IS_BETTER", "LAST", "LOWER_IS_BETTER",
    "NO_TARGET", "NOT_REPORTED", "POLARITIES", "QUALITATIVE_UNSET", "RATIO", "ROLLUP_CAPS", "STATUS_LABELS",
    "SUM", "TARGET_ZERO", "IndicatorProgress", "Result", "RollupResult", "Settings", "TargetSpec",
    "absorption", "accumulate", "achievement", "forecast", "gap", "period_and_annual", "required_pace",
    "rollup", "status", "summable", "NOT_COMPUTABLE", "NOT_COMPUTABLE_FLAGS", "SPENDING_GAP", "result_status",
    "rollup_status", "spending_ahead", "status_rule", "LOWER_IS_BETTER_FORMULAS",
    "PlausibleRange", "default_range", "plausible_range", "range_problem", "unit_kind",
    "ACHIEVEMENT_DECIMALS", "IPP_DECIMALS", "SKM_DECIMALS",
    "Category", "Predikat", "classify", "exact", "ipp_category", "predikat", "skm_category", "to_decimal",
    "AspectScore", "EvalAspect", "EvalIndicator", "GapRow", "IppResult", "compute_ipp", "gap_analysis",
    "DASH", "format_number", "format_percent", "format_rupiah", "parse_number",
    "SKM_ELEMENTS", "SkmResult", "ikm", "min_sample", "nrr",
]
