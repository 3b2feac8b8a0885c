"""Hire to payroll, the HR half (payroll extends `hired_and_on_leave` with its run): post a job, hire a candidate
mid-month, take paid and unpaid leave, with every balance checked, and the figures payroll reads from
`hr.queries` (the employees of the period with their dates, unpaid leave days, the payable account)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from comptoir.hr import queries
from comptoir.platform.tenancy import tenant_context

YEAR = datetime.date.today().year + 1


@pytest.fixture
def hired_and_on_leave(tenant) -> dict:
    """A veteran employee and a candidate hired on the 16th of March; the joiner takes 2 days of annual leave and
    3 days of unpaid leave in March, both approved by HR."""
    api = tenant.api
    assert api.post("hr/departments", {"name": "Engineering", "code": "ENG"}).status_code == 201
    veteran = api.post("hr/employees", {"first_name": "Vera", "last_name": "Veteran", "hire_date": f"{YEAR - 2}-05-01",
                                        "department": "ENG", "status": "ACTIVE"}).json()  # fmt: skip
    posting = api.post("hr/job-postings", {"title": "Engineer", "description": "Build things", "department": "ENG"})
    assert posting.status_code == 201
    candidate = api.post("hr/candidates", {"job_posting": posting.json()["id"], "first_name": "Jo",
                                           "last_name": "Joiner", "email": "jo@example.com"}).json()  # fmt: skip
    for stage in ("SCREENING", "INTERVIEW", "OFFERED"):
        assert api.post(f"hr/candidates/{candidate['id']}/status", {"status": stage}).status_code == 200
    hired = api.post(f"hr/candidates/{candidate['id']}/hire",
                     {"hire_date": f"{YEAR}-03-16", "reports_to": veteran["id"]}).json()  # fmt: skip
    joiner = api.get(f"hr/employees/{hired['hired_employee']}").json()
    assert joiner["status"] == "ACTIVE" and joiner["department"]["code"] == "ENG"
    # accrued on hire: 24 days × 10 months left / 12 = 20 annual, 10 × 10 / 12 = 8.5 sick (to the half day)
    balances = {b["leave_type"]: b for b in api.get("hr/leave-balances", employee=joiner["id"]).json()["items"]}
    assert (balances["ANNUAL"]["total_days"], balances["SICK"]["total_days"]) == ("20.0", "8.5")
    paid = api.post("hr/leave-requests", {"employee": joiner["id"], "leave_type": "ANNUAL",
                                          "start_date": f"{YEAR}-03-19", "end_date": f"{YEAR}-03-20"}).json()  # fmt: skip  # noqa: E501
    unpaid = api.post("hr/leave-requests", {"employee": joiner["id"], "leave_type": "UNPAID",
                                            "start_date": f"{YEAR}-03-25", "end_date": f"{YEAR}-03-27"}).json()  # fmt: skip  # noqa: E501
    for leave in (paid, unpaid):
        assert api.post(f"hr/leave-requests/{leave['id']}/approve").json()["status"] == "APPROVED"
    return {"veteran": veteran, "joiner": joiner, "paid": paid, "unpaid": unpaid}


def test_hire_and_leave_give_payroll_its_figures(tenant, hired_and_on_leave):
    joiner, veteran = hired_and_on_leave["joiner"], hired_and_on_leave["veteran"]
    paid = hired_and_on_leave["paid"]
    march = (datetime.date(YEAR, 3, 1), datetime.date(YEAR, 3, 31))
    annual = tenant.api.get("hr/leave-balances", employee=joiner["id"], leave_type="ANNUAL").json()["items"][0]
    assert (annual["used_days"], annual["reserved_days"], annual["available_days"]) == (
        paid["total_days"], "0.0", str(Decimal("20.0") - Decimal(paid["total_days"])))  # fmt: skip
    assert tenant.api.get("hr/leave-balances", employee=joiner["id"], leave_type="UNPAID").json()["items"] == []
    with tenant_context(tenant.organization):
        period = {e.id.hex: e for e in queries.employees_in_period(*march)}
        assert set(period) == {uuid_hex(joiner["id"]), uuid_hex(veteran["id"])}
        assert period[uuid_hex(joiner["id"])].hire_date == datetime.date(YEAR, 3, 16)
        assert queries.unpaid_leave_days(joiner["id"], *march) == Decimal(3)
        assert queries.unpaid_leave_days(joiner["id"], datetime.date(YEAR, 3, 26), march[1]) == Decimal(2)
        assert queries.unpaid_leave_days(veteran["id"], *march) == Decimal(0)
        party, account = queries.employee_account(joiner["id"])
    assert str(party) == joiner["party"]
    assert tenant.api.get(f"accounting/accounts/{account}").json()["code"] == joiner["account"]
    assert queries_before_hire_exclude_joiner(tenant, joiner)


def uuid_hex(value: str) -> str:
    return value.replace("-", "")


def queries_before_hire_exclude_joiner(tenant, joiner) -> bool:
    with tenant_context(tenant.organization):
        february = queries.employees_in_period(datetime.date(YEAR, 2, 1), datetime.date(YEAR, 2, 28))
    return str(joiner["id"]) not in {str(e.id) for e in february}
