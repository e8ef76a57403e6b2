"""Importing Planner's template: validate everything first, then apply through the same operations as
the pages (plans, monitoring, organisations), in the caller's one transaction.

Order of work:
1. ``import_reader`` refuses hostile files, ``import_parse`` names every bad cell; any problem stops here.
2. A check without writes: rights per organisation (plan.create / plan.edit / realization.edit, admin for
   organisations) and, for plans that cannot change (fixed, in review, outside the drafting window), whether
   the file would change them. A refusal here means nothing was written.
3. Apply, matching rows by code and counting created / updated / unchanged per sheet: a changed existing row
   goes through the service operation of the pages; new nodes, indicators and their first targets are checked
   against the same rules in memory and written together at the end (``plan_bulk.Batch``), so no row is written
   before the last one was checked (SQLite's write lock is held only for that short write). Every problem is
   collected with its row.
The caller commits only when ``Outcome.ok`` and not a dry run (``execute`` does exactly that); a dry run
goes through step 3 and is rolled back, so its counts are the real ones.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Callable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from planner.errors import DomainError, Invalid
from planner.excel import import_parse as parse
from planner.excel.import_parse import Parsed, Problem, Row
from planner.excel.import_reader import read_book
from planner.models import Indicator, NodeObjective, Organization, Plan, PlanNode
from planner.models.plan import IndicatorCreate, IndicatorUpdate, NodeCreate, NodeUpdate, PlanCreate, PlanUpdate, TargetIn
from planner.permissions import Principal, can, require
from planner.services import indicative_pagu, orgs, plans, versions
from planner.services.plan_bulk import Batch
from planner.services.import_monitoring import MonitoringRows
from planner.services.import_rows import (Outcome, PlanState, _same_target, _target_in, _validated, problem_from,
                                          supported_codes, supported_id)

Progress = Callable[[int, int], None]
STRUCTURE = ("Rencana", "Simpul", "Pagu Indikatif", "Indikator", "Target")
MONITORING = ("Realisasi", "Realisasi Anggaran")
NODE_TEXT = ("name", "unit_in_charge", "location", "funding_source", "description")
IND_FIELDS = ("level", "unit", "definition", "formula", "data_source", "collection_method", "frequency", "responsible",
              "baseline_value", "baseline_year", "baseline_text", "polarity", "accumulation", "target_type", "weight",
              "ratio_factor", "rationale", "valid_min", "valid_max", "end_target")
IND_DEFAULTS = {f: IndicatorCreate.model_fields[f].default for f in IND_FIELDS}


class Importer(MonitoringRows):
    def __init__(self, s: Session, principal: Principal, parsed: Parsed, org: Organization | None,
                 dry_run: bool = False, progress: Progress | None = None, user_id: int | None = None):
        self.s, self.p, self.parsed, self.org = s, principal, parsed, org
        self.dry_run, self.progress, self.user_id = dry_run, progress, user_id
        self.errors: list[Problem] = []
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.states: dict[tuple[str, int], PlanState | None] = {}
        self.done = 0
        self.pending_serves: PlanNode | None = None
        self.batch = Batch(s)  # new nodes, indicators and first targets: checked per row, written at the end

    # ------------------------------------------------------------ helpers

    def rows(self, sheet: str) -> list[Row]:
        return self.parsed.rows.get(sheet, [])

    def count(self, row: Row, what: str) -> None:
        self.counts[row.spec.name][what] += 1

    def tick(self) -> None:
        self.done += 1
        if self.progress and self.done % 200 == 0:
            self.progress(self.done, self.parsed.total)

    def fail(self, row: Row, key: str | None, message: str) -> None:
        col = next((c for c in row.spec.columns if c.key == key), None) if key else None
        self.errors.append(Problem(row.spec.name, row.number, col.header if col else None,
                                   row.raw.get(key) if key else None, message))

    def plan_key(self, row: Row, kind: str | None = None) -> tuple[str, int]:
        return (kind or row.values.get("plan_kind") or "renja", row.values["plan_year"])

    def find_plan(self, kind: str, year: int, monitoring: bool = False) -> Plan | None:
        if self.org is None or self.org.id is None:
            return None
        if monitoring:
            return (versions.plan_in_force(self.s, self.org.id, kind, year)
                    or versions.plan_being_edited(self.s, self.org.id, kind, year))
        return (versions.plan_being_edited(self.s, self.org.id, kind, year)
                or versions.plan_in_force(self.s, self.org.id, kind, year))

    def state(self, key: tuple[str, int], monitoring: bool = False) -> PlanState | None:
        if key not in self.states:
            plan = self.find_plan(*key, monitoring=monitoring)
            if plan is not None and plan.kind == "renstra" and plan.first_year != key[1]:
                plan = None  # a Renstra is named by its first year
            self.states[key] = PlanState(self.s, plan) if plan else None
        return self.states[key]

    @staticmethod
    def plan_label(kind: str, year: int) -> str:
        return f"{'Renstra' if kind == 'renstra' else 'Renja'} {year}"

    # ------------------------------------------------------------ 2. checks without writes

    def resolve_org(self) -> None:
        codes = {r.values.get("org") for r in self.rows("Rencana") if r.values.get("org")}
        if self.org is None:
            if len(codes) != 1:
                self.errors.append(Problem("Rencana", None, "Kode Organisasi", None,
                                           "pilih organisasi tujuan impor (satu kode organisasi per berkas)"))
                return
            code = codes.pop()
            self.org = orgs.by_code(self.s, code)
            if self.org is None:
                created = any(r.values.get("code") == code for r in self.rows("Organisasi"))
                if not created:
                    self.errors.append(Problem("Rencana", None, "Kode Organisasi", code, "organisasi tidak dikenal"))
                    return
                self.org = Organization(code=code, name="", kind="")  # created by the Organisasi sheet
        for r in self.rows("Rencana"):
            if r.values.get("org") and r.values["org"] != self.org.code:
                self.fail(r, "org", f"berkas ini diimpor untuk {self.org.code}; rencana organisasi lain ditolak")

    def check_rights(self) -> None:
        for r in self.rows("Organisasi"):
            existing = orgs.by_code(self.s, r.values.get("code") or "")
            if existing is None or self._org_changes(existing, r):
                if not self.p.is_admin:
                    self.fail(r, "code", "hanya administrator yang dapat menambah atau mengubah organisasi")
        if self.errors or self.org is None or self.org.id is None:
            return
        try:
            if any(self.rows(sh) for sh in STRUCTURE):
                require(self.p, "plan.edit", self.org)
            if any(self.rows(sh) for sh in MONITORING):
                require(self.p, "realization.edit", self.org)
        except DomainError as exc:
            self.errors.append(Problem("(workbook)", None, None, self.org.code,
                                       f"{exc.message} (organisasi {self.org.code})"))

    def check_editable(self) -> None:
        """Plans the file would change must be editable; decided on the loaded plans, before any write."""
        by_plan: dict[tuple[str, int], list[Row]] = defaultdict(list)
        for sheet in STRUCTURE:
            for r in self.rows(sheet):
                if sheet == "Rencana":
                    key = (r.values.get("plan_kind"), r.values.get("first_year"))
                elif sheet == "Pagu Indikatif":
                    key = ("renstra", r.values.get("plan_year"))
                else:
                    key = self.plan_key(r)
                by_plan[key].append(r)
        for key, rows in by_plan.items():
            st = self.state(key)
            if st is None:
                if self.org is not None and self.org.id is not None and self.find_plan(*key) is None and not any(
                        r.spec.name == "Rencana" for r in rows):
                    self.fail(rows[0], "plan_year", f"{self.plan_label(*key)} belum ada di Planner dan tidak ada di "
                                                    "sheet Rencana")
                elif self.org is not None and self.org.id is not None and not can(self.p, "plan.create", self.org):
                    self.fail(rows[0], "plan_year", "Anda tidak berwenang membuat rencana baru")
                continue
            try:
                plans.ensure_editable(self.s, st.plan)
            except DomainError as exc:
                changed = next((r for r in rows if self._would_change(st, r)), None)
                if changed is not None:
                    self.fail(changed, None, f"{self.plan_label(*key)}: {exc.message}")

    def _would_change(self, st: PlanState, r: Row) -> bool:
        v = r.values
        name = r.spec.name
        if name == "Rencana":
            return any(k in v and (v[k] or "") != getattr(st.plan, k) for k in ("name", "vision", "missions"))
        if name == "Simpul":
            node = st.nodes.get(v.get("code"))
            return node is None or bool(self._node_changes(st, node, r))
        if name == "Pagu Indikatif":
            node = st.nodes.get(v.get("node"))
            if node is None:
                return True
            current = indicative_pagu.for_plan(self.s, st.plan).get(node.id, {}).get(v.get("year"))
            return current != v.get("amount")
        ind = st.indicator(st.nodes.get(v.get("node")), v.get("indicator") if name == "Target" else v.get("code"),
                           v.get("indicator_name") if name == "Target" else v.get("name"))
        if ind is None:
            return True
        if name == "Indikator":
            return bool(self._indicator_changes(st, ind, r))
        try:
            wanted = _target_in(r, v["year"], v["period"])
        except DomainError:
            return True
        return not _same_target(st.targets.get(ind.id, {}).get((v["year"], v["period"])), wanted)

    # ------------------------------------------------------------ 3. apply

    def run(self) -> None:
        self.resolve_org()
        if not self.errors:
            self.check_rights()
        if not self.errors:
            self.check_editable()
        if self.errors:
            return
        for step in (self.apply_orgs, self.apply_plans, self.apply_nodes, self.apply_pagu, self.apply_indicators,
                     self.apply_targets, self.apply_realisations, self.apply_budgets):
            step()

    def guarded(self, row: Row, fn, key: str | None = None):
        try:
            return fn()
        except DomainError as exc:
            self.errors.append(problem_from(exc, row, key))
            return None

    def _org_changes(self, org: Organization, r: Row) -> bool:
        parent = orgs.by_code(self.s, r.values["parent"]) if r.values.get("parent") else None
        return (org.name, org.kind, org.parent_id) != (r.values.get("name"), r.values.get("kind"),
                                                       parent.id if parent else None)

    def apply_orgs(self) -> None:
        for r in self.rows("Organisasi"):
            self.tick()
            v = r.values
            if not v.get("code") or not v.get("name") or not v.get("kind"):
                continue
            parent = orgs.by_code(self.s, v["parent"]) if v.get("parent") else None
            if v.get("parent") and parent is None:
                self.fail(r, "parent", "organisasi induk tidak dikenal (tulis induk di atas anaknya)")
                continue
            existing = orgs.by_code(self.s, v["code"])
            if existing is None:
                created = self.guarded(r, lambda: orgs.create(self.s, v["code"], v["name"], v["kind"],
                                                             parent.id if parent else None))
                self.count(r, "created") if created else None
            elif self._org_changes(existing, r):
                self.guarded(r, lambda: orgs.update(self.s, existing, v["name"], v["kind"], parent.id if parent else None))
                self.count(r, "updated")
            else:
                self.count(r, "unchanged")
        if self.org is not None and self.org.id is None:
            self.org = orgs.by_code(self.s, self.org.code)

    def apply_plans(self) -> None:
        for r in self.rows("Rencana"):
            self.tick()
            v = r.values
            if self.org is None or not v.get("plan_kind") or not v.get("first_year"):
                continue
            key = (v["plan_kind"], v["first_year"])
            st = self.state(key)
            if st is None:
                data = {"organization_id": self.org.id, "kind": key[0], "scheme": v.get("scheme") or "daerah",
                        "name": v.get("name") or "", "vision": v.get("vision") or "", "missions": v.get("missions") or ""}
                if key[0] == "renja":
                    data["year"] = key[1]
                else:
                    data.update(first_year=key[1], last_year=v.get("last_year") or key[1] + 4)
                if self.s.new:  # an earlier plan of this file first: a Renja finds the Renstra created with it
                    self.s.flush()
                plan = self.guarded(r, lambda: plans.create_plan(self.s, _validated(PlanCreate, data), flush=False))
                if plan is not None:
                    self.states[key] = PlanState(self.s, plan)
                    self.count(r, "created")
                continue
            changes = {k: v[k] or "" for k in ("name", "vision", "missions") if k in v and (v[k] or "") != getattr(st.plan, k)}
            if changes:
                if self.guarded(r, lambda: plans.update_plan(self.s, st.plan, _validated(PlanUpdate, changes))):
                    self.count(r, "updated")
            else:
                self.count(r, "unchanged")

    def _plan_state(self, r: Row, key: tuple[str, int], monitoring: bool = False) -> PlanState | None:
        st = self.state(key, monitoring)
        if st is None:
            self.fail(r, "plan_year", f"{self.plan_label(*key)} tidak ditemukan")
        return st

    def _serves(self, st: PlanState, code: str | None) -> int | None:
        if not code:
            return None
        if st.plan.kind == "renstra":
            target = st.nodes.get(code)
        else:
            renstra = self.s.get(Plan, st.plan.renstra_id) if st.plan.renstra_id else None
            if renstra is None:
                raise Invalid("Renja ini belum mengacu ke Renstra; kolom 'Melayani Sasaran' tidak dapat diisi.",
                              field="serves_id")
            key = ("renstra", renstra.first_year)
            rst = self.states.get(key) if key in self.states and self.states[key] and \
                self.states[key].plan.id == renstra.id else PlanState(self.s, renstra)
            self.states.setdefault(key, rst)
            target = rst.nodes.get(code)
        if target is None:
            raise Invalid(f"Sasaran '{code}' tidak ditemukan di Renstra acuan.", field="serves_id")
        if target.id is None:  # a sasaran of this same file: the batch links it when both are written
            self.pending_serves = target
        return target.id

    def _node_changes(self, st: PlanState, node: PlanNode, r: Row) -> dict:
        v, changes = r.values, {}
        for k in NODE_TEXT:
            if k in v and (v[k] or "") != (getattr(node, k) or ""):
                changes[k] = v[k] or ""
        if "activity_type" in v and v["activity_type"] != node.activity_type:
            changes["activity_type"] = v["activity_type"]
        if "pagu" in v and v["pagu"] != node.pagu:
            changes["pagu"] = v["pagu"]
        if "objectives" in v and (v["objectives"] or []) != list(st.objectives.get(node.id, {})):
            changes["objectives"] = v["objectives"] or []
        if "serves" in v:
            current = st.by_id.get(node.serves_id) if st.plan.kind == "renstra" else None
            current_code = current.code if current else self._serves_code(node)
            if (v["serves"] or None) != current_code:
                changes["serves"] = v["serves"]
        if "supports" in v and (v["supports"] or None) != supported_codes(self.s, [node.supports_id]).get(node.supports_id):
            changes["supports"] = v["supports"]
        return changes

    def _serves_code(self, node: PlanNode) -> str | None:
        if node.serves_id is None:
            return None
        target = self.s.get(PlanNode, node.serves_id)
        return target.code if target else None

    def apply_nodes(self) -> None:
        rows = self.rows("Simpul")
        for r in sorted(rows, key=lambda r: (self._depth(r), r.number)):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("code"):
                continue
            st = self._plan_state(r, self.plan_key(r))
            if st is None:
                continue
            self.guarded(r, lambda: self._apply_node(st, r))
        if self.rows("Pagu Indikatif"):
            self.write_batch()  # the indicative pagu of new Renstra nodes is set on written nodes

    def write_batch(self) -> None:
        """Write the nodes, indicators and targets checked so far, in a few statements (see plan_bulk)."""
        done = self.batch.write()
        by_plan = {st.plan.id: st for st in self.states.values() if st is not None}
        for node in done.nodes:
            by_plan[node.plan_id].by_id[node.id] = node
            by_plan[node.plan_id].objectives.setdefault(node.id, {})
        nodes = {n.id: n for n in done.nodes}
        for o in done.objectives:
            by_plan[nodes[o.node_id].plan_id].objectives[o.node_id][o.text] = o

    def _depth(self, r: Row) -> int:
        st = self.states.get(self.plan_key(r)) if r.values.get("plan_year") else None
        return st.levels.get(r.values.get("kind"), 99) if st else 99

    def _apply_node(self, st: PlanState, r: Row) -> None:
        v = r.values
        parent = None
        if v.get("parent"):
            parent = st.nodes.get(v["parent"])
            if parent is None:
                raise Invalid(f"Kode induk '{v['parent']}' tidak ditemukan di rencana ini.", field="parent_id")
        node = st.nodes.get(v["code"])
        if node is None:
            data = {k: v.get(k) for k in ("kind", "code", "name", "activity_type", "pagu")}
            data.update({k: v.get(k) or "" for k in NODE_TEXT if k != "name"})
            self.pending_serves = None
            data.update(objectives=v.get("objectives") or [], serves_id=self._serves(st, v.get("serves")),
                        supports_id=supported_id(self.s, st.plan, v.get("supports")))
            node = self.batch.add_node(st.plan, parent, _validated(NodeCreate, data), serves=self.pending_serves)
            st.nodes[node.code] = node
            self.count(r, "created")
            return
        if node.id is None:
            raise Invalid(f"Kode '{node.code}' sudah dipakai di baris lain berkas ini.", field="code")
        if "parent" in v and (parent.id if parent else None) != node.parent_id:
            raise Invalid("Simpul ini sudah ada di bawah induk lain; memindah simpul tidak dapat lewat impor.",
                          field="parent_id")
        if "kind" in v and v["kind"] != node.kind:
            raise Invalid(f"Simpul ini sudah ada sebagai {node.kind}.", field="kind")
        changes = self._node_changes(st, node, r)
        if not changes:
            self.count(r, "unchanged")
            return
        if "serves" in changes:
            changes["serves_id"] = self._serves(st, changes.pop("serves"))
        if "supports" in changes:
            changes["supports_id"] = supported_id(self.s, st.plan, changes.pop("supports"))
        plans.update_node(self.s, node, _validated(NodeUpdate, changes))
        if "objectives" in changes:
            st.objectives[node.id] = {o: None for o in changes["objectives"]}
        self.count(r, "updated")

    def apply_pagu(self) -> None:
        cache: dict[int, dict] = {}
        for r in self.rows("Pagu Indikatif"):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("node") or not v.get("year"):
                continue
            st = self._plan_state(r, ("renstra", v["plan_year"]))
            if st is None:
                continue
            node = st.nodes.get(v["node"])
            if node is None:
                self.fail(r, "node", "simpul tidak ditemukan di Renstra ini")
                continue
            if st.plan.id not in cache:
                cache[st.plan.id] = indicative_pagu.for_plan(self.s, st.plan)
            current = cache[st.plan.id].get(node.id, {}).get(v["year"])
            if current == v.get("amount"):
                self.count(r, "unchanged")
                continue
            if self.guarded(r, lambda: indicative_pagu.set_pagu(self.s, node, v["year"], v.get("amount")) or True, "year"):
                self.count(r, "created" if current is None else "updated")

    def _indicator_changes(self, st: PlanState, ind: Indicator, r: Row) -> dict:
        v, changes = r.values, {}
        for k in IND_FIELDS:
            if k not in v:
                continue
            wanted = v[k] if v[k] is not None else (IND_DEFAULTS[k] if k not in ("unit",) else None)
            if isinstance(getattr(ind, k), str) and wanted is None:
                wanted = ""
            if wanted != getattr(ind, k) and not (wanted is None and k == "unit"):
                changes[k] = wanted
        if v.get("name") and v["name"] != ind.name:
            changes["name"] = v["name"]
        if "indicator" in v and (v["indicator"] or None) != ind.code:
            changes["code"] = v["indicator"]
        if "objective" in v:
            current = next((t for t, o in st.objectives.get(ind.node_id, {}).items()
                            if o is not None and o.id == ind.objective_id), None)
            if (v["objective"] or None) != current:
                changes["objective"] = v["objective"]
        return changes

    def _objective(self, st: PlanState, node: PlanNode, text: str | None) -> NodeObjective | None:
        """The node's objective by its text, from the plan loaded once (a stored query when just rewritten)."""
        if not text:
            return None
        if node.id is None:  # a node of this import: its objectives are the ones in its row
            found = self.batch.objective(node, text)
            if found is None:
                raise Invalid(f"Sasaran '{text}' tidak ada pada simpul {node.code} (isi kolom 'Sasaran Simpul').",
                              field="objective_id")
            return found
        known = st.objectives.get(node.id, {})
        if known.get(text) is not None:
            return known[text]
        return self.s.get(NodeObjective, self._objective_id(node, text))

    def _objective_id(self, node: PlanNode, text: str | None) -> int | None:
        if not text:
            return None
        obj = self.s.exec(select(NodeObjective).where(NodeObjective.node_id == node.id,
                                                      NodeObjective.text == text)).first()
        if obj is None:
            raise Invalid(f"Sasaran '{text}' tidak ada pada simpul {node.code} (isi kolom 'Sasaran Simpul').",
                          field="objective_id")
        return obj.id

    def apply_indicators(self) -> None:
        for r in self.rows("Indikator"):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("node") or not v.get("name"):
                continue
            st = self._plan_state(r, self.plan_key(r))
            if st is None:
                continue
            self.guarded(r, lambda: self._apply_indicator(st, r))

    def _apply_indicator(self, st: PlanState, r: Row) -> None:
        v = r.values
        node = st.nodes.get(v["node"])
        if node is None:
            raise Invalid(f"Simpul '{v['node']}' tidak ditemukan di rencana ini.", field="node")
        ind = st.indicator(node, v.get("indicator"), v.get("name"))
        if ind is None:
            data = {k: v[k] for k in IND_FIELDS if v.get(k) is not None}
            data.update(code=v.get("indicator"), name=v["name"])
            ind = self.batch.add_indicator(st.plan, node, _validated(IndicatorCreate, data),
                                           self._objective(st, node, v.get("objective")))
            st.add_indicator(ind, node)
            self.count(r, "created")
            return
        if ind.id is None:
            raise Invalid("Indikator ini sudah ada di baris lain berkas ini.", field="name")
        if ind.node_id != node.id:
            raise Invalid(f"Indikator ini milik simpul {st.by_id[ind.node_id].code}.", field="node")
        changes = self._indicator_changes(st, ind, r)
        if not changes:
            self.count(r, "unchanged")
            return
        if "objective" in changes:
            changes["objective_id"] = self._objective_id(node, changes.pop("objective"))
        plans.update_indicator(self.s, ind, _validated(IndicatorUpdate, changes))
        st.add_indicator(ind)
        self.count(r, "updated")

    def apply_targets(self) -> None:
        groups: dict[int, tuple[PlanState, Indicator, list[Row]]] = {}
        for r in self.rows("Target"):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("year") or not v.get("period"):
                continue
            st = self._plan_state(r, self.plan_key(r))
            if st is None:
                continue
            ind = st.indicator(st.nodes.get(v.get("node")), v.get("indicator"), v.get("indicator_name"))
            if ind is None:
                self.fail(r, "indicator", "indikator tidak ditemukan (kode, atau kode simpul + nama indikator)")
                continue
            groups.setdefault(id(ind), (st, ind, []))[2].append(r)
        for st, ind, rows in groups.values():
            current = st.targets.get(ind.id, {})
            wanted = {k: TargetIn(year=t.year, period=t.period, value=t.value, lower=t.lower, upper=t.upper, text=t.text)
                      for k, t in current.items()}
            changed: list[Row] = []
            for r in rows:
                key = (r.values["year"], r.values["period"])
                cell = self.guarded(r, lambda: _target_in(r, *key) or False)
                if cell is None:
                    continue
                cell = cell or None
                if _same_target(current.get(key), cell):
                    self.count(r, "unchanged")
                    continue
                self.count(r, "updated" if key in current else "created")
                changed.append(r)
                if cell is None:
                    wanted.pop(key, None)
                else:
                    wanted[key] = cell
            if changed and not current:
                self.guarded(changed[0], lambda: self.batch.add_targets(st.plan, ind, list(wanted.values())), "period")
            elif changed:
                self.guarded(changed[0], lambda: plans.set_targets(self.s, ind, st.plan, list(wanted.values())), "period")
        self.write_batch()


