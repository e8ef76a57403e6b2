"""Plans area: home, plan list, the Renstra/Renja tree editor, the indicator editor.

Handlers are thin: parse the request, call ``planner.services.plans``, render a page or the
named block an htmx request asks for.
"""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, g, redirect, request, session as flask_session, url_for
from flask_babel import gettext
from flask_login import login_required

from planner import db, periods
from planner.errors import Invalid, Stale
from planner.models import Indicator, Organization, Plan, PlanNode
from planner.models.plan import (
    IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, PlanUpdate, TargetIn,
)
from planner.permissions import can, require
from planner.calc.pagu import pagu_sums
from planner.services import cascade as cascade_service
from planner.services import (accounts, audit, audit_view, checks, indicative_pagu, orgs, plan_copy, plans, removal,
                              versions, workflow)
from planner.calc import default_range, summable
from planner.calc.formatting import parse_number
from planner.web.filters import t
from planner.web.helpers import form_int, parse_form, principal, render, respond
from planner.web import layout
from planner.web.layout import YEARS, session_year
from planner.web.tree_rows import TreeRows

bp = Blueprint("plans", __name__)
PLAN_TPL = "plans/plan.html"
IND_TPL = "plans/indicator.html"
INDICATOR_NUMBERS = ("baseline_value", "weight", "ratio_factor", "valid_min", "valid_max", "end_target")


@bp.before_request
@login_required
def _logged_in():
    """Every page of this area needs a logged-in user."""


bp.app_context_processor(layout.context)


# ---------------------------------------------------------------- home and plan list

@bp.get("/")
def home():
    s = db.session()
    p = principal()
    org_id = flask_session.get("org_id")
    org = s.get(Organization, org_id) if org_id else None
    if org is not None and not (p.is_admin or org.id in p.readable_orgs):
        org = None
    year = session_year()
    scope = None if p.is_admin else p.readable_orgs
    plan_list = plans.list_plans(s, [org.id] if org else scope, year=year)
    org_names = {o.id: o.name for o in orgs.all_orgs(s)}
    return render("plans/home.html", org=org, year=year, plans=plan_list, org_names=org_names,
                  in_force_ids={pl.id for pl in versions.in_force_among(plan_list)}, tasks=layout.my_tasks())




@bp.post("/switch")
def switch():
    """A POST (with CSRF): choosing an organisation or a year changes the session, so it never rides on GET."""
    raw_org, raw_year = request.form.get("org"), (request.form.get("year") or "").strip()
    if raw_org == "":
        flask_session.pop("org_id", None)
    elif raw_org is not None:
        org_id = form_int("org")
        p = principal()
        if org_id is None or not (p.is_admin or org_id in p.readable_orgs):
            raise Invalid(gettext("Organisasi tidak dikenal."), field="org")
        flask_session["org_id"] = org_id
    if raw_year:
        year = int(raw_year) if raw_year.isdigit() and len(raw_year) <= 4 else 0
        if not YEARS[0] <= year <= YEARS[1]:
            raise Invalid(gettext("Tahun harus antara 2000 dan 2100."), field="year")
        flask_session["year"] = year
    return redirect(url_for("plans.home"))


@bp.route("/plans/new", methods=["GET", "POST"])
def new_plan():
    s = db.session()
    p = principal()
    error = None
    if request.method == "POST":
        try:
            plan = _create_from_form(s)
            return redirect(url_for("plans.show", plan_id=plan.id))
        except Invalid as exc:
            error = exc
    creatable = [(o, d) for o, d in orgs.tree_order(orgs.all_orgs(s))
                 if can(p, "plan.create", o)]
    sources = plans.list_plans(s, None if p.is_admin else p.readable_orgs)
    return render("plans/new.html", error=error, form=request.form, orgs_for_create=creatable, sources=sources,
                  status=422 if error else 200)


