"""Log in, log out, change password, language."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, session as flask_session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from planner import db
from planner.errors import Invalid
from planner.models import User
from planner.services import accounts, login_guard
from planner.web import login_manager
from planner.web.helpers import render

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    """The session stores ``id:auth_version:session_version``: a password change logs out every other
    session, a logout every copy of the session cookie."""
    uid, _, versions = user_id.partition(":")
    user = accounts.signed_in(db.session(), int(uid)) if uid.isdigit() and len(uid) < 10 else None
    if user is None or not user.is_active or f"{user.auth_version}:{user.session_version}" != versions:
        return None
    return user


def _safe_next(target: str | None) -> str:
    """Only a path of this site: browsers drop tabs and newlines and read ``\\`` as ``/``, so
    ``/%09/evil.example/`` or ``/\\evil.example`` would leave the site."""
    if target and target.startswith("/") and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return url_for("plans.home")


def login_attempt(username: str, password: str):
    """Throttle, authenticate, count a failure: shared by the login page and the API token."""
    limits = login_guard.limits_from_config(current_app.config)
    s = db.session()
    login_guard.check(s, limits, username, request.remote_addr)
    user = accounts.authenticate(s, username, password)
    if user is None:
        login_guard.record_failure(db.engine(), limits, username, request.remote_addr)
    else:
        login_guard.clear_account(s, username)
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    error, status, headers = None, 200, {}
    if request.method == "POST":
        try:
            user = login_attempt(request.form.get("username", ""), request.form.get("password", ""))
        except (login_guard.TooManyAttempts, login_guard.Busy) as exc:
            user, error, status = None, exc.message, exc.status
            headers["Retry-After"] = str(exc.retry_after)
        else:
            if user:
                flask_session.clear()
                login_user(user)
                if user.must_change_password:  # a one-time password (training enrolment): choose one's own now
                    flash(gettext("Ganti kata sandi sekali pakai Anda dengan kata sandi sendiri."), "ok")
                    return redirect(url_for("auth.change_password"))
                return redirect(_safe_next(request.args.get("next")))
            error, status = gettext("Nama pengguna atau kata sandi salah."), 401
    body, status = render("auth/login.html", error=error, status=status)
    return body, status, headers


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        user = db.session().get(User, current_user.id)
        user.session_version += 1  # every copy of this session cookie ends here
        db.session().add(user)
    logout_user()
    flask_session.clear()
    return redirect(url_for("auth.login"))


@bp.before_app_request
def _one_time_password():
    """An account still on its one-time password sees only the page that replaces it (pages, not the API)."""
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in ("auth.change_password", "auth.logout", "auth.set_language", "static")
            and not request.path.startswith("/api/")):
        return redirect(url_for("auth.change_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    error = None
    if request.method == "POST":
        s = db.session()
        user = s.get(User, current_user.id)
        if not accounts.authenticate(s, user.username, request.form.get("current", "")):
            error = Invalid(gettext("Kata sandi lama salah."), field="current")
        elif request.form.get("new") != request.form.get("confirm"):
            error = Invalid(gettext("Konfirmasi kata sandi tidak sama."), field="confirm")
        else:
            try:
                accounts.change_password(s, user, request.form.get("new", ""))
                login_user(user)  # this session stays; every other one ends
                flash(gettext("Kata sandi diganti. Sesi lain telah dikeluarkan."), "ok")
                return redirect(url_for("plans.home"))
            except Invalid as exc:
                error = exc
    return render("auth/password.html", error=error, status=422 if error else 200)


@bp.post("/lang/<code>")
def set_language(code: str):
    if code in ("id", "en"):
        flask_session["lang"] = code
    return redirect(_safe_next(request.form.get("next")))
