"""Real threads racing: two leave requests for the employee's last days (one is refused, the balance never
overdrawn), two enrollments for a program's last seat (one is refused)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import close_old_connections

from comptoir.hr.models import LeaveBalance, LeaveRequest, TrainingEnrollment
from comptoir.hr.services import leave, training
from comptoir.hr.tests.factories import YEAR, accrue, day, employee
from comptoir.platform.errors import DomainError
from comptoir.platform.tenancy import tenant_context


def _d(offset: int) -> datetime.date:
    return datetime.date.fromisoformat(day(offset))


def _race(tenant, calls) -> list:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 (reported by the assertions)
            results[i] = exc
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_last_days_one_is_refused(tenant):
    row = employee(tenant.api, hire_date=f"{YEAR}-01-01")
    accrue(tenant.api)
    with tenant_context(tenant.organization):
        LeaveBalance.objects.filter(leave_type="ANNUAL").update(total_days=3)
    requests = [
        lambda: leave.submit_leave(actor=tenant.owner, data=leave.LeaveInput(
            employee=row["id"], leave_type="ANNUAL", start_date=_d(0), end_date=_d(2))),
        lambda: leave.submit_leave(actor=tenant.owner, data=leave.LeaveInput(
            employee=row["id"], leave_type="ANNUAL", start_date=_d(7), end_date=_d(9))),
    ]  # fmt: skip
    results = _race(tenant, requests)
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], DomainError), results
    assert refused[0].code == "insufficient_balance"
    with tenant_context(tenant.organization):
        assert LeaveRequest.objects.count() == 1
        balance = LeaveBalance.objects.get(leave_type="ANNUAL")
        assert (balance.reserved_days, balance.available_days) == (3, 0)


@pytest.mark.django_db(transaction=True)
def test_two_enrollments_racing_for_the_last_seat_one_is_refused(tenant):
    a, b = employee(tenant.api, "A", "One"), employee(tenant.api, "B", "Two")
    program = tenant.api.post("hr/training-programs", {"title": "Safety", "max_participants": 1}).json()
    results = _race(tenant, [
        lambda: training.enroll(actor=tenant.owner, program=program["id"], employee=a["id"]),
        lambda: training.enroll(actor=tenant.owner, program=program["id"], employee=b["id"]),
    ])  # fmt: skip
    refused = [r for r in results if isinstance(r, DomainError)]
    assert len(refused) == 1 and refused[0].code == "program_full"
    with tenant_context(tenant.organization):
        assert TrainingEnrollment.objects.count() == 1
