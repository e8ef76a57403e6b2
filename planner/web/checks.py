"""Plan checks area: the review screen of a planning bureau, a plan's findings beside its tree,
acknowledging and commenting from a finding, and the cascading view (pohon kinerja)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, g, redirect, request, session as flask_session, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import cascade_svg, db
from planner.calc.checks import GROUPS, RULES, SEVERITY_LABELS
from planner.errors import Forbidden, Invalid, NotFound
from planner.models import Organization, Plan
from planner.models.plan import PLAN_STATUSES
from planner.periods import QUARTERS
from planner.permissions import can, require
from planner.services import cascade, checks, monitoring, plans, review_screen, workflow
from planner.web.filters import t
from planner.web.helpers import principal, render

bp = Blueprint("checks", __name__)
PAPERS = {"a3": "A3 landscape", "a4": "A4 landscape"}


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


@bp.app_context_processor
def _badges():
    return {"plan_checks": plan_checks, "SEVERITY_LABELS": SEVERITY_LABELS}


def plan_checks(plan: Plan):
    """A plan's check report, once per request (the tree's badges ask for it per node), once per write when
    it is fresh. The tree page read the stamps before its trees (``g.check_stamps``): a report computed
    from those trees is stored at them."""
    cache = g.setdefault("plan_checks", {})
    if plan.id not in cache:
        cache[plan.id] = checks.report(db.session(), plan, loaded=g.get("loaded_trees"),
                                       stamps=g.get("check_stamps", {}).get(plan.id))
    return cache[plan.id]


def _plan(plan_id: int, action: str = "plan.read") -> Plan:
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), action, plan)
    return plan


# ---------------------------------------------------------------- review screen

@bp.get("/review/units")
def units():
    p = principal()
    if not (p.is_admin or p.scopes.get("reviewer") or p.scopes.get("pimpinan")):
        raise Forbidden("Layar reviu untuk reviewer dan pimpinan.")
    year = request.args.get("year", type=int) or flask_session.get("year", 2026)
    kind = request.args.get("kind", "renja") if request.args.get("kind") in ("renja", "renstra") else "renja"
    args = {k: request.args.get(k, "") for k in ("q", "status", "severity", "sort")}
    rows = review_screen.unit_rows(db.session(), p, year, kind)
    shown = review_screen.sort_rows(review_screen.filter_rows(rows, args["q"], args["status"], args["severity"]),
                                    args["sort"] or "score")
    return render("checks/units.html", block="rows", rows=shown, total=len(rows), year=year, kind=kind, args=args,
                  statuses=PLAN_STATUSES, sorts=review_screen.SORTS)


# ---------------------------------------------------------------- a plan's findings

@bp.get("/plans/<int:plan_id>/checks")
def plan_checks_page(plan_id: int):
    plan = _plan(plan_id)
    s = db.session()
    tree = plans.load_tree(s, plan)
    report = checks.check_plan(s, plan, tree)
    severity, group = request.args.get("severity", ""), request.args.get("group", "")
    shown = [f for f in report.findings if (not severity or f.severity == severity) and (not group or f.group == group)]
    p = principal()
    return render("checks/plan.html", block="findings", plan=plan, org=s.get(Organization, plan.organization_id),
                  tree=tree, report=report, findings=shown, severity=severity, group=group, groups=GROUPS,
                  by_node=report.by_node(), can_ack=can(p, "finding.acknowledge", plan),
                  can_comment=can(p, "comment.create", plan),
                  open_comments=workflow.open_comment_counts(s, [plan.id]).get(plan.id, 0))


@bp.post("/plans/<int:plan_id>/checks/comment")
def comment(plan_id: int):
    """A review comment written from a finding: on the finding's indicator or node, quoting the rule."""
    plan = _plan(plan_id)
    rule = request.form.get("rule", "")
    if rule not in RULES:
        raise Invalid("Temuan tidak dikenal.", field="rule")
    text = request.form.get("body", "").strip()
    object_type = "indicator" if request.form.get("indicator_id") else "node"
    object_id = request.form.get(f"{object_type}_id", type=int)
    body = f"{text}\n\n[{rule} · {RULES[rule].title}] {request.form.get('message', '').strip()}" if text else ""
    try:
        workflow.add_comment(db.session(), principal(), plan, body, object_type if object_id else "plan", object_id)
        flash(gettext("Komentar terkirim dan tercatat pada rencana."), "ok")
    except Invalid as exc:
        flash(exc.message, "error")
    return redirect(url_for("checks.plan_checks_page", plan_id=plan.id) + f"#finding-{request.form.get('anchor', '')}")


def _back(rule: str, object_id: int):
    plan = checks._subject_plan(db.session(), rule, object_id)
    return redirect(request.form.get("next") or url_for("checks.plan_checks_page", plan_id=plan.id))


