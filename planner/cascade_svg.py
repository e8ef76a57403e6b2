"""The cascading view drawn as one SVG on the server: boxes left to right by level, each with its
indicators, joined by elbow lines, coloured by status.

Pure (stdlib only, fed with ``services.cascade`` nodes). The picture has fixed type sizes whatever
the tree's size, so 300 nodes stay readable: the page pans and zooms it, print scales it to the
paper. Styles live inside the SVG, so a downloaded file looks the same as the page.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from dataclasses import dataclass
from html import escape
from typing import Callable, Optional

BOX_W, GAP_X, GAP_Y, PAD = 264, 46, 12, 16
HEAD_H, NAME_LINE, IND_LINE = 15, 14, 12
NAME_CHARS, IND_CHARS, MAX_NAME_LINES, MAX_INDICATORS = 33, 46, 3, 4
TOP = 64  # title and legend

COLOURS = {  # status: (fill, stroke)
    "error": ("#fdecea", "#b3261e"), "warning": ("#fff4e0", "#c77700"), "info": ("#e8f1fb", "#1565c0"),
    "ok": ("#e8f5ec", "#1b7f3b"), "context": ("#f3f4f6", "#5d6b7a"), "org": ("#ede7f6", "#5b4a9e"),
    "gap": ("#fdecea", "#b3261e"),
    "tercapai": ("#e8f5ec", "#1b7f3b"), "on_track": ("#e8f1fb", "#1565c0"),
    "perlu_perhatian": ("#fff4e0", "#c77700"), "kritis": ("#fdecea", "#b3261e"),
    "belum_dilaporkan": ("#eef0f3", "#8a96a3"), "belum_jatuh_tempo": ("#f6f7f9", "#c3cbd4"),
}
# One stylesheet for the picture: the page links it (no inline <style>: CSP), an exported file embeds it.
STYLE_FILE = Path(__file__).resolve().parent.parent / "static" / "css" / "cascade-svg.css"
STYLE = STYLE_FILE.read_text("utf-8").split("*/", 1)[-1].strip()


@dataclass
class _Placed:
    node: object
    x: float
    y: float
    h: float
    name_lines: list[str]
    ind_lines: list[str]
    kids: list["_Placed"]


def _wrap(text: str, width: int, lines: int) -> list[str]:
    out = textwrap.wrap(text, width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip() + "…"
    return out


def _ind_lines(indicators: list[str]) -> list[str]:
    shown = [("• " + i) if len(i) <= IND_CHARS else "• " + i[: IND_CHARS - 1].rstrip() + "…"
             for i in indicators[:MAX_INDICATORS]]
    if len(indicators) > MAX_INDICATORS:
        shown.append(f"… {len(indicators) - MAX_INDICATORS} indikator lagi")
    return shown


def _box_height(name_lines: list[str], ind_lines: list[str]) -> float:
    return 8 + HEAD_H + NAME_LINE * len(name_lines) + (IND_LINE * len(ind_lines) + 4 if ind_lines else 0) + 6


def layout(roots: list) -> tuple[list[_Placed], list[tuple[_Placed, _Placed]], float, float]:
    """Boxes and edges; each subtree takes the height of its children or of its own box, whichever is
    larger, and a parent sits in the middle of its slot (a tidy tree, left to right)."""
    placed: list[_Placed] = []
    edges: list[tuple[_Placed, _Placed]] = []
    depth_max = 0

    def measure(n, depth: int, top: float) -> tuple[float, _Placed]:
        nonlocal depth_max
        depth_max = max(depth_max, depth)
        name_lines = _wrap(n.name, NAME_CHARS, MAX_NAME_LINES)
        ind_lines = _ind_lines(n.indicators)
        h = _box_height(name_lines, ind_lines)
        kids, cursor = [], top
        for c in n.children:
            used, p = measure(c, depth + 1, cursor)
            kids.append((p, used))
            cursor += used + GAP_Y
        span = cursor - top - GAP_Y if kids else 0
        slot = max(h, span)
        if kids and span < slot:  # a tall parent: centre its children on it
            shift = (slot - span) / 2
            for p, _ in kids:
                _shift(p, shift)
        me = _Placed(n, PAD + depth * (BOX_W + GAP_X), top + (slot - h) / 2, h, name_lines, ind_lines,
                     [p for p, _ in kids])
        placed.append(me)
        edges.extend((me, p) for p, _ in kids)
        return slot, me

    def _shift(p: _Placed, dy: float) -> None:
        for q in _descendants(p):
            q.y += dy

    def _descendants(p: _Placed):
        stack = [p]
        while stack:
            cur = stack.pop()
            yield cur
            stack.extend(cur.kids)

    cursor = TOP
    for r in roots:
        used, _ = measure(r, 0, cursor)
        cursor += used + GAP_Y * 2
    width = PAD * 2 + (depth_max + 1) * BOX_W + depth_max * GAP_X + 20
    return placed, edges, width, max(cursor, TOP + 40) + PAD


def _f(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def render(cascade, legend: dict[str, str], node_url: Optional[Callable] = None,
           toggle_url: Optional[Callable] = None) -> str:
    """The whole picture. ``node_url(node)`` links a box to its page, ``toggle_url(node)`` the
    collapse/expand button; both are left out of an exported file."""
    placed, edges, width, height = layout(cascade.roots)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="cascade-svg" viewBox="0 0 {_f(width)} {_f(height)}" '
           f'width="{_f(width)}" height="{_f(height)}" role="img" aria-label="{escape(cascade.title)}" '
           f'data-nodes="{len(placed)}"><title>{escape(cascade.title)}</title>'
           + ("" if node_url else f"<style>{STYLE}</style>"),  # a file carries its style; the page links it
           '<rect width="100%" height="100%" fill="#ffffff"/>',
           f'<text class="ttl" x="{PAD}" y="24">{escape(cascade.title)}</text>']
    x = PAD
    for status, label in legend.items():
        fill, stroke = COLOURS.get(status, COLOURS["context"])
        out.append(f'<rect x="{x}" y="36" width="14" height="11" rx="2" fill="{fill}" stroke="{stroke}"/>'
                   f'<text class="lg" x="{x + 18}" y="45">{escape(label)}</text>')
        x += 30 + 6.2 * len(label)
    for a, b in edges:
        x1, y1, x2, y2 = a.x + BOX_W, a.y + a.h / 2, b.x, b.y + b.h / 2
        mid = x1 + GAP_X / 2
        out.append(f'<path class="edge" d="M{_f(x1)} {_f(y1)}H{_f(mid)}V{_f(y2)}H{_f(x2)}"/>')
    for p in placed:
        out.append(_box(p, node_url, toggle_url))
    out.append("</svg>")
    return "".join(out)


def _box(p: _Placed, node_url, toggle_url) -> str:
    n = p.node
    fill, stroke = COLOURS.get(n.status, COLOURS["context"])
    level = n.level.split(" (")[0]  # "KRO (Klasifikasi Rincian Output)" reads "KRO" in a box
    head = f"{level} · {n.code}" if level else n.code
    if n.kind == "org" and n.note:  # the unit's code beside its plan: the kind label would run into the note
        head = n.code
    parts = [f'<g class="node st-{escape(n.status)}{" gap" if n.kind == "gap" else ""}" data-key="{escape(n.key)}">',
             f'<title>{escape(n.name)}{" — " + escape(n.note) if n.note else ""}</title>',
             f'<rect class="box" x="{_f(p.x)}" y="{_f(p.y)}" width="{BOX_W}" height="{_f(p.h)}" rx="5" '
             f'fill="{fill}" stroke="{stroke}"/>',
             f'<rect x="{_f(p.x)}" y="{_f(p.y)}" width="5" height="{_f(p.h)}" rx="2" fill="{stroke}"/>']
    y = p.y + 8 + 10
    parts.append(f'<text class="lvl" x="{_f(p.x + 12)}" y="{_f(y)}">{escape(head[:30] if n.note else head[:44])}</text>')
    if n.note:
        parts.append(f'<text class="note" x="{_f(p.x + BOX_W - 8)}" y="{_f(y)}" text-anchor="end" '
                     f'fill="{stroke}">{escape(n.note)}</text>')
    y += HEAD_H - 10
    name = "".join(f'<tspan x="{_f(p.x + 12)}" dy="{NAME_LINE}">{escape(line)}</tspan>' for line in p.name_lines)
    text = f'<text class="nm" x="{_f(p.x + 12)}" y="{_f(y)}">{name}</text>'
    url = node_url(n) if node_url else None
    parts.append(f'<a href="{escape(url)}">{text}</a>' if url else text)
    y += NAME_LINE * len(p.name_lines) + 4
    if p.ind_lines:
        lines = "".join(f'<tspan x="{_f(p.x + 12)}" dy="{IND_LINE}">{escape(line)}</tspan>' for line in p.ind_lines)
        parts.append(f'<text class="ind" x="{_f(p.x + 12)}" y="{_f(y)}">{lines}</text>')
    if toggle_url and (n.children or n.collapsed):
        cx, cy = p.x + BOX_W, p.y + p.h / 2
        sign = "+" if n.collapsed else "−"
        label = "Buka cabang" if n.collapsed else "Tutup cabang"
        parts.append(f'<a href="{escape(toggle_url(n))}" class="toggle" aria-label="{label}"><title>{label}</title>'
                     f'<circle cx="{_f(cx)}" cy="{_f(cy)}" r="8" fill="#ffffff" stroke="{stroke}"/>'
                     f'<text class="tg" x="{_f(cx)}" y="{_f(cy + 4.5)}" text-anchor="middle">{sign}</text></a>')
    parts.append("</g>")
    return "".join(parts)
