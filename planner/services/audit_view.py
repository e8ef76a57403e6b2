"""The audit trail as people read it: field labels, values formatted as the pages show them, names instead of
ids, local time of the organisation (WIB/WITA/WIT), and the indicator a target or realisation belongs to.

The trail itself stays raw (``services/audit.py`` stores machine values, so it can be checked and exported
exactly); this module only translates entries for display and for the Excel export. Names are loaded in one
statement per kind of id, however long the trail.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

from sqlmodel import Session, or_, select

from planner import periods
from planner.calc.formatting import format_number
from planner.models import AuditEntry, Indicator, NodeObjective, Organization, Plan, PlanNode, User
from planner.models.monitoring import REALIZATION_STATUSES
from planner.services import versions
from planner.models.plan import (ACCUMULATION_LABELS, ACTIVITY_TYPE_LABELS, FREQUENCY_LABELS, LEVEL_LABELS,
                                 PLAN_STATUSES, POLARITY_LABELS, TARGET_TYPE_LABELS)

# Indonesia has three time zones and no daylight saving: fixed offsets need no time-zone database.
ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
ACTIONS = {"create": "Tambah", "update": "Ubah", "delete": "Hapus", "submit": "Ajukan", "return": "Kembalikan",
           "approve": "Setujui", "lock": "Tetapkan", "reopen": "Buka kembali", "revise": "Buka revisi",
           "mark": "Tandai", "acknowledge": "Terima temuan", "unacknowledge": "Batalkan penerimaan temuan"}
OBJECTS = {"plan": "Rencana", "node": "Unsur rencana", "objective": "Sasaran unsur", "indicator": "Indikator",
           "target": "Target", "realization": "Realisasi", "evidence": "Bukti dukung", "narrative": "Narasi",
           "follow_up": "Tindak lanjut", "budget": "Pagu", "budget_realization": "Realisasi anggaran",
           "period": "Periode", "worksheet": "Lembar kerja", "action_step": "Langkah rencana aksi",
           "step_evidence": "Bukti dukung langkah", "comment": "Komentar reviu",
           "evaluation_score": "Nilai evaluasi mandiri", "round_unit": "Simpulan penilai",
           "verified_score": "Nilai terverifikasi"}
FIELDS = {
    "name": "Nama", "code": "Kode", "kind": "Jenis", "status": "Status", "vision": "Visi", "missions": "Misi",
    "first_year": "Tahun awal", "last_year": "Tahun akhir", "renstra_id": "Renstra", "revision_reason": "Alasan revisi",
    "parent_id": "Induk", "serves_id": "Melayani", "source_id": "Asal", "position": "Urutan", "pagu": "Pagu",
    "location": "Lokasi", "funding_source": "Sumber dana", "unit_in_charge": "Unit penanggung jawab",
    "activity_type": "Jenis kegiatan", "description": "Uraian", "text": "Rumusan", "objective_id": "Sasaran",
    "level": "Tingkat", "unit": "Satuan", "definition": "Definisi operasional", "formula": "Rumus",
    "data_source": "Sumber data", "collection_method": "Cara pengumpulan data", "frequency": "Frekuensi",
    "responsible": "Penanggung jawab", "baseline_value": "Nilai dasar", "baseline_text": "Nilai dasar (teks)",
    "baseline_year": "Tahun dasar", "polarity": "Polaritas", "accumulation": "Akumulasi", "target_type": "Jenis target",
    "ratio_factor": "Faktor pengali rasio", "weight": "Bobot", "rationale": "Alasan pemilihan", "year": "Tahun",
    "period": "Periode", "value": "Nilai", "lower": "Batas bawah", "upper": "Batas atas", "numerator": "Pembilang",
    "denominator": "Penyebut", "achieved": "Tercapai", "note": "Catatan", "review_note": "Catatan verifikasi",
    "faktor_pendorong": "Faktor pendorong", "faktor_penghambat": "Faktor penghambat", "action": "Tindakan",
    "owner": "Penanggung jawab", "due_date": "Tenggat", "done": "Selesai", "done_at": "Tanggal selesai",
    "url": "Tautan", "filename": "Nama berkas", "content_type": "Jenis berkas", "size": "Ukuran (bita)",
    "amount": "Jumlah (Rp)", "closed": "Ditutup", "reopen_note": "Alasan dibuka kembali",
    "verified_at": "Diverifikasi pada", "verified_by_id": "Diverifikasi oleh", "entered_by_id": "Diisi oleh",
    "closed_by_id": "Ditutup oleh", "reopened_by_id": "Dibuka kembali oleh", "uploaded_by_id": "Diunggah oleh",
    "created_by_id": "Dibuat oleh", "updated_by_id": "Diubah oleh", "entered_at": "Diisi pada",
    "closed_at": "Ditutup pada", "reopened_at": "Dibuka kembali pada", "uploaded_at": "Diunggah pada",
    "budget": "Anggaran (Rp)", "evidence_url": "Tautan bukti dukung", "status_on": "Tanggal status",
    "status_note": "Catatan status", "volume": "Volume", "months": "Bulan", "start": "Mulai",
    "start_date": "Mulai", "end_date": "Berakhir", "owner_text": "Penanggung jawab",
    "status_by_id": "Status diisi oleh", "status_at": "Status diisi pada", "end": "Berakhir", "output": "Keluaran", "owner_user_id": "Penanggung jawab (akun)", "valid_min": "Batas bawah wajar",
    "valid_max": "Batas atas wajar",
    # issue #11: review comments and penetapan
    "body": "Isi komentar", "decree_number": "Nomor SK", "decree_date": "Tanggal SK",
    "override_reason": "Alasan menetapkan sebelum Renstra ditetapkan", "resolved_at": "Diselesaikan pada",
    "resolved_by_id": "Diselesaikan oleh", "finding": "Temuan",
}
# Internal values nobody reads: where a file sits on disk, its checksum, bookkeeping keys.
HIDDEN = {"stored_name", "sha256", "plan_id", "node_id", "indicator_id", "node_budget_id", "organization_id",
          "scheme_id", "revision_of_id", "revision_number", "version",
          "key", "object_type", "object_id", "author_id"}  # lineage keys and comment bookkeeping
KINDS = {
    "plan": {"renstra": "Renstra", "renja": "Renja"},
    "node": {"tujuan": "Tujuan", "sasaran": "Sasaran strategis", "program": "Program", "kegiatan": "Kegiatan",
             "sub_kegiatan": "Sub kegiatan", "kro": "KRO", "ro": "RO", "komponen": "Komponen"},
    "evidence": {"file": "Berkas", "link": "Tautan"},
}
CHOICES = {"level": LEVEL_LABELS, "polarity": POLARITY_LABELS,
           "accumulation": ACCUMULATION_LABELS, "target_type": TARGET_TYPE_LABELS, "frequency": FREQUENCY_LABELS,
           "activity_type": ACTIVITY_TYPE_LABELS}
USER_FIELDS = {k for k in FIELDS if k.endswith("_by_id")}
NAMED_IDS = {"renstra_id": Plan, "source_id": PlanNode, "parent_id": PlanNode, "serves_id": PlanNode,
             "objective_id": NodeObjective}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Row:
    at: str
    username: str
    action: str
    object_label: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""
    version: str = ""  # "Murni", "Perubahan 1", …: which version of the plan the entry was written on


def plan_history(s: Session, plan: Plan, node_id: int | None = None,
                 indicator_id: int | None = None) -> list[AuditEntry]:
    """The trail of a plan through all its versions, newest first: a Perubahan's history goes on from its
    murni's. With ``node_id`` or ``indicator_id``, that node's or indicator's entries in every version
    (its copies share its lineage key); entries of another plan never show."""
    ids = [v.id for v in versions.versions(s, plan)]
    nodes = select(PlanNode.id).where(PlanNode.plan_id.in_(ids))
    if indicator_id is not None:
        ind = s.get(Indicator, indicator_id)
        key = ind.key if ind is not None and ind.plan_id in ids else None
        mine = AuditEntry.indicator_id.in_(select(Indicator.id).where(Indicator.plan_id.in_(ids),
                                                                       Indicator.key == key))
    elif node_id is not None:
        node = s.get(PlanNode, node_id)
        key = node.key if node is not None and node.plan_id in ids else None
        mine = AuditEntry.node_id.in_(nodes.where(PlanNode.key == key))
    else:  # sasaran of a node are recorded with their node only
        mine = or_(AuditEntry.plan_id.in_(ids), AuditEntry.node_id.in_(nodes))
    q = select(AuditEntry).where(mine, or_(AuditEntry.plan_id.in_(ids), AuditEntry.plan_id.is_(None)))
    return list(s.exec(q.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())))


def version_labels(s: Session, plan: Plan) -> dict[int, str]:
    """Plan id -> "Murni" / "Perubahan n" for every version of ``plan``."""
    return {v.id: versions.version_label(v) for v in versions.versions(s, plan)}


def zone_of(org: Organization | None) -> tuple[str, timezone]:
    code = getattr(org, "timezone", None) or "WIB"
    return code, timezone(timedelta(hours=ZONES.get(code, 7)), code)


def local_time(at: datetime, zone: tuple[str, timezone]) -> str:
    """``2026-04-03 02:15 UTC`` -> ``3 Apr 2026 09.15 WIB``."""
    code, tz = zone
    local = (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(tz)
    return f"{local.day} {periods.MONTHS[local.month - 1][:3]} {local.year} {local:%H.%M} {code}"


def _date_text(value: str) -> str | None:
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return f"{d.day} {periods.MONTHS[d.month - 1][:3]} {d.year}" + (f" {value[11:16].replace(':', '.')}"
                                                                     if len(value) > 10 else "")


class _Names:
    """Names for every id the entries mention, one statement per kind."""

    def __init__(self, s: Session, entries: list[AuditEntry]):
        wanted: dict[type, set[int]] = defaultdict(set)
        for e in entries:
            if e.indicator_id and e.object_type != "indicator":
                wanted[Indicator].add(e.indicator_id)
            for key, (old, new) in e.changes.items():
                model = User if key in USER_FIELDS else NAMED_IDS.get(key)
                if model:
                    wanted[model].update(v for v in (old, new) if isinstance(v, int))
        self.names: dict[type, dict[int, str]] = {}
        for model, ids in wanted.items():
            rows = s.exec(select(model).where(model.id.in_(ids))).all() if ids else []
            self.names[model] = {r.id: self._name(r) for r in rows}

    @staticmethod
    def _name(row) -> str:
        if isinstance(row, PlanNode):
            return f"{row.code} {row.name}"
        if isinstance(row, User):
            return row.full_name or row.username
        return getattr(row, "name", None) or getattr(row, "text", "")

    def get(self, model: type, key: int) -> str:
        return self.names.get(model, {}).get(key, f"#{key} (sudah dihapus)")


def _value(key: str, value: Any, names: _Names, object_type: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if key in USER_FIELDS and isinstance(value, int):
        return names.get(User, value)
    if key in NAMED_IDS and isinstance(value, int):
        return names.get(NAMED_IDS[key], value)
    if key == "period":
        return periods.label(value)
    if key == "status" and isinstance(value, str):
        return (REALIZATION_STATUSES if object_type == "realization" else PLAN_STATUSES).get(value, value)
    if key == "kind" and isinstance(value, str):
        return KINDS.get(object_type, {}).get(value, value)
    if key in CHOICES and isinstance(value, str):
        return CHOICES[key].get(value, value)
    if key in ("pagu", "amount", "budget") and isinstance(value, (int, float)):
        return "Rp " + format_number(value, 0)
    if key == "year" or key.endswith("_year"):
        return str(value)
    if isinstance(value, (int, float)):
        return format_number(value, None)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        return _date_text(value) or value
    return str(value)


def _subject(e: AuditEntry, names: _Names) -> str:
    head, _, rest = e.label.partition(" ")
    label = f"{periods.label(head)} {rest}" if periods.is_valid(head) else e.label  # "TW1 2026" -> "Triwulan I 2026"
    if e.object_type in ("target", "realization", "evidence", "narrative", "follow_up") and e.indicator_id:
        return f"{label} · {names.get(Indicator, e.indicator_id)}"
    return label


def rows(s: Session, entries: Iterable[AuditEntry], org: Organization | None,
         version_of: dict[int, str] | None = None) -> list[Row]:
    """Readable rows; ``version_of`` (plan id -> label) names the version each entry was written on."""
    entries = list(entries)
    version_of = version_of or {}
    names, zone = _Names(s, entries), zone_of(org)
    out = []
    for e in entries:
        changes = [Change(FIELDS.get(k, k.replace("_", " ").capitalize()), _value(k, old, names, e.object_type),
                          _value(k, new, names, e.object_type))
                   for k, (old, new) in e.changes.items() if k not in HIDDEN]
        out.append(Row(at=local_time(e.at, zone), username=e.username, action=ACTIONS.get(e.action, e.action),
                       object_label=OBJECTS.get(e.object_type, e.object_type), subject=_subject(e, names),
                       changes=changes, note=e.note, version=version_of.get(e.plan_id, "")))
    return out
