"""The rules of the plan checks (see :mod:`planner.calc.checks` and ``docs/checks.md``).

Each rule reads :class:`PlanData` and yields findings whose message says what is wrong and why,
in Indonesian, the reviewer's language. Rule codes are a contract (acknowledgements are kept by
them): add rules with new codes, never renumber.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from planner.calc.units import PERCENT, default_range, unit_kind
from planner.calc.checks import (
    ERROR, INFO, WARNING, Finding, IndicatorData, NodeData, PlanData, _close, _fmt,
    indicator_subject, node_subject, rule,
)

# Which indicator level each level of a plan must carry (module BAB III.A.4; planning brief §2).
REQUIRED_LEVEL = {
    "tujuan": ("impact", "outcome"),
    "sasaran": ("outcome", "impact"),
    "program": ("outcome",),
    "kegiatan": ("output",),
    "sub_kegiatan": ("output",),
    "kro": ("output",),
    "ro": ("output",),
}
LEVEL_NAMES = {"impact": "dampak", "outcome": "hasil (outcome)", "output": "keluaran (output)", "input": "masukan"}
SUB_PERIODS = {"quarterly": ["TW1", "TW2", "TW3", "TW4"], "semester": ["S1", "S2"],
               "monthly": [f"M{i:02d}" for i in range(1, 13)], "annual": []}
PERIOD_NAMES = {"Y": "tahunan", "TW1": "TW I", "TW2": "TW II", "TW3": "TW III", "TW4": "TW IV",
                "S1": "Semester I", "S2": "Semester II"}
# An output named by what is done, not by what results (module: output indicators are specific and
# measurable): the first word gives it away.
ACTIVITY_WORDS = ("pelaksanaan", "penyusunan", "fasilitasi", "koordinasi", "penyelenggaraan", "pembinaan",
                  "pengelolaan", "peningkatan", "penyediaan", "pengadaan", "pelatihan", "sosialisasi",
                  "pendampingan", "pengembangan", "pembangunan", "pemeliharaan", "monitoring", "pemantauan",
                  "evaluasi", "rapat", "kegiatan")
QUANTITATIVE_WORDS = ("jumlah", "persentase", "indeks", "rasio", "rata-rata", "tingkat", "nilai", "angka",
                      "proporsi", "cakupan", "waktu", "lama", "panjang", "luas", "banyaknya")
COUNTING_WORDS = ("jumlah", "banyaknya")
OUTPUT_UNITS = {"dokumen", "laporan", "kegiatan", "paket", "kali", "buku", "naskah"}
DIVISION = re.compile(r"/|÷|:|\bdibagi\b|\bper\b|\bterhadap\b", re.IGNORECASE)
SERVICE_WORDS = re.compile(r"\b(pelayanan|layanan)\b", re.IGNORECASE)
WORKSHEET_KINDS = ("kegiatan", "sub_kegiatan", "kro", "ro")


def _first_word(text: str) -> str:
    words = text.strip().split()
    return words[0].lower().strip(",.:;") if words else ""


def _node_finding(code: str, sev: str, node: NodeData, message: str) -> Finding:
    return Finding(code, sev, message, node_id=node.id, subject=node_subject(node))


def _ind_finding(code: str, sev: str, node: NodeData, ind: IndicatorData, message: str) -> Finding:
    return Finding(code, sev, message, node_id=node.id, indicator_id=ind.id, subject=indicator_subject(node, ind))


def _label(plan: PlanData, node: NodeData) -> str:
    lv = plan.level(node.kind)
    return f"{lv.label if lv else node.kind} {node.code}"


def _quote(ind: IndicatorData) -> str:
    return f"Indikator “{ind.name}”"


# ---------------------------------------------------------------- structure

@rule("S01", "struktur", "Indikator wajib per tingkat", "node")
def required_indicator(plan: PlanData) -> Iterable[Finding]:
    for n in plan.nodes:
        wanted = REQUIRED_LEVEL.get(n.kind)
        if not wanted or any(i.level in wanted for i in n.indicators):
            continue
        lv = plan.level(n.kind)
        what = LEVEL_NAMES[wanted[0]]
        below = [c for c in plan.children(n.id) if any(i.level in wanted for i in c.indicators)]
        if below:  # measured only one level down: the node itself still states no result of its own
            yield _node_finding("S01", WARNING, n, (
                f"{_label(plan, n)} belum memiliki indikator {what} sendiri; keluarannya baru diukur di tingkat "
                f"bawahnya ({below[0].code}). Setiap {lv.label if lv else n.kind} diukur dengan indikator {what}."))
            continue
        yield _node_finding("S01", WARNING if n.kind == "tujuan" else ERROR, n, (
            f"{_label(plan, n)} belum memiliki indikator {what}. Setiap {lv.label if lv else n.kind} diukur "
            f"dengan indikator {what} agar capaiannya dapat dinilai."))


@rule("S02", "struktur", "Program tanpa kegiatan", "node")
def empty_program(plan: PlanData) -> Iterable[Finding]:
    for n in plan.nodes:
        if n.kind == "program" and not plan.children(n.id):
            yield _node_finding("S02", ERROR if plan.kind == "renja" else WARNING, n, (
                f"{_label(plan, n)} tidak memiliki kegiatan. Program dilaksanakan melalui kegiatan; "
                "tanpa kegiatan, hasil program tidak punya jalan untuk dicapai."))


@rule("S03", "struktur", "Renja tidak mengacu sasaran Renstra", "node")
def serves_renstra(plan: PlanData) -> Iterable[Finding]:
    if plan.kind != "renja":
        return
    roots = plan.children(None)
    if not plan.has_renstra:
        for n in roots:
            yield _node_finding("S03", WARNING, n, (
                f"{_label(plan, n)}: Renja ini belum mengacu Renstra, sehingga tidak dapat diperiksa sasaran "
                "strategis mana yang diwujudkannya (langkah 1 penyusunan Renja: penetapan sasaran)."))
        return
    for n in roots:
        if not n.serves:
            yield _node_finding("S03", ERROR, n, (
                f"{_label(plan, n)} belum ditautkan ke sasaran strategis Renstra. Setiap program/kegiatan Renja "
                "harus mewujudkan sasaran Renstra tahun ini; tautkan lewat kolom “melayani sasaran”."))


@rule("S04", "struktur", "Kode tidak sesuai format", "node")
def code_format(plan: PlanData) -> Iterable[Finding]:
    for n in plan.nodes:
        lv = plan.level(n.kind)
        if lv is None:
            continue
        if lv.code_pattern and not re.fullmatch(lv.code_pattern, n.code):
            yield _node_finding("S04", ERROR, n, (
                f"Kode {lv.label} “{n.code}” tidak sesuai format skema (contoh: {lv.code_example}); kode yang "
                "keliru membuat rencana tidak cocok dengan nomenklatur dan data anggaran."))
            continue
        parent = plan.node(n.parent_id)
        if lv.prefix_from_parent and parent is not None and not n.code.startswith(parent.code + "."):
            yield _node_finding("S04", ERROR, n, (
                f"Kode {lv.label} “{n.code}” tidak diawali kode induknya “{parent.code}.”; kode turunan "
                "mengikuti kode induk sesuai nomenklatur."))


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@rule("S05", "struktur", "Nama atau kode kembar", "node")
def duplicates(plan: PlanData) -> Iterable[Finding]:
    for parent_id in [None] + [n.id for n in plan.nodes]:
        seen: dict[tuple[str, str], NodeData] = {}
        for n in plan.children(parent_id):
            for what, value in (("kode", n.code), ("nama", _norm(n.name))):
                first = seen.setdefault((what, value), n)
                if first is not n:
                    yield _node_finding("S05", WARNING, n, (
                        f"{_label(plan, n)} ber{what} sama dengan {first.code} di bawah induk yang sama; "
                        "uraian kembar membingungkan penanggung jawab dan ganda dalam anggaran."))
    for n in plan.nodes:
        names: set[str] = set()
        for ind in n.indicators:
            key = _norm(ind.name)
            if key in names:
                yield _ind_finding("S05", WARNING, n, ind, (
                    f"{_quote(ind)} muncul dua kali pada {_label(plan, n)}; satu ukuran cukup diukur sekali."))
            names.add(key)


# ---------------------------------------------------------------- metadata

METADATA_FIELDS = (("definition", "definisi operasional"), ("formula", "rumus"), ("data_source", "sumber data"),
                   ("unit", "satuan"), ("responsible", "penanggung jawab"))


@rule("M01", "metadata", "Metadata indikator belum lengkap", "indicator")
def metadata(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        missing = [label for attr, label in METADATA_FIELDS if not str(getattr(ind, attr) or "").strip()]
        if ind.baseline_value is None and not (ind.baseline_text or "").strip():
            missing.append("nilai dasar (baseline)")
        if missing:
            yield _ind_finding("M01", WARNING, n, ind, (
                f"{_quote(ind)} belum memiliki {', '.join(missing)}. Tanpa metadata ini, indikator tidak dapat "
                "diukur dengan cara yang sama oleh orang yang berbeda (meta data indikator kinerja)."))


@rule("M02", "metadata", "Rumus tidak cocok dengan satuan", "indicator")
def formula_unit(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        formula = (ind.formula or "").strip()
        if unit_kind(ind.unit) == PERCENT and formula and not DIVISION.search(formula):
            yield _ind_finding("M02", WARNING, n, ind, (
                f"{_quote(ind)} bersatuan persen, tetapi rumusnya “{formula}” tidak membagi apa pun. Persentase "
                "adalah pembilang dibagi penyebut × 100%: tuliskan keduanya."))


# ---------------------------------------------------------------- targets

def _periods_asked(plan: PlanData, ind: IndicatorData) -> list[tuple[int, str]]:
    if plan.kind == "renstra":
        return [(y, "Y") for y in range(plan.first_year, plan.last_year + 1)]
    return [(plan.year, "Y")] + [(plan.year, p) for p in SUB_PERIODS.get(ind.frequency, [])]


@rule("T01", "target", "Target belum diisi", "indicator")
def targets_present(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        missing = [(y, p) for y, p in _periods_asked(plan, ind) if ind.target(y, p) is None]
        if not missing:
            continue
        annual_missing = any(p == "Y" for _, p in missing)
        what = ", ".join(str(y) if plan.kind == "renstra" else PERIOD_NAMES.get(p, p) for y, p in missing)
        yield _ind_finding("T01", ERROR if annual_missing else WARNING, n, ind, (
            f"{_quote(ind)} belum bertarget untuk {what}. Frekuensi pengukurannya meminta target setiap periode; "
            "tanpa target, capaian periode itu tidak dapat dihitung."))


@rule("T02", "target", "Target Renja berbeda dari Renstra", "indicator")
def renja_vs_renstra(plan: PlanData) -> Iterable[Finding]:
    if plan.kind != "renja":
        return
    for n, ind in plan.indicators():
        mine = ind.target(plan.year)
        if not ind.renstra_counterpart or mine is None:
            continue
        if ind.renstra_target is None:
            yield _ind_finding("T02", INFO, n, ind, (
                f"{_quote(ind)} ada di Renstra, tetapi Renstra tidak memberi target tahun {plan.year}; "
                "target Renja tidak dapat dicocokkan."))
        elif not mine.same_as(ind.renstra_target):
            yield _ind_finding("T02", WARNING, n, ind, (
                f"Target {plan.year} {_quote(ind).lower()} di Renja ({mine.label}) berbeda dari target Renstra "
                f"untuk tahun itu ({ind.renstra_target.label}). Renja menjabarkan Renstra: samakan, atau catat "
                "alasannya dan revisi Renstra."))


def _whole_from_parts(accumulation: str, parts: list[float]) -> Optional[tuple[float, str]]:
    """What the parts say the whole should be, and how (formulas: accumulation over the year)."""
    if accumulation == "sum":
        return sum(parts), "jumlah target periode"
    if accumulation in ("last", "ratio"):
        return parts[-1], "target periode terakhir"
    if accumulation == "average":
        return sum(parts) / len(parts), "rata-rata target periode"
    return None


@rule("T03", "target", "Target periode tidak sesuai jenis akumulasi", "indicator")
def accumulation_agrees(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        if plan.kind == "renja":
            whole = ind.target(plan.year)
            parts = [ind.target(plan.year, p) for p in SUB_PERIODS.get(ind.frequency, [])]
            scope = "tahunan"
        else:
            whole = ind.end_target
            parts = [ind.target(y) for y in range(plan.first_year, plan.last_year + 1)]
            scope = "akhir periode Renstra"
        if whole is None or whole.kind != "number" or not parts or any(p is None or p.kind != "number" for p in parts):
            continue
        expected = _whole_from_parts(ind.accumulation, [p.value for p in parts])
        if expected is None or _close(round(expected[0], 6), whole.value):
            continue
        yield _ind_finding("T03", WARNING, n, ind, (
            f"{_quote(ind)} berakumulasi “{ind.accumulation}”: target {scope} seharusnya sama dengan "
            f"{expected[1]} ({_fmt(round(expected[0], 4))}), tetapi tertulis {_fmt(whole.value)}."))


def _series(plan: PlanData, ind: IndicatorData) -> list[tuple[str, float]]:
    if plan.kind == "renstra":
        points = [(str(y), ind.target(y)) for y in range(plan.first_year, plan.last_year + 1)]
    elif ind.accumulation in ("last", "ratio"):  # positions through the year; sums and averages have no trend
        points = [(PERIOD_NAMES.get(p, p), ind.target(plan.year, p)) for p in SUB_PERIODS.get(ind.frequency, [])]
    else:
        return []
    return [(label, t.number) for label, t in points if t is not None and t.number is not None]


@rule("T04", "target", "Arah target berlawanan dengan polaritas", "indicator")
def trend(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        if ind.polarity not in ("higher_is_better", "lower_is_better"):
            continue
        series = _series(plan, ind)
        worse = [(a, b) for a, b in zip(series, series[1:])
                 if (b[1] < a[1] if ind.polarity == "higher_is_better" else b[1] > a[1])]
        if not worse:
            continue
        (la, va), (lb, vb) = worse[0]
        way = "naik" if ind.polarity == "higher_is_better" else "turun"
        yield _ind_finding("T04", WARNING, n, ind, (
            f"{_quote(ind)} makin baik bila makin {'tinggi' if way == 'naik' else 'rendah'}, tetapi targetnya "
            f"bergerak berlawanan: {la} {_fmt(va)} → {lb} {_fmt(vb)}. Target seharusnya {way} atau tetap."))


@rule("T05", "target", "Nilai dasar tidak wajar", "indicator")
def baseline_plausible(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        if ind.baseline_value is None:
            continue
        rng = default_range(ind.unit, ind.name)  # the same rule that refuses targets and realisations
        if not rng.contains(ind.baseline_value):
            bounds = rng.text
            yield _ind_finding("T05", ERROR, n, ind, (
                f"Nilai dasar {_quote(ind).lower()} ({_fmt(ind.baseline_value)} {ind.unit}) di luar rentang wajar "
                f"{bounds}; periksa satuan atau salah ketik pemisah desimal."))


# ---------------------------------------------------------------- the module's criteria

@rule("K01", "kriteria", "Keluaran dirumuskan sebagai aktivitas", "indicator")
def output_as_activity(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        if ind.level == "output" and _first_word(ind.name) in ACTIVITY_WORDS:
            yield _ind_finding("K01", WARNING, n, ind, (
                f"{_quote(ind)} menyebut kegiatan yang dilakukan, bukan hasil yang dapat diukur. Rumuskan keluaran "
                "sebagai “Jumlah …”, “Persentase …”, “Indeks …” atau “Dokumen … yang ditetapkan”."))


@rule("K02", "kriteria", "Indikator hasil hanya menghitung keluaran", "indicator")
def outcome_counts_outputs(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        if ind.level not in ("outcome", "impact"):
            continue
        if _first_word(ind.name) in COUNTING_WORDS or ind.unit.strip().lower() in OUTPUT_UNITS:
            yield _ind_finding("K02", WARNING, n, ind, (
                f"{_quote(ind)} adalah indikator hasil, tetapi hanya menghitung produk ({ind.unit}). Hasil adalah "
                "perubahan yang dialami penerima manfaat (persentase, indeks, waktu, tingkat), bukan banyaknya "
                "keluaran."))


@rule("K03", "kriteria", "Indikator kuantitatif tanpa target angka atau satuan", "indicator")
def quantitative_needs_number(plan: PlanData) -> Iterable[Finding]:
    for n, ind in plan.indicators():
        quantitative = _first_word(ind.name) in QUANTITATIVE_WORDS
        no_unit = ind.unit.strip().lower() in ("", "-", "—", "kualitatif")
        if quantitative and (ind.target_type == "qualitative" or no_unit):
            why = "bertarget teks" if ind.target_type == "qualitative" else "tidak bersatuan"
            yield _ind_finding("K03", ERROR, n, ind, (
                f"{_quote(ind)} bersifat kuantitatif, tetapi {why}. Indikator yang dapat diukur memerlukan target "
                "angka dan satuan (kriteria SMART: measurable)."))


@rule("K04", "kriteria", "Hasil program tidak didukung keluaran kegiatan", "node")
def sufficiency(plan: PlanData) -> Iterable[Finding]:
    for n in plan.nodes:
        if n.kind != "program" or not plan.children(n.id):
            continue
        outcomes = [i for i in n.indicators if i.level == "outcome"]
        if outcomes and not any(i.level == "output" for d in plan.subtree(n.id) for i in d.indicators):
            yield _node_finding("K04", ERROR, n, (
                f"Hasil {_label(plan, n)} (“{outcomes[0].name}”) tidak didukung satu pun indikator keluaran "
                "kegiatannya. Kegiatan-kegiatan sebuah program harus secara bersama-sama cukup untuk mencapai "
                "hasilnya (kriteria kecukupan)."))


PN_CRITERIA = (
    ("berdampak pada sasaran (tertaut ke sasaran strategis)", "serves"),
    ("kinerja spesifik dan terukur (indikator dengan target angka tahun ini)", "measurable"),
    ("realistis dalam waktu (setiap indikator bertarget pada tahunnya)", "timed"),
    ("tanggung jawab yang jelas (unit pelaksana)", "owner"),
    ("mendesak dan penting (alasan/uraian kegiatan)", "urgent"),
)


def _pn_met(plan: PlanData, n: NodeData) -> dict[str, bool]:
    served = any(x.serves for x in [n, *plan.ancestors(n)])
    return {
        "serves": served or plan.kind == "renstra",
        "measurable": any(i.level in ("output", "outcome") and (t := i.target(plan.year)) is not None
                          and t.kind in ("number", "range") for i in n.indicators),
        "timed": bool(n.indicators) and all(i.target(plan.year) is not None for i in n.indicators),
        "owner": bool(n.unit_in_charge.strip()),
        "urgent": bool(n.description.strip()),
    }


def _topmost(plan: PlanData, n: NodeData, test) -> bool:
    """The highest node of a chain that passes ``test``: its details below are judged with it."""
    parent = plan.node(n.parent_id)
    return test(n) and not (parent is not None and test(parent))


@rule("K05", "kriteria", "Kegiatan prioritas nasional belum memenuhi kriteria", "node")
def national_priority(plan: PlanData) -> Iterable[Finding]:
    def national(n: NodeData) -> bool:
        return n.kind in WORKSHEET_KINDS and n.activity_type == "prioritas_nasional"

    for n in plan.nodes:
        if not _topmost(plan, n, national):
            continue
        met = _pn_met(plan, n)
        missing = [label for label, key in PN_CRITERIA if not met[key]]
        if missing:
            yield _node_finding("K05", WARNING, n, (
                f"{_label(plan, n)} ditandai prioritas nasional, tetapi belum menunjukkan: {'; '.join(missing)}. "
                "Modul mensyaratkan kelima kriteria itu bagi kegiatan prioritas nasional."))


INTERNAL = re.compile(r"\b(internal|dukungan manajemen|perkantoran)\b", re.IGNORECASE)


def is_public_service(plan: PlanData, n: NodeData) -> bool:
    """A public-service activity: one with a worksheet, or one named as a service to the public
    (“Pelayanan …”, “Layanan …”) that is not internal support (generik, or under an internal one)."""
    if n.kind not in WORKSHEET_KINDS:
        return False
    internal = any(x.activity_type == "generik" or INTERNAL.search(x.name) for x in [n, *plan.ancestors(n)])
    named = _first_word(n.name) in ("pelayanan", "layanan") and not internal
    return n.worksheet is not None or named


@rule("K06", "kriteria", "Kegiatan pelayanan publik tanpa lembar kerja lengkap", "node")
def public_service_worksheet(plan: PlanData) -> Iterable[Finding]:
    if plan.kind != "renja":
        return
    for n in plan.nodes:
        if n.worksheet is not None:
            if n.worksheet.done < n.worksheet.total:
                yield _node_finding("K06", WARNING, n, (
                    f"Lembar kerja {_label(plan, n)} baru {n.worksheet.done} dari {n.worksheet.total} langkah "
                    "lengkap; lengkapi agar standar pelayanan dan rencana pengendaliannya teruji."))
            continue
        if not _topmost(plan, n, lambda x: is_public_service(plan, x)):
            continue
        # The five steps may be planned once for the activity above or below this one.
        related = [*plan.ancestors(n), *plan.subtree(n.id)]
        if any(r.worksheet is not None for r in related):
            continue
        yield _node_finding("K06", WARNING, n, (
            f"{_label(plan, n)} adalah kegiatan pelayanan publik tetapi belum memiliki lembar kerja perencanaan "
            "(lima langkah modul: kebutuhan, standar, ukuran keberhasilan, sumber daya, pengendalian)."))
