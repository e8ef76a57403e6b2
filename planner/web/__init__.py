"""The web layer: extensions, one blueprint per area, error pages, template filters."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, request, session as flask_session
from flask_babel import Babel, get_locale
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect

from planner import db
from planner.errors import DomainError
from planner.web import filters

csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()
LANGUAGES = ("id", "en")


def _select_locale() -> str:
    """The language chosen with the toggle, else the configured default (PLANNER_LOCALE, Indonesian).

    The browser's Accept-Language is not consulted: the UI is Indonesian unless the user asks."""
    chosen = flask_session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    default = current_app.config.get("DEFAULT_LOCALE", "id")
    return default if default in LANGUAGES else "id"


def _ui_language() -> dict:
    """``ui_lang`` for ``<html lang>`` and the language toggle."""
    return {"ui_lang": str(get_locale() or "id")}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    htmx.init_app(app)
    Babel(app, locale_selector=_select_locale)  # catalogues in planner/translations (app.root_path)
    app.context_processor(_ui_language)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(_unauthorized)
    filters.register(app)
    app.before_request(_schema_is_current)
    app.before_request(_set_actor)
    app.after_request(db.commit_or_rollback)
    app.after_request(_vary_on_htmx)

    from planner.web import admin, api, auth, monitoring, plans, review, worksheets

    app.register_blueprint(auth.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(monitoring.bp)
    app.register_blueprint(worksheets.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    from planner import jobs
    from planner.web import imports

    app.register_blueprint(imports.bp)
    jobs.configure(app)
    app.add_url_rule("/healthz", "healthz", api.healthz)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, never with the session cookie
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(404, _http_error)
    app.register_error_handler(405, _http_error)
    app.register_error_handler(413, _http_error)  # an upload above MAX_CONTENT_LENGTH


def _schema_is_current():
    """A database whose schema is behind the code is said so, instead of failing on a missing column."""
    from flask import current_app

    from planner import migrate
    from planner.web.helpers import render_error

    if current_app.extensions.get("planner.schema_ok") or request.endpoint == "static":
        return None
    if migrate.is_behind(db.engine()):
        message = ("Skema basis data belum mutakhir. Jalankan `planner db upgrade` (atau mulai ulang "
                   "`planner serve` untuk basis data SQLite), lalu muat ulang halaman ini.")
        if request.path.startswith("/api/") or request.endpoint == "healthz":
            return jsonify({"error": {"code": "schema_behind", "message": message, "field": None}}), 503
        return render_error(503, message)
    current_app.extensions["planner.schema_ok"] = True
    return None


def _set_actor():
    """Who is acting, for the audit trail (the API sets its token's user itself)."""
    from flask_login import current_user

    from planner.services import audit

    if current_user.is_authenticated:
        audit.set_actor(db.session(), current_user.id, current_user.username)


def _vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response


def _domain_error(exc: DomainError, status: int | None = None):
    from planner.web.helpers import render_error

    status = status or exc.status
    if request.path.startswith("/api/"):
        return jsonify(exc.as_dict()), status
    return render_error(status, exc.message)


def _http_error(exc):
    """Unknown addresses and methods: JSON under /api/, a page elsewhere."""
    messages = {404: ("not_found", "Alamat tidak dikenal."), 405: ("method_not_allowed", "Metode tidak diizinkan."),
                413: ("too_large", "Kiriman terlalu besar: berkas melebihi batas unggah.")}
    code, message = messages[exc.code]
    return _domain_error(DomainError(message, code=code), status=exc.code)


def _csrf_error(exc: CSRFError):
    from planner.web.helpers import render_error

    return render_error(400, "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu coba lagi.")


def _unauthorized():
    """An expired session during an htmx request sends the whole page to the login form."""
    from flask import redirect, url_for

    target = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        return "", 401, {"HX-Redirect": target}
    return redirect(target)
