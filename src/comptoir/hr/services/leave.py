"""Leave: balances accrued per year (the organization's entitlements, setting hr.leave_entitlements, pro-rated
by the months left for a joiner, with the annual days left last year carried over up to
hr.carry_over_max_days), and leave requests.

A request counts the organization's working days between its dates (the work week less the holidays), may not
overlap the employee's other pending or approved requests, stays inside one year, and, for a type with a
balance, reserves its days on submit (refused when not enough are available), consumes them on approval and
releases them on rejection or cancellation; an approved request is cancelled only before it starts, and gives
its days back. The approver is HR (hr.manage_all) or one of the employee's managers, never the employee. Approved
leave is an all-day event of the platform calendar. Lock order: the employee, then the balance."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import HALF, UNPAID_TYPES, EmployeeStatus, LeaveStatus, LeaveType
from comptoir.hr.locks import lock_balance, lock_employee, lock_row
from comptoir.hr.models import Employee, LeaveBalance, LeaveRequest
from comptoir.hr.module import (
    CARRY_OVER_MAX_DAYS,
    LEAVE_ACCRUED,
    LEAVE_APPROVED,
    LEAVE_CANCELLED,
    LEAVE_ENTITLEMENTS,
    LEAVE_REJECTED,
    LEAVE_SUBMITTED,
    MANAGE_ALL,
)
from comptoir.hr.services.common import all_day_event, cancel_event, required_text
from comptoir.identity.queries import member_permissions
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, PermissionDenied, ValidationFailed
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import transition

AUDITED = ("employee", "leave_type", "start_date", "end_date", "total_days", "reason", "status", "notes")


def entitlements() -> dict[str, Decimal]:
    """Days per year of each leave type that has a balance."""
    return {key: Decimal(str(days)) for key, days in get_setting(LEAVE_ENTITLEMENTS).items()}


def _half_days(value: Decimal) -> Decimal:
    """Rounded half-up to the half day."""
    return (value / HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HALF


def accrue_employee(*, actor, employee: Employee, year: int) -> list[LeaveBalance]:
    """The employee's balances of `year` for each type with an entitlement, where missing: the entitlement
    (pro-rated by the months from the hire month for a joiner that year), plus for ANNUAL the days left last year,
    up to the carry-over maximum."""
    if employee.hire_date.year > year or employee.status == EmployeeStatus.TERMINATED:
        return []
    existing = set(LeaveBalance.objects.filter(employee=employee, year=year).values_list("leave_type", flat=True))
    carry_max = Decimal(str(get_setting(CARRY_OVER_MAX_DAYS)))
    created = []
    for leave_type, days in entitlements().items():
        if leave_type in existing:
            continue
        if employee.hire_date.year == year:
            days = _half_days(days * (13 - employee.hire_date.month) / 12)
        carried = Decimal(0)
        if leave_type == LeaveType.ANNUAL:
            last = LeaveBalance.objects.filter(employee=employee, year=year - 1, leave_type=leave_type).first()
            if last is not None:
                carried = max(Decimal(0), min(last.total_days - last.used_days - last.reserved_days, carry_max))
        balance = LeaveBalance.objects.create(
            employee=employee,
            year=year,
            leave_type=leave_type,
            total_days=days + carried,
            carried_over_days=carried,
            created_by=actor,
            updated_by=actor,
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=balance,
                     new=snapshot(balance, ("employee", "year", "leave_type", "total_days", "carried_over_days")))  # fmt: skip  # noqa: E501
        created.append(balance)
    return created


def accrue_leave(*, actor, year: int) -> int:
    """Accrue `year`'s balances of every employee not terminated (those missing); the number of balances made."""
    with transaction.atomic():
        count = 0
        for employee in Employee.objects.exclude(status=EmployeeStatus.TERMINATED).filter(hire_date__year__lte=year):
            count += len(accrue_employee(actor=actor, employee=employee, year=year))
        emit_event(event_type=LEAVE_ACCRUED, payload={"year": year, "balances": count})
    return count


@dataclasses.dataclass(frozen=True, kw_only=True)
class LeaveInput:
    employee: str
    leave_type: str
    start_date: datetime.date
    end_date: datetime.date
    reason: str = ""
    notes: str = ""


def _event(leave: LeaveRequest, event_type: str, **extra) -> None:
    payload = {"id": leave.pk, "employee": leave.employee_id, "leave_type": leave.leave_type,
               "start_date": leave.start_date, "end_date": leave.end_date, "total_days": leave.total_days,
               "status": leave.status}  # fmt: skip
    emit_event(event_type=event_type, payload={**payload, **extra}, source=leave)


def _tracked(leave_type: str) -> bool:
    return leave_type not in UNPAID_TYPES and leave_type in entitlements()


def count_days(start: datetime.date, end: datetime.date) -> Decimal:
    """The working days of a request from `start` to `end` (both included)."""
    return Decimal(len(queries.working_days(start, end)))


