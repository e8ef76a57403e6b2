"""The one answer helper (``planner/web/helpers.py: respond``): page, named block, out-of-band blocks, another
page for a plain form, a retargeted block, redirects; ``page_redirect`` for a whole-page move under htmx."""
from __future__ import annotations

import jinja2
import pytest

from planner.web.helpers import page_redirect, respond

PAGE = ("{% block main %}<main>{{ word }}{% if oob %} (oob){% endif %}</main>{% endblock %}"
        "{% block side %}<aside{% if oob %} hx-swap-oob=\"true\"{% endif %}>{{ word }}</aside>{% endblock %}")
OTHER = "<section>detail: {{ word }}</section>"
HX = {"HX-Request": "true"}


@pytest.fixture
def ctx(app):
    app.jinja_env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({"t/page.html": PAGE, "t/other.html": OTHER}),
                                               app.jinja_env.loader])
    return app


def _call(app, headers=None, **kw):
    with app.test_request_context("/x", method="POST", headers=headers or {}):
        out = respond("t/page.html", "main", context=lambda: {"word": "ok", "oob": False}, **kw)
        return out if isinstance(out, tuple) else (out,)


def test_an_htmx_request_gets_the_block_with_its_out_of_band_extras_and_further_blocks(ctx):
    html, status, headers = _call(ctx, HX, also=("side",), redirect_to="/next")
    assert html == '<main>ok</main><aside hx-swap-oob="true">ok</aside>' and status == 200 and headers == {}
    html, _, _ = _call(ctx, HX, oob=True)
    assert html == "<main>ok (oob)</main>"


def test_a_boosted_or_plain_request_is_redirected_or_gets_the_page(ctx):
    (resp,) = _call(ctx, {**HX, "HX-Boosted": "true"}, redirect_to="/next", message="Tersimpan.")
    assert resp.status_code == 302 and resp.location == "/next"
    html, status = _call(ctx, status=422, redirect_to="/next")
    assert status == 422 and html.startswith("<main>ok</main><aside>")  # the full page, error shown in place


def test_a_plain_form_from_elsewhere_gets_that_other_page(ctx):
    html, status = _call(ctx, status=422, page=("t/other.html", {"word": "rinci"}))
    assert (html, status) == ("<section>detail: rinci</section>", 422)
    html, _, _ = _call(ctx, HX, status=422, page=("t/other.html", {"word": "rinci"}))
    assert html == "<main>ok</main>"  # htmx still gets the block of the fragment's template


def test_a_retargeted_block_and_a_whole_page_move(ctx):
    html, status, headers = _call(ctx, HX, status=409, retarget="#flash")
    assert status == 409 and headers == {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
    with ctx.test_request_context("/x", headers=HX):
        assert page_redirect("/login", 401) == ("", 401, {"HX-Redirect": "/login"})
    with ctx.test_request_context("/x"):
        resp = page_redirect("/login", 401)
        assert resp.status_code == 302 and resp.location == "/login"
