"""Evidence (bukti dukung): uploaded files checked by their content and kept outside ``static/``, and links."""
from __future__ import annotations

import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable
from urllib.parse import urlparse

from sqlmodel import Session

from planner.calc import format_number
from planner.errors import Invalid, NotFound
from planner.models import Evidence, Indicator
from planner.services import acting
from planner.services.plans import get_plan

from .checks import cell_query, ensure_open, open_cell

MAX_URL = 1000


@dataclass(frozen=True)
class _FileType:
    content_type: str
    looks_right: Callable[[bytes], bool]  # the magic-byte check: an extension alone proves nothing


def _zip_with(folder: str) -> Callable[[bytes], bool]:
    """An Office Open XML file: a zip with a content-types part and the format's own folder."""
    def check(data: bytes) -> bool:
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return False
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    return check


def _starts(magic: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(magic)


_JPEG = _FileType("image/jpeg", _starts(b"\xff\xd8\xff"))
EVIDENCE_TYPES: dict[str, _FileType] = {
    "pdf": _FileType("application/pdf", _starts(b"%PDF-")),
    "png": _FileType("image/png", _starts(b"\x89PNG\r\n\x1a\n")),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "xlsx": _FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _zip_with("xl/")),
    "docx": _FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                      _zip_with("word/")),
}


def read_limited(data: bytes | BinaryIO, max_bytes: int) -> bytes:
    """At most ``max_bytes`` + 1 bytes are read, so an oversized upload is never held whole."""
    content = data[:max_bytes + 1] if isinstance(data, (bytes, bytearray)) else data.read(max_bytes + 1)
    if len(content) > max_bytes:
        limit = format_number(max_bytes / (1024 * 1024), None)
        raise Invalid(f"Berkas terlalu besar; batasnya {limit} MB.", field="file")
    if not content:
        raise Invalid("Berkas kosong.", field="file")
    return bytes(content)


def file_type(filename: str) -> tuple[str, str, _FileType]:
    name = Path((filename or "").replace("\\", "/")).name.strip()[:255]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ftype = EVIDENCE_TYPES.get(ext)
    if ftype is None:
        raise Invalid(f"Jenis berkas '{name or '(tanpa nama)'}' tidak diterima; unggah PDF, PNG, JPG, XLSX "
                      "atau DOCX.", field="file")
    return name, ext, ftype


@dataclass(frozen=True)
class StoredFile:
    """A checked upload written under the upload folder: what a row records about it."""

    filename: str  # the uploader's name, cleaned (shown and offered on download)
    stored_name: str  # ours: random, with the checked extension
    content_type: str
    size: int


def store_file(filename: str, data: bytes | BinaryIO, upload_dir: str | Path, max_bytes: int) -> StoredFile:
    """Check extension, size and content; write under ``upload_dir`` with a random name. Every kind of
    evidence (a realisation's, an action step's) is stored by this one function.

    ``upload_dir`` must lie outside ``static/``: files are served by a view that checks access."""
    name, ext, ftype = file_type(filename)
    content = read_limited(data, max_bytes)
    if not ftype.looks_right(content):
        raise Invalid(f"Isi berkas '{name}' bukan {ext.upper()} yang sah (mungkin hanya berganti nama).",
                      field="file")
    folder = Path(upload_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{secrets.token_hex(16)}.{ext}"
    with open(folder / stored, "xb") as out:  # "x": never overwrite another file
        out.write(content)
    return StoredFile(name, stored, ftype.content_type, len(content))


def store_evidence_file(s: Session, ind: Indicator, year: int, period: str, filename: str,
                        data: bytes | BinaryIO, upload_dir: str | Path, max_bytes: int,
                        user_id: int | None = None) -> Evidence:
    """A file as evidence of a realisation cell that may be written now."""
    open_cell(s, ind, year, period)
    f = store_file(filename, data, upload_dir, max_bytes)
    row = Evidence(indicator_id=ind.id, indicator_key=ind.key, year=year, period=period, kind="file",
                   filename=f.filename, stored_name=f.stored_name, content_type=f.content_type, size=f.size,
                   uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def check_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("Tautan bukti dukung harus berupa alamat http:// atau https:// yang lengkap.",
                      field="evidence_url")
    if len(url) > MAX_URL:
        raise Invalid(f"Tautan bukti dukung terlalu panjang (maksimal {MAX_URL} karakter).", field="evidence_url")
    return url


def add_link(s: Session, ind: Indicator, year: int, period: str, url: str, user_id: int | None) -> Evidence:
    """The same link given twice is kept once."""
    existing = s.exec(cell_query(Evidence, ind, year, period).where(Evidence.url == url)).first()
    if existing is not None:
        return existing
    row = Evidence(indicator_id=ind.id, indicator_key=ind.key, year=year, period=period, kind="link", url=url,
                   uploaded_by_id=user_id)
    s.add(row)
    s.flush()
    return row


def add_evidence_link(s: Session, ind: Indicator, year: int, period: str, url: str,
                      user_id: int | None = None) -> Evidence:
    open_cell(s, ind, year, period)
    return add_link(s, ind, year, period, check_url(url), user_id)


def get_evidence(s: Session, evidence_id: int) -> Evidence:
    row = s.get(Evidence, evidence_id)
    if row is None:
        raise NotFound("Bukti dukung tidak ditemukan.")
    return row


def evidence_path(row, upload_dir: str | Path) -> Path | None:
    """Where a file lives (None for a link); the stored name is ours, never the uploader's. Any evidence row
    with ``kind`` and ``stored_name`` (a realisation's, an action step's)."""
    return Path(upload_dir) / row.stored_name if row.kind == "file" and row.stored_name else None


def delete_evidence(s: Session, row: Evidence, upload_dir: str | Path) -> None:
    plan = get_plan(s, s.get(Indicator, row.indicator_id).plan_id)
    acting.require(s, "realization.edit", plan)
    ensure_open(s, plan, row.year, row.period)
    path = evidence_path(row, upload_dir)
    s.delete(row)
    s.flush()
    if path is not None:
        path.unlink(missing_ok=True)
