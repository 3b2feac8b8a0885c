"""Webhook subscriptions API: CRUD, validation, the secret shown once and stored encrypted, permissions,
tenant isolation, list filters and constant query counts."""

import json

import pytest
from django.db import connection
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform import crypto
from comptoir.platform.models import AuditLog, IntegrationEvent, WebhookDelivery, WebhookSubscription
from comptoir.platform.services.events import emit_event
from comptoir.platform.tenancy import tenant_context

URL = "https://hooks.example.com/comptoir"


def _problem(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body


def _subscriptions(tenant) -> list[WebhookSubscription]:
    with tenant_context(tenant.organization):
        return list(WebhookSubscription.unscoped.filter(organization=tenant.organization))


def _create(tenant, **fields):
    body = {"url": URL, "event_types": ["accounting.journal_entry.*"], **fields}
    response = tenant.api.post("platform/webhooks", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_generated_secret_is_shown_once_and_stored_encrypted(tenant):
    created = _create(tenant, description="ERP sync")
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 40
    assert (created["url"], created["event_types"], created["is_active"]) == (URL, ["accounting.journal_entry.*"], True)

    (row,) = _subscriptions(tenant)
    assert secret not in row.encrypted_secret
    assert crypto.decrypt(row.encrypted_secret) == secret

    hook = created["id"]
    answers = [
        tenant.api.get(f"platform/webhooks/{hook}"),
        tenant.api.get("platform/webhooks"),
        tenant.api.patch(f"platform/webhooks/{hook}", {"description": "renamed"}),
        tenant.api.patch(f"platform/webhooks/{hook}", {"secret": "a-brand-new-secret-value"}),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.content
        text = answer.content.decode()
        assert '"secret"' not in text and secret not in text and "a-brand-new-secret-value" not in text
    (row,) = _subscriptions(tenant)
    assert crypto.decrypt(row.encrypted_secret) == "a-brand-new-secret-value"
    with tenant_context(tenant.organization):
        audit = AuditLog.objects.filter(object_id=row.pk).order_by("timestamp")
        assert [a.action for a in audit] == ["CREATE", "UPDATE", "UPDATE"]
        assert all(secret not in json.dumps([a.old_values, a.new_values]) for a in audit)


def test_secret_given_by_the_caller_is_kept(tenant):
    created = _create(tenant, secret="my-own-shared-secret-1234")
    assert created["secret"] == "my-own-shared-secret-1234"
    (row,) = _subscriptions(tenant)
    assert crypto.decrypt(row.encrypted_secret) == "my-own-shared-secret-1234"


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"url": "ftp://files.example.com/x"}, 422, "invalid_url", "url"),
        ({"url": "not a url"}, 422, "invalid_url", "url"),
        ({"url": "http://hooks.example.com/x"}, 422, "insecure_url", "url"),
        ({"event_types": []}, 422, "required", "event_types"),
        ({"event_types": ["accounting.*", "Invoice Posted"]}, 422, "invalid_event_type", "event_types.1"),
        ({"event_types": ["invoice"]}, 422, "invalid_event_type", "event_types.0"),
        ({"event_types": ["invoice.*.line"]}, 422, "invalid_event_type", "event_types.0"),
        ({"event_types": ["invoice.posted"]}, 422, "unknown_event_type", "event_types.0"),
        ({"event_types": ["accounting.journal_entry.voided"]}, 422, "unknown_event_type", "event_types.0"),
        ({"event_types": ["accounting.bank.*"]}, 422, "unknown_event_type", "event_types.0"),
        ({"secret": "short"}, 422, "weak_secret", "secret"),
        ({"colour": "red"}, 422, "validation_error", "colour"),
        ({"event_types": "accounting.journal_entry.*"}, 422, "validation_error", "event_types"),
    ],
)
def test_invalid_subscriptions_are_refused_and_nothing_is_written(tenant, body, status, code, field):
    _problem(
        tenant.api.post("platform/webhooks", {"url": URL, "event_types": ["accounting.*"], **body}),
        status,
        code,
        field,
    )
    assert _subscriptions(tenant) == []


def test_plain_http_only_to_localhost_or_in_debug(tenant, settings):
    assert _create(tenant, url="http://127.0.0.1:8080/hook")["url"] == "http://127.0.0.1:8080/hook"
    assert _create(tenant, url="http://localhost/hook")["url"] == "http://localhost/hook"
    _problem(
        tenant.api.post("platform/webhooks", {"url": "http://10.0.0.5/h", "event_types": ["*"]}), 422, "insecure_url"
    )
    settings.DEBUG = True
    assert _create(tenant, url="http://10.0.0.5/h", event_types=["*"])["url"] == "http://10.0.0.5/h"


