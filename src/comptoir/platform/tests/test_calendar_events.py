"""Calendar events: create/change/delete rules and refusals, attendees and answers, status transitions,
ETag/If-Match, permissions, the organizer/attendee record rule and cross-tenant isolation."""

import uuid
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, CalendarEvent, CalendarEventAttendee, OrganizationMember, Workspace
from comptoir.platform.services.calendar import CalendarEventInput, create_calendar_event
from comptoir.platform.tenancy import tenant_context

EVENTS = "platform/calendar/events"


def _body(**kw) -> dict:
    return {"title": "Standup", "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T09:30:00Z", **kw}


def _create(api, **kw) -> dict:
    response = api.post(EVENTS, _body(**kw))
    assert response.status_code == 201, response.content
    return response.json()


def _problem(response, status, code) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code, response.json()
    return response.json()


def _events(tenant, **filters) -> int:
    with tenant_context(tenant.organization):
        return CalendarEvent.objects.filter(**filters).count()


def test_create_fills_the_default_workspace_attendees_and_etag(tenant):
    employee, _api = member_client(tenant)
    response = tenant.api.post(
        EVENTS,
        _body(
            type="MEETING",
            location="Room 1",
            description="Daily",
            attendees=[str(employee.pk), str(employee.pk)],
            reminders=[{"minutes_before": 5}, {"minutes_before": 60, "channel": "EMAIL"}],
            color="#1A2b3C",
            related_type="projects.task",
            related_id=str(uuid.UUID(int=7)),
        ),
    )
    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    body = response.json()
    with tenant_context(tenant.organization):
        default_ws = Workspace.objects.get(is_default=True)
        audit = AuditLog.objects.get(object_id=body["id"])
    assert body["workspace_id"] == str(default_ws.pk)
    assert body["organizer_id"] == str(tenant.owner.pk)
    assert body["attendees"] == [{"user_id": str(employee.pk), "response": "PENDING"}]
    assert body["reminders"] == [
        {"minutes_before": 60, "channel": "EMAIL"},
        {"minutes_before": 5, "channel": "IN_APP"},
    ]
    assert (body["type"], body["status"], body["color"], body["version"]) == ("MEETING", "CONFIRMED", "#1A2b3C", 1)
    assert (audit.action, audit.new_values["attendees"]) == ("CREATE", [str(employee.pk)])
    fetched = tenant.api.get(f"{EVENTS}/{body['id']}")
    assert fetched.json() == body and fetched["ETag"] == '"1"'


