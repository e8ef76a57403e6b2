"""Every plan-check rule on a plan that breaks it and on one that does not (planner.calc.checks)."""
from __future__ import annotations

import copy

import pytest

from planner.calc.checks import (
    ERROR, GROUP_WEIGHTS, INFO, RULES, WARNING, IndicatorData, LevelData, NodeData, PlanData, TargetData,
    WorksheetState, finding_key, run_checks,
)

DAERAH = [
    LevelData("tujuan", "Tujuan", 1, True, r"[A-Za-z0-9.\-]{1,20}", "T1"),
    LevelData("sasaran", "Sasaran Strategis", 2, True, r"[A-Za-z0-9.\-]{1,20}", "SS1"),
    LevelData("program", "Program", 3, False, r"\d\.\d{2}\.\d{2}", "1.01.01"),
    LevelData("kegiatan", "Kegiatan", 4, False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}", "1.01.01.2.01", True),
    LevelData("sub_kegiatan", "Sub Kegiatan", 5, False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}\.(\d{4}|\d{2})",
              "1.01.01.2.01.0001", True),
]


def quarterly(year, annual, quarters):
    return [TargetData(year, "Y", annual)] + [TargetData(year, f"TW{i + 1}", v) for i, v in enumerate(quarters)]


def ind(id, node_id, name, level, unit, accumulation="sum", targets=None, **kw):
    base = dict(definition="Definisi operasional yang jelas.", formula="Σ layanan dalam periode",
                data_source="Aplikasi layanan", responsible="Bidang Pajak", baseline_value=10.0, frequency="quarterly")
    base.update(kw)
    return IndicatorData(id=id, node_id=node_id, name=name, level=level, unit=unit, accumulation=accumulation,
                         code=f"I-{id}", targets=targets if targets is not None else quarterly(2026, 100, [25] * 4),
                         **base)


def good_renja() -> PlanData:
    program = NodeData(1, "5.02.04", "Program Pengelolaan Pendapatan Daerah", "program", serves="SS1", indicators=[
        ind(11, 1, "Persentase realisasi pendapatan daerah", "outcome", "%", "last",
            quarterly(2026, 100, [25, 50, 75, 100]), formula="Realisasi / target × 100%",
            renstra_counterpart=True, renstra_target=TargetData(2026, "Y", 100))])
    kegiatan = NodeData(2, "5.02.04.1.01", "Pengelolaan Pendapatan Daerah", "kegiatan", parent_id=1,
                        activity_type="prioritas_nasional", unit_in_charge="Bidang Pajak",
                        description="Mendesak: penerimaan pajak turun dua tahun berturut-turut.",
                        indicators=[ind(21, 2, "Jumlah wajib pajak yang dilayani", "output", "orang")])
    sub = NodeData(3, "5.02.04.1.01.0007", "Pelayanan dan Konsultasi Pajak Daerah", "sub_kegiatan", parent_id=2,
                   worksheet=WorksheetState(5, 5),
                   indicators=[ind(31, 3, "Jumlah konsultasi pajak yang dilayani", "output", "layanan")])
    return PlanData(kind="renja", first_year=2026, last_year=2026, levels=DAERAH, nodes=[program, kegiatan, sub],
                    id=1, has_renstra=True)


def good_renstra() -> PlanData:
    years = range(2025, 2030)
    tujuan = NodeData(1, "T1", "Meningkatnya kemandirian fiskal", "tujuan", indicators=[
        ind(11, 1, "Rasio PAD terhadap pendapatan", "impact", "%", "ratio",
            [TargetData(y, "Y", 40 + y - 2025) for y in years], formula="PAD / pendapatan × 100%")])
    sasaran = NodeData(2, "SS1", "Meningkatnya penerimaan pajak", "sasaran", parent_id=1, indicators=[
        ind(21, 2, "Persentase pertumbuhan pajak daerah", "outcome", "%", "last",
            [TargetData(y, "Y", 6 + (y - 2025) * 0.5) for y in years], formula="(Rn − Rn−1) / Rn−1 × 100%",
            end_target=TargetData(2029, "Y", 8))])
    program = NodeData(3, "5.02.04", "Program Pengelolaan Pendapatan Daerah", "program", parent_id=2, indicators=[
        ind(31, 3, "Persentase realisasi pendapatan", "outcome", "%", "last",
            [TargetData(y, "Y", 100) for y in years], formula="Realisasi / target × 100%")])
    kegiatan = NodeData(4, "5.02.04.1.01", "Pengelolaan Pendapatan Daerah", "kegiatan", parent_id=3, indicators=[
        ind(41, 4, "Jumlah objek pajak yang dimutakhirkan", "output", "objek", "sum",
            [TargetData(y, "Y", 1000) for y in years], end_target=TargetData(2029, "Y", 5000))])
    return PlanData(kind="renstra", first_year=2025, last_year=2029, levels=DAERAH,
                    nodes=[tujuan, sasaran, program, kegiatan], id=2)


