"""Indonesian number formats (methodology §10.2): ``1.234.567,89``, ``88,67%``, ``Rp 1.250.000.000``.

Display rounds half up (as people do by hand) on the exact decimal of the value;
``None`` displays as "—" (cannot be computed / not reported).

Parsing rule (:func:`parse_number`), Indonesian first:

* both "." and "," present: the last one is the decimal separator, the other
  groups thousands ("1.234.567,89" and "1,234,567.89" are both 1234567.89);
* one "," only: decimal comma ("88,67" = 88.67, "1,250" = 1.25);
* one "." only: a thousands dot when it is followed by exactly three digits and
  preceded by 1–3 digits not starting with 0 ("1.250" = 1250), otherwise a
  decimal point ("88.67" = 88.67, "0.250" = 0.25, "1234.567" = 1234.567);
* several of the same separator: thousands groups ("1.250.000", "1,250,000");
  groups must be well formed (1–3 digits, then exactly 3 each);
* an optional sign (- or −), "Rp" prefix, "%" suffix (value kept in percent:
  "90%" = 90.0) and a trailing ",-" (as in "Rp 1.250.000,-") are accepted;
  spaces inside the digits are not.
"""

from __future__ import annotations

import math
from functools import lru_cache
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .bands import to_decimal

DASH = "—"
_TRIM_PLACES = 6  # formulas show inputs with up to 6 decimals, trailing zeros dropped


@lru_cache(maxsize=65536, typed=True)  # pure; pages show the same figures many times (a Decimal context is slow)
def format_number(x: float | int | Decimal | None, decimals: int | None = 2) -> str:
    """``format_number(1234567.891, 2) == "1.234.567,89"``.

    ``decimals=None`` shows as many decimals as needed (up to 6, trailing
    zeros dropped): used for the inputs shown in formulas ("18,23", "20").
    """
    if x is None:
        return DASH
    d = to_decimal(x)
    if not d.is_finite():
        raise ValueError(f"not a finite number: {x!r}")
    places = _TRIM_PLACES if decimals is None else decimals
    with localcontext() as ctx:
        ctx.prec = 400  # quantising a large float must not overflow the context
        q = d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""  # a value rounding to zero shows without "-"
    int_part, _, frac = f"{abs(q):f}".partition(".")
    if decimals is None:
        frac = frac.rstrip("0")
    grouped = f"{int(int_part):,}".replace(",", ".")
    return sign + grouped + ("," + frac if frac else "")


def format_percent(x: float | int | Decimal | None, decimals: int = 2) -> str:
    """``format_percent(88.666) == "88,67%"``; x is already in percent."""
    return DASH if x is None else format_number(x, decimals) + "%"


def format_rupiah(x: float | int | Decimal | None, decimals: int = 0) -> str:
    """``format_rupiah(1250000000) == "Rp 1.250.000.000"``; negatives as "-Rp 1.250"."""
    if x is None:
        return DASH
    text = format_number(x, decimals)
    if text.startswith("-"):
        return "-Rp " + text[1:]
    return "Rp " + text


_SHAPE = re.compile(
    r"""^(?P<s1>[-+\u2212])?\s*
        (?P<rp>rp\.?)?\s*
        (?P<s2>[-+\u2212])?\s*
        (?P<num>[0-9.,]*[0-9][0-9.,]*?)
        (?P<dash>,-)?\s*
        (?P<pct>%)?$""",
    re.IGNORECASE | re.VERBOSE,
)


def _error(text: object) -> ValueError:
    return ValueError(
        f"'{text}' bukan angka yang sah; gunakan format seperti 1.234.567,89, 88,67, 90% atau Rp 1.250.000"
    )


def _ungroup(text: str, sep: str) -> str | None:
    groups = text.split(sep)
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        return None
    return "".join(groups)


def _digits(text: str) -> str | None:
    """Canonical "1234.56" for the digit part, or None when malformed (module rule)."""
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        dec = "." if text.rfind(".") > text.rfind(",") else ","
        whole, frac = text.rsplit(dec, 1)
        thousands = "," if dec == "." else "."
        if dec in whole or not frac.isdigit():
            return None
        whole = _ungroup(whole, thousands)
        return None if whole is None else f"{whole}.{frac}"
    sep = "." if dots else "," if commas else ""
    count = dots or commas
    if count == 0:
        return text
    if count > 1:
        return _ungroup(text, sep)
    whole, frac = text.split(sep)
    if not frac:
        return None
    thousands_dot = sep == "." and len(frac) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0"
    if thousands_dot:
        return whole + frac
    return f"{whole or '0'}.{frac}"


def parse_number(text: str | float | int) -> float:
    """Parse an Indonesian (or plain) number; ``ValueError`` in Indonesian otherwise.

    Numbers (int/float) pass through. The message names the text, not the
    cell: the caller adds the cell or field name.
    """
    if isinstance(text, bool):
        raise _error(text)
    if isinstance(text, (int, float)):
        value = float(text) if isinstance(text, float) or abs(text) < 10 ** 308 else math.inf
        if not math.isfinite(value):
            raise _error(text)
        return value
    if not isinstance(text, str) or not text.strip():
        raise ValueError("nilai kosong, bukan angka")
    m = _SHAPE.match(text.strip())
    if not m or (m["s1"] and m["s2"]) or (m["rp"] and m["pct"]):
        raise _error(text)
    digits = _digits(m["num"])
    if digits is None:
        raise _error(text)
    value = float(Decimal(digits))
    if not math.isfinite(value):  # "1" × 400 is a number too large to be one (methodology §10.2)
        raise _error(text)
    negative = (m["s1"] or m["s2"] or "+") in "-\u2212"
    return -value if negative else value
