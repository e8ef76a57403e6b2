"""Import of a 10.000-row template workbook, as a ratio to reading the same file with python-calamine
(the floor: no import can be faster than reading the cells), and the renja export of the imported plan, as a
ratio to openpyxl's write-only mode writing the same rows. Run: python bench/import_bench.py (BENCH_ROWS=2000
for a quick run); the last line is a JSON summary. ``measure()`` returns the same dict for bench/run.py."""
from __future__ import annotations

import io
import json
import sqlite3
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook  # noqa: E402
from python_calamine import CalamineWorkbook  # noqa: E402
from sqlmodel import Session  # noqa: E402

from planner import create_app, db, migrate  # noqa: E402
from planner.excel.import_parse import parse_book  # noqa: E402
from planner.excel.import_reader import read_book  # noqa: E402
from planner.excel.import_template import build_template  # noqa: E402
from planner.permissions import principal_for  # noqa: E402
from planner.services import accounts, acting, exports, imports, orgs, versions  # noqa: E402

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


def _floor_read(data: bytes) -> tuple[float, int]:
    t0 = time.perf_counter()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = sum(len(wb.get_sheet_by_name(name).to_python()) for name in wb.sheet_names)
    return time.perf_counter() - t0, cells


def _floor_write(rows: dict[str, list[tuple]]) -> float:
    """openpyxl write-only mode writing the same rows: no export can be faster than putting the cells down."""
    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    for name, sheet_rows in rows.items():
        ws = wb.create_sheet(name)
        for row in sheet_rows:
            ws.append(list(row))
    wb.save(io.BytesIO())
    return time.perf_counter() - t0


class _LockProbe:
    """Another writer on SQLite: every 50 ms it takes and releases the write lock (BEGIN IMMEDIATE) on its own
    connection and records how long it had to wait, as a user saving a cell during the import would."""

    def __init__(self, path: str):
        self.path, self.waits, self.stop = path, [], threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        while not self.stop.is_set():
            t0 = time.perf_counter()
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
            self.waits.append(time.perf_counter() - t0)
            time.sleep(0.05)
        con.close()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def measure(rows: int = ROWS, echo=print) -> dict:
    """Import and export of a ``rows``-row template workbook on SQLite, as ratios to their floors measured in
    the same run: ``import_ratio`` (first import ÷ reading the file with python-calamine) and ``export_ratio``
    (the renja export of the imported plan ÷ openpyxl write-only writing the same rows). Also the seconds, and
    ``lock_wait_max_s``: the longest another writer waited for SQLite's write lock during the import."""
    global ROWS
    ROWS, saved = rows, ROWS
    try:
        data, n = workbook()
    finally:
        ROWS = saved
    floor, cells = _floor_read(data)
    t0 = time.perf_counter()
    parsed = parse_book(read_book(data, "bench.xlsx"))
    took = time.perf_counter() - t0
    assert not parsed.errors, parsed.errors[:5]
    out = {"rows": n, "calamine_s": round(floor, 3), "read_validate_s": round(took, 3)}
    echo(f"{'read + validate cells':>24}: {n:,} rows in {took:6.2f} s = {took / floor:6.1f} × calamine".replace(",", "."))
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/bench.sqlite"
        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench", "TESTING": True})
        with app.app_context():
            eng = db.engine()
            migrate.upgrade(eng)
            with acting.act_as(Session(eng), acting.SYSTEM) as s:
                org = orgs.create(s, "BENCH", "Dinas Bench", "perangkat_daerah")
                user = accounts.create_user(s, "bench", "kuda-lumping-sore-hari-7")
                accounts.add_membership(s, user, "admin", None)
                s.commit()
                principal, org_id = principal_for(s, user), org.id
            for label, dry in (("dry run", True), ("import", False), ("re-import (unchanged)", False)):
                with _LockProbe(path) as probe:
                    t0 = time.perf_counter()
                    res = imports.execute(eng, None, data, "bench.xlsx", org_id, dry_run=dry, principal=principal)
                    took = time.perf_counter() - t0
                assert res.ok, res.errors[:5]
                key = {"dry run": "dry_run", "import": "import", "re-import (unchanged)": "reimport"}[label]
                out[f"{key}_s"] = round(took, 3)
                out[f"{key}_lock_wait_max_s"] = round(max(probe.waits, default=0), 3)
                echo(f"{label:>24}: {n:,} rows in {took:6.2f} s = {took / floor:6.1f} × calamine "
                     f"(created {res.total('created')}, updated {res.total('updated')}, "
                     f"unchanged {res.total('unchanged')}; another writer waited at most "
                     f"{max(probe.waits, default=0):.2f} s)".replace(",", "."))
            with acting.act_as(Session(eng), acting.SYSTEM) as s:
                plan = versions.plan_being_edited(s, org_id, "renja", 2026)
                t0 = time.perf_counter()
                book = exports.workbook(s, plan, "renja")
                export_s = time.perf_counter() - t0
                write_floor = _floor_write(exports.template_rows(s, plan))
            eng.dispose()
    out.update(export_s=round(export_s, 3), openpyxl_write_s=round(write_floor, 3),
               import_ratio=round(out["import_s"] / floor, 1), export_ratio=round(export_s / write_floor, 1),
               lock_wait_max_s=out["import_lock_wait_max_s"])
    echo(f"{'renja export':>24}: {len(book):,} bytes in {export_s:6.2f} s = {export_s / write_floor:6.1f} × openpyxl "
         f"write-only ({write_floor:.2f} s)".replace(",", "."))
    echo(f"{'calamine floor':>24}: {cells:,} rows read in {floor:.3f} s".replace(",", "."))
    return out


def main() -> None:
    print(json.dumps(measure()))


if __name__ == "__main__":
    main()
