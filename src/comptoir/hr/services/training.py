"""Training: programs (SCHEDULED → IN_PROGRESS → COMPLETED; SCHEDULED → CANCELLED) and their enrollments
(ENROLLED → IN_PROGRESS → COMPLETED or FAILED; ENROLLED/IN_PROGRESS → DROPPED). The enrollments not dropped stay
within the program's capacity (the program is locked while counting). Certificates are attachments of the
enrollment (platform attachments)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import EnrollmentStatus, ProgramStatus
from comptoir.hr.locks import lock_program, lock_row
from comptoir.hr.models import TrainingEnrollment, TrainingProgram
from comptoir.hr.module import ENROLLMENT_STATUS_CHANGED, PROGRAM_STATUS_CHANGED
from comptoir.hr.services.common import required_text, save_unique
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.services.attachments import upload_attachment
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.transitions import transition

PROGRAM_AUDITED = ("title", "description", "instructor", "duration_hours", "cost", "max_participants", "location")
PROGRAM_AUDITED += ("start_date", "end_date", "status")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProgramInput:
    title: str
    description: str = ""
    instructor: str = ""
    duration_hours: int | None = None
    cost: Decimal | None = None
    max_participants: int | None = None
    location: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProgramPatch(Patch):
    title: str | _Unset = UNSET
    description: str | None | _Unset = UNSET
    instructor: str | None | _Unset = UNSET
    duration_hours: int | None | _Unset = UNSET
    cost: Decimal | None | _Unset = UNSET
    max_participants: int | None | _Unset = UNSET
    location: str | None | _Unset = UNSET
    start_date: datetime.date | None | _Unset = UNSET
    end_date: datetime.date | None | _Unset = UNSET


TEXTS = ("description", "instructor", "location")


def _check_program(program: TrainingProgram) -> None:
    if program.start_date and program.end_date and program.end_date < program.start_date:
        raise ValidationFailed(_("end_date is before start_date"), code="end_before_start", field="end_date")
    if program.cost is not None and program.cost < 0:
        raise ValidationFailed(_("cost must not be negative"), code="negative_amount", field="cost")


def _taken(program: TrainingProgram) -> int:
    """The enrollments that hold a place (all but the dropped ones); the program is locked by the caller."""
    return TrainingEnrollment.objects.filter(program=program).exclude(status=EnrollmentStatus.DROPPED).count()


def create_program(*, actor, data: ProgramInput) -> TrainingProgram:
    with transaction.atomic():
        program = TrainingProgram(
            title=required_text(data.title, "title"),
            description=(data.description or "").strip(),
            instructor=(data.instructor or "").strip(),
            duration_hours=data.duration_hours,
            cost=data.cost,
            max_participants=data.max_participants,
            location=(data.location or "").strip(),
            start_date=data.start_date,
            end_date=data.end_date,
            created_by=actor,
            updated_by=actor,
        )
        _check_program(program)
        program.save()
        record_audit(actor=actor, action=AuditAction.CREATE, obj=program, new=snapshot(program, PROGRAM_AUDITED))
    return program


def update_training_program(*, actor, program_id, changes: ProgramPatch) -> TrainingProgram:
    """Change a scheduled or running program; its capacity never falls below the places taken (`below_enrolled`,
    counted with the program locked, as enrolling does)."""
    changes.refuse_nulls("title")
    with transaction.atomic():
        program = lock_program(program_id)
        if program.status not in (ProgramStatus.SCHEDULED, ProgramStatus.IN_PROGRESS):
            raise Conflict(
                _("A %(status)s training program cannot be edited") % {"status": program.get_status_display()},
                code="not_editable",
                field="status",
            )
        before = snapshot(program, PROGRAM_AUDITED)
        for field, value in changes.provided().items():
            if field == "title":
                value = required_text(value, field)
            elif field in TEXTS:
                value = (value or "").strip()
            setattr(program, field, value)
        _check_program(program)
        taken = _taken(program) if program.max_participants is not None else 0
        if program.max_participants is not None and program.max_participants < taken:
            raise ValidationFailed(
                _("%(taken)s employees are enrolled: the capacity cannot be lower") % {"taken": taken},
                code="below_enrolled",
                field="max_participants",
            )
        program.updated_by = actor
        program.version += 1
        program.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=program, old=before,
                     new=snapshot(program, PROGRAM_AUDITED))  # fmt: skip
    return program


def change_program_status(*, actor, program_id, status: str, reason: str = "") -> TrainingProgram:
    with transaction.atomic():
        program = lock_program(program_id)
        before = program.status
        transition(program, status, actor=actor, reason=reason)
        emit_event(event_type=PROGRAM_STATUS_CHANGED,
                   payload={"id": program.pk, "status": status, "previous_status": before}, source=program)  # fmt: skip
    return program


def _duplicate() -> str:
    return _("The employee is already enrolled in this program")


def enroll(*, actor, program: str, employee: str, enrollment_date: datetime.date | None = None) -> TrainingEnrollment:
    """Enroll the employee in a scheduled or running program, within its capacity."""
    with transaction.atomic():
        locked = lock_program(queries.resolve_training_program(program).pk)
        person = queries.resolve_employee(employee)
        if locked.status not in (ProgramStatus.SCHEDULED, ProgramStatus.IN_PROGRESS):
            raise Conflict(_("The program takes no more enrollments"), code="program_not_open", field="program")
        if TrainingEnrollment.objects.filter(program=locked, employee=person).exists():
            raise ValidationFailed(_duplicate(), code="duplicate", field="employee")
        if locked.max_participants is not None and _taken(locked) >= locked.max_participants:
            raise Conflict(_("The program is full (%(max)s participants)") % {"max": locked.max_participants},
                           code="program_full", field="program")  # fmt: skip
        row = TrainingEnrollment(program=locked, employee=person, created_by=actor, updated_by=actor,
                                 enrollment_date=enrollment_date or timezone.localdate())  # fmt: skip
        save_unique(row, {"hr_enrollment_unique": ("employee", _duplicate())})
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row,
                     new=snapshot(row, ("program", "employee", "enrollment_date", "status")))  # fmt: skip
    return row


def move_enrollment(*, actor, enrollment_id, status: str, grade: str = "",
                    completion_date: datetime.date | None = None) -> TrainingEnrollment:  # fmt: skip
    """Move the enrollment; COMPLETED and FAILED set the completion date (default today) and the grade."""
    with transaction.atomic():
        row = lock_row(TrainingEnrollment, enrollment_id, _("No such enrollment"))
        lock_program(row.program_id)
        before = row.status
        also = ()
        if status in (EnrollmentStatus.COMPLETED, EnrollmentStatus.FAILED):
            row.completion_date = completion_date or timezone.localdate()
            row.grade = (grade or "").strip()
            if row.completion_date < row.enrollment_date:
                raise ValidationFailed(_("completion_date is before the enrollment"), code="end_before_start",
                                       field="completion_date")  # fmt: skip
            also = ("completion_date", "grade")
        transition(row, status, actor=actor, also=also)
        emit_event(event_type=ENROLLMENT_STATUS_CHANGED,
                   payload={"id": row.pk, "program": row.program_id, "employee": row.employee_id, "status": status,
                            "previous_status": before}, source=row)  # fmt: skip
    return row


def attach_certificate(*, actor, enrollment_id, upload):
    """A certificate (a file) attached to a completed enrollment."""
    with transaction.atomic():
        row = lock_row(TrainingEnrollment, enrollment_id, _("No such enrollment"))
        if row.status != EnrollmentStatus.COMPLETED:
            raise Conflict(_("A certificate is attached to a completed enrollment"), code="not_completed",
                           field="status")  # fmt: skip
        return upload_attachment(actor=actor, owner_type="hr.trainingenrollment", owner_id=row.pk, upload=upload)
