"""What a unit publishes (its public page): the settings, and the read-only figures the page shows.

Nothing here returns plan data beyond the service standards (the 14 components the worksheets hold),
survey results, complaint figures and the survey link — and only what the unit chose to publish.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pydantic import ValidationError
from sqlmodel import Session, select

from planner.calc.complaints import ComplaintSummary
from planner.errors import NotFound, from_pydantic
from planner.models import Organization, Plan, PlanNode
from planner.models.complaint import ProfileIn, ServiceProfile
from planner.models.survey import Survey
from planner.models.worksheet import COMPONENT_LABELS, STANDARD_COMPONENTS, StandardRow, Worksheet
from planner.services import acting, complaints, orgs, surveys
from planner.services.surveys import SurveyResult


def profile(s: Session, organization_id: int) -> ServiceProfile:
    """The unit's settings, unsaved defaults when it has none (nothing published)."""
    row = s.exec(select(ServiceProfile).where(ServiceProfile.organization_id == organization_id)).first()
    return row or ServiceProfile(organization_id=organization_id)


def save_profile(s: Session, organization_id: int, data: dict | ProfileIn) -> ServiceProfile:
    acting.require(s, "publication.edit", orgs.get(s, organization_id))
    if not isinstance(data, ProfileIn):
        try:
            data = ProfileIn.model_validate(data)
        except ValidationError as exc:
            raise from_pydantic(exc) from exc
    row = profile(s, organization_id)
    for key, value in data.model_dump().items():
        setattr(row, key, value.strip() if isinstance(value, str) else value)
    s.add(row)
    s.flush()
    return row


@dataclass
class PublicStandard:
    activity: str
    service: str
    components: list[tuple[str, str]]  # (label, content) in the regulation's order


@dataclass
class PublicPage:
    organization: Organization
    profile: ServiceProfile
    standards: list[PublicStandard] = field(default_factory=list)
    latest: SurveyResult | None = None
    trend: list[tuple[str, float | None]] = field(default_factory=list)  # (survey, converted IKM)
    complaints: ComplaintSummary | None = None
    complaint_year: int | None = None
    open_survey: Survey | None = None


def _standards(s: Session, organization_id: int) -> list[PublicStandard]:
    """Service standards from the worksheets of the unit's latest Renja (the fixed one when there is one)."""
    plans = s.exec(select(Plan).where(Plan.organization_id == organization_id, Plan.kind == "renja")
                   .order_by(Plan.first_year.desc(), (Plan.status == "locked").desc(),
                             Plan.revision_number.desc())).all()
    if not plans:
        return []
    rows = s.exec(select(StandardRow, PlanNode).join(Worksheet, StandardRow.worksheet_id == Worksheet.id)
                  .join(PlanNode, Worksheet.node_id == PlanNode.id)
                  .where(PlanNode.plan_id == plans[0].id, StandardRow.state != "belum_ada")
                  .order_by(PlanNode.code, StandardRow.position)).all()
    order = {key: n for n, (key, _, _) in enumerate(STANDARD_COMPONENTS)}
    grouped: dict[tuple[str, str], list[StandardRow]] = {}
    for row, node in rows:
        grouped.setdefault((node.name, row.service), []).append(row)
    return [PublicStandard(activity, service, [(COMPONENT_LABELS[r.component], r.content)
                                               for r in sorted(items, key=lambda r: order[r.component])])
            for (activity, service), items in grouped.items()]


def public_page(s: Session, code: str, today: date, default_limit: int) -> PublicPage:
    """The published page of a unit; a unit that publishes nothing does not exist publicly (404)."""
    org = orgs.by_code(s, code)
    prof = profile(s, org.id) if org else None
    if org is None or prof is None or prof.id is None or not prof.published:
        raise NotFound("Halaman publik tidak ditemukan.")
    page = PublicPage(org, prof)
    if prof.show_standards:
        page.standards = _standards(s, org.id)
    all_surveys = list(reversed(surveys.list_for(s, {org.id})))  # oldest first
    if prof.show_skm and all_surveys:
        results = [surveys.result(s, sv) for sv in all_surveys]
        with_index = [r for r in results if r.converted is not None]
        page.latest = with_index[-1] if with_index else None
        page.trend = [(f"{r.survey.name}", r.converted) for r in with_index]
    if prof.show_survey_link:
        page.open_survey = next((sv for sv in reversed(all_surveys) if surveys.is_open(sv, today)), None)
    if prof.show_complaints:
        limit = complaints.limit_days(s, org.id, default_limit)
        rows = complaints.list_for(s, org.id)  # newest first: the figures of the latest year with complaints
        page.complaint_year = rows[0].received_on.year if rows else today.year
        page.complaints = complaints.summary([r for r in rows if r.received_on.year == page.complaint_year],
                                             today, limit)
    return page
