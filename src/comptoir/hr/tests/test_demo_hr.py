"""The demo people: departments on their cost centers, 25 employees under a manager chain, a year of attendance,
leave of every kind with consistent balances, recruitment, training and reviews."""

import datetime

import pytest

from comptoir.hr import queries
from comptoir.hr.models import Attendance, Candidate, Department, Employee, LeaveBalance, LeaveRequest
from comptoir.hr.services.demo import seed_demo_hr
from comptoir.platform.tenancy import tenant_context


@pytest.mark.parametrize(("month", "day"), [(11, 15), (12, 20)])
def test_demo_people(tenant, month, day):
    today = datetime.date(datetime.date.today().year, month, day)
    with tenant_context(tenant.organization, user=tenant.owner):
        assert seed_demo_hr(actor=tenant.owner, today=today) == 25
        assert seed_demo_hr(actor=tenant.owner, today=today) == 0
        assert Department.objects.filter(cost_center__isnull=False).count() == 5
        assert Employee.objects.count() == 25 and Employee.objects.filter(reports_to__isnull=True).count() == 1
        assert Attendance.objects.count() > 25 * 150
        assert set(LeaveRequest.objects.values_list("status", flat=True)) >= {"APPROVED", "PENDING", "REJECTED"}
        assert set(LeaveRequest.objects.values_list("leave_type", flat=True)) >= {"ANNUAL", "SICK", "UNPAID"}
        for balance in LeaveBalance.objects.filter(year=today.year):
            held = sum(r.total_days for r in LeaveRequest.objects.filter(
                employee=balance.employee_id, leave_type=balance.leave_type, status="PENDING",
                start_date__year=today.year))  # fmt: skip
            used = sum(r.total_days for r in LeaveRequest.objects.filter(
                employee=balance.employee_id, leave_type=balance.leave_type, status="APPROVED",
                start_date__year=today.year))  # fmt: skip
            assert (balance.reserved_days, balance.used_days) == (held, used)
        assert Candidate.objects.count() == 6
        assert len(queries.employees_in_period(today.replace(day=1), today)) == 25
