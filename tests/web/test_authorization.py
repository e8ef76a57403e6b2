"""Every route and API endpoint, for every role: allowed, 403, or 404 outside the user's scope.

The table below is the contract. A route that is not in it fails ``test_every_route_is_in_the_table``:
whoever adds a route decides here who may use it.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest

from planner.models import Plan
from planner.models.monitoring import FollowUpCreate
from planner.models.plan import IndicatorCreate, NodeCreate, PlanCreate, TargetIn
from planner.permissions import principal_for
from planner.services import accounts, plans, schedules, workflow
from planner.services import monitoring as mon
from tests.conftest import PASSWORD

ROLES = ["admin", "penyusun", "reviewer", "pimpinan", "pengamat", "instruktur", "peserta"]
ALL = set(ROLES)
EDIT = {"admin", "penyusun", "peserta"}
REVIEW = {"admin", "reviewer", "pimpinan", "instruktur"}
COMMENT = ALL - {"pengamat"}
ADMIN = {"admin"}
PUBLIC = "public"


class World:
    """Fresh objects on demand, inside (org A) or outside (org B) the user's scope."""

    def __init__(self, s, org_a, org_b):
        self.s, self.orgs = s, {"in": org_a, "out": org_b}
        self._years = {"in": itertools.count(2000), "out": itertools.count(2000)}

    def year(self, where: str) -> int:
        """Each Renja needs its own year within an organisation."""
        return next(self._years[where])

    def plan(self, where="in", status="draft"):
        org = self.orgs[where]
        year = self.year(where)
        plan = plans.create_plan(self.s, PlanCreate(organization_id=org.id, kind="renja", scheme="daerah", year=year,
                                                    name=f"Renja uji {year}"))
        program = plans.create_node(self.s, plan, NodeCreate(kind="program", code="5.02.02", name="Program uji"))
        keg = plans.create_node(self.s, plan, NodeCreate(kind="kegiatan", code="5.02.02.2.01", parent_id=program.id,
                                                         name="Kegiatan uji", pagu=1000))
        plans.create_indicator(self.s, keg, IndicatorCreate(name="Jumlah layanan uji", unit="layanan",
                                                            targets=[TargetIn(year=year, period="Y", value=10)]))
        plan.status = status
        self.s.commit()
        return plan

    def node(self, where="in", status="draft"):
        plan = self.plan(where, status)
        return plans.load_tree(self.s, plan).roots[0].children[0].node

    def indicator(self, where="in", status="draft"):
        plan = self.plan(where, status)
        return plans.load_tree(self.s, plan).roots[0].children[0].indicators[0]

    def revision(self, where="in"):
        plan = self.plan(where, "locked")
        admin = accounts.by_username(self.s, "root") or _admin(self.s)
        rev = workflow.create_revision(self.s, principal_for(self.s, admin), plan, "Penyesuaian pagu")
        self.s.commit()
        return rev

    def comment(self, where="in"):
        plan = self.plan(where)
        admin = accounts.by_username(self.s, "root") or _admin(self.s)
        c = workflow.add_comment(self.s, principal_for(self.s, admin), plan, "Mohon periksa target")
        self.s.commit()
        return c


def _admin(s):
    user = accounts.create_user(s, "root", PASSWORD)
    accounts.add_membership(s, user, "admin", None)
    s.commit()
    return user


@dataclass
class Case:
    method: str
    url: Callable[[World, str], str]  # (world, "in" | "out") -> url
    allowed: set[str] | str
    data: Callable[[World, str], dict] | dict | None = None
    scoped: bool = True  # an object outside the scope must be a 404
    api: bool = False
    extra: dict = field(default_factory=dict)

    def payload(self, w, where):
        return self.data(w, where) if callable(self.data) else self.data


def url(fmt: str, make: str, **kw):
    """``url('/nodes/{}', 'node')`` builds a fresh object of that kind for each request."""
    return lambda w, where: fmt.format(getattr(w, make)(where, **kw).id)


def fixed(path: str):
    return lambda w, where: path


