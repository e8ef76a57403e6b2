"""Hostile workbooks are refused quickly, with a clear message, before anything is parsed."""
from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest

from planner.errors import Invalid
from planner.excel.import_reader import read_book
from planner.excel.import_template import build_template


def _xlsx_with(extra: dict[str, bytes], replace: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(build_template()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, data in extra.items():
            z.writestr(name, data)
    return out.getvalue()


def refused(data: bytes, name: str = "x.xlsx") -> str:
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(Invalid) as exc:
        read_book(data, name)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 50 * 1024 * 1024, (elapsed, peak)
    return exc.value.message


def test_zip_bomb():
    assert "zip bomb" in refused(_xlsx_with({"xl/media/bomb.bin": b"\0" * (200 * 1024 * 1024)}))


def test_macros():
    assert "makro" in refused(_xlsx_with({"xl/vbaProject.bin": b"VBA"}))


def test_external_links():
    assert "external links" in refused(_xlsx_with({"xl/externalLinks/externalLink1.xml": b"<x/>"}))


def test_huge_dimension():
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<dimension ref="A1:XFD1048576"/><sheetData/></worksheet>')
    assert "melebihi batas" in refused(_xlsx_with({}, {"xl/worksheets/sheet2.xml": sheet}))


def test_thousands_of_sheets():
    extra = {f"xl/worksheets/x{i}.xml": b"<worksheet/>" for i in range(2000)}
    assert "sheet" in refused(_xlsx_with(extra))


def test_unknown_and_damaged_files():
    assert ".xlsx, .xls, .ods, .csv" in refused(b"%PDF-1.4 ...", "laporan.pdf")
    assert "rusak" in refused(b"PK\x03\x04garbage", "x.xlsx")
    assert "kosong" in refused(b"", "x.xlsx")