def test_patterns_are_normalised_and_exact_types_prefixes_and_star_accepted(tenant):
    created = _create(
        tenant,
        event_types=[
            "accounting.journal_entry.cancelled",
            "accounting.journal_entry.*",
            "*",
            "accounting.journal_entry.*",
        ],
    )
    assert created["event_types"] == ["*", "accounting.journal_entry.*", "accounting.journal_entry.cancelled"]


def test_update_pause_resume_and_refusals(tenant):
    hook = _create(tenant)["id"]
    with tenant_context(tenant.organization):
        WebhookSubscription.objects.filter(pk=hook).update(consecutive_failures=3)
    paused = tenant.api.patch(
        f"platform/webhooks/{hook}", {"is_active": False, "event_types": ["accounting.journal_entry.cancelled"]}
    )
    assert (paused.json()["is_active"], paused.json()["event_types"]) == (False, ["accounting.journal_entry.cancelled"])
    assert paused.json()["consecutive_failures"] == 3
    resumed = tenant.api.patch(f"platform/webhooks/{hook}", {"is_active": True})
    assert (resumed.json()["is_active"], resumed.json()["consecutive_failures"]) == (True, 0)

    _problem(tenant.api.patch(f"platform/webhooks/{hook}", {"url": None}), 422, "required", "url")
    _problem(tenant.api.patch(f"platform/webhooks/{hook}", {"event_types": []}), 422, "required", "event_types")
    _problem(tenant.api.patch(f"platform/webhooks/{hook}", {"url": "http://evil.example/x"}), 422, "insecure_url")
    _problem(tenant.api.patch(f"platform/webhooks/{hook}", {"secret": "tiny"}), 422, "weak_secret", "secret")
    (row,) = _subscriptions(tenant)
    assert (row.url, row.event_types) == (URL, ["accounting.journal_entry.cancelled"])


def test_delete_is_soft_and_hides_the_webhook(tenant):
    hook = _create(tenant)["id"]
    assert tenant.api.delete(f"platform/webhooks/{hook}").status_code == 204
    _problem(tenant.api.get(f"platform/webhooks/{hook}"), 404, "not_found")
    _problem(tenant.api.delete(f"platform/webhooks/{hook}"), 404, "not_found")
    _problem(tenant.api.patch(f"platform/webhooks/{hook}", {"is_active": True}), 404, "not_found")
    assert tenant.api.get("platform/webhooks").json()["items"] == []
    (row,) = _subscriptions(tenant)
    assert row.deleted_at is not None and row.is_active is False


def test_member_without_permission_gets_403_and_nothing_changes(tenant):
    hook = _create(tenant)["id"]
    with tenant_context(tenant.organization):
        event = emit_event(event_type="accounting.journal_entry.posted", payload={})
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    _problem(employee.post("platform/webhooks", {"url": URL, "event_types": ["*"]}), 403, "permission_denied")
    _problem(employee.patch(f"platform/webhooks/{hook}", {"is_active": False}), 403, "permission_denied")
    _problem(employee.delete(f"platform/webhooks/{hook}"), 403, "permission_denied")
    _problem(employee.post(f"platform/webhooks/events/{event.pk}/redeliver"), 403, "permission_denied")
    (row,) = _subscriptions(tenant)
    assert (row.is_active, row.deleted_at) == (True, None)

    token = tenant.api.post("identity/api-tokens", {"name": "ws", "scopes": ["platform.view_workspace"]}).json()
    narrow = ApiClient(token["token"])
    for path in (
        "platform/webhooks",
        f"platform/webhooks/{hook}",
        "platform/webhooks/events",
        f"platform/webhooks/events/{event.pk}",
        f"platform/webhooks/{hook}/deliveries",
    ):
        _problem(narrow.get(path), 403, "permission_denied")


