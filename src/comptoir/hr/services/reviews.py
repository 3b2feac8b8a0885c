"""Performance reviews: one per employee and cycle (its period), written by a reviewer who is not the employee,
rated 1 to 5; DRAFT → SUBMITTED (the reviewer) → ACKNOWLEDGED (the employee's sign-off, with their comments) →
CLOSED (HR). Only a draft is edited."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import ReviewStatus
from comptoir.hr.locks import lock_row
from comptoir.hr.models import Employee, PerformanceReview
from comptoir.hr.module import REVIEW_STATUS_CHANGED
from comptoir.hr.services.common import save_unique
from comptoir.hr.services.leave import is_hr
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, PermissionDenied, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.transitions import transition

TEXTS = ("strengths", "goals_achieved", "areas_for_improvement", "next_goals", "recommendations")
AUDITED = ("employee", "reviewer", "period_start", "period_end", "review_date", "rating", *TEXTS, "status")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewInput:
    employee: str
    reviewer: str
    period_start: datetime.date
    period_end: datetime.date
    review_date: datetime.date | None = None
    rating: Decimal | None = None
    strengths: str = ""
    goals_achieved: str = ""
    areas_for_improvement: str = ""
    next_goals: str = ""
    recommendations: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReviewPatch(Patch):
    review_date: datetime.date | _Unset = UNSET
    rating: Decimal | None | _Unset = UNSET
    strengths: str | None | _Unset = UNSET
    goals_achieved: str | None | _Unset = UNSET
    areas_for_improvement: str | None | _Unset = UNSET
    next_goals: str | None | _Unset = UNSET
    recommendations: str | None | _Unset = UNSET


def _duplicate() -> str:
    return _("The employee already has a review for this period")


def _rating(value) -> Decimal | None:
    if value is not None and not (Decimal(1) <= value <= Decimal(5)):
        raise ValidationFailed(_("rating is between 1 and 5"), code="invalid", field="rating")
    return value


def create_review(*, actor, data: ReviewInput) -> PerformanceReview:
    if data.period_end < data.period_start:
        raise ValidationFailed(_("period_end is before period_start"), code="end_before_start", field="period_end")
    with transaction.atomic():
        employee = queries._by_id_or_code(Employee.objects.all(), data.employee, "employee", "employee_number",
                                          _("No employee “%(ref)s”"))  # fmt: skip
        reviewer = queries._by_id_or_code(Employee.objects.all(), data.reviewer, "reviewer", "employee_number",
                                          _("No employee “%(ref)s”"))  # fmt: skip
        if reviewer.pk == employee.pk:
            raise ValidationFailed(_("Nobody reviews themself"), code="self_review", field="reviewer")
        if PerformanceReview.objects.filter(
            employee=employee, period_start=data.period_start, period_end=data.period_end
        ).exists():
            raise ValidationFailed(_duplicate(), code="duplicate", field="period_start")
        review = PerformanceReview(
            employee=employee,
            reviewer=reviewer,
            period_start=data.period_start,
            period_end=data.period_end,
            review_date=data.review_date or timezone.localdate(),
            rating=_rating(data.rating),
            created_by=actor,
            updated_by=actor,
            **{field: (getattr(data, field) or "").strip() for field in TEXTS},
        )
        save_unique(review, {"hr_review_period_unique": ("period_start", _duplicate())})
        record_audit(actor=actor, action=AuditAction.CREATE, obj=review, new=snapshot(review, AUDITED))
    return review


def update_review(*, actor, review_id, changes: ReviewPatch) -> PerformanceReview:
    given = changes.provided()
    changes.refuse_nulls("review_date")
    with transaction.atomic():
        review = lock_row(PerformanceReview, review_id, _("No such performance review"))
        if review.status != ReviewStatus.DRAFT:
            raise Conflict(_("Only a draft review is edited"), code="not_editable", field="status")
        before = snapshot(review, AUDITED)
        for field, value in given.items():
            if field == "rating":
                review.rating = _rating(value)
            elif field in TEXTS:
                setattr(review, field, (value or "").strip())
            else:
                setattr(review, field, value)
        review.updated_by = actor
        review.version += 1
        review.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=review, old=before, new=snapshot(review, AUDITED))
    return review


def move_review(*, actor, review_id, status: str, comments: str = "") -> PerformanceReview:
    """SUBMITTED by the reviewer (or HR), with a rating; ACKNOWLEDGED by the employee reviewed (their sign-off,
    with `comments`); CLOSED by HR."""
    with transaction.atomic():
        review = lock_row(PerformanceReview, review_id, _("No such performance review"))
        people = dict(
            Employee.objects.filter(pk__in=(review.employee_id, review.reviewer_id)).values_list("pk", "user_id")
        )
        also = ()
        if status == ReviewStatus.SUBMITTED:
            if people.get(review.reviewer_id) != actor.pk and not is_hr(actor):
                raise PermissionDenied(_("Only the reviewer submits the review"), code="not_the_reviewer",
                                       field="status")  # fmt: skip
            if review.rating is None and review.status == ReviewStatus.DRAFT:
                raise ValidationFailed(_("A review is rated before it is submitted"), code="required", field="rating")
        elif status == ReviewStatus.ACKNOWLEDGED:
            if people.get(review.employee_id) != actor.pk:
                raise PermissionDenied(_("Only the employee reviewed signs the review off"), code="not_the_employee",
                                       field="status")  # fmt: skip
            review.employee_comments = (comments or "").strip()
            also = ("employee_comments",)
        elif status == ReviewStatus.CLOSED and not is_hr(actor):
            raise PermissionDenied(_("Only HR closes a review"), code="permission_denied", field="status")
        before = review.status
        transition(review, status, actor=actor, reason=comments, also=also)
        emit_event(event_type=REVIEW_STATUS_CHANGED,
                   payload={"id": review.pk, "employee": review.employee_id, "status": review.status,
                            "previous_status": before, "rating": review.rating}, source=review)  # fmt: skip
    return review