def rules_of(plan: PlanData) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in run_checks(plan).findings:
        out.setdefault(f.rule, []).append(f)
    return out


def node(plan, node_id):
    return plan.node(node_id) or next(n for n in plan.nodes if n.id == node_id)


def indicator(plan, ind_id):
    return next(i for n in plan.nodes for i in n.indicators if i.id == ind_id)


def test_good_plans_have_no_findings_and_score_100():
    for plan in (good_renja(), good_renstra()):
        report = run_checks(plan)
        assert report.findings == [], [f.message for f in report.findings]
        assert report.score == 100.0
        assert set(report.groups) == set(GROUP_WEIGHTS)


def test_every_rule_is_tested_here():
    tested = {name.split("_")[1].upper() for name in globals() if name.startswith("test_") and
              name.split("_")[1].upper() in RULES}
    assert tested == set(RULES)


# ---------------------------------------------------------------- structure

def test_s01_required_indicator_level():
    plan = good_renja()
    indicator(plan, 21).level = "input"
    found = rules_of(plan)["S01"]
    assert [(f.node_id, f.severity) for f in found] == [(2, WARNING)]  # its sub kegiatan still measures an output
    assert "sendiri" in found[0].message
    indicator(plan, 31).level = "input"
    found = rules_of(plan)["S01"]
    assert {(f.node_id, f.severity) for f in found} == {(2, ERROR), (3, ERROR)}
    assert "belum memiliki indikator keluaran (output)" in found[0].message
    plan = good_renja()
    indicator(plan, 11).level = "output"
    assert rules_of(plan)["S01"][0].node_id == 1


def test_s02_empty_program():
    plan = good_renja()
    plan.nodes = plan.nodes[:1]
    found = rules_of(plan)["S02"]
    assert found[0].severity == ERROR and "tidak memiliki kegiatan" in found[0].message
    assert "S02" not in rules_of(good_renja())


def test_s03_renja_serves_renstra():
    plan = good_renja()
    node(plan, 1).serves = None
    found = rules_of(plan)["S03"]
    assert found[0].severity == ERROR and "sasaran strategis" in found[0].message
    plan = good_renja()
    plan.has_renstra = False
    assert rules_of(plan)["S03"][0].severity == WARNING
    assert "S03" not in rules_of(good_renstra())


def test_s04_code_format_and_parent_prefix():
    plan = good_renja()
    node(plan, 2).code = "5.02.04.1.1"
    node(plan, 3).code = "5.02.04.1.1.0007"
    found = rules_of(plan)["S04"]
    assert "tidak sesuai format" in found[0].message and "1.01.01.2.01" in found[0].message
    plan = good_renja()
    node(plan, 3).code = "5.02.05.1.01.0007"
    found = rules_of(plan)["S04"]
    assert [f.node_id for f in found] == [3] and "diawali kode induknya" in found[0].message


def test_s05_duplicates_among_siblings():
    plan = good_renja()
    twin = copy.deepcopy(node(plan, 3))
    twin.id, twin.code, twin.indicators, twin.worksheet = 4, "5.02.04.1.01.0008", [], WorksheetState(5, 5)
    twin.name = "  pelayanan dan konsultasi  pajak daerah"
    twin.indicators = [ind(41, 4, "Jumlah konsultasi pajak yang dilayani", "output", "layanan")]
    plan.nodes.append(twin)
    found = rules_of(plan)["S05"]
    assert [f.node_id for f in found] == [4] and "bernama sama" in found[0].message
    plan = good_renja()
    node(plan, 3).indicators.append(ind(32, 3, "jumlah konsultasi pajak yang  dilayani", "output", "layanan"))
    assert rules_of(plan)["S05"][0].indicator_id == 32


# ---------------------------------------------------------------- metadata

def test_m01_metadata_complete():
    plan = good_renja()
    i = indicator(plan, 21)
    i.definition, i.responsible, i.baseline_value = "", " ", None
    found = rules_of(plan)["M01"]
    assert found[0].indicator_id == 21
    for word in ("definisi operasional", "penanggung jawab", "nilai dasar"):
        assert word in found[0].message
    assert "rumus" not in found[0].message.split("belum memiliki")[1].split(".")[0]
    i.baseline_value, i.baseline_text = None, "Kategori B"
    i.definition, i.responsible = "Definisi", "Bidang"
    assert "M01" not in rules_of(plan)


def test_m02_percentage_formula_divides():
    plan = good_renja()
    indicator(plan, 11).formula = "Realisasi pendapatan daerah tahun berjalan"
    found = rules_of(plan)["M02"]
    assert found[0].indicator_id == 11 and "pembilang dibagi penyebut" in found[0].message
    for formula in ("A ÷ B × 100", "Realisasi dibagi target", "Kasus selesai terhadap kasus masuk"):
        indicator(plan, 11).formula = formula
        assert "M02" not in rules_of(plan)


