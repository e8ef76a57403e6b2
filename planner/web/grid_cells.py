"""The realisation grid's rows and cells as prepared strings (issue 12).

A grid of a few dozen nodes has hundreds of cells; rendered as a Jinja block each (a fresh context, about ten
translation calls, filters and macro calls per cell) the template took most of the page's CPU. Here every text
a cell shows is prepared once in Python: the words of the page are translated once per answer (``GridPage``),
numbers formatted, URLs filled into ``speed.row_url_format``; ``templates/monitoring/_grid_row.html`` puts them into
the markup, one macro call per row and per cell. The cell answered after a save comes from the same code
(``cell_view`` and the ``cell`` macro), so the page and the fragment cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from planner.calc.formatting import format_percent
from planner.models.plan import ACCUMULATION_LABELS, FREQUENCY_LABELS
from planner.services import monitoring as mon
from planner.web.filters import num, period as period_label, period_short, t, target_text, value_text
from planner.web.speed import gettext, row_url_format

STATUS_MARKS = {"draft": "✎", "submitted": "●", "verified": "✔", "returned": "↩"}


def _fill(text: str, **values) -> Markup:
    """A translated text with its placeholders filled, escaped (as ``_()`` with arguments does in a template)."""
    return Markup(text % {k: escape(v) for k, v in values.items()})


@dataclass
class GridPage:
    """What every cell of one answer shares: who may do what, where forms go back to, the words."""

    year: int
    upto: str
    back: str
    scope_id: int | None
    can_edit: bool
    can_verify: bool
    just_saved: bool = False
    refresh: str | None = None  # after a save: the request that brings the summaries above the cell
    error: Any = None  # a refused save (the answer is that one cell): its reason, with what was typed (``form``)
    form: Any = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.achieved, self.not_achieved = Markup(gettext("Tercapai")), Markup(gettext("Tidak tercapai"))
        self.save = gettext("Simpan")
        self.numerator = gettext("pembilang")
        self.denominator = gettext("penyebut")
        self.t = gettext("T")
        self.closed_title = gettext("Periode ditutup")
        self.judged_title = gettext("Target versi saat periode ditutup")
        self.verify_title = gettext("Verifikasi nilai ini")
        self.more_title = gettext("Rincian: bukti dukung, faktor pendorong/penghambat, tindak lanjut, verifikasi") \
            if self.can_verify else gettext("Rincian: bukti dukung, faktor pendorong/penghambat, tindak lanjut")
        self._realisation = gettext("Realisasi %(what)s")
        self._numerator_of = gettext("Pembilang %(what)s")
        self._denominator_of = gettext("Penyebut %(what)s")
        self._target_of = gettext("Target %(period)s")
        self._multi_title = gettext("%(period)s: target %(target)s; rincian, bukti dukung, narasi")
        self._achievement_at = gettext("Capaian s.d. %(period)s: %(formula)s")
        self._annual_formula = gettext("Capaian tahunan: %(formula)s")
        self._annual = gettext("capaian tahunan %(pct)s")
        self._predikat = gettext("predikat tahunan %(name)s")
        self._qualitative = gettext("kualitatif")
        self._frequencies = {k: v.lower() for k, v in t(FREQUENCY_LABELS).items()}
        self._accumulations = {k: v.split(" (")[0].lower() for k, v in t(ACCUMULATION_LABELS).items()}
        self._periods: dict[str, tuple[str, str, Markup]] = {}
        self._statuses: dict[str, str] = {}
        self._urls: dict[tuple[str, str], str] = {}

    def period(self, code: str) -> tuple[str, str, Markup]:
        """The period's label, short label and its cells' target title ("Triwulan I", "TW I", "Target Triwulan I")."""
        found = self._periods.get(code)
        if found is None:
            label = period_label(code)
            found = self._periods[code] = (label, period_short(code), _fill(self._target_of, period=label))
        return found

    def url(self, endpoint: str, indicator_id: int, period: str) -> str:
        """A cell's link or form target (``speed.row_url_format``, kept per endpoint and period for the answer)."""
        shape = self._urls.get((endpoint, period))
        if shape is None:
            shape = self._urls[endpoint, period] = row_url_format(endpoint, "indicator_id", "year",
                                                                  period=period)
        return shape.format(indicator_id=indicator_id, year=self.year)

    def status(self, r) -> str:
        """A realisation's status in words ("Dilaporkan")."""
        found = self._statuses.get(r.status)
        if found is None:
            found = self._statuses[r.status] = t(r.status_label)
        return found

    def row(self, row: mon.IndicatorRow) -> "RowView":
        return row_view(self, row)

    def summary(self, row: mon.IndicatorRow) -> "SummaryView":
        return summary_view(self, row)


@dataclass(slots=True)
class CellView:
    """One cell's strings (``_grid_row.html``: ``cell``); inputs only when ``editable``."""

    key: str  # "<indicator id>-<period>", the element's id
    period: str
    status: str  # the realisation's status, or "empty"
    closed: bool
    multi: bool  # one of several cells under a column (monthly)
    detail_url: str
    error: str | None = None
    editable: bool = False
    save_url: str = ""
    version: Any = None
    kind: str = "value"  # qualitative, ratio or value
    value: str = ""  # what the input shows (the typed text after a refused save)
    saved: str = ""  # the stored value (``data-saved``: Esc puts it back)
    label: Markup | str = ""
    value2: str = ""  # a ratio's denominator
    saved2: str = ""
    label2: Markup | str = ""
    short: str = ""  # the period's short label
    text: Markup | str = ""  # the value, read-only
    title: Markup | str = ""  # the target's title (one cell) or the period link's (several)
    target: Markup | str = ""
    judged: bool = False  # the target of another version, the one the closed period was judged against
    evidence: int = 0
    mark: str = ""  # the realisation's status mark
    mark_title: str = ""
    verify_url: str = ""
    cls: str = ""  # the cell's classes: its status, closed, refused, just saved


