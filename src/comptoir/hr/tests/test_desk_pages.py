"""HR in the desk: employees hired from their form (with their party), leave approved and rejected with the
buttons of the leave request's page (the same refusals as the API), the employee's page with the leave balance,
the leave calendar, the recruitment board, quick search, and lists reading a constant number of statements."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from tests.support.queries import CaptureStatements

from comptoir.hr.models import Employee, LeaveRequest
from comptoir.hr.tests.factories import accrue, day, employee, linked
from comptoir.platform.tenancy import tenant_context


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_employee_is_hired_from_the_form_and_shown_with_the_leave_balance(tenant):
    client = signed_in(tenant.owner)
    tenant.api.post("hr/departments", {"name": "Operations", "code": "OPS"})
    form = {"first_name": "Ada", "last_name": "Lovelace", "hire_date": "2024-01-15", "department": "OPS",
            "employment_type": "FULL_TIME", "status": "ACTIVE"}  # fmt: skip
    response = client.post("/hr/employees/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    with tenant_context(tenant.organization):
        person = Employee.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "EMP-000001 Ada Lovelace" in page and "Leave balance" in page and "Operations" in page
    refused = client.post("/hr/employees/new/", {**form, "department": "NOPE"})
    assert refused.status_code == 422
    assert re.search(r'data-testid="error-department">[^<]*No department', refused.content.decode())
    with tenant_context(tenant.organization):
        assert Employee.objects.count() == 1
    assert "EMP-000001 Ada Lovelace" in client.get("/search/", {"q": "Lovelace"}).content.decode()
    assert str(person.pk) in page or person.employee_number in page


def test_leave_is_approved_and_rejected_with_the_buttons(tenant):
    boss, boss_user, _boss_api = linked(tenant, first_name="Bo", last_name="Boss", roles=["MANAGER"])
    worker, worker_user, worker_api = linked(tenant, first_name="Wu", last_name="Worker", reports_to=boss["id"])
    accrue(tenant.api)
    one = worker_api.post(
        "hr/leave-requests", {"leave_type": "ANNUAL", "start_date": day(0), "end_date": day(1)}
    ).json()
    two = worker_api.post(
        "hr/leave-requests", {"leave_type": "ANNUAL", "start_date": day(7), "end_date": day(7)}
    ).json()
    mine = signed_in(worker_user).get(f"/hr/leave-requests/{one['id']}/").content.decode()
    assert 'data-testid="action-approve"' not in mine  # an employee holds no approval permission
    boss_client = signed_in(boss_user)
    page = boss_client.get(f"/hr/leave-requests/{one['id']}/").content.decode()
    assert 'data-testid="action-approve"' in page and 'data-testid="action-reject"' in page
    assert boss_client.post(f"/hr/leave-requests/{one['id']}/approve/").status_code == 302
    assert boss_client.post(f"/hr/leave-requests/{two['id']}/reject/", {"reason": "Inventory week"}).status_code == 302
    with tenant_context(tenant.organization):
        statuses = {str(k): v for k, v in LeaveRequest.objects.values_list("id", "status")}
    assert (statuses[one["id"]], statuses[two["id"]]) == ("APPROVED", "REJECTED")
    calendar = boss_client.get(f"/hr/pages/leave-calendar/?month={day(0)[:7]}").content.decode()
    assert "Wu Worker" in calendar


def test_the_owner_cannot_approve_their_own_leave_from_the_desk(tenant):
    me = employee(tenant.api)
    with tenant_context(tenant.organization):
        Employee.objects.filter(pk=me["id"]).update(user=tenant.owner)
    accrue(tenant.api)
    leave = tenant.api.post("hr/leave-requests", {"leave_type": "UNPAID", "start_date": day(0), "end_date": day(0)})
    response = signed_in(tenant.owner).post(f"/hr/leave-requests/{leave.json()['id']}/approve/", follow=True)
    assert "Nobody approves their own leave" in response.content.decode()
    with tenant_context(tenant.organization):
        assert LeaveRequest.objects.get().status == "PENDING"


def test_the_recruitment_board_shows_candidates_by_stage(tenant):
    posting = tenant.api.post("hr/job-postings", {"title": "Clerk", "description": "Files"}).json()
    for n, stage in enumerate(("APPLIED", "SCREENING")):
        cand = tenant.api.post("hr/candidates", {"job_posting": posting["id"], "first_name": f"C{n}",
                                                 "last_name": "Cand", "email": f"c{n}@example.com"}).json()  # fmt: skip
        if stage != "APPLIED":
            tenant.api.post(f"hr/candidates/{cand['id']}/status", {"status": stage})
    page = signed_in(tenant.owner).get("/hr/pages/recruitment-board/").content.decode()
    screening = page.split('data-testid="stage-SCREENING"')[1].split("</section>")[0]
    assert "C1 Cand" in screening and "C0 Cand" not in screening


@pytest.mark.parametrize(
    "path", ["/hr/employees/", "/hr/leave-requests/", "/hr/attendance/", "/hr/departments/", "/hr/candidates/",
             "/hr/training-programs/", "/hr/job-postings/"],
)  # fmt: skip
def test_the_lists_read_a_constant_number_of_statements(tenant, path):
    client = signed_in(tenant.owner)
    tenant.api.post("hr/departments", {"name": "Ops", "code": "OPS"})
    posting = tenant.api.post("hr/job-postings", {"title": "Clerk", "description": "Files"}).json()

    def add(n: int) -> None:
        person = employee(tenant.api, f"N{n}", "More", department="OPS")
        tenant.api.post("hr/attendance", {"employee": person["id"], "date": day(n)})
        tenant.api.post("hr/leave-requests", {"employee": person["id"], "leave_type": "UNPAID", "start_date": day(n),
                                              "end_date": day(n)})  # fmt: skip
        tenant.api.post("hr/candidates", {"job_posting": posting["id"], "first_name": f"C{n}", "last_name": "D",
                                          "email": f"c{n}@example.com"})  # fmt: skip
        tenant.api.post("hr/training-programs", {"title": f"T{n}"})

    def count() -> int:
        with CaptureStatements(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    add(0)
    client.get(path)
    few = count()
    for n in range(1, 5):
        add(n)
    assert count() == few


def test_an_employee_edits_their_phone_from_the_desk_but_not_their_department(tenant):
    tenant.api.post("hr/departments", {"name": "Operations", "code": "OPS"})
    tenant.api.post("hr/departments", {"name": "Finance", "code": "FIN"})
    me, user, _api = linked(tenant, department="OPS")
    other = employee(tenant.api, "Ot", "Her", department="OPS")
    client = signed_in(user)
    form = {"phone": "+33 6 00", "address": "", "email": "", "department": "OPS", "position": "", "reports_to": ""}
    assert client.post(f"/hr/employees/{me['id']}/edit/", form).status_code == 302
    moved = client.post(f"/hr/employees/{me['id']}/edit/", {**form, "department": "FIN"})
    assert moved.status_code == 422 and "Only HR changes department" in moved.content.decode()
    assert client.get(f"/hr/employees/{other['id']}/edit/").status_code == 404
    with tenant_context(tenant.organization):
        person = Employee.objects.select_related("department").get(pk=me["id"])
    assert (person.phone, person.department.code) == ("+33 6 00", "OPS")
