"""Training programs edited (API and desk form) and employees enrolled from the desk: the capacity is never below the
places taken, a finished program is not edited, a full program refuses the enrollment next to its field; each
refusal writes nothing."""

from __future__ import annotations

import re

from comptoir.hr.models import TrainingEnrollment, TrainingProgram
from comptoir.hr.tests.factories import employee
from comptoir.hr.tests.test_desk_edits_and_reviews import signed_in
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context


def _program(api, **body) -> dict:
    response = api.post("hr/training-programs", {"title": "Safety", **body})
    assert response.status_code == 201, response.json()
    return response.json()


def _refused(response, status: int, code: str, field: str) -> None:
    assert response.status_code == status, response.json()
    assert (response.json()["code"], response.json()["errors"][0]["field"]) == (code, field)


def _state(tenant, program_id) -> tuple:
    with tenant_context(tenant.organization):
        row = TrainingProgram.objects.get(pk=program_id)
        audits = AuditLog.objects.filter(object_id=str(program_id)).count()
    return row.title, row.max_participants, row.end_date, row.version, audits


def test_a_program_is_edited_and_its_capacity_stays_above_the_places_taken(tenant):
    api = tenant.api
    program = _program(api, max_participants=3, start_date="2030-05-01")
    for n in range(2):
        person = employee(api, f"P{n}", "Trainee")
        assert api.post("hr/enrollments", {"program": program["id"], "employee": person["id"]}).status_code == 201
    changed = api.patch(f"hr/training-programs/{program['id']}", {"title": "Fire safety", "max_participants": 2})
    assert changed.status_code == 200, changed.json()
    assert (changed.json()["title"], changed.json()["max_participants"]) == ("Fire safety", 2)
    before = _state(tenant, program["id"])
    _refused(api.patch(f"hr/training-programs/{program['id']}", {"max_participants": 1}), 422, "below_enrolled",
             "max_participants")  # fmt: skip
    _refused(api.patch(f"hr/training-programs/{program['id']}", {"end_date": "2030-04-01"}), 422, "end_before_start",
             "end_date")  # fmt: skip
    _refused(api.patch(f"hr/training-programs/{program['id']}", {"cost": "-1"}), 422, "negative_amount", "cost")
    assert _state(tenant, program["id"]) == before
    api.post(f"hr/training-programs/{program['id']}/status", {"status": "CANCELLED"})
    before = _state(tenant, program["id"])
    _refused(api.patch(f"hr/training-programs/{program['id']}", {"title": "Again"}), 409, "not_editable", "status")
    assert _state(tenant, program["id"]) == before


def test_a_program_is_edited_from_its_form(tenant):
    client = signed_in(tenant.owner)
    program = _program(tenant.api, max_participants=2)
    person = employee(tenant.api, "Ed", "Ited")
    tenant.api.post("hr/enrollments", {"program": program["id"], "employee": person["id"]})
    page = f"/hr/training-programs/{program['id']}/"
    assert client.get(f"{page}edit/").status_code == 200
    form = {"title": "First aid", "location": "Room 2", "max_participants": "4"}
    assert client.post(f"{page}edit/", form).status_code == 302
    assert _state(tenant, program["id"])[:2] == ("First aid", 4)
    refused = client.post(f"{page}edit/", {**form, "max_participants": "0"})
    assert refused.status_code == 422 and 'data-testid="error-max_participants"' in refused.content.decode()
    tenant.api.post(f"hr/training-programs/{program['id']}/status", {"status": "CANCELLED"})
    assert 'data-testid="edit"' not in client.get(page).content.decode()
    assert client.get(f"{page}edit/").status_code == 302  # back to the page: "can no longer be edited"


def test_an_employee_is_enrolled_from_the_desk_and_a_full_program_refuses_next_to_the_field(tenant):
    client = signed_in(tenant.owner)
    program = _program(tenant.api, max_participants=1)
    first, second = employee(tenant.api, "Fi", "Rst"), employee(tenant.api, "Se", "Cond")
    form = client.get("/hr/enrollments/new/").content.decode()
    assert f'value="{program["id"]}"' in form
    created = client.post("/hr/enrollments/new/", {"program": program["id"], "employee": first["employee_number"]})
    assert created.status_code == 302
    refused = client.post("/hr/enrollments/new/", {"program": program["id"], "employee": second["employee_number"]})
    assert refused.status_code in (409, 422)
    assert re.search(r'data-testid="error-program">[^<]*The program is full', refused.content.decode())
    with tenant_context(tenant.organization):
        assert [str(e.employee_id) for e in TrainingEnrollment.objects.all()] == [first["id"]]