# ---------------------------------------------------------------- targets

def test_t01_targets_for_every_period():
    plan = good_renja()
    i = indicator(plan, 21)
    i.targets = [t for t in i.targets if t.period != "TW3"]
    found = rules_of(plan)["T01"]
    assert found[0].severity == WARNING and "TW III" in found[0].message
    i.targets = [t for t in i.targets if t.period != "Y"]
    assert rules_of(plan)["T01"][0].severity == ERROR
    i.frequency, i.targets = "annual", [TargetData(2026, "Y", 100)]
    assert "T01" not in rules_of(plan)
    renstra = good_renstra()
    indicator(renstra, 41).targets.pop()
    found = rules_of(renstra)["T01"]
    assert "2029" in found[0].message and found[0].severity == ERROR


def test_t02_renja_target_agrees_with_renstra():
    plan = good_renja()
    indicator(plan, 11).renstra_target = TargetData(2026, "Y", 95)
    found = rules_of(plan)["T02"]
    assert found[0].severity == WARNING and "(100)" in found[0].message and "(95)" in found[0].message
    indicator(plan, 11).renstra_target = None
    assert rules_of(plan)["T02"][0].severity == INFO
    indicator(plan, 11).renstra_target = TargetData(2026, "Y", 100.0000001)
    assert "T02" not in rules_of(plan)


def test_t03_period_targets_follow_the_accumulation():
    plan = good_renja()
    indicator(plan, 21).targets = quarterly(2026, 90, [25, 25, 25, 25])  # sum: 100 ≠ 90
    found = rules_of(plan)["T03"]
    assert "jumlah target periode (100)" in found[0].message and "tertulis 90" in found[0].message
    indicator(plan, 11).targets = quarterly(2026, 100, [25, 50, 75, 90])  # last: TW IV ≠ annual
    assert {f.indicator_id for f in rules_of(plan)["T03"]} == {11, 21}
    renstra = good_renstra()
    indicator(renstra, 41).end_target = TargetData(2029, "Y", 4000)  # sum of the years is 5000
    indicator(renstra, 21).end_target = TargetData(2029, "Y", 9)  # last year is 8
    assert {f.indicator_id for f in rules_of(renstra)["T03"]} == {21, 41}


def test_t04_trend_follows_polarity():
    renstra = good_renstra()
    i = indicator(renstra, 11)
    i.targets = [TargetData(y, "Y", v) for y, v in zip(range(2025, 2030), [40, 41, 39, 42, 43])]
    found = rules_of(renstra)["T04"]
    assert "2026 41 → 2027 39" in found[0].message
    i.polarity = "lower_is_better"
    i.targets = [TargetData(y, "Y", v) for y, v in zip(range(2025, 2030), [10, 9, 9, 8, 7])]
    assert "T04" not in rules_of(renstra)
    plan = good_renja()
    indicator(plan, 11).targets = quarterly(2026, 100, [25, 50, 45, 100])
    assert "TW II 50 → TW III 45" in rules_of(plan)["T04"][0].message
    plan = good_renja()  # per-period amounts of a sum have no trend
    indicator(plan, 21).targets = quarterly(2026, 100, [40, 20, 20, 20])
    assert "T04" not in rules_of(plan)


def test_t05_baseline_plausible():
    plan = good_renja()
    indicator(plan, 11).baseline_value = 1500
    indicator(plan, 21).baseline_value = -3
    found = rules_of(plan)["T05"]
    assert {f.indicator_id for f in found} == {11, 21}
    assert any("0–1.000" in f.message for f in found)
    plan = good_renja()
    i = indicator(plan, 31)
    i.name, i.unit, i.baseline_value = "Indeks Kepuasan Masyarakat (IKM) layanan pajak", "nilai indeks", 3.4
    assert "25–100" in rules_of(plan)["T05"][0].message  # an IKM on the 1–4 unit scale, not converted
    i.baseline_value = 82.5
    assert "T05" not in rules_of(plan)
    i.name, i.unit, i.baseline_value = "Jumlah laporan survei kepuasan masyarakat", "dokumen", 2
    assert "T05" not in rules_of(plan)


# ---------------------------------------------------------------- the module's criteria

def test_k01_output_phrased_as_activity():
    plan = good_renja()
    indicator(plan, 31).name = "Pelaksanaan konsultasi pajak daerah"
    found = rules_of(plan)["K01"]
    assert found[0].indicator_id == 31 and "“Jumlah …”" in found[0].message
    indicator(plan, 31).name = "Dokumen standar pelayanan yang ditetapkan"
    assert "K01" not in rules_of(plan)