def run(s: Session, principal: Principal, parsed: Parsed, org: Organization | None, *, dry_run: bool = False,
        progress: Progress | None = None, user_id: int | None = None) -> Outcome:
    """Apply parsed rows in ``s`` (flush only). The caller commits when ``ok`` and not ``dry_run``."""
    imp = Importer(s, principal, parsed, org, dry_run, progress, user_id)
    if parsed.errors:
        imp.errors = list(parsed.errors)
    else:
        # The services flush what they write themselves; autoflush before every query of every row
        # would only repeat empty flushes (each one runs the audit hooks).
        with s.no_autoflush:
            imp.run()
    return Outcome({k: {w: c.get(w, 0) for w in ("created", "updated", "unchanged")} for k, c in imp.counts.items()},
                   imp.errors, dry_run, imp.org.id if imp.org is not None else None)


def import_file(s: Session, principal: Principal, data: bytes, filename: str, org: Organization | None, *,
                dry_run: bool = False, progress: Progress | None = None, user_id: int | None = None,
                mapping=None) -> Outcome:
    """Read, validate and apply a workbook (the template, or a unit's own through a saved mapping)."""
    try:
        book = read_book(data, filename)
    except DomainError as exc:
        return Outcome(errors=[Problem(filename or "(berkas)", None, None, None, exc.message)], dry_run=dry_run)
    if mapping is not None:
        from planner.services import import_mapping
        target = org or s.get(Organization, mapping.organization_id)
        exists = (versions.plan_being_edited(s, target.id, mapping.plan_kind, mapping.year)
                  or versions.plan_in_force(s, target.id, mapping.plan_kind, mapping.year)) is not None
        parsed = import_mapping.to_template(book, mapping, target.code, create_plan=not exists)
        org = target
    else:
        parsed = parse.parse_book(book)
    if progress:
        progress(0, parsed.total)
    return run(s, principal, parsed, org, dry_run=dry_run, progress=progress, user_id=user_id)


def execute(engine: Engine, principal_user_id: int | None, data: bytes, filename: str, org_id: int | None, *,
            dry_run: bool = False, progress: Progress | None = None, mapping_id: int | None = None,
            principal: Principal | None = None) -> Outcome:
    """One transaction: commit when everything passed and this is not a dry run, else roll back."""
    from planner.models import User
    from planner.models.imports import ImportMapping
    from planner.permissions import principal_for
    from planner.services import acting, audit

    with Session(engine, expire_on_commit=False) as s:
        if principal is None:
            user = s.get(User, principal_user_id)
            principal = principal_for(s, user)
        audit.set_actor(s, principal.user.id, principal.user.username)
        acting.act_as(s, principal)  # the services check this user's rights, as on the pages
        org = s.get(Organization, org_id) if org_id else None
        mapping = s.get(ImportMapping, mapping_id) if mapping_id else None
        try:
            outcome = import_file(s, principal, data, filename, org, dry_run=dry_run, progress=progress,
                                  user_id=principal.user.id, mapping=mapping)
        except Exception:
            s.rollback()
            raise
        if outcome.ok and not dry_run:
            s.commit()
        else:
            s.rollback()
        return outcome
