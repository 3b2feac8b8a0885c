"""Attendance: one record per employee and day (the database holds it too), from the desk or the API, or by
checking in and out. Hours are computed from check-in to check-out (timestamps: a night shift crosses midnight),
overtime beyond the standard day (setting hr.standard_day_hours). A day inside the employee's approved leave is
recorded ON_LEAVE."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import AttendanceStatus, EmployeeStatus, LeaveStatus
from comptoir.hr.locks import lock_employee, lock_row
from comptoir.hr.models import Attendance, LeaveRequest
from comptoir.hr.module import ATTENDANCE_RECORDED, STANDARD_DAY_HOURS
from comptoir.hr.services.common import save_unique
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import default_workspace_id
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id

AUDITED = ("employee", "date", "check_in", "check_out", "hours_worked", "overtime_hours", "status", "notes")
CENT = Decimal("0.01")


@dataclasses.dataclass(frozen=True, kw_only=True)
class AttendanceInput:
    employee: str
    date: datetime.date
    check_in: datetime.datetime | None = None
    check_out: datetime.datetime | None = None
    status: str | None = None
    notes: str = ""
    check_in_ip: str | None = None
    check_out_ip: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class AttendancePatch(Patch):
    check_in: datetime.datetime | None | _Unset = UNSET
    check_out: datetime.datetime | None | _Unset = UNSET
    status: str | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _duplicate() -> str:
    return _("The employee's attendance for this day is already recorded")


def _standard_day_hours() -> Decimal:
    return Decimal(str(get_setting(STANDARD_DAY_HOURS)))


def _compute(row: Attendance, standard: Decimal | None = None) -> None:
    """Hours and overtime from the check-in and check-out; check-out after check-in. Overtime is past `standard`
    hours (the organization's standard day, read here when not given)."""
    if row.check_out is not None:
        if row.check_in is None:
            raise ValidationFailed(_("A check-out needs a check-in"), code="not_checked_in", field="check_out")
        if row.check_out <= row.check_in:
            raise ValidationFailed(_("check_out must be after check_in"), code="end_before_start", field="check_out")
        hours = Decimal((row.check_out - row.check_in).total_seconds()) / 3600
        if hours >= 100:
            raise ValidationFailed(_("A day's attendance lasts less than 100 hours"), code="invalid", field="check_out")
        row.hours_worked = hours.quantize(CENT, rounding=ROUND_HALF_UP)
        if standard is None:
            standard = _standard_day_hours()
        row.overtime_hours = max(Decimal(0), row.hours_worked - standard).quantize(CENT)
    else:
        row.hours_worked = row.overtime_hours = Decimal(0)


def _on_leave(employee_id, day) -> bool:
    return LeaveRequest.objects.filter(
        employee_id=employee_id, status=LeaveStatus.APPROVED, start_date__lte=day, end_date__gte=day
    ).exists()


def _event(row: Attendance) -> None:
    emit_event(event_type=ATTENDANCE_RECORDED,
               payload={"id": row.pk, "employee": row.employee_id, "date": row.date, "status": row.status,
                        "hours_worked": row.hours_worked}, source=row)  # fmt: skip


def record_attendance(*, actor, data: AttendanceInput) -> Attendance:
    """The employee's day; a second record for the same day is refused (`duplicate_attendance`)."""
    with transaction.atomic():
        employee = lock_employee(queries.resolve_employee(data.employee).pk)
        if employee.status != EmployeeStatus.ACTIVE:
            raise ValidationFailed(_("The employee is not active"), code="not_active", field="employee")
        if data.date < employee.hire_date:
            raise ValidationFailed(_("The employee was not hired yet on this day"), code="invalid", field="date")
        if Attendance.objects.filter(employee=employee, date=data.date).exists():
            raise Conflict(_duplicate(), code="duplicate_attendance", field="date")
        status = data.status
        if status is None:
            status = AttendanceStatus.ON_LEAVE if _on_leave(employee.pk, data.date) and not data.check_in else (
                AttendanceStatus.PRESENT)  # fmt: skip
        row = Attendance(
            employee=employee,
            date=data.date,
            check_in=data.check_in,
            check_out=data.check_out,
            status=status,
            notes=(data.notes or "").strip(),
            check_in_ip=data.check_in_ip,
            check_out_ip=data.check_out_ip,
            created_by=actor,
            updated_by=actor,
        )
        _compute(row)
        save_unique(row, {"hr_attendance_one_per_day": ("date", _duplicate())})
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        _event(row)
    return row


def check_in(*, actor, employee: str, at: datetime.datetime | None = None, ip: str | None = None) -> Attendance:
    """Today's record (in the organization's time zone), checked in now."""
    at = at or timezone.now()
    return record_attendance(
        actor=actor,
        data=AttendanceInput(
            employee=employee, date=timezone.localdate(at), check_in=at, check_in_ip=ip, status=AttendanceStatus.PRESENT
        ),  # fmt: skip
    )


def check_out(*, actor, employee: str, at: datetime.datetime | None = None, ip: str | None = None) -> Attendance:
    """Check out of the employee's open record (checked in, not out): today's, else yesterday's (a night
    shift)."""
    at = at or timezone.now()
    with transaction.atomic():
        person = lock_employee(queries.resolve_employee(employee).pk)
        day = timezone.localdate(at)
        row = (
            Attendance.objects.select_for_update()
            .filter(
                employee=person,
                date__in=(day, day - datetime.timedelta(days=1)),
                check_in__isnull=False,
                check_out__isnull=True,
            )  # fmt: skip
            .order_by("-date")
            .first()
        )
        if row is None:
            raise Conflict(_("The employee has not checked in"), code="not_checked_in", field="employee")
        before = snapshot(row, AUDITED)
        row.check_out, row.check_out_ip, row.updated_by = at, ip, actor
        _compute(row)
        row.version += 1
        row.save()
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=before, new=snapshot(row, AUDITED))
        _event(row)
    return row


