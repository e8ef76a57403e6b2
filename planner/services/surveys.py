"""Public satisfaction surveys (SKM): creation, responses (form, file import, public questionnaire),
results and posting the index as a realisation. Every number comes from ``planner.calc.survey``.

Responses are accepted all or nothing: one bad answer refuses the whole batch, and the message names
every bad row (up to ``MAX_REPORTED``) with its element, so a file can be fixed in one pass.
"""
from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Mapping

import pandas as pd
from pydantic import ValidationError
from sqlmodel import Session, func, select

from planner.calc import Category, SKM_ELEMENTS, ikm, min_sample
from planner.calc.survey import IKM_2004_ELEMENTS, Priority, check_weights, priorities
from planner.errors import Conflict, Invalid, NotFound, from_pydantic
from planner.models import Indicator, Plan
from planner.models.survey import (
    AGE_GROUPS, DEFAULT_LABELS, EDUCATIONS, GENDERS, GROUP_FIELDS, Survey, SurveyCreate, SurveyElement,
    SurveyResponse)
from planner.services import monitoring, orgs

MAX_REPORTED = 20
MAX_ROWS = 20_000
# Column headers accepted in an import file, per response field (lower-case, Indonesian or English).
HEADERS = {
    "gender": ("jenis_kelamin", "jenis kelamin", "gender", "jk"),
    "age_group": ("umur", "usia", "kelompok_umur", "kelompok umur", "age_group", "age"),
    "education": ("pendidikan", "education"),
    "occupation": ("pekerjaan", "occupation"),
    "service": ("layanan", "jenis_layanan", "jenis layanan", "service"),
    "suggestion": ("saran", "suggestion"),
}


def get(s: Session, survey_id: int) -> Survey:
    survey = s.get(Survey, survey_id)
    if survey is None:
        raise NotFound("Survei tidak ditemukan.")
    return survey


def by_token(s: Session, token: str) -> Survey:
    survey = s.exec(select(Survey).where(Survey.public_token == token)).first() if token else None
    if survey is None:
        raise NotFound("Kuesioner tidak ditemukan.")
    return survey


def list_for(s: Session, org_ids: set[int] | None, year: int | None = None) -> list[Survey]:
    q = select(Survey).order_by(Survey.year.desc(), Survey.id.desc())
    if org_ids is not None:
        q = q.where(Survey.organization_id.in_(org_ids))
    if year is not None:
        q = q.where(Survey.year == year)
    return list(s.exec(q))


def parse(data: dict | SurveyCreate) -> SurveyCreate:
    if isinstance(data, SurveyCreate):
        return data
    try:
        return SurveyCreate.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


def _default_elements(version: str) -> list[dict]:
    source = IKM_2004_ELEMENTS if version == "ikm2004" else SKM_ELEMENTS
    return [{"code": c, "name": n, "weight": None, "labels": list(DEFAULT_LABELS)} for c, n in source.items()]


def _custom_elements(data: SurveyCreate) -> list[dict]:
    items = [e.model_dump() for e in data.elements or []]
    codes = [e["code"].strip() for e in items]
    dup = next((c for i, c in enumerate(codes) if c in codes[:i]), None)
    if dup:
        raise Invalid(f"Kode unsur '{dup}' dipakai dua kali.", field="elements")
    given = [e["weight"] for e in items]
    if any(w is not None for w in given):
        if any(w is None for w in given):
            raise Invalid("Bobot harus diisi untuk semua unsur, atau dikosongkan semua (bobot sama rata).",
                          field="elements")
        try:
            check_weights({e["code"]: e["weight"] for e in items})
        except ValueError as exc:
            raise Invalid(f"Bobot unsur tidak valid: {exc}.", field="elements") from exc
    for e in items:
        labels = e.get("labels") or list(DEFAULT_LABELS)
        if len(labels) != 4 or not all(str(x).strip() for x in labels):
            raise Invalid(f"Unsur {e['code']}: pilihan jawaban harus empat label (1–4).", field="elements")
        e["labels"] = [str(x).strip() for x in labels]
    return items


