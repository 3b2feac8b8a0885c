"""Employees: hired with their party (type EMPLOYEE, whose account is the employee's payable, opened under the
salaries payable group by parties' own service), numbered from the EMPLOYEE series, with their national id
(encrypted, with a blind index for lookups), bank details and tax information encrypted; a manager chain without
cycles; an optional user link (an active member, one employee per user); a status machine
(PENDING → ACTIVE ↔ INACTIVE → TERMINATED). Termination sets the termination date and deactivates the member.

An employee who is not HR edits only their own profile, and only its personal fields (SELF_EDITABLE)."""

from __future__ import annotations

import dataclasses
import datetime
import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.hr import queries
from comptoir.hr.constants import NATIONAL_ID_PURPOSE, EmployeeStatus, EmploymentType
from comptoir.hr.locks import lock_employee
from comptoir.hr.models import Employee
from comptoir.hr.module import (
    EMPLOYEE_HIRED,
    EMPLOYEE_SERIES,
    EMPLOYEE_STATUS_CHANGED,
    EMPLOYEE_TERMINATED,
    EMPLOYEE_UPDATED,
)
from comptoir.hr.services.common import clean_email, required_text, save_unique
from comptoir.identity.services.accounts import update_member
from comptoir.parties.constants import PartyKind, PartyType
from comptoir.parties.services.parties import PartyInput, PartyPatch, create_party, update_party
from comptoir.platform import crypto
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import PermissionDenied, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.queries.members import members
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.numbering import next_number
from comptoir.platform.transitions import transition

AUDITED = ("employee_number", "user", "party", "first_name", "last_name", "email", "phone", "department", "position")
AUDITED += ("reports_to", "hire_date", "termination_date", "employment_type", "status", "work_location")
AUDITED += ("date_of_birth", "address", "emergency_contact", "national_id_last4", "personal_info", "skills")
AUDITED += ("certifications",)
TEXT_FIELDS = ("phone", "work_location", "address")
# What an employee may change in their own profile (HR changes everything).
SELF_EDITABLE = frozenset(
    {"phone", "address", "emergency_contact", "bank_details", "tax_info", "personal_info", "skills", "date_of_birth"}
)
INITIAL_STATUSES = (EmployeeStatus.PENDING, EmployeeStatus.ACTIVE)


@dataclasses.dataclass(frozen=True, kw_only=True)
class EmployeeInput:
    """A new employee; `department`, `position` and `reports_to` are ids or codes (an employee's number), `user`
    a user id (an active member of the organization)."""

    first_name: str
    last_name: str
    hire_date: datetime.date
    email: str = ""
    phone: str = ""
    department: str | None = None
    position: str | None = None
    reports_to: str | None = None
    user: str | None = None
    employment_type: str = EmploymentType.FULL_TIME
    status: str = EmployeeStatus.PENDING
    work_location: str = ""
    date_of_birth: datetime.date | None = None
    address: str = ""
    emergency_contact: dict | None = None
    national_id: str = ""
    bank_details: dict | None = None
    tax_info: dict | None = None
    personal_info: dict | None = None
    skills: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class EmployeePatch(Patch):
    first_name: str | _Unset = UNSET
    last_name: str | _Unset = UNSET
    email: str | None | _Unset = UNSET
    phone: str | None | _Unset = UNSET
    department: str | None | _Unset = UNSET
    position: str | None | _Unset = UNSET
    reports_to: str | None | _Unset = UNSET
    user: str | None | _Unset = UNSET
    hire_date: datetime.date | _Unset = UNSET
    employment_type: str | _Unset = UNSET
    work_location: str | None | _Unset = UNSET
    date_of_birth: datetime.date | None | _Unset = UNSET
    address: str | None | _Unset = UNSET
    emergency_contact: dict | None | _Unset = UNSET
    national_id: str | None | _Unset = UNSET
    bank_details: dict | None | _Unset = UNSET
    tax_info: dict | None | _Unset = UNSET
    personal_info: dict | None | _Unset = UNSET
    skills: list[str] | None | _Unset = UNSET
    certifications: list[str] | None | _Unset = UNSET


def _constraints() -> dict:
    return {
        "hr_employee_email_unique": ("email", _("Another employee has this e-mail")),
        "hr_employee_user_unique": ("user", _("This user is linked to another employee")),
        "hr_employee_national_id_unique": ("national_id", _("Another employee has this national id")),
    }


def _list(values) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))


def _encrypted_json(value: dict | None) -> str:
    return crypto.encrypt(json.dumps(value, sort_keys=True)) if value else ""


def decrypted_json(token: str) -> dict:
    return json.loads(crypto.decrypt(token)) if token else {}


