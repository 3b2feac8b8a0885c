"""The record rule through every reading endpoint, the exports and the desk pages: an employee sees only their
own profile, attendance, leave and balances; a manager sees their reports too; HR sees everyone. Another
employee's record is a 404, and an employee edits only the personal fields of their own profile."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comptoir.hr.tests.factories import accrue, day, employee, linked


@pytest.fixture
def people(tenant):
    boss, _bu, boss_api = linked(tenant, first_name="Bo", last_name="Boss", roles=["MANAGER"])
    worker, worker_user, worker_api = linked(tenant, first_name="Wu", last_name="Worker", reports_to=boss["id"])
    stranger = employee(tenant.api, "St", "Ranger")
    accrue(tenant.api)
    for person in (boss, worker, stranger):
        tenant.api.post("hr/attendance", {"employee": person["id"], "date": day(0)})
        tenant.api.post("hr/leave-requests", {"employee": person["id"], "leave_type": "UNPAID", "start_date": day(1),
                                              "end_date": day(1)})  # fmt: skip
    return {"boss": boss, "worker": worker, "stranger": stranger, "boss_api": boss_api, "worker_api": worker_api,
            "worker_user": worker_user}  # fmt: skip


LISTS = ("hr/employees", "hr/attendance", "hr/leave-requests", "hr/leave-balances")


def _ids(api, path) -> set[str]:
    items = api.get(path).json()["items"]
    return {item["id"] if path == "hr/employees" else item["employee"]["id"] for item in items}


@pytest.mark.parametrize("path", LISTS)
def test_each_sees_their_scope_in_lists_and_exports(tenant, people, path):
    worker, boss, stranger = people["worker"]["id"], people["boss"]["id"], people["stranger"]["id"]
    assert _ids(people["worker_api"], path) == {worker}
    assert _ids(people["boss_api"], path) == {worker, boss}
    assert _ids(tenant.api, path) == {worker, boss, stranger}
    exported = b"".join(people["worker_api"].get(path, format="csv").streaming_content).decode()
    rows = list(csv.reader(io.StringIO(exported)))
    listed = {item["id"] for item in people["worker_api"].get(path).json()["items"]}
    assert {row[0] for row in rows[1:]} == listed and listed


def test_another_employees_records_are_not_found(tenant, people):
    api = people["worker_api"]
    for other in (people["boss"], people["stranger"]):
        assert api.get(f"hr/employees/{other['id']}").status_code == 404
        leave = tenant.api.get("hr/leave-requests", employee=other["id"]).json()["items"][0]
        assert api.get(f"hr/leave-requests/{leave['id']}").status_code == 404
        assert api.post(f"hr/leave-requests/{leave['id']}/cancel", {}).status_code == 404
        record = tenant.api.get("hr/attendance", employee=other["id"]).json()["items"][0]
        assert api.get(f"hr/attendance/{record['id']}").status_code == 404
        assert api.patch(f"hr/attendance/{record['id']}", {"notes": "x"}).status_code == 404
        assert api.post("hr/leave-requests", {"employee": other["id"], "leave_type": "UNPAID", "start_date": day(8),
                                              "end_date": day(8)}).json()["code"] == "unknown"  # fmt: skip


def test_an_employee_edits_only_the_personal_fields_of_their_own_profile(tenant, people):
    api, me = people["worker_api"], people["worker"]["id"]
    assert api.patch(f"hr/employees/{me}", {"phone": "+33 1 23"}).json()["phone"] == "+33 1 23"
    refused = api.patch(f"hr/employees/{me}", {"department": None, "first_name": "Boss"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_editable_by_employee"
    assert api.get(f"hr/employees/{me}").json()["first_name"] == "Wu"
    # the manager sees the report but does not edit their profile
    other = people["boss_api"].patch(f"hr/employees/{me}", {"phone": "0"})
    assert other.status_code == 403 and other.json()["code"] == "not_editable_by_employee"


def test_desk_pages_follow_the_rule(tenant, people):
    client = Client()
    client.force_login(people["worker_user"])
    page = client.get("/hr/employees/").content.decode()
    assert "Worker" in page and "Ranger" not in page and "Boss" not in page
    assert client.get(f"/hr/employees/{people['stranger']['id']}/").status_code == 404
    mine = client.get(f"/hr/employees/{people['worker']['id']}/")
    assert mine.status_code == 200 and "Leave balance" in mine.content.decode()
    me = client.get("/hr/pages/me/").content.decode()
    assert 'data-testid="balances"' in me and "Unpaid" in me
    calendar = client.get(f"/hr/pages/leave-calendar/?month={day(0)[:7]}")
    assert calendar.status_code == 200


def _certificate(tenant, enrollment_id) -> str:
    for status in ("IN_PROGRESS", "COMPLETED"):
        tenant.api.post(f"hr/enrollments/{enrollment_id}/status", {"status": status})
    upload = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4 cert", content_type="application/pdf")
    attached = tenant.api.client.post(f"/api/v1/hr/enrollments/{enrollment_id}/certificate", {"file": upload},
                                      headers=tenant.api._headers(None))  # fmt: skip
    assert attached.status_code == 201, attached.content
    return attached.json()["id"]


def test_reviews_and_enrollments_follow_the_rule(tenant, people):
    api, worker, stranger, boss = people["worker_api"], people["worker"], people["stranger"], people["boss"]
    program = tenant.api.post("hr/training-programs", {"title": "Safety"}).json()
    enrolled = {p["id"]: tenant.api.post("hr/enrollments", {"program": program["id"], "employee": p["id"]}).json()
                for p in (worker, stranger)}  # fmt: skip
    period = {"period_start": day(0), "period_end": day(30), "rating": "4"}
    theirs = tenant.api.post("hr/reviews", {"employee": stranger["id"], "reviewer": boss["id"], **period}).json()
    mine = tenant.api.post("hr/reviews", {"employee": worker["id"], "reviewer": boss["id"], **period}).json()
    assert [e["id"] for e in api.get("hr/enrollments").json()["items"]] == [enrolled[worker["id"]]["id"]]
    assert api.get(f"hr/enrollments/{enrolled[stranger['id']]['id']}").status_code == 404
    assert api.get(f"hr/enrollments/{enrolled[stranger['id']]['id']}/certificates").status_code == 404
    theirs_certificate = _certificate(tenant, enrolled[stranger["id"]]["id"])
    mine_certificate = _certificate(tenant, enrolled[worker["id"]]["id"])
    owner = {"owner_type": "hr.trainingenrollment"}
    assert api.get("platform/attachments", **owner, owner_id=enrolled[stranger["id"]]["id"]).status_code == 404
    assert api.get(f"platform/attachments/{theirs_certificate}").status_code == 404
    assert api.get(f"platform/attachments/{theirs_certificate}/download").status_code == 404
    assert api.get(f"platform/attachments/{mine_certificate}/download").status_code == 200
    assert [r["id"] for r in api.get("hr/reviews").json()["items"]] == [mine["id"]]
    assert api.get(f"hr/reviews/{theirs['id']}").status_code == 404
    # the boss wrote the stranger's review: they see it as its reviewer
    assert people["boss_api"].get(f"hr/reviews/{theirs['id']}").status_code == 200
