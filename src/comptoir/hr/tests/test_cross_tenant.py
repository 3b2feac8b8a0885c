"""Every HR endpoint answers 404 for another organization's rows; nothing of theirs changes."""

import pytest

from comptoir.hr.models import Employee
from comptoir.hr.tests.factories import accrue, day, department, employee
from comptoir.platform.tenancy import tenant_context

ENDPOINTS = [
    ("get", "hr/departments/{department}", None),
    ("patch", "hr/departments/{department}", {"name": "Mine"}),
    ("get", "hr/positions/{position}", None),
    ("patch", "hr/positions/{position}", {"title": "Mine"}),
    ("delete", "hr/holidays/{holiday}", None),
    ("get", "hr/employees/{employee}", None),
    ("patch", "hr/employees/{employee}", {"first_name": "Mine"}),
    ("post", "hr/employees/{employee}/status", {"status": "INACTIVE"}),
    ("get", "hr/attendance/{attendance}", None),
    ("patch", "hr/attendance/{attendance}", {"notes": "x"}),
    ("get", "hr/leave-requests/{leave}", None),
    ("post", "hr/leave-requests/{leave}/approve", None),
    ("post", "hr/leave-requests/{leave}/reject", {"reason": "no"}),
    ("post", "hr/leave-requests/{leave}/cancel", {}),
    ("get", "hr/reviews/{review}", None),
    ("patch", "hr/reviews/{review}", {"strengths": "x"}),
    ("post", "hr/reviews/{review}/status", {"status": "SUBMITTED"}),
    ("get", "hr/job-postings/{posting}", None),
    ("patch", "hr/job-postings/{posting}", {"title": "x"}),
    ("post", "hr/job-postings/{posting}/status", {"status": "CLOSED"}),
    ("get", "hr/candidates/{candidate}", None),
    ("post", "hr/candidates/{candidate}/status", {"status": "SCREENING"}),
    ("post", "hr/candidates/{candidate}/hire", {"hire_date": "2030-01-01"}),
    ("get", "hr/training-programs/{program}", None),
    ("patch", "hr/training-programs/{program}", {"title": "x"}),
    ("post", "hr/training-programs/{program}/status", {"status": "IN_PROGRESS"}),
    ("get", "hr/enrollments/{enrollment}", None),
    ("get", "hr/enrollments/{enrollment}/certificates", None),
    ("post", "hr/enrollments/{enrollment}/status", {"status": "IN_PROGRESS"}),
]


def _setup(api) -> dict:
    dept = department(api, code="OPS")
    position = api.post("hr/positions", {"code": "P1", "title": "Clerk", "department": "OPS"}).json()
    boss, worker = employee(api, "Bo", "Boss"), employee(api, "Wu", "Worker")
    accrue(api)
    holiday = api.post("hr/holidays", {"date": day(30), "name": "Day off"}).json()
    attendance = api.post("hr/attendance", {"employee": worker["id"], "date": day(0)}).json()
    leave = api.post("hr/leave-requests", {"employee": worker["id"], "leave_type": "UNPAID", "start_date": day(1),
                                           "end_date": day(1)}).json()  # fmt: skip
    review = api.post("hr/reviews", {"employee": worker["id"], "reviewer": boss["id"], "rating": "3",
                                     "period_start": day(0), "period_end": day(20)}).json()  # fmt: skip
    posting = api.post("hr/job-postings", {"title": "Clerk", "description": "File"}).json()
    candidate = api.post("hr/candidates", {"job_posting": posting["id"], "first_name": "C", "last_name": "D",
                                           "email": "c@example.com"}).json()  # fmt: skip
    program = api.post("hr/training-programs", {"title": "Safety"}).json()
    enrollment = api.post("hr/enrollments", {"program": program["id"], "employee": worker["id"]}).json()
    return {"department": dept["id"], "position": position["id"], "holiday": holiday["id"], "employee": worker["id"],
            "attendance": attendance["id"], "leave": leave["id"], "review": review["id"], "posting": posting["id"],
            "candidate": candidate["id"], "program": program["id"], "enrollment": enrollment["id"]}  # fmt: skip


@pytest.fixture
def theirs(other_tenant):
    return _setup(other_tenant.api)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_organizations_rows_are_not_found(tenant, other_tenant, theirs, method, path, body):
    department(tenant.api, code="MINE")
    response = tenant.api.request(method, path.format(**theirs), body)
    assert response.status_code == 404 and response.json()["code"] == "not_found", response.json()
    with tenant_context(other_tenant.organization):
        worker = Employee.objects.get(pk=theirs["employee"])
        assert (worker.first_name, worker.status) == ("Wu", "ACTIVE")


def test_another_organizations_rows_are_not_listed(tenant, theirs):
    for path in ("hr/departments", "hr/employees", "hr/attendance", "hr/leave-requests", "hr/leave-balances",
                 "hr/reviews", "hr/job-postings", "hr/candidates", "hr/training-programs", "hr/enrollments",
                 "hr/holidays", "hr/positions"):  # fmt: skip
        assert tenant.api.get(path).json()["items"] == [], path
    refused = tenant.api.post("hr/leave-requests", {"employee": theirs["employee"], "leave_type": "UNPAID",
                                                    "start_date": day(2), "end_date": day(2)})  # fmt: skip
    assert refused.json()["code"] == "unknown"


WRITES = [e for e in ENDPOINTS if e[0] != "get"] + [
    ("post", "hr/departments", {"name": "X"}),
    ("post", "hr/employees", {"first_name": "A", "last_name": "B", "hire_date": "2030-01-01"}),
    ("post", "hr/leave-balances/accrue", {"year": 2030}),
    ("post", "hr/holidays", {"date": "2030-01-01", "name": "X"}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_a_reader_without_write_permissions_gets_403_and_nothing_changes(tenant, method, path, body):
    from tests.support.api import member_client

    mine = _setup(tenant.api)
    _user, investor = member_client(tenant, org_role="INVESTOR")
    response = investor.request(method, path.format(**mine), body)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied", response.json()
    with tenant_context(tenant.organization):
        worker = Employee.objects.get(pk=mine["employee"])
        assert (worker.first_name, worker.status, Employee.objects.count()) == ("Wu", "ACTIVE", 2)