def national_id(employee: Employee) -> str:
    """The plaintext national id (never returned by the API: only its last 4)."""
    return crypto.decrypt(employee.national_id_encrypted) if employee.national_id_encrypted else ""


def _set_national_id(employee: Employee, value: str | None) -> None:
    text = "".join((value or "").split()).upper()
    employee.national_id_encrypted = crypto.encrypt(text) if text else ""
    employee.national_id_hash = crypto.blind_index(text, purpose=NATIONAL_ID_PURPOSE) if text else ""
    employee.national_id_last4 = text[-4:]
    if text and Employee.objects.filter(national_id_hash=employee.national_id_hash).exclude(pk=employee.pk).exists():
        raise ValidationFailed(_("Another employee has this national id"), code="duplicate", field="national_id")


def _user(employee: Employee, ref):
    """The user named by `ref`: an active member of the organization, linked to no other employee."""
    if ref is None or str(ref).strip() == "":
        return None
    member = members(is_active=True).filter(user_id=str(ref).strip()).first() if _is_uuid(ref) else None
    if member is None:
        raise ValidationFailed(_("The user is not an active member of the organization"), code="not_a_member",
                               field="user")  # fmt: skip
    if Employee.objects.filter(user_id=member.user_id).exclude(pk=employee.pk).exists():
        raise ValidationFailed(_("This user is linked to another employee"), code="user_taken", field="user")
    return member.user


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _reports_to(employee: Employee, ref) -> Employee | None:
    """The manager named by `ref`; refused if it is the employee or anyone the employee manages (a cycle)."""
    if ref is None or str(ref).strip() == "":
        return None
    manager = queries._by_id_or_code(Employee.objects.all(), ref, "reports_to", "employee_number",
                                     _("No employee “%(ref)s”"))  # fmt: skip
    if employee.pk and (manager.pk == employee.pk or employee.pk in queries.manager_chain(manager.pk)):
        raise ValidationFailed(_("The manager chain would loop back to this employee"), code="cycle",
                               field="reports_to")  # fmt: skip
    if manager.status == EmployeeStatus.TERMINATED:
        raise ValidationFailed(_("A terminated employee manages nobody"), code="not_active", field="reports_to")
    return manager


def _department(ref):
    return queries.resolve_department(ref) if ref not in (None, "") else None


def _position(ref):
    return queries.resolve_position(ref) if ref not in (None, "") else None


def _check_email(employee: Employee) -> None:
    if employee.email and Employee.objects.filter(email__iexact=employee.email).exclude(pk=employee.pk).exists():
        raise ValidationFailed(_("Another employee has this e-mail"), code="duplicate", field="email")


def _event(employee: Employee, event_type: str, **extra) -> None:
    payload = {"id": employee.pk, "employee_number": employee.employee_number, "name": employee.name,
               "status": employee.status, "party": employee.party_id}  # fmt: skip
    emit_event(event_type=event_type, payload={**payload, **extra}, source=employee)


def create_employee(*, actor, data: EmployeeInput) -> Employee:
    """An employee and their party (with its payable account), in one transaction; the number is taken after
    every check; the hire year's leave balances are accrued."""
    from comptoir.hr.services.leave import accrue_employee

    if data.status not in INITIAL_STATUSES:
        raise ValidationFailed(_("An employee starts as PENDING or ACTIVE"), code="invalid", field="status")
    with transaction.atomic():
        employee = Employee(
            first_name=required_text(data.first_name, "first_name"),
            last_name=required_text(data.last_name, "last_name"),
            email=clean_email(data.email),
            hire_date=data.hire_date,
            employment_type=data.employment_type,
            status=data.status,
            date_of_birth=data.date_of_birth,
            emergency_contact=data.emergency_contact or {},
            bank_details_encrypted=_encrypted_json(data.bank_details),
            tax_info_encrypted=_encrypted_json(data.tax_info),
            personal_info=data.personal_info or {},
            skills=_list(data.skills),
            certifications=_list(data.certifications),
            created_by=actor,
            updated_by=actor,
            **{field: (getattr(data, field) or "").strip() for field in TEXT_FIELDS},
        )
        _check_email(employee)
        employee.department = _department(data.department)
        employee.position = _position(data.position)
        employee.reports_to = _reports_to(employee, data.reports_to)
        employee.user = _user(employee, data.user)
        _set_national_id(employee, data.national_id)
        if data.date_of_birth and data.date_of_birth >= data.hire_date:
            raise ValidationFailed(_("date_of_birth must be before hire_date"), code="invalid", field="date_of_birth")
        employee.party = create_party(
            actor=actor,
            data=PartyInput(
                name=employee.name,
                party_type=PartyType.EMPLOYEE,
                kind=PartyKind.INDIVIDUAL,
                email=employee.email,
                phone=employee.phone,
            ),  # fmt: skip
        )
        employee.employee_number = next_number(document_type=EMPLOYEE_SERIES, on=data.hire_date)
        save_unique(employee, _constraints())
        record_audit(actor=actor, action=AuditAction.CREATE, obj=employee, new=snapshot(employee, AUDITED))
        accrue_employee(actor=actor, employee=employee, year=data.hire_date.year)
        _event(employee, EMPLOYEE_HIRED, hire_date=employee.hire_date, department=employee.department_id)
    return employee


