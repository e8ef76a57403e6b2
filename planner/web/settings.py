"""Calculation settings of an organisation (methodology §9): seen by its readers, changed by admins and
the unit's pimpinan. A unit without its own settings shows where it inherits them from."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from planner import db
from planner.errors import Invalid, Stale
from planner.permissions import can, require
from planner.services import orgs
from planner.services import settings as org_settings
from planner.web.helpers import form_int, principal, render

bp = Blueprint("settings", __name__)
TPL = "settings/organization.html"


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


def install_default():
    return org_settings.install_default(current_app.config)


def _context(org, **extra) -> dict:
    s = db.session()
    eff = org_settings.effective(s, org, install_default())
    ctx = dict(org=org, eff=eff, default=install_default(), can_edit=can(principal(), "settings.edit", org),
               caps=org_settings.ROLLUP_CAP_CHOICES, error=None, form={})
    ctx.update(extra)
    return ctx


@bp.get("/organisasi/<int:org_id>/pengaturan")
def page(org_id: int):
    org = orgs.get(db.session(), org_id)
    require(principal(), "org.read", org)
    return render(TPL, **_context(org))


@bp.post("/organisasi/<int:org_id>/pengaturan")
def save(org_id: int):
    s = db.session()
    org = orgs.get(s, org_id)
    require(principal(), "settings.edit", org)
    if request.form.get("inherit"):
        org_settings.inherit(s, org)
        flash(gettext("Pengaturan %(name)s kini mengikuti organisasi induk.", name=org.name), "ok")
        return redirect(url_for("settings.page", org_id=org.id))
    try:
        current = org_settings.effective(s, org, install_default()).settings
        org_settings.save(s, org, org_settings.parse(request.form, current), user_id=current_user.id,
                          version=form_int("version"))
    except (Invalid, Stale) as exc:  # a stale one re-shows the user's values with the version now stored
        return render(TPL, status=exc.status, **_context(org, error=exc, form=request.form))
    flash(gettext("Pengaturan perhitungan %(name)s tersimpan.", name=org.name), "ok")
    return redirect(url_for("settings.page", org_id=org.id))