def test_other_organization_gets_404_and_sees_nothing(tenant, other_tenant):
    hook = _create(tenant)["id"]
    _create(other_tenant, event_types=["accounting.journal_entry.*"])
    with tenant_context(tenant.organization):
        event = emit_event(event_type="accounting.journal_entry.posted", payload={"n": 1})
    spy = other_tenant.api
    _problem(spy.get(f"platform/webhooks/{hook}"), 404, "not_found")
    _problem(spy.patch(f"platform/webhooks/{hook}", {"is_active": False}), 404, "not_found")
    _problem(spy.delete(f"platform/webhooks/{hook}"), 404, "not_found")
    _problem(spy.get(f"platform/webhooks/{hook}/deliveries"), 404, "not_found")
    _problem(spy.get(f"platform/webhooks/events/{event.pk}"), 404, "not_found")
    _problem(spy.post(f"platform/webhooks/events/{event.pk}/redeliver"), 404, "not_found")
    assert hook not in [w["id"] for w in spy.get("platform/webhooks").json()["items"]]
    assert spy.get("platform/webhooks/events").json()["items"] == []
    (row,) = _subscriptions(tenant)
    assert row.is_active and row.deleted_at is None
    with tenant_context(other_tenant.organization):
        assert not WebhookDelivery.objects.exists()  # B's subscription did not get A's event


def test_list_filters(tenant):
    _create(tenant, url="https://a.example.com/h", event_types=["accounting.journal_entry.*"], description="accounting")
    _create(tenant, url="https://b.example.com/h", event_types=["accounting.journal_entry.cancelled"], is_active=False)
    names = lambda **q: sorted(w["url"] for w in tenant.api.get("platform/webhooks", **q).json()["items"])  # noqa: E731
    assert names(is_active="true") == ["https://a.example.com/h"]
    assert names(is_active="false") == ["https://b.example.com/h"]
    assert names(event_type="accounting.journal_entry.cancelled") == ["https://b.example.com/h"]
    assert names(search="accounting") == ["https://a.example.com/h"]
    _problem(tenant.api.get("platform/webhooks", ordering="encrypted_secret"), 422, "invalid_ordering")


def test_event_and_delivery_lists_filter_and_redeliver_refuses_unfailed_events(tenant):
    hook = _create(tenant, event_types=["*"])["id"]
    with tenant_context(tenant.organization):
        posted = emit_event(event_type="accounting.journal_entry.posted", payload={"number": "INV-1"})
        emit_event(event_type="accounting.journal_entry.reversed", payload={})
        emit_event(event_type="accounting.journal_entry.cancelled", payload={})
    types = lambda path, **q: sorted(i["event_type"] for i in tenant.api.get(path, **q).json()["items"])  # noqa: E731
    every = sorted(f"accounting.journal_entry.{t}" for t in ("posted", "reversed", "cancelled"))
    assert types("platform/webhooks/events") == every
    assert types("platform/webhooks/events", event_type="accounting.journal_entry.*") == every
    assert types("platform/webhooks/events", event_type="accounting.*") == every
    posted_type = "accounting.journal_entry.posted"
    assert types("platform/webhooks/events", event_type=posted_type) == [posted_type]
    assert types("platform/webhooks/events", status="PENDING") == every
    assert types("platform/webhooks/events", status="FAILED") == []
    _problem(tenant.api.get("platform/webhooks/events", status="LOST"), 422, "validation_error", "status")

    deliveries = f"platform/webhooks/{hook}/deliveries"
    assert types(deliveries) == every
    cancelled = "accounting.journal_entry.cancelled"
    assert types(deliveries, event_type=cancelled) == [cancelled]
    assert types(deliveries, event_id=str(posted.pk)) == ["accounting.journal_entry.posted"]
    assert types(deliveries, status="SUCCESS") == []
    detail = tenant.api.get(f"platform/webhooks/events/{posted.pk}").json()
    assert (detail["status"], detail["payload"], detail["attempts"]) == ("PENDING", {"number": "INV-1"}, 0)

    body = _problem(tenant.api.post(f"platform/webhooks/events/{posted.pk}/redeliver"), 409, "invalid_transition")
    assert "PENDING" in body["detail"]
    with tenant_context(tenant.organization):
        assert IntegrationEvent.objects.get(pk=posted.pk).status == "PENDING"
        assert WebhookDelivery.objects.filter(event=posted).count() == 1


def test_list_query_counts_do_not_grow_with_page_size(tenant):
    for i in range(12):
        _create(tenant, url=f"https://h{i}.example.com/x", event_types=["*"])
    hook = _create(tenant, url="https://last.example.com/x", event_types=["accounting.journal_entry.*"])["id"]
    with tenant_context(tenant.organization):
        for i in range(12):
            emit_event(event_type="accounting.journal_entry.posted", payload={"i": i})
    for path in ("platform/webhooks", "platform/webhooks/events", f"platform/webhooks/{hook}/deliveries"):
        counts = []
        for limit in (2, 12):
            with CaptureStatements(connection) as ctx:
                response = tenant.api.get(path, limit=limit)
            assert len(response.json()["items"]) == limit, path
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], (path, counts)
