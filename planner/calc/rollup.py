"""Roll-up (methodology §4): the weighted mean of indicators' or children's achievements, with its explanation.

Split from ``achievement`` (one indicator's figures); the same Decimal arithmetic, results as floats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from .achievement import _ZERO, NOT_COMPUTABLE_FLAGS, RollupResult, _n
from .bands import to_decimal
from .formatting import format_percent
from .settings import Settings

_MAX_TERMS_SHOWN = 8


def rollup(items: Sequence[tuple], settings: Settings = Settings(),
           names: Sequence[str] | None = None, explain: bool = True) -> RollupResult:
    """Weighted mean of children's C (methodology §4).

    ``items`` are (C, weight) or (C, weight, flag); weight None means 1. Items without C are left
    out and counted: as "tidak dapat dihitung" when their flag says so (methodology §1.2), else as
    unreported. ``rollup_cap`` caps each C before averaging; the explanation names the setting.
    ``explain=False`` leaves the formula empty: a figure only a further roll-up reads (a trend's inner nodes).
    """
    cap = None if settings.rollup_cap is None else to_decimal(settings.rollup_cap)
    terms: list[tuple[Decimal, Decimal]] = []
    labels: list[str] = []
    unreported = not_computable = 0
    for i, (c, w, *flag) in enumerate(items):
        weight = Decimal(1) if w is None else to_decimal(w)
        if weight < 0:
            raise ValueError("a roll-up weight must not be negative")
        if c is None:
            # methodology §1.2/§1.4/§4: left out of the mean, counted apart
            if flag and flag[0] in NOT_COMPUTABLE_FLAGS:
                not_computable += 1
            else:
                unreported += 1
            continue
        value = to_decimal(c)
        terms.append((min(value, cap) if cap is not None else value, weight))
        labels.append(names[i] if names else "")
    suffix = (f"; {unreported} belum dilaporkan" if unreported else "") + (
        f"; {not_computable} tidak dapat dihitung" if not_computable else "")
    total_w = sum((w for _, w in terms), _ZERO)
    if not terms or total_w == 0:
        text = "belum ada yang dilaporkan" if not terms else "jumlah bobot = 0"
        return RollupResult(None, len(terms), unreported, text + suffix, not_computable)
    mean = sum((c * w for c, w in terms), _ZERO) / total_w
    if not explain:
        return RollupResult(float(mean), len(terms), unreported, "", not_computable)
    formula = (_rollup_formula(terms, total_w, cap, labels) + f" = {format_percent(mean)}" + suffix
               + settings.named(settings.cap_label))
    return RollupResult(float(mean), len(terms), unreported, formula, not_computable)


def _term(c: Decimal, label: str) -> str:
    """One C as the pages show it ("99,49%"), after the indicator or node it belongs to."""
    shown = format_percent(c)
    shown = f"({shown})" if shown.startswith("-") else shown
    return f"{label} {shown}" if label else shown


def _rollup_formula(terms: list[tuple[Decimal, Decimal]], total_w: Decimal, cap: Decimal | None,
                    labels: list[str]) -> str:
    prefix = f"C dibatasi {_n(cap)}%: " if cap is not None else ""
    if len(terms) > _MAX_TERMS_SHOWN:
        return f"{prefix}rata-rata tertimbang {len(terms)} nilai"
    shown = [_term(c, label) for (c, _), label in zip(terms, labels)]
    if len(terms) == 1:
        return prefix + shown[0]
    equal = len({w for _, w in terms}) == 1
    if equal:
        return prefix + f"({' + '.join(shown)}) / {len(terms)}"
    body = " + ".join(f"{_n(w)}×{s}" for (_, w), s in zip(terms, shown))
    return prefix + f"({body}) / {_n(total_w)}"
