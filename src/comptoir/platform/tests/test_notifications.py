"""Notifications: notify() rules, the EMAIL channel after commit, and the caller-only inbox API."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from tests.support.api import ApiClient, join, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import Notification, OrganizationMember
from comptoir.platform.services.notifications import notify, purge_read_notifications
from comptoir.platform.tenancy import tenant_context


def _notify(tenant, user, title="Hello", **kw):
    with tenant_context(tenant.organization):
        return notify(user=user, title=title, **kw)


def _count(tenant, **filters) -> int:
    with tenant_context(tenant.organization):
        return Notification.objects.filter(**filters).count()


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


def test_notify_creates_an_in_app_notification_the_user_lists(tenant):
    note = _notify(
        tenant,
        tenant.owner,
        title=" Invoice overdue ",
        message="INV-1 is 3 days late",
        type="WARNING",
        category="invoice",
        data={"link": "/invoices/1"},
    )
    items = tenant.api.get("platform/notifications").json()["items"]
    assert items == [
        {
            "id": str(note.pk),
            "type": "WARNING",
            "category": "invoice",
            "title": "Invoice overdue",
            "message": "INV-1 is 3 days late",
            "data": {"link": "/invoices/1"},
            "channel": "IN_APP",
            "is_read": False,
            "read_at": None,
            "created_at": items[0]["created_at"],
        }
    ]
    assert tenant.api.get("platform/notifications/unread-count").json() == {"count": 1}
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"title": "  "}, "title", "required"),
        ({"title": "x" * 256}, "title", "max_length"),
        ({"category": "c" * 51}, "category", "max_length"),
        ({"type": "PANIC"}, "type", "invalid_choice"),
        ({"channel": "PIGEON"}, "channel", "invalid_choice"),
        ({"data": ["not", "an", "object"]}, "data", "invalid_type"),
    ],
)
def test_notify_refuses_bad_input_and_writes_nothing(tenant, kwargs, field, code):
    kwargs = {"title": "Hello", **kwargs}
    with pytest.raises(ValidationFailed) as exc:
        _notify(tenant, tenant.owner, **kwargs)
    assert (exc.value.errors[0].field, exc.value.errors[0].code) == (field, code)
    assert _count(tenant) == 0


def test_notify_refuses_a_user_of_another_organization_or_an_inactive_member(tenant, other_tenant):
    with pytest.raises(ValidationFailed) as exc:
        _notify(tenant, other_tenant.owner)
    assert exc.value.errors[0].as_dict() == {
        "field": "user",
        "code": "not_a_member",
        "message": "The user is not an active member of this organization",
    }
    user, _client = member_client(tenant)
    with tenant_context(tenant.organization):
        member_id = OrganizationMember.objects.get(user=user).pk
    assert tenant.api.patch(f"platform/members/{member_id}", {"is_active": False}).status_code == 200
    with pytest.raises(ValidationFailed):
        _notify(tenant, user)
    assert _count(tenant) == 0


def test_email_channel_sends_the_message_after_commit_only(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify(tenant, tenant.owner, title="Payslip ready", message="Your March payslip", channel="EMAIL")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tenant.owner.email]
    assert (mail.outbox[0].subject, mail.outbox[0].body) == ("Payslip ready", "Your March payslip")

    with (
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(tenant.organization),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=tenant.owner, title="Rolled back", channel="EMAIL")
        raise RuntimeError("the business transaction fails")
    assert len(mail.outbox) == 1
    assert _count(tenant, title="Rolled back") == 0

    with django_capture_on_commit_callbacks(execute=True):
        _notify(tenant, tenant.owner, title="In the app only")
    assert len(mail.outbox) == 1


def test_the_inbox_lists_only_the_callers_own_newest_first_with_filters(tenant):
    employee, employee_api = member_client(tenant)
    first = _notify(tenant, employee, title="First", category="task", type="INFO")
    _notify(tenant, tenant.owner, title="Owner's")
    second = _notify(tenant, employee, title="Second", category="deal", type="SUCCESS")
    third = _notify(tenant, employee, title="Third", category="task", type="ERROR")
    employee_api.post(f"platform/notifications/{second.pk}/read")

    def titles(**query):
        response = employee_api.get("platform/notifications", **query)
        assert response.status_code == 200, response.content
        return [n["title"] for n in response.json()["items"]]

    assert titles() == ["Third", "Second", "First"]
    assert titles(ordering="created_at") == ["First", "Second", "Third"]
    assert titles(is_read="false") == ["Third", "First"]
    assert titles(is_read="true") == ["Second"]
    assert titles(category="task") == ["Third", "First"]
    assert titles(type="ERROR") == ["Third"]
    _problem(employee_api.get("platform/notifications", type="PANIC"), 422, "validation_error")
    _problem(employee_api.get("platform/notifications", ordering="title"), 422, "invalid_ordering")

    page = employee_api.get("platform/notifications", limit=2).json()
    assert [n["id"] for n in page["items"]] == [str(third.pk), str(second.pk)]
    rest = employee_api.get("platform/notifications", limit=2, cursor=page["next_cursor"]).json()
    assert [n["id"] for n in rest["items"]] == [str(first.pk)] and rest["next_cursor"] is None
    assert employee_api.get("platform/notifications/unread-count").json() == {"count": 2}
    assert tenant.api.get("platform/notifications/unread-count").json() == {"count": 1}


def test_list_query_count_does_not_grow_with_page_size(tenant):
    for i in range(25):
        _notify(tenant, tenant.owner, title=f"N{i}")
    counts = []
    for limit in (2, 25):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("platform/notifications", limit=limit)
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_reading_sets_read_at_once_and_is_one_way(tenant):
    note = _notify(tenant, tenant.owner)
    first = tenant.api.post(f"platform/notifications/{note.pk}/read")
    assert first.status_code == 200
    assert first.json()["is_read"] is True and first.json()["read_at"] is not None
    again = tenant.api.post(f"platform/notifications/{note.pk}/read")
    assert again.json()["read_at"] == first.json()["read_at"]
    assert tenant.api.get("platform/notifications/unread-count").json() == {"count": 0}
    with tenant_context(tenant.organization):
        stored = Notification.objects.get(pk=note.pk)
    assert stored.is_read and stored.read_at.isoformat().startswith(first.json()["read_at"][:19])


def test_read_all_is_one_update_of_the_callers_unread_only(tenant):
    employee, employee_api = member_client(tenant)
    for i in range(3):
        _notify(tenant, tenant.owner, title=f"Mine {i}", category="task" if i else "deal")
    already = _notify(tenant, tenant.owner, title="Read before")
    tenant.api.post(f"platform/notifications/{already.pk}/read")
    read_at_before = tenant.api.get("platform/notifications", is_read="true").json()["items"][0]["read_at"]
    _notify(tenant, employee, title="Not mine")

    assert tenant.api.post("platform/notifications/read-all?category=deal").json() == {"updated": 1}
    with CaptureStatements(connection) as ctx:
        response = tenant.api.post("platform/notifications/read-all")
    assert response.json() == {"updated": 2}
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "platform_notification"')]
    assert len(updates) == 1
    assert tenant.api.post("platform/notifications/read-all").json() == {"updated": 0}
    assert tenant.api.get("platform/notifications/unread-count").json() == {"count": 0}
    assert employee_api.get("platform/notifications/unread-count").json() == {"count": 1}
    read_before = [n for n in tenant.api.get("platform/notifications").json()["items"] if n["title"] == "Read before"]
    assert read_before[0]["read_at"] == read_at_before


def test_delete_own_notification(tenant):
    note = _notify(tenant, tenant.owner)
    assert tenant.api.delete(f"platform/notifications/{note.pk}").status_code == 204
    assert _count(tenant) == 0
    _problem(tenant.api.delete(f"platform/notifications/{note.pk}"), 404, "not_found")


def test_another_users_notification_is_not_found_and_untouched(tenant):
    _employee, employee_api = member_client(tenant)
    note = _notify(tenant, tenant.owner)
    _problem(employee_api.post(f"platform/notifications/{note.pk}/read"), 404, "not_found")
    _problem(employee_api.delete(f"platform/notifications/{note.pk}"), 404, "not_found")
    assert employee_api.get("platform/notifications").json()["items"] == []
    assert employee_api.post("platform/notifications/read-all").json() == {"updated": 0}
    assert _count(tenant, pk=note.pk, is_read=False) == 1


def test_another_organizations_notification_is_not_found_even_for_the_same_user(tenant, other_tenant):
    user, employee_api = member_client(tenant)
    join(other_tenant, user)
    in_b = _notify(other_tenant, user, title="From B")
    in_a = _notify(tenant, user, title="From A")
    as_a = ApiClient(employee_api.token, organization=tenant.code)
    as_b = ApiClient(employee_api.token, organization=other_tenant.code)
    assert [n["title"] for n in as_a.get("platform/notifications").json()["items"]] == ["From A"]
    assert as_a.get("platform/notifications/unread-count").json() == {"count": 1}
    _problem(as_a.post(f"platform/notifications/{in_b.pk}/read"), 404, "not_found")
    _problem(as_a.delete(f"platform/notifications/{in_b.pk}"), 404, "not_found")
    _problem(other_tenant.api.post(f"platform/notifications/{in_a.pk}/read"), 404, "not_found")
    assert as_a.post("platform/notifications/read-all").json() == {"updated": 1}
    assert [n["is_read"] for n in as_b.get("platform/notifications").json()["items"]] == [False]
    assert _count(other_tenant, pk=in_b.pk, is_read=False) == 1


def test_inbox_needs_authentication(client, db):
    _problem(client.get("/api/v1/platform/notifications"), 401, "not_authenticated")
    _problem(client.post("/api/v1/platform/notifications/read-all"), 401, "not_authenticated")


def test_purge_deletes_only_notifications_read_long_enough_ago(tenant):
    old = _notify(tenant, tenant.owner, title="Old")
    recent = _notify(tenant, tenant.owner, title="Recent")
    unread = _notify(tenant, tenant.owner, title="Unread")
    now = timezone.now()
    with tenant_context(tenant.organization):
        Notification.objects.filter(pk=old.pk).update(is_read=True, read_at=now - timedelta(days=40))
        Notification.objects.filter(pk=recent.pk).update(is_read=True, read_at=now - timedelta(days=2))
        assert purge_read_notifications(older_than=timedelta(days=30), now=now) == 1
        assert set(Notification.objects.values_list("pk", flat=True)) == {recent.pk, unread.pk}