def _create_from_form(s) -> Plan:
    source = request.form.get("source", "empty")
    source_id = form_int("source_id")
    year = form_int("year")
    if source in ("renstra", "previous"):
        src = plans.get_plan(s, source_id) if source_id else None
        if src is None:
            raise Invalid("Pilih rencana sumber.", field="source_id")
        require(principal(), "plan.create", src)
        if not year:
            raise Invalid("Tahun Renja wajib diisi.", field="year")
        name = request.form.get("name", "").strip() or None
        if source == "renstra":
            if src.kind != "renstra":
                raise Invalid("Sumber harus sebuah Renstra.", field="source_id")
            return plan_copy.renja_from_renstra(s, src, year, name)
        return plan_copy.renja_from_previous(s, src, year, name)
    data = parse_form(PlanCreate, request.form, numbers=("year", "first_year", "last_year"))
    return plans.create_plan(s, data)  # it checks plan.create on the organisation


# ---------------------------------------------------------------- the tree page

def _plan_for(plan_id: int, action: str = "plan.read") -> Plan:
    plan = plans.get_plan(db.session(), plan_id)
    require(principal(), action, plan)
    return plan


def tree_context(plan: Plan, outline_only: bool = False, **extra) -> dict:
    """``outline_only`` (the page itself): when the checks' report is kept, the plan and its Renstra are read
    as plain rows, and a large plan's indicators and targets for the rows shown only (``plans.load_outline``);
    else the whole trees the checks read too. The handlers answering one node's row read the whole tree."""
    s = db.session()
    stamps = checks.report_stamps(s, plan)  # before the trees the badges' checks may use
    g.check_stamps, g.loaded_trees = {plan.id: stamps}, {}
    query = request.args.get("q", "")
    kept = outline_only and not query and checks.report_kept(plan, stamps)
    if kept:  # plain rows: the badges' checks read no tree
        tree, shown = plans.load_outline(s, plan, _open_ids(extra))
    else:
        tree = plans.load_tree(s, plan, read_only=True)  # the page shows targets; it edits them elsewhere
        if query:
            visible = plans.filter_tree(tree, query)
            shown = plans.Outline([tn for tn in tree.walk() if tn.node.id in visible], {})
        else:
            shown = plans.outline(tree.roots, _open_ids(extra))
    serves_options, renstra, cascade, served = [], None, None, {}
    if plan.kind == "renja" and plan.renstra_id:
        renstra = versions.in_force_of(s, s.get(Plan, plan.renstra_id))  # the Renstra as it stands now
        stamp = dict(stamps).get(renstra.key)  # the Renstra's lineage, read with the plan's before any tree
        renstra_tree = plans.kept_tree(s, renstra, stamp) if kept and stamp is not None \
            else plans.load_tree(s, renstra, read_only=True)
        served = plan_copy.served_nodes(s, renstra_tree, tree)
        cascade = plan_copy.cascade(renstra_tree, tree, served)
        serves_options = [tn.node for tn in renstra_tree.walk() if tn.node.kind == "sasaran"]
        g.loaded_trees = {} if kept else {renstra.id: renstra_tree}
    elif plan.kind == "renstra":
        serves_options = [tn.node for tn in tree.walk() if tn.node.kind == "sasaran"]
    supports = {n.id: (n, o) for n, o in cascade_service.supportable(s, plan)}  # a Renstra: parents' sasaran
    p = principal()
    thread_rows = workflow.comments(s, plan.id)
    version_rows = versions.version_list(s, plan)
    read_only = request.args.get("view") == "read" or not can(p, "plan.edit", plan) \
        or plan.status not in plans.EDITABLE_STATUSES
    ctx = dict(
        plan=plan, org=s.get(Organization, plan.organization_id), tree=tree, rows=shown.rows,
        collapsed=shown.collapsed, query=query,
        actions=workflow.available_actions(p, plan), action_labels=t(workflow.ACTION_LABELS),
        can_revise=plan.status == "locked" and can(p, "plan.revise", plan),
        can_comment=can(p, "comment.create", plan), threads=workflow.threads(thread_rows),
        open_comments=sum(1 for c in thread_rows if c.parent_id is None and c.resolved_at is None),
        authors=accounts.names(s, {c.author_id for c in thread_rows}), comment_error=None,
        columns=grid_columns(plan), can_edit=not read_only, versions=version_rows,
        in_force=next((v.plan for v in version_rows if v.in_force), plan),
        serves_options=serves_options, serves_names={n.id: n for n in serves_options} | served, renstra=renstra,
        cascade=cascade, supports=supports,
        supports_choices=[(nid, f"{o.code} · {n.code} — {n.name}") for nid, (n, o) in supports.items()],
        yearly_pagu=indicative_pagu.for_plan(s, plan) if plan.kind == "renstra" else {},
        serves_choices=[(n.id, f"{n.code} — {n.name}") for n in serves_options], ncols=5 + len(grid_columns(plan)),
        child_levels=lambda node: plans.allowed_child_levels(tree.levels, plan, node),
        editing_id=None, adding_to=None, adding_indicator_to=None, confirm_delete=None, error=None, form={},
    )
    # the reviewer's return note until the next submission; what penetapan needs (the Renstra fixed first)
    ctx["return_note"] = workflow.return_note(s, plan) if plan.status == "returned" else None
    ctx["renstra_unfixed"] = workflow.renstra_fixed(s, plan) if "lock" in ctx["actions"] else None
    ctx["is_admin"] = p.is_admin
    if tree.whole and not kept:  # the checks shown as badges read the same trees (web/checks.plan_checks)
        g.loaded_trees[plan.id] = tree
    every = [tn.node for tn in tree.walk()]
    ctx["pagu_sums"] = pagu_sums((n.id, n.parent_id, n.pagu) for n in every)
    # the comment form's choice of every node, as plain strings read once: the page's costliest loop otherwise
    ctx["comment_targets"] = [(str(n.id), n.code, n.name) for n in every]
    ctx["prepared"] = TreeRows(plan, tree, ctx["columns"], ctx["pagu_sums"], ctx["yearly_pagu"], ctx["can_edit"])
    ctx.update(extra)
    return ctx