@bp.post("/findings/<rule>/<int:object_id>/acknowledge")
def acknowledge(rule: str, object_id: int):
    try:
        checks.acknowledge(db.session(), principal(), rule, object_id, request.form.get("reason", ""))
        flash(gettext("Temuan %(rule)s diterima; tetap diterima pada versi rencana berikutnya.", rule=rule), "ok")
    except Invalid as exc:
        flash(exc.message, "error")
    return _back(rule, object_id)


@bp.post("/findings/<rule>/<int:object_id>/withdraw")
def withdraw(rule: str, object_id: int):
    try:
        checks.withdraw(db.session(), principal(), rule, object_id)
        flash(gettext("Penerimaan temuan %(rule)s dibatalkan.", rule=rule), "ok")
    except Invalid as exc:
        flash(exc.message, "error")
    return _back(rule, object_id)


# ---------------------------------------------------------------- the cascading view

def _view_args() -> dict:
    collapsed = [k for k in request.args.get("collapse", "").split(",") if k]
    mode = request.args.get("mode", "findings")
    period = request.args.get("period") or None
    return {"collapsed": collapsed, "mode": mode, "period": period}


def _toggle(collapsed: list[str], endpoint: str, **kw):
    def url(n) -> str:
        keys = [k for k in collapsed if k != n.key] if n.collapsed else [*collapsed, n.key]
        args = {k: v for k, v in request.args.items() if k != "collapse"}
        return url_for(endpoint, **kw, **args, **({"collapse": ",".join(keys)} if keys else {}))
    return url


def _legend(mode: str) -> dict[str, str]:
    if mode == "achievement":
        return t(dict(monitoring.MONITORING_STATUS_LABELS))
    return t({k: cascade.STATUS_LABELS[k] for k in ("error", "warning", "info", "ok", "context", "gap")})


def _plan_cascade(plan: Plan):
    a = _view_args()
    settings = monitoring.settings_from_config(current_app.config)
    return cascade.for_plan(db.session(), plan, a["mode"], a["period"], settings, a["collapsed"]), a


def _node_url(n) -> str | None:
    return url_for("plans.show", plan_id=n.plan_id) + f"#node-{n.node_id}" if n.node_id else None


@bp.get("/plans/<int:plan_id>/pohon")
def plan_cascade(plan_id: int):
    plan = _plan(plan_id)
    picture, a = _plan_cascade(plan)
    svg = cascade_svg.render(picture, _legend(a["mode"]), _node_url,
                             _toggle(a["collapsed"], "checks.plan_cascade", plan_id=plan.id))
    return render("checks/cascade.html", plan=plan, org=None, picture=picture, svg=svg, args=a,
                  paper=request.args.get("paper", "a3") if request.args.get("paper") in PAPERS else "a3",
                  papers=PAPERS, quarters=QUARTERS,
                  svg_url=url_for("checks.plan_cascade_svg", plan_id=plan.id, **request.args))


@bp.get("/plans/<int:plan_id>/pohon.svg")
def plan_cascade_svg(plan_id: int):
    plan = _plan(plan_id)
    picture, a = _plan_cascade(plan)
    return _svg_file(cascade_svg.render(picture, _legend(a["mode"])), f"pohon-kinerja-{plan.kind}-{plan.id}")


def _org(org_id: int) -> Organization:
    org = db.session().get(Organization, org_id)
    if org is None:
        raise NotFound("Organisasi tidak ditemukan.")
    require(principal(), "org.read", org)
    return org


def _org_cascade(org: Organization):
    a = _view_args()
    p = principal()
    year = request.args.get("year", type=int) or flask_session.get("year", 2026)
    picture = cascade.for_organization(db.session(), org, year, None if p.is_admin else p.readable_orgs,
                                       request.args.get("depth", "sasaran"), a["collapsed"])
    return picture, a


@bp.get("/orgs/<int:org_id>/pohon")
def org_cascade(org_id: int):
    org = _org(org_id)
    picture, a = _org_cascade(org)
    svg = cascade_svg.render(picture, _legend("findings") | t({"org": cascade.STATUS_LABELS["org"]}), _node_url,
                             _toggle(a["collapsed"], "checks.org_cascade", org_id=org.id))
    return render("checks/cascade.html", plan=None, org=org, picture=picture, svg=svg, args=a,
                  paper=request.args.get("paper", "a3") if request.args.get("paper") in PAPERS else "a3",
                  papers=PAPERS, quarters=QUARTERS, depth=request.args.get("depth", "sasaran"),
                  svg_url=url_for("checks.org_cascade_svg", org_id=org.id, **request.args))


@bp.get("/orgs/<int:org_id>/pohon.svg")
def org_cascade_svg(org_id: int):
    org = _org(org_id)
    picture, _ = _org_cascade(org)
    return _svg_file(cascade_svg.render(picture, _legend("findings")), f"pohon-kinerja-{org.code.lower()}")


def _svg_file(svg: str, name: str) -> Response:
    return Response('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{name}.svg"'})
