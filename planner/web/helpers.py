"""What every blueprint shares: the answer (page, fragment or redirect), the current principal, form parsing."""
from __future__ import annotations

import typing
from typing import Callable, TypeVar

from flask import flash, g, redirect, render_template, request, send_file
from flask_login import current_user
from jinja2_fragments.flask import render_block
from pydantic import ValidationError
from sqlmodel import SQLModel

from planner import db
from planner.calc.formatting import parse_number
from planner.errors import Invalid, NotFound, from_pydantic
from planner.permissions import Principal, principal_for
from planner.web import htmx

M = TypeVar("M", bound=SQLModel)


def wants_fragment() -> bool:
    """A fragment only for a real htmx request: not boosted navigation, not a history restore."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(template: str, block: str | None = None, status: int = 200, **ctx):
    """The full page, or just its named block for an htmx request (jinja2-fragments style)."""
    if block and wants_fragment():
        return render_block(template, block, **ctx), status
    return render_template(template, **ctx), status


def respond(template: str, block: str | None = None, *, context: Callable[[], dict] | dict,
            redirect_to: str | None = None, message: str | None = None, status: int = 200,
            oob: bool = False, also: tuple[str, ...] = (), page: tuple[str, Callable[[], dict] | dict] | None = None,
            retarget: str | None = None, **extra):
    """How a handler answers, decided here once:

    * an htmx request gets the named ``block`` of the page; with ``oob`` the block carries its out-of-band
      extras (``oob=True`` in its context), and each block named in ``also`` follows it, swapped out of band;
      ``retarget`` sends it to another element (a confirmation into the message area);
    * a plain request that succeeded (``status`` < 400) and has ``redirect_to`` is redirected there
      (post/redirect/get), ``message`` flashed for the next page;
    * anything else gets the full page (a plain form with an error shows it in place): ``template``, or
      ``page`` = (template, context) when the full page is another one than the fragment's (a grid cell
      saved from a plain form shows its detail page).

    ``context`` may be a function, so a redirect builds no page context."""
    fragment = bool(block) and wants_fragment()
    if redirect_to is not None and status < 400 and not fragment:
        if message:
            flash(message, "ok")
        return redirect(redirect_to)
    if not fragment and page is not None:
        template, context = page
    ctx = _context(context) | extra
    if not fragment:
        return render_template(template, **ctx), status
    headers = {"HX-Retarget": retarget, "HX-Reswap": "innerHTML"} if retarget else {}
    html = render_block(template, block, **(ctx | {"oob": True} if oob else ctx))
    html += "".join(render_block(template, name, **(ctx | {"oob": True})) for name in also)
    return html, status, headers


def _context(context: Callable[[], dict] | dict) -> dict:
    return context() if callable(context) else context


def page_redirect(target: str, htmx_status: int = 200):
    """Send the browser to ``target`` as a whole page: htmx is told so in a header (``HX-Redirect``, with
    ``htmx_status``), since following a plain redirect it would swap the next page into an element."""
    if htmx:
        return "", htmx_status, {"HX-Redirect": target}
    return redirect(target)


def send_evidence(row, path):
    """An evidence row's answer (every kind of evidence is served by this one): a link is followed; a file goes
    always as a download that the browser neither sniffs, caches nor runs."""
    if row.kind == "link":
        return redirect(row.url)
    if path is None or not path.is_file():
        raise NotFound("Berkas bukti dukung tidak ditemukan di server.")
    resp = send_file(path, mimetype=row.content_type or "application/octet-stream", as_attachment=True,
                     download_name=row.filename or path.name, max_age=0, conditional=False)
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["Content-Security-Policy"] = "sandbox"
    return resp


def render_error(status: int, message: str):
    if wants_fragment():
        # htmx 2 does not swap 4xx/5xx: the error goes to the page's message area instead.
        return render_block("errors.html", "message", status=status, message=message), status, {
            "HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    return render_template("errors.html", status=status, message=message), status


def principal() -> Principal:
    if "principal" not in g:
        g.principal = principal_for(db.session(), current_user._get_current_object())
    return g.principal


def parse_form(model: type[M], form, numbers: tuple[str, ...] = (), lists: tuple[str, ...] = ()) -> M:
    """Validate a submitted form with the model; numbers accept Indonesian formats (1.234,5)."""
    data: dict = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in lists:  # a textarea with one item per line
            data[key] = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
            continue
        value = form.get(key, "").strip()
        if key in numbers:
            if value == "":
                value = None
            else:
                try:
                    value = parse_number(value)
                except ValueError as exc:
                    raise Invalid(f"{key}: {exc}", field=key) from exc
        elif value == "" and not _accepts_text(model, key):
            value = None  # an empty choice or number means "none", an empty text stays text
        data[key] = value
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise from_pydantic(exc) from exc


def _accepts_text(model: type[SQLModel], key: str) -> bool:
    field = model.model_fields.get(key)
    if field is None:
        return True
    ann = field.annotation
    return ann is str or str in typing.get_args(ann)


def form_int(name: str) -> int | None:
    """A whole number from the form or query; None when absent, not a number or beyond the database's integer."""
    value = (request.values.get(name) or "").strip()
    return int(value) if value.isdigit() and len(value) <= 10 and int(value) <= 2**31 - 1 else None