def _open_ids(extra: dict) -> set[int] | None:
    """Nodes whose branch a large plan's page must show open: the one asked for (``?open=``, ``all`` for the
    whole tree), and the one being edited, added to or confirmed for deletion (a plain form lands there)."""
    if request.args.get("open") == "all":
        return None
    confirm = extra.get("confirm_delete")
    wanted = [request.args.get("open"), request.args.get("edit"), request.args.get("add"),
              extra.get("editing_id"), extra.get("adding_to"), extra.get("adding_indicator_to"),
              confirm[0] if confirm else None]
    return {int(w) for w in wanted if w is not None and str(w).isdigit()}


def grid_columns(plan: Plan) -> list[tuple[int, str]]:
    """Target columns of the tree: the Renstra's years, or the Renja's year and its quarters."""
    if plan.kind == "renstra":
        return [(y, periods.ANNUAL) for y in plan.years]
    return [(plan.first_year, periods.ANNUAL)] + [(plan.first_year, q) for q in periods.QUARTERS]


@bp.get("/plans/<int:plan_id>")
def show(plan_id: int):
    plan = _plan_for(plan_id)
    extra = {}
    if request.args.get("edit", "").isdigit():
        extra["editing_id"] = int(request.args["edit"])
    if request.args.get("add"):
        extra["adding_to"] = request.args["add"]
    return render(PLAN_TPL, block="tree" if "q" in request.args else None,
                  **tree_context(plan, outline_only=True, **extra))


