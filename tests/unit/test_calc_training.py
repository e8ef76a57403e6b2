"""The training feedback score, expectation matching, time spent and quiz scores (pure)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from planner.calc.training import (
    CHECK_WEIGHT, Draft, Expectation, add_active_time, duration_label, evaluate, matches, score_quiz, training_score,
)

E_IND = Expectation("E1", "indicator", "Output konsultasi", ("jumlah wajib pajak",), level="output")
E_ACT = Expectation("E2", "activity", "Sub kegiatan konsultasi", ("konsultasi pajak",), node_kind="sub_kegiatan")
E_STK = Expectation("E3", "stakeholder", "Wajib pajak", ("wajib pajak",))
E_CMP = Expectation("E4", "component", "Jangka waktu atau pengaduan", ("jangka_waktu", "pengaduan"), weight=2)


def test_keyword_needs_every_word_case_and_punctuation_ignored():
    assert matches("jumlah wajib pajak", "Jumlah wajib-pajak yang dilayani")
    assert not matches("jumlah wajib pajak", "Jumlah pajak daerah")
    assert not matches("", "apa saja")


def test_each_kind_reads_its_part_of_the_draft():
    draft = Draft(nodes=(("sub_kegiatan", "Pelayanan dan Konsultasi Pajak Daerah"),),
                  indicators=(("outcome", "Jumlah wajib pajak terdaftar"), ("output", "Jumlah wajib pajak dilayani")),
                  stakeholders=("Layanan konsultasi Wajib pajak kendaraan bermotor penjelasan denda",),
                  components=frozenset({"pengaduan"}))
    assert evaluate(E_IND, draft).evidence == "Jumlah wajib pajak dilayani"  # the output one, not the outcome
    assert evaluate(E_ACT, draft).met and evaluate(E_STK, draft).met
    assert evaluate(E_CMP, draft).evidence == "pengaduan"
    assert not evaluate(E_ACT, Draft(nodes=(("kegiatan", "Konsultasi pajak"),))).met  # wrong level


def test_score_weighs_checks_and_expectations():
    full = Draft(nodes=(("sub_kegiatan", "Konsultasi pajak"),), indicators=(("output", "Jumlah wajib pajak"),),
                 stakeholders=("wajib pajak",), components=frozenset({"jangka_waktu"}))
    result = training_score(90.0, full, [E_IND, E_ACT, E_STK, E_CMP])
    assert result.score == pytest.approx(CHECK_WEIGHT * 90 + (1 - CHECK_WEIGHT) * 100)
    half = Draft(indicators=(("output", "Jumlah wajib pajak"),), stakeholders=("wajib pajak",))
    result = training_score(80.0, half, [E_IND, E_ACT, E_STK, E_CMP])  # met weight 2 of 5
    assert result.expectation_part == 40.0 and result.met == 2 and len(result.unmet) == 2
    assert result.score == pytest.approx(0.4 * 80 + 0.6 * 40)


def test_an_empty_draft_earns_no_check_points():
    result = training_score(100.0, Draft(), [E_IND])
    assert result.check_part == 0 and result.score == 0


def test_time_spent_caps_idle_gaps():
    t0 = datetime(2026, 3, 2, 8, tzinfo=timezone.utc)
    assert add_active_time(0, None, t0) == 0
    assert add_active_time(60, t0, t0 + timedelta(minutes=2)) == 180
    assert add_active_time(60, t0, t0 + timedelta(hours=3)) == 60 + 300  # a break is not work
    assert add_active_time(60, t0, t0 - timedelta(minutes=1)) == 60
    assert duration_label(3900) == "1 j 05 m" and duration_label(720) == "12 m"


def test_quiz_scores_the_share_right():
    result = score_quiz({1: "d", 2: "b", 3: "a", 4: "b"}, {1: "d", 2: "c", 3: "a"})
    assert (result.correct, result.total, result.score, result.wrong) == (2, 4, 50.0, (2, 4))
    assert score_quiz({}, {}).score == 0.0


def test_expectation_from_a_case_file():
    e = Expectation.from_dict({"id": "E9", "kind": "activity", "any_of": ["standar pelayanan"], "weight": "2"})
    assert e.label == "E9" and e.any_of == ("standar pelayanan",) and e.weight == 2.0
    with pytest.raises(ValueError):
        evaluate(Expectation("X", "unknown", "x", ("a",)), Draft())


def test_a_draft_without_a_renstra_is_not_asked_to_serve_one():
    from planner.calc.training import rules_for_draft
    assert rules_for_draft(["S01", "S03", "M01"], has_renstra=False) == ["S01", "M01"]
    assert rules_for_draft(["S01", "S03"], has_renstra=True) == ["S01", "S03"]
