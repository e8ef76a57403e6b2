"""Issue #5: the public-service activity worksheet (LAN module BAB III.B) — services, views, Excel, seeds."""
from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
from typing import get_args

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import event
from sqlmodel import Session

from planner.errors import Conflict, Invalid
from planner.excel.cells import safe, write
from planner.excel.worksheet_sheet import plan_sheet
from planner.excel.worksheet_xlsx import build_workbook, filename
from planner.models import Scheme, SchemeLevel  # importing planner.models registers every table
from planner.models import worksheet as wm
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.services import acting, orgs, plans
from planner.services import worksheet as svc
from planner.services.worksheet_json import as_dict
from planner.services.worksheet_seeds import _seed_node, load_worksheets

ROOT = Path(__file__).resolve().parents[2]
STRATEGIC = r"[A-Za-z0-9.\-]{1,20}"
SCHEMES = {
    "daerah": [
        ("tujuan", "Tujuan", True, STRATEGIC, "T1", False),
        ("sasaran", "Sasaran Strategis", True, STRATEGIC, "SS1", False),
        ("program", "Program", False, r"\d\.\d{2}\.\d{2}", "1.01.01", False),
        ("kegiatan", "Kegiatan", False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}", "1.01.01.2.01", True),
        ("sub_kegiatan", "Sub Kegiatan", False, r"\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}", "1.01.01.2.01.0001", True),
    ],
    # Only for loading the real seed plans, which include central (K/L) ones.
    "kl": [
        ("tujuan", "Tujuan", True, STRATEGIC, "T1", False),
        ("sasaran", "Sasaran Strategis", True, STRATEGIC, "SS1", False),
        ("program", "Program", False, r"\d{3}\.\d{2}\.[A-Z]{2}", "011.01.WA", False),
        ("kegiatan", "Kegiatan", False, r"\d{4}", "2545", False),
        ("kro", "KRO (Klasifikasi Rincian Output)", False, r"\d{4}\.[A-Z]{3}", "2545.QAA", True),
        ("ro", "RO (Rincian Output)", False, r"\d{4}\.[A-Z]{3}\.\d{3}", "2545.QAA.001", True),
    ],
}


def add_scheme(s: Session, key: str) -> None:
    scheme = Scheme(key=key, name=key)
    s.add(scheme)
    s.flush()
    for depth, (kind, label, strategic, pattern, example, prefix) in enumerate(SCHEMES[key], 1):
        s.add(SchemeLevel(scheme_id=scheme.id, depth=depth, kind=kind, label=label, strategic=strategic,
                          code_pattern=pattern, code_example=example, prefix_from_parent=prefix))
    s.flush()


@pytest.fixture
def engine(own_sqlite):
    return own_sqlite("tables")


@pytest.fixture
def s(engine):
    with acting.act_as(Session(engine, expire_on_commit=False), acting.SYSTEM) as session:
        add_scheme(session, "daerah")
        yield session


def indicator(code: str, name: str, unit: str, targets: dict, polarity="higher_is_better", accumulation="last"):
    return IndicatorCreate(code=code, name=name, unit=unit, polarity=polarity, accumulation=accumulation,
                           targets=[TargetIn(year=2026, period=p, value=v) for p, v in targets.items()])