def update_attendance(*, actor, attendance_id, changes: AttendancePatch) -> Attendance:
    given = changes.provided()
    changes.refuse_nulls("status")
    with transaction.atomic():
        row = lock_row(Attendance, attendance_id, _("No such attendance record"))
        before = snapshot(row, AUDITED)
        for field, value in given.items():
            setattr(row, field, (value or "").strip() if field == "notes" else value)
        _compute(row)
        row.updated_by = actor
        row.version += 1
        row.save()
        after = snapshot(row, AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=before, new=after)
    return row


@dataclasses.dataclass(frozen=True, kw_only=True)
class AttendanceDay:
    """One day of a batch (a time clock's export): the check-in and check-out, or a status without them."""

    date: datetime.date
    check_in: datetime.datetime | None = None
    check_out: datetime.datetime | None = None
    status: str = AttendanceStatus.PRESENT


def import_attendance(*, actor, employee: str, days: list[AttendanceDay]) -> int:
    """Record many days of one employee at once (a time clock's export), with the same rules as one record (hours
    computed, one record per day: a day already recorded, or given twice, refuses the whole batch); one audit row
    and one event for the batch. Returns the number of records."""
    with transaction.atomic():
        person = lock_employee(queries.resolve_employee(employee).pk)
        if person.status != EmployeeStatus.ACTIVE:
            raise ValidationFailed(_("The employee is not active"), code="not_active", field="employee")
        dates = [d.date for d in days]
        taken = Attendance.objects.filter(employee=person, date__in=dates).exists()
        if taken or len(set(dates)) != len(dates):
            raise Conflict(_duplicate(), code="duplicate_attendance", field="date")
        if dates and min(dates) < person.hire_date:
            raise ValidationFailed(_("The employee was not hired yet on this day"), code="invalid", field="date")
        rows = []
        standard = _standard_day_hours()  # once for the batch, not once per day (a year: 250 queries)
        for d in days:
            row = Attendance(employee=person, date=d.date, check_in=d.check_in, check_out=d.check_out,
                             status=d.status, created_by=actor, updated_by=actor)  # fmt: skip
            _compute(row, standard)
            rows.append(row)
        workspace, org_id = default_workspace_id(), require_org_id()
        for row in rows:
            row.workspace_id, row.organization_id = workspace, org_id
        Attendance.objects.bulk_create(rows)
        record_audit(actor=actor, action=AuditAction.IMPORT, obj=person,
                     new={"attendance_days": len(rows), "from": min(dates, default=None), "to": max(dates, default=None)})  # fmt: skip  # noqa: E501
        emit_event(event_type=ATTENDANCE_RECORDED,
                   payload={"employee": person.pk, "days": len(rows)}, source=person)  # fmt: skip
    return len(rows)
