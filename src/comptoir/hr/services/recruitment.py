"""Recruitment: job postings (DRAFT → OPEN → CLOSED → FILLED; OPEN → FILLED; any non-terminal → CANCELLED) and
their candidates along the pipeline (APPLIED → SCREENING → INTERVIEW → OFFERED → HIRED; any open stage →
REJECTED or WITHDRAWN). A candidate applies only to an open posting, before its closing date and below its
maximum of applications, once per e-mail. Hiring an offered candidate creates the employee (and their party)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import CandidateStatus, EmploymentType, PostingStatus
from comptoir.hr.locks import lock_row
from comptoir.hr.models import Candidate, JobPosting
from comptoir.hr.module import CANDIDATE_APPLIED, CANDIDATE_HIRED, CANDIDATE_STATUS_CHANGED, POSTING_STATUS_CHANGED
from comptoir.hr.services.common import clean_email, required_text, save_unique
from comptoir.hr.services.employees import EmployeeInput, create_employee
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.transitions import transition

POSTING_AUDITED = ("title", "department", "position", "description", "requirements", "salary_range_min")
POSTING_AUDITED += ("salary_range_max", "location", "employment_type", "status", "posted_date", "closing_date")
POSTING_AUDITED += ("max_applications",)
CANDIDATE_AUDITED = ("job_posting", "first_name", "last_name", "email", "phone", "experience_years", "status")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostingInput:
    title: str
    description: str
    department: str | None = None
    position: str | None = None
    requirements: str = ""
    salary_range_min: Decimal | None = None
    salary_range_max: Decimal | None = None
    location: str = ""
    employment_type: str = EmploymentType.FULL_TIME
    status: str = PostingStatus.OPEN
    posted_date: datetime.date | None = None
    closing_date: datetime.date | None = None
    max_applications: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PostingPatch(Patch):
    title: str | _Unset = UNSET
    description: str | _Unset = UNSET
    requirements: str | None | _Unset = UNSET
    salary_range_min: Decimal | None | _Unset = UNSET
    salary_range_max: Decimal | None | _Unset = UNSET
    location: str | None | _Unset = UNSET
    closing_date: datetime.date | None | _Unset = UNSET
    max_applications: int | None | _Unset = UNSET


def _check_posting(posting: JobPosting) -> None:
    low, high = posting.salary_range_min, posting.salary_range_max
    for field, value in (("salary_range_min", low), ("salary_range_max", high)):
        if value is not None and value < 0:
            raise ValidationFailed(_("%(field)s must not be negative") % {"field": field}, code="negative_amount",
                                   field=field)  # fmt: skip
    if low is not None and high is not None and low > high:
        raise ValidationFailed(_("salary_range_min is above salary_range_max"), code="salary_range",
                               field="salary_range_max")  # fmt: skip
    if posting.closing_date and posting.closing_date < posting.posted_date:
        raise ValidationFailed(_("closing_date is before posted_date"), code="end_before_start", field="closing_date")


def create_posting(*, actor, data: PostingInput) -> JobPosting:
    if data.status not in (PostingStatus.DRAFT, PostingStatus.OPEN):
        raise ValidationFailed(_("A posting starts as DRAFT or OPEN"), code="invalid", field="status")
    with transaction.atomic():
        posting = JobPosting(
            title=required_text(data.title, "title"),
            description=required_text(data.description, "description"),
            department=queries.resolve_department(data.department) if data.department else None,
            position=queries.resolve_position(data.position) if data.position else None,
            requirements=(data.requirements or "").strip(),
            salary_range_min=data.salary_range_min,
            salary_range_max=data.salary_range_max,
            location=(data.location or "").strip(),
            employment_type=data.employment_type,
            status=data.status,
            posted_date=data.posted_date or timezone.localdate(),
            closing_date=data.closing_date,
            max_applications=data.max_applications,
            created_by=actor,
            updated_by=actor,
        )
        if posting.position and not posting.department:
            posting.department = posting.position.department
        _check_posting(posting)
        posting.save()
        record_audit(actor=actor, action=AuditAction.CREATE, obj=posting, new=snapshot(posting, POSTING_AUDITED))
    return posting


def update_posting(*, actor, posting_id, changes: PostingPatch) -> JobPosting:
    given = changes.provided()
    changes.refuse_nulls("title", "description")
    with transaction.atomic():
        posting = lock_row(JobPosting, posting_id, _("No such job posting"))
        if posting.status not in (PostingStatus.DRAFT, PostingStatus.OPEN):
            raise Conflict(_("Only a draft or open posting is edited"), code="not_editable", field="status")
        before = snapshot(posting, POSTING_AUDITED)
        for field, value in given.items():
            if field in ("title", "description"):
                setattr(posting, field, required_text(value, field))
            elif field in ("requirements", "location"):
                setattr(posting, field, (value or "").strip())
            else:
                setattr(posting, field, value)
        _check_posting(posting)
        posting.updated_by = actor
        posting.version += 1
        posting.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=posting, old=before,
                     new=snapshot(posting, POSTING_AUDITED))  # fmt: skip
    return posting


def change_posting_status(*, actor, posting_id, status: str, reason: str = "") -> JobPosting:
    with transaction.atomic():
        posting = lock_row(JobPosting, posting_id, _("No such job posting"))
        before = posting.status
        transition(posting, status, actor=actor, reason=reason)
        emit_event(event_type=POSTING_STATUS_CHANGED,
                   payload={"id": posting.pk, "title": posting.title, "status": status, "previous_status": before},
                   source=posting)  # fmt: skip
    return posting


@dataclasses.dataclass(frozen=True, kw_only=True)
class CandidateInput:
    job_posting: str
    first_name: str
    last_name: str
    email: str
    phone: str = ""
    cover_letter: str = ""
    experience_years: int | None = None
    education_level: str = ""
    skills: tuple[str, ...] = ()
    notes: str = ""


def _duplicate() -> str:
    return _("This e-mail has already applied to this posting")


def apply_candidate(*, actor, data: CandidateInput) -> Candidate:
    """A candidate for an open posting (locked, so the maximum of applications holds under concurrency)."""
    email = clean_email(required_text(data.email, "email"))
    with transaction.atomic():
        posting = lock_row(JobPosting, queries.resolve_job_posting(data.job_posting).pk, _("No such job posting"))
        if posting.status != PostingStatus.OPEN:
            raise Conflict(_("The posting is not open"), code="posting_not_open", field="job_posting")
        if posting.closing_date and timezone.localdate() > posting.closing_date:
            raise Conflict(_("The posting closed on %(date)s") % {"date": posting.closing_date},
                           code="posting_not_open", field="job_posting")  # fmt: skip
        count = Candidate.objects.filter(job_posting=posting).count()
        if posting.max_applications is not None and count >= posting.max_applications:
            raise Conflict(_("The posting has all the applications it takes"), code="posting_full",
                           field="job_posting")  # fmt: skip
        if Candidate.objects.filter(job_posting=posting, email__iexact=email).exists():
            raise ValidationFailed(_duplicate(), code="duplicate", field="email")
        candidate = Candidate(
            job_posting=posting,
            first_name=required_text(data.first_name, "first_name"),
            last_name=required_text(data.last_name, "last_name"),
            email=email,
            phone=(data.phone or "").strip(),
            cover_letter=(data.cover_letter or "").strip(),
            experience_years=data.experience_years,
            education_level=(data.education_level or "").strip(),
            skills=list(dict.fromkeys(s.strip() for s in data.skills if s.strip())),
            notes=(data.notes or "").strip(),
            workspace_id=posting.workspace_id,
            created_by=actor,
            updated_by=actor,
        )
        save_unique(candidate, {"hr_candidate_unique": ("email", _duplicate())})
        record_audit(actor=actor, action=AuditAction.CREATE, obj=candidate, new=snapshot(candidate, CANDIDATE_AUDITED))
        emit_event(event_type=CANDIDATE_APPLIED,
                   payload={"id": candidate.pk, "job_posting": posting.pk, "name": candidate.name},
                   source=candidate)  # fmt: skip
    return candidate


def move_candidate(*, actor, candidate_id, status: str, reason: str = "",
                   interview_date: datetime.datetime | None = None) -> Candidate:  # fmt: skip
    """Move the candidate along the pipeline (HIRED only through `hire_candidate`)."""
    if status == CandidateStatus.HIRED:
        raise ValidationFailed(_("Hire the candidate through the hire action"), code="invalid", field="status")
    with transaction.atomic():
        candidate = lock_row(Candidate, candidate_id, _("No such candidate"))
        before = candidate.status
        also = ()
        if interview_date is not None:
            candidate.interview_date = interview_date
            also = ("interview_date",)
        transition(candidate, status, actor=actor, reason=reason, also=also)
        emit_event(event_type=CANDIDATE_STATUS_CHANGED,
                   payload={"id": candidate.pk, "status": status, "previous_status": before}, source=candidate)  # fmt: skip  # noqa: E501
    return candidate


@dataclasses.dataclass(frozen=True, kw_only=True)
class HireInput:
    hire_date: datetime.date
    department: str | None = None
    position: str | None = None
    reports_to: str | None = None
    employment_type: str | None = None
    status: str = "ACTIVE"


def hire_candidate(*, actor, candidate_id, data: HireInput) -> Candidate:
    """An OFFERED candidate becomes an employee (with their party); the candidate is HIRED and linked to the
    employee. The posting's department and position are the defaults."""
    with transaction.atomic():
        candidate = lock_row(Candidate, candidate_id, _("No such candidate"))
        posting = candidate.job_posting
        if (candidate.status, CandidateStatus.HIRED) not in Candidate.TRANSITIONS:
            transition(candidate, CandidateStatus.HIRED, actor=actor)  # raises invalid_transition
        employee = create_employee(
            actor=actor,
            data=EmployeeInput(
                first_name=candidate.first_name,
                last_name=candidate.last_name,
                email=candidate.email,
                phone=candidate.phone,
                hire_date=data.hire_date,
                department=data.department or (str(posting.department_id) if posting.department_id else None),
                position=data.position or (str(posting.position_id) if posting.position_id else None),
                reports_to=data.reports_to,
                employment_type=data.employment_type or posting.employment_type,
                status=data.status,
                skills=tuple(candidate.skills),
            ),
        )
        candidate.hired_employee = employee
        transition(candidate, CandidateStatus.HIRED, actor=actor, also=("hired_employee",))
        emit_event(event_type=CANDIDATE_HIRED,
                   payload={"id": candidate.pk, "employee": employee.pk, "job_posting": posting.pk},
                   source=candidate)  # fmt: skip
    return candidate