@dataclass(slots=True)
class SummaryView:
    """A row's achievement at the grid's period (``_grid_row.html``: ``summary``); ``pct`` None while not due."""

    id: int
    status: str
    pct: str | None = None
    reason: str | None = None
    title: Markup | str = ""
    annual_title: Markup | str = ""
    annual: Markup | str = ""


def summary_view(page: GridPage, row: mon.IndicatorRow) -> SummaryView:
    view = SummaryView(row.indicator.id, row.status)
    p = row.progress
    if p is not None:
        view.pct, view.reason = format_percent(p.achievement.value), p.reason
        view.title = _fill(page._achievement_at, period=page.period(page.upto)[0], formula=p.achievement.formula)
        view.annual_title = _fill(page._annual_formula, formula=p.annual_achievement.formula)
        view.annual = _fill(page._annual, pct=format_percent(p.annual_achievement.value))
        if p.predikat:
            view.annual += Markup(" · ") + _fill(page._predikat, name=t(p.predikat))
    return view


@dataclass(slots=True)
class RowView:
    """One indicator's row: its strings, its cells under the quarter columns, the row for its summary."""

    summary: SummaryView
    id: int
    name: str
    detail_url: str
    meta: str
    target: Markup
    slots: list[tuple[int, bool, list[CellView]]]


def slots(row: mon.IndicatorRow) -> list[tuple[int, list[mon.Cell]]]:
    """How a row's cells sit under the four quarter columns: one per quarter, three months per quarter,
    a semester over two quarters, the year over all four."""
    cells, freq = row.cells, row.indicator.frequency
    if freq == "monthly":
        return [(1, cells[i:i + 3]) for i in range(0, 12, 3)]
    if freq == "semester":
        return [(2, [c]) for c in cells]
    if freq == "annual":
        return [(4, cells)]
    return [(1, [c]) for c in cells]


def latest_due(row: mon.IndicatorRow) -> str:
    return row.cells[max(row.due, 1) - 1].period


def _saved(x) -> str:
    return "" if x is None else num(x)


def cell_view(page: GridPage, row: mon.IndicatorRow, c: mon.Cell, multi: bool) -> CellView:
    ind, r = row.indicator, c.realization
    label, short, target_title = page.period(c.period)
    status = r.status if r is not None else "empty"
    view = CellView(f"{ind.id}-{c.period}", c.period, status, c.closed, multi,
                    page.url("monitoring.detail", ind.id, c.period),
                    short=short, evidence=c.evidence)
    if page.error is not None:  # only the refused cell is answered, with the reason and what was typed
        view.error = page.error.message
    view.cls = (f"rc st-{status}{' closed' if c.closed else ''}{' has-error' if view.error else ''}"
                f"{' just-saved' if page.just_saved else ''}")
    if page.can_edit and not c.closed:
        _inputs(view, page, ind, r, label, page.form if page.error is not None else {})
    else:
        view.text = value_text(r)
    target = target_text(c.target)
    if multi:
        view.title = _fill(page._multi_title, period=label, target=target.striptags())
    else:
        view.title = target_title
        view.target = target
        view.judged = bool(c.target_from)
    if r is not None:
        view.mark = STATUS_MARKS[r.status]
        view.mark_title = page.status(r) + (": " + r.review_note if r.review_note else "")
        if page.can_verify and r.status == "submitted" and not c.closed:
            view.verify_url = page.url("monitoring.verify_cell", ind.id, c.period)
    return view


def _inputs(view: CellView, page: GridPage, ind, r, label: str, typed) -> None:
    """The entry form's values: the stored ones, or what was typed when the save was refused."""
    view.editable = True
    view.save_url = page.url("monitoring.save_cell", ind.id, view.period)
    view.version = r.version if r is not None else None
    what = f"{ind.name}, {label}"
    if ind.target_type == "qualitative":
        view.kind = "qualitative"
        view.saved = "" if r is None or r.achieved is None else ("1" if r.achieved else "0")
        view.value = typed.get("achieved", view.saved)
        view.label = _fill(page._realisation, what=what)
    elif ind.accumulation == "ratio":
        view.kind = "ratio"
        view.saved = "" if r is None else _saved(r.numerator)
        view.saved2 = "" if r is None else _saved(r.denominator)
        view.value, view.value2 = typed.get("numerator", view.saved), typed.get("denominator", view.saved2)
        view.label, view.label2 = _fill(page._numerator_of, what=what), _fill(page._denominator_of, what=what)
    else:
        view.saved = "" if r is None else _saved(r.value)
        view.value = typed.get("value", view.saved)
        view.label = _fill(page._realisation, what=what)


def row_view(page: GridPage, row: mon.IndicatorRow) -> RowView:
    ind = row.indicator
    meta = f"{ind.unit} · {page._frequencies[ind.frequency]} · {page._accumulations[ind.accumulation]}"
    if ind.target_type == "qualitative":
        meta += f" · {page._qualitative}"
    if row.responsible:
        meta += f" · {row.responsible}"
    return RowView(summary_view(page, row), ind.id, ind.name,
                   page.url("monitoring.detail", ind.id, latest_due(row)),
                   meta, target_text(row.annual_target),
                   [(span, len(cells) > 1, [cell_view(page, row, c, len(cells) > 1) for c in cells])
                    for span, cells in slots(row)])