def test_create_in_a_chosen_workspace_and_refuses_a_foreign_or_archived_one(tenant, other_tenant):
    lyon = tenant.api.post("platform/workspaces", {"name": "Lyon"}).json()["id"]
    assert _create(tenant.api, workspace_id=lyon)["workspace_id"] == lyon
    old = tenant.api.post("platform/workspaces", {"name": "Old"}).json()["id"]
    tenant.api.patch(f"platform/workspaces/{old}", {"status": "ARCHIVED"})
    foreign = other_tenant.api.get("platform/workspaces").json()["items"][0]["id"]
    for workspace_id in (old, foreign, str(uuid.uuid4())):
        body = _problem(tenant.api.post(EVENTS, _body(workspace_id=workspace_id)), 422, "unknown_workspace")
        assert body["errors"][0]["field"] == "workspace_id"
    assert _events(tenant) == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"end_time": "2026-03-02T08:59:59Z"}, "end_time", "end_before_start"),
        ({"start_time": "2026-03-02T09:00:00"}, "start_time", "naive_datetime"),
        ({"recurrence": "WEEKLY", "recurrence_end": "2026-03-01"}, "recurrence_end", "before_start"),
        ({"recurrence_end": "2026-04-01"}, "recurrence_end", "no_recurrence"),
        ({"reminders": [{"minutes_before": -1}]}, "reminders.0.minutes_before", "out_of_range"),
        ({"reminders": [{"minutes_before": 40321}]}, "reminders.0.minutes_before", "out_of_range"),
        (
            {"reminders": [{"minutes_before": 15}, {"minutes_before": 15, "channel": "EMAIL"}]},
            "reminders.1.minutes_before",
            "duplicate",
        ),
        ({"reminders": [{"minutes_before": m} for m in range(11)]}, "reminders", "too_many"),
        ({"reminders": [{"minutes_before": 5, "channel": "FAX"}]}, "reminders.0.channel", "enum"),
        ({"reminders": [{"minutes": 5}]}, "reminders.0.minutes_before", "missing"),
        ({"color": "red"}, "color", "invalid_color"),
        ({"color": "#12345G"}, "color", "invalid_color"),
        ({"title": "   "}, "title", "required"),
        ({"related_id": str(uuid.UUID(int=1))}, "related_type", "required"),
        ({"status": "CANCELLED"}, "status", "literal_error"),
        ({"recurrence": "HOURLY"}, "recurrence", "enum"),
        ({"attendees": ["not-a-uuid"]}, "attendees.0", "uuid_parsing"),
        ({"owner": "me"}, "owner", "extra_forbidden"),
    ],
)
def test_create_refusals_name_the_field_and_write_nothing(tenant, changes, field, code):
    response = tenant.api.post(EVENTS, _body(**changes))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] in (code, "validation_error")
    assert {"field": field, "code": code} in [{"field": e["field"], "code": e["code"]} for e in body["errors"]]
    assert _events(tenant) == 0


def test_recurrence_end_on_the_start_date_in_the_organization_timezone_is_accepted(tenant):
    tenant.api.patch("platform/organization", {"timezone": "Asia/Almaty"})
    # 2026-03-01T20:00Z is 2026-03-02 01:00 in Almaty (UTC+5): the start date there is 2 March.
    created = _create(
        tenant.api,
        start_time="2026-03-01T20:00:00Z",
        end_time="2026-03-01T21:00:00Z",
        recurrence="DAILY",
        recurrence_end="2026-03-02",
    )
    assert created["recurrence_end"] == "2026-03-02"
    body = _problem(
        tenant.api.post(
            EVENTS,
            _body(
                start_time="2026-03-01T20:00:00Z",
                end_time="2026-03-01T21:00:00Z",
                recurrence="DAILY",
                recurrence_end="2026-03-01",
            ),
        ),
        422,
        "before_start",
    )
    assert body["errors"][0]["field"] == "recurrence_end"


def test_the_service_checks_its_rules_and_the_database_checks_end_after_start(tenant):
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    bad = CalendarEventInput(
        title="x",
        start_time=start,
        end_time=start.replace(hour=8),
        status="CANCELLED",
        reminders=[{"minutes_before": 50_000}, {"minutes_before": 5}, {"minutes_before": 5, "channel": "EMAIL"}],
        attendees=[uuid.uuid4()],
    )
    with tenant_context(tenant.organization, user=tenant.owner), pytest.raises(ValidationFailed) as exc:
        create_calendar_event(actor=tenant.owner, data=bad)
    assert {(e.field, e.code) for e in exc.value.errors} == {
        ("end_time", "end_before_start"),
        ("status", "invalid_choice"),
        ("reminders.0.minutes_before", "out_of_range"),
        ("reminders.2.minutes_before", "duplicate"),
        ("attendees", "not_a_member"),
    }
    with tenant_context(tenant.organization), pytest.raises(IntegrityError), transaction.atomic():
        CalendarEvent.objects.create(title="x", start_time=start, end_time=start.replace(hour=8))
    assert _events(tenant) == 0


