"""Evaluation instruments (PEKPPP): versioned data, validated by ``planner.calc.evaluation``.

An instrument version used by an evaluation is frozen; saving changes to it creates the next version
with the same code, so evaluations keep the version they were scored with.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from sqlmodel import Session, func, select

from planner.calc.evaluation import check_instrument
from planner.errors import Invalid, NotFound, from_pydantic
from planner.models.evaluation import (
    DEFAULT_SCALE, Instrument, InstrumentAspect, InstrumentIn, InstrumentIndicator)
from planner.services.instrument_library import STANDARD_INSTRUMENTS


@dataclass
class AspectView:
    aspect: InstrumentAspect
    indicators: list[InstrumentIndicator]


@dataclass
class InstrumentView:
    instrument: Instrument
    aspects: list[AspectView]

    @property
    def indicators(self) -> list[InstrumentIndicator]:
        return [i for a in self.aspects for i in a.indicators]

    def as_input(self) -> dict:
        """The instrument in the shape ``InstrumentIn`` takes (the admin form and the API)."""
        return {"code": self.instrument.code, "name": self.instrument.name, "source": self.instrument.source,
                "aspects": [{"code": a.aspect.code, "name": a.aspect.name, "weight": a.aspect.weight,
                             "indicators": [{"code": i.code, "name": i.name, "weight": i.weight, "scale": i.scale,
                                             "evidence": i.evidence} for i in a.indicators]}
                            for a in self.aspects]}


def parse(data: dict | InstrumentIn) -> InstrumentIn:
    if isinstance(data, InstrumentIn):
        return data
    try:
        return InstrumentIn.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


def _validate(data: InstrumentIn) -> None:
    seen: set[str] = set()
    for a_no, aspect in enumerate(data.aspects):
        if aspect.code in {x.code for x in data.aspects[:a_no]}:
            raise Invalid(f"Kode aspek '{aspect.code}' dipakai dua kali.", field=f"aspects.{a_no}.code")
        for i_no, ind in enumerate(aspect.indicators):
            if ind.code in seen:
                raise Invalid(f"Kode indikator '{ind.code}' dipakai dua kali (kode indikator unik dalam instrumen).",
                              field=f"aspects.{a_no}.indicators.{i_no}.code")
            seen.add(ind.code)
            if ind.scale is not None and (len(ind.scale) != 6 or not all(str(x).strip() for x in ind.scale)):
                raise Invalid(f"Skala indikator {ind.code} harus berisi enam uraian, untuk nilai 0 sampai 5.",
                              field=f"aspects.{a_no}.indicators.{i_no}.scale")
    try:
        check_instrument([a.model_dump() for a in data.aspects])
    except ValueError as exc:
        raise Invalid(f"Bobot tidak valid: {exc}.", field="aspects") from exc


def _write(s: Session, inst: Instrument, data: InstrumentIn) -> None:
    for a_no, aspect in enumerate(data.aspects):
        row = InstrumentAspect(instrument_id=inst.id, position=a_no, code=aspect.code.strip(),
                               name=aspect.name.strip(), weight=aspect.weight)
        s.add(row)
        s.flush()
        for i_no, ind in enumerate(aspect.indicators):
            s.add(InstrumentIndicator(aspect_id=row.id, position=i_no, code=ind.code.strip(), name=ind.name.strip(),
                                      weight=ind.weight, scale=list(ind.scale or DEFAULT_SCALE),
                                      evidence=ind.evidence.strip()))
    s.flush()


def create(s: Session, data: dict | InstrumentIn) -> Instrument:
    """A new instrument, or the next version of an existing code."""
    data = parse(data)
    _validate(data)
    latest = s.exec(select(func.max(Instrument.version)).where(Instrument.code == data.code.strip())).one()
    inst = Instrument(code=data.code.strip(), name=data.name.strip(), source=data.source.strip(),
                      version=(latest or 0) + 1)
    s.add(inst)
    s.flush()
    _write(s, inst, data)
    return inst


def update(s: Session, inst: Instrument, data: dict | InstrumentIn) -> Instrument:
    """Change an instrument; a frozen one (used by an evaluation) gets a new version instead."""
    data = parse(data)
    if data.code.strip() != inst.code:
        raise Invalid("Kode instrumen tidak dapat diubah; buat instrumen baru.", field="code")
    _validate(data)
    if inst.frozen:
        return create(s, data)
    for aspect in s.exec(select(InstrumentAspect).where(InstrumentAspect.instrument_id == inst.id)):
        s.delete(aspect)
    s.flush()
    inst.name, inst.source = data.name.strip(), data.source.strip()
    s.add(inst)
    _write(s, inst, data)
    return inst


def get(s: Session, instrument_id: int) -> Instrument:
    inst = s.get(Instrument, instrument_id)
    if inst is None:
        raise NotFound("Instrumen evaluasi tidak ditemukan.")
    return inst


def load(s: Session, inst: Instrument) -> InstrumentView:
    """The instrument with its aspects and indicators in two statements."""
    aspects = list(s.exec(select(InstrumentAspect).where(InstrumentAspect.instrument_id == inst.id)
                          .order_by(InstrumentAspect.position)))
    indicators = s.exec(select(InstrumentIndicator).where(InstrumentIndicator.aspect_id.in_([a.id for a in aspects]))
                        .order_by(InstrumentIndicator.position)).all() if aspects else []
    by_aspect: dict[int, list[InstrumentIndicator]] = {}
    for ind in indicators:
        by_aspect.setdefault(ind.aspect_id, []).append(ind)
    return InstrumentView(inst, [AspectView(a, by_aspect.get(a.id, [])) for a in aspects])


def list_all(s: Session) -> list[Instrument]:
    return list(s.exec(select(Instrument).order_by(Instrument.code, Instrument.version.desc())))


def latest(s: Session) -> list[Instrument]:
    """The newest version of each instrument code."""
    seen, rows = set(), []
    for inst in list_all(s):
        if inst.code not in seen:
            seen.add(inst.code)
            rows.append(inst)
    return rows


def ensure_standard(s: Session) -> int:
    """Create the shipped instruments that are missing; returns how many were created."""
    have = set(s.exec(select(Instrument.code)).all())
    created = 0
    for item in STANDARD_INSTRUMENTS:
        if item["code"] not in have:
            create(s, item)
            created += 1
    return created


# ---------------------------------------------------------------- the admin's text form

TEXT_HELP = ("Satu baris per aspek atau indikator. Aspek: '# kode | nama | bobot'. Indikator di bawahnya: "
             "'kode | nama | bobot | bukti yang diharapkan (opsional)'. Bobot dalam persen; desimal boleh "
             "dengan koma.")


def to_text(view: InstrumentView) -> str:
    lines = []
    for a in view.aspects:
        lines.append(f"# {a.aspect.code} | {a.aspect.name} | {_num(a.aspect.weight)}")
        for i in a.indicators:
            tail = f" | {i.evidence}" if i.evidence else ""
            lines.append(f"{i.code} | {i.name} | {_num(i.weight)}{tail}")
    return "\n".join(lines)


def _num(x: float) -> str:
    return (f"{x:.2f}".rstrip("0").rstrip(".")).replace(".", ",")


def from_text(code: str, name: str, source: str, text: str) -> dict:
    """Parse the text form; an error names the line."""
    from planner.calc.formatting import parse_number

    aspects: list[dict] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        is_aspect = line.startswith("#")
        parts = [p.strip() for p in line.lstrip("#").split("|")]
        if len(parts) < 3:
            raise Invalid(f"Baris {n}: tulis 'kode | nama | bobot'.", field="text")
        try:
            weight = parse_number(parts[2])
        except ValueError as exc:
            raise Invalid(f"Baris {n}: bobot '{parts[2]}' bukan angka.", field="text") from exc
        if is_aspect:
            aspects.append({"code": parts[0], "name": parts[1], "weight": weight, "indicators": []})
        elif not aspects:
            raise Invalid(f"Baris {n}: indikator sebelum aspek pertama; awali aspek dengan '#'.", field="text")
        else:
            aspects[-1]["indicators"].append({"code": parts[0], "name": parts[1], "weight": weight,
                                              "evidence": " | ".join(parts[3:])})
    empty = next((a["code"] for a in aspects if not a["indicators"]), None)
    if empty is not None:
        raise Invalid(f"Aspek {empty} belum memiliki indikator.", field="text")
    return {"code": code, "name": name, "source": source, "aspects": aspects}
