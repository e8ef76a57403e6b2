"""The instruments Planner ships: PEKPPP per Permenpan RB 17/2017, the 2022 transition instrument, and the
regional PEKIN LAYANAN instrument of Sulawesi Barat (2023). See docs/service-evaluation.md.

What the sources print is used as printed: aspect weights of both national instruments, the nine weights of
"kebijakan pelayanan" in 2022, and the PEKIN LAYANAN indicator weights that are legible in its table.
Where a source gives no indicator weights (the other aspects of the national instruments) the weight is
split evenly over the assessment criteria the source names; where the PEKIN table is illegible the weight
is reconstructed so that the aspect sums to 100. Each such indicator says so in its ``evidence`` note, and
admins can correct any of them (which makes a new version).
"""
from __future__ import annotations

ASPECTS = ("Kebijakan pelayanan", "Profesionalisme SDM", "Sarana prasarana", "Sistem informasi pelayanan publik",
           "Konsultasi dan pengaduan", "Inovasi")

# Assessment criteria per aspect as the evaluation guideline presents them (Kriteria Penilaian Aspek 1–6).
_CRITERIA = (
    ("Dokumen Standar Pelayanan (penyusunan, isi, penetapan)", "Media publikasi SP, maklumat dan SKM",
     "Laporan hasil dan tindak lanjut SKM", "Peraturan tentang SP, FKP dan SKM"),
    ("Kebijakan yang memudahkan layanan (bergilir, waktu tambahan, 24 jam)", "Kode etik dan budaya pelayanan",
     "Mekanisme motivasi kerja", "Pemberian penghargaan"),
    ("Ketersediaan tempat parkir", "Ruang tunggu dan front office", "Toilet layak pakai",
     "Sarana bagi kelompok rentan"),
    ("Sistem informasi pelayanan publik dan pengisian SIPP nasional", "Aplikasi pendukung pelayanan",
     "Kualitas SIPP elektronik (web, pemutakhiran, tampilan)"),
    ("Sarana konsultasi dan pengaduan termasuk SP4N-LAPOR!", "Akuntabilitas dan tindak lanjut konsultasi/pengaduan"),
    ("Penciptaan inovasi (ketersediaan, prestasi)", "Sumber daya inovasi (kebijakan, anggaran, sarpras, SDM)"),
)
_EVEN = "Bobot indikator dibagi rata: sumber hanya mencantumkan bobot aspek."
# Kebijakan pelayanan in the 2022 transition instrument: nine indicators and their printed weights.
_KEBIJAKAN_2022 = (
    ("Standar pelayanan tersedia sesuai ketentuan", 17), ("Publikasi standar pelayanan", 14),
    ("Maklumat pelayanan", 7), ("Survei kepuasan masyarakat dilaksanakan", 14),
    ("Publikasi hasil SKM", 10), ("Tindak lanjut hasil SKM", 17),
    ("Peninjauan ulang standar pelayanan", 7), ("Forum konsultasi publik", 7),
    ("Integrasi layanan dan kebijakan pelayanan lain", 7),
)


def _even(criteria: tuple[str, ...], prefix: str) -> list[dict]:
    n = len(criteria)
    weights = [round(100 / n, 2)] * n
    weights[-1] = round(100 - sum(weights[:-1]), 2)
    return [{"code": f"{prefix}.{i + 1}", "name": name, "weight": w, "evidence": _EVEN}
            for i, (name, w) in enumerate(zip(criteria, weights))]


def _national(aspect_weights: tuple[int, ...], first: list[dict] | None = None) -> list[dict]:
    aspects = []
    for n, (name, weight, criteria) in enumerate(zip(ASPECTS, aspect_weights, _CRITERIA), start=1):
        indicators = first if n == 1 and first else _even(criteria, str(n))
        aspects.append({"code": str(n), "name": name, "weight": weight, "indicators": indicators})
    return aspects


