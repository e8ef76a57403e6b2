"""methodology §6: every band boundary of §6.2–§6.4, both sides."""

from decimal import Decimal

import pytest

from planner.calc import exact, ipp_category, predikat, skm_category

JUST_ABOVE = 0.0000001


@pytest.mark.parametrize(
    "c, name, lkjip",
    [
        (150, "Sangat Tinggi", "Sangat Baik"),
        (90 + JUST_ABOVE, "Sangat Tinggi", "Sangat Baik"),
        (90.0, "Tinggi", "Baik"),
        (75 + JUST_ABOVE, "Tinggi", "Baik"),
        (75.0, "Sedang", "Cukup"),
        (65 + JUST_ABOVE, "Sedang", "Cukup"),
        (65.0, "Rendah", "Kurang"),
        (50 + JUST_ABOVE, "Rendah", "Kurang"),
        (50.0, "Sangat Rendah", "Sangat Kurang"),
        (0, "Sangat Rendah", "Sangat Kurang"),
        (-10, "Sangat Rendah", "Sangat Kurang"),
    ],
)
def test_predikat_bounds(c, name, lkjip):
    p = predikat(c)
    assert (p.name, p.lkjip) == (name, lkjip)


def test_predikat_float_noise_does_not_cross_a_bound():
    noisy = (0.34 + 0.56) * 100
    assert noisy == 90.00000000000001  # the binary noise this guards against
    assert predikat(noisy).name == "Tinggi"
    assert predikat(9 / 10 * 100).name == "Tinggi"
    assert predikat(90.00000000001).name == "Tinggi"
    assert predikat(None) is None


MINUS = "\u2212"


@pytest.mark.parametrize(
    "ipp, code, label",
    [
        (5.0, "A", "Pelayanan Prima"),
        (4.501, "A", "Pelayanan Prima"),
        (4.50, "A" + MINUS, "Sangat Baik"),
        (4.001, "A" + MINUS, "Sangat Baik"),
        (4.00, "B", "Baik"),
        (3.502, "B", "Baik"),
        (3.50, "B" + MINUS, "Baik (dengan catatan)"),
        (3.001, "B" + MINUS, "Baik (dengan catatan)"),
        (3.00, "C", "Cukup"),
        (2.501, "C", "Cukup"),
        (2.50, "C" + MINUS, "Cukup (dengan catatan)"),
        (2.001, "C" + MINUS, "Cukup (dengan catatan)"),
        (2.00, "D", "Buruk"),
        (1.501, "D", "Buruk"),
        (1.50, "E", "Sangat Buruk"),
        (1.001, "E", "Sangat Buruk"),
        (1.00, "F", "Gagal"),
        (0.0, "F", "Gagal"),
    ],
)
def test_ipp_bounds(ipp, code, label):
    cat = ipp_category(ipp)
    assert (cat.code, cat.label) == (code, label)


def test_ipp_gap_between_printed_bounds():
    # 3,505 lies in the printed gap 3,50 / 3,51: it is above 3,50, so B.
    assert ipp_category(3.505).code == "B"
    assert ipp_category(None) is None


@pytest.mark.parametrize(
    "converted, code, label",
    [
        (100.0, "A", "Sangat baik"),
        (88.31, "A", "Sangat baik"),
        (88.300001, "A", "Sangat baik"),
        (88.30, "B", "Baik"),
        (87.50, "B", "Baik"),
        (76.61, "B", "Baik"),
        (76.600001, "B", "Baik"),
        (76.60, "C", "Kurang baik"),
        (65.00, "C", "Kurang baik"),
        (64.990001, "C", "Kurang baik"),
        (64.99, "D", "Tidak baik"),
        (25.0, "D", "Tidak baik"),
    ],
)
def test_skm_bounds(converted, code, label):
    cat = skm_category(converted)
    assert (cat.code, cat.label) == (code, label)


def test_skm_from_unit_times_25():
    assert skm_category(3.532 * 25).code == "B"
    assert skm_category(3.5324 * 25).code == "A"
    assert skm_category(None) is None


def test_exact_rounds_to_nine_places():
    assert exact(90.00000000000001) == Decimal("90")
    assert exact(90.0000001) > Decimal("90")
    assert exact(Decimal("3.5020")) == Decimal("3.502")
    with pytest.raises(ValueError):
        exact(float("nan"))
