"""Monitoring (pemantauan), one module per job:

* ``checks``      what every write checks first (the cell, its period, open or closed, the actor's right);
* ``cells``       realisation entry, clearing and verification;
* ``evidence``    bukti dukung: files checked by content and stored outside ``static/``, and links;
* ``narratives``  faktor pendorong/penghambat and follow-ups (tindak lanjut);
* ``budget``      the execution pagu of a node and the rupiah realised per period;
* ``locks``       closing and reopening periods;
* ``read``        the read model: progress of a plan or an indicator (figures from ``calc.tree``);
* ``dashboard``   the plan dashboard's evaluation, kept from one write of what it reads to the next;
* ``ranking``     the cross-unit ranking, its figures stored per plan and kept honest by write stamps.

Everything public is re-exported here: ``from planner.services import monitoring as mon`` is how callers
use it. Rows are stored by lineage key (``Indicator.key``, ``PlanNode.key``, ``Plan.key``), so every
version of a plan shows what was reported against any of them.
"""
from __future__ import annotations

from planner import periods  # noqa: F401
from planner.calc import Settings  # noqa: F401
from planner.periods import contains, periods_due, trend_periods  # noqa: F401
from planner.services import monitoring_audit  # noqa: F401  (puts these tables under the audit trail)

from .budget import budget_versions, set_budget
from .cells import clear_realization, get_realization, record_realization, verify
from .checks import closed_locks, reporting_periods
from .dashboard import Dashboard, dashboard_part, plan_dashboard
from .evidence import (
    EVIDENCE_TYPES, MAX_URL, add_evidence_link, delete_evidence, evidence_path, get_evidence, store_evidence_file,
)
from .locks import close_period, reopen_period
from .narratives import add_follow_up, delete_follow_up, get_follow_up, save_narrative, update_follow_up
from .read import (
    MONITORING_STATUS_LABELS, NOT_DUE, BranchProgress, BudgetProgress, Cell, EarlyWarning, IndicatorRow,
    MissingReport, NodeProgress, PeriodDetail, PlanProgress, TrendPoint, achievement_for_indicator, own_budgets,
    branches_progress, period_detail, progress_for_plan, realisation_lookup, settings_from_config, subtree_progress,
)
from .ranking import OrgRank, Ranking, org_ranking

__all__ = [
    "periods", "Settings", "contains", "periods_due", "trend_periods", "reporting_periods", "closed_locks",
    "set_budget", "own_budgets", "budget_versions",
    "clear_realization", "get_realization", "record_realization", "verify",
    "EVIDENCE_TYPES", "MAX_URL", "add_evidence_link", "delete_evidence", "evidence_path", "get_evidence",
    "store_evidence_file",
    "close_period", "reopen_period",
    "add_follow_up", "delete_follow_up", "get_follow_up", "save_narrative", "update_follow_up",
    "MONITORING_STATUS_LABELS", "NOT_DUE", "BranchProgress", "BudgetProgress", "Cell", "EarlyWarning", "IndicatorRow",
    "MissingReport", "NodeProgress", "OrgRank", "PeriodDetail", "PlanProgress", "Ranking", "TrendPoint",
    "achievement_for_indicator", "org_ranking", "period_detail", "progress_for_plan", "realisation_lookup",
    "settings_from_config", "subtree_progress", "branches_progress", "Dashboard", "dashboard_part",
    "plan_dashboard",
]