NODE_FORM = {"code": "5.02.02.2.01", "name": "Kegiatan uji diubah"}
QUICK_IND = {"name": "Jumlah peserta", "unit": "orang", "target_y": "5"}
IND_FORM = {"name": "Jumlah layanan uji", "unit": "layanan"}
VERIFY = {"admin", "reviewer", "pimpinan"}


def cell(suffix: str = "", reported: bool = False, api: bool = False):
    """The TW1 cell of a fresh indicator (quarterly), optionally with a value already reported."""
    def build(w, where):
        ind = w.indicator(where)
        plan = w.s.get(Plan, ind.plan_id)
        if reported:
            mon.record_realization(w.s, ind, plan.first_year, "TW1", value=3)
        w.s.commit()
        base = f"/api/v1/indicators/{ind.id}/realizations" if api else f"/indicators/{ind.id}/realisasi"
        return f"{base}/{plan.first_year}/TW1{suffix}"
    return build


def plan_cell(suffix: str, closed: bool = False):
    def build(w, where):
        plan = w.plan(where)
        if closed:
            mon.close_period(w.s, plan, plan.first_year, "TW1")
            w.s.commit()
        return f"/plans/{plan.id}/realisasi/{plan.first_year}/TW1{suffix}"
    return build


def node_year(fmt: str):
    return lambda w, where: (lambda n: fmt.format(n.id, w.s.get(Plan, n.plan_id).first_year))(w.node(where))


def evidence(suffix: str = ""):
    def build(w, where):
        ind = w.indicator(where)
        row = mon.add_evidence_link(w.s, ind, w.s.get(Plan, ind.plan_id).first_year, "TW1", "https://contoh.id/bukti")
        w.s.commit()
        return f"/evidence/{row.id}{suffix}"
    return build


def follow_up(suffix: str = ""):
    def build(w, where):
        ind = w.indicator(where)
        row = mon.add_follow_up(w.s, ind, w.s.get(Plan, ind.plan_id).first_year, "TW1",
                                FollowUpCreate(action="Periksa data Samsat"))
        w.s.commit()
        return f"/follow-ups/{row.id}{suffix}"
    return build

def import_job(suffix: str = "", dry_done: bool = False):
    """An import job of the organisation (started by the administrator), e.g. a clean dry run."""
    def build(w, where):
        from planner.models.imports import ImportJob
        from planner.excel.import_template import build_template
        job = ImportJob(organization_id=w.orgs[where].id, filename="t.xlsx", content=build_template(),
                        dry_run=True, status="done" if dry_done else "failed")
        w.s.add(job)
        w.s.commit()
        return f"/imports/{job.id}{suffix}"
    return build


def upload(w, where, extra=None):
    import io
    from planner.excel.import_template import build_template
    return {"file": (io.BytesIO(build_template()), "templat.xlsx"), "organization_id": str(w.orgs[where].id),
            "dry_run": "1", **(extra or {})}


TABLE: dict[str, Case] = {
    # auth
    "auth.login": Case("GET", fixed("/login"), PUBLIC, scoped=False),
    "auth.logout": Case("POST", fixed("/logout"), ALL, scoped=False),
    "auth.change_password": Case("GET", fixed("/account/password"), ALL, scoped=False),
    "auth.set_language": Case("POST", fixed("/lang/en"), PUBLIC, scoped=False),
    "healthz": Case("GET", fixed("/healthz"), PUBLIC, scoped=False),
    # plans
    "plans.home": Case("GET", fixed("/"), ALL, scoped=False),
    "plans.switch": Case("GET", fixed("/switch?year=2027"), ALL, scoped=False),
    "plans.new_plan": Case("POST", fixed("/plans/new"), EDIT,
                           data=lambda w, where: {"source": "empty", "organization_id": w.orgs[where].id,
                                                  "kind": "renja", "scheme": "daerah", "year": w.year(where),
                                                  "name": "Renja baru uji"}),
    "plans.show": Case("GET", url("/plans/{}", "plan"), ALL),
    "plans.edit_plan": Case("POST", url("/plans/{}/edit", "plan"), EDIT, data={"name": "Nama rencana baru"}),
    "plans.add_node": Case("POST", url("/plans/{}/nodes", "plan"), EDIT,
                           data={"kind": "program", "code": "5.02.03", "name": "Program tambahan"}),
    "plans.new_root": Case("GET", url("/plans/{}/nodes/new", "plan"), EDIT),
    "plans.node_row": Case("GET", url("/nodes/{}", "node"), ALL),
    "plans.edit_node": Case("GET", url("/nodes/{}/edit", "node"), EDIT),
    "plans.new_child": Case("GET", url("/nodes/{}/children/new", "node"), EDIT),
    "plans.update_node": Case("POST", url("/nodes/{}", "node"), EDIT, data=NODE_FORM),
    "plans.move_node": Case("POST", url("/nodes/{}/move", "node"), EDIT, data={"direction": "up"}),
    "plans.delete_node": Case("POST", url("/nodes/{}/delete", "node"), EDIT, data={"confirm": "1"}),
    "plans.quick_indicator": Case("GET", url("/nodes/{}/indicators/quick", "node"), EDIT),
    "plans.add_indicator": Case("POST", url("/nodes/{}/indicators", "node"), EDIT, data=QUICK_IND),
    "plans.new_indicator": Case("GET", url("/nodes/{}/indicators/new", "node"), EDIT),
    "plans.create_indicator": Case("POST", url("/nodes/{}/indicators/new", "node"), EDIT, data=IND_FORM),
    "plans.indicator": Case("GET", url("/indicators/{}", "indicator"), ALL),
    "plans.save_indicator": Case("POST", url("/indicators/{}", "indicator"), EDIT, data=IND_FORM),
    "plans.save_targets": Case("POST", url("/indicators/{}/targets", "indicator"), EDIT, data={}),
    "plans.move_indicator": Case("POST", url("/indicators/{}/move", "indicator"), EDIT, data={"direction": "up"}),
    "plans.delete_indicator": Case("POST", url("/indicators/{}/delete", "indicator"), EDIT),
    "plans.validate_indicator": Case("POST", fixed("/indicators/validate"), ALL, scoped=False,
                                     data={"unit": "%", "accumulation": "sum"}),
    # review
    "review.queue": Case("GET", fixed("/review"), {"admin", "reviewer", "pimpinan"}, scoped=False),
    "review.transition": Case("POST", url("/plans/{}/transition", "plan"), EDIT, data={"action": "submit"}),
    "review.revise": Case("POST", url("/plans/{}/revisions", "plan", status="locked"), {"admin", "penyusun", "pimpinan"},
                          data={"reason": "Penyesuaian pagu"}),
    "review.diff": Case("GET", url("/plans/{}/diff", "revision"), ALL),
    "review.history": Case("GET", url("/plans/{}/history", "plan"), ALL),
    "review.history_export": Case("GET", url("/plans/{}/history.xlsx", "plan"), ALL),
    "review.add_comment": Case("POST", url("/plans/{}/comments", "plan"), COMMENT, data={"body": "Catatan"}),
    "review.resolve": Case("POST", url("/comments/{}/resolve", "comment"), COMMENT),
    # worksheets (the public-service activity worksheet of a kegiatan)
    "worksheets.page": Case("GET", url("/nodes/{}/lembar-kerja", "node"), ALL),
    "worksheets.save_step": Case("POST", url("/nodes/{}/lembar-kerja/needs", "node"), EDIT, data={}),
    "worksheets.print_view": Case("GET", url("/nodes/{}/lembar-kerja/cetak", "node"), ALL),
    "worksheets.xlsx": Case("GET", url("/nodes/{}/lembar-kerja.xlsx", "node"), ALL),
    # monitoring: realisation, evidence, narrative, follow-up, verification, closing, budget, dashboards
    "monitoring.plan_grid": Case("GET", url("/plans/{}/realisasi", "plan"), ALL),
    "monitoring.node_grid": Case("GET", url("/nodes/{}/realisasi", "node"), ALL),
    "monitoring.save_cell": Case("POST", cell(), EDIT, data={"value": "5"}),
    "monitoring.verify_cell": Case("POST", cell("/verify", reported=True), VERIFY, data={"decision": "verify"}),
    "monitoring.close_period": Case("POST", plan_cell("/close"), VERIFY),
    "monitoring.reopen_period": Case("POST", plan_cell("/reopen", closed=True), VERIFY, data={"note": "Koreksi data"}),
    "monitoring.detail": Case("GET", cell(), ALL),
    "monitoring.add_evidence": Case("POST", cell("/evidence"), EDIT, data={"url": "https://contoh.id/bukti"}),
    "monitoring.evidence_file": Case("GET", evidence(), ALL),
    "monitoring.delete_evidence": Case("POST", evidence("/delete"), EDIT),
    "monitoring.save_narrative": Case("POST", cell("/narrative"), EDIT, data={"faktor_pendorong": "Dukungan Samsat"}),
    "monitoring.add_follow_up": Case("POST", cell("/follow-ups"), EDIT, data={"action": "Tambah loket"}),
    "monitoring.update_follow_up": Case("POST", follow_up(), EDIT, data={"done": "1"}),
    "monitoring.delete_follow_up": Case("POST", follow_up("/delete"), EDIT),
    "monitoring.budget": Case("GET", url("/plans/{}/anggaran", "plan"), ALL),
    "monitoring.save_budget": Case("POST", node_year("/nodes/{}/anggaran/{}"), EDIT, data={"pagu": "1000", "TW1": "100"}),
    "monitoring.dashboard": Case("GET", url("/plans/{}/dashboard", "plan"), ALL),
    "monitoring.ranking": Case("GET", fixed("/monitoring"), VERIFY, scoped=False),
    # admin
    "admin.index": Case("GET", fixed("/admin/"), ADMIN, scoped=False),
    "admin.users": Case("GET", fixed("/admin/users"), ADMIN, scoped=False),
    "admin.toggle_active": Case("POST", lambda w, where: f"/admin/users/{_admin(w.s).id if not accounts.by_username(w.s, 'root') else accounts.by_username(w.s, 'root').id}/active", ADMIN, scoped=False),
    "admin.add_membership": Case("POST", lambda w, where: f"/admin/users/{w.s.exec(__import__('sqlmodel').select(__import__('planner.models', fromlist=['User']).User)).first().id}/memberships",
                                 ADMIN, scoped=False, data=lambda w, where: {"role": "pengamat", "organization_id": w.orgs["in"].id}),
    "admin.remove_membership": Case("POST", fixed("/admin/memberships/999999/delete"), ADMIN, scoped=False),
    "admin.organizations": Case("GET", fixed("/admin/orgs"), ADMIN, scoped=False),
    "admin.schemes": Case("GET", fixed("/admin/schemes"), ADMIN, scoped=False),
    "admin.schedule_list": Case("GET", fixed("/admin/schedules"), ADMIN, scoped=False),
    "admin.extend": Case("POST", lambda w, where: f"/admin/schedules/{schedules.save(w.s, w.orgs['in'].id, 2026, 'drafting', date(2026, 3, 1)).id}/extend",
                         ADMIN, scoped=False, data={"until": "2026-04-01", "note": "Perpanjangan"}),
    # imports and exports (Excel)
    "imports.index": Case("GET", fixed("/imports"), ALL, scoped=False),
    "imports.upload": Case("POST", fixed("/imports"), EDIT, data=upload),
    "imports.job": Case("GET", import_job(), ALL),
    "imports.run_for_real": Case("POST", import_job("/run", dry_done=True), EDIT),
    "imports.template": Case("GET", fixed("/imports/template.xlsx"), ALL, scoped=False),
    "imports.wizard": Case("GET", fixed("/imports/wizard"), ALL, scoped=False),
    "imports.wizard_step": Case("POST", fixed("/imports/wizard"), EDIT,
                                data=lambda w, where: upload(w, where, {"step": "upload"})),
    "imports.export_xlsx": Case("GET", url("/plans/{}/ekspor/renja.xlsx", "plan"), ALL),
    "imports.print_view": Case("GET", url("/plans/{}/cetak/renja", "plan"), ALL),
    "api.create_import": Case("POST", fixed("/api/v1/imports"), EDIT, api=True, data=upload,
                              extra={"multipart": True}),
    "api.get_import": Case("GET", lambda w, where: "/api/v1" + import_job()(w, where), ALL, api=True),
    "api.export_plan": Case("GET", lambda w, where: f"/api/v1/plans/{w.plan(where).id}/export?kind=renja", ALL, api=True),
    # API
    "api.token": Case("POST", fixed("/api/v1/auth/token"), PUBLIC, scoped=False, api=True),
    "api.openapi": Case("GET", fixed("/api/v1/openapi.json"), PUBLIC, scoped=False, api=True),
    "api.revoke": Case("DELETE", fixed("/api/v1/auth/token"), ALL, scoped=False, api=True),
    "api.organizations": Case("GET", fixed("/api/v1/organizations"), ALL, scoped=False, api=True),
    "api.list_plans": Case("GET", fixed("/api/v1/plans"), ALL, scoped=False, api=True),
    "api.create_plan": Case("POST", fixed("/api/v1/plans"), EDIT, api=True,
                            data=lambda w, where: {"organization_id": w.orgs[where].id, "kind": "renja", "scheme": "daerah",
                                                   "year": w.year(where), "name": "Renja API uji"}),
    "api.get_plan": Case("GET", url("/api/v1/plans/{}", "plan"), ALL, api=True),
    "api.tree": Case("GET", url("/api/v1/plans/{}/tree", "plan"), ALL, api=True),
    "api.create_node": Case("POST", url("/api/v1/plans/{}/nodes", "plan"), EDIT, api=True,
                            data={"kind": "program", "code": "5.02.03", "name": "Program API"}),
    "api.update_node": Case("PUT", url("/api/v1/nodes/{}", "node"), EDIT, api=True, data={"name": "Nama API"}),
    "api.delete_node": Case("DELETE", lambda w, where: f"/api/v1/nodes/{w.node(where).id}?confirm=true", EDIT, api=True),
    "api.create_indicator": Case("POST", url("/api/v1/nodes/{}/indicators", "node"), EDIT, api=True,
                                 data={"name": "Jumlah API", "unit": "orang"}),
    "api.get_indicator": Case("GET", url("/api/v1/indicators/{}", "indicator"), ALL, api=True),
    "api.update_indicator": Case("PUT", url("/api/v1/indicators/{}", "indicator"), EDIT, api=True,
                                 data={"definition": "Definisi"}),
    "api.put_targets": Case("PUT", url("/api/v1/indicators/{}/targets", "indicator"), EDIT, api=True,
                            data={"targets": []}),
    "api.transition": Case("POST", url("/api/v1/plans/{}/transitions", "plan", status="submitted"), REVIEW, api=True,
                           data={"action": "approve"}),
    "api.revision": Case("POST", url("/api/v1/plans/{}/revisions", "plan", status="locked"),
                         {"admin", "penyusun", "pimpinan"}, api=True, data={"reason": "Perubahan"}),
    "api.diff": Case("GET", url("/api/v1/plans/{}/diff", "revision"), ALL, api=True),
    "api.history": Case("GET", url("/api/v1/plans/{}/history", "plan"), ALL, api=True),
    "api.list_comments": Case("GET", url("/api/v1/plans/{}/comments", "plan"), ALL, api=True),
    "api.add_comment": Case("POST", url("/api/v1/plans/{}/comments", "plan"), COMMENT, api=True, data={"body": "Catatan API"}),
    "api.resolve": Case("POST", url("/api/v1/comments/{}/resolve", "comment"), COMMENT, api=True),
    "api.list_realizations": Case("GET", url("/api/v1/indicators/{}/realizations", "indicator"), ALL, api=True),
    "api.put_realization": Case("PUT", cell(api=True), EDIT, api=True, data={"value": 5}),
    "api.delete_realization": Case("DELETE", cell(reported=True, api=True), EDIT, api=True),
    "api.verify_realization": Case("POST", cell("/verification", reported=True, api=True), VERIFY, api=True,
                                   data={"verified": True}),
    "api.achievement": Case("GET", url("/api/v1/indicators/{}/achievement", "indicator"), ALL, api=True),
    "api.rollup": Case("GET", url("/api/v1/plans/{}/rollup", "plan"), ALL, api=True),
    "api.get_budget": Case("GET", node_year("/api/v1/nodes/{}/budget/{}"), ALL, api=True),
    "api.put_budget": Case("PUT", node_year("/api/v1/nodes/{}/budget/{}"), EDIT, api=True,
                           data={"pagu": 1000, "realized": {"TW1": 100}}),
    "api.get_worksheet": Case("GET", url("/api/v1/nodes/{}/worksheet", "node"), ALL, api=True),
    "api.put_worksheet": Case("PUT", url("/api/v1/nodes/{}/worksheet", "node"), EDIT, api=True,
                              data={"steps": [{"key": "needs"}]}),
    "api.put_worksheet_step": Case("PUT", url("/api/v1/nodes/{}/worksheet/control", "node"), EDIT, api=True, data={}),
}
SKIPPED = {"static"}


def test_every_route_is_in_the_table(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - SKIPPED
    missing = sorted(endpoints - set(TABLE))
    assert not missing, f"routes without an authorization entry: {missing}"
    assert not sorted(set(TABLE) - endpoints), "entries for routes that no longer exist"


def test_every_api_route_is_in_the_openapi_document(app):
    from planner.web.api.openapi import PATHS
    documented = {(path, m.upper()) for path, ops in PATHS.items() for m in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi":
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))  # <int:id>, <period>
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, f"{method} {path} missing from openapi.PATHS"


@pytest.fixture
def world(s, make_org):
    org_a = make_org("UNIT-A", "Dinas A")
    org_b = make_org("UNIT-B", "Dinas B")
    return World(s, org_a, org_b)


def _request(app, role_user, case: Case, where: str, w: World):
    client = app.test_client()
    headers = {}
    if role_user:
        if case.api:
            tok = client.post("/api/v1/auth/token", json={"username": role_user, "password": PASSWORD}).json["token"]
            headers["Authorization"] = f"Bearer {tok}"
        else:
            client.post("/login", data={"username": role_user, "password": PASSWORD})
    target = case.url(w, where)
    payload = case.payload(w, where)
    w.s.commit()  # the builders' transaction must not hold SQLite's lock during the request
    if case.extra.get("multipart"):
        return client.open(target, method=case.method, data=payload, headers=headers)
    if case.api and case.method != "GET":
        if target == "/api/v1/auth/token" and case.method == "POST":
            payload = {"username": role_user or "root", "password": PASSWORD}
        return client.open(target, method=case.method, json=payload or {}, headers=headers)
    return client.open(target, method=case.method, data=payload, headers=headers)


@pytest.mark.parametrize("role", ROLES)
def test_route_permissions(app, s, world, role):
    user = accounts.create_user(s, f"user-{role}", PASSWORD)
    accounts.add_membership(s, user, role, None if role == "admin" else world.orgs["in"].id)
    s.commit()
    failures = []
    for endpoint, case in TABLE.items():
        resp = _request(app, user.username, case, "in", world)
        allowed = case.allowed == PUBLIC or role in case.allowed
        ok = resp.status_code < 400 if allowed else resp.status_code == 403
        if not ok:
            failures.append(f"{endpoint} as {role}: {resp.status_code} (allowed={allowed}) {resp.get_data(as_text=True)[:160]}")
        if case.scoped and role != "admin":
            out = _request(app, user.username, case, "out", world)
            if out.status_code != 404:
                failures.append(f"{endpoint} as {role} outside scope: {out.status_code}, expected 404")
    assert not failures, "\n".join(failures)


def test_anonymous_users_are_sent_to_login(app, world):
    failures = []
    for endpoint, case in TABLE.items():
        if case.allowed == PUBLIC:
            continue
        resp = _request(app, None, case, "in", world)
        expected = 401 if case.api or resp.status_code == 401 else 302
        if resp.status_code != expected or (expected == 302 and "/login" not in resp.headers.get("Location", "")):
            failures.append(f"{endpoint}: {resp.status_code}")
    assert not failures, failures
