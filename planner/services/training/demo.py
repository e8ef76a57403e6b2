"""The demo's class: "PKP Angkatan I 2026 (demo)" taught by ``instruktur``, three trainees at different stages
on the Bapenda Kalbar case — ``peserta3`` has just started, ``peserta`` is drafting (a service sub-activity with
its indicator and step 1 of the worksheet), ``peserta2`` has submitted, been returned once, resubmitted and been
accepted with a grade, and has done the BAB II quiz. Built through the same services as the pages."""
from __future__ import annotations

from sqlmodel import Session, select

from planner.models import Plan
from planner.models.plan import IndicatorCreate, NodeCreate, TargetIn
from planner.models.training import TrainingClass
from planner.permissions import principal_for
from planner.services import accounts, acting, plans, worksheet
from planner.services.training import cases, classes, feedback, quiz, review

CLASS_NAME = "PKP Angkatan I 2026 (demo)"
CASE = "KASUS-BAPENDA-PAJAK"
TRAINEES = [("peserta", "Peserta PKP Demo"), ("peserta2", "Rina Marlina"), ("peserta3", "Yusuf Hidayat")]


def load(s: Session, password: str) -> int:
    """Idempotent: nothing when the demo class exists. Returns 1 when it was built."""
    cases.load_library(s)
    if s.exec(select(TrainingClass).where(TrainingClass.name == CLASS_NAME)).first():
        return 0
    teacher = accounts.by_username(s, "instruktur")
    for username, name in TRAINEES:
        if accounts.by_username(s, username) is None:
            accounts.create_user(s, username, password, name)
    case = next(c for c in cases.list_cases(s) if c.code == CASE)
    _as(s, teacher)
    klass = classes.create_class(s, CLASS_NAME)
    classes.enrol(s, klass, [(u, n, "") for u, n in TRAINEES])
    rows = {u: classes.assign(s, klass, case, username=u) for u, _ in TRAINEES}
    for username in ("peserta", "peserta2"):
        _as(s, accounts.by_username(s, username))
        _draft(s, rows[username], full=username == "peserta2")
        feedback.refresh(s, rows[username], working=True)
    _review(s, rows["peserta2"], teacher)
    _as(s, accounts.by_username(s, "peserta3"))
    feedback.refresh(s, rows["peserta3"], working=True)
    for username, minutes in (("peserta", 48), ("peserta2", 135), ("peserta3", 6)):  # time the demo "spent"
        rows[username].active_seconds = minutes * 60
    acting.act_as(s, acting.SYSTEM)
    s.flush()
    return 1


def _as(s: Session, user) -> None:
    acting.act_as(s, principal_for(s, user))


def _draft(s: Session, row, full: bool) -> None:
    plan = s.get(Plan, row.plan_id)
    keg = plans.load_tree(s, plan).roots[0].children[0].node
    sub = plans.create_node(s, plan, NodeCreate(kind="sub_kegiatan", code="5.02.04.1.01.0004", parent_id=keg.id,
                                                name="Pelayanan dan Konsultasi Pajak Daerah", pagu=450_000_000))
    plans.create_indicator(s, sub, IndicatorCreate(
        name="Jumlah wajib pajak yang memperoleh layanan konsultasi", level="output", unit="orang",
        accumulation="sum", definition="Wajib pajak yang dilayani di loket konsultasi, gerai, dan kanal daring.",
        formula="Σ wajib pajak yang dilayani", data_source="Buku register konsultasi", responsible="Bidang Pelayanan",
        baseline_value=9800, baseline_year=2024, targets=[TargetIn(year=2026, period="Y", value=12000)]))
    needs = {"rows": [{"service": "Layanan Konsultasi Pajak Daerah", "stakeholder_group": "pengguna",
                       "stakeholder": "Wajib pajak kendaraan bermotor",
                       "need": "Penjelasan tunggakan dan denda sebelum membayar", "method": "pengaduan",
                       "activity": "Pelayanan dan Konsultasi Pajak Daerah"}]}
    if full:
        needs["rows"].append({"service": "Layanan Konsultasi Pajak Daerah", "stakeholder_group": "stakeholder",
                              "stakeholder": "Mitra Samsat (Polda Kalbar, Jasa Raharja)",
                              "need": "Jam layanan bersama yang selaras di gerai Samsat", "method": "forum",
                              "activity": "Koordinasi layanan Samsat"})
    worksheet.save_step(s, sub, "needs", needs)
    if full:
        worksheet.save_step(s, sub, "standards", {"rows": [
            {"service": "Layanan Konsultasi Pajak Daerah", "component": key, "content": content, "state": "perlu_diperbarui",
             "activity": "Penyusunan standar pelayanan konsultasi"}
            for key, content in (("jangka_waktu", "Jawaban konsultasi paling lama 15 menit di loket"),
                                 ("biaya", "Konsultasi tanpa biaya"),
                                 ("pengaduan", "Pengaduan lewat loket, WhatsApp, dan SP4N-LAPOR!"))]})
        plans.create_indicator(s, sub, IndicatorCreate(
            name="Persentase pengaduan wajib pajak yang diselesaikan dalam 14 hari kerja", level="output", unit="%",
            accumulation="last", definition="Pengaduan selesai ≤ 14 hari kerja dibanding pengaduan masuk.",
            formula="pengaduan selesai ≤ 14 hari kerja / pengaduan masuk × 100%", data_source="Register pengaduan",
            responsible="Bidang Pelayanan", baseline_value=70, baseline_year=2024,
            targets=[TargetIn(year=2026, period="Y", value=90)]))


def _review(s: Session, row, teacher) -> None:
    trainee = accounts.by_username(s, "peserta2")
    _as(s, trainee)
    review.submit(s, row, "Mohon diperiksa.")
    _as(s, teacher)
    review.decide(s, row, "return", "Tambahkan indikator waktu tunggu di loket Samsat (Modul BAB III.B langkah 3).")
    _as(s, trainee)
    review.submit(s, row, "Sudah saya lengkapi.")
    _as(s, teacher)
    review.comment(s, row, "Indikator pengaduan sudah terukur; baik.")
    review.decide(s, row, "accept", "Rencana runtut dari kebutuhan wajib pajak sampai ukuran keberhasilan.", 85)
    _as(s, trainee)
    chapter = quiz.chapter("BAB-II")
    quiz.answer(s, row, "BAB-II", {q.number: (q.answer if q.number <= 8 else "a") for q in chapter.questions})
