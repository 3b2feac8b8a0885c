"""HR in the desk, continued: departments, positions and job postings edited from their forms (with the API's
refusals next to their field), performance reviews created, submitted, acknowledged and closed with the buttons,
and the link to an employee's payslips (shown when payroll is on)."""

from __future__ import annotations

import re

from django.db import connection
from django.test import Client
from tests.support.queries import CaptureStatements

from comptoir.hr.models import Department, JobPosting, PerformanceReview, Position, TrainingEnrollment
from comptoir.hr.tests.factories import YEAR, employee, linked
from comptoir.platform.tenancy import tenant_context


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_department_is_edited_from_its_form_and_a_taken_code_is_refused(tenant):
    client = signed_in(tenant.owner)
    ops = tenant.api.post("hr/departments", {"name": "Operations", "code": "OPS"}).json()
    tenant.api.post("hr/departments", {"name": "Finance", "code": "FIN"})
    assert client.get(f"/hr/departments/{ops['id']}/edit/").status_code == 200
    form = {"name": "Operations and logistics", "code": "OPS", "parent": "FIN"}
    assert client.post(f"/hr/departments/{ops['id']}/edit/", form).status_code == 302
    refused = client.post(f"/hr/departments/{ops['id']}/edit/", {**form, "code": "FIN"})
    assert refused.status_code == 422
    assert re.search(r'data-testid="error-code">[^<]*Another department has this code', refused.content.decode())
    with tenant_context(tenant.organization):
        row = Department.objects.select_related("parent").get(pk=ops["id"])
    assert (row.name, row.code, row.parent.code) == ("Operations and logistics", "OPS", "FIN")


def test_a_position_is_edited_from_its_form_and_an_unknown_department_is_refused(tenant):
    client = signed_in(tenant.owner)
    tenant.api.post("hr/departments", {"name": "Operations", "code": "OPS"})
    position = tenant.api.post("hr/positions", {"code": "CLK", "title": "Clerk", "department": "OPS"}).json()
    assert client.get(f"/hr/positions/{position['id']}/edit/").status_code == 200
    form = {"code": "CLK", "title": "Senior clerk", "department": "OPS", "level": "2"}
    assert client.post(f"/hr/positions/{position['id']}/edit/", form).status_code == 302
    refused = client.post(f"/hr/positions/{position['id']}/edit/", {**form, "department": "NOPE"})
    assert refused.status_code == 422
    assert re.search(r'data-testid="error-department">[^<]*No department', refused.content.decode())
    with tenant_context(tenant.organization):
        row = Position.objects.get(pk=position["id"])
    assert (row.title, row.level) == ("Senior clerk", "2")


def test_a_job_posting_is_edited_from_its_form(tenant):
    client = signed_in(tenant.owner)
    posting = tenant.api.post("hr/job-postings", {"title": "Clerk", "description": "Files"}).json()
    assert client.get(f"/hr/job-postings/{posting['id']}/edit/").status_code == 200
    form = {"title": "Head clerk", "description": "Files and more", "max_applications": "3"}
    assert client.post(f"/hr/job-postings/{posting['id']}/edit/", form).status_code == 302
    refused = client.post(f"/hr/job-postings/{posting['id']}/edit/", {**form, "max_applications": "0"})
    assert refused.status_code == 422 and 'data-testid="error-max_applications"' in refused.content.decode()
    with tenant_context(tenant.organization):
        row = JobPosting.objects.get(pk=posting["id"])
    assert (row.title, row.description, row.max_applications) == ("Head clerk", "Files and more", 3)