@pytest.fixture
def world(s):
    """Bapenda-like Renja 2026: program > kegiatan > sub kegiatan (with the pagu), an indicator on each."""
    org = orgs.create(s, "BAPENDA-X", "Badan Pendapatan Daerah Provinsi X", "perangkat_daerah")
    plan = plans.create_plan(s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=2026,
                                           name="Rencana Kerja Bapenda Tahun 2026"))
    program = plans.create_node(s, plan, NodeCreate(kind="program", code="5.02.01",
                                                    name="Program Pengelolaan Pendapatan Daerah"))
    kegiatan = plans.create_node(s, plan, NodeCreate(kind="kegiatan", code="5.02.01.1.01", parent_id=program.id,
                                                     name="Pengelolaan Pajak Daerah"))
    sub = plans.create_node(s, plan, NodeCreate(kind="sub_kegiatan", code="5.02.01.1.01.0004",
                                                parent_id=kegiatan.id, name="Pelayanan dan Konsultasi Pajak Daerah",
                                                pagu=Decimal("500000000"), unit_in_charge="Bidang Pajak Daerah"))
    ikp = plans.create_indicator(s, program, indicator("IKP-1", "Persentase capaian target PAD", "%", {"Y": 100}))
    ikk = plans.create_indicator(s, kegiatan, indicator("IKK-1", "Indeks kepuasan wajib pajak", "indeks",
                                                        {"Y": 85, "TW2": 84, "TW4": 85}))
    isk = plans.create_indicator(s, sub, indicator("ISK-1", "Lama layanan konsultasi", "menit",
                                                   {"Y": 20, "TW1": 25}, polarity="lower_is_better"))
    s.flush()
    return SimpleNamespace(org=org, plan=plan, program=program, kegiatan=kegiatan, sub=sub, ikp=ikp, ikk=ikk, isk=isk)


# ---------------------------------------------------------------- complete step inputs

CAPACITY = {"kelembagaan": "Bidang Pajak Daerah dengan 2 seksi", "sdm": "6 petugas layanan, 2 bersertifikat",
            "sarpras": "Satu ruang konsultasi, 2 komputer", "anggaran": "APBD murni",
            "sistem_prosedur": "SOP konsultasi 2019 belum memuat layanan daring"}


def needs_data():
    return {"rows": [{"service": "Konsultasi Pajak Daerah", "stakeholder_group": "pengguna",
                      "stakeholder": "Wajib pajak kendaraan bermotor",
                      "need": "Penjelasan tata cara dan besaran pajak daerah", "method": "pengaduan",
                      "activity": "Pelayanan dan Konsultasi Pajak Daerah"}],
            "capacity": dict(CAPACITY)}


def standards_data(service="Konsultasi Pajak Daerah"):
    rows = [{"service": service, "component": key, "content": f"Isi {label}", "state": "ada"}
            for key, label, _ in wm.STANDARD_COMPONENTS]
    rows[3].update(state="belum_ada", activity="Perumusan komponen biaya/tarif pelayanan publik")
    return {"rows": rows, "constraints": {"dana": "APBD", "sdm": "6 petugas", "sarpras": "Ruang konsultasi"}}


def success_data():
    return {"rows": [{"indicator_code": "IKK-1", "dimension": "kepuasan",
                      "activity": "Survei kepuasan masyarakat semesteran", "method": "skm"},
                     {"measure": "Jumlah pengaduan konsultasi yang ditindaklanjuti", "dimension": "volume",
                      "activity": "Penanganan pengaduan", "method": "pengaduan"}]}


def resources_data(unit_cost="10000000"):
    return {"rows": [{"category": "sdm", "description": "Honor narasumber konsultasi", "quantity": 12,
                      "unit": "OK", "unit_cost": unit_cost},
                     {"category": "peralatan", "description": "Kios konsultasi daring", "quantity": 1, "unit": "unit",
                      "unit_cost": 50000000, "source": "mitra", "partner": "Bank Kalbar"}],
            "partners": [{"name": "Bank Kalbar", "kind": "swasta", "role": "Penyedia kios", "resource": "Kios",
                          "risk": "Pemeliharaan kios"}]}


def control_data():
    return {"rows": [{"risk": "Antrean konsultasi panjang pada masa jatuh tempo", "control": "SOP antrean",
                      "indicator_code": "ISK-1", "period": "TW1", "cause": "Petugas kurang",
                      "follow_up": "Tambah loket sementara", "owner": "Kepala Bidang Pajak Daerah",
                      "due_date": "2026-04-15"}],
            "complaint": {"sdm": "Pelatihan service excellent", "sop": "SOP penanganan keluhan",
                          "sarpras": "Kotak dan loket pengaduan", "monev": "Rekap bulanan",
                          "channels": ["loket", "kotak", "web"]}}


