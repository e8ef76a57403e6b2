"""Bukti dukung: uploaded files are checked by extension, size and content (magic bytes)."""
from __future__ import annotations

import io
import zipfile

import pytest

from planner.errors import Conflict, Invalid
from planner.services import monitoring as mon
from test_monitoring_service import YEAR, build, engine, s  # noqa: F401  (fixtures)

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MAX = 1024


def office(folder: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{folder}/document.xml", "<x/>")
    return buf.getvalue()


def store(s, ind, filename, data, tmp_path, max_bytes=MAX):
    return mon.store_evidence_file(s, ind, YEAR, "TW1", filename, data, tmp_path / "uploads", max_bytes)


@pytest.mark.parametrize("filename, data, content_type", [
    ("laporan.pdf", PDF, "application/pdf"),
    ("foto.PNG", PNG, "image/png"),
    ("foto.jpeg", JPG, "image/jpeg"),
    ("rekap.xlsx", office("xl"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notulen.docx", office("word"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_allowed_files_are_stored_under_a_random_name(s, build, tmp_path, filename, data, content_type):
    ind = build.indicator()
    row = store(s, ind, filename, io.BytesIO(data), tmp_path)
    assert (row.kind, row.filename, row.content_type, row.size) == ("file", filename, content_type, len(data))
    assert row.stored_name != filename and row.stored_name.endswith(filename.rsplit(".", 1)[1].lower())
    path = mon.evidence_path(row, tmp_path / "uploads")
    assert path.read_bytes() == data
    assert [e.id for e in mon.period_detail(s, ind, YEAR, "TW1").evidence] == [row.id]


@pytest.mark.parametrize("filename, data, message", [
    ("virus.exe", b"MZ\x90\x00", "tidak diterima"),
    ("tanpa_ekstensi", PDF, "tidak diterima"),
    ("laporan.pdf", b"bukan pdf sama sekali", "bukan PDF"),
    ("foto.png", JPG, "bukan PNG"),
    ("rekap.xlsx", office("word"), "bukan XLSX"),  # a docx renamed
    ("rekap.xlsx", b"PK\x03\x04rusak", "bukan XLSX"),
    ("notulen.docx", PDF, "bukan DOCX"),
    ("kosong.pdf", b"", "kosong"),
    ("besar.pdf", PDF + b"0" * MAX, "terlalu besar"),
])
def test_wrong_or_oversized_files_are_refused(s, build, tmp_path, filename, data, message):
    ind = build.indicator()
    with pytest.raises(Invalid, match=message) as err:
        store(s, ind, filename, data, tmp_path)
    assert err.value.field == "file"
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_a_path_in_the_filename_is_dropped(s, build, tmp_path):
    row = store(s, build.indicator(), "..\\..\\etc/laporan.pdf", PDF, tmp_path)
    assert row.filename == "laporan.pdf"
    assert mon.evidence_path(row, tmp_path / "uploads").parent == tmp_path / "uploads"


def test_delete_removes_row_and_file_but_not_in_a_closed_period(s, build, tmp_path):
    ind = build.indicator()
    row = store(s, ind, "laporan.pdf", PDF, tmp_path)
    path = mon.evidence_path(row, tmp_path / "uploads")
    mon.close_period(s, build.plan, YEAR, "TW1")
    with pytest.raises(Conflict):
        store(s, ind, "lagi.pdf", PDF, tmp_path)
    with pytest.raises(Conflict):
        mon.delete_evidence(s, row, tmp_path / "uploads")
    mon.reopen_period(s, build.plan, YEAR, "TW1")
    mon.delete_evidence(s, row, tmp_path / "uploads")
    assert not path.exists()
    assert mon.period_detail(s, ind, YEAR, "TW1").evidence == []


def test_links_are_evidence_too(s, build):
    ind = build.indicator()
    link = mon.add_evidence_link(s, ind, YEAR, "TW1", " https://sakip.example.go.id/bukti/1 ")
    assert (link.kind, link.url, mon.evidence_path(link, "/tmp")) == ("link", "https://sakip.example.go.id/bukti/1",
                                                                     None)
    with pytest.raises(Invalid) as err:
        mon.add_evidence_link(s, ind, YEAR, "TW1", "sakip.example.go.id")
    assert err.value.field == "evidence_url"