def _pekin() -> list[dict]:
    """PEKIN LAYANAN 2023 (Sulbar): numbered indicators 1–24 of its table; 25 is beyond the table."""
    rec = "Bobot tidak terbaca pada tabel sumber; direkonstruksi agar aspek berjumlah 100."
    rows = (
        ("Kebijakan pelayanan", 24, (
            ("Tersedia Standar Pelayanan sesuai ketentuan peraturan perundang-undangan", 25, ""),
            ("Jumlah media publikasi untuk komponen service delivery", 15, rec),
            ("Pemenuhan siklus maklumat pelayanan", 20, ""),
            ("SKM dilaksanakan dan Standar Pelayanan ditinjau ulang secara berkala", 25, ""),
            ("Jumlah media publikasi hasil SKM", 15, rec))),
        ("Profesionalisme SDM", 25, (
            ("Kebijakan yang memudahkan layanan", 10, rec),
            ("Tersedia kode etik/kode perilaku pelaksana dan/atau budaya pelayanan", 20, ""),
            ("Tersedia mekanisme untuk menjaga dan meningkatkan motivasi kerja", 20, ""),
            ("Tersedia kriteria pemberian penghargaan bagi pegawai berprestasi", 20, ""),
            ("Tersedia pelaksana yang menerapkan budaya pelayanan", 30, ""))),
        ("Sarana prasarana", 18, (
            ("Tersedia tempat parkir dengan fasilitas pendukung yang memadai", 15, rec),
            ("Tersedia ruang tunggu dengan fasilitas wajib dan lengkap", 25, rec),
            ("Tersedia toilet pengguna layanan yang layak pakai", 20, ""),
            ("Tersedia sarana prasarana bagi pengguna layanan kelompok rentan", 20, ""),
            ("Tersedia sarana prasarana penunjang", 10, rec),
            ("Sarana front office (FO) informasi di unit layanan", 10, rec))),
        ("Sistem informasi pelayanan publik", 11, (
            ("Tersedia sistem informasi pelayanan publik (SIPP) untuk informasi publik", 30, ""),
            ("Kualitas penggunaan SIPP elektronik (website/aplikasi)", 30, ""),
            ("Pemutakhiran data dan informasi kanal digital", 40, ""))),
        ("Konsultasi dan pengaduan", 10, (
            ("Tersedia sarana konsultasi dan pengaduan tatap muka yang berkualitas", 20, ""),
            ("Tersedia sarana dan media konsultasi serta pengaduan bagi semua lapisan masyarakat", 25, ""),
            ("Tersedia akuntabilitas hasil konsultasi dan/atau pengaduan", 25, ""),
            ("Tersedia tindak lanjut atas konsultasi dan pengaduan dari semua lapisan masyarakat", 30, ""))),
        ("Inovasi", 12, (
            ("Penciptaan inovasi pelayanan publik", 100, "Satu-satunya indikator aspek ini yang tercantum di tabel."),)),
    )
    aspects, number = [], 0
    for n, (name, weight, indicators) in enumerate(rows, start=1):
        items = []
        for text, w, note in indicators:
            number += 1
            items.append({"code": str(number), "name": text, "weight": w, "evidence": note})
        aspects.append({"code": str(n), "name": name, "weight": weight, "indicators": items})
    return aspects


STANDARD_INSTRUMENTS = (
    {"code": "PEKPPP-2017", "name": "PEKPPP Permenpan RB 17/2017",
     "source": "Permenpan RB 17/2017; bobot aspek 30/18/15/15/15/7. " + _EVEN,
     "aspects": _national((30, 18, 15, 15, 15, 7))},
    {"code": "PEKPPP-2022", "name": "PEKPPP instrumen transisi 2022",
     "source": "Pedoman Menteri PANRB 1/2022 (instrumen transisi); bobot aspek 24/25/18/11/10/12; sembilan "
               "indikator kebijakan pelayanan 17/14/7/14/10/17/7/7/7. Aspek lain: " + _EVEN,
     "aspects": _national((24, 25, 18, 11, 10, 12), [
         {"code": f"1.{i}", "name": name, "weight": w, "evidence": ""}
         for i, (name, w) in enumerate(_KEBIJAKAN_2022, start=1)])},
    {"code": "PEKIN-SULBAR-2023", "name": "PEKIN LAYANAN Provinsi Sulawesi Barat 2023",
     "source": "Indikator Evaluasi Pelayanan Publik Tahun 2023 (PEKIN LAYANAN, Sekretariat Daerah Provinsi "
               "Sulawesi Barat), sejauh tabelnya terbaca: indikator 1–24 dari 25.",
     "aspects": _pekin()},
)