def create(s: Session, data: dict | SurveyCreate) -> Survey:
    data = parse(data)
    orgs.get(s, data.organization_id)
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise Invalid("Tanggal selesai survei lebih awal dari tanggal mulai.", field="ends_on")
    elements = _custom_elements(data) if data.elements else _default_elements(data.version)
    version = "custom" if data.elements else data.version
    survey = Survey(organization_id=data.organization_id, year=data.year, name=data.name.strip(),
                    period=data.period.strip(), version=version, population=data.population,
                    starts_on=data.starts_on, ends_on=data.ends_on, services=data.services.strip(),
                    asks_importance=data.asks_importance, public_token=secrets.token_urlsafe(16))
    s.add(survey)
    s.flush()
    for n, e in enumerate(elements):
        s.add(SurveyElement(survey_id=survey.id, position=n, code=e["code"].strip(), name=e["name"].strip(),
                            weight=e["weight"], labels=e["labels"]))
    s.flush()
    return survey


def elements(s: Session, survey: Survey) -> list[SurveyElement]:
    return list(s.exec(select(SurveyElement).where(SurveyElement.survey_id == survey.id)
                       .order_by(SurveyElement.position)))


def responses(s: Session, survey: Survey) -> list[SurveyResponse]:
    return list(s.exec(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                       .order_by(SurveyResponse.id)))


def response_counts(s: Session, survey_ids: list[int]) -> dict[int, int]:
    """Respondents per survey in one statement (survey lists)."""
    if not survey_ids:
        return {}
    rows = s.exec(select(SurveyResponse.survey_id, func.count()).where(SurveyResponse.survey_id.in_(survey_ids))
                  .group_by(SurveyResponse.survey_id)).all()
    return dict(rows)


def count_responses(s: Session, survey: Survey) -> int:
    return s.exec(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id)).one()


# ---------------------------------------------------------------- responses

def _answer(raw: Any) -> int | None | str:
    """1–4, None for blank; anything else comes back as text for the error message."""
    if raw is None or (isinstance(raw, float) and raw != raw) or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return repr(raw)
    if isinstance(raw, (int, float)) and float(raw).is_integer() and 1 <= raw <= 4:
        return int(raw)
    if isinstance(raw, str) and raw.strip() in ("1", "2", "3", "4"):
        return int(raw.strip())
    return str(raw)


def _choice(raw: Any, allowed: Iterable[str] | None, label: str) -> tuple[str | None, str | None]:
    if raw is None or (isinstance(raw, float) and raw != raw) or not str(raw).strip():
        return None, None
    value = str(raw).strip()
    if isinstance(raw, float) and raw.is_integer():
        value = str(int(raw))
    if allowed is not None:
        match = next((a for a in allowed if a.lower() == value.lower()), None)
        if match is None:
            return None, f"{label} '{value}' tidak dikenal (pilihan: {', '.join(allowed)})"
        value = match
    return value[:300], None


def _check_row(item: Mapping[str, Any], codes: list[str], asks_importance: bool) -> tuple[dict, list[str]]:
    """One respondent: (response fields, problems)."""
    problems, answers, importance = [], {}, {}
    unknown = [k for k in item if k not in codes and k not in GROUP_FIELDS and k != "suggestion"
               and not (k.startswith("I_") and k[2:] in codes)]
    if unknown:
        problems.append(f"kolom/unsur '{unknown[0]}' tidak dikenal")
    for code in codes:
        value = _answer(item.get(code))
        if isinstance(value, str):
            problems.append(f"unsur {code}: jawaban harus 1–4, bukan '{value}'")
        elif value is not None:
            answers[code] = value
        if asks_importance and f"I_{code}" in item:
            imp = _answer(item.get(f"I_{code}"))
            if isinstance(imp, str):
                problems.append(f"kepentingan {code}: harus 1–4, bukan '{imp}'")
            elif imp is not None:
                importance[code] = imp
    if not answers and not problems:
        problems.append("tidak ada jawaban")
    fields = {"answers": answers, "importance": importance}
    allowed = {"gender": tuple(GENDERS), "age_group": AGE_GROUPS, "education": EDUCATIONS}
    for key, label in GROUP_FIELDS.items():
        value, problem = _choice(item.get(key), allowed.get(key), label)
        if key == "gender" and problem and str(item.get(key)).strip().lower() in ("laki-laki", "perempuan"):
            value, problem = ("L" if str(item.get(key)).strip().lower() == "laki-laki" else "P"), None
        if problem:
            problems.append(problem)
        fields[key] = value
    fields["suggestion"] = str(item.get("suggestion") or "").strip()[:2000]
    return fields, problems


