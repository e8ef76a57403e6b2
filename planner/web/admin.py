"""Administration: users and memberships, organisations, schemes, schedules (admin only)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db
from planner.errors import Forbidden, Invalid
from planner.models import User
from planner.models.auth import ROLES
from planner.models.org import ORG_KINDS
from planner.models.workflow import SCHEDULE_KINDS
from planner.services import accounts, orgs, schedules
from planner.web.filters import t
from planner.web.helpers import form_int, principal, render

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _admin_only():
    if not principal().is_admin:
        raise Forbidden("Halaman ini hanya untuk administrator.")


def _org_choices():
    return [(o.id, "\u00a0\u00a0" * d + o.name) for o, d in orgs.tree_order(orgs.all_orgs(db.session()))]


def _done(message: str, endpoint: str):
    flash(message, "ok")
    return redirect(url_for(endpoint))


@bp.get("/")
def index():
    return redirect(url_for("admin.users"))


@bp.route("/users", methods=["GET", "POST"])
def users():
    s = db.session()
    error = None
    if request.method == "POST":
        try:
            user = accounts.create_user(s, request.form.get("username", ""), request.form.get("password", ""),
                                        request.form.get("full_name", ""))
            accounts.add_membership(s, user, request.form.get("role", ""), form_int("organization_id"))
            return _done(gettext("Akun %(username)s dibuat.", username=user.username), "admin.users")
        except Invalid as exc:
            error = exc
    org_names = {o.id: o.name for o in orgs.all_orgs(s)}
    return render("admin/users.html", rows=accounts.all_users(s), roles=t(ROLES), org_choices=_org_choices(),
                  org_names=org_names, error=error, form=request.form, status=422 if error else 200)


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    s = db.session()
    user = s.get(User, user_id)
    if user is None:
        raise Invalid("Akun tidak ditemukan.")
    accounts.set_active(s, user, not user.is_active)
    if user.is_active:
        return _done(gettext("Akun %(username)s diaktifkan.", username=user.username), "admin.users")
    return _done(gettext("Akun %(username)s dinonaktifkan.", username=user.username), "admin.users")


@bp.post("/users/<int:user_id>/memberships")
def add_membership(user_id: int):
    s = db.session()
    user = s.get(User, user_id)
    if user is None:
        raise Invalid("Akun tidak ditemukan.")
    try:
        accounts.add_membership(s, user, request.form.get("role", ""), form_int("organization_id"))
    except Invalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.users"))
    return _done(gettext("Peran ditambahkan untuk %(username)s.", username=user.username), "admin.users")


@bp.post("/memberships/<int:membership_id>/delete")
def remove_membership(membership_id: int):
    accounts.remove_membership(db.session(), membership_id)
    return _done(gettext("Peran dicabut."), "admin.users")


@bp.route("/orgs", methods=["GET", "POST"])
def organizations():
    s = db.session()
    error = None
    if request.method == "POST":
        try:
            org_id = form_int("id")
            if org_id:
                orgs.update(s, orgs.get(s, org_id), request.form.get("name", ""), request.form.get("kind", ""),
                            form_int("parent_id"), request.form.get("timezone") or None)
            else:
                orgs.create(s, request.form.get("code", ""), request.form.get("name", ""),
                            request.form.get("kind", ""), form_int("parent_id"), request.form.get("timezone") or None)
            return _done(gettext("Organisasi disimpan."), "admin.organizations")
        except Invalid as exc:
            error = exc
    return render("admin/orgs.html", tree=orgs.tree_order(orgs.all_orgs(s)), kinds=t(ORG_KINDS), zones=orgs.TIMEZONES,
                  org_choices=_org_choices(), error=error, form=request.form, status=422 if error else 200)


@bp.route("/schemes", methods=["GET", "POST"])
def schemes():
    s = db.session()
    error = None
    if request.method == "POST":
        try:
            orgs.update_level(s, form_int("level_id") or 0, request.form.get("label", ""),
                              request.form.get("code_pattern", ""), request.form.get("code_example", ""))
            return _done(gettext("Tingkatan disimpan."), "admin.schemes")
        except Invalid as exc:
            error = exc
    return render("admin/schemes.html", schemes=orgs.schemes_with_levels(s), error=error,
                  status=422 if error else 200)


def _date(name: str) -> date | None:
    raw = request.form.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise Invalid(f"{name}: tanggal tidak sah (format TTTT-BB-HH).", field=name) from exc


@bp.route("/schedules", methods=["GET", "POST"])
def schedule_list():
    s = db.session()
    year = form_int("year") or date.today().year
    error = None
    if request.method == "POST":
        try:
            closes = _date("closes_on")
            if closes is None:
                raise Invalid("Tanggal selesai wajib diisi.", field="closes_on")
            schedules.save(s, form_int("organization_id") or 0, year, request.form.get("kind", ""), closes,
                           _date("opens_on"), request.form.get("period") or None)
            return redirect(url_for("admin.schedule_list", year=year))
        except Invalid as exc:
            error = exc
    org_names = {o.id: o.name for o in orgs.all_orgs(s)}
    return render("admin/schedules.html", rows=schedules.for_year(s, year), year=year, kinds=t(SCHEDULE_KINDS),
                  org_choices=_org_choices(), org_names=org_names, error=error, form=request.form,
                  status=422 if error else 200)


@bp.post("/schedules/<int:schedule_id>/extend")
def extend(schedule_id: int):
    s = db.session()
    try:
        until = _date("until")
        if until is None:
            raise Invalid("Tanggal perpanjangan wajib diisi.", field="until")
        row = schedules.extend(s, schedule_id, until, request.form.get("note", ""))
    except Invalid as exc:
        flash(exc.message, "error")
        return redirect(url_for("admin.schedule_list"))
    flash(gettext("Jadwal diperpanjang."), "ok")
    return redirect(url_for("admin.schedule_list", year=row.year))
