"""Pay structures: what an employee gets of a head, from a date (to a date, or open). The ranges of one
(employee, head) never overlap: checked under an advisory lock on the pair, and by an exclusion constraint where
btree_gist exists (a concurrent insert that slips past the check is refused the same way)."""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.hr import queries as hr_queries
from comptoir.payroll import queries
from comptoir.payroll.errors import PayrollError
from comptoir.payroll.models import EmployeePayStructure
from comptoir.payroll.module import PAY_STRUCTURE_ENDED, PAY_STRUCTURE_SET
from comptoir.platform.constants import AuditAction
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock, lock_row
from comptoir.platform.money import AMOUNT_DECIMALS, check_amount
from comptoir.platform.queries.core import current_organization
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.events import emit_event

AUDITED = ("employee", "pay_head", "amount", "currency", "effective_from", "effective_to", "notes")


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayStructureInput:
    """`employee` an id or employee number, `pay_head` an id or code; `amount` per pay period (a fixed head) or
    the value its formula reads as AMOUNT, in the organization's base currency."""

    employee: str
    pay_head: str
    amount: Decimal
    effective_from: datetime.date
    effective_to: datetime.date | None = None
    notes: str = ""


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayStructurePatch(Patch):
    amount: Decimal | _Unset = UNSET
    effective_from: datetime.date | _Unset = UNSET
    effective_to: datetime.date | None | _Unset = UNSET
    notes: str | None | _Unset = UNSET


def _lock_pair(employee_id, head_id) -> None:
    advisory_lock(f"payroll.pay_structure:{employee_id}:{head_id}")


def _check(row: EmployeePayStructure) -> None:
    if row.amount < 0:
        raise ValidationFailed(_("amount must not be negative"), code="invalid", field="amount")
    check_amount(row.amount, row.currency if row.pay_head.is_fixed else AMOUNT_DECIMALS, field="amount")
    if row.effective_to is not None and row.effective_to < row.effective_from:
        raise ValidationFailed(
            _("effective_to must not be before effective_from"), code="invalid_range", field="effective_to"
        )
    clash = EmployeePayStructure.objects.filter(employee_id=row.employee_id, pay_head_id=row.pay_head_id).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=row.effective_from)
    )
    if row.effective_to is not None:
        clash = clash.filter(effective_from__lte=row.effective_to)
    other = clash.exclude(pk=row.pk).order_by("effective_from").first()
    if other is not None:
        _overlap(other)


def _overlap(other: EmployeePayStructure | None):
    message = _("The employee has this head already from %(start)s to %(end)s") % {
        "start": other.effective_from if other else "",
        "end": (other.effective_to or "…") if other else "",
    }
    raise ValidationFailed(message, code=PayrollError.OVERLAPPING_STRUCTURE, field="effective_from")


def _save(row: EmployeePayStructure) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        if "pay_structure_no_overlap" not in str(exc):
            raise
        _overlap(None)


def set_pay_structure(*, actor, data: PayStructureInput) -> EmployeePayStructure:
    """A new range of a head for an employee; refused if it overlaps one of theirs for the same head."""
    with transaction.atomic():
        employee = hr_queries.resolve_employee(data.employee)
        head = queries.resolve_pay_head(data.pay_head)
        _lock_pair(employee.pk, head.pk)
        row = EmployeePayStructure(
            employee_id=employee.pk,
            pay_head=head,
            amount=data.amount,
            currency=current_organization().base_currency,
            effective_from=data.effective_from,
            effective_to=data.effective_to,
            notes=data.notes or "",
            created_by=actor,
            updated_by=actor,
        )
        _check(row)
        _save(row)
        record_audit(actor=actor, action=AuditAction.CREATE, obj=row, new=snapshot(row, AUDITED))
        emit_event(event_type=PAY_STRUCTURE_SET, payload=_payload(row, employee.employee_number), source=row)
    return row


def update_pay_structure(*, actor, structure_id, changes: PayStructurePatch) -> EmployeePayStructure:
    """Change the amount, the dates (no overlap) or the notes of a range; ending it is setting `effective_to`."""
    changes.refuse_nulls("amount", "effective_from")
    with transaction.atomic():
        row = queries.access_pay_structure(structure_id)
        _lock_pair(row.employee_id, row.pay_head_id)
        row = lock_row(
            EmployeePayStructure.objects.select_related("currency", "pay_head"), structure_id, what=_("pay structure")
        )
        old = snapshot(row, AUDITED)
        for name, value in changes.provided().items():
            setattr(row, name, "" if value is None and name == "notes" else value)
        row.updated_by = actor
        _check(row)
        _save(row)
        record_audit(actor=actor, action=AuditAction.UPDATE, obj=row, old=old, new=snapshot(row, AUDITED))
        if "effective_to" in changes.provided() and row.effective_to is not None:
            emit_event(event_type=PAY_STRUCTURE_ENDED, payload=_payload(row, ""), source=row)
    return row


def _payload(row: EmployeePayStructure, number: str) -> dict:
    return {
        "id": str(row.pk),
        "employee": str(row.employee_id),
        "employee_number": number,
        "pay_head": row.pay_head.code if number else str(row.pay_head_id),
        "amount": str(row.amount),
        "effective_from": str(row.effective_from),
        "effective_to": str(row.effective_to) if row.effective_to else None,
    }