STEP_DATA = {"needs": needs_data, "standards": standards_data, "success": success_data,
             "resources": resources_data, "control": control_data}


def save_all(s, node):
    for key, make in STEP_DATA.items():
        svc.save_step(s, node, key, make())


# ---------------------------------------------------------------- constants and nodes

def test_constant_lists_match_their_literal_types():
    pairs = [(wm.StakeholderGroup, wm.STAKEHOLDER_GROUPS), (wm.NeedMethod, wm.NEED_METHODS),
             (wm.ComponentKey, wm.COMPONENT_LABELS), (wm.StandardState, wm.STANDARD_STATES),
             (wm.SuccessDimension, wm.SUCCESS_DIMENSIONS), (wm.MeasuringMethod, wm.MEASURING_METHODS),
             (wm.ResourceCategory, wm.RESOURCE_CATEGORIES), (wm.ResourceSource, wm.RESOURCE_SOURCES),
             (wm.PartnerKind, wm.PARTNER_KINDS), (wm.ComplaintChannel, wm.COMPLAINT_CHANNELS)]
    for literal, labels in pairs:
        assert list(get_args(literal)) == list(labels)
    groups = [g for _, _, g in wm.STANDARD_COMPONENTS]
    assert (groups.count("delivery"), groups.count("manufacturing")) == (6, 8)
    assert set(wm.CapacityIn.model_fields) == set(wm.CAPACITY_ASPECTS)
    assert set(wm.ConstraintsIn.model_fields) == set(wm.CONSTRAINT_ASPECTS)
    assert set(wm.ComplaintPlanIn.model_fields) - {"channels"} == set(wm.COMPLAINT_ASPECTS)
    assert list(svc.RULES) == list(wm.STEP_KEYS)


def test_worksheet_only_for_activity_levels(s, world):
    with pytest.raises(Invalid) as exc:
        svc.get_or_create(s, world.program)
    assert exc.value.field == "node"
    first = svc.get_or_create(s, world.kegiatan)
    assert svc.get_or_create(s, world.kegiatan).id == first.id
    assert svc.get_or_create(s, world.sub).id != first.id


def test_empty_worksheet_loads_without_writing(s, world):
    view = svc.load(s, world.kegiatan)
    assert view.worksheet.id is None and svc.find(s, world.kegiatan) is None
    assert [st.complete for st in view.steps] == [False] * 5
    assert svc.progress(view).done == 0


def test_unknown_step_is_refused(s, world):
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "budget", {})
    assert exc.value.field == "step"


# ---------------------------------------------------------------- step 1

def test_needs_rule(s, world):
    data = needs_data()
    data["rows"][0]["activity"] = ""
    data["capacity"]["anggaran"] = ""
    svc.save_step(s, world.kegiatan, "needs", data)
    st = svc.load(s, world.kegiatan).needs
    assert not st.complete
    assert st.missing == ["kebutuhan pemangku kepentingan beserta kegiatan yang menjawabnya",
                          "catatan kapasitas: Anggaran"]
    svc.save_step(s, world.kegiatan, "needs", needs_data())
    st = svc.load(s, world.kegiatan).needs
    assert st.complete and st.rule.startswith("Minimal satu kebutuhan pemangku kepentingan")
    assert st.rows[0].stakeholder_group_label == "Pengguna layanan"
    assert {n.key: n.text for n in st.capacity} == CAPACITY


@pytest.mark.parametrize("change, field", [
    ({"stakeholder_group": "kelompok_lain"}, "rows.0.stakeholder_group"),
    ({"method": "telepati"}, "rows.0.method"),
    ({"need": ""}, "rows.0.need"),
])
def test_needs_validation(s, world, change, field):
    data = needs_data()
    data["rows"][0].update(change)
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "needs", data)
    assert exc.value.field == field


