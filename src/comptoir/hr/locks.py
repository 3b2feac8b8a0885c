"""Row locks of the HR app. Lock order: the employee first, then their leave balance (leave requests), or the
training program first, then its enrollments: one writer at a time decides overlaps, balances and capacity."""

from __future__ import annotations

from django.utils.translation import gettext as _

from comptoir.hr.models import Employee, LeaveBalance, TrainingProgram
from comptoir.platform.errors import NotFound


def lock_employee(employee_id) -> Employee:
    employee = Employee.objects.select_for_update(of=("self",)).filter(pk=employee_id).first()
    if employee is None:
        raise NotFound(_("No such employee"))
    return employee


def lock_balance(employee_id, year: int, leave_type: str) -> LeaveBalance | None:
    return (
        LeaveBalance.objects.select_for_update()
        .filter(employee_id=employee_id, year=year, leave_type=leave_type)
        .first()
    )


def lock_program(program_id) -> TrainingProgram:
    program = TrainingProgram.objects.select_for_update(of=("self",)).filter(pk=program_id).first()
    if program is None:
        raise NotFound(_("No such training program"))
    return program


def lock_row(model, pk, missing: str):
    row = model.objects.select_for_update(of=("self",)).filter(pk=pk).first()
    if row is None:
        raise NotFound(missing)
    return row
