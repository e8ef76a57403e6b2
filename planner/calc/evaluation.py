"""Public-service performance evaluation, PEKPPP (methodology §7): IPP and gap analysis.

Input: a sequence of aspects, each either a mapping
``{"code", "weight", "indicators": [{"code", "weight", "score"}], "name"?}``
or an :class:`EvalAspect` holding :class:`EvalIndicator` items. Weights are
percents (aspects sum to 100, indicators within an aspect sum to 100, both
within 0.01); scores are 0–5 or None (not yet scored).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from .bands import IPP_DECIMALS, Category, exact, ipp_category, to_decimal
from .formatting import format_number

_HUNDRED = Decimal(100)
_FIVE = Decimal(5)
_ZERO = Decimal(0)
_WEIGHT_TOLERANCE = Decimal("0.01")


@dataclass(frozen=True)
class EvalIndicator:
    code: str
    weight: float  # percent within its aspect
    score: float | None = None  # 0–5
    name: str | None = None


@dataclass(frozen=True)
class EvalAspect:
    code: str
    weight: float  # percent of the index
    indicators: Sequence[EvalIndicator]
    name: str | None = None


@dataclass(frozen=True)
class AspectScore:
    code: str
    weight: float
    score: float | None  # 0–5; None while any of its indicators is unscored
    contribution: float | None  # W/100 × score: index points this aspect gives
    name: str | None = None


@dataclass(frozen=True)
class IppResult:
    ipp: float | None  # 0–5; None while any indicator is unscored
    score_100: float | None  # ipp × 20
    aspects: tuple[AspectScore, ...]
    category: Category | None
    unscored: tuple[tuple[str, str], ...]  # (aspect code, indicator code)
    formula: str


@dataclass(frozen=True)
class GapRow:
    aspect: str
    indicator: str
    score: float | None
    gap: float | None  # 5 − score
    weighted_gap: float | None  # index points lost here
    share: float | None  # fraction of all lost points
    tier: str | None  # "I" | "II" | "III"; None when nothing is lost or unscored
    name: str | None = None


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _as_aspects(aspects: Sequence[Any]) -> list[EvalAspect]:
    """Normalise dicts or dataclasses and validate weights and scores (methodology §7)."""
    if not aspects:
        raise ValueError("instrumen tidak memiliki aspek")
    result = []
    for a in aspects:
        code = str(_get(a, "code"))
        indicators = [
            EvalIndicator(str(_get(i, "code")), _get(i, "weight"), _get(i, "score"), _get(i, "name"))
            for i in (_get(a, "indicators") or ())
        ]
        for ind in indicators:
            _check_score(code, ind)
        _check_total([i.weight for i in indicators], f"bobot indikator aspek {code}")
        result.append(EvalAspect(code, _get(a, "weight"), tuple(indicators), _get(a, "name")))
    _check_total([a.weight for a in result], "bobot aspek")
    return result


def _check_total(weights: Sequence[Any], what: str) -> None:
    if any(w is None or w < 0 for w in weights):
        raise ValueError(f"{what}: bobot harus diisi dan tidak negatif")
    total = sum((to_decimal(w) for w in weights), _ZERO)
    if abs(total - _HUNDRED) > _WEIGHT_TOLERANCE:
        raise ValueError(f"{what} berjumlah {format_number(total, None)}%, harus 100%")


def _check_score(aspect: str, ind: EvalIndicator) -> None:
    if ind.score is not None and not 0 <= ind.score <= 5:
        raise ValueError(f"nilai indikator {ind.code} pada aspek {aspect} harus 0–5, bukan {ind.score}")


def _aspect_score(aspect: EvalAspect) -> Decimal | None:
    # methodology §7: aspect score = Σ w_indicator × score (0–5).
    if any(i.score is None for i in aspect.indicators):
        return None
    return sum((to_decimal(i.weight) / _HUNDRED * to_decimal(i.score) for i in aspect.indicators), _ZERO)


def compute_ipp(aspects: Sequence[Any]) -> IppResult:
    """IPP = Σ W_aspect × Σ w_indicator × score, 0–5 (methodology §7), with its category (methodology §6.3)."""
    checked = _as_aspects(aspects)
    rows, total, parts = [], _ZERO, []
    for a in checked:
        score = _aspect_score(a)
        w = to_decimal(a.weight) / _HUNDRED
        contribution = None if score is None else w * score
        rows.append(AspectScore(a.code, a.weight, _float(score), _float(contribution), a.name))
        if contribution is not None:
            total += contribution
            parts.append(f"{format_number(a.weight, None)}%×{format_number(score, None)}")
    unscored = tuple((a.code, i.code) for a in checked for i in a.indicators if i.score is None)
    if unscored:
        return IppResult(None, None, tuple(rows), None, unscored, f"{len(unscored)} indikator belum dinilai")
    # methodology §7: IPP on 0–5; the 0–100 score is IPP × 20.
    formula = " + ".join(parts) + f" = {format_number(total, IPP_DECIMALS)}"
    return IppResult(float(total), float(total * 20), tuple(rows), ipp_category(total), (), formula)


def _float(d: Decimal | None) -> float | None:
    return None if d is None else float(d)


def _tiers(sorted_gaps: Sequence[Decimal], total: Decimal, bounds: tuple[Decimal, Decimal]) -> list[str]:
    """Tier of each gap (largest first): by the share of lost points before it (methodology §7).

    A row starting within the first third of lost points is Prioritas I, within
    the second third II, the rest III; equal gaps share the tier of the first.
    """
    tiers, before, previous = [], _ZERO, None
    for g in sorted_gaps:
        if previous is None or g != previous[0]:
            share_before = exact(before / total)
            tier = "I" if share_before < bounds[0] else "II" if share_before < bounds[1] else "III"
            previous = (g, tier)
        tiers.append(previous[1])
        before += g
    return tiers


def gap_analysis(aspects: Sequence[Any], tiers: tuple[float, float] = (1 / 3, 2 / 3)) -> tuple[GapRow, ...]:
    """Gap per indicator, sorted by weighted gap (largest first), with priority tiers (methodology §7).

    gap = 5 − score; weighted gap = gap × w_indicator × W_aspect (index points
    lost). Unscored indicators and those with nothing lost come last, tier None.
    """
    t1, t2 = (exact(t) for t in tiers)
    if not 0 < t1 <= t2 <= 1:
        raise ValueError("tiers must satisfy 0 < first ≤ second ≤ 1")
    raw = []
    for a in _as_aspects(aspects):
        for i in a.indicators:
            g = None if i.score is None else _FIVE - to_decimal(i.score)
            # methodology §7: weighted gap = gap × w_indicator × W_aspect.
            wg = None if g is None else g * to_decimal(i.weight) / _HUNDRED * to_decimal(a.weight) / _HUNDRED
            raw.append((a.code, i, g, wg))
    raw.sort(key=lambda r: -r[3] if r[3] is not None else Decimal(1))  # stable: instrument order on ties
    lost = [r[3] for r in raw if r[3] is not None and r[3] > 0]
    total = sum(lost, _ZERO)
    tier_of = _tiers(lost, total, (t1, t2)) if lost else []
    rows = []
    for n, (aspect, ind, g, wg) in enumerate(raw):
        tier = tier_of[n] if n < len(tier_of) else None
        share = None if wg is None or total == 0 else float(wg / total)
        rows.append(GapRow(aspect, ind.code, ind.score, _float(g), _float(wg), share, tier, ind.name))
    return tuple(rows)


def check_instrument(aspects: Sequence[Any]) -> None:
    """Raise ValueError unless aspect weights and each aspect's indicator weights sum to 100 (methodology §7)."""
    _as_aspects(aspects)


@dataclass(frozen=True)
class RoundChange:
    code: str
    previous: float | None
    current: float | None
    delta: float | None  # current − previous, index points (0–5)


def compare_rounds(previous: IppResult | None, current: IppResult) -> tuple[RoundChange, ...]:
    """Change per aspect (by code) and of the index between two rounds; the index row has code ''."""
    before = {a.code: a.score for a in previous.aspects} if previous else {}
    before[""] = previous.ipp if previous else None
    rows = [(a.code, a.score) for a in current.aspects] + [("", current.ipp)]
    return tuple(RoundChange(code, before.get(code), now, _delta(before.get(code), now)) for code, now in rows)


def _delta(previous: float | None, current: float | None) -> float | None:
    if previous is None or current is None:
        return None
    return float(to_decimal(current) - to_decimal(previous))