def test_saving_a_step_replaces_its_rows_and_keeps_other_steps(s, world):
    save_all(s, world.kegiatan)
    data = needs_data()
    data["rows"] = [dict(data["rows"][0], service=f"Layanan {i}") for i in range(3)]
    svc.save_step(s, world.kegiatan, "needs", data)
    svc.save_step(s, world.kegiatan, "needs", dict(data, rows=data["rows"][1:]))
    view = svc.load(s, world.kegiatan)
    assert [r.service for r in view.needs.rows] == ["Layanan 1", "Layanan 2"]
    assert [r.position for r in view.needs.rows] == [0, 1]
    assert len(view.standards.rows) == 14 and view.control.rows


# ---------------------------------------------------------------- step 2

def test_standards_rule_names_missing_components_and_activities(s, world):
    data = standards_data()
    data["rows"] = data["rows"][:12]  # the last two components left out
    data["rows"][3]["activity"] = ""  # a 'belum ada' component without its activity
    svc.save_step(s, world.kegiatan, "standards", data)
    st = svc.load(s, world.kegiatan).standards
    assert not st.complete
    assert "2 komponen belum diisi" in st.missing[0] and "Evaluasi kinerja pelaksana" in st.missing[0]
    assert st.missing[1] == "Konsultasi Pajak Daerah: kegiatan untuk komponen Biaya/tarif"
    assert [c.state for c in st.services[0].cells][-2:] == [None, None]

    svc.save_step(s, world.kegiatan, "standards", standards_data())
    st = svc.load(s, world.kegiatan).standards
    assert st.complete and len(st.services[0].cells) == 14
    assert {n.key: n.text for n in st.constraints}["dana"] == "APBD"


def test_standards_rule_applies_to_every_service(s, world):
    data = standards_data()
    data["rows"] += standards_data("Drive thru Samsat")["rows"][:5]
    svc.save_step(s, world.kegiatan, "standards", data)
    st = svc.load(s, world.kegiatan).standards
    assert [sv.service for sv in st.services] == ["Konsultasi Pajak Daerah", "Drive thru Samsat"]
    assert not st.complete and st.missing[0].startswith("Drive thru Samsat: 9 komponen")


@pytest.mark.parametrize("change, field", [
    ({"component": "warna_seragam"}, "rows.1.component"),
    ({"state": "hampir_ada"}, "rows.1.state"),
    ({"component": "persyaratan"}, "rows.1.component"),  # the first row's component again
])
def test_standards_validation(s, world, change, field):
    data = standards_data()
    data["rows"][1].update(change)
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "standards", data)
    assert exc.value.field == field


# ---------------------------------------------------------------- step 3

def test_success_links_indicators_of_the_node_and_its_descendants(s, world):
    data = success_data()
    data["rows"].append({"indicator_id": world.isk.id, "dimension": "waktu"})
    svc.save_step(s, world.kegiatan, "success", data)
    st = svc.load(s, world.kegiatan).success
    assert st.complete
    assert [line.indicator.code if line.indicator else None for line in st.rows] == ["IKK-1", None, "ISK-1"]
    assert st.rows[0].target.value == 85 and st.rows[1].name.startswith("Jumlah pengaduan")


@pytest.mark.parametrize("row, field", [
    ({"indicator_code": "IKP-1"}, "rows.0.indicator_code"),  # the program's: above the node
    ({"indicator_code": "TIDAK-ADA"}, "rows.0.indicator_code"),
    ({"dimension": "waktu"}, "rows.0.indicator_id"),  # neither an indicator nor a measure
    ({"indicator_code": "IKK-1", "method": "dukun"}, "rows.0.method"),
])
def test_success_validation(s, world, row, field):
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "success", {"rows": [row]})
    assert exc.value.field == field


def test_success_refuses_an_indicator_id_outside_the_activity_line(s, world):
    """Below and up to the kegiatan only: a sub kegiatan (or a K/L RO) is judged by its kegiatan's outcome too,
    never by the program's."""
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.sub, "success", {"rows": [{"indicator_id": world.ikp.id}]})
    assert exc.value.field == "rows.0.indicator_id"
    svc.save_step(s, world.sub, "success", {"rows": [{"indicator_id": world.ikk.id, "dimension": "kepuasan"}]})
    assert [i.code for i in svc.load(s, world.sub).indicators] == ["IKK-1", "ISK-1"]