@bp.post("/plans/<int:plan_id>/edit")
def edit_plan(plan_id: int):
    plan = _plan_for(plan_id, "plan.edit")
    try:
        plans.update_plan(db.session(), plan, parse_form(PlanUpdate, request.form, numbers=("renstra_id", "version")))
    except (Invalid, Stale) as exc:
        return render(PLAN_TPL, block="header", status=exc.status, **tree_context(plan, error=exc, form=request.form))
    if request.form.get("renstra_id") == "":
        plan.renstra_id = None
    return _after_change(plan, "header")


def _after_change(plan: Plan, block: str, anchor: str = "", **extra):
    """htmx gets the refreshed block; a plain form post is redirected back to the page (PRG)."""
    return respond(PLAN_TPL, block, context=lambda: tree_context(plan, **extra),
                   redirect_to=url_for("plans.show", plan_id=plan.id) + anchor)


@bp.post("/plans/<int:plan_id>/nodes")
def add_node(plan_id: int):
    plan = _plan_for(plan_id, "plan.edit")
    parent_id = form_int("parent_id")
    try:
        data = parse_form(NodeCreate, request.form, numbers=("pagu", "parent_id", "serves_id", "supports_id"),
                          lists=("objectives",))
        node = plans.create_node(db.session(), plan, data)
    except Invalid as exc:
        adding = str(parent_id) if parent_id else "root"
        return render(PLAN_TPL, block="tree", status=422,
                      **tree_context(plan, error=exc, form=request.form, adding_to=adding))
    return _after_change(plan, "tree", f"#node-{node.id}")


# ---------------------------------------------------------------- one node

@bp.get("/nodes/<int:node_id>/branch")
def branch(node_id: int):
    """A closed branch of a large plan's tree, opened: htmx gets its rows; a plain link the page with it open."""
    node, plan = _node_for(node_id)

    def rows_below() -> dict:
        ctx = tree_context(plan)
        return ctx | {"rows": ctx["tree"].descendants(node.id), "collapsed": {}}
    return respond(PLAN_TPL, "branch", context=rows_below,
                   redirect_to=url_for("plans.show", plan_id=plan.id, open=node.id) + f"#node-{node.id}")


def _node_for(node_id: int, action: str = "plan.read") -> tuple[PlanNode, Plan]:
    node = plans.get_node(db.session(), node_id)
    return node, _plan_for(node.plan_id, action)


@bp.get("/nodes/<int:node_id>")
def node_row(node_id: int):
    node, plan = _node_for(node_id)
    return _node_response(plan, node)


