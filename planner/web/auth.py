"""Log in, log out, change password, language."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, session as flask_session, url_for
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user

from planner import db
from planner.errors import Invalid
from planner.models import User
from planner.services import accounts
from planner.web import login_manager
from planner.web.helpers import render

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def _load_user(user_id: str):
    """The session stores ``id:auth_version``: a password change logs out every other session."""
    uid, _, version = user_id.partition(":")
    user = db.session().get(User, int(uid)) if uid.isdigit() else None
    if user is None or not user.is_active or str(user.auth_version) != version:
        return None
    return user


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("plans.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        user = accounts.authenticate(db.session(), request.form.get("username", ""), request.form.get("password", ""))
        if user:
            flask_session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        error = gettext("Nama pengguna atau kata sandi salah.")
    return render("auth/login.html", error=error, status=401 if error else 200)


@bp.post("/logout")
def logout():
    logout_user()
    flask_session.clear()
    return redirect(url_for("auth.login"))


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