def test_success_rule_needs_an_indicator_and_a_measuring_activity(s, world):
    svc.save_step(s, world.kegiatan, "success", {"rows": [{"indicator_code": "IKK-1"}]})
    st = svc.load(s, world.kegiatan).success
    assert st.missing == ["kegiatan yang mengukur keberhasilan"]
    svc.save_step(s, world.kegiatan, "success", {"rows": [{"measure": "Antrean", "activity": "Pengawasan"}]})
    st = svc.load(s, world.kegiatan).success
    assert st.missing == ["indikator kegiatan yang ditautkan sebagai ukuran keberhasilan"]


def test_deleting_an_indicator_keeps_the_measure_unlinked(s, world):
    svc.save_step(s, world.kegiatan, "success", success_data())
    plans.delete_indicator(s, world.ikk)
    s.expire_all()
    st = svc.load(s, world.kegiatan).success
    assert st.rows[0].row.indicator_id is None and not st.complete


# ---------------------------------------------------------------- step 4

def test_resources_total_and_pagu_from_children(s, world):
    svc.save_step(s, world.kegiatan, "resources", resources_data(unit_cost="Rp 10.000.000"))
    st = svc.load(s, world.kegiatan).resources
    assert st.rows[0].unit_cost == Decimal("10000000")
    assert (st.total_internal, st.total_partner, st.total) == (Decimal(120_000_000), Decimal(50_000_000),
                                                               Decimal(170_000_000))
    assert st.pagu == Decimal(500_000_000) and st.pagu_from_children
    assert st.complete and not st.over_pagu and st.warning is None


def test_over_pagu_warns_until_a_reason_is_recorded(s, world):
    svc.save_step(s, world.sub, "resources", resources_data(unit_cost=50_000_000))  # 12 x 50 juta = 600 juta
    st = svc.load(s, world.sub).resources
    assert st.over_pagu and not st.pagu_from_children
    assert st.warning.startswith("Biaya bersumber internal melebihi pagu sebesar Rp 100.000.000")
    assert not st.complete and st.missing == ["alasan biaya melebihi pagu"]
    data = dict(resources_data(unit_cost=50_000_000), over_pagu_reason="Tambahan pagu pada APBD Perubahan")
    svc.save_step(s, world.sub, "resources", data)
    st = svc.load(s, world.sub).resources
    assert st.over_pagu and st.complete


def test_partner_resources_do_not_count_against_the_pagu(s, world):
    data = resources_data()
    data["rows"][1]["unit_cost"] = 900_000_000
    svc.save_step(s, world.sub, "resources", data)
    st = svc.load(s, world.sub).resources
    assert st.total > st.pagu and not st.over_pagu


def test_resources_without_a_pagu_need_a_reason(s, world):
    plans.update_node(s, world.sub, plans.NodeUpdate(pagu=None))
    svc.save_step(s, world.kegiatan, "resources", resources_data())
    st = svc.load(s, world.kegiatan).resources
    assert st.pagu is None and not st.complete and "Pagu kegiatan belum diisi" in st.warning


@pytest.mark.parametrize("change, field", [
    ({"unit_cost": -1}, "rows.0.unit_cost"),
    ({"quantity": "-2"}, "rows.0.quantity"),
    ({"unit_cost": "sepuluh juta"}, "rows.0.unit_cost"),
    ({"category": "waktu"}, "rows.0.category"),
    ({"source": "mitra"}, "rows.0.partner"),
    ({"source": "mitra", "partner": "Universitas Tanjungpura"}, "rows.0.partner"),
])
def test_resources_validation(s, world, change, field):
    data = resources_data()
    data["rows"][0].update(change)
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "resources", data)
    assert exc.value.field == field


# ---------------------------------------------------------------- step 5

