"""The public-service activity worksheet of a kegiatan / sub kegiatan / KRO / RO (issue #5): the five
planning steps of the LAN module (BAB III.B) as sections of one page, its print view and its workbook.

Handlers are thin: the rules, validation and completeness live in ``planner.services.worksheet``.
Each step is one form, saved on its own: htmx swaps the step back in (with the progress bar and the
worksheet version out of band); without JavaScript the form posts and the page is reloaded (PRG).

Repeating rows are named like the service's error paths (``rows.0.service``, ``partners.1.name``), so
an error lands next to its input. Blank rows are dropped before validation; when a step is refused
the form is rendered again from the rows that were kept, so row numbers in messages match the page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional

from flask import Blueprint, Response, g, request, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db, periods
from planner.calc.formatting import format_number
from planner.errors import Conflict, DomainError, Invalid, NotFound
from planner.excel.worksheet_sheet import plan_sheet
from planner.excel.worksheet_xlsx import build_workbook, filename
from planner.models import Indicator, Organization, Plan, PlanNode
from planner.models import worksheet as wm
from planner.permissions import require
from planner.services import monitoring, plans
from planner.services import worksheet as svc
from planner.web.filters import t
from planner.web.helpers import principal, render, respond

bp = Blueprint("worksheets", __name__)
TPL = "worksheets/worksheet.html"
PRINT_TPL = "worksheets/print.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BLANK_ROWS = 2  # empty rows always offered, so rows can be added without JavaScript

# The inputs of each repeating row, in form order; ``DEFAULTED`` ones come preselected and do not
# make a row count as filled in.
ROW_FIELDS = {
    ("needs", "rows"): ("service", "stakeholder_group", "stakeholder", "need", "method", "activity"),
    ("success", "rows"): ("indicator_id", "measure", "dimension", "activity", "method"),
    ("resources", "rows"): ("category", "description", "quantity", "unit", "unit_cost", "source", "partner"),
    ("resources", "partners"): ("name", "kind", "role", "resource", "risk"),
    ("control", "rows"): ("risk", "control", "indicator_id", "year", "period", "cause", "follow_up", "owner",
                          "due_date"),
}
DEFAULTED = {
    ("success", "rows"): {"dimension", "method"},
    ("resources", "rows"): {"source"},
    ("resources", "partners"): {"kind"},
    ("control", "rows"): {"year", "period"},
}
CELL_FIELDS = ("content", "state", "activity")  # one standard component of one service
FIELD_LABELS = {
    "service": "Jenis layanan", "stakeholder_group": "Kelompok", "stakeholder": "Pemangku kepentingan",
    "need": "Kebutuhan", "method": "Cara/metode", "activity": "Kegiatan", "indicator_id": "Indikator",
    "indicator_code": "Indikator", "measure": "Ukuran keberhasilan", "dimension": "Dimensi",
    "category": "Jenis", "description": "Uraian", "quantity": "Volume", "unit": "Satuan",
    "unit_cost": "Harga satuan", "source": "Sumber", "partner": "Mitra", "name": "Nama mitra",
    "kind": "Jenis mitra", "role": "Peran", "resource": "Sumber daya", "risk": "Risiko",
    "control": "Pengendalian", "year": "Tahun", "period": "Periode", "cause": "Penyebab",
    "follow_up": "Tindak lanjut", "owner": "Penanggung jawab", "due_date": "Tenggat",
    "content": "Isi standar", "state": "Keadaan", "component": "Komponen",
}
LABELS = dict(
    titles=wm.STEP_TITLES, groups=wm.STAKEHOLDER_GROUPS, need_methods=wm.NEED_METHODS,
    capacity=wm.CAPACITY_ASPECTS, components=wm.STANDARD_COMPONENTS, component_groups=wm.COMPONENT_GROUPS,
    states=wm.STANDARD_STATES, constraints=wm.CONSTRAINT_ASPECTS, dimensions=wm.SUCCESS_DIMENSIONS,
    measuring=wm.MEASURING_METHODS, categories=wm.RESOURCE_CATEGORIES, sources=wm.RESOURCE_SOURCES,
    partner_kinds=wm.PARTNER_KINDS, complaint=wm.COMPLAINT_ASPECTS, channels=wm.COMPLAINT_CHANNELS,
    periods=[(p, periods.label(p)) for p in periods.ALL],
)


def _labels() -> dict:
    """``LABELS`` in the reader's language (the keys, which the forms post, stay as they are)."""
    labels = t({k: v for k, v in LABELS.items() if isinstance(v, dict)})
    labels["components"] = [(key, t(label), group) for key, label, group in LABELS["components"]]
    labels["periods"] = [(code, t(label)) for code, label in LABELS["periods"]]
    return labels


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