def test_a_review_is_created_submitted_acknowledged_and_closed_with_the_buttons(tenant):
    boss, boss_user, _ = linked(tenant, first_name="Bo", last_name="Boss")
    worker, worker_user, _ = linked(tenant, first_name="Wu", last_name="Worker", reports_to=boss["id"])
    hr = signed_in(tenant.owner)
    assert hr.get("/hr/reviews/new/").status_code == 200
    form = {"employee": worker["employee_number"], "reviewer": boss["employee_number"],
            "period_start": f"{YEAR}-01-01", "period_end": f"{YEAR}-06-30"}  # fmt: skip
    refused = hr.post("/hr/reviews/new/", {**form, "reviewer": worker["employee_number"]})
    assert refused.status_code == 422
    assert re.search(r'data-testid="error-reviewer">[^<]*Nobody reviews themself', refused.content.decode())
    with tenant_context(tenant.organization):
        assert PerformanceReview.objects.count() == 0
    created = hr.post("/hr/reviews/new/", form)
    assert created.status_code == 302, created.content.decode()[:2000]
    with tenant_context(tenant.organization):
        review = PerformanceReview.objects.get()
    page = f"/hr/reviews/{review.pk}/"
    unrated = hr.post(f"{page}submit/", follow=True)
    assert "A review is rated before it is submitted" in unrated.content.decode()
    assert hr.post(f"{page}edit/", {"rating": "4", "strengths": "Careful"}).status_code == 302
    boss_client = signed_in(boss_user)
    assert 'data-testid="action-submit"' in boss_client.get(page).content.decode()
    assert boss_client.post(f"{page}submit/").status_code == 302
    assert 'data-testid="action-acknowledge"' in signed_in(worker_user).get(page).content.decode()
    refused = boss_client.post(f"{page}acknowledge/", {"comments": "Not mine"}, follow=True)
    assert "Only the employee reviewed signs the review off" in refused.content.decode()
    assert signed_in(worker_user).post(f"{page}acknowledge/", {"comments": "Agreed"}).status_code == 302
    assert hr.post(f"{page}close/").status_code == 302
    with tenant_context(tenant.organization):
        review.refresh_from_db()
    assert (review.status, review.rating, review.employee_comments) == ("CLOSED", 4, "Agreed")
    assert "Wu Worker" in hr.get("/hr/reviews/").content.decode()


def test_the_reviews_list_reads_a_constant_number_of_statements(tenant):
    client = signed_in(tenant.owner)
    boss = employee(tenant.api, "Bo", "Boss")

    def add(n: int) -> None:
        person = employee(tenant.api, f"N{n}", "More")
        body = {"employee": person["id"], "reviewer": boss["id"], "period_start": f"{YEAR}-01-01",
                "period_end": f"{YEAR}-06-30"}  # fmt: skip
        response = tenant.api.post("hr/reviews", body)
        assert response.status_code == 201, response.json()

    def count() -> int:
        with CaptureStatements(connection) as ctx:
            assert client.get("/hr/reviews/").status_code == 200
        return len(ctx.captured_queries)

    add(0)
    client.get("/hr/reviews/")
    few = count()
    for n in range(1, 5):
        add(n)
    assert count() == few


def test_the_employee_pages_link_to_their_payslips_while_payroll_is_on(tenant):
    me, user, _ = linked(tenant, first_name="Wu", last_name="Worker")
    link = f"/payroll/payslips/?employee={me['id']}"
    hr = signed_in(tenant.owner)
    assert link in hr.get(f"/hr/employees/{me['id']}/").content.decode()
    mine = signed_in(user).get("/hr/pages/me/").content.decode()
    assert 'data-testid="my-payslips"' in mine and link in mine
    assert tenant.api.patch("platform/features", {"modules": {"payroll": False}}).status_code == 200
    assert link not in hr.get(f"/hr/employees/{me['id']}/").content.decode()
    assert link not in signed_in(user).get("/hr/pages/me/").content.decode()


def test_an_enrollment_is_started_and_completed_with_the_buttons(tenant):
    client = signed_in(tenant.owner)
    person = employee(tenant.api, "En", "Rolled")
    program = tenant.api.post("hr/training-programs", {"title": "Safety"}).json()
    row = tenant.api.post("hr/enrollments", {"program": program["id"], "employee": person["id"]})
    assert row.status_code == 201, row.json()
    page = f"/hr/enrollments/{row.json()['id']}/"
    assert 'data-testid="action-start"' in client.get(page).content.decode()
    assert client.post(f"{page}start/").status_code == 302
    early = client.post(f"{page}complete/", {"grade": "A", "completion_date": "2000-01-01"}, follow=True)
    assert "completion_date is before the enrollment" in early.content.decode()
    assert client.post(f"{page}complete/", {"grade": "A"}).status_code == 302
    with tenant_context(tenant.organization):
        done = TrainingEnrollment.objects.get()
    assert (done.status, done.grade) == ("COMPLETED", "A")
    assert "En Rolled" in client.get("/hr/enrollments/").content.decode()
    assert "En Rolled" in client.get(f"/hr/training-programs/{program['id']}/").content.decode()
