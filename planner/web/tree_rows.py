"""The tree page's rows as prepared strings (issue 12), made once per shown node instead of in the template.

A 39-node plan's page spent three quarters of its CPU in the template's per-row calls: for every node and
indicator row ~25 ``_()``, ~12 ``row_url``, a macro per target cell, ``map`` filters over the check findings.
``TreeRows`` is made once per request with the tree's context (``plans.tree_context``, key ``prepared``):

* ``words``: the rows' words translated once (the template's ``_()`` gives the same: the request's catalogue,
  ``Markup`` then ``%`` formatting, which escapes the values put in);
* ``node(tn)`` / ``indicators(tn)``: what one node's row / its indicator rows show (labels, badges, links as
  ``row_url``'s kept shapes filled with ids, targets formatted), one call each.

The markup stays in ``templates/plans/plan.html`` (block ``node``, which also renders alone as the htmx
answer for one node) and ``plans/_cells.html``; this module only gives them the strings.
"""
from __future__ import annotations

from functools import cached_property
from types import SimpleNamespace

from markupsafe import Markup

from planner.calc.formatting import format_rupiah
from planner.models.action_plan import ACTION_NODE_KINDS
from planner.models.plan import ACCUMULATION_LABELS, LEVEL_LABELS, POLARITY_LABELS
from planner.models.worksheet import WORKSHEET_NODE_KINDS
from planner.services import plans
from planner.web import speed
from planner.web.checks import plan_checks
from planner.web.evaluation import gap_links
from planner.web.filters import compact, num, t
from planner.web.worksheets import worksheet_badges


def N_(msgid: str) -> str:
    """Marks a msgid for ``pybabel extract`` (one of its default keywords); translated per request below."""
    return msgid


# The words of a row by name, as the template wrote them (``%(...)s`` ones are formatted per row).
WORDS = dict(
    history=N_("Riwayat"), history_title=N_("Riwayat perubahan simpul ini"),
    comment=N_("Komentar"), comment_node=N_("Beri komentar reviu pada simpul ini"),
    comment_indicator=N_("Beri komentar reviu pada indikator ini"),
    edit=N_("Ubah"), add_level=N_("Tambah %(level)s"), add_indicator=N_("Tambah indikator"),
    indicator=N_("Indikator"), up=N_("Naikkan"), down=N_("Turunkan"), delete=N_("Hapus"),
    delete_node=N_("Hapus %(code)s?"), up_indicator=N_("Naikkan indikator"), down_indicator=N_("Turunkan indikator"),
    delete_indicator=N_("Hapus indikator"),
    delete_indicator_q=N_("Hapus indikator “%(name)s” beserta targetnya?"),
    findings=N_("%(n)s temuan"), worksheet=N_("Lembar kerja"),
    worksheet_title=N_("Lembar kerja kegiatan pelayanan publik: %(progress)s"),
    worksheet_progress=N_("%(done)s dari %(total)s langkah lengkap"), worksheet_empty=N_("belum diisi"),
    action_plan=N_("Rencana aksi"), gap=N_("Celah PEKPPP"),
    gap_title=N_("Tindak lanjut celah evaluasi pelayanan publik"), objective=N_("Sasaran: %(text)s"),
    indicative_pagu=N_("Pagu indikatif"), pagu_below=N_("Jumlah pagu di bawahnya"),
    pagu_sum=N_("Σ rincian %(sum)s"), pagu_diff=N_("selisih %(diff)s"),
    input=N_("MSK"), output=N_("KLR"), outcome=N_("HSL"), impact=N_("DMP"),
)
POLARITY_MARKS = {"higher_is_better": "▲", "lower_is_better": "▼", "band": "◆"}


