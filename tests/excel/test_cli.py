"""``planner export`` and ``planner import`` from the command line (own SQLite file, like the demo CLI test)."""
from __future__ import annotations

from click.testing import CliRunner
from openpyxl import load_workbook

from planner.cli import main


def test_export_every_kind_then_import_it_back(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANNER_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    monkeypatch.setenv("PLANNER_SECRET_KEY", "x")
    monkeypatch.setenv("PLANNER_JOBS_URL", "immediate")
    runner = CliRunner()
    assert runner.invoke(main, ["demo"]).exit_code == 0
    for kind in ("renstra", "renja", "pk", "iku", "metadata", "evaluasi-renja", "monitoring"):
        out = tmp_path / f"{kind}.xlsx"
        res = runner.invoke(main, ["export", kind, "--org", "BAPENDA-KALBAR", "--year", "2026", "-o", str(out)])
        assert res.exit_code == 0, res.output
        assert load_workbook(out).sheetnames
    dry = runner.invoke(main, ["import", str(tmp_path / "renja.xlsx"), "--org", "BAPENDA-KALBAR", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Simpul: 0 dibuat, 0 diubah" in dry.output and "tidak ada yang disimpan" in dry.output
    wrong = tmp_path / "wrong.xlsx"
    wb = load_workbook(tmp_path / "renja.xlsx")
    wb["Target"]["H4"] = "banyak sekali"
    wb.save(wrong)
    bad = runner.invoke(main, ["import", str(wrong), "--org", "BAPENDA-KALBAR"])
    assert bad.exit_code == 1 and "Target baris 4 kolom 'Target'" in bad.output and "banyak sekali" in bad.output
    none = runner.invoke(main, ["export", "renja", "--org", "NOPE", "--year", "2026", "-o", str(tmp_path / "x.xlsx")])
    assert none.exit_code != 0 and "tidak ditemukan" in none.output
