"""What anyone may see without logging in: a unit's public page and a survey's questionnaire, plus the
unit's own settings of what is published (those need a login).

The public templates use their own layout with no link into the application: from here nothing else of
a plan is reachable. The questionnaire is throttled per address and accepts one submission per device
session (a random key kept in the session cookie).
"""
from __future__ import annotations

import secrets
import time
from collections import deque
from datetime import date

from flask import Blueprint, current_app, flash, redirect, request, session as flask_session, url_for
from flask_login import login_required

from planner import charts, db
from planner.errors import DomainError
from planner.models.complaint import CHANNELS
from planner.permissions import require
from planner.services import orgs, publication, surveys
from planner.web.helpers import form_int, principal, render

bp = Blueprint("public", __name__)


class TooMany(DomainError):
    status = 429
    code = "too_many_requests"


def _throttle() -> None:
    """At most PUBLIC_SURVEY_PER_HOUR submissions per address per hour (kept in memory, per process)."""
    limit = current_app.config["PUBLIC_SURVEY_PER_HOUR"]
    hits = current_app.extensions.setdefault("planner.public_hits", {})
    now, key = time.monotonic(), request.remote_addr or "?"
    window = hits.setdefault(key, deque())
    while window and now - window[0] > 3600:
        window.popleft()
    if len(window) >= limit:
        raise TooMany("Terlalu banyak kiriman dari alamat ini. Coba lagi nanti.")
    window.append(now)


def _device_key() -> str:
    if "skm_device" not in flask_session:
        flask_session["skm_device"] = secrets.token_hex(16)
    return flask_session["skm_device"]


@bp.get("/publik/<code>")
def page(code: str):
    data = publication.public_page(db.session(), code, date.today(), current_app.config["COMPLAINT_LIMIT_DAYS"])
    trend = charts.line_chart([name[:18] for name, _ in data.trend], [("IKM", [v for _, v in data.trend], "#1565c0", False)],
                              label="Tren IKM") if len(data.trend) > 1 else ""
    return render("public/page.html", p=data, trend=trend, channels=CHANNELS)[0]


@bp.get("/kuesioner/<token>")
def questionnaire(token: str):
    s = db.session()
    sv = surveys.by_token(s, token)
    _device_key()
    return render("public/questionnaire.html", sv=sv, org=orgs.get(s, sv.organization_id),
                  elements=surveys.elements(s, sv), open=surveys.is_open(sv, date.today()), done=False,
                  error=None, form={})[0]


@bp.post("/kuesioner/<token>")
def submit(token: str):
    s = db.session()
    sv = surveys.by_token(s, token)
    ctx = dict(sv=sv, org=orgs.get(s, sv.organization_id), elements=surveys.elements(s, sv),
               open=surveys.is_open(sv, date.today()))
    try:
        _throttle()
        answers = {k: v for k, v in request.form.items() if k != "csrf_token" and v.strip()}
        surveys.submit_public(s, sv, answers, _device_key(), date.today())
    except DomainError as exc:
        s.rollback()
        return render("public/questionnaire.html", status=exc.status, done=False, error=exc,
                      form=dict(request.form), **ctx)[0], exc.status
    return render("public/questionnaire.html", done=True, error=None, form={}, **ctx)[0]


# ---------------------------------------------------------------- the unit's settings (login)

@bp.get("/layanan-publik/<int:org_id>/publikasi")
@login_required
def settings(org_id: int):
    s = db.session()
    org = orgs.get(s, org_id)
    require(principal(), "service.read", org)
    return render("public/settings.html", org=org, prof=publication.profile(s, org_id), error=None,
                  default_limit=current_app.config["COMPLAINT_LIMIT_DAYS"])[0]


@bp.post("/layanan-publik/<int:org_id>/publikasi")
@login_required
def save_settings(org_id: int):
    s = db.session()
    f = request.form
    publication.save_profile(s, org_id, {
        "complaint_limit_days": form_int("complaint_limit_days"), "published": bool(f.get("published")),
        "show_standards": bool(f.get("show_standards")), "show_skm": bool(f.get("show_skm")),
        "show_complaints": bool(f.get("show_complaints")), "show_survey_link": bool(f.get("show_survey_link")),
        "maklumat": f.get("maklumat", ""), "contact": f.get("contact", "")})
    flash("Pengaturan halaman publik disimpan.", "ok")
    return redirect(url_for("public.settings", org_id=org_id))