def test_control_checkpoint_shows_target_realisation_and_gap(s, world):
    svc.save_step(s, world.kegiatan, "control", control_data())
    calls = []

    def realisation(indicator_id, year, period):
        calls.append((indicator_id, year, period))
        return 31.0

    st = svc.load(s, world.kegiatan, realisation_fn=realisation).control
    cp = st.rows[0]
    assert calls == [(world.isk.id, 2026, "TW1")]
    assert (cp.target.value, cp.realisation, cp.gap) == (25, 31.0, 6.0)  # lower is better: 6 minutes behind
    assert cp.period_label == "Triwulan I 2026" and cp.target_text == "25 menit"
    assert st.complete and st.channel_labels[0] == "Loket pengaduan"
    assert svc.load(s, world.kegiatan).control.rows[0].realisation is None  # no monitoring yet: no hook


def test_control_rule(s, world):
    data = control_data()
    data["rows"][0]["owner"] = ""
    data["complaint"]["monev"] = ""
    data["complaint"]["channels"] = []
    svc.save_step(s, world.kegiatan, "control", data)
    st = svc.load(s, world.kegiatan).control
    assert st.missing == ["baris pengendalian dengan penanggung jawab dan tenggat waktu",
                          "rencana penanganan pengaduan: Monitoring dan evaluasi",
                          "saluran pengaduan (loket, kotak, ruang, web, atau aplikasi)"]


@pytest.mark.parametrize("change, field", [
    ({"due_date": "2024-12-31"}, "rows.0.due_date"),
    ({"due_date": "2028-01-01"}, "rows.0.due_date"),
    ({"due_date": "31 April"}, "rows.0.due_date"),
    ({"period": "TW5"}, "rows.0.period"),
    ({"year": 2027}, "rows.0.year"),
    ({"indicator_code": "IKP-1"}, "rows.0.indicator_code"),
    ({"risk": ""}, "rows.0.risk"),
])
def test_control_validation(s, world, change, field):
    data = control_data()
    data["rows"][0].update(change)
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "control", data)
    assert exc.value.field == field


def test_complaint_channels_are_checked(s, world):
    data = control_data()
    data["complaint"]["channels"] = ["loket", "merpati"]
    with pytest.raises(Invalid) as exc:
        svc.save_step(s, world.kegiatan, "control", data)
    assert exc.value.field == "complaint.channels.1"


def test_follow_up_due_early_next_year_is_accepted(s, world):
    data = control_data()
    data["rows"][0].update(period="TW4", due_date="2027-01-31")
    svc.save_step(s, world.kegiatan, "control", data)
    assert svc.load(s, world.kegiatan).control.rows[0].row.due_date == date(2027, 1, 31)


# ---------------------------------------------------------------- editability and versions

def test_stale_version_is_a_conflict(s, world):
    ws = svc.save_step(s, world.kegiatan, "needs", needs_data())
    seen = ws.version
    svc.save_step(s, world.kegiatan, "needs", dict(needs_data(), version=seen))
    with pytest.raises(Conflict):
        svc.save_step(s, world.kegiatan, "standards", dict(standards_data(), version=seen))


def test_locked_plan_keeps_only_the_control_step_open(s, world):
    world.plan.status = "locked"
    with pytest.raises(Conflict):
        svc.save_step(s, world.kegiatan, "needs", needs_data())
    svc.save_step(s, world.kegiatan, "control", control_data())
    assert svc.load(s, world.kegiatan).control.complete


# ---------------------------------------------------------------- summaries and API shape

def test_progress_counts_complete_steps(s, world):
    svc.save_step(s, world.kegiatan, "needs", needs_data())
    svc.save_step(s, world.kegiatan, "success", success_data())
    p = svc.progress(svc.load(s, world.kegiatan))
    assert (p.done, p.total, p.percent, p.label) == (2, 5, 40, "2 dari 5 langkah lengkap")
    save_all(s, world.kegiatan)
    view = svc.load(s, world.kegiatan)
    assert svc.progress(view).done == 5 and view.complete


