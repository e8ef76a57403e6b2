"""The web layer: extensions, one blueprint per area, error pages, template filters."""
from __future__ import annotations

from flask import Flask, current_app, g, jsonify, request, session as flask_session
from flask_babel import Babel, get_locale
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import IntegerConverter

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


class BoundedInt(IntegerConverter):
    """``<int:...>`` in every route stops at the database's integer range: a larger id is a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedInt
    csrf.init_app(app)
    htmx.init_app(app)
    Babel(app, locale_selector=_select_locale)  # catalogues in planner/translations (app.root_path)
    from planner.web import speed  # per-request catalogue and row URLs (issue 12)

    speed.init_app(app)
    app.context_processor(_ui_language)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(_unauthorized)
    filters.register(app)
    app.before_request(_schema_is_current)
    app.before_request(_set_actor)
    app.after_request(_commit)
    app.after_request(_vary_on_htmx)
    from planner.web import security

    security.init_app(app)

    from planner.web import admin, api, auth, monitoring, plans, review, worksheets

    app.register_blueprint(auth.bp)
    app.register_blueprint(plans.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(monitoring.bp)
    app.register_blueprint(worksheets.bp)
    app.register_blueprint(admin.bp)
    from planner.web import checks  # plan checks and the cascading view (issue 15)
    app.register_blueprint(checks.bp)
    app.register_blueprint(api.bp)
    from planner.web import action_plans  # issue #17: rencana aksi
    app.register_blueprint(action_plans.bp)
    # Service evaluation, surveys, complaints and the public page (issue 14).
    from planner.web import complaints, evaluation, public, surveys

    app.register_blueprint(evaluation.bp)
    app.register_blueprint(surveys.bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(public.bp)
    from planner.web import evaluation_rounds  # evaluation across units (issue 18)
    app.register_blueprint(evaluation_rounds.bp)
    from planner.web import methodology, settings
    app.register_blueprint(methodology.bp)
    app.register_blueprint(settings.bp)
    from planner import jobs
    from planner.web import imports

    app.register_blueprint(imports.bp)
    from planner.web import training  # issue #16: training mode
    app.register_blueprint(training.bp)
    jobs.configure(app)
    app.add_url_rule("/healthz", "healthz", api.healthz)
    csrf.exempt(api.bp)  # the API authenticates with bearer tokens, never with the session cookie
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    from planner.web import errors

    errors.init_app(app)  # 404, 405 (with Allow), 413, 500 and database conflicts: JSON under /api/, pages elsewhere


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

    from planner.services import acting, audit

    if current_user.is_authenticated:
        audit.set_actor(db.session(), current_user.id, current_user.username)
    acting.on_demand(db.session(), _acting_principal)


def _acting_principal():
    """The principal the services check: the API token's (``g.principal``) or the logged-in user's."""
    from flask import g
    from flask_login import current_user

    from planner.web.helpers import principal

    if "principal" in g:
        return g.principal
    return principal() if current_user.is_authenticated else None


def _commit(response):
    """One commit per request. A row the column guard refuses at the final flush (``planner.guard``) is
    answered like any domain error (422 naming the field), the request rolled back."""
    from flask import make_response

    from planner.web import security

    from sqlalchemy.exc import SQLAlchemyError

    from planner.web import errors

    try:
        response = db.commit_or_rollback(response)
    except DomainError as exc:
        db.session().rollback()
        return security.add_headers(make_response(_domain_error(exc)))
    except SQLAlchemyError as exc:  # a conflict met only at commit: 409/422/503 like during the request
        db.session().rollback()
        return security.add_headers(make_response(errors.answer_commit_error(exc)))
    _remove_files_after_commit(response)
    return response


def _remove_files_after_commit(response) -> None:
    """Evidence files of deleted rows go only once the deletion is committed (services.removal)."""
    from pathlib import Path

    s = g.get("db_session") if "db_session" in g else None
    names = s.info.pop("files_to_remove", []) if s is not None else []
    if names and response.status_code < 400:
        folder = Path(current_app.config["UPLOAD_DIR"])
        for name in names:
            (folder / Path(name).name).unlink(missing_ok=True)


def _vary_on_htmx(response):
    response.vary.add("HX-Request")
    return response


def _domain_error(exc: DomainError, status: int | None = None):
    from planner.web.helpers import render_error

    status = status or exc.status
    if request.path.startswith("/api/"):
        out = exc.as_dict()
        if status == 409 and "current" not in out:
            from planner.web.errors import current_state

            if (state := current_state()) is not None:
                out["current"] = state  # the record as it is now, beside the refusal
        response = jsonify(out), status
    else:
        response = render_error(status, exc.message)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:  # throttled (429) or busy (503): say when to come back
        return response[0], response[1], {**(response[2] if len(response) > 2 else {}), "Retry-After": str(retry_after)}
    return response


def _csrf_error(exc: CSRFError):
    from planner.web.helpers import render_error

    return render_error(400, "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu coba lagi.")


def _unauthorized():
    """An expired session during an htmx request sends the whole page to the login form."""
    from flask import url_for

    from planner.web.helpers import page_redirect

    return page_redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None), 401)
