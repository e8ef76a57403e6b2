"""The demo holds evaluation across units (issue 18): a published round over the five units with verified scores
(different from the units' own where the evaluator adjusted them), an earlier round to compare with, interviews and
visits, an LHE with recommendations per aspect, and follow-ups in every state."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlmodel import select

from planner.config import ROOT
from planner.models.evaluation_round import EvaluationRound
from planner.services import evaluation_rounds as rounds, recommendations, seeds

UNITS = {"BAPENDA-KALBAR", "BPJN-KALBAR", "DISDUKCAPIL-PWK", "KEMENLU-PWNI", "SETKAB-DKK"}


def test_demo_round_over_the_five_units(s, client, login):
    counts = seeds.load_demo(s, ROOT / "seeds")
    s.commit()
    assert counts["evaluation_rounds"] == 2
    assert seeds.load_demo(s, ROOT / "seeds")["evaluation_rounds"] == 0  # idempotent
    rnd = s.exec(select(EvaluationRound).where(EvaluationRound.name == "Evaluasi PEKPPP 2026")).one()
    assert rnd.status == "published"
    rows = rounds.results(s, rnd)
    assert {r.organization.code for r in rows} == UNITS
    assert all(r.index is not None and r.rank is not None for r in rows)
    assert sum(1 for r in rows if r.difference) >= 4  # evaluators adjusted most units' scores
    assert all(r.change is not None for r in rows)  # the 2024 round gives the change
    assert {r.unit_type for r in rows} == {"kl", "provinsi", "kabupaten", "upt"}
    assert {r.group for r in rows} >= {"mandiri", "pendampingan"}
    summary, overdue = recommendations.follow_up(s, rnd)
    assert summary.total.items == 9 and 0 < summary.total.done_pct < 100 and overdue

    web = login("penilai", seeds.DEMO_PASSWORD)
    disdukcapil = next(r for r in rows if r.organization.code == "DISDUKCAPIL-PWK")
    lhe = web.get(f"/evaluasi-lintas-unit/{rnd.id}/unit/{disdukcapil.organization.id}/lhe").get_data(as_text=True)
    assert "Tim Penilai PEKPPP" in lhe and "Sediakan jalur landai" in lhe and "Kunjungan lapangan" in lhe
    book = load_workbook(io.BytesIO(web.get(
        f"/evaluasi-lintas-unit/{rnd.id}/unit/{disdukcapil.organization.id}/lhe.xlsx").data))
    assert book.sheetnames == ["LHE", "Wawancara dan kunjungan", "Nilai per indikator"]
    unit = login("penyusun", seeds.DEMO_PASSWORD)
    page = unit.get(f"/evaluasi-lintas-unit/{rnd.id}").get_data(as_text=True)
    assert "Menunggu publikasi" not in page and 'id="results"' in page
