"""Evidence files on disk against the ``evidence`` and ``action_step_evidence`` rows: orphans (a file no row names) and missing files.

An upload writes its file before its row commits, so ``clean`` leaves files younger than ``min_age`` alone.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine

from planner.models import Evidence, StepEvidence


@dataclass
class FileReport:
    orphans: list[Path]
    missing: list[str]


def check(engine: Engine, upload_dir: str | Path) -> FileReport:
    with engine.connect() as conn:
        named = {n for (n,) in conn.execute(select(Evidence.stored_name).where(Evidence.stored_name.is_not(None)))}
        named |= {n for (n,) in conn.execute(select(StepEvidence.stored_name)  # action steps' evidence
                                             .where(StepEvidence.stored_name.is_not(None)))}
    folder = Path(upload_dir)
    on_disk = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.exists() else {}
    return FileReport(orphans=sorted(p for n, p in on_disk.items() if n not in named),
                      missing=sorted(n for n in named if n not in on_disk))


def clean(engine: Engine, upload_dir: str | Path, min_age_seconds: float = 3600) -> list[Path]:
    removed = []
    now = time.time()
    for path in check(engine, upload_dir).orphans:
        if now - path.stat().st_mtime >= min_age_seconds:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed
