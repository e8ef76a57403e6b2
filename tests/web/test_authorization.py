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
from planner.services import accounts, orgs, plans, schedules, workflow
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
        self._base = dict(self.orgs)
        self._years = {"in": itertools.count(2000), "out": itertools.count(2000)}
        self._spills = itertools.count(1)

    def year(self, where: str) -> int:
        """Each Renja needs its own year within an organisation. Past the last valid year (2100) the side moves
        to a fresh sub-unit of its organisation, which stays inside (or outside) the user's scope the same way."""
        year = next(self._years[where])
        if year > 2100:
            base, n = self._base[where], next(self._spills)
            self.orgs[where] = orgs.create(self.s, f"{base.code}-{n}", f"{base.name} {n}", base.kind, base.id)
            self._years[where] = itertools.count(2000)
            year = next(self._years[where])
        return year

    def plan(self, where="in", status="draft"):
        year = self.year(where)
        org = self.orgs[where]
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
SETTINGS = {"admin", "pimpinan"}


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

def action_step(suffix: str = "", api: bool = False, past: bool = True):
    """A fresh step in a fresh plan's kegiatan; ``w.step_year`` is that plan's year (a mark's date). Without
    ``past`` (no mark to date) the plan keeps its year."""
    def build(w, where):
        from planner.models.action_plan import StepIn
        from planner.services import action_plans

        node = w.node(where)
        admin = accounts.by_username(w.s, "root") or _admin(w.s)
        (row,) = action_plans.save_action_plan(w.s, principal_for(w.s, admin), node,
                                               [StepIn(name="Rapat koordinasi", months=[1])])
        # A mark's date lies in the plan's year and not in the future: move the plan to a past year of its own.
        if past:
            plan = w.s.get(Plan, node.plan_id)
            plan.first_year = plan.last_year = w.step_year = next(_PAST_YEARS)
        w.s.commit()
        return (f"/api/v1/action-steps/{row.id}" if api else f"/langkah/{row.id}") + suffix
    return build


def step_evidence_row(suffix: str = "", api: bool = False):
    """A link as evidence of a fresh step (see ``action_step``)."""
    def build(w, where):
        from planner.services import action_plans, step_evidence

        step = action_plans.get_step(w.s, int(action_step(past=False)(w, where).split("/")[-1]))
        row = step_evidence.add_link(w.s, step, "https://contoh.id/bukti-langkah")
        w.s.commit()
        return (f"/api/v1/action-step-evidence/{row.id}" if api else f"/langkah-bukti/{row.id}") + suffix
    return build


_PAST_YEARS = itertools.count(1900)
MARK = lambda w, where: {"status": "done", "on": f"{w.step_year}-01-15"}  # noqa: E731
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
    "plans.switch": Case("POST", fixed("/switch"), ALL, scoped=False, data={"year": "2027"}),
    "plans.new_plan": Case("POST", fixed("/plans/new"), EDIT,
                           data=lambda w, where: {"source": "empty", "year": w.year(where),  # year first: it may
                                                  "organization_id": w.orgs[where].id,  # move the side
                                                  "kind": "renja", "scheme": "daerah", "name": "Renja baru uji"}),
    "plans.show": Case("GET", url("/plans/{}", "plan"), ALL),
    "plans.edit_plan": Case("POST", url("/plans/{}/edit", "plan"), EDIT, data={"name": "Nama rencana baru"}),
    "plans.add_node": Case("POST", url("/plans/{}/nodes", "plan"), EDIT,
                           data={"kind": "program", "code": "5.02.03", "name": "Program tambahan"}),
    "plans.new_root": Case("GET", url("/plans/{}/nodes/new", "plan"), EDIT),
    "plans.node_row": Case("GET", url("/nodes/{}", "node"), ALL),
    "plans.branch": Case("GET", url("/nodes/{}/branch", "node"), ALL),
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
    # only a comment's author edits or withdraws it: the world's comments are root's, so every role here gets 403
    "review.edit_comment": Case("POST", url("/comments/{}/edit", "comment"), set(), data={"body": "Diperbaiki"}),
    "review.withdraw_comment": Case("POST", url("/comments/{}/withdraw", "comment"), set()),
    # worksheets (the public-service activity worksheet of a kegiatan)
    "worksheets.page": Case("GET", url("/nodes/{}/lembar-kerja", "node"), ALL),
    "worksheets.save_step": Case("POST", url("/nodes/{}/lembar-kerja/needs", "node"), EDIT, data={}),
    "worksheets.print_view": Case("GET", url("/nodes/{}/lembar-kerja/cetak", "node"), ALL),
    "worksheets.xlsx": Case("GET", url("/nodes/{}/lembar-kerja.xlsx", "node"), ALL),
    # monitoring: realisation, evidence, narrative, follow-up, verification, closing, budget, dashboards
    "monitoring.plan_grid": Case("GET", url("/plans/{}/realisasi", "plan"), ALL),
    "monitoring.node_grid": Case("GET", url("/nodes/{}/realisasi", "node"), ALL),
    "monitoring.grid_part": Case("GET", url("/nodes/{}/realisasi/baris", "node"), ALL),
    "monitoring.grid_summary": Case("GET", url("/plans/{}/realisasi/ringkasan", "plan"), ALL),
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
    "monitoring.ranking": Case("GET", fixed("/monitoring"), ALL, scoped=False),
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
                            data=lambda w, where: {"year": w.year(where), "organization_id": w.orgs[where].id,
                                                   "kind": "renja", "scheme": "daerah", "name": "Renja API uji"}),
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
    "api.edit_comment": Case("PUT", url("/api/v1/comments/{}", "comment"), set(), api=True, data={"body": "Diperbaiki"}),
    "api.withdraw_comment": Case("DELETE", url("/api/v1/comments/{}", "comment"), set(), api=True),
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
    # issue 8: plan versions
    "api.plan_versions": Case("GET", url("/api/v1/plans/{}/versions", "revision"), ALL, api=True),
    # action plans (rencana aksi, issue #17): steps follow plan.edit, marks realization.edit
    "action_plans.node_page": Case("GET", url("/nodes/{}/rencana-aksi", "node"), ALL),
    "action_plans.save": Case("POST", url("/nodes/{}/rencana-aksi", "node"), EDIT,
                              data={"steps.0.name": "Rapat koordinasi", "steps.0.months": "1"}),
    "action_plans.set_status": Case("POST", action_step("/status"), EDIT, data=MARK),
    "action_plans.plan_timeline": Case("GET", url("/plans/{}/rencana-aksi", "plan"), ALL),
    "action_plans.unit_timeline": Case("GET", lambda w, where: f"/organisasi/{w.orgs[where].id}/rencana-aksi", ALL),
    "action_plans.node_xlsx": Case("GET", url("/nodes/{}/rencana-aksi.xlsx", "node"), ALL),
    "action_plans.plan_xlsx": Case("GET", url("/plans/{}/rencana-aksi.xlsx", "plan"), ALL),
    "api.get_action_plan": Case("GET", url("/api/v1/nodes/{}/action-plan", "node"), ALL, api=True),
    "api.put_action_plan": Case("PUT", url("/api/v1/nodes/{}/action-plan", "node"), EDIT, api=True,
                                data={"steps": [{"name": "Rapat koordinasi", "months": [1]}]}),
    "api.put_step_status": Case("PUT", action_step("/status", api=True), EDIT, api=True, data=MARK),
    # a step's evidence (files and links, as a realisation has them): added and removed as marks are
    "action_plans.add_evidence": Case("POST", action_step("/bukti", past=False), EDIT,
                                      data={"url": "https://contoh.id/bukti"}),
    "action_plans.evidence_file": Case("GET", step_evidence_row(), ALL),
    "action_plans.delete_evidence": Case("POST", step_evidence_row("/hapus"), EDIT),
    "api.list_step_evidence": Case("GET", action_step("/evidence", api=True, past=False), ALL, api=True),
    "api.add_step_evidence": Case("POST", action_step("/evidence", api=True, past=False), EDIT, api=True,
                                  data={"url": "https://contoh.id/bukti"}),
    "api.get_step_evidence": Case("GET", step_evidence_row(api=True), ALL, api=True),
    "api.delete_step_evidence": Case("DELETE", step_evidence_row(api=True), EDIT, api=True),
    # calculation settings of an organisation (methodology §9) and the methodology page
    "methodology.page": Case("GET", fixed("/cara-menghitung"), PUBLIC, scoped=False),
    "settings.page": Case("GET", lambda w, where: f"/organisasi/{w.orgs[where].id}/pengaturan", ALL),
    "settings.save": Case("POST", lambda w, where: f"/organisasi/{w.orgs[where].id}/pengaturan", SETTINGS,
                          data={"lower_is_better_formula": "T/R", "tolerance": "10", "rollup_cap": "none"}),
    "api.get_settings": Case("GET", lambda w, where: f"/api/v1/organizations/{w.orgs[where].id}/settings", ALL,
                             api=True),
    "api.put_settings": Case("PUT", lambda w, where: f"/api/v1/organizations/{w.orgs[where].id}/settings", SETTINGS,
                             api=True, data={"tolerance": 10}),
}
# ---------------------------------------------------------------- service evaluation (issue 14)

_CODES = itertools.count(1)


def _instrument(w):
    from planner.services import instruments
    inst = instruments.create(w.s, {"code": f"UJI-{next(_CODES)}", "name": "Instrumen uji", "aspects": [
        {"code": "1", "name": "Kebijakan", "weight": 60, "indicators": [{"code": "1.1", "name": "SP", "weight": 100}]},
        {"code": "2", "name": "SDM", "weight": 40, "indicators": [{"code": "2.1", "name": "Kode etik", "weight": 100}]}]})
    w.s.commit()
    return inst


def _evaluation(w, where, with_plan=False):
    """An evaluation; ``with_plan``: of the year of a fresh draft Renja (where 'Jadikan kegiatan' writes)."""
    from planner.models.evaluation import EvaluationCreate
    from planner.services import evaluations
    plan = w.plan(where) if with_plan else None
    ev = evaluations.create(w.s, EvaluationCreate(organization_id=w.orgs[where].id,
                                                  year=plan.first_year if plan else 2030,
                                                  instrument_id=_instrument(w).id))
    evaluations.save_scores(w.s, ev, {"1.1": 3, "2.1": 4})
    w.s.commit()
    w.stash = {"plan": plan, "program": plans.load_tree(w.s, plan).roots[0].node if plan else None, "evaluation": ev}
    return ev


def ev_url(fmt: str, with_plan=False):
    return lambda w, where: fmt.format(_evaluation(w, where, with_plan).id)


def _ev_evidence(w, where):
    from planner.services import evaluations
    ev = _evaluation(w, where)
    ind_id = evaluations.instruments.load(w.s, evaluations.instruments.get(w.s, ev.instrument_id)).indicators[0].id
    row = evaluations.add_evidence_link(w.s, ev, ind_id, "https://contoh.id/sk-sp")
    w.s.commit()
    return row


def ev_evidence(suffix: str = ""):
    return lambda w, where: f"/evaluasi-bukti/{_ev_evidence(w, where).id}{suffix}"


def _gap_node(w, where):
    from planner.services import evaluations
    ev = _evaluation(w, where, with_plan=True)
    link = evaluations.make_activity(w.s, ev, "1.1", w.stash["plan"], evaluations.ActivityIn(
        parent_id=w.stash["program"].id, code="5.02.02.2.09", name="Penyusunan SP", indicator_name="Dokumen SP",
        unit="dokumen", target=1))
    w.s.commit()
    return f"/nodes/{link.node_id}/evaluasi"


def _survey(w, where, answered=True, with_plan=False):
    from planner.services import surveys
    plan = w.plan(where) if with_plan else None
    sv = surveys.create(w.s, {"organization_id": w.orgs[where].id, "year": plan.first_year if plan else 2026,
                              "name": "SKM uji",
                              "population": 100})
    if answered:
        surveys.add_responses(w.s, sv, [{f"U{n}": 3 for n in range(1, 10)}])
    w.s.commit()
    w.stash = {"plan": plan, "survey": sv}
    return sv


def sv_url(fmt: str, with_plan=False):
    return lambda w, where: fmt.format(_survey(w, where, with_plan=with_plan).id)


def _complaint(w, where):
    from planner.services import complaints
    row = complaints.create(w.s, {"organization_id": w.orgs[where].id, "channel": "lapor",
                                  "received_on": "2001-03-01", "summary": "Antrean lama"})
    w.s.commit()
    return row


def _published(w, where):
    from planner.services import publication
    publication.save_profile(w.s, w.orgs[where].id, {"published": True, "show_skm": True, "show_complaints": True,
                                                     "show_survey_link": True, "show_standards": True})
    w.s.commit()
    return w.orgs[where].code


def _questionnaire(w, where):
    return f"/kuesioner/{_survey(w, where, answered=False).public_token}"


def _realization_plan(w, where):
    from planner.services import complaints
    plan = w.plan(where)
    row = complaints.create(w.s, {"organization_id": w.orgs[where].id, "channel": "web",
                                  "received_on": f"{plan.first_year}-02-01", "summary": "Data salah"},
                             today=date(2100, 12, 31))
    complaints.update(w.s, row, {"status": "selesai", "resolved_on": f"{plan.first_year}-02-03", "response": "Dikoreksi"})
    w.s.commit()
    w.stash = {"plan": plan}
    return f"/pengaduan/realisasi?org={w.orgs[where].id}&year={plan.first_year}"


def _plan_indicator(w) -> int:
    return plans.load_tree(w.s, w.stash["plan"]).roots[0].children[0].indicators[0].id


def _csv(text: str):
    import io
    return lambda w, where: {"file": (io.BytesIO(text.encode()), "data.csv")}


ANSWERS = {f"U{n}": "3" for n in range(1, 10)}
PUBLISH = {"admin", "penyusun", "pimpinan"}
INSTRUMENT_JSON = {"code": "UJI-API", "name": "Instrumen API", "aspects": [
    {"code": "1", "name": "Kebijakan", "weight": 100, "indicators": [{"code": "1.1", "name": "SP", "weight": 100}]}]}
TABLE.update({
    "evaluation.hub": Case("GET", fixed("/layanan-publik"), ALL, scoped=False),
    "evaluation.index": Case("GET", fixed("/evaluasi"), ALL, scoped=False),
    "evaluation.create": Case("POST", fixed("/evaluasi"), EDIT,
                              data=lambda w, where: {"organization_id": w.orgs[where].id, "year": 2030,
                                                     "instrument_id": _instrument(w).id}, scoped=True),
    "evaluation.show": Case("GET", ev_url("/evaluasi/{}"), ALL),
    "evaluation.save_scores": Case("POST", ev_url("/evaluasi/{}/nilai"), EDIT, data={"score:1.1": "4"}),
    "evaluation.set_status": Case("POST", ev_url("/evaluasi/{}/status"), EDIT, data={"status": "final"}),
    "evaluation.set_tier": Case("POST", ev_url("/evaluasi/{}/prioritas/1.1"), EDIT,
                                data={"tier": "III", "reason": "Sudah dianggarkan"}),
    "evaluation.add_evidence": Case("POST", ev_url("/evaluasi/{}/bukti"), EDIT,
                                    data=lambda w, where: {"indicator_id": evaluations_first_indicator(w),
                                                           "url": "https://contoh.id/bukti"}),
    "evaluation.evidence_file": Case("GET", ev_evidence(), ALL),
    "evaluation.delete_evidence": Case("POST", ev_evidence("/hapus"), EDIT),
    "evaluation.new_activity": Case("GET", ev_url("/evaluasi/{}/kegiatan/1.1", True), EDIT),
    "evaluation.make_activity": Case("POST", ev_url("/evaluasi/{}/kegiatan/1.1", True), EDIT,
                                     data=lambda w, where: {"parent_id": w.stash["program"].id, "code": "5.02.02.2.05",
                                                            "name": "Penyusunan SP", "indicator_name": "Dokumen SP",
                                                            "unit": "dokumen", "target": "1"}),
    "evaluation.node_links": Case("GET", _gap_node, ALL),
    "evaluation.instrument_list": Case("GET", fixed("/instrumen"), ALL, scoped=False),
    "evaluation.create_instrument": Case("POST", fixed("/instrumen"), ADMIN, scoped=False,
                                         data={"code": "UJI-WEB", "name": "Instrumen web",
                                               "text": "# 1 | Kebijakan | 100\n1.1 | SP | 100"}),
    "evaluation.load_standard": Case("POST", fixed("/instrumen/baku"), ADMIN, scoped=False),
    "evaluation.instrument": Case("GET", lambda w, where: f"/instrumen/{_instrument(w).id}", ALL, scoped=False),
    "evaluation.update_instrument": Case("POST", lambda w, where: f"/instrumen/{_instrument(w).id}", ADMIN, scoped=False,
                                         data={"name": "Instrumen diubah", "text": "# 1 | Kebijakan | 100\n1.1 | SP | 100"}),
    "surveys.index": Case("GET", fixed("/skm"), ALL, scoped=False),
    "surveys.create": Case("POST", fixed("/skm"), EDIT,
                           data=lambda w, where: {"organization_id": w.orgs[where].id, "year": 2026, "name": "SKM baru"}),
    "surveys.show": Case("GET", sv_url("/skm/{}"), ALL),
    "surveys.add_response": Case("POST", sv_url("/skm/{}/responden"), EDIT, data=ANSWERS),
    "surveys.import_responses": Case("POST", sv_url("/skm/{}/impor"), EDIT, data=_csv("U1,U2\n4,3\n")),
    "surveys.report_xlsx": Case("GET", sv_url("/skm/{}/laporan.xlsx"), ALL),
    "surveys.print_view": Case("GET", sv_url("/skm/{}/cetak"), ALL),
    "surveys.post_realization": Case("POST", sv_url("/skm/{}/realisasi", True), EDIT,
                                     data=lambda w, where: {"indicator_id": _plan_indicator(w), "period": "TW4"}),
    "complaints.index": Case("GET", lambda w, where: f"/pengaduan?org={w.orgs[where].id}&year=2001", ALL),
    "complaints.create": Case("POST", lambda w, where: f"/pengaduan?org={w.orgs[where].id}", EDIT,
                              data={"channel": "loket", "received_on": "2001-01-05", "summary": "Loket tutup"}),
    "complaints.update": Case("POST", lambda w, where: f"/pengaduan/{_complaint(w, where).id}", EDIT,
                              data={"status": "diproses"}),
    "complaints.import_file": Case("POST", lambda w, where: f"/pengaduan/impor?org={w.orgs[where].id}", EDIT,
                                   data=_csv("kanal,tanggal_diterima,uraian\nlapor,2001-02-01,Antrean\n")),
    "complaints.post_realization": Case("POST", _realization_plan, EDIT,
                                        data=lambda w, where: {"indicator_id": _plan_indicator(w), "period": "TW4"}),
    "public.page": Case("GET", lambda w, where: f"/publik/{_published(w, where)}", PUBLIC, scoped=False),
    "public.questionnaire": Case("GET", _questionnaire, PUBLIC, scoped=False),
    "public.submit": Case("POST", _questionnaire, PUBLIC, scoped=False, data=ANSWERS),
    "public.settings": Case("GET", lambda w, where: f"/layanan-publik/{w.orgs[where].id}/publikasi", ALL),
    "public.save_settings": Case("POST", lambda w, where: f"/layanan-publik/{w.orgs[where].id}/publikasi", PUBLISH,
                                 data={"published": "1", "show_skm": "1"}),
    "api.list_instruments": Case("GET", fixed("/api/v1/instruments"), ALL, scoped=False, api=True),
    "api.create_instrument": Case("POST", fixed("/api/v1/instruments"), ADMIN, scoped=False, api=True,
                                  data=INSTRUMENT_JSON),
    "api.get_instrument": Case("GET", lambda w, where: f"/api/v1/instruments/{_instrument(w).id}", ALL, scoped=False,
                               api=True),
    "api.update_instrument": Case("PUT", lambda w, where: f"/api/v1/instruments/{_instrument(w).id}", ADMIN,
                                  scoped=False, api=True, data=lambda w, where: {**INSTRUMENT_JSON,
                                                                                 "code": w.s.exec(__import__('sqlmodel').select(__import__('planner.models', fromlist=['Instrument']).Instrument).order_by(__import__('planner.models', fromlist=['Instrument']).Instrument.id.desc())).first().code}),
    "api.create_evaluation": Case("POST", fixed("/api/v1/evaluations"), EDIT, api=True,
                                  data=lambda w, where: {"organization_id": w.orgs[where].id, "year": 2031,
                                                         "instrument_id": _instrument(w).id}),
    "api.get_evaluation": Case("GET", ev_url("/api/v1/evaluations/{}"), ALL, api=True),
    "api.put_scores": Case("PUT", ev_url("/api/v1/evaluations/{}/scores"), EDIT, api=True,
                           data={"scores": {"1.1": 5}}),
    "api.create_survey": Case("POST", fixed("/api/v1/surveys"), EDIT, api=True,
                              data=lambda w, where: {"organization_id": w.orgs[where].id, "year": 2026,
                                                     "name": "SKM API"}),
    "api.post_responses": Case("POST", sv_url("/api/v1/surveys/{}/responses"), EDIT, api=True,
                               data={"responses": [{f"U{n}": 4 for n in range(1, 10)}]}),
    "api.survey_result": Case("GET", sv_url("/api/v1/surveys/{}/result"), ALL, api=True),
    "api.sample_size": Case("GET", fixed("/api/v1/surveys/sample-size?population=100"), ALL, scoped=False, api=True),
    "api.create_complaint": Case("POST", fixed("/api/v1/complaints"), EDIT, api=True,
                                 data=lambda w, where: {"organization_id": w.orgs[where].id, "channel": "web",
                                                        "received_on": "2001-01-02", "summary": "Situs lambat"}),
    "api.update_complaint": Case("PUT", lambda w, where: f"/api/v1/complaints/{_complaint(w, where).id}", EDIT, api=True,
                                 data={"status": "diproses"}),
    "api.complaint_summary": Case("GET", lambda w, where: f"/api/v1/complaints/summary?organization_id={w.orgs[where].id}&year=2001",
                                  ALL, api=True),
})


def evaluations_first_indicator(w) -> int:
    from planner.services import instruments
    ev = w.stash["evaluation"]
    return instruments.load(w.s, instruments.get(w.s, ev.instrument_id)).indicators[0].id


# plan checks and the cascading view (issue 15)
ACK = {"admin", "reviewer", "pimpinan", "instruktur"}


def acknowledged(suffix: str):
    """A fresh indicator whose M01 finding (metadata missing) an admin has acknowledged."""
    def build(w, where):
        from planner.services import checks
        ind = w.indicator(where)
        admin = accounts.by_username(w.s, "root") or _admin(w.s)
        checks.acknowledge(w.s, principal_for(w.s, admin), "M01", ind.id, "Metadata di lampiran")
        w.s.commit()
        return f"/findings/M01/{ind.id}{suffix}"
    return build


TABLE.update({
    "checks.units": Case("GET", fixed("/review/units"), {"admin", "reviewer", "pimpinan"}, scoped=False),
    "checks.plan_checks_page": Case("GET", url("/plans/{}/checks", "plan"), ALL),
    "checks.comment": Case("POST", url("/plans/{}/checks/comment", "plan"), COMMENT,
                           data={"rule": "M01", "body": "Mohon lengkapi definisi", "message": "Metadata"}),
    "checks.acknowledge": Case("POST", url("/findings/M01/{}/acknowledge", "indicator"), ACK,
                               data={"reason": "Metadata di lampiran"}),
    "checks.withdraw": Case("POST", acknowledged("/withdraw"), ACK),
    "checks.plan_cascade": Case("GET", url("/plans/{}/pohon", "plan"), ALL),
    "checks.plan_cascade_svg": Case("GET", url("/plans/{}/pohon.svg", "plan"), ALL),
    "checks.org_cascade": Case("GET", lambda w, where: f"/orgs/{w.orgs[where].id}/pohon?year=2000", ALL),
    "checks.org_cascade_svg": Case("GET", lambda w, where: f"/orgs/{w.orgs[where].id}/pohon.svg?year=2000", ALL),
    "api.plan_checks": Case("GET", url("/api/v1/plans/{}/checks", "plan"), ALL, api=True),
    "api.acknowledge_finding": Case("POST", url("/api/v1/findings/M01/{}/acknowledge", "indicator"), ACK, api=True,
                                    data={"reason": "Metadata di lampiran"}),
    "api.plan_cascade": Case("GET", url("/api/v1/plans/{}/cascade", "plan"), ALL, api=True),
})
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


def _request(app, role_user, case: Case, where: str, w: World, logins: dict | None = None):
    """One request of ``case`` by a fresh client of ``role_user``. ``logins`` keeps the user's session cookie and
    API token between requests: each request still starts from the session just after logging in."""
    client = app.test_client()
    headers = {}
    logins = {} if logins is None else logins
    if role_user:
        if case.api:
            if "token" not in logins:
                logins["token"] = client.post("/api/v1/auth/token",
                                              json={"username": role_user, "password": PASSWORD}).json["token"]
            headers["Authorization"] = f"Bearer {logins['token']}"
        elif "session" in logins:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], logins["session"])
        else:
            client.post("/login", data={"username": role_user, "password": PASSWORD})
            logins["session"] = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
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


ENDS_SESSIONS = {"auth.logout", "api.revoke", "admin.toggle_active"}  # log in again after these


@pytest.mark.parametrize("role", ROLES)
def test_route_permissions(app, s, world, role):
    user = accounts.create_user(s, f"user-{role}", PASSWORD)
    accounts.add_membership(s, user, role, None if role == "admin" else world.orgs["in"].id)
    if role == "peserta":  # a trainee's rights hold only in a training sandbox (issue 16): make the side one
        world.orgs["in"].sandbox = True
    s.commit()
    failures, logins = [], {}
    for endpoint, case in TABLE.items():
        if role == "peserta" and endpoint in ROUND_ENDPOINTS:
            continue
        resp = _request(app, user.username, case, "in", world, logins)
        allowed = case.allowed == PUBLIC or role in case.allowed
        ok = resp.status_code < 400 if allowed else resp.status_code == 403
        if not ok:
            failures.append(f"{endpoint} as {role}: {resp.status_code} (allowed={allowed}) {resp.get_data(as_text=True)[:160]}")
        if case.scoped and role != "admin":
            out = _request(app, user.username, case, "out", world, logins)
            if out.status_code != 404:
                failures.append(f"{endpoint} as {role} outside scope: {out.status_code}, expected 404")
        if endpoint in ENDS_SESSIONS:
            logins.clear()
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


# training mode (issue 16): classes, sandboxes, feedback, review, quizzes, the case library
MANAGE = {"admin", "instruktur"}
TAKE = {"admin", "peserta"}
_TSEQ = itertools.count(1)


def _tclass(w, where):
    """A class under the side's organisation (so an instructor there teaches it), with one enrolled trainee."""
    from planner.models.training import TrainingClass
    from planner.services.training import cases, classes
    _forget_deleted_classes(w)
    if not cases.list_cases(w.s):
        cases.load_library(w.s)
    n = next(_TSEQ)
    org = orgs.create(w.s, f"KLS-{n}", f"Kelas uji {n}", "kelas", w.orgs[where].id)
    org.sandbox = True
    klass = TrainingClass(name=f"Kelas uji {n}", organization_id=org.id)
    w.s.add(klass)
    w.s.flush()
    classes.enrol(w.s, klass, [(f"trn{n}a", "Peserta A", "A"), (f"trn{n}b", "Peserta B", "")])
    w.s.commit()
    w.stash = {"class": klass, "trainee": f"trn{n}a", "other": f"trn{n}b",
               "case": cases.list_cases(w.s)[0]}
    return klass


def _forget_deleted_classes(w):
    """A request may have deleted a class (and its organisations): the builders' session must not keep them,
    or a reused id would clash in its identity map."""
    from planner.models import Membership, Organization
    from planner.models.training import TrainingAssignment, TrainingClass, TrainingEnrolment
    kinds = (TrainingClass, TrainingAssignment, TrainingEnrolment, Membership)
    keep = {id(o) for o in w.orgs.values()}
    for obj in list(w.s.identity_map.values()):
        if isinstance(obj, kinds) or (isinstance(obj, Organization) and obj.sandbox and id(obj) not in keep):
            w.s.expunge(obj)


def _tassign(w, where, status="draft"):
    from planner.services.training import classes
    klass = _tclass(w, where)
    row = classes.assign(w.s, klass, w.stash["case"], username=w.stash["trainee"])
    if status == "submitted":
        row.status = "submitted"
        w.s.get(Plan, row.plan_id).status = "submitted"
    w.s.commit()
    w.stash["assignment"] = row
    return row


def tclass_url(fmt: str):
    return lambda w, where: fmt.format(_tclass(w, where).id)


def tassign_url(fmt: str, status: str = "draft", plan: bool = False):
    def build(w, where):
        row = _tassign(w, where, status)
        return fmt.format(row.plan_id if plan else row.id)
    return build


def _case_id(w, where=None):
    from planner.services.training import cases
    if not cases.list_cases(w.s):
        cases.load_library(w.s)
        w.s.commit()
    return cases.list_cases(w.s)[0].id


CASE_FORM = {"code": "KASUS-UJI", "title": "Kasus uji", "context": "Konteks", "expectations":
             "- {id: E1, kind: indicator, label: Indikator, any_of: [jumlah]}"}
TABLE.update({
    "training.index": Case("GET", fixed("/latihan/"), ALL, scoped=False),
    "training.create_class": Case("POST", fixed("/latihan/kelas"), MANAGE, scoped=False, data={"name": "Kelas baru"}),
    "training.class_view": Case("GET", tclass_url("/latihan/kelas/{}"), MANAGE),
    "training.enrol": Case("POST", tclass_url("/latihan/kelas/{}/peserta"), MANAGE, data={"roster": "barubaru, Baru"}),
    "training.assign": Case("POST", tclass_url("/latihan/kelas/{}/penugasan"), MANAGE,
                            data=lambda w, where: {"case_id": w.stash["case"].id,
                                                   "target": f"user:{w.stash['trainee']}"}),
    "training.results_xlsx": Case("GET", tclass_url("/latihan/kelas/{}/hasil.xlsx"), MANAGE),
    "training.delete_class": Case("POST", tclass_url("/latihan/kelas/{}/hapus"), MANAGE, data={"confirm": "1"}),
    "training.sandbox": Case("GET", tassign_url("/latihan/ruang/{}"), ALL),
    "training.panel": Case("GET", tassign_url("/latihan/rencana/{}/umpan-balik", plan=True), ALL),
    "training.submit": Case("POST", tassign_url("/latihan/ruang/{}/serahkan"), TAKE),
    "training.decide": Case("POST", tassign_url("/latihan/ruang/{}/keputusan", "submitted"), MANAGE,
                            data={"decision": "accept", "grade": "90"}),
    "training.comment": Case("POST", tassign_url("/latihan/ruang/{}/catatan"), MANAGE, data={"body": "Bagus"}),
    "training.reset": Case("POST", tassign_url("/latihan/ruang/{}/atur-ulang"), MANAGE),
    "training.duplicate": Case("POST", tassign_url("/latihan/ruang/{}/duplikat"), MANAGE,
                               data=lambda w, where: {"username": w.stash["other"]}),
    "training.quiz_page": Case("POST", tassign_url("/latihan/ruang/{}/kuis/BAB-II"), TAKE, data={"q1": "d"}),
    "training.case_list": Case("GET", fixed("/latihan/kasus"), MANAGE, scoped=False),
    "training.load_library": Case("POST", fixed("/latihan/kasus/pustaka"), MANAGE, scoped=False),
    "training.import_case": Case("POST", fixed("/latihan/kasus/impor"), MANAGE, scoped=False,
                                 data=lambda w, where: {"file": (__import__("io").BytesIO(
                                     f"code: IMPOR-{next(_TSEQ)}\ntitle: Kasus impor\nexpectations: []\n".encode()),
                                     "kasus.yaml")}, extra={"multipart": True}),
    "training.case_new": Case("POST", fixed("/latihan/kasus/baru"), MANAGE, scoped=False,
                              data=lambda w, where: {**CASE_FORM, "code": f"KASUS-UJI-{next(_TSEQ)}"}),
    "training.case_edit": Case("GET", lambda w, where: f"/latihan/kasus/{_case_id(w)}", MANAGE, scoped=False),
    "training.case_file": Case("GET", lambda w, where: f"/latihan/kasus/{_case_id(w)}/berkas?format=json", MANAGE,
                               scoped=False),
    "api.list_cases": Case("GET", fixed("/api/v1/cases"), ALL, scoped=False, api=True),
    "api.create_class": Case("POST", fixed("/api/v1/classes"), MANAGE, scoped=False, api=True,
                             data={"name": "Kelas API"}),
    "api.enrol_trainees": Case("POST", tclass_url("/api/v1/classes/{}/trainees"), MANAGE, api=True,
                               data=lambda w, where: {"usernames": [f"api{next(_TSEQ)}"]}),
    "api.create_assignment": Case("POST", tclass_url("/api/v1/classes/{}/assignments"), MANAGE, api=True,
                                  data=lambda w, where: {"username": w.stash["trainee"],
                                                         "case_id": w.stash["case"].id}),
    "api.class_progress": Case("GET", tclass_url("/api/v1/classes/{}/progress"), MANAGE, api=True),
})
# ---------------------------------------------------------------- evaluation across units (issue 18)
RUN = {"admin", "reviewer"}  # the running organisation's reviewers manage a round (and evaluate every unit)
FOLLOW = {"admin", "reviewer", "penyusun"}  # after publication the unit (evaluation.edit) follows up


def _round(w, where, published=False, with_plan=False, recommendation=False):
    """A round over the side's unit, run by that unit itself; optionally published with a recommendation."""
    from planner.models.evaluation_round import RecommendationIn, RoundCreate
    from planner.services import evaluation_rounds as rounds, recommendations
    plan = w.plan(where) if with_plan else None
    org = w.orgs[where]
    rnd = rounds.create(w.s, RoundCreate(name="Putaran uji", year=plan.first_year if plan else 2030,
                                         instrument_id=_instrument(w).id, organization_ids=[org.id]))
    rounds.verify(w.s, rnd, org.id, {"1.1": 3, "2.1": 4})
    rec = recommendations.create(w.s, RecommendationIn(round_id=rnd.id, organization_id=org.id, aspect="1",
                                                       text="Tetapkan SP")) if recommendation else None
    if published:
        rounds.set_status(w.s, rnd, "locked")
        rounds.set_status(w.s, rnd, "published")
    w.s.commit()
    w.stash = {"plan": plan, "round": rnd, "org": org, "rec": rec,
               "program": plans.load_tree(w.s, plan).roots[0].node if plan else None}
    return rnd


def round_url(fmt: str, **kw):
    def build(w, where):
        rnd = _round(w, where, **kw)
        rec = w.stash["rec"]
        return fmt.format(round=rnd.id, org=w.stash["org"].id, rec=rec.id if rec else 0)
    return build


def _root_id(w):
    return (accounts.by_username(w.s, "root") or _admin(w.s)).id


_BEFORE_ROUNDS = set(TABLE)
TABLE.update({
    "rounds.index": Case("GET", fixed("/evaluasi-lintas-unit"), ALL, scoped=False),
    "rounds.create": Case("POST", fixed("/evaluasi-lintas-unit"), RUN,
                          data=lambda w, where: {"name": "Putaran web", "year": "2030",
                                                 "instrument_id": _instrument(w).id,
                                                 "organization_ids": str(w.orgs[where].id)}),
    "rounds.show": Case("GET", round_url("/evaluasi-lintas-unit/{round}"), ALL),
    "rounds.set_status": Case("POST", round_url("/evaluasi-lintas-unit/{round}/status"), RUN,
                              data={"status": "locked"}),
    "rounds.assign": Case("POST", round_url("/evaluasi-lintas-unit/{round}/penilai"), RUN,
                          data=lambda w, where: {"organization_id": w.stash["org"].id, "user_id": _root_id(w)}),
    "rounds.unit": Case("GET", round_url("/evaluasi-lintas-unit/{round}/unit/{org}"), ALL),
    "rounds.verify": Case("POST", round_url("/evaluasi-lintas-unit/{round}/unit/{org}/verifikasi"), RUN,
                          data={"score:1.1": "4"}),
    "rounds.add_visit": Case("POST", round_url("/evaluasi-lintas-unit/{round}/unit/{org}/kunjungan"), RUN,
                             data={"kind": "wawancara", "held_on": "2030-03-01", "note": "Wawancara kepala unit"}),
    "rounds.add_recommendation": Case("POST", round_url("/evaluasi-lintas-unit/{round}/unit/{org}/rekomendasi"),
                                      RUN, data={"aspect": "1", "text": "Tetapkan SP", "due_on": "2030-06-30"}),
    "rounds.lhe": Case("GET", round_url("/evaluasi-lintas-unit/{round}/unit/{org}/lhe", published=True), ALL),
    "rounds.lhe_workbook": Case("GET", round_url("/evaluasi-lintas-unit/{round}/unit/{org}/lhe.xlsx",
                                                 published=True), ALL),
    "rounds.follow_up": Case("GET", round_url("/evaluasi-lintas-unit/{round}/tindak-lanjut"), RUN),
    "rounds.update_recommendation": Case("POST", round_url("/rekomendasi/{rec}", published=True, recommendation=True),
                                         FOLLOW, data={"status": "proses"}),
    "rounds.new_activity": Case("GET", round_url("/rekomendasi/{rec}/kegiatan", published=True, recommendation=True,
                                                 with_plan=True), EDIT),
    "rounds.make_activity": Case("POST", round_url("/rekomendasi/{rec}/kegiatan", published=True,
                                                   recommendation=True, with_plan=True), EDIT,
                                 data=lambda w, where: {"parent_id": w.stash["program"].id, "code": "5.02.02.2.07",
                                                        "name": "Penetapan SP", "indicator_name": "Dokumen SP",
                                                        "unit": "dokumen", "target": "1"}),
    "rounds.group_rule": Case("GET", fixed("/evaluasi-lintas-unit/aturan-kelompok"), ALL, scoped=False),
    "rounds.save_group_rule": Case("POST", fixed("/evaluasi-lintas-unit/aturan-kelompok"), ADMIN, scoped=False,
                                   data={"group:B": "mandiri"}),
    "rounds.renja_overview_page": Case("GET", fixed("/capaian-lintas-unit?year=2000"), ALL, scoped=False),
    "api.list_rounds": Case("GET", fixed("/api/v1/evaluation-rounds"), ALL, scoped=False, api=True),
    "api.create_round": Case("POST", fixed("/api/v1/evaluation-rounds"), RUN, api=True,
                             data=lambda w, where: {"name": "Putaran API", "year": 2030,
                                                    "instrument_id": _instrument(w).id,
                                                    "organization_ids": [w.orgs[where].id]}),
    "api.round_results": Case("GET", round_url("/api/v1/evaluation-rounds/{round}/results"), ALL, api=True),
    "api.round_follow_up": Case("GET", round_url("/api/v1/evaluation-rounds/{round}/follow-up"), RUN, api=True),
    "api.list_recommendations": Case("GET", fixed("/api/v1/recommendations"), ALL, scoped=False, api=True),
    "api.create_recommendation": Case("POST", round_url("/api/v1/recommendations"), RUN, api=True,
                                      data=lambda w, where: {"round_id": w.stash["round"].id,
                                                             "organization_id": w.stash["org"].id, "aspect": "1",
                                                             "text": "Tetapkan SP", "due_on": "2030-06-30"}),
    "api.update_recommendation": Case("PUT", round_url("/api/v1/recommendations/{rec}", published=True,
                                                       recommendation=True), FOLLOW, api=True,
                                      data={"status": "selesai"}),
})
# A trainee's side is a training sandbox, which no evaluation round takes in (a round over it is refused as
# "organisation not found"): the round routes have nothing to show a trainee there.
ROUND_ENDPOINTS = set(TABLE) - _BEFORE_ROUNDS
TABLE["rounds.set_unit_type"] = Case("POST", lambda w, where: f"/organisasi/{w.orgs[where].id}/jenis-unit", ADMIN,
                                     data={"unit_type": "kota"})