@dataclass
class FormError:
    """A refused step as the page shows it: ``field`` names the input, ``message`` says what is wrong."""

    field: Optional[str]
    message: str


# ---------------------------------------------------------------- access

def _node_for(node_id: int, action: str = "plan.read") -> tuple[PlanNode, Plan]:
    s = db.session()
    node = plans.get_node(s, node_id)
    plan = plans.get_plan(s, node.plan_id)
    require(principal(), action, plan)
    svc.check_node(node)
    return node, plan


def may_save(plan: Plan, key: str) -> bool:
    return svc.may_save(principal(), plan, key)


def _load(node: PlanNode, plan: Plan) -> svc.WorksheetView:
    s = db.session()
    return svc.load(s, node, monitoring.realisation_lookup(s, plan))


# ---------------------------------------------------------------- pages

def _context(node: PlanNode, plan: Plan, view: svc.WorksheetView | None = None, **extra) -> dict:
    s = db.session()
    view = view or _load(node, plan)
    forms = {st.key: _form_from_view(st) for st in view.steps}
    forms.update(extra.pop("forms", {}))
    ctx = dict(
        node=node, plan=plan, org=s.get(Organization, plan.organization_id), view=view, forms=forms,
        progress=svc.progress(view), can_save={key: may_save(plan, key) for key in wm.STEP_KEYS},
        level_label=view.level_labels.get(node.kind, node.kind), ws_labels=_labels(), blank_rows=BLANK_ROWS,
        indicator_choices=[(str(i.id), _indicator_label(i)) for i in view.indicators],
        year_choices=[(str(y), str(y)) for y in plan.years],
        errors={}, saved=None, oob=False,
    )
    ctx.update(extra)
    return ctx


@bp.get("/nodes/<int:node_id>/lembar-kerja")
def page(node_id: int):
    node, plan = _node_for(node_id)
    return render(TPL, **_context(node, plan))


@bp.post("/nodes/<int:node_id>/lembar-kerja/<step>")
def save_step(node_id: int, step: str):
    if step not in wm.STEP_KEYS:
        raise NotFound(f"Langkah '{step}' tidak dikenal.", field="step")
    node, plan = _node_for(node_id)
    s = db.session()
    raw, data, locate = _PARSERS[step](request.form)
    data["version"] = _int(request.form.get("version"))
    try:
        svc.save_step(s, node, step, data)
    except (Invalid, Conflict) as exc:
        error = _form_error(exc, locate)
        ctx = _context(node, plan, forms={step: raw}, errors={step: error})
        status = 409 if isinstance(exc, Conflict) else 422
        return render(TPL, block=f"step_{step}", status=status, **ctx)
    title = gettext("Langkah %(number)s (%(title)s) tersimpan.", number=wm.STEP_KEYS.index(step) + 1,
                    title=t(wm.STEP_TITLES[step]))
    # the step comes back with the progress bar (and every step form's new version) out of band
    return respond(TPL, f"step_{step}", also=("progress",), context=lambda: _context(node, plan, saved=step),
                   message=title, redirect_to=url_for("worksheets.page", node_id=node.id) + f"#step-{step}")


@bp.get("/nodes/<int:node_id>/lembar-kerja/cetak")
def print_view(node_id: int):
    node, plan = _node_for(node_id)
    view = _load(node, plan)
    org = db.session().get(Organization, plan.organization_id)
    return render(PRINT_TPL, sheet=plan_sheet(view, node, plan, org), node=node, plan=plan, org=org,
                  today=date.today())