class TreeRows:
    """Per request: the words, the link shapes, the lookups the rows share; ``node(tn)`` per shown node."""

    def __init__(self, plan, tree, columns: list[tuple[int, str]], pagu_sums: dict, yearly_pagu: dict,
                 can_edit: bool):
        self.plan, self.tree, self.columns, self.can_edit = plan, tree, columns, can_edit
        self.pagu_sums, self.yearly_pagu = pagu_sums, yearly_pagu
        self._cells: dict[tuple, SimpleNamespace] = {}  # by what a cell shows: plans repeat their targets
        tr = speed.translations()
        # as ``_()`` gives them: a word alone is formatted too (``%%``), one with fields per row
        self.words = SimpleNamespace(**{k: Markup(tr.ugettext(v)) if "%(" in v else Markup(tr.ugettext(v)) % {}
                                        for k, v in WORDS.items()})
        self._levels, self._polarities = t(LEVEL_LABELS), t(POLARITY_LABELS)
        self._accumulations = t(ACCUMULATION_LABELS)
        self._level_labels: dict[str, str] = {}
        url = speed.row_url_format
        self.url = SimpleNamespace(
            checks=url("checks.plan_checks_page", plan_id=plan.id), worksheet=url("worksheets.page", "node_id"),
            action_plan=url("action_plans.node_page", "node_id"),
            gap=url("evaluation.show", "evaluation_id", _anchor="celah"),
            history=url("review.history", "node", plan_id=plan.id),
            edit_page=url("plans.show", "edit", plan_id=plan.id), edit=url("plans.edit_node", "node_id"),
            add_page=url("plans.show", "add", plan_id=plan.id), new_child=url("plans.new_child", "node_id"),
            new_indicator=url("plans.new_indicator", "node_id"),
            quick_indicator=url("plans.quick_indicator", "node_id"),
            move=url("plans.move_node", "node_id"), delete=url("plans.delete_node", "node_id"),
            indicator=url("plans.indicator", "indicator_id"),
            move_indicator=url("plans.move_indicator", "indicator_id"),
            delete_indicator=url("plans.delete_indicator", "indicator_id"),
        )

    def node(self, tn) -> SimpleNamespace:
        n, w, u, plan = tn.node, self.words, self.url, self.plan
        nid = n.id
        findings = self._node_findings.get(nid)
        v = SimpleNamespace(level=self._level(tn), findings=None, worksheet=None, action_plan=None, gap=None,
                            objectives=[w.objective % {"text": o.text} for o in tn.objectives],
                            history=u.history.format(node=nid), child=None, pagu_sum=None,
                            pagu=format_rupiah(n.pagu) if n.pagu is not None else "")
        if findings:
            sevs = [f.severity for f in findings]
            v.findings = SimpleNamespace(
                sev="error" if "error" in sevs else ("warning" if "warning" in sevs else "info"),
                href=f"{u.checks}#t-node-{nid}", title=" · ".join(f.message for f in findings),
                text=w.findings % {"n": len(findings)})
        if n.kind in WORKSHEET_NODE_KINDS:
            wsp = self._worksheets.get(nid)
            progress = w.worksheet_progress % {"done": wsp.done, "total": wsp.total} if wsp else w.worksheet_empty
            v.worksheet = SimpleNamespace(done=bool(wsp and wsp.done == wsp.total), progress=wsp,
                                          href=u.worksheet.format(node_id=nid),
                                          title=w.worksheet_title % {"progress": progress})
        if plan.kind == "renja" and n.kind in ACTION_NODE_KINDS:
            v.action_plan = u.action_plan.format(node_id=nid)
        gap = self._gaps.get(nid)
        if gap:
            v.gap = u.gap.format(evaluation_id=gap)
        yearly = self.yearly_pagu.get(nid, {})
        v.yearly = [format_rupiah(yearly[y]) if yearly.get(y) is not None else None for y, _ in self.columns]
        ps = self.pagu_sums.get(nid)
        if ps and ps.below is not None and (n.pagu is None or ps.difference is not None):
            diff = ps.difference is not None
            v.pagu_sum = SimpleNamespace(
                diff=diff, below=w.pagu_sum % {"sum": format_rupiah(ps.below)},
                difference=w.pagu_diff % {"diff": format_rupiah(ps.difference)} if diff else "")
        if self.can_edit:
            v.edit_page, v.edit = u.edit_page.format(edit=nid), u.edit.format(node_id=nid)
            below = plans.allowed_child_levels(self.tree.levels, plan, n)
            if below:
                v.child = SimpleNamespace(page=u.add_page.format(add=nid), href=u.new_child.format(node_id=nid),
                                          title=w.add_level % {"level": t(below[0].label)},
                                          label=t(below[0].label.split(" ")[0]))
            v.new_indicator = u.new_indicator.format(node_id=nid)
            v.quick_indicator = u.quick_indicator.format(node_id=nid)
            v.move, v.delete = u.move.format(node_id=nid), u.delete.format(node_id=nid)
            v.leaf = not (tn.children or tn.indicators)
            v.delete_confirm = w.delete_node % {"code": n.code} if v.leaf else None
        return v

    def indicators(self, tn) -> list[SimpleNamespace]:
        return [self._indicator(ind) for ind in tn.indicators]

    def cells(self, targets) -> list[SimpleNamespace | None]:
        return [self._cell(target) for target in targets]

    def _cell(self, target) -> SimpleNamespace | None:
        """How one target reads in a table cell (``plans/_cells.html``): a number, a range, or a short text."""
        if not target:
            return None
        key = (target.text, target.lower, target.upper, target.value)
        shown = self._cells.get(key)
        if shown is None:
            if target.text:
                shown = SimpleNamespace(text=target.text, range=None)
            elif target.lower is not None:
                shown = SimpleNamespace(text=None, range=f"{num(target.lower)}–{num(target.upper)}")
            else:
                shown = SimpleNamespace(text=None, range=None, title=num(target.value), short=compact(target.value))
            self._cells[key] = shown
        return shown

    # What the template asked for per row: asked on first use as it was (the same statements), then kept here.
    @cached_property
    def _node_findings(self) -> dict:
        return plan_checks(self.plan).by_node()

    @cached_property
    def _indicator_findings(self) -> dict:
        return plan_checks(self.plan).by_indicator()

    @cached_property
    def _worksheets(self) -> dict:
        return worksheet_badges(self.plan)

    @cached_property
    def _gaps(self) -> dict:
        return gap_links(self.plan)

    def _level(self, tn) -> str:
        if not tn.level:
            return tn.node.kind
        label = self._level_labels.get(tn.level.label)
        if label is None:
            label = self._level_labels[tn.level.label] = t(tn.level.label)
        return label

    def _indicator(self, ind) -> SimpleNamespace:
        w, u, iid = self.words, self.url, ind.id
        findings = self._indicator_findings.get(iid)
        href = u.indicator.format(indicator_id=iid)
        tmap = self.tree.target_map(iid)
        r = SimpleNamespace(
            id=iid, code=ind.code or "", name=ind.name, unit=ind.unit, href=href, level=ind.level,
            level_title=self._levels[ind.level], level_short=getattr(w, ind.level),
            polarity=POLARITY_MARKS[ind.polarity],
            polarity_title=f"{self._polarities[ind.polarity]} · {self._accumulations[ind.accumulation]}",
            cells=[self._cell(tmap.get(c)) for c in self.columns], findings=None)
        if findings:
            r.findings = SimpleNamespace(
                sev="error" if any(f.severity == "error" for f in findings) else "warning",
                href=f"{u.checks}#finding-{findings[0].rule}-{iid}",
                title=" · ".join(f.message for f in findings), rules=" ".join(f.rule for f in findings))
        if self.can_edit:
            r.move = u.move_indicator.format(indicator_id=iid)
            r.delete = u.delete_indicator.format(indicator_id=iid)
            r.delete_confirm = w.delete_indicator_q % {"name": ind.name}
        return r

