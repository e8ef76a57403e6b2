"""LibreOffice: a workbook it saved imports the same; every export opens in it (converted to PDF) and in
openpyxl. Skipped where LibreOffice is not installed (CI installs libreoffice-calc-nogui)."""
from __future__ import annotations

import shutil
import subprocess
from io import BytesIO

import pytest
from openpyxl import load_workbook

from planner.services import exports
from tests.excel.conftest import run_import

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def convert(paths: list, fmt: str, outdir) -> None:
    profile = outdir / "lo-profile"
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(outdir), *map(str, paths)], check=True, capture_output=True, timeout=240)


def test_a_workbook_saved_by_libreoffice_imports_the_same(s, org, full_plan, as_admin, tmp_path):
    _, renja = full_plan
    src = tmp_path / "src" / "renja.xlsx"
    src.parent.mkdir()
    src.write_bytes(exports.workbook(s, renja, "renja"))
    out_dir = tmp_path / "lo"
    out_dir.mkdir()
    convert([src], "xlsx:Calc MS Excel 2007 XML", out_dir)
    saved = (out_dir / "renja.xlsx").read_bytes()
    assert saved != src.read_bytes()
    direct = run_import(s, as_admin, src.read_bytes(), org, dry_run=True)
    via_lo = run_import(s, as_admin, saved, org, dry_run=True)
    assert direct.ok and via_lo.ok, [str(e) for e in via_lo.errors]
    assert via_lo.counts == direct.counts and via_lo.total("unchanged") > 0
    assert via_lo.total("created") == via_lo.total("updated") == 0
    convert([src], "ods", out_dir)  # its own format, and the old Excel one
    convert([src], "xls", out_dir)
    for ext in ("ods", "xls"):
        other = run_import(s, as_admin, (out_dir / f"renja.{ext}").read_bytes(), org, dry_run=True,
                           filename=f"renja.{ext}")
        assert other.ok and other.counts == direct.counts, (ext, [str(e) for e in other.errors])


def test_every_export_opens_in_openpyxl_and_libreoffice(s, org, full_plan, tmp_path):
    renstra, renja = full_plan
    paths = []
    for kind in exports.KINDS:
        plan = renstra if kind == "renstra" else renja
        data = exports.workbook(s, plan, kind, "TW2" if kind == "monitoring" else None)
        wb = load_workbook(BytesIO(data))
        first = wb.worksheets[0]
        assert first.freeze_panes and first.print_title_rows and first.page_setup.orientation == "landscape"
        path = tmp_path / f"{kind}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    convert(paths, "pdf", tmp_path)
    for kind in exports.KINDS:
        pdf = (tmp_path / f"{kind}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and len(pdf) > 2000, kind