def test_as_dict_shape(s, world):
    save_all(s, world.kegiatan)
    out = as_dict(svc.load(s, world.kegiatan))
    assert [st["key"] for st in out["steps"]] == ["needs", "standards", "success", "resources", "control"]
    assert all(st["complete"] is True and st["rule"] for st in out["steps"])
    steps = {st["key"]: st for st in out["steps"]}
    assert len(steps["standards"]["components"]) == 14
    assert [c["label"] for c in steps["standards"]["components"]] == [label for _, label, _ in wm.STANDARD_COMPONENTS]
    assert len(steps["standards"]["services"][0]["components"]) == 14
    res = steps["resources"]
    assert (res["total"], res["pagu"], res["over_pagu"]) == (170_000_000.0, 500_000_000.0, False)
    assert res["rows"][0]["total"] == 120_000_000.0
    assert steps["success"]["rows"][0]["indicator_code"] == "IKK-1"
    assert steps["control"]["rows"][0]["due_date"] == "2026-04-15"
    assert steps["control"]["complaint"]["channels"] == ["loket", "kotak", "web"]
    assert out["progress"] == {"done": 5, "total": 5, "percent": 100}
    assert yaml.safe_dump(out)  # plain data only (no Decimal, no date)


def test_a_step_from_as_dict_can_be_saved_back(s, world):
    save_all(s, world.kegiatan)
    before = as_dict(svc.load(s, world.kegiatan))
    for step in copy.deepcopy(before["steps"]):
        svc.save_step(s, world.kegiatan, step["key"], step)
    after = as_dict(svc.load(s, world.kegiatan))

    def without_ids(steps):
        return yaml.safe_dump([{k: v for k, v in st.items() if k != "rows"} | {
            "rows": [{k: v for k, v in r.items() if k != "id"} for r in st["rows"]]} for st in steps])

    assert without_ids(after["steps"]) == without_ids(before["steps"])


# ---------------------------------------------------------------- the printable sheet and the workbook

FORMULA = '=HYPERLINK("http://contoh.invalid","klik")'


def test_plan_sheet_has_identity_and_five_sections(s, world):
    save_all(s, world.kegiatan)
    sheet = plan_sheet(svc.load(s, world.kegiatan), world.kegiatan, world.plan, world.org)
    assert sheet.title == "RENCANA KEGIATAN PELAYANAN PUBLIK"
    assert ("Program", "5.02.01 Program Pengelolaan Pendapatan Daerah") in sheet.identity
    assert ("Kegiatan", "5.02.01.1.01 Pengelolaan Pajak Daerah") in sheet.identity
    assert [sec.title for sec in sheet.sections] == list(wm.STEP_TITLES.values())
    assert all(len(row) == len(t.columns) for sec in sheet.sections for t in sec.tables for row in t.rows + t.footer)


def test_workbook(s, world):
    save_all(s, world.kegiatan)
    data = needs_data()
    data["rows"][0]["need"] = FORMULA
    data["rows"][0]["stakeholder"] = "-"
    svc.save_step(s, world.kegiatan, "needs", data)
    view = svc.load(s, world.kegiatan)
    wb = load_workbook(BytesIO(build_workbook(plan_sheet(view, world.kegiatan, world.plan, world.org))))
    ws = wb["Rencana Kegiatan"]
    assert ws["A1"].value == "RENCANA KEGIATAN PELAYANAN PUBLIK"
    cells = {c.coordinate: c for row in ws.iter_rows() for c in row if c.value is not None}
    texts = [c.value for c in cells.values() if isinstance(c.value, str)]
    for number, title in enumerate(wm.STEP_TITLES.values(), 1):
        assert f"{number}. {title.upper()} (lengkap)" in texts
    formula = [c for c in cells.values() if c.value == FORMULA]
    assert len(formula) == 1 and formula[0].data_type == "s" and formula[0].quotePrefix
    money = [c for c in cells.values() if c.value == 120_000_000]
    assert money and all(c.number_format == '"Rp" #,##0' for c in money)
    assert any(c.value == 500_000_000 for c in cells.values())  # the pagu row
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(ws.max_column)]
    assert widths[2] == max(widths) and sum(widths) <= 180  # long text in C; fits a landscape page readably
    assert formula[0].alignment.wrap_text and formula[0].coordinate.startswith("C")
    assert filename(world.kegiatan, world.plan) == "rencana-kegiatan-5.02.01.1.01-2026.xlsx"


