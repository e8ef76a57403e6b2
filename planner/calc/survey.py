"""Public satisfaction survey, SKM (methodology §8): NRR, IKM, mutu and minimum sample."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence

from .bands import Category, skm_category, to_decimal

# methodology §8: the nine elements, in the order the regulation lists them. Key on the code, not the position.
SKM_ELEMENTS: dict[str, str] = {
    "U1": "Persyaratan",
    "U2": "Sistem, mekanisme & prosedur",
    "U3": "Waktu penyelesaian",
    "U4": "Biaya/tarif",
    "U5": "Produk spesifikasi jenis pelayanan",
    "U6": "Kompetensi pelaksana",
    "U7": "Perilaku pelaksana",
    "U8": "Sarana & prasarana",
    "U9": "Penanganan pengaduan, saran & masukan",
}

_VALID_ANSWERS = (1, 2, 3, 4)
_WEIGHT_TOLERANCE = Decimal("1e-6")  # rejects the printed 0,11 × 9 = 0,99, accepts float 1/9s


@dataclass(frozen=True)
class SkmResult:
    nrr: dict[str, float | None]  # per element code; None when it has no valid answer
    answers: dict[str, int]  # valid answers per element
    weights: dict[str, float]
    ikm_unit: float | None  # 1–4; None while an element has no answer
    converted: float | None  # ikm_unit × 25
    category: Category | None
    missing: tuple[str, ...]  # elements without any valid answer


def _valid(answers: Sequence[int | None], element: str | None) -> list[int]:
    valid = []
    for a in answers:
        if a is None:
            continue  # an unanswered question is not a zero
        if isinstance(a, bool) or a not in _VALID_ANSWERS:
            where = f" unsur {element}" if element else ""
            raise ValueError(f"jawaban{where} harus 1–4, bukan {a!r}")
        valid.append(int(a))
    return valid


def _nrr(valid: Sequence[int]) -> Decimal | None:
    # methodology §8: NRR = sum of valid answers / number of valid answers.
    return Decimal(sum(valid)) / len(valid) if valid else None


def nrr(answers: Sequence[int | None], element: str | None = None) -> float | None:
    """NRR of one element (methodology §8); None answers are skipped, None if none is left.

    ``element`` only names the element in the error for an answer outside 1–4.
    """
    value = _nrr(_valid(answers, element))
    return None if value is None else float(value)


def _weights(codes: Sequence[str], weights: Mapping[str, float] | None) -> dict[str, Decimal]:
    if weights is None:
        # methodology §8: exactly 1/n (1/9 for U1–U9), not the printed 0,11.
        return {c: Decimal(1) / len(codes) for c in codes}
    if set(weights) != set(codes):
        missing, extra = set(codes) - set(weights), set(weights) - set(codes)
        raise ValueError(f"bobot unsur tidak cocok: tanpa bobot {sorted(missing)}, bobot tanpa data {sorted(extra)}")
    dec = {c: to_decimal(weights[c]) for c in codes}
    if any(w < 0 for w in dec.values()) or abs(sum(dec.values()) - 1) > _WEIGHT_TOLERANCE:
        raise ValueError(f"bobot unsur berjumlah {float(sum(dec.values()))}, harus 1")
    return dec


def _ikm_unit(nrrs: Mapping[str, Decimal], weights: Mapping[str, Decimal] | None) -> Decimal:
    if weights is None:
        # methodology §8: Σ NRR × 1/n, computed as Σ NRR / n so that 1/9 is exact.
        return sum(nrrs.values(), Decimal(0)) / len(nrrs)
    return sum(nrrs[c] * weights[c] for c in nrrs)  # methodology §8: custom weights summing to 1


def ikm(
    responses_by_element: Mapping[str, Sequence[int | None]],
    weights: Mapping[str, float] | None = None,
) -> SkmResult:
    """IKM of a unit from answers keyed by element code (methodology §8).

    Default weights are exactly 1/n over the given elements; custom weights
    must cover the same codes and sum to 1. An element with no answer makes
    the index None (listed in ``missing``), never a zero.
    """
    codes = list(responses_by_element)
    if not codes:
        raise ValueError("tidak ada unsur survei")
    w = _weights(codes, weights)
    valid = {c: _valid(responses_by_element[c], c) for c in codes}
    nrrs = {c: _nrr(valid[c]) for c in codes}
    missing = tuple(c for c in codes if nrrs[c] is None)
    unit = None if missing else _ikm_unit(nrrs, w if weights is not None else None)
    converted = None if unit is None else unit * 25  # methodology §8: converted = IKM unit × 25
    return SkmResult(
        nrr={c: None if v is None else float(v) for c, v in nrrs.items()},
        answers={c: len(v) for c, v in valid.items()},
        weights={c: float(v) for c, v in w.items()},
        ikm_unit=None if unit is None else float(unit),
        converted=None if converted is None else float(converted),
        category=skm_category(converted),
        missing=missing,
    )


def min_sample(population: int) -> int:
    """Krejcie–Morgan minimum sample, rounded to nearest (methodology §8): 100→80, 1000→278, 10⁶→384."""
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError("populasi harus bilangan bulat ≥ 1")
    chi2, p, d = Decimal("3.841"), Decimal("0.5"), Decimal("0.05")
    n = Decimal(population)
    # methodology §8: s = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)).
    s = chi2 * n * p * (1 - p) / (d * d * (n - 1) + chi2 * p * (1 - p))
    return int(s.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Priority:
    code: str
    nrr: float
    importance: float | None  # mean importance (1–4) where the survey asked it
    quadrant: str | None  # importance–performance: "prioritas", "pertahankan", "rendah", "berlebih"


def priorities(nrrs: Mapping[str, float | None], importance: Mapping[str, float | None] | None = None,
               count: int = 3) -> tuple[Priority, ...]:
    """The weakest elements first (lowest NRR), as improvement priorities.

    Where importance was asked, elements are placed in the importance–performance quadrants around
    the means of both: "prioritas" (important, performing below average) come before the rest; the
    ``count`` weakest elements are returned either way, ties kept in survey order.
    """
    scored = [(c, to_decimal(v)) for c, v in nrrs.items() if v is not None]
    if not scored:
        return ()
    imp = {c: to_decimal(v) for c, v in (importance or {}).items() if v is not None}
    mean_p = sum((v for _, v in scored), Decimal(0)) / len(scored)
    mean_i = sum(imp.values(), Decimal(0)) / len(imp) if imp else None

    def quadrant(code: str, value: Decimal) -> str | None:
        if mean_i is None or code not in imp:
            return None
        high_i, high_p = imp[code] >= mean_i, value >= mean_p
        return {(True, False): "prioritas", (True, True): "pertahankan",
                (False, False): "rendah", (False, True): "berlebih"}[(high_i, high_p)]

    rows = [Priority(c, float(v), float(imp[c]) if c in imp else None, quadrant(c, v)) for c, v in scored]
    rows.sort(key=lambda p: (p.quadrant != "prioritas" if mean_i is not None else False, p.nrr))
    return tuple(rows[:count])


# Kepmenpan 25/2004: the older fourteen-element index (weight 1/14 each), kept as a second version.
IKM_2004_ELEMENTS: dict[str, str] = {
    "U1": "Prosedur pelayanan",
    "U2": "Persyaratan pelayanan",
    "U3": "Kejelasan petugas pelayanan",
    "U4": "Kedisiplinan petugas pelayanan",
    "U5": "Tanggung jawab petugas pelayanan",
    "U6": "Kemampuan petugas pelayanan",
    "U7": "Kecepatan pelayanan",
    "U8": "Keadilan mendapatkan pelayanan",
    "U9": "Kesopanan dan keramahan petugas",
    "U10": "Kewajaran biaya pelayanan",
    "U11": "Kepastian biaya pelayanan",
    "U12": "Kepastian jadwal pelayanan",
    "U13": "Kenyamanan lingkungan",
    "U14": "Keamanan pelayanan",
}


def check_weights(weights: Mapping[str, float]) -> None:
    """Raise ValueError unless custom element weights are non-negative and sum to 1 (methodology §8)."""
    _weights(list(weights), weights)
