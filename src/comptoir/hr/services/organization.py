"""Departments (a tree without cycles, a head, a cost center: a budget by department is a budget on its cost
center), positions (with a salary range) and the holidays of the organization's work calendar (each an all-day
event of the platform calendar, attended by the employees who sign in)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.accounting.services.chart import resolve_cost_center
from comptoir.hr import queries
from comptoir.hr.constants import EmployeeStatus, LeaveStatus
from comptoir.hr.locks import lock_row
from comptoir.hr.models import Department, Employee, Holiday, LeaveRequest, Position
from comptoir.hr.module import DEPARTMENT_CREATED
from comptoir.hr.services.common import all_day_event, cancel_event, clean_email, required_text, save_unique
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event

DEPARTMENT_AUDITED = ("code", "name", "description", "parent", "manager", "cost_center", "location", "phone", "email")
DEPARTMENT_AUDITED += ("is_active", "settings")
POSITION_AUDITED = ("code", "title", "department", "level", "min_salary", "max_salary", "is_active")


def _department_constraints() -> dict:
    return {
        "hr_department_code_unique": ("code", _("Another department has this code")),
        "hr_department_name_unique": ("name", _("Another department under this parent has this name")),
    }


@dataclasses.dataclass(frozen=True, kw_only=True)
class DepartmentInput:
    """A new department; `code` defaults to the name's first letters, upper-cased; `parent`, `manager` and
    `cost_center` are ids or codes (an employee's number)."""

    name: str
    code: str | None = None
    description: str = ""
    parent: str | None = None
    manager: str | None = None
    cost_center: str | None = None
    location: str = ""
    phone: str = ""
    email: str = ""
    settings: dict | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class DepartmentPatch(Patch):
    name: str | _Unset = UNSET
    code: str | _Unset = UNSET
    description: str | None | _Unset = UNSET
    parent: str | None | _Unset = UNSET
    manager: str | None | _Unset = UNSET
    cost_center: str | None | _Unset = UNSET
    location: str | None | _Unset = UNSET
    phone: str | None | _Unset = UNSET
    email: str | None | _Unset = UNSET
    is_active: bool | _Unset = UNSET
    settings: dict | None | _Unset = UNSET


def _default_code(name: str) -> str:
    letters = "".join(ch for ch in name.upper() if ch.isalnum())[:10] or "DEPT"
    code, n = letters, 1
    while Department.objects.filter(code=code).exists():
        n += 1
        code = f"{letters}{n}"
    return code


def _manager(ref) -> Employee | None:
    if ref is None or str(ref).strip() == "":
        return None
    employee = queries._by_id_or_code(Employee.objects.all(), ref, "manager", "employee_number",
                                      _("No employee “%(ref)s”"))  # fmt: skip
    if employee.status == EmployeeStatus.TERMINATED:
        raise ValidationFailed(_("A terminated employee cannot head a department"), code="not_active", field="manager")
    return employee


def _parent(department: Department, ref) -> Department | None:
    """The parent named by `ref`; refused if it is the department itself or one of its descendants."""
    if ref is None or str(ref).strip() == "":
        return None
    parent = queries.resolve_department(ref, "parent")
    if department.pk and (parent.pk == department.pk or department.pk in queries.department_ancestors(parent.pk)):
        raise ValidationFailed(
            _("A department cannot be placed under itself or one of its sub-departments"), code="cycle", field="parent"
        )
    return parent


def _event(department: Department) -> None:
    emit_event(
        event_type=DEPARTMENT_CREATED,
        payload={"id": department.pk, "code": department.code, "name": department.name, "parent": department.parent_id},
        source=department,
    )


def create_department(*, actor, data: DepartmentInput) -> Department:
    name = required_text(data.name, "name")
    with transaction.atomic():
        department = Department(
            name=name,
            code=(data.code or "").strip() or _default_code(name),
            description=(data.description or "").strip(),
            location=(data.location or "").strip(),
            phone=(data.phone or "").strip(),
            email=clean_email(data.email),
            settings=data.settings or {},
            created_by=actor,
            updated_by=actor,
        )
        department.parent = _parent(department, data.parent)
        department.manager = _manager(data.manager)
        department.cost_center = resolve_cost_center(data.cost_center) if data.cost_center else None
        if Department.objects.filter(code=department.code).exists():
            raise ValidationFailed(_("Another department has this code"), code="duplicate", field="code")
        if Department.objects.filter(parent=department.parent, name=name).exists():
            raise ValidationFailed(
                _("Another department under this parent has this name"), code="duplicate", field="name"
            )
        save_unique(department, _department_constraints())
        record_audit(
            actor=actor, action=AuditAction.CREATE, obj=department, new=snapshot(department, DEPARTMENT_AUDITED)
        )
        _event(department)
    return department


def update_department(*, actor, department_id, changes: DepartmentPatch) -> Department:
    given = changes.provided()
    changes.refuse_nulls("name", "code", "is_active")
    with transaction.atomic():
        department = lock_row(Department, department_id, _("No such department"))
        before = snapshot(department, DEPARTMENT_AUDITED)
        for field, value in given.items():
            if field in ("name", "code"):
                setattr(department, field, required_text(value, field))
            elif field == "parent":
                department.parent = _parent(department, value)
            elif field == "manager":
                department.manager = _manager(value)
            elif field == "cost_center":
                department.cost_center = resolve_cost_center(value) if value else None
            elif field == "email":
                department.email = clean_email(value)
            elif field == "settings":
                department.settings = value or {}
            elif field == "is_active":
                department.is_active = value
            else:
                setattr(department, field, (value or "").strip())
        if Department.objects.filter(code=department.code).exclude(pk=department.pk).exists():
            raise ValidationFailed(_("Another department has this code"), code="duplicate", field="code")
        if Department.objects.filter(parent=department.parent, name=department.name).exclude(pk=department.pk).exists():
            raise ValidationFailed(
                _("Another department under this parent has this name"), code="duplicate", field="name"
            )
        department.updated_by = actor
        save_unique(department, _department_constraints())
        after = snapshot(department, DEPARTMENT_AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=department, old=before, new=after)
    return department


# ---- positions ---------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class PositionInput:
    code: str
    title: str
    department: str
    level: str = ""
    min_salary: Decimal | None = None
    max_salary: Decimal | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PositionPatch(Patch):
    code: str | _Unset = UNSET
    title: str | _Unset = UNSET
    department: str | _Unset = UNSET
    level: str | None | _Unset = UNSET
    min_salary: Decimal | None | _Unset = UNSET
    max_salary: Decimal | None | _Unset = UNSET
    is_active: bool | _Unset = UNSET


def _check_position(position: Position) -> None:
    for field in ("min_salary", "max_salary"):
        value = getattr(position, field)
        if value is not None and value < 0:
            raise ValidationFailed(_("%(field)s must not be negative") % {"field": field}, code="negative_amount",
                                   field=field)  # fmt: skip
    low, high = position.min_salary, position.max_salary
    if low is not None and high is not None and low > high:
        raise ValidationFailed(_("min_salary is above max_salary"), code="salary_range", field="max_salary")
    if Position.objects.filter(code=position.code).exclude(pk=position.pk).exists():
        raise ValidationFailed(_("Another position has this code"), code="duplicate", field="code")
    if Position.objects.filter(department=position.department, title=position.title).exclude(pk=position.pk).exists():
        raise ValidationFailed(_("The department has a position with this title"), code="duplicate", field="title")


def _position_constraints() -> dict:
    return {
        "hr_position_code_unique": ("code", _("Another position has this code")),
        "hr_position_title_unique": ("title", _("The department has a position with this title")),
    }


def create_position(*, actor, data: PositionInput) -> Position:
    with transaction.atomic():
        position = Position(
            code=required_text(data.code, "code"),
            title=required_text(data.title, "title"),
            department=queries.resolve_department(data.department),
            level=(data.level or "").strip(),
            min_salary=data.min_salary,
            max_salary=data.max_salary,
            created_by=actor,
            updated_by=actor,
        )
        _check_position(position)
        save_unique(position, _position_constraints())
        record_audit(actor=actor, action=AuditAction.CREATE, obj=position, new=snapshot(position, POSITION_AUDITED))
    return position


def update_position(*, actor, position_id, changes: PositionPatch) -> Position:
    given = changes.provided()
    changes.refuse_nulls("code", "title", "department", "is_active")
    with transaction.atomic():
        position = lock_row(Position, position_id, _("No such position"))
        before = snapshot(position, POSITION_AUDITED)
        for field, value in given.items():
            if field in ("code", "title"):
                setattr(position, field, required_text(value, field))
            elif field == "department":
                position.department = queries.resolve_department(value)
            elif field == "level":
                position.level = (value or "").strip()
            else:
                setattr(position, field, value)
        _check_position(position)
        position.updated_by = actor
        save_unique(position, _position_constraints())
        after = snapshot(position, POSITION_AUDITED)
        if after != before:
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=position, old=before, new=after)
    return position


