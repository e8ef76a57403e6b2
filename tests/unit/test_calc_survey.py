"""methodology §8: SKM."""

import pytest

from planner.calc import SKM_ELEMENTS, ikm, min_sample, nrr


def test_elements_are_the_nine_of_formulas():
    assert list(SKM_ELEMENTS) == [f"U{i}" for i in range(1, 10)]
    assert SKM_ELEMENTS["U1"] == "Persyaratan"
    assert SKM_ELEMENTS["U2"] == "Sistem, mekanisme & prosedur"
    assert SKM_ELEMENTS["U9"] == "Penanganan pengaduan, saran & masukan"


def test_nrr_worked_example():
    assert nrr([4, 3, 3, 4]) == 3.5


def test_nrr_skips_unanswered():
    assert nrr([4, None, 2]) == 3.0
    assert nrr([None, None]) is None
    assert nrr([]) is None


@pytest.mark.parametrize("bad", [0, 5, 2.5, "3", True])
def test_nrr_rejects_answers_outside_1_to_4(bad):
    with pytest.raises(ValueError, match="U3"):
        nrr([4, bad], element="U3")


def test_ikm_worked_example():
    answers = {code: [4, 3, 3, 4] for code in SKM_ELEMENTS}
    r = ikm(answers)
    assert r.nrr["U1"] == 3.5
    assert r.ikm_unit == 3.5
    assert r.converted == 87.5
    assert r.category.code == "B"
    assert r.category.label == "Baik"
    assert r.answers["U5"] == 4


def test_ikm_uses_exactly_one_ninth():
    # all answers 4: with the printed 0,11 the index would stop at 99; with 1/9 it is 100.
    r = ikm({code: [4] for code in SKM_ELEMENTS})
    assert r.converted == 100.0
    assert r.category.code == "A"


def test_ikm_keyed_by_code_not_position():
    forward = {code: [k % 4 + 1, 4] for k, code in enumerate(SKM_ELEMENTS)}
    backward = dict(reversed(list(forward.items())))
    assert ikm(forward).ikm_unit == ikm(backward).ikm_unit
    assert ikm(forward).nrr == ikm(backward).nrr


def test_ikm_custom_weights():
    answers = {"U1": [4], "U2": [2], "X1": [3]}
    r = ikm(answers, {"U1": 0.5, "U2": 0.25, "X1": 0.25})
    assert r.ikm_unit == 3.25
    with pytest.raises(ValueError):
        ikm(answers, {"U1": 0.5, "U2": 0.25, "X1": 0.2})
    with pytest.raises(ValueError):
        ikm(answers, {"U1": 0.5, "U2": 0.5})
    nine = {code: [3] for code in SKM_ELEMENTS}
    with pytest.raises(ValueError):
        ikm(nine, {code: 0.11 for code in SKM_ELEMENTS})  # the printed 0,11 sums to 0,99


def test_ikm_missing_element_is_not_zero():
    answers = {code: [3] for code in SKM_ELEMENTS}
    answers["U4"] = [None]
    r = ikm(answers)
    assert r.ikm_unit is None
    assert r.converted is None
    assert r.category is None
    assert r.missing == ("U4",)


def test_ikm_invalid_answer_names_element():
    with pytest.raises(ValueError, match="U7"):
        ikm({"U6": [3], "U7": [9]})


@pytest.mark.parametrize("population, sample", [(100, 80), (1000, 278), (1_000_000, 384)])
def test_krejcie_morgan(population, sample):
    assert min_sample(population) == sample


def test_min_sample_small_and_invalid():
    assert min_sample(1) == 1
    assert min_sample(10) == 10
    with pytest.raises(ValueError):
        min_sample(0)
