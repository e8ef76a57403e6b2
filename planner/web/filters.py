"""Template filters: numbers and dates in Indonesian formats (formulas.md §6)."""
from __future__ import annotations

from flask import Flask
from flask_babel import format_date, format_datetime

from planner import periods
from planner.calc.formatting import format_number, format_percent, format_rupiah


def num(x, decimals=None) -> str:
    """Targets and values as the user typed them: ``87,5``, ``1.250``; ``—`` when empty."""
    return format_number(x, decimals)


def value_input(x) -> str:
    """A number as it goes back into an input: Indonesian decimal comma, no grouping."""
    if x is None:
        return ""
    return format_number(x, None).replace(".", "")


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        num=num,
        pct=format_percent,
        rupiah=format_rupiah,
        value_input=value_input,
        period=periods.label,
        period_short=periods.short_label,
        date_id=lambda d: format_date(d, "d MMMM y") if d else "—",
        datetime_id=lambda d: format_datetime(d, "d MMM y HH.mm") if d else "—",
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
