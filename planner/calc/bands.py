"""Category bands: the one band rule of methodology §6.1, applied to every table.

A band runs from just above the previous band's printed upper bound up to and
including its own printed upper bound, read on the unrounded value (methodology §6.1).

Exactness choice: values are compared as ``Decimal`` after quantising to
9 decimal places (:func:`exact`). Floats are converted through ``repr`` (the
shortest decimal that round-trips), so ``90.0`` is exactly 90. Rounding to
9 places removes binary noise such as ``0.9 * 100 == 90.00000000000001`` (which
must stay "Tinggi", not cross the 90 bound), while any real difference a user
can enter (e.g. ``90.0000001``, ``3.502``) is far larger than 1e-9 and is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Sequence

_NINE_PLACES = Decimal("1e-9")
# Wide precision so that quantising a huge value cannot raise; passed to ``quantize`` (entering a local context
# for each comparison cost half of it). Only its flags change, which nothing reads.
_WIDE = Context(prec=400)

# methodology §6.5: explanations show a value at the precision its band rule decides on. IPP bounds are
# printed with two decimals and 3,50 (B−) differs from 3,502 (B), so the third decimal must show.
IPP_DECIMALS = 3
SKM_DECIMALS = 2
ACHIEVEMENT_DECIMALS = 2


def to_decimal(x: float | int | Decimal) -> Decimal:
    """Exact decimal for a number; floats go through ``repr`` (see module doc)."""
    if type(x) is float:  # the common case first: every figure of a plan passes here
        return Decimal(repr(x))
    if isinstance(x, bool):
        raise TypeError("bool is not a number here")
    if isinstance(x, Decimal):
        return x
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(repr(x))
    raise TypeError(f"expected a number, got {type(x).__name__}")


def exact(x: float | int | Decimal) -> Decimal:
    """The value used for every bound comparison: 9 decimal places (module doc)."""
    d = to_decimal(x)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    return d.quantize(_NINE_PLACES, rounding=ROUND_HALF_EVEN, context=_WIDE)


def classify(value: float | int | Decimal, uppers: Sequence[Decimal | None]) -> int:
    """Index of the band holding ``value``; bands ordered low to high.

    ``uppers[i]`` is band i's printed upper bound (inclusive); ``None`` means
    unbounded and must be last. methodology §6.1.
    """
    v = exact(value)
    for i, upper in enumerate(uppers):
        if upper is None or v <= upper:
            return i
    raise ValueError("the last band of a table must be unbounded")


@dataclass(frozen=True)
class Category:
    """A category of a table: ``code`` such as "B−" (U+2212 minus, as printed) and its label."""

    code: str
    label: str


@dataclass(frozen=True)
class Predikat:
    """Achievement predikat (Permendagri 86/2017) and the LKjIP wording."""

    name: str
    lkjip: str


def _table(rows: Sequence[tuple[str | None, object]]) -> tuple[tuple[Decimal | None, ...], tuple]:
    uppers = tuple(None if u is None else Decimal(u) for u, _ in rows)
    return uppers, tuple(item for _, item in rows)


# methodology §6.2 — printed upper bounds of C (%), low to high.
PREDIKAT_UPPERS, PREDIKATS = _table([
    ("50", Predikat("Sangat Rendah", "Sangat Kurang")),
    ("65", Predikat("Rendah", "Kurang")),
    ("75", Predikat("Sedang", "Cukup")),
    ("90", Predikat("Tinggi", "Baik")),
    (None, Predikat("Sangat Tinggi", "Sangat Baik")),
])

# methodology §6.3 — IPP (0–5).
IPP_UPPERS, IPP_CATEGORIES = _table([
    ("1.00", Category("F", "Gagal")),
    ("1.50", Category("E", "Sangat Buruk")),
    ("2.00", Category("D", "Buruk")),
    ("2.50", Category("C\u2212", "Cukup (dengan catatan)")),
    ("3.00", Category("C", "Cukup")),
    ("3.50", Category("B\u2212", "Baik (dengan catatan)")),
    ("4.00", Category("B", "Baik")),
    ("4.50", Category("A\u2212", "Sangat Baik")),
    (None, Category("A", "Pelayanan Prima")),
])

# methodology §6.4 — SKM, read on the converted value (×25).
SKM_UPPERS, SKM_CATEGORIES = _table([
    ("64.99", Category("D", "Tidak baik")),
    ("76.60", Category("C", "Kurang baik")),
    ("88.30", Category("B", "Baik")),
    (None, Category("A", "Sangat baik")),
])


def predikat(c: float | None) -> Predikat | None:
    """Predikat of an achievement C in percent (methodology §6.2); None when C is None."""
    return None if c is None else PREDIKATS[classify(c, PREDIKAT_UPPERS)]


def ipp_category(ipp: float | None) -> Category | None:
    """Category of a public-service index 0–5 (methodology §6.3)."""
    return None if ipp is None else IPP_CATEGORIES[classify(ipp, IPP_UPPERS)]


def skm_category(converted: float | None) -> Category | None:
    """Mutu of a converted SKM index 25–100 (methodology §6.4)."""
    return None if converted is None else SKM_CATEGORIES[classify(converted, SKM_UPPERS)]
