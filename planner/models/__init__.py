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
from planner.models.action_plan import ActionStep, ActionStepLink  # noqa: E402
__all__ += ["ActionStep", "ActionStepLink"]
from planner.models.action_plan import StepEvidence  # noqa: E402
__all__ += ["StepEvidence"]
from planner.models.evaluation import (  # noqa: E402,F401
    EvaluationEvidence, Evaluation, EvaluationScore, GapActivity, Instrument, InstrumentAspect, InstrumentIndicator)
from planner.models.survey import Survey, SurveyElement, SurveyResponse  # noqa: E402,F401
from planner.models.complaint import Complaint, ServiceProfile  # noqa: E402,F401
from planner.models.checks import FindingAck  # noqa: E402
__all__ += ["FindingAck"]
from planner.models.settings import OrganizationSettings  # noqa: E402
__all__ += ["OrganizationSettings"]
from planner.models.security import LoginFailure  # noqa: E402
__all__ += ["LoginFailure"]
from planner.models.imports import ImportJob, ImportMapping, NodeYearPagu  # noqa: E402
__all__ += ["ImportJob", "ImportMapping", "NodeYearPagu"]
from planner.models.training import (  # noqa: E402
    FeedbackEntry, QuizAttempt, TrainingAssignment, TrainingCase, TrainingClass, TrainingEnrolment)
__all__ += ["FeedbackEntry", "QuizAttempt", "TrainingAssignment", "TrainingCase", "TrainingClass",
            "TrainingEnrolment"]
from planner.models.evaluation_round import (  # noqa: E402,F401  (issue 18)
    AccelerationRule, EvaluationRound, EvaluationVisit, Recommendation, RoundEvaluator, RoundUnit, VerifiedScore)
from planner.models.summary import PlanStamp, PlanSummary  # noqa: E402  (issue 12: the ranking's stored results)
__all__ += ["PlanStamp", "PlanSummary"]