def test_attendees_must_be_active_members_of_this_organization(tenant, other_tenant):
    inactive, _api = member_client(tenant)
    with tenant_context(tenant.organization):
        member_id = OrganizationMember.objects.get(user=inactive).pk
    tenant.api.patch(f"platform/members/{member_id}", {"is_active": False})
    for stranger in (other_tenant.owner.pk, inactive.pk, uuid.uuid4()):
        body = _problem(tenant.api.post(EVENTS, _body(attendees=[str(stranger)])), 422, "not_a_member")
        assert body["errors"][0]["field"] == "attendees" and str(stranger) in body["errors"][0]["message"]
    assert _events(tenant) == 0


def test_patch_checks_if_match_and_bumps_the_version(tenant):
    event = _create(tenant.api)
    path = f"{EVENTS}/{event['id']}"
    first = tenant.api.patch(path, {"title": "Retro", "location": "Room 2"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200, first.content
    assert first["ETag"] == '"2"' and first.json()["version"] == 2 and first.json()["title"] == "Retro"
    _problem(tenant.api.patch(path, {"title": "Stale"}, headers={"If-Match": '"1"'}), 412, "precondition_failed")
    _problem(tenant.api.patch(path, {"title": "Bad"}, headers={"If-Match": "yesterday"}), 422, "invalid_if_match")
    body = _problem(tenant.api.patch(path, {"end_time": "2026-03-01T00:00:00Z"}), 422, "end_before_start")
    assert body["errors"][0]["field"] == "end_time"
    _problem(tenant.api.patch(path, {"start_time": None}), 422, "required")
    after = tenant.api.get(path)
    assert (after.json()["title"], after.json()["version"], after["ETag"]) == ("Retro", 2, '"2"')
    with tenant_context(tenant.organization):
        audit = AuditLog.objects.filter(object_id=event["id"], action="UPDATE").get()
    assert audit.changes["title"] == ["Standup", "Retro"]


def test_patch_replaces_attendees_keeping_the_answers_of_those_who_stay(tenant):
    (a, a_api), (b, _b_api), (c, _c_api) = (member_client(tenant) for _ in range(3))
    event = _create(tenant.api, attendees=[str(a.pk), str(b.pk)])
    assert a_api.post(f"{EVENTS}/{event['id']}/respond", {"response": "ACCEPTED"}).status_code == 200
    patched = tenant.api.patch(f"{EVENTS}/{event['id']}", {"attendees": [str(a.pk), str(c.pk)]})
    assert patched.status_code == 200, patched.content
    assert {(x["user_id"], x["response"]) for x in patched.json()["attendees"]} == {
        (str(a.pk), "ACCEPTED"),
        (str(c.pk), "PENDING"),
    }
    with tenant_context(tenant.organization):
        assert not CalendarEventAttendee.objects.filter(user=b).exists()


def test_status_transitions_and_a_cancelled_event_is_read_only(tenant):
    event = _create(tenant.api, status="TENTATIVE")
    path = f"{EVENTS}/{event['id']}"
    for status in ("CONFIRMED", "TENTATIVE", "CANCELLED"):
        response = tenant.api.patch(path, {"status": status})
        assert response.status_code == 200 and response.json()["status"] == status
    body = _problem(tenant.api.patch(path, {"status": "CONFIRMED"}), 409, "invalid_transition")
    assert body["errors"][0]["field"] == "status"
    _problem(tenant.api.patch(path, {"title": "Revived"}), 409, "event_cancelled")
    _problem(tenant.api.patch(path, {"status": "WHATEVER"}), 422, "validation_error")
    assert tenant.api.get(path).json()["status"] == "CANCELLED"
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(object_id=event["id"], action="CANCEL").count() == 1


def test_only_the_organizer_changes_or_deletes_an_event(tenant):
    admin_attendee, admin_attendee_api = member_client(tenant, org_role="ADMIN")
    _admin, admin_api = member_client(tenant, org_role="ADMIN")
    event = _create(tenant.api, attendees=[str(admin_attendee.pk)])
    path = f"{EVENTS}/{event['id']}"
    _problem(admin_attendee_api.patch(path, {"title": "Mine"}), 403, "not_organizer")
    _problem(admin_attendee_api.delete(path), 403, "not_organizer")
    _problem(admin_api.patch(path, {"title": "Mine"}), 404, "not_found")
    _problem(admin_api.delete(path), 404, "not_found")
    assert tenant.api.get(path).json()["title"] == "Standup"


def test_permissions_are_required_per_action(tenant):
    employee, employee_api = member_client(tenant, org_role="EMPLOYEE")
    _investor, investor_api = member_client(tenant, org_role="INVESTOR")
    _manager, manager_api = member_client(tenant, org_role="MANAGER")
    _problem(investor_api.post(EVENTS, _body()), 403, "permission_denied")
    own = _create(manager_api)
    assert manager_api.patch(f"{EVENTS}/{own['id']}", {"title": "Sync"}).status_code == 200
    _problem(manager_api.delete(f"{EVENTS}/{own['id']}"), 403, "permission_denied")
    invited = _create(tenant.api, attendees=[str(employee.pk)])
    assert employee_api.get(f"{EVENTS}/{invited['id']}").status_code == 200
    assert employee_api.post(f"{EVENTS}/{invited['id']}/respond", {"response": "DECLINED"}).status_code == 200
    _problem(employee_api.patch(f"{EVENTS}/{invited['id']}", {"title": "x"}), 403, "not_organizer")
    scoped = tenant.api.post("identity/api-tokens", {"name": "ws", "scopes": ["platform.view_workspace"]})
    limited = ApiClient(scoped.json()["token"])
    for path in (EVENTS, f"{EVENTS}/{invited['id']}", "platform/calendar/ics"):
        _problem(limited.get(path), 403, "permission_denied")
    _problem(
        limited.get("platform/calendar/occurrences", start="2026-03-01T00:00:00Z", end="2026-03-05T00:00:00Z"),
        403,
        "permission_denied",
    )
    _problem(limited.post(f"{EVENTS}/{invited['id']}/respond", {"response": "ACCEPTED"}), 403, "permission_denied")
    assert _events(tenant) == 2


def test_users_see_only_events_they_organise_or_attend(tenant):
    attendee, attendee_api = member_client(tenant)
    _outsider, outsider_api = member_client(tenant, org_role="ADMIN")
    event = _create(tenant.api, attendees=[str(attendee.pk)])
    _create(tenant.api, title="Private")
    assert [e["title"] for e in attendee_api.get(EVENTS).json()["items"]] == ["Standup"]
    assert outsider_api.get(EVENTS).json()["items"] == []
    _problem(outsider_api.get(f"{EVENTS}/{event['id']}"), 404, "not_found")
    _problem(outsider_api.post(f"{EVENTS}/{event['id']}/respond", {"response": "ACCEPTED"}), 404, "not_found")
    assert sorted(e["title"] for e in tenant.api.get(EVENTS).json()["items"]) == ["Private", "Standup"]


def test_delete_is_soft_guarded_by_if_match_and_hides_the_event(tenant):
    event = _create(tenant.api)
    path = f"{EVENTS}/{event['id']}"
    _problem(tenant.api.delete(path, headers={"If-Match": '"7"'}), 412, "precondition_failed")
    assert tenant.api.delete(path, headers={"If-Match": '"1"'}).status_code == 204
    _problem(tenant.api.get(path), 404, "not_found")
    _problem(tenant.api.delete(path), 404, "not_found")
    assert tenant.api.get(EVENTS).json()["items"] == []
    with tenant_context(tenant.organization):
        row = CalendarEvent.objects.get(pk=event["id"])
        assert row.deleted_at is not None and row.deleted_by_id == tenant.owner.pk
        assert AuditLog.objects.filter(object_id=event["id"], action="DELETE").exists()


def test_attendees_answer_invitations(tenant):
    attendee, attendee_api = member_client(tenant)
    event = _create(tenant.api, attendees=[str(attendee.pk)])
    path = f"{EVENTS}/{event['id']}/respond"
    answered = attendee_api.post(path, {"response": "TENTATIVE"})
    assert answered.status_code == 200
    assert answered.json() == {"event_id": event["id"], "user_id": str(attendee.pk), "response": "TENTATIVE"}
    assert attendee_api.post(path, {"response": "ACCEPTED"}).json()["response"] == "ACCEPTED"
    assert tenant.api.get(f"{EVENTS}/{event['id']}").json()["attendees"][0]["response"] == "ACCEPTED"
    assert tenant.api.get(f"{EVENTS}/{event['id']}").json()["version"] == 1
    _problem(attendee_api.post(path, {"response": "PENDING"}), 422, "validation_error")
    _problem(attendee_api.post(path, {"response": "MAYBE"}), 422, "validation_error")
    _problem(tenant.api.post(path, {"response": "ACCEPTED"}), 403, "not_attendee")
    tenant.api.patch(f"{EVENTS}/{event['id']}", {"status": "CANCELLED"})
    _problem(attendee_api.post(path, {"response": "DECLINED"}), 409, "event_cancelled")
    with tenant_context(tenant.organization):
        assert CalendarEventAttendee.objects.get(user=attendee).response == "ACCEPTED"


def test_another_organization_gets_404_for_every_event_endpoint(tenant, other_tenant):
    event = _create(tenant.api)
    path = f"{EVENTS}/{event['id']}"
    _problem(other_tenant.api.get(path), 404, "not_found")
    _problem(other_tenant.api.patch(path, {"title": "Hijack"}), 404, "not_found")
    _problem(other_tenant.api.delete(path), 404, "not_found")
    _problem(other_tenant.api.post(f"{path}/respond", {"response": "ACCEPTED"}), 404, "not_found")
    assert other_tenant.api.get(EVENTS).json()["items"] == []
    assert "Standup" not in other_tenant.api.get("platform/calendar/ics").content.decode()
    window = {"start": "2026-03-01T00:00:00Z", "end": "2026-03-05T00:00:00Z"}
    assert other_tenant.api.get("platform/calendar/occurrences", **window).json()["items"] == []
    assert tenant.api.get(path).json()["title"] == "Standup"


def test_list_filters_ordering_and_constant_query_count(tenant):
    a, _api = member_client(tenant)
    b, _api = member_client(tenant)
    for day in range(1, 21):
        _create(
            tenant.api,
            title=f"Event {day:02d}",
            type="MEETING" if day % 2 else "TASK",
            start_time=f"2026-04-{day:02d}T09:00:00Z",
            end_time=f"2026-04-{day:02d}T10:00:00Z",
            attendees=[str(a.pk), str(b.pk)],
        )
    tenant.api.patch(f"{EVENTS}/{tenant.api.get(EVENTS).json()['items'][0]['id']}", {"status": "TENTATIVE"})

    def titles(**query):
        response = tenant.api.get(EVENTS, **query)
        assert response.status_code == 200, response.content
        return [e["title"] for e in response.json()["items"]]

    assert titles(limit=3) == ["Event 01", "Event 02", "Event 03"]
    assert titles(limit=2, ordering="-start_time") == ["Event 20", "Event 19"]
    assert titles(type="TASK", limit=2) == ["Event 02", "Event 04"]
    assert titles(status="TENTATIVE") == ["Event 01"]
    assert titles(starts_from="2026-04-19T00:00:00Z") == ["Event 19", "Event 20"]
    assert titles(starts_before="2026-04-02T00:00:00Z") == ["Event 01"]
    assert titles(search="event 1", limit=2) == ["Event 10", "Event 11"]
    _problem(tenant.api.get(EVENTS, ordering="location"), 422, "invalid_ordering")
    counts = []
    for limit in (2, 20):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get(EVENTS, limit=limit)
        assert len(response.json()["items"]) == limit
        assert all(len(e["attendees"]) == 2 for e in response.json()["items"])
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