@bp.get("/nodes/<int:node_id>/edit")
def edit_node(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    return _node_response(plan, node, editing_id=node.id)


def _node_context(plan: Plan, node: PlanNode, **extra) -> dict:
    ctx = tree_context(plan, **extra)
    return dict(ctx, tn=ctx["tree"].by_id[node.id])


def _node_response(plan: Plan, node: PlanNode, status: int = 200, redirect_to: str | None = None, **extra):
    """The node's row for htmx; a plain request goes to the plan page at the node, in the same state."""
    query = {"edit": extra["editing_id"]} if extra.get("editing_id") else {}
    if extra.get("adding_to"):
        query = {"add": extra["adding_to"]}
    return respond(PLAN_TPL, "node", context=lambda: _node_context(plan, node, **extra), status=status,
                   redirect_to=redirect_to or url_for("plans.show", plan_id=plan.id, **query) + f"#node-{node.id}")


@bp.get("/nodes/<int:node_id>/children/new")
def new_child(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    return _node_response(plan, node, adding_to=str(node.id))


@bp.get("/plans/<int:plan_id>/nodes/new")
def new_root(plan_id: int):
    plan = _plan_for(plan_id, "plan.edit")
    return respond(PLAN_TPL, "tree", context=lambda: tree_context(plan, adding_to="root"),
                   redirect_to=url_for("plans.show", plan_id=plan.id, add="root") + "#tree")


@bp.get("/nodes/<int:node_id>/indicators/quick")
def quick_indicator(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    return _node_response(plan, node, redirect_to=url_for("plans.new_indicator", node_id=node.id),
                          adding_indicator_to=node.id)


@bp.post("/nodes/<int:node_id>")
def update_node(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    try:
        fields = {k: request.form.get(k) for k in request.form if not k.startswith("pagu_")}
        data = parse_form(NodeUpdate, fields, numbers=("pagu", "serves_id", "supports_id", "version"),
                          lists=("objectives",))
        plans.update_node(db.session(), node, data)
        if plan.kind == "renstra":
            indicative_pagu.set_years(db.session(), node, _yearly_pagu(plan))
    except (Invalid, Stale) as exc:
        return respond(PLAN_TPL, "node", status=exc.status,
                       context=_node_context(plan, node, error=exc, form=request.form, editing_id=node.id))
    return _node_response(plan, node)


def _yearly_pagu(plan: Plan) -> dict:
    """The per-year indicative pagu fields of a Renstra node's form (``pagu_<year>``); empty removes a year."""
    amounts = {}
    for year in plan.years:
        raw = request.form.get(f"pagu_{year}")
        if raw is None:
            continue
        try:
            amounts[year] = parse_number(raw) if raw.strip() else None
        except ValueError as exc:
            raise Invalid(f"Pagu indikatif {year}: {exc}", field=f"pagu_{year}") from exc
    return {y: (Decimal(str(a)) if a is not None else None) for y, a in amounts.items()}


@bp.post("/nodes/<int:node_id>/move")
def move_node(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    plans.move_node(db.session(), node, request.form.get("direction", "up"))
    return _after_change(plan, "tree", f"#node-{node.id}")


@bp.post("/nodes/<int:node_id>/delete")
def delete_node(node_id: int):
    s = db.session()
    node, plan = _node_for(node_id, "plan.edit")
    plans.check_edit(db.session(), plan)  # before asking to confirm
    count = plans.count_subtree(s, node)
    if count.has_dependents and request.form.get("confirm") != "1":
        return respond(PLAN_TPL, "node", context=lambda: _node_context(plan, node, confirm_delete=(node.id, count)))
    plans.delete_node(s, node)
    what = t(node.kind.replace("_", " ").title())  # "Sub Kegiatan": the scheme's label, translated
    if count.has_dependents:
        flash(gettext("%(what)s %(code)s dihapus beserta %(nodes)s simpul dan %(indicators)s indikator.", what=what,
                      code=node.code, nodes=count.nodes - 1, indicators=count.indicators), "ok")
    else:
        flash(gettext("%(what)s %(code)s dihapus.", what=what, code=node.code), "ok")
    return _after_change(plan, "tree")


# ---------------------------------------------------------------- indicators

@bp.post("/nodes/<int:node_id>/indicators")
def add_indicator(node_id: int):
    """Quick add from the tree: name, level, unit, polarity, accumulation and the annual target."""
    node, plan = _node_for(node_id, "plan.edit")
    try:
        data = parse_form(IndicatorCreate, request.form, numbers=INDICATOR_NUMBERS + ("target_y",))
        data.targets = _quick_targets(plan, request.form)
        plans.create_indicator(db.session(), node, data)
    except Invalid as exc:
        error = exc

        def tree_with_form() -> dict:
            ctx = tree_context(plan, error=error, form=request.form, adding_indicator_to=node.id)
            return ctx | {"tn": ctx["tree"].by_id[node.id]}

        # the tree row's quick form for htmx; without it, the full indicator form shows the error
        return respond(PLAN_TPL, "node", status=422, context=tree_with_form, page=(
            IND_TPL, lambda: _indicator_context(plan, node, None, error=error, form=request.form)))
    return _node_response_after(plan, node)


def _quick_targets(plan: Plan, form) -> list[TargetIn]:
    raw = (form.get("target_y") or "").strip()
    if not raw:
        return []
    year = plan.first_year if plan.kind == "renja" else int(form.get("target_year") or plan.first_year)
    if form.get("target_type") == "qualitative":
        return [TargetIn(year=year, period="Y", text=raw)]
    try:
        return [TargetIn(year=year, period="Y", value=parse_number(raw))]
    except ValueError as exc:
        raise Invalid(f"Target tahunan: {exc}", field="target_y") from exc


def _node_response_after(plan: Plan, node: PlanNode):
    return respond(PLAN_TPL, "node", context=lambda: _node_context(plan, node),
                   redirect_to=url_for("plans.show", plan_id=plan.id) + f"#node-{node.id}")


def _indicator_for(indicator_id: int, action: str = "plan.read") -> tuple[Indicator, PlanNode, Plan]:
    s = db.session()
    ind = plans.get_indicator(s, indicator_id)
    node = plans.get_node(s, ind.node_id)
    return ind, node, _plan_for(ind.plan_id, action)


def _indicator_context(plan: Plan, node: PlanNode, ind: Indicator | None, **extra) -> dict:
    s = db.session()
    tree = plans.load_tree(s, plan)
    tn = tree.by_id[node.id]
    probe = ind or Indicator(name="", unit="", plan_id=plan.id, node_id=node.id,
                             frequency=(extra.get("form") or {}).get("frequency", "quarterly"))
    ctx = dict(plan=plan, org=s.get(Organization, plan.organization_id), node=node, ind=ind, tn=tn,
               ancestors=tree.ancestors(node.id), objective_choices=[(o.id, o.text) for o in tn.objectives],
               targets=tree.target_map(ind.id) if ind else {}, cells=plans.target_periods(plan, probe),
               can_edit=can(principal(), "plan.edit", plan) and plan.status in plans.EDITABLE_STATUSES,
               error=None, form={}, saved=None,
               history=audit_view.rows(s, audit.history(s, indicator_id=ind.id, limit=30),
                                       s.get(Organization, plan.organization_id)) if ind else [],
               unit_range=default_range(ind.unit, ind.name).text if ind else None)
    ctx["target_findings"] = checks.target_findings(s, plan, ind.id, tree) if ind else []
    if ind:  # the review comments on this indicator, written here or on the plan page
        rows = [c for c in workflow.comments(s, plan.id) if c.object_type == "indicator" and c.object_id == ind.id]
        ctx.update(ind_threads=workflow.threads(rows), ind_authors=accounts.names(s, {c.author_id for c in rows}),
                   can_comment=can(principal(), "comment.create", plan))
    ctx.update(extra)
    return ctx


@bp.get("/nodes/<int:node_id>/indicators/new")
def new_indicator(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    return render(IND_TPL, **_indicator_context(plan, node, None))


@bp.post("/nodes/<int:node_id>/indicators/new")
def create_indicator(node_id: int):
    node, plan = _node_for(node_id, "plan.edit")
    try:
        data = parse_form(IndicatorCreate, request.form, numbers=INDICATOR_NUMBERS + ("objective_id",))
        ind = plans.create_indicator(db.session(), node, data)
    except Invalid as exc:
        return render(IND_TPL, status=422, **_indicator_context(plan, node, None, error=exc, form=request.form))
    flash(gettext("Indikator ditambahkan. Lengkapi targetnya di bawah."), "ok")
    return redirect(url_for("plans.indicator", indicator_id=ind.id))


@bp.get("/indicators/<int:indicator_id>")
def indicator(indicator_id: int):
    ind, node, plan = _indicator_for(indicator_id)
    return render(IND_TPL, **_indicator_context(plan, node, ind))


@bp.post("/indicators/<int:indicator_id>")
def save_indicator(indicator_id: int):
    ind, node, plan = _indicator_for(indicator_id, "plan.edit")
    try:
        data = parse_form(IndicatorUpdate, request.form, numbers=INDICATOR_NUMBERS + ("version", "objective_id"))
        for nullable in ("baseline_value", "baseline_year", "baseline_text", "objective_id"):
            if request.form.get(nullable, None) == "":
                setattr(data, nullable, None)
        plans.update_indicator(db.session(), ind, data)
    except (Invalid, Stale) as exc:  # stale: the user's values stay in the form beside who changed it and when
        return _indicator_block(plan, node, ind, "meta", exc)
    return _indicator_block(plan, node, ind, "meta")


@bp.post("/indicators/<int:indicator_id>/targets")
def save_targets(indicator_id: int):
    ind, node, plan = _indicator_for(indicator_id, "plan.edit")
    try:
        plans.set_targets(db.session(), ind, plan, _grid_targets(plan, ind, request.form),
                          request.form.get("version"))
    except (Invalid, Stale) as exc:  # stale: the user's targets stay in the grid beside who changed it and when
        return _indicator_block(plan, node, ind, "targets", exc)
    return _indicator_block(plan, node, ind, "targets")


def _indicator_block(plan: Plan, node: PlanNode, ind: Indicator, block: str, error: Invalid | Stale | None = None):
    """The saved form of the indicator page; out of band, the other form's copy of the indicator's version
    (metadata and target grid share it, so a save of one must not make the other stale)."""
    extra = {"error": error, "form": request.form} if error else {"saved": block}
    return respond(IND_TPL, block, status=error.status if error else 200, oob=True,
                   context=lambda: _indicator_context(plan, node, ind, **extra))


def _grid_targets(plan: Plan, ind: Indicator, form) -> list[TargetIn]:
    """Grid inputs are named ``v-<year>-<period>`` (or ``lo-``/``hi-``/``t-`` for ranges and text)."""
    out = []
    for year, period in plans.target_periods(plan, ind):
        key = f"{year}-{period}"
        cell = {"year": year, "period": period}
        for prefix, field in (("v", "value"), ("lo", "lower"), ("hi", "upper")):
            raw = (form.get(f"{prefix}-{key}") or "").strip()
            if raw:
                try:
                    cell[field] = parse_number(raw)
                except ValueError as exc:
                    raise Invalid(f"Target {periods.label(period)} {year}: {exc}", field=f"{prefix}-{key}") from exc
        text = (form.get(f"t-{key}") or "").strip()
        if text:
            cell["text"] = text
        out.append(TargetIn(**cell))
    return out


@bp.post("/indicators/<int:indicator_id>/move")
def move_indicator(indicator_id: int):
    ind, node, plan = _indicator_for(indicator_id, "plan.edit")
    plans.move_indicator(db.session(), ind, request.form.get("direction", "up"))
    return _node_response_after(plan, node)


@bp.post("/indicators/<int:indicator_id>/delete")
def delete_indicator(indicator_id: int):
    ind, node, plan = _indicator_for(indicator_id, "plan.edit")
    plans.ensure_editable(db.session(), plan)
    goes = removal.dependents(db.session(), [ind.id])
    if goes.any and request.form.get("confirm") != "1":  # monitoring data goes too: ask, with the counts
        return respond("plans/confirm_delete.html", "confirm", status=409, retarget="#flash",
                       context={"ind": ind, "goes": goes})
    plans.delete_indicator(db.session(), ind)
    flash(gettext("Indikator '%(name)s' dihapus.", name=ind.name), "ok")
    return _node_response_after(plan, node)


@bp.post("/indicators/validate")
def validate_indicator():
    """Inline validation (Contact.app style): the error text for one field, or nothing."""
    if request.form.get("accumulation") == "sum" and not summable(request.form.get("unit")):
        return plans.SUM_REFUSED
    if request.form.get("polarity") == "band" and request.form.get("target_type") != "range":
        return "Polaritas rentang memerlukan jenis target rentang."
    return ""
