"""Processing a run reads a constant number of statements whatever its number of employees: their unpaid leave
is read for all of them at once (hr.queries.unpaid_leave_by_employee), not one statement per payslip."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import connection
from tests.support.queries import CaptureStatements

from comptoir.hr import queries as hr_queries
from comptoir.payroll.tests.factories import YEAR, employee, ok, run, structure
from comptoir.platform.tenancy import tenant_context


def _on_unpaid_leave(api, person, start, end) -> None:
    body = {"employee": person["id"], "leave_type": "UNPAID", "start_date": start, "end_date": end}
    leave = ok(api.post("hr/leave-requests", body), 201)
    assert ok(api.post(f"hr/leave-requests/{leave['id']}/approve"))["status"] == "APPROVED"


def _paid(api, first_name: str, leave: tuple[str, str] | None = None) -> dict:
    person = employee(api, first_name, "Paid")
    structure(api, person["id"], "BASIC", "3100")
    if leave:
        _on_unpaid_leave(api, person, *leave)
    return person


def test_processing_a_run_reads_the_same_number_of_statements_for_one_or_five_employees(tenant):
    api = tenant.api
    first = _paid(api, "P0", (f"{YEAR}-03-02", f"{YEAR}-03-04"))
    row = run(api)

    def process() -> int:
        with CaptureStatements(connection) as ctx:
            processed = ok(api.post(f"payroll/runs/{row['id']}/process"))
        assert processed["status"] == "PROCESSED"
        return len(ctx.captured_queries)

    one = process()
    ok(api.post(f"payroll/runs/{row['id']}/reopen", {}))
    one_again = process()
    ok(api.post(f"payroll/runs/{row['id']}/reopen", {}))
    for n in range(1, 5):
        _paid(api, f"P{n}", (f"{YEAR}-03-1{n}", f"{YEAR}-03-2{n}"))
    assert process() == one_again, (one, one_again)
    slips = ok(api.get(f"payroll/runs/{row['id']}"))["payslips"]
    mine = next(s for s in slips if s["employee"]["id"] == first["id"])
    # 3 unpaid days of 31: 3100 × 28 / 31 = 2800.00
    assert (mine["unpaid_leave_days"], mine["days_paid"], mine["basic_salary"]) == ("3.00", "28.00", "2800.00")


def test_unpaid_leave_days_by_employee_counts_the_days_inside_the_range(tenant):
    api = tenant.api
    ada = _paid(api, "Ada", (f"{YEAR}-02-26", f"{YEAR}-03-03"))
    _on_unpaid_leave(api, ada, f"{YEAR}-03-30", f"{YEAR}-04-02")
    bob = _paid(api, "Bob")
    march = (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31))
    with tenant_context(tenant.organization):
        with CaptureStatements(connection) as ctx:
            days = hr_queries.unpaid_leave_days_by_employee([ada["id"], bob["id"]], *march)
        assert len(ctx.captured_queries) == 1
        assert days == {uuid.UUID(ada["id"]): Decimal(5), uuid.UUID(bob["id"]): Decimal(0)}  # 1–3 and 30–31 March
        assert days[uuid.UUID(ada["id"])] == hr_queries.unpaid_leave_days(ada["id"], *march)


def test_paying_a_run_sends_the_same_number_of_statements_for_one_or_four_employees(tenant):
    """Paying writes one payment entry and updates the payslips at once: no statement per payslip."""
    api = tenant.api

    def pay(run_name: str, start: str, end: str) -> int:
        row = run(api, start, end, name=run_name)
        ok(api.post(f"payroll/runs/{row['id']}/process"))
        ok(api.post(f"payroll/runs/{row['id']}/post"))
        with CaptureStatements(connection) as ctx:
            paid = ok(api.post(f"payroll/runs/{row['id']}/pay", {}))
        assert paid["status"] == "PAID" and {s["payment_entry"] for s in paid["payslips"]} == {paid["payment_entry"]}
        return len(ctx.captured_queries)

    _paid(api, "P0")
    one = pay("April", f"{YEAR}-04-01", f"{YEAR}-04-30")
    for n in range(1, 4):
        _paid(api, f"P{n}")
    assert pay("May", f"{YEAR}-05-01", f"{YEAR}-05-31") == one
