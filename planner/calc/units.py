"""What an indicator's unit says about its numbers (methodology §2.6 and §10.1): its kind, whether it
may be summed over the year, and the plausible range of its targets and realisations.

A unit is free text ("%", "persen (%)", "indeks", "dokumen"); :func:`unit_kind` reads it once, and every
rule that depends on the unit asks the kind, so "persen (%)" and "%" can never be treated differently.
"""

from __future__ import annotations

from functools import lru_cache

import re
from dataclasses import dataclass
from decimal import Decimal

from .bands import exact, to_decimal
from .formatting import format_number

PERCENT, INDEX, RATIO_UNIT, MONEY, OTHER = "percent", "index", "ratio", "money", "other"
UNSUMMABLE_KINDS = frozenset({PERCENT, INDEX, RATIO_UNIT})  # positions and shares, never amounts

_PERCENT_WORDS = ("persen", "persentase", "percent", "prosen")
_INDEX_WORDS = ("indeks", "index", "nilai indeks", "skor", "skala")
_SCALE = re.compile(r"(\d+(?:[.,]\d+)?)\s*[-–—]\s*(\d+(?:[.,]\d+)?)")
PERCENT_MAX = 1000.0  # a percentage above this is a typing error, not a result (methodology §10.1)


@lru_cache(maxsize=1024)  # pure; a unit is read for every target and value checked (a copy checks hundreds)
def unit_kind(unit: str | None) -> str:
    """The kind of a unit: "percent" for "%", "persen", "persentase (%)"; "index" for "indeks", "skor";
    "ratio" for "rasio"; "money" for "Rp"/"rupiah"; "other" for counts, days, documents …"""
    text = (unit or "").strip().lower()
    if "%" in text or text.startswith(_PERCENT_WORDS):
        return PERCENT
    if text.startswith(_INDEX_WORDS):
        return INDEX
    if text.startswith("rasio") or text == "ratio":
        return RATIO_UNIT
    if text.startswith(("rp", "rupiah")):
        return MONEY
    return OTHER


def summable(unit: str | None) -> bool:
    """Percentages, indices and ratios are never ``sum`` (methodology §2.6): one rule, by unit kind."""
    return unit_kind(unit) not in UNSUMMABLE_KINDS


@dataclass(frozen=True)
class PlausibleRange:
    """[low, high] a value may take; None is unbounded. ``basis`` says where it came from."""

    low: float | None
    high: float | None
    basis: str

    @property
    def text(self) -> str:
        """As people write it: "0–5", "≥ 0", "≤ 100", "bebas"."""
        lo, hi = (None if v is None else format_number(v, None) for v in (self.low, self.high))
        if lo is not None and hi is not None:
            return f"{lo}\u2013{hi}"
        if lo is not None:
            return f"\u2265 {lo}"
        return f"\u2264 {hi}" if hi is not None else "bebas"

    def contains(self, value: float) -> bool:
        v = exact(value)
        return (self.low is None or v >= exact(self.low)) and (self.high is None or v <= exact(self.high))


def _index_scale(unit: str, name: str) -> tuple[float, float, str]:
    """The scale of an index: written in the unit ("indeks (0–5)"), else known by its name (IPP 0–5,
    IKM 25–100 converted), else 0–100 (most Indonesian performance indices, e.g. IKPA)."""
    found = _SCALE.search(unit or "")
    if found:
        lo, hi = (float(g.replace(",", ".")) for g in found.groups())
        return lo, hi, f"skala pada satuan '{unit.strip()}'"
    label = f" {(name or '').lower()} "
    if "ipp" in label or "pelayanan publik" in label or "pekppp" in label:
        return 0.0, 5.0, "skala Indeks Pelayanan Publik 0–5"
    if " ikm" in label or "kepuasan masyarakat" in label or " skm" in label:
        return 25.0, 100.0, "skala IKM (konversi) 25–100"
    return 0.0, 100.0, "skala indeks 0–100"


def default_range(unit: str | None, name: str = "") -> PlausibleRange:
    """The range a unit implies (methodology §10.1): percent 0–1.000, an index on its scale, the rest ≥ 0."""
    kind = unit_kind(unit)
    if kind == PERCENT:
        return PlausibleRange(0.0, PERCENT_MAX, "satuan persen")
    if kind == INDEX:
        lo, hi, basis = _index_scale(unit or "", name)
        return PlausibleRange(lo, hi, basis)
    return PlausibleRange(0.0, None, f"satuan '{(unit or '').strip()}' tidak negatif")