def add_responses(s: Session, survey: Survey, rows: list[Mapping[str, Any]], source: str = "form",
                  row_label: str = "baris", first_row: int = 1, device_key: str | None = None) -> int:
    """Add respondents all or nothing; the error names each bad row and element."""
    if not rows:
        raise Invalid("Tidak ada jawaban responden yang dikirim.", field="responses")
    if len(rows) > MAX_ROWS:
        raise Invalid(f"Terlalu banyak baris ({len(rows)}); maksimal {MAX_ROWS} sekali kirim.", field="responses")
    codes = [e.code for e in elements(s, survey)]
    checked, errors, first_field = [], [], None
    for n, item in enumerate(rows):
        if not isinstance(item, Mapping):
            errors.append(f"{row_label} {n + first_row}: harus berupa objek")
            continue
        fields, problems = _check_row(item, codes, survey.asks_importance)
        if problems:
            errors.append(f"{row_label} {n + first_row}: " + "; ".join(problems))
            first_field = first_field or f"responses.{n}"
        checked.append(fields)
    if errors:
        more = f" (dan {len(errors) - MAX_REPORTED} baris lain)" if len(errors) > MAX_REPORTED else ""
        raise Invalid("Tidak ada yang disimpan. " + " · ".join(errors[:MAX_REPORTED]) + more,
                      field=first_field or "responses")
    for fields in checked:
        s.add(SurveyResponse(survey_id=survey.id, source=source, device_key=device_key, **fields))
    s.flush()
    return len(checked)


def _header(name: Any, codes: list[str]) -> str:
    text = str(name).strip()
    if text.upper() in codes:
        return text.upper()
    if text.upper().startswith("I_") and text[2:].upper() in codes:
        return "I_" + text[2:].upper()
    low = text.lower()
    return next((key for key, names in HEADERS.items() if low in names), text)


def import_file(s: Session, survey: Survey, filename: str, data: bytes) -> int:
    """One respondent per row of an Excel or CSV file; element columns named by code (U1…U9)."""
    codes = [e.code for e in elements(s, survey)]
    frame = read_table(filename, data)
    frame.columns = [_header(c, codes) for c in frame.columns]
    missing = [c for c in codes if c not in frame.columns]
    if len(missing) == len(codes):
        raise Invalid(f"Kolom unsur tidak ditemukan; beri judul kolom {', '.join(codes)}.", field="file")
    rows = [{k: v for k, v in rec.items() if not str(k).startswith("Unnamed")}
            for rec in frame.to_dict(orient="records")]
    return add_responses(s, survey, rows, source="import", row_label="baris", first_row=2)


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """An uploaded CSV or XLSX as a frame of raw values (numbers stay numbers, blanks are NaN)."""
    name = (filename or "").lower()
    try:
        if name.endswith(".csv"):
            text = data.decode("utf-8-sig")
            sep = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
            return pd.read_csv(io.StringIO(text), sep=sep, dtype=object)
        if name.endswith(".xlsx"):
            return pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
    except (ValueError, UnicodeDecodeError, KeyError, OSError) as exc:
        raise Invalid(f"Berkas '{filename}' tidak dapat dibaca: {exc}", field="file") from exc
    raise Invalid("Unggah berkas .xlsx atau .csv.", field="file")


# ---------------------------------------------------------------- public questionnaire

def is_open(survey: Survey, today: date) -> bool:
    return (survey.starts_on is None or today >= survey.starts_on) and (survey.ends_on is None or today <= survey.ends_on)


def submit_public(s: Session, survey: Survey, answers: Mapping[str, Any], device_key: str, today: date) -> None:
    """One submission per device session, while the survey is open; every element must be answered."""
    if not is_open(survey, today):
        raise Conflict("Survei ini sudah ditutup (atau belum dibuka).", field="survey")
    if s.exec(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id,
                                              SurveyResponse.device_key == device_key)).first():
        raise Conflict("Jawaban dari perangkat ini sudah diterima. Terima kasih.", field="survey")
    codes = [e.code for e in elements(s, survey)]
    unanswered = [c for c in codes if not str(answers.get(c) or "").strip()]
    if unanswered:
        raise Invalid(f"Mohon jawab semua pertanyaan (belum: {', '.join(unanswered)}).", field=unanswered[0])
    add_responses(s, survey, [answers], source="public", row_label="jawaban", device_key=device_key)


# ---------------------------------------------------------------- results

@dataclass
class GroupResult:
    field: str
    value: str
    respondents: int
    converted: float | None
    category: Category | None


