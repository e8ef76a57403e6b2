"""Server-rendered SVG charts for the monitoring dashboards: bullet, trend, scatter, stacked and plain bars.

Pure (stdlib and ``planner.calc`` only): every function returns an SVG string with its own colours, a
``<title>`` for the tooltip and an ``aria-label``, so the charts work offline, without JavaScript,
inside a saved page and on paper. ``None`` means "not reported": it draws nothing, never a zero.
"""
from __future__ import annotations

import math
from html import escape
from typing import Iterable, Sequence

from planner.calc.formatting import format_number, format_percent

STATUS_COLORS = {
    "tercapai": "#1b7f3b",
    "on_track": "#1565c0",
    "perlu_perhatian": "#c77700",
    "kritis": "#b3261e",
    "belum_dilaporkan": "#8a96a3",
    "belum_jatuh_tempo": "#c3cbd4",
    "tidak_dapat_dihitung": "#7b6a58",  # reported, but no C (methodology §1.2)
}
INK, MUTED, GRID, TRACK, BUDGET = "#1d2733", "#5d6b7a", "#dfe4ea", "#eef1f5", "#5b4a9e"
FLAG = "#b3261e"


def _f(x: float) -> str:
    """Coordinates with at most one decimal: short, stable SVG text."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if not float(x).is_integer() else str(int(x))


def _svg(cls: str, width: int, height: int, label: str, body: Iterable[str]) -> str:
    return (f'<svg class="chart {cls}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}">'
            f'<title>{escape(label)}</title>{"".join(body)}</svg>')


def _nice_max(value: float, floor: float) -> float:
    """A round upper bound of an axis: at least ``floor``, in steps of 1, 2, 2.5 or 5 × 10^k."""
    top = max(value, floor, 1e-9)
    mag = 10 ** math.floor(math.log10(top))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * mag >= top:
            return step * mag
    return 10 * mag


def _ticks(top: float, count: int = 4) -> list[float]:
    return [top * i / count for i in range(count + 1)]


def _present(values: Iterable[float | None]) -> list[float]:
    return [v for v in values if v is not None and math.isfinite(v)]


# ---------------------------------------------------------------- bullet

def bullet(actual: float | None, target: float | None, annual: float | None = None, *,
           status: str = "belum_dilaporkan", band: tuple[float, float] | None = None, width: int = 180,
           height: int = 20, label: str = "") -> str:
    """A bullet chart: the realisation as a bar (status colour), the target so far as a marker, the annual
    target as the shaded track, a range target as a band. Negative values are drawn from zero."""
    values = _present([actual, target, annual, *(band or ())])
    top = _nice_max(max(values, default=0) * 1.08, 1)
    scale = (width - 2) / top

    def x(v: float) -> float:
        return 1 + max(0.0, min(v, top)) * scale

    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" rx="2"/>']
    if annual is not None:
        body.append(f'<rect x="1" y="2" width="{_f(x(annual) - 1)}" height="{height - 4}" fill="#dbe2ea"/>')
    if band is not None:
        lo, hi = sorted(band)
        body.append(f'<rect x="{_f(x(lo))}" y="2" width="{_f(max(x(hi) - x(lo), 1))}" height="{height - 4}" '
                    f'fill="#c9e4d1"/>')
    if actual is not None:
        bar_h = max(4, round(height * 0.42))
        body.append(f'<rect class="bar" x="1" y="{_f((height - bar_h) / 2)}" width="{_f(max(x(actual) - 1, 1.5))}" '
                    f'height="{bar_h}" fill="{STATUS_COLORS.get(status, INK)}"/>')
    if target is not None:
        body.append(f'<rect class="marker" x="{_f(min(x(target), width - 2) - 1)}" y="2" width="2.5" '
                    f'height="{height - 4}" fill="{INK}"/>')
    return _svg("bullet", width, height, label, body)


# ---------------------------------------------------------------- trend

def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str, bool]], *,
               width: int = 560, height: int = 220, reference: float | None = 100.0, label: str = "",
               percent: bool = True) -> str:
    """Lines over periods. ``series`` are (name, values, colour, dashed); a missing value breaks the line.
    ``reference`` draws the 100 % line."""
    left, right, top_pad, bottom = 44, 12, 26, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = _present(v for _, vals, _, _ in series for v in vals)
    top = _nice_max(max(values + [reference or 0], default=0) * 1.08, 100 if percent else 1)
    n = max(len(labels), 1)

    def px(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def py(v: float) -> float:
        return top_pad + plot_h - max(0.0, min(v, top)) / top * plot_h

    fmt = format_percent if percent else format_number
    body = []
    for t in _ticks(top):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(py(t))}" y2="{_f(py(t))}" stroke="{GRID}"/>')
        body.append(f'<text x="{left - 6}" y="{_f(py(t) + 4)}" text-anchor="end" font-size="10" fill="{MUTED}">'
                    f'{escape(format_number(t, 0))}</text>')
    if reference is not None:
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(py(reference))}" y2="{_f(py(reference))}" '
                    f'stroke="{INK}" stroke-dasharray="2 3"/>')
    for i, lab in enumerate(labels):
        body.append(f'<text x="{_f(px(i))}" y="{height - 8}" text-anchor="middle" font-size="11" fill="{MUTED}">'
                    f'{escape(lab)}</text>')
    legend_x = left
    for name, vals, color, dashed in series:
        dash = ' stroke-dasharray="6 4"' if dashed else ""
        body.append(f'<line x1="{legend_x}" x2="{legend_x + 18}" y1="10" y2="10" stroke="{color}" '
                    f'stroke-width="2.5"{dash}/>'
                    f'<text x="{legend_x + 23}" y="14" font-size="11" fill="{INK}">{escape(name)}</text>')
        legend_x += 34 + 7 * len(name)
        run: list[str] = []
        for i, v in enumerate(list(vals) + [None]):
            if v is not None and i < len(labels):
                run.append(f"{_f(px(i))},{_f(py(v))}")
                continue
            if len(run) > 1:
                body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" '
                            f'stroke-width="2.5"{dash}/>')
            run = []
        for i, v in enumerate(vals[:len(labels)]):
            if v is not None:
                tip = f"{name} {labels[i]}: {fmt(v)}"
                body.append(f'<circle cx="{_f(px(i))}" cy="{_f(py(v))}" r="3.5" fill="{color}"><title>{escape(tip)}'
                            f'</title></circle>')
    return _svg("trend", width, height, label, body)


# ---------------------------------------------------------------- absorption against achievement

def scatter(points: Sequence[tuple[float, float, str, str]], *, width: int = 420, height: int = 300,
            x_label: str = "Serapan anggaran (%)", y_label: str = "Capaian kinerja (%)", gap: float = 25.0,
            label: str = "") -> str:
    """Points (x, y, short label, tooltip). A point ``gap`` points or more right of the diagonal spends
    without results: drawn red and named inside the shaded zone, so it shows at a glance."""
    left, right, top_pad, bottom = 40, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = _nice_max(max(_present(v for p in points for v in p[:2]) + [100], default=100) * 1.05, 100)

    def px(v: float) -> float:
        return left + max(0.0, min(v, top)) / top * plot_w

    def py(v: float) -> float:
        return top_pad + plot_h - max(0.0, min(v, top)) / top * plot_h

    zone = [(gap, 0), (top, 0), (top, top - gap)]
    body = [f'<polygon points="{" ".join(f"{_f(px(a))},{_f(py(b))}" for a, b in zone)}" fill="#fbe3e1"/>',
            f'<text x="{_f(px(top) - 6)}" y="{_f(py(0) - 6)}" text-anchor="end" font-size="10" fill="{FLAG}">'
            f'belanja tanpa hasil</text>']
    for t in _ticks(top):
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_f(py(t))}" y2="{_f(py(t))}" stroke="{GRID}"/>'
                    f'<text x="{left - 5}" y="{_f(py(t) + 4)}" text-anchor="end" font-size="10" fill="{MUTED}">'
                    f'{escape(format_number(t, 0))}</text>'
                    f'<text x="{_f(px(t))}" y="{height - 20}" text-anchor="middle" font-size="10" fill="{MUTED}">'
                    f'{escape(format_number(t, 0))}</text>')
    body.append(f'<line x1="{_f(px(0))}" y1="{_f(py(0))}" x2="{_f(px(top))}" y2="{_f(py(top))}" stroke="{MUTED}" '
                f'stroke-dasharray="4 4"/>')
    body.append(f'<text x="{_f(left + plot_w / 2)}" y="{height - 4}" text-anchor="middle" font-size="11" '
                f'fill="{INK}">{escape(x_label)}</text>')
    body.append(f'<text x="10" y="{_f(top_pad + plot_h / 2)}" text-anchor="middle" font-size="11" fill="{INK}" '
                f'transform="rotate(-90 10 {_f(top_pad + plot_h / 2)})">{escape(y_label)}</text>')
    for x, y, short, tip in points:
        flagged = x - y >= gap
        color = FLAG if flagged else STATUS_COLORS["on_track"]
        # Only the flagged points are named on the chart (the rest crowd together); every point has its tooltip.
        name = (f'<text x="{_f(px(x) - 7)}" y="{_f(py(y) + 4)}" text-anchor="end" font-size="10" fill="{FLAG}">'
                f'{escape(short)}</text>') if flagged else ""
        body.append(f'<g class="{"point flagged" if flagged else "point"}" data-label="{escape(short)}">'
                    f'<circle cx="{_f(px(x))}" cy="{_f(py(y))}" r="5" fill="{color}" fill-opacity=".8"/>{name}'
                    f'<title>{escape(tip)}</title></g>')
    return _svg("scatter", width, height, label, body)


# ---------------------------------------------------------------- bars

def stacked_bar(segments: Sequence[tuple[str, int, str]], *, width: int = 360, height: int = 22,
                label: str = "") -> str:
    """Counts side by side in one bar: (name, count, colour); empty segments are left out."""
    total = sum(c for _, c, _ in segments)
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" rx="3"/>']
    x = 0.0
    for name, count, color in segments:
        if not count:
            continue
        w = width * count / total
        body.append(f'<rect x="{_f(x)}" y="0" width="{_f(w)}" height="{height}" fill="{color}">'
                    f'<title>{escape(f"{name}: {count}")}</title></rect>')
        if w >= 18:
            body.append(f'<text x="{_f(x + w / 2)}" y="{_f(height / 2 + 4)}" text-anchor="middle" font-size="11" '
                        f'fill="#fff">{count}</text>')
        x += w
    return _svg("stacked", width, height, label, body)


def hbar(value: float | None, *, max_value: float = 100.0, color: str = STATUS_COLORS["on_track"],
         width: int = 140, height: int = 12, reference: float | None = 100.0, label: str = "") -> str:
    """One horizontal bar on a track; ``reference`` marks 100 %."""
    top = _nice_max(max(_present([value, max_value, reference or 0]), default=1), 1)
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" rx="2"/>']
    if value is not None:
        body.append(f'<rect class="bar" x="0" y="0" width="{_f(max(0.0, min(value, top)) / top * width)}" '
                    f'height="{height}" fill="{color}" rx="2"/>')
    if reference is not None:
        body.append(f'<rect x="{_f(min(reference / top * width, width - 1.5))}" y="0" width="1.5" height="{height}" '
                    f'fill="{INK}"/>')
    return _svg("hbar", width, height, label, body)


def pair_bars(achievement: float | None, absorption: float | None, *, status: str = "belum_dilaporkan",
              width: int = 150, height: int = 22, label: str = "") -> str:
    """Achievement (status colour) above budget absorption (violet) on one scale: money spent without
    results shows as a long lower bar under a short upper one."""
    top = _nice_max(max(_present([achievement, absorption, 100])), 100)
    half = (height - 2) / 2
    body = [f'<rect x="0" y="0" width="{width}" height="{height}" fill="{TRACK}" rx="2"/>']
    for i, (value, color) in enumerate(((achievement, STATUS_COLORS.get(status, INK)), (absorption, BUDGET))):
        if value is not None:
            body.append(f'<rect class="{("achievement", "absorption")[i]}" x="0" y="{_f(1 + i * half)}" '
                        f'width="{_f(max(0.0, min(value, top)) / top * width)}" height="{_f(half - 1)}" '
                        f'fill="{color}"/>')
    body.append(f'<rect x="{_f(min(100 / top * width, width - 1.5))}" y="0" width="1.5" height="{height}" '
                f'fill="{INK}"/>')
    return _svg("pair", width, height, label, body)


# ---------------------------------------------------------------- radar

def radar(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]], *,
          max_value: float = 5.0, size: int = 340, label: str = "") -> str:
    """A radar (spider) chart of aspect scores, one polygon per series (e.g. this round and the previous).

    An unscored axis is drawn at the centre with no dot, so the polygon still closes."""
    n = len(labels)
    if n < 3:
        return ""
    width = size + 200  # room for the axis names left and right
    cx, cy = width / 2, size / 2
    r = size / 2 - 60

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        k = max(0.0, min(value, max_value)) / max_value
        return cx + r * k * math.cos(angle), cy + r * k * math.sin(angle)

    body = []
    for step in range(1, 6):
        ring = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, max_value * step / 5) for i in range(n)))
        body.append(f'<polygon points="{ring}" fill="none" stroke="{GRID}"/>')
    for i, name in enumerate(labels):
        x, y = point(i, max_value)
        body.append(f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" stroke="{GRID}"/>')
        lx, ly = point(i, max_value * 1.12)
        anchor = "middle" if abs(lx - cx) < 5 else ("start" if lx > cx else "end")
        body.append(f'<text x="{_f(lx)}" y="{_f(ly)}" font-size="11" fill="{INK}" text-anchor="{anchor}" '
                    f'dominant-baseline="middle">{escape(name[:40])}</text>')
    for name, values, color in series:
        pts = [point(i, v if v is not None else 0) for i, v in enumerate(values)]
        poly = " ".join(f"{_f(x)},{_f(y)}" for x, y in pts)
        body.append(f'<polygon points="{poly}" fill="{color}" fill-opacity="0.18" stroke="{color}" stroke-width="2">'
                    f'<title>{escape(name)}</title></polygon>')
        for (x, y), v in zip(pts, values):
            if v is not None:
                body.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{color}">'
                            f'<title>{escape(name)}: {format_number(v, 2)}</title></circle>')
    legend_y = size - 14
    for k, (name, _, color) in enumerate(series):
        x = 10 + k * 170
        body.append(f'<rect x="{x}" y="{legend_y - 8}" width="10" height="10" fill="{color}"/>'
                    f'<text x="{x + 14}" y="{legend_y + 1}" font-size="11" fill="{MUTED}">{escape(name[:24])}</text>')
    return _svg("radar", width, size, label or "Nilai per aspek", body)
