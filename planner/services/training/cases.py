"""The case library: seeded from ``seeds/training/cases``, written and edited by instructors, exported and
imported as YAML or JSON files."""
from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlmodel import Session, select

from planner.calc.training import EXPECTATION_KINDS, Expectation
from planner.errors import Invalid, NotFound
from planner.models.base import utcnow
from planner.models.training import TrainingCase
from planner.services import acting
from planner.services.training import LIBRARY, require_manager, starts

FIELDS = ("code", "title", "unit_name", "scheme", "year", "chapter", "context", "documents", "start", "expectations")
MAX_FILE = 512 * 1024


def list_cases(s: Session) -> list[TrainingCase]:
    return list(s.exec(select(TrainingCase).order_by(TrainingCase.code)))


def get(s: Session, case_id: int) -> TrainingCase:
    case = s.get(TrainingCase, case_id)
    if case is None:
        raise NotFound("Kasus tidak ditemukan.")
    return case


def load_library(s: Session, folder: Path = LIBRARY / "cases") -> int:
    """The library's cases not yet in the database (by code); returns how many were added."""
    have = {c.code for c in list_cases(s)}
    added = 0
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if data["code"] not in have:
            s.add(_apply(TrainingCase(), validate(data), "sistem"))
            added += 1
    s.flush()
    return added


def validate(data: object) -> dict:
    """A case as a dict, checked field by field (the message names the field and the expectation)."""
    if not isinstance(data, dict):
        raise Invalid("Berkas kasus harus berisi satu objek (kunci: code, title, context, …).")
    out = {k: data.get(k) for k in FIELDS}
    for key in ("code", "title"):
        if not str(out[key] or "").strip():
            raise Invalid(f"{key}: wajib diisi.", field=key)
    out["code"] = str(out["code"]).strip().upper()
    out["scheme"] = str(out["scheme"] or "daerah")
    if out["scheme"] not in ("daerah", "kl"):
        raise Invalid("scheme: pilih 'daerah' atau 'kl'.", field="scheme")
    try:
        out["year"] = int(out["year"] or 2026)
    except (TypeError, ValueError) as exc:
        raise Invalid("year: harus tahun (angka).", field="year") from exc
    for key in ("unit_name", "chapter", "context"):
        out[key] = str(out[key] or "")
    out["documents"] = [{"title": str(d.get("title") or ""), "body": str(d.get("body") or "")}
                        for d in (out["documents"] or []) if isinstance(d, dict)]
    out["start"] = starts.validate_start(out["start"], out["year"])
    exps = out["expectations"] or []
    if not isinstance(exps, list):
        raise Invalid("expectations: harus daftar.", field="expectations")
    seen = set()
    for i, e in enumerate(exps, start=1):
        if not isinstance(e, dict) or not e.get("id") or e.get("kind") not in EXPECTATION_KINDS:
            raise Invalid(f"expectations ke-{i}: perlu id dan kind ({', '.join(EXPECTATION_KINDS)}).",
                          field="expectations")
        if not e.get("any_of"):
            raise Invalid(f"expectations {e['id']}: any_of (kata kunci) wajib diisi.", field="expectations")
        if e["id"] in seen:
            raise Invalid(f"expectations {e['id']}: id ganda.", field="expectations")
        seen.add(e["id"])
        Expectation.from_dict(e)
    out["expectations"] = exps
    return out


def _apply(case: TrainingCase, data: dict, username: str) -> TrainingCase:
    for key in FIELDS:
        setattr(case, key, data[key])
    case.updated_at, case.updated_by = utcnow(), username
    return case


def _username(s: Session) -> str:
    who = acting.actor(s)
    return getattr(getattr(who, "user", None), "username", "sistem")


def save(s: Session, data: dict, case: TrainingCase | None = None) -> TrainingCase:
    """Create a case or replace one's content (an instructor's edit or an imported file)."""
    require_manager(s)
    clean = validate(data)
    other = s.exec(select(TrainingCase).where(TrainingCase.code == clean["code"])).first()
    if other is not None and (case is None or other.id != case.id):
        raise Invalid(f"Kode kasus '{clean['code']}' sudah dipakai.", field="code")
    starts.try_seed(s, TrainingCase(**clean))
    case = _apply(case or TrainingCase(), clean, _username(s))
    s.add(case)
    s.flush()
    return case


def as_dict(case: TrainingCase) -> dict:
    return {k: getattr(case, k) for k in FIELDS}


def export_text(case: TrainingCase, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(as_dict(case), ensure_ascii=False, indent=2)
    return yaml.safe_dump(as_dict(case), allow_unicode=True, sort_keys=False, width=110)


def parse_file(content: bytes) -> dict:
    """A case file (YAML or JSON; JSON is YAML too)."""
    if len(content) > MAX_FILE:
        raise Invalid("Berkas kasus terlalu besar (maksimum 512 KB).", field="file")
    try:
        data = yaml.safe_load(content.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise Invalid(f"Berkas bukan YAML/JSON yang sah: {exc}", field="file") from exc
    return validate(data)


def import_file(s: Session, content: bytes) -> TrainingCase:
    """Import a case file: a case with the same code is replaced, a new code adds one."""
    data = parse_file(content)
    existing = s.exec(select(TrainingCase).where(TrainingCase.code == data["code"])).first()
    return save(s, data, existing)