@dataclass
class SurveyResult:
    survey: Survey
    elements: list[SurveyElement]
    respondents: int
    nrr: dict[str, float | None]
    weights: dict[str, float]
    ikm_unit: float | None
    converted: float | None
    category: Category | None
    minimum_sample: int | None
    importance: dict[str, float | None]
    priorities: tuple[Priority, ...]
    groups: dict[str, list[GroupResult]]

    @property
    def enough(self) -> bool | None:
        return None if self.minimum_sample is None else self.respondents >= self.minimum_sample


def _weights(els: list[SurveyElement]) -> dict[str, float] | None:
    return {e.code: e.weight for e in els} if all(e.weight is not None for e in els) else None


def _by_element(rows: list[SurveyResponse], codes: list[str], key: str = "answers") -> dict[str, list]:
    return {c: [getattr(r, key).get(c) for r in rows] for c in codes}


def _index(rows: list[SurveyResponse], codes: list[str], weights):
    return ikm(_by_element(rows, codes), weights)


def result(s: Session, survey: Survey) -> SurveyResult:
    els = elements(s, survey)
    rows = responses(s, survey)
    codes, weights = [e.code for e in els], _weights(els)
    main = _index(rows, codes, weights)
    importance = {}
    if survey.asks_importance:
        imp = _by_element(rows, codes, "importance")
        importance = {c: (sum(v for v in vals if v) / len([v for v in vals if v])) if any(vals) else None
                      for c, vals in imp.items()}
    groups: dict[str, list[GroupResult]] = {}
    for key in GROUP_FIELDS:
        values = sorted({getattr(r, key) for r in rows if getattr(r, key)})
        items = []
        for value in values:
            subset = [r for r in rows if getattr(r, key) == value]
            sub = _index(subset, codes, weights)
            items.append(GroupResult(key, value, len(subset), sub.converted, sub.category))
        if items:
            groups[key] = items
    return SurveyResult(
        survey=survey, elements=els, respondents=len(rows), nrr=main.nrr, weights=main.weights,
        ikm_unit=main.ikm_unit, converted=main.converted, category=main.category,
        minimum_sample=min_sample(survey.population) if survey.population else None,
        importance=importance, priorities=priorities(main.nrr, importance or None), groups=groups)


def as_dict(r: SurveyResult) -> dict:
    return {
        "survey_id": r.survey.id, "name": r.survey.name, "year": r.survey.year, "version": r.survey.version,
        "elements": {e.code: {"name": e.name, "nrr": r.nrr.get(e.code), "weight": r.weights.get(e.code),
                              "importance": r.importance.get(e.code)} for e in r.elements},
        "ikm_unit": r.ikm_unit, "ikm": r.converted, "mutu": r.category.code if r.category else None,
        "label": r.category.label if r.category else None, "respondents": r.respondents,
        "minimum_sample": r.minimum_sample, "enough_respondents": r.enough,
        "priorities": [p.code for p in r.priorities],
        "groups": {k: [{"value": g.value, "respondents": g.respondents, "ikm": g.converted,
                        "mutu": g.category.code if g.category else None} for g in v] for k, v in r.groups.items()},
    }


# ---------------------------------------------------------------- feeding the plan

def outcome_indicators(s: Session, organization_id: int, year: int) -> list[tuple[Indicator, Plan]]:
    """Indicators a figure may be posted to: those of the unit's Renja of that year (outcome first)."""
    rows = s.exec(select(Indicator, Plan).join(Plan, Indicator.plan_id == Plan.id).where(
        Plan.organization_id == organization_id, Plan.kind == "renja", Plan.first_year == year)).all()
    return sorted(rows, key=lambda r: (r[0].level != "outcome", r[1].revision_number, r[0].id))


def post_realization(s: Session, organization_id: int, indicator_id: int, year: int, period: str, value: float,
                     note: str, evidence_url: str, user_id: int | None = None):
    """Record ``value`` as the realisation of one of the unit's indicators, with a link as evidence."""
    ind = s.get(Indicator, indicator_id)
    plan = s.get(Plan, ind.plan_id) if ind else None
    if ind is None or plan.organization_id != organization_id:
        raise Invalid("Pilih indikator dari Renja unit ini.", field="indicator_id")
    if value is None:
        raise Conflict("Belum ada angka yang dapat dicatat sebagai realisasi.", field="value")
    return monitoring.record_realization(s, ind, year, period, value=round(value, 2), note=note,
                                         evidence_url=evidence_url, user_id=user_id)