@bp.get("/nodes/<int:node_id>/lembar-kerja.xlsx")
def xlsx(node_id: int):
    node, plan = _node_for(node_id)
    org = db.session().get(Organization, plan.organization_id)
    data = build_workbook(plan_sheet(_load(node, plan), node, plan, org))
    return Response(data, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{filename(node, plan)}"'})


# ---------------------------------------------------------------- the tree's badges

@bp.app_context_processor
def _tree_helpers():
    return {"worksheet_badges": worksheet_badges, "WORKSHEET_NODE_KINDS": wm.WORKSHEET_NODE_KINDS}


def worksheet_badges(plan: Plan) -> dict[int, svc.Progress]:
    """Progress of every worksheet of a plan, by node id, for the tree's "Lembar kerja" links.

    A fixed number of statements per request whatever the plan's size (one when it has no worksheet,
    nine otherwise), computed once per request and plan. The completeness rules are the service's
    own step builders, fed with every worksheet's rows at once.
    """
    cache = g.setdefault("worksheet_badges", {})
    if plan.id not in cache:
        cache[plan.id] = svc.progress_by_node(db.session(), plan)
    return cache[plan.id]


# ---------------------------------------------------------------- the view as form values

def _text(v) -> str:
    """A saved value as an input shows it: numbers in Indonesian format, dates as ISO, None as empty."""
    if v is None:
        return ""
    if isinstance(v, (float, Decimal)):
        return format_number(float(v), None)
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


# (step, part) -> how a saved row is reached from the step's view, and what its read-only cells show
_VIEW_ROWS = {
    ("needs", "rows"): (lambda st: st.rows, lambda r: r, lambda r: {}),
    ("success", "rows"): (lambda st: st.rows, lambda line: line.row, lambda line: {
        "target": wm.target_text(line.target) or None, "unit": line.indicator.unit if line.indicator else None}),
    ("resources", "rows"): (lambda st: st.rows, lambda r: r, lambda r: {"total": r.total}),
    ("resources", "partners"): (lambda st: st.partners, lambda p: p, lambda p: {}),
    ("control", "rows"): (lambda st: st.rows, lambda c: c.row, lambda c: {
        "target": wm.target_text(c.target) or None, "unit": c.indicator.unit if c.indicator else None,
        "realisation": c.realisation, "gap": c.gap}),
}


def _form_from_view(st: svc.StepView) -> dict:
    """What a step's inputs show, built from the step's view: the saved rows as strings, with what the
    read-only cells show (target, unit, row total, realisation, gap) under ``_view``."""
    key = st.key
    if key == "standards":
        services = [{"name": sv.service, "cells": {
            c.key: {"content": c.row.content if c.row else "", "state": c.state or "",
                    "activity": c.row.activity if c.row else ""} for c in sv.cells}} for sv in st.services]
        return {"services": services, "constraints": {n.key: n.text for n in st.constraints}}
    form: dict = {}
    for (step, part), fields in ROW_FIELDS.items():
        if step == key:
            items, saved, shown = _VIEW_ROWS[(step, part)]
            form[part] = [{f: _text(getattr(saved(item), f)) for f in fields} | {"_view": shown(item)}
                          for item in items(st)]
    if key == "needs":
        form["capacity"] = {n.key: n.text for n in st.capacity}
    elif key == "resources":
        form["over_pagu_reason"] = st.over_pagu_reason
    elif key == "control":
        form["channels"] = list(st.channels)
        form["complaint"] = {n.key: n.text for n in st.complaint}
    return form


def _indicator_label(ind: Indicator) -> str:
    return f"{ind.code} — {ind.name}" if ind.code else ind.name


# ---------------------------------------------------------------- form parsing

def _int(value) -> Optional[int]:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _rows(form, key: str, part: str) -> list[dict]:
    """The submitted rows of one repeating list in index order, without blank or deleted rows."""
    fields, defaulted = ROW_FIELDS[(key, part)], DEFAULTED.get((key, part), set())
    pattern = re.compile(rf"^{part}\.(\d+)\.")
    indices = sorted({int(m.group(1)) for k in form if (m := pattern.match(k))})
    out = []
    for i in indices:
        if form.get(f"{part}.{i}._hapus"):
            continue
        row = {f: (form.get(f"{part}.{i}.{f}") or "").strip() for f in fields}
        if any(v for f, v in row.items() if f not in defaulted):
            out.append(row)
    return out


def _data(rows: list[dict]) -> list[dict]:
    """Model input: an empty input means "not given", so the model's default (or "wajib diisi") applies."""
    return [{k: v for k, v in r.items() if v != ""} for r in rows]


def _notes(form, prefix: str, aspects: dict) -> dict:
    return {a: (form.get(f"{prefix}.{a}") or "").strip() for a in aspects}


def _same(field: str) -> str:
    return field


def _parse_needs(form):
    raw = {"rows": _rows(form, "needs", "rows"), "capacity": _notes(form, "capacity", wm.CAPACITY_ASPECTS)}
    return raw, {"rows": _data(raw["rows"]), "capacity": raw["capacity"]}, _same


def _parse_standards(form):
    """Per service a block of the 14 components; flattened into the service's rows (service, component)."""
    indices = sorted({int(m.group(1)) for k in form if (m := re.match(r"^svc\.(\d+)\.", k))})
    services, rows, cells = [], [], []
    for j in indices:
        if form.get(f"svc.{j}._hapus"):
            continue
        name = (form.get(f"svc.{j}.name") or "").strip()
        comps = {c: {f: (form.get(f"svc.{j}.{c}.{f}") or "").strip() for f in CELL_FIELDS}
                 for c, _, _ in wm.STANDARD_COMPONENTS}
        if not name and not any(v for cell in comps.values() for v in cell.values()):
            continue
        jj = len(services)
        services.append({"name": name, "cells": comps})
        for c, cell in comps.items():
            if any(cell.values()):
                rows.append({"service": name, "component": c, **{f: v for f, v in cell.items() if v != ""}})
                cells.append((jj, c))
    constraints = _notes(form, "constraints", wm.CONSTRAINT_ASPECTS)

    def locate(field: str) -> str:
        m = re.match(r"^rows\.(\d+)\.(\w+)$", field or "")
        if not m or int(m.group(1)) >= len(cells):
            return field
        jj, c = cells[int(m.group(1))]
        if m.group(2) in ("service", "component"):  # a name too short, or the same service named twice
            return f"svc.{jj}.name"
        return f"svc.{jj}.{c}.{m.group(2)}"

    raw = {"services": services, "constraints": constraints}
    return raw, {"rows": rows, "constraints": constraints}, locate


def _parse_success(form):
    raw = {"rows": _rows(form, "success", "rows")}
    return raw, {"rows": _data(raw["rows"])}, _same


def _parse_resources(form):
    raw = {"rows": _rows(form, "resources", "rows"), "partners": _rows(form, "resources", "partners"),
           "over_pagu_reason": (form.get("over_pagu_reason") or "").strip()}
    data = {"rows": _data(raw["rows"]), "partners": _data(raw["partners"]), "over_pagu_reason": raw["over_pagu_reason"]}
    return raw, data, _same


def _parse_control(form):
    channels = [c for c in form.getlist("complaint.channels") if c]
    raw = {"rows": _rows(form, "control", "rows"), "complaint": _notes(form, "complaint", wm.COMPLAINT_ASPECTS),
           "channels": channels}
    data = {"rows": _data(raw["rows"]), "complaint": dict(raw["complaint"], channels=channels)}
    return raw, data, _same


_PARSERS = {"needs": _parse_needs, "standards": _parse_standards, "success": _parse_success,
            "resources": _parse_resources, "control": _parse_control}


def _form_error(exc: DomainError, locate) -> FormError:
    """The service's error in the page's words: the input it belongs to and which row it is about."""
    field = exc.field or ""
    message = exc.message
    if field and message.startswith(field + ": "):
        message = message[len(field) + 2:]
    message = re.sub(r"^Baris \d+: ", "", message)
    message = message[:1].upper() + message[1:]
    where = locate(field)
    m = re.match(r"^(rows|partners)\.(\d+)\.(\w+)", where)
    s = re.match(r"^svc\.(\d+)\.(?:(\w+)\.)?(\w+)$", where)
    if m:
        what = "Mitra" if m.group(1) == "partners" else "Baris"
        message = f"{what} {int(m.group(2)) + 1} · {FIELD_LABELS.get(m.group(3), m.group(3))}: {message}"
    elif s and s.group(2):
        comp = wm.COMPONENT_LABELS.get(s.group(2), s.group(2))
        message = f"Layanan {int(s.group(1)) + 1} · {comp} · {FIELD_LABELS.get(s.group(3), s.group(3))}: {message}"
    elif s:
        message = f"Layanan {int(s.group(1)) + 1} · Nama layanan: {message}"
    return FormError(where or None, message)