def test_k02_outcome_counting_outputs():
    plan = good_renja()
    i = indicator(plan, 11)
    i.name, i.unit, i.formula = "Jumlah dokumen perencanaan pendapatan", "dokumen", "Σ dokumen"
    assert rules_of(plan)["K02"][0].indicator_id == 11
    i.name, i.unit = "Indeks kepatuhan wajib pajak", "indeks"
    assert "K02" not in rules_of(plan)


def test_k03_quantitative_needs_number_and_unit():
    plan = good_renja()
    i = indicator(plan, 21)
    i.target_type = "qualitative"
    i.targets = [TargetData(2026, p, text="Meningkat") for p in ("Y", "TW1", "TW2", "TW3", "TW4")]
    found = rules_of(plan)["K03"]
    assert found[0].severity == ERROR and "bertarget teks" in found[0].message
    plan = good_renja()
    indicator(plan, 21).unit = "-"
    assert "tidak bersatuan" in rules_of(plan)["K03"][0].message
    plan = good_renja()
    i = indicator(plan, 21)
    i.name, i.target_type = "Tersusunnya peraturan gubernur tentang pajak", "qualitative"
    i.targets = [TargetData(2026, p, text="Ditetapkan") for p in ("Y", "TW1", "TW2", "TW3", "TW4")]
    assert "K03" not in rules_of(plan)


def test_k04_program_outcome_supported_by_outputs():
    plan = good_renja()
    indicator(plan, 21).level = "input"
    indicator(plan, 31).level = "input"
    found = rules_of(plan)["K04"]
    assert found[0].node_id == 1 and "kecukupan" in found[0].message
    assert "K04" not in rules_of(good_renja())


def test_k05_national_priority_criteria():
    plan = good_renja()
    kegiatan = node(plan, 2)
    kegiatan.description, kegiatan.unit_in_charge = "", ""
    found = rules_of(plan)["K05"]
    assert [f.node_id for f in found] == [2]  # judged once, on the highest activity so marked
    assert "mendesak dan penting" in found[0].message and "tanggung jawab" in found[0].message
    assert "terukur" not in found[0].message
    node(plan, 1).serves = None
    assert "berdampak pada sasaran" in rules_of(plan)["K05"][0].message


def test_k06_public_service_worksheet():
    plan = good_renja()
    node(plan, 3).worksheet = WorksheetState(3, 5)
    found = rules_of(plan)["K06"]
    assert "3 dari 5 langkah" in found[0].message
    node(plan, 3).worksheet = None
    found = rules_of(plan)["K06"]
    assert found[0].node_id == 3 and "belum memiliki lembar kerja" in found[0].message
    node(plan, 2).worksheet = WorksheetState(5, 5)  # planned once for the activity above
    assert "K06" not in rules_of(plan)
    plan = good_renja()
    node(plan, 3).worksheet = None
    node(plan, 3).name = "Layanan Dukungan Manajemen Internal"
    assert "K06" not in rules_of(plan)


# ---------------------------------------------------------------- score and acknowledgements

def test_score_breakdown_and_acknowledged_findings_cost_nothing():
    plan = good_renja()
    indicator(plan, 21).definition = ""  # one warning on one of three indicators
    report = run_checks(plan)
    assert report.groups["metadata"].score == pytest.approx(100 * (1 - 0.5 / 3), abs=0.1)
    assert report.score == pytest.approx((20 * report.groups["metadata"].score + 80 * 100) / 100, abs=0.1)
    f = report.findings[0]
    plan.acknowledged = {finding_key(f.rule, f.subject): "Definisi ada di lampiran Renja"}
    again = run_checks(plan)
    assert again.findings[0].acknowledged and again.findings[0].ack_reason == "Definisi ada di lampiran Renja"
    assert again.score == 100.0 and again.counts() == {"error": 0, "warning": 0, "info": 0}
    assert not again.has_errors


def test_findings_are_keyed_by_codes_not_ids():
    plan = good_renja()
    indicator(plan, 21).definition = ""
    first = run_checks(plan).findings[0]
    moved = good_renja()
    for n in moved.nodes:  # the same plan copied into a new version: new ids, same codes
        n.id += 100
        n.parent_id = n.parent_id + 100 if n.parent_id else None
        for i in n.indicators:
            i.id += 100
    indicator(moved, 121).definition = ""
    assert run_checks(moved).findings[0].key == first.key == "M01:indicator:I-21"


def test_a_finding_as_json_has_the_contract_fields():
    plan = good_renja()
    node(plan, 1).serves = None
    data = run_checks(plan).as_dict()
    assert set(data) >= {"score", "groups", "findings"}
    assert set(data["findings"][0]) >= {"rule", "severity", "node_id", "indicator_id", "message", "acknowledged"}