def plausible_range(unit: str | None, name: str = "", valid_min: float | None = None,
                    valid_max: float | None = None, negatives: bool = False) -> PlausibleRange:
    """The indicator's own bounds where its metadata sets them, the unit's default for the rest.

    ``negatives``: the plan itself holds a negative figure (a growth rate), so the default floor of 0
    does not apply."""
    default = default_range(unit, name)
    low = valid_min if valid_min is not None else (None if negatives else default.low)
    high = valid_max if valid_max is not None else default.high
    own = valid_min is not None or valid_max is not None
    return PlausibleRange(low, high, "metadata indikator" if own else default.basis)


def slip_suggestion(value: float, rng: PlausibleRange) -> float | None:
    """The value meant when a decimal comma was typed as a dot: "3.502" read in Indonesian format is 3502;
    3,502 lies in 0–5, so that is what was probably meant. None when no such reading fits."""
    d = to_decimal(value)
    if d != d.to_integral_value() or rng.contains(value):
        return None
    for groups in (1, 2):
        candidate = d / (Decimal(1000) ** groups)
        if rng.contains(float(candidate)):
            return float(candidate)
    return None


def range_problem(value: float, rng: PlausibleRange) -> str | None:
    """None when ``value`` is plausible, else the message: "di luar rentang 0–5; maksud Anda 3,502?"."""
    if rng.contains(value):
        return None
    message = f"{format_number(value, None)} di luar rentang {rng.text}"
    meant = slip_suggestion(value, rng)
    if meant is not None:
        message += f"; maksud Anda {format_number(meant, None)}?"
    return f"{message} (rentang menurut {rng.basis})"


# ---------------------------------------------------------------- display by unit (issue #11)

# Units counted in whole things: a forecast of "2.200,00 dokumen" or "183.333,33 orang" reads as whole ones.
COUNT_WORDS = ("orang", "jiwa", "dokumen", "unit", "layanan", "kasus", "laporan", "kegiatan", "buah", "paket",
               "berkas", "lembaga", "desa", "kelurahan", "sekolah", "kali", "surat", "rekomendasi", "izin", "akta",
               "keluarga", "kk", "pegawai", "peserta", "titik", "lokasi", "produk", "aplikasi", "sistem", "perda",
               "peraturan", "wajib pajak", "objek", "rumah", "kendaraan", "pengaduan", "ruas", "kecamatan", "opd",
               "perangkat daerah", "item", "naskah", "bidang", "usaha", "ukm", "umkm", "koperasi", "event")


def is_count(unit: str | None) -> bool:
    text = (unit or "").strip().lower()
    return unit_kind(unit) == OTHER and any(text == w or text.startswith(w + " ") for w in COUNT_WORDS)


def unit_decimals(unit: str | None) -> int | None:
    """Decimals a value of this unit shows: none for Rupiah and counts; two for percentages, indices and
    ratios; otherwise as many as it has, at most two (``None``)."""
    kind = unit_kind(unit)
    if kind == MONEY or is_count(unit):
        return 0
    if kind in (PERCENT, INDEX, RATIO_UNIT):
        return 2
    return None


@lru_cache(maxsize=65536, typed=True)  # pure; a dashboard formats a thousand figures (a Decimal context is slow)
def format_by_unit(x: float | Decimal | None, unit: str | None, with_unit: bool = False) -> str:
    """A computed figure as its unit reads: ``2.200 dokumen``, ``Rp 1.250.000``, ``88,67%``, ``3,25``.

    Rounded half up at the unit's precision (:func:`unit_decimals`); ``None`` is "—"."""
    if x is None:
        return format_number(None)
    decimals = unit_decimals(unit)
    kind = unit_kind(unit)
    if kind == MONEY:
        text = format_number(x, 0)
        return ("-Rp " + text[1:] if text.startswith("-") else "Rp " + text) if with_unit else text
    if decimals is None:
        text = format_number(to_decimal(x).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"), None)
    else:
        text = format_number(x, decimals)
    if not with_unit or not (unit or "").strip():
        return text
    return text + "%" if kind == PERCENT and (unit or "").strip() == "%" else f"{text} {unit.strip()}"