# ---- holidays ----------------------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class HolidayInput:
    date: datetime.date
    name: str


def create_holiday(*, actor, data: HolidayInput) -> Holiday:
    """A holiday (not a working day: leave requests count around it) and its all-day calendar event, attended by
    the active employees who are members."""
    name = required_text(data.name, "name")
    with transaction.atomic():
        if Holiday.objects.filter(date=data.date).exists():
            raise ValidationFailed(_("There is already a holiday on this date"), code="duplicate", field="date")
        holiday = Holiday(date=data.date, name=name, created_by=actor, updated_by=actor)
        save_unique(holiday, {"hr_holiday_date_unique": ("date", _("There is already a holiday on this date"))})
        users = Employee.objects.filter(status=EmployeeStatus.ACTIVE, user__isnull=False).values_list(
            "user_id", flat=True
        )
        event = all_day_event(actor=actor, title=name, start=data.date, end=data.date, attendees=list(users),
                              related_type="hr.holiday", related_id=holiday.pk, color="#B45309")  # fmt: skip
        holiday.calendar_event_id = event.pk
        holiday.save(update_fields=["calendar_event_id"])
        record_audit(actor=actor, action=AuditAction.CREATE, obj=holiday, new=snapshot(holiday, ("date", "name")))
    return holiday


def delete_holiday(*, actor, holiday_id) -> None:
    """Remove a holiday and cancel its calendar event; refused while approved leave counted around it."""
    with transaction.atomic():
        holiday = lock_row(Holiday, holiday_id, _("No such holiday"))
        approved = LeaveRequest.objects.filter(
            status=LeaveStatus.APPROVED, start_date__lte=holiday.date, end_date__gte=holiday.date
        )
        if approved.exists():
            raise Conflict(
                _("Approved leave was counted around this holiday: cancel it first"), code="in_use", field="date"
            )
        cancel_event(organizer=holiday.created_by, event_id=holiday.calendar_event_id)
        record_audit(actor=actor, action=AuditAction.DELETE, obj=holiday, old=snapshot(holiday, ("date", "name")))
        holiday.delete()