def submit_leave(*, actor, data: LeaveInput) -> LeaveRequest:
    """A pending request; its days reserved on the year's balance (for a type with one)."""
    if data.end_date < data.start_date:
        raise ValidationFailed(_("end_date is before start_date"), code="end_before_start", field="end_date")
    if data.end_date.year != data.start_date.year:
        raise ValidationFailed(_("A leave request stays inside one year: split it at the new year"),
                               code="spans_years", field="end_date")  # fmt: skip
    with transaction.atomic():
        employee = lock_employee(queries.resolve_employee(data.employee).pk)
        if employee.status in (EmployeeStatus.TERMINATED, EmployeeStatus.INACTIVE):
            raise ValidationFailed(_("The employee is not active"), code="not_active", field="employee")
        days = count_days(data.start_date, data.end_date)
        if not days:
            raise ValidationFailed(_("These dates hold no working day"), code="no_working_days", field="end_date")
        if queries.overlapping_leave(employee.pk, data.start_date, data.end_date).exists():
            raise Conflict(_("The employee already has leave requested on some of these days"),
                           code="overlapping_leave", field="start_date")  # fmt: skip
        if _tracked(data.leave_type):
            _reserve(employee.pk, data.start_date.year, data.leave_type, days)
        leave = LeaveRequest.objects.create(
            employee=employee,
            leave_type=data.leave_type,
            start_date=data.start_date,
            end_date=data.end_date,
            total_days=days,
            reason=(data.reason or "").strip(),
            notes=(data.notes or "").strip(),
            created_by=actor,
            updated_by=actor,
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=leave, new=snapshot(leave, AUDITED))
        _event(leave, LEAVE_SUBMITTED)
    return leave


def _reserve(employee_id, year: int, leave_type: str, days: Decimal) -> None:
    balance = lock_balance(employee_id, year, leave_type)
    if balance is None:
        raise ValidationFailed(_("The employee has no %(leave_type)s balance for %(year)s")
                               % {"leave_type": leave_type, "year": year}, code="no_balance", field="leave_type")  # fmt: skip  # noqa: E501
    available = balance.total_days - balance.used_days - balance.reserved_days
    if days > available:
        raise Conflict(
            _("Only %(available)s days are available, %(days)s asked") % {"available": available, "days": days},
            code="insufficient_balance",
            field="end_date",
        )
    LeaveBalance.objects.filter(pk=balance.pk).update(
        reserved_days=F("reserved_days") + days, updated_at=timezone.now()
    )


def _move_days(leave: LeaveRequest, *, reserved: Decimal = Decimal(0), used: Decimal = Decimal(0)) -> None:
    if not _tracked(leave.leave_type):
        return
    balance = lock_balance(leave.employee_id, leave.start_date.year, leave.leave_type)
    if balance is not None:
        LeaveBalance.objects.filter(pk=balance.pk).update(
            reserved_days=F("reserved_days") + reserved, used_days=F("used_days") + used, updated_at=timezone.now()
        )


def is_hr(user) -> bool:
    return MANAGE_ALL in member_permissions(require_org_id(), user.pk)


def check_approver(user, employee: Employee) -> None:
    """HR or one of the employee's managers; never the employee."""
    if employee.user_id == user.pk:
        raise PermissionDenied(_("Nobody approves their own leave"), code="self_approval", field="status")
    if is_hr(user):
        return
    managers = queries.manager_chain(employee.pk)
    if not Employee.objects.filter(pk__in=managers, user_id=user.pk).exists():
        raise PermissionDenied(_("Only the employee's manager or HR decides on this leave"), code="not_the_manager",
                               field="status")  # fmt: skip


def approve_leave(*, actor, leave_id) -> LeaveRequest:
    with transaction.atomic():
        leave = lock_row(LeaveRequest, leave_id, _("No such leave request"))
        employee = lock_employee(leave.employee_id)
        check_approver(actor, employee)
        transition(leave, LeaveStatus.APPROVED, actor=actor)
        _move_days(leave, reserved=-leave.total_days, used=leave.total_days)
        event = all_day_event(
            actor=actor,
            title=_("Leave: %(name)s") % {"name": employee.name},
            start=leave.start_date,
            end=leave.end_date,
            attendees=[employee.user_id],
            related_type="hr.leaverequest",
            related_id=leave.pk,
            color="#0E7490",
        )
        LeaveRequest.objects.filter(pk=leave.pk).update(calendar_event_id=event.pk)
        leave.calendar_event_id = event.pk
        _event(leave, LEAVE_APPROVED, approved_by=actor.pk)
    return leave


def reject_leave(*, actor, leave_id, reason: str) -> LeaveRequest:
    reason = required_text(reason, "rejection_reason")
    with transaction.atomic():
        leave = lock_row(LeaveRequest, leave_id, _("No such leave request"))
        employee = lock_employee(leave.employee_id)
        check_approver(actor, employee)
        leave.rejection_reason = reason
        transition(leave, LeaveStatus.REJECTED, actor=actor, reason=reason, also=("rejection_reason",))
        _move_days(leave, reserved=-leave.total_days)
        _event(leave, LEAVE_REJECTED, reason=reason)
    return leave


def cancel_leave(*, actor, leave_id, reason: str = "") -> LeaveRequest:
    """Withdraw a pending request (its reserved days released) or cancel an approved one before it starts (its
    used days given back, its calendar event cancelled)."""
    with transaction.atomic():
        leave = lock_row(LeaveRequest, leave_id, _("No such leave request"))
        lock_employee(leave.employee_id)
        before = leave.status
        if before == LeaveStatus.APPROVED and leave.start_date <= timezone.localdate():
            raise Conflict(_("Leave that has started cannot be cancelled"), code="leave_started", field="status")
        transition(leave, LeaveStatus.CANCELLED, actor=actor, reason=reason)
        if before == LeaveStatus.APPROVED:
            _move_days(leave, used=-leave.total_days)
            cancel_event(organizer=leave.approved_by, event_id=leave.calendar_event_id)
        else:
            _move_days(leave, reserved=-leave.total_days)
        _event(leave, LEAVE_CANCELLED, previous_status=before)
    return leave
