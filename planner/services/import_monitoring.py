"""The monitoring sheets of an import (Realisasi, Realisasi Anggaran), through the monitoring services:
closed periods, plausible values and the pagu ceiling apply as on the realisation pages."""
from __future__ import annotations

from sqlmodel import select

from planner import periods
from planner.excel.import_parse import Row
from planner.models import BudgetRealization, Indicator, NodeBudget, Realization
from planner.models.monitoring import COUNTED_STATUSES
from planner.services import monitoring as mon
from planner.services.import_rows import PlanState


class MonitoringRows:
    """Mixed into ``imports.Importer``: uses its ``s``, ``rows``, ``count``, ``fail``, ``guarded``."""

    def _monitoring_indicator(self, r: Row) -> tuple[PlanState, Indicator] | None:
        v = r.values
        st = self._plan_state(r, ("renja", v["plan_year"]), monitoring=True)
        if st is None:
            return None
        ind = st.indicator(st.nodes.get(v.get("node")), v.get("indicator"), v.get("indicator_name"))
        if ind is None:
            self.fail(r, "indicator", "indikator tidak ditemukan (kode, atau kode simpul + nama indikator)")
            return None
        return st, ind

    def apply_realisations(self) -> None:
        existing: dict[int, dict] = {}
        for r in self.rows("Realisasi"):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("period"):
                continue
            found = self._monitoring_indicator(r)
            if found is None:
                continue
            st, ind = found
            if st.plan.id not in existing:
                rows = self.s.exec(select(Realization).join(Indicator, Realization.indicator_id == Indicator.id)
                                   .where(Indicator.plan_id == st.plan.id)).all()
                existing[st.plan.id] = {(x.indicator_id, x.year, x.period): x for x in rows}
            achieved = None if v.get("achieved") is None else v["achieved"] == "ya"
            if all(v.get(k) is None for k in ("value", "numerator", "denominator")) and achieved is None:
                self.count(r, "unchanged")
                continue
            old = existing[st.plan.id].get((ind.id, v["plan_year"], v["period"]))
            same = old is not None and old.status in COUNTED_STATUSES and (
                old.value, old.numerator, old.denominator, old.achieved, old.note) == (
                v.get("value"), v.get("numerator"), v.get("denominator"), achieved, v.get("note") or "")
            if same:
                self.count(r, "unchanged")
                continue
            saved = self.guarded(r, lambda: mon.record_realization(
                self.s, ind, v["plan_year"], v["period"], value=v.get("value"), numerator=v.get("numerator"),
                denominator=v.get("denominator"), achieved=achieved, note=v.get("note") or "", user_id=self.user_id))
            if saved is not None:
                self.count(r, "updated" if old is not None else "created")

    def apply_budgets(self) -> None:
        for r in self.rows("Realisasi Anggaran"):
            self.tick()
            v = r.values
            if not v.get("plan_year") or not v.get("node") or v.get("pagu") is None:
                continue
            st = self._plan_state(r, ("renja", v["plan_year"]), monitoring=True)
            if st is None:
                continue
            node = st.nodes.get(v["node"])
            if node is None:
                self.fail(r, "node", "simpul tidak ditemukan di Renja ini")
                continue
            budget = self.s.exec(select(NodeBudget).where(NodeBudget.node_id == node.id,
                                                          NodeBudget.year == v["plan_year"])).first()
            old = {} if budget is None else {b.period: b.amount for b in self.s.exec(
                select(BudgetRealization).where(BudgetRealization.node_budget_id == budget.id))}
            wanted = dict(old)
            for q in periods.QUARTERS:
                if q in v:
                    if v[q] is None:
                        wanted.pop(q, None)
                    else:
                        wanted[q] = v[q]
            if budget is not None and budget.pagu == v["pagu"] and wanted == old:
                self.count(r, "unchanged")
                continue
            if self.guarded(r, lambda: mon.set_budget(self.s, node, v["plan_year"], v["pagu"], wanted, self.user_id),
                            "pagu"):
                self.count(r, "created" if budget is None else "updated")
