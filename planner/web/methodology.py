"""The methodology page ("Cara menghitung"): ``docs/methodology.md`` rendered once, and the links beside
numbers that open the section a number used.

The document lives with the code so that a number, its rule and its explanation change together.
"""
from __future__ import annotations

import re
from functools import lru_cache

import markdown
from flask import Blueprint, url_for
from markupsafe import Markup

from planner.config import ROOT
from planner.web.helpers import render

bp = Blueprint("methodology", __name__)
SOURCE = ROOT / "docs" / "methodology.md"
_IDS = re.compile(r'\sid="([^"]+)"')


@lru_cache(maxsize=1)
def rendered() -> tuple[str, frozenset[str]]:
    """The page body as HTML and the anchors it has (each heading carries an explicit ``{#id}``)."""
    md = markdown.Markdown(extensions=["toc", "attr_list", "tables"],
                           extension_configs={"toc": {"title": "Daftar isi", "toc_depth": "2-3"}})
    html = md.convert(SOURCE.read_text("utf-8"))
    return html, frozenset(_IDS.findall(html))


def section_url(section: str | None) -> str:
    """Where a "cara menghitung" link goes: the page, at the section the number used."""
    return url_for("methodology.page") + (f"#{section}" if section else "")


@bp.get("/cara-menghitung")
def page():
    html, _ = rendered()
    return render("methodology/page.html", body=Markup(html))
