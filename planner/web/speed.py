"""Per-request shortcuts for pages with thousands of rows (issue 12), each giving exactly what the slow path gives.

* ``translations()``: Flask-Babel looks the catalogue up again on every ``_()`` call (context, locale,
  ``str(locale)``, cache key); a page of 1.000 indicators makes ~10.000 such calls. The catalogue of the
  request's locale is looked up once and kept on ``g``.
* ``row_url(endpoint, **values)``: ``url_for`` builds each URL through the routing map (~20 µs); a row's
  links differ only in ids. The first call for an endpoint and argument names builds the URL once with
  placeholder ids and keeps it as a format string; later calls only format. Drop-in for ``url_for``.
  ``row_url_format`` gives that format string itself (the tree's and the grid's rows fill it in Python).
* ``csrf_token()``: Flask-WTF's ``generate_csrf`` reads two settings on every call before returning the token
  it keeps on ``g``; a grid calls it for each cell's form (hundreds per page). The kept token is returned
  directly, the first call of a request still goes through ``generate_csrf``.
* ``tune_gc()``: the objects alive after the app is built are moved out of the collector's sight
  (``gc.freeze``) and the young generation collects less often, so loading 10.000 ORM rows does not
  trigger dozens of full collections (the cyclic collector took 14–55 % of large requests).
* ``compile_templates(app)``: servers compile every template before their first request. Jinja compiles a
  template on first use (~1,5 s for all of them); a fresh worker otherwise makes its first users wait for it,
  all at once when a server starts under load. With ``gunicorn --preload`` the master compiles once and its
  workers inherit the compiled code (``planner.wsgi`` also gives each worker its own database connections).
"""
from __future__ import annotations

import gc

from flask import Flask, g, has_request_context, request, url_for
from flask_babel import get_translations
from flask_wtf.csrf import generate_csrf

# Ids put into a URL while its shape is built; within the routes' integer range, never a real id in practice.
_PLACEHOLDER = 2_147_480_000


def _store():
    """Kept per request (an app context may outlive several requests in tests and the CLI)."""
    return request if has_request_context() else g


def translations():
    store = _store()
    tr = getattr(store, "_planner_translations", None)
    if tr is None:
        tr = store._planner_translations = get_translations()
    return tr


def gettext(string: str) -> str:
    return translations().ugettext(string)


def row_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` for the rows of a long page; integer values vary, others are fixed."""
    ints = sorted(k for k, v in values.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0)
    return _shape(endpoint, values, ints).format(**{k: values[k] for k in ints})


def row_url_format(endpoint: str, *ids: str, **fixed) -> str:
    """The shape ``row_url`` keeps and fills: a format string with a ``{name}`` field for each of ``ids``
    (which come after the ``fixed`` values in a query string)."""
    return _shape(endpoint, {**fixed, **dict.fromkeys(ids, 0)}, sorted(ids))


def _shape(endpoint: str, values: dict, ints: list[str]) -> str:
    key = (endpoint, tuple(ints), tuple(sorted((k, str(v)) for k, v in values.items() if k not in ints)))
    store = _store()
    cache = getattr(store, "_planner_row_urls", None)
    if cache is None:
        cache = store._planner_row_urls = {}
    shape = cache.get(key)
    if shape is None:
        placeholders = {k: _PLACEHOLDER + i for i, k in enumerate(ints)}
        built = url_for(endpoint, **{**values, **placeholders}).replace("{", "{{").replace("}", "}}")
        for i, k in enumerate(ints):
            built = built.replace(str(_PLACEHOLDER + i), "{%s}" % k)
        shape = cache[key] = built
    return shape


def csrf_token() -> str:
    """``generate_csrf()`` (the app keeps Flask-WTF's default field name, under which it keeps the token)."""
    return g.get("csrf_token") or generate_csrf()


def init_app(app: Flask) -> None:
    app.jinja_env.globals["row_url"] = row_url
    app.jinja_env.globals["csrf_token"] = csrf_token  # after CSRFProtect installed its own
    # The same callables Flask-Babel installs, reading the request's catalogue once (newstyle: same escaping).
    app.jinja_env.install_gettext_callables(
        gettext=gettext,
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )


def compile_templates(app: Flask) -> int:
    """Compile (and keep in Jinja's cache) every page template; returns how many."""
    names = [n for n in app.jinja_env.list_templates() if n.endswith(".html")]
    for name in names:
        app.jinja_env.get_template(name)
    gc.freeze()  # like the rest of what app start allocated (tune_gc)
    return len(names)


_frozen = False


def tune_gc() -> None:
    """Once per process: freeze what app start allocated and let the young generation grow larger."""
    global _frozen
    gc.set_threshold(50_000, 20, 20)
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True
