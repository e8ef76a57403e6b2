"""All tables, imported here so ``SQLModel.metadata`` and Alembic see every one."""
from planner.models.auth import ApiToken, Membership, User
from planner.models.org import Organization, Scheme, SchemeLevel
from planner.models.plan import Indicator, NodeObjective, Plan, PlanNode, Target

__all__ = [
    "ApiToken", "Membership", "User",
    "Organization", "Scheme", "SchemeLevel",
    "Indicator", "NodeObjective", "Plan", "PlanNode", "Target",
]
from planner.models.monitoring import BudgetRealization, Evidence, FollowUp, Narrative, NodeBudget, PeriodLock, Realization  # noqa: E402
__all__ += ["BudgetRealization", "Evidence", "FollowUp", "Narrative", "NodeBudget", "PeriodLock", "Realization"]
from planner.models.worksheet import ControlRow, NeedRow, Partner, ResourceRow, StandardRow, SuccessMeasure, Worksheet  # noqa: E402,F401
from planner.models.workflow import AuditEntry, Comment, Schedule  # noqa: E402
__all__ += ["AuditEntry", "Comment", "Schedule"]
from planner.models.imports import ImportJob, ImportMapping, NodeYearPagu  # noqa: E402
__all__ += ["ImportJob", "ImportMapping", "NodeYearPagu"]