def update_employee(*, actor, employee_id, changes: EmployeePatch, self_service: bool = False) -> Employee:
    """Change the fields sent; with `self_service` (an employee editing their own profile) only SELF_EDITABLE
    fields. A new name or e-mail is carried to the party."""
    given = changes.provided()
    changes.refuse_nulls("first_name", "last_name", "hire_date", "employment_type")
    if self_service:
        for field in given:
            if field not in SELF_EDITABLE:
                raise PermissionDenied(
                    _("Only HR changes %(field)s") % {"field": field}, code="not_editable_by_employee", field=field
                )
    with transaction.atomic():
        employee = lock_employee(employee_id)
        before = snapshot(employee, AUDITED)
        for field, value in given.items():
            if field in ("first_name", "last_name"):
                setattr(employee, field, required_text(value, field))
            elif field == "email":
                employee.email = clean_email(value)
                _check_email(employee)
            elif field in TEXT_FIELDS:
                setattr(employee, field, (value or "").strip())
            elif field == "department":
                employee.department = _department(value)
            elif field == "position":
                employee.position = _position(value)
            elif field == "reports_to":
                employee.reports_to = _reports_to(employee, value)
            elif field == "user":
                employee.user = _user(employee, value)
            elif field == "national_id":
                _set_national_id(employee, value)
            elif field in ("bank_details", "tax_info"):
                setattr(employee, f"{field}_encrypted", _encrypted_json(value))
            elif field in ("emergency_contact", "personal_info"):
                setattr(employee, field, value or {})
            elif field in ("skills", "certifications"):
                setattr(employee, field, _list(value))
            else:
                setattr(employee, field, value)
        if employee.termination_date and employee.termination_date < employee.hire_date:
            raise ValidationFailed(_("hire_date is after the termination date"), code="invalid", field="hire_date")
        if employee.date_of_birth and employee.date_of_birth >= employee.hire_date:
            raise ValidationFailed(_("date_of_birth must be before hire_date"), code="invalid", field="date_of_birth")
        employee.updated_by = actor
        save_unique(employee, _constraints())
        after = snapshot(employee, AUDITED)
        renamed = (before["first_name"], before["last_name"]) != (after["first_name"], after["last_name"])
        if renamed or before["email"] != after["email"] or before["phone"] != after["phone"]:
            update_party(actor=actor, party_id=employee.party_id,
                         changes=PartyPatch(name=employee.name, email=employee.email, phone=employee.phone))  # fmt: skip  # noqa: E501
        encrypted = {"national_id", "bank_details", "tax_info"} & set(given)
        if after != before or encrypted:
            changed = sorted({k for k in after if after[k] != before[k]} | encrypted)
            record_audit(actor=actor, action=AuditAction.UPDATE, obj=employee, old=before, new=after,
                         metadata={"changed": changed})  # fmt: skip
            _event(employee, EMPLOYEE_UPDATED, changed=changed)
    return employee


def change_employee_status(*, actor, employee_id, status: str, termination_date: datetime.date | None = None,
                           reason: str = "") -> Employee:  # fmt: skip
    """Move the employee along EMPLOYEE_TRANSITIONS. TERMINATED sets the termination date (default: today, not
    before the hire date) and deactivates the employee's membership of the organization."""
    with transaction.atomic():
        employee = lock_employee(employee_id)
        before = employee.status
        also = ()
        if status == EmployeeStatus.TERMINATED and (before, status) in Employee.TRANSITIONS:
            day = termination_date or timezone.localdate()
            if day < employee.hire_date:
                raise ValidationFailed(_("The termination date is before the hire date"), code="invalid",
                                       field="termination_date")  # fmt: skip
            employee.termination_date = day
            also = ("termination_date",)
        transition(employee, status, actor=actor, reason=reason, also=also)
        _event(employee, EMPLOYEE_STATUS_CHANGED, previous_status=before)
        if status == EmployeeStatus.TERMINATED:
            _event(employee, EMPLOYEE_TERMINATED, termination_date=employee.termination_date)
            member = members(is_active=True).filter(user_id=employee.user_id).first() if employee.user_id else None
            if member is not None and member.org_role != "OWNER":
                update_member(actor=actor, member_id=member.pk, is_active=False)
    return employee
