"""Template filters: numbers in Indonesian formats (methodology §10.2), dates, and labels in the reader's language."""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app
from flask_babel import format_date, format_datetime
from jinja2.filters import do_truncate
from markupsafe import Markup, escape

from planner import periods
from planner.calc.formatting import format_number, format_percent, format_rupiah
from planner.calc.units import format_by_unit
from planner.web import speed


def num(x, decimals=None) -> str:
    """Targets and values as the user typed them: ``87,5``, ``1.250``; ``—`` when empty."""
    return format_number(x, decimals)


def compact(x) -> str:
    """Large amounts in a narrow cell: 2.250.000.000.000 reads "2,25 T" (juta, miliar, triliun)."""
    if x is None:
        return format_number(None)
    for size, suffix in ((1e12, "T"), (1e9, "M"), (1e6, "jt")):
        if abs(x) >= size:
            return f"{format_number(x / size, None if (x / size) * 100 % 1 == 0 else 2)} {suffix}"
    return format_number(x, None)


def value_input(x) -> str:
    """A number as it goes back into an input, as people write it: "4.800", "1.250.000", "87,5".
    ``parse_number`` reads the grouping back (methodology §10.2)."""
    if x is None:
        return ""
    return format_number(x, None)


def by_unit(x, unit, with_unit=False) -> str:
    """A computed figure at its unit's precision: "2.200 dokumen", "Rp 1.250.000", "88,67%"."""
    return format_by_unit(x, unit, with_unit)


def t(value):
    """A label of the code's dictionaries (``LEVEL_LABELS``, ``ROLES``, ...) in the reader's language.

    The dictionaries hold the Indonesian text, which is the msgid: ``scripts/i18n.py`` puts their
    values into the catalogue. A mapping comes back with its values translated (keys unchanged);
    text without a translation, and anything that is not text, comes back as it is."""
    if isinstance(value, Mapping):
        return {k: t(v) for k, v in value.items()}
    if isinstance(value, str) and value:  # gettext("") would answer the catalogue's header
        return speed.gettext(value)
    return value


def labels(constant: Mapping | list | tuple):
    """``t`` of a module's constant label dictionary (or list), translated once per catalogue and kept for the
    process: the layout's context processors hand ~80 labels to every rendered template, a saved cell's
    fragment too, and translating them each time cost ~0,3 ms. Only for values that never change; the
    answer is shared, never to be modified."""
    catalogue = speed.translations()
    key = (id(catalogue), id(constant))
    kept = _LABELS.get(key)
    if kept is None or kept[0] is not constant or kept[1] is not catalogue:
        value = t(constant) if isinstance(constant, Mapping) else [t(v) for v in constant]
        kept = _LABELS[key] = (constant, catalogue, value)
    return kept[2]


_LABELS: dict[tuple[int, int], tuple] = {}  # (catalogue, constant) ids -> (constant, catalogue, translated)


def period(code: str) -> str:
    """``TW1`` -> "Triwulan I" ("Quarter I" in English)."""
    return t(periods.label(code))


def period_short(code: str) -> str:
    """``TW1`` -> "TW I" ("Q1" in English)."""
    return t(periods.short_label(code))


MUTED_DASH = Markup('<span class="muted">—</span>')


def target_text(spec) -> Markup:
    """A target in a cell or beside a figure: "25" (its full value in a title), "10,5–20", "Ditetapkan…"."""
    if spec.kind == "number":
        return Markup(f'<span title="{escape(num(spec.value))}">{escape(compact(spec.value))}</span>')
    if spec.kind == "range":
        return Markup(f"{escape(num(spec.lower))}–{escape(num(spec.upper))}")
    if spec.kind == "qualitative":
        short = do_truncate(current_app.jinja_env, spec.text, 24)
        return Markup(f'<span class="qual" title="{escape(spec.text)}">{escape(short)}</span>')
    return MUTED_DASH


def value_text(r) -> Markup:
    """A reported value, read-only: "Tercapai", "60 / 75", "1.250"; "—" when none."""
    if r is None:
        return MUTED_DASH
    if r.achieved is not None:
        return Markup(speed.gettext("Tercapai") if r.achieved else speed.gettext("Tidak tercapai"))
    if r.numerator is not None:
        return Markup('<span title="%s">%s / %s</span>') % (
            speed.gettext("pembilang / penyebut"), num(r.numerator), num(r.denominator))
    return Markup.escape(num(r.value))


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        num=num,
        compact=compact,
        pct=format_percent,
        rupiah=format_rupiah,
        value_input=value_input,
        by_unit=by_unit,
        period=period,
        period_short=period_short,
        t=t,
        target_text=target_text,
        value_text=value_text,
        date_id=lambda d: format_date(d, "d MMMM y") if d else "—",
        datetime_id=lambda d: format_datetime(d, "d MMM y HH.mm") if d else "—",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
