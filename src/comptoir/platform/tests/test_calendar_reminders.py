"""Event reminders: which fall due in a window, who receives them, and sending them once (also under two
concurrent runs, with real threads and connections)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection
from tests.support.api import make_tenant, member_client

from comptoir.platform.models import Notification, OrganizationMember
from comptoir.platform.services.calendar import due_reminders, send_due_reminders
from comptoir.platform.tenancy import tenant_context

EVENTS = "platform/calendar/events"
START = datetime(2026, 3, 2, 10, tzinfo=UTC)


def _create(api, **kw) -> dict:
    body = {
        "title": "Standup",
        "start_time": START.isoformat(),
        "end_time": (START + timedelta(minutes=30)).isoformat(),
        "reminders": [{"minutes_before": 15}],
        **kw,
    }
    response = api.post(EVENTS, body)
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def invited(tenant):
    """The owner's 10:00 meeting with three attendees: one accepted, one declined, one not answered yet."""
    people = [member_client(tenant) for _ in range(3)]
    event = _create(tenant.api, attendees=[str(user.pk) for user, _api in people])
    (accepted, accepted_api), (declined, declined_api), (pending, _api) = people
    accepted_api.post(f"{EVENTS}/{event['id']}/respond", {"response": "ACCEPTED"})
    declined_api.post(f"{EVENTS}/{event['id']}/respond", {"response": "DECLINED"})
    return event, accepted, declined, pending


def _due(tenant, now, window=timedelta(minutes=5)):
    with tenant_context(tenant.organization):
        return [
            (str(d.event.pk), d.occurrence_start, d.user.pk, d.reminder["minutes_before"])
            for d in due_reminders(now, window)
        ]


def _send(tenant, now, window=timedelta(minutes=15)):
    with tenant_context(tenant.organization):
        return send_due_reminders(now=now, window=window)


def test_a_reminder_is_due_when_its_time_falls_in_the_window(tenant, invited):
    event, accepted, _declined, pending = invited
    remind_at = START - timedelta(minutes=15)
    expected = {(event["id"], START, user.pk, 15) for user in (tenant.owner, accepted, pending)}
    assert set(_due(tenant, remind_at)) == expected
    assert set(_due(tenant, remind_at + timedelta(minutes=4, seconds=59))) == expected
    assert _due(tenant, remind_at - timedelta(seconds=1)) == []
    assert _due(tenant, remind_at + timedelta(minutes=5)) == []
    assert set(_due(tenant, remind_at + timedelta(minutes=5), window=timedelta(minutes=10))) == expected


def test_recurring_events_remind_for_each_occurrence_until_the_series_ends(tenant):
    event = _create(tenant.api, recurrence="DAILY", recurrence_end="2026-03-04", reminders=[{"minutes_before": 60}])
    day3 = START + timedelta(days=2)
    assert _due(tenant, day3 - timedelta(minutes=60)) == [(event["id"], day3, tenant.owner.pk, 60)]
    assert _due(tenant, day3 + timedelta(days=1) - timedelta(minutes=60)) == []


def test_cancelled_deleted_and_reminderless_events_remind_nobody(tenant):
    cancelled = _create(tenant.api, title="Cancelled")
    tenant.api.patch(f"{EVENTS}/{cancelled['id']}", {"status": "CANCELLED"})
    deleted = _create(tenant.api, title="Deleted")
    tenant.api.delete(f"{EVENTS}/{deleted['id']}")
    _create(tenant.api, title="Silent", reminders=[])
    assert _due(tenant, START - timedelta(minutes=15)) == []


def test_members_who_left_get_no_reminder(tenant, invited):
    event, accepted, _declined, pending = invited
    with tenant_context(tenant.organization):
        member_id = OrganizationMember.objects.get(user=pending).pk
    tenant.api.patch(f"platform/members/{member_id}", {"is_active": False})
    assert {d[2] for d in _due(tenant, START - timedelta(minutes=15))} == {tenant.owner.pk, accepted.pk}


def test_sending_creates_one_notification_per_recipient_and_occurrence_once(tenant, invited):
    event, accepted, _declined, _pending = invited
    now = START - timedelta(minutes=14)
    sent = _send(tenant, now)
    assert len(sent) == 3
    note = next(n for n in sent if n.user_id == accepted.pk)
    assert (note.title, note.category, note.channel, note.type) == ("Reminder: Standup", "calendar", "IN_APP", "INFO")
    assert note.message == "Standup starts 2026-03-02 10:00 (UTC)"
    assert note.data == {
        "kind": "calendar_reminder",
        "event_id": event["id"],
        "occurrence_start": START.isoformat(),
        "minutes_before": 15,
        "reminder_key": f"{event['id']}|{START.isoformat()}|{accepted.pk}|15",
    }
    assert _send(tenant, now) == []
    assert _send(tenant, now + timedelta(minutes=3)) == []
    with tenant_context(tenant.organization):
        assert Notification.objects.count() == 3


def test_each_occurrence_of_a_series_is_reminded_separately(tenant):
    _create(tenant.api, recurrence="DAILY")
    assert len(_send(tenant, START - timedelta(minutes=10))) == 1
    assert _send(tenant, START - timedelta(minutes=5)) == []
    second = _send(tenant, START + timedelta(days=1, minutes=-10))
    assert [n.data["occurrence_start"] for n in second] == [(START + timedelta(days=1)).isoformat()]


def test_email_reminders_are_mailed_after_commit(tenant, django_capture_on_commit_callbacks):
    _create(tenant.api, location="Room 4", reminders=[{"minutes_before": 60, "channel": "EMAIL"}])
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(tenant, START - timedelta(minutes=55))
    assert [n.channel for n in sent] == ["EMAIL"]
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        ([tenant.owner.email], "Reminder: Standup", "Standup starts 2026-03-02 10:00 (UTC) at Room 4")
    ]


def test_reminders_stay_inside_their_organization(tenant, other_tenant):
    _create(other_tenant.api, title="Theirs")
    assert _send(tenant, START - timedelta(minutes=10)) == []
    with tenant_context(tenant.organization):
        assert Notification.objects.count() == 0
    assert [n.title for n in _send(other_tenant, START - timedelta(minutes=10))] == ["Reminder: Theirs"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_each_reminder_once():
    tenant = make_tenant()
    attendee, _api = member_client(tenant)
    _create(tenant.api, attendees=[str(attendee.pk)])
    barrier = threading.Barrier(4)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(len(_send(tenant, START - timedelta(minutes=10))))
        except Exception as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [0, 0, 0, 2]
    with tenant_context(tenant.organization):
        assert Notification.objects.count() == 2
