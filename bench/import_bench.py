"""Import of a 10.000-row template workbook, as a ratio to reading the same file with python-calamine
(the floor: no import can be faster than reading the cells). Run: python bench/import_bench.py"""
from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from python_calamine import CalamineWorkbook  # noqa: E402
from sqlmodel import Session  # noqa: E402

from planner import create_app, db, migrate  # noqa: E402
from planner.excel.import_parse import parse_book  # noqa: E402
from planner.excel.import_reader import read_book  # noqa: E402
from planner.excel.import_template import build_template  # noqa: E402
from planner.permissions import principal_for  # noqa: E402
from planner.services import accounts, imports, orgs  # noqa: E402

ROWS = int(__import__("os").environ.get("BENCH_ROWS", "10000"))


def workbook() -> bytes:
    """A Renja: 20 programs × 20 kegiatan × 4 sub kegiatan (2.000 nodes incl. parents), one indicator per
    kegiatan and sub kegiatan with annual + four quarterly targets: about 10.000 rows."""
    simpul, indikator, target = [], [], []
    for p in range(20):
        if len(simpul) + len(indikator) + len(target) >= ROWS:
            break
        prog = f"5.{p // 10 + 1:02d}.{p % 10 + 1:02d}"
        simpul.append(("renja", 2026, "program", prog, None, f"Program {p + 1}"))
        for k in range(20):
            if len(simpul) + len(indikator) + len(target) >= ROWS:
                break
            keg = f"{prog}.2.{k + 1:02d}"
            simpul.append(("renja", 2026, "kegiatan", keg, prog, f"Kegiatan {p + 1}.{k + 1}", None, "teknis",
                           "Bidang", "Kota", "PAD", 1_000_000 * (k + 1)))
            for n in range(4):
                sub = f"{keg}.{n + 1:04d}"
                simpul.append(("renja", 2026, "sub_kegiatan", sub, keg, f"Sub kegiatan {sub}"))
                indikator.append(("renja", 2026, sub, f"I-{sub}", f"Jumlah layanan {sub}", None, "output", "layanan",
                                  None, None, None, None, "triwulanan", None, None, None, None, "maksimal", "kumulatif"))
                target.append(("renja", 2026, sub, f"I-{sub}", None, 2026, "Y", 100))
                target += [("renja", 2026, sub, f"I-{sub}", None, 2026, f"TW{q}", "25") for q in range(1, 4)]
                if len(simpul) + len(indikator) + len(target) >= ROWS:
                    break
    rows = {"Rencana": [("BENCH", "renja", 2026, 2026, "daerah", "Renja bench 2026")],
            "Simpul": simpul, "Indikator": indikator, "Target": target}
    return build_template(rows), sum(len(v) for v in rows.values())


def main() -> None:
    data, n = workbook()
    t0 = time.perf_counter()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)
    floor = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed = parse_book(read_book(data, "bench.xlsx"))
    took = time.perf_counter() - t0
    assert not parsed.errors, parsed.errors[:5]
    print(f"{'read + validate':>22}: {n:,} rows in {took:6.2f} s = {took / floor:6.1f} × calamine".replace(",", "."))
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite", "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            eng = db.engine()
            migrate.upgrade(eng)
            with Session(eng) as s:
                org = orgs.create(s, "BENCH", "Dinas Bench", "perangkat_daerah")
                user = accounts.create_user(s, "bench", "kuda-lumping-sore-hari-7")
                accounts.add_membership(s, user, "admin", None)
                s.commit()
                principal, org_id = principal_for(s, user), org.id
            for label, dry in (("dry run", True), ("import", False), ("re-import (unchanged)", False)):
                t0 = time.perf_counter()
                out = imports.execute(eng, None, data, "bench.xlsx", org_id, dry_run=dry, principal=principal)
                took = time.perf_counter() - t0
                assert out.ok, out.errors[:5]
                print(f"{label:>22}: {n:,} rows in {took:6.2f} s = {took / floor:6.1f} × calamine "
                      f"(created {out.total('created')}, updated {out.total('updated')}, "
                      f"unchanged {out.total('unchanged')})".replace(",", "."))
    print(f"{'calamine floor':>22}: {cells:,} rows read in {floor:.3f} s".replace(",", "."))


if __name__ == "__main__":
    main()