def test_workbook_of_an_empty_worksheet(s, world):
    view = svc.load(s, world.sub)
    wb = load_workbook(BytesIO(build_workbook(plan_sheet(view, world.sub, world.plan, world.org))))
    texts = [c.value for row in wb.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert "1. ANALISA KEBUTUHAN USER/STAKEHOLDER (belum lengkap)" in texts
    assert "(belum diisi)" in texts


def test_cell_helpers():
    assert [safe(v) for v in ("=1+1", "+62", "-", "@SUM(A1)", "Biasa", 5, None)] == \
        ["'=1+1", "'+62", "'-", "'@SUM(A1)", "Biasa", 5, None]
    from openpyxl import Workbook

    cell = write(Workbook().active["A1"], "=1+1")
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert write(Workbook().active["A1"], 12).data_type == "n"


# ---------------------------------------------------------------- bounded queries

def count_statements(engine, fn):
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def test_load_runs_a_fixed_number_of_statements(s, engine, world):
    save_all(s, world.kegiatan)
    s.expire_all()
    world.kegiatan.code  # a caller holds a loaded node; its refresh is not load()'s statement
    small = count_statements(engine, lambda: svc.load(s, world.kegiatan))
    data = {key: make() for key, make in STEP_DATA.items()}
    data["needs"]["rows"] *= 15
    data["success"]["rows"] *= 10
    data["control"]["rows"] *= 12
    data["resources"]["rows"] *= 10
    for key, step in data.items():
        svc.save_step(s, world.kegiatan, key, step)
    s.expire_all()
    world.kegiatan.code
    large = count_statements(engine, lambda: svc.load(s, world.kegiatan, realisation_fn=lambda *a: 1.0))
    assert large == small <= 12


# ---------------------------------------------------------------- seeds

def test_load_worksheets_resolves_codes(s, world):
    data = {"worksheets": [{"organization": "BAPENDA-X", "node": "5.02.01.1.01",
                            **{key: make() for key, make in STEP_DATA.items()}}]}
    assert load_worksheets(s, data) == 1
    assert svc.load(s, world.kegiatan).complete
    assert load_worksheets(s, data) == 0  # existing worksheets are left as they are
    with pytest.raises(Exception) as exc:
        load_worksheets(s, {"worksheets": [{"organization": "BAPENDA-X", "node": "9.99.99.9.99"}]})
    assert "worksheets[0] BAPENDA-X/9.99.99.9.99" in str(exc.value)


SEED_FILE = ROOT / "seeds" / "worksheets.yaml"


def test_seed_worksheets_are_complete_against_the_seed_plans(engine):
    if not SEED_FILE.exists():
        pytest.skip("seeds/worksheets.yaml belum ada")
    entries = yaml.safe_load(SEED_FILE.read_text("utf-8"))["worksheets"]
    plan_files = list((ROOT / "seeds" / "plans").glob("*-renja-*.yaml"))
    orgs_with_renja = {yaml.safe_load(p.read_text("utf-8"))["plan"]["organization"] for p in plan_files}
    wanted = [e for e in entries if e["organization"] in orgs_with_renja]
    if not wanted:
        pytest.skip("seed plans not there yet")
    from planner.services import seeds

    with acting.act_as(Session(engine, expire_on_commit=False), acting.SYSTEM) as s:
        for key in SCHEMES:
            add_scheme(s, key)
        counts = seeds.load_demo(s, ROOT / "seeds")  # organisations, Renstra, Renja, then the worksheets
        assert counts["worksheets"] == len(wanted)
        assert load_worksheets(s, {"worksheets": wanted}) == 0  # idempotent
        for entry in wanted:
            node = _seed_node(s, entry)
            view = svc.load(s, node)
            assert [st.missing for st in view.steps] == [[]] * 5, entry["node"]
            assert view.plan.kind == "renja"
