"""emit_event: the outbox. The event and its delivery jobs are written in the caller's transaction."""

import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import IntegrationEvent, WebhookDelivery, Workspace
from comptoir.platform.modules import registry
from comptoir.platform.services.events import UndeclaredEvent, emit_event, events_in_one_statement
from comptoir.platform.services.webhooks import WebhookInput, create_webhook_subscription, patterns_matching
from comptoir.platform.tenancy import NoTenantError, tenant_context


class Boom(Exception):
    pass


def _jobs() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, queue_name, args::text, status FROM procrastinate_jobs ORDER BY id")
        return [(task, queue, json.loads(args), status) for task, queue, args, status in cursor.fetchall()]


def _subscribe(tenant, *patterns, url="https://hooks.example.com/x", active=True):
    with tenant_context(tenant.organization):
        sub, _secret = create_webhook_subscription(
            actor=tenant.owner, data=WebhookInput(url=url, event_types=list(patterns), is_active=active)
        )
    return sub


@pytest.fixture
def no_jobs(transactional_db):
    """procrastinate's tables are not flushed between transactional tests: start and end with none."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")
    yield
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_leaves_neither_event_nor_job(tenant, no_jobs):
    sub = _subscribe(tenant, "accounting.journal_entry.*")
    with tenant_context(tenant.organization):
        with pytest.raises(Boom), transaction.atomic():
            emit_event(event_type="accounting.journal_entry.posted", payload={"number": "INV-1"})
            assert len(_jobs()) == 1  # visible inside the transaction...
            raise Boom
        with transaction.atomic():  # ...and in a savepoint the caller rolls back while its transaction commits
            with pytest.raises(Boom), transaction.atomic():
                emit_event(event_type="accounting.journal_entry.posted", payload={"number": "INV-2"})
                raise Boom
            Workspace.objects.create(name="Committed")
        assert not IntegrationEvent.objects.exists()
        assert not WebhookDelivery.objects.exists()
        assert Workspace.objects.filter(name="Committed").exists()
    assert _jobs() == []

    with tenant_context(tenant.organization):
        event = emit_event(event_type="accounting.journal_entry.posted", payload={"number": "INV-3"})
        (delivery,) = WebhookDelivery.objects.all()
    assert (event.status, delivery.status, delivery.attempt, delivery.subscription_id) == (
        "PENDING",
        "PENDING",
        1,
        sub.pk,
    )
    assert _jobs() == [
        (
            "platform.deliver_webhook",
            "webhooks",
            {"organization_id": str(tenant.organization.pk), "delivery_id": str(delivery.pk)},
            "todo",
        )
    ]


def test_one_job_per_matching_active_subscription(tenant):
    exact = _subscribe(tenant, "accounting.journal_entry.posted")
    prefix = _subscribe(tenant, "accounting.journal_entry.*")
    star = _subscribe(tenant, "*")
    _subscribe(tenant, "accounting.journal_entry.reversed", "accounting.journal_entry.cancelled")
    _subscribe(tenant, "accounting.journal_entry.*", active=False)
    with tenant_context(tenant.organization):
        event = emit_event(event_type="accounting.journal_entry.posted", payload={})
        targets = set(WebhookDelivery.objects.filter(event=event).values_list("subscription_id", flat=True))
    assert targets == {exact.pk, prefix.pk, star.pk}
    assert len(_jobs()) == 3


def test_deep_types_match_every_prefix():
    assert patterns_matching("sales.order.confirmed") == [
        "sales.order.confirmed",
        "*",
        "sales.*",
        "sales.order.*",
    ]


def test_event_without_subscribers_is_settled_and_enqueues_nothing(tenant):
    _subscribe(tenant, "accounting.journal_entry.cancelled")
    with tenant_context(tenant.organization):
        event = emit_event(event_type="accounting.journal_entry.posted", payload={"a": 1})
    assert (event.status, event.attempts) == ("SUCCESS", 0)
    assert event.processed_at is not None
    assert _jobs() == []


def test_payload_is_made_json_safe_and_source_and_author_recorded(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        source = Workspace.objects.get(is_default=True)
        ref = uuid.uuid4()
        event = emit_event(
            event_type="accounting.journal_entry.posted",
            payload={"total": Decimal("12.50"), "ref": ref, "date": datetime.date(2026, 1, 31)},
            source=source,
        )
        stored = IntegrationEvent.objects.get(pk=event.pk)
    assert stored.payload == {"total": "12.50", "ref": str(ref), "date": "2026-01-31"}
    assert (stored.source_object_type, stored.source_object_id) == ("platform.workspace", source.pk)
    assert stored.created_by_id == tenant.owner.pk
    assert stored.max_attempts == 5


@pytest.mark.parametrize(
    "event_type", ["Invoice.Posted", "invoice", "accounting.journal_entry.*", "accounting.journal_entry.voided"]
)
def test_an_undeclared_event_type_is_an_error_and_nothing_written(tenant, event_type):
    """Only the event types the module specs declare can be emitted."""
    _subscribe(tenant, "*")
    with tenant_context(tenant.organization):
        with pytest.raises(UndeclaredEvent):
            emit_event(event_type=event_type, payload={})
        assert not IntegrationEvent.objects.exists()
    assert _jobs() == []


def test_a_payload_that_is_not_an_object_is_refused_and_nothing_written(tenant):
    _subscribe(tenant, "*")
    with tenant_context(tenant.organization):
        with pytest.raises(ValidationFailed) as caught:
            emit_event(event_type="accounting.journal_entry.posted", payload=["not", "an", "object"])
        assert caught.value.errors[0].field == "payload"
        assert not IntegrationEvent.objects.exists()
    assert _jobs() == []


def test_the_accounting_module_declares_its_journal_entry_events():
    assert {
        "accounting.journal_entry.posted",
        "accounting.journal_entry.reversed",
        "accounting.journal_entry.cancelled",
    } <= registry().events


def test_an_event_needs_an_organization(db):
    with pytest.raises(NoTenantError):
        emit_event(event_type="accounting.journal_entry.posted", payload={})


@pytest.mark.django_db(transaction=True)
def test_events_in_one_statement_are_written_together_with_their_jobs_or_not_at_all(tenant, no_jobs):
    from tests.support.queries import CaptureStatements

    prefix = _subscribe(tenant, "accounting.journal_entry.*")
    star = _subscribe(tenant, "accounting.journal_entry.reversed")
    with tenant_context(tenant.organization), transaction.atomic():
        with CaptureStatements(connection) as log, events_in_one_statement():
            posted = emit_event(event_type="accounting.journal_entry.posted", payload={"n": Decimal("1.50")})
            with events_in_one_statement():  # nested: written with the outermost
                reversed_ = emit_event(event_type="accounting.journal_entry.reversed", payload={"n": 2})
            created = emit_event(event_type="invoicing.invoice.created", payload={})
            assert log.captured_queries == []  # nothing written before the block ends
        inserts = [q for q in log.captured_queries if "platform_integrationevent" in q["sql"]]
        assert len(inserts) == 1
        assert (posted.status, reversed_.status, created.status) == ("PENDING", "PENDING", "SUCCESS")
        assert created.processed_at is not None and posted.processed_at is None
        stored = {e.pk: e for e in IntegrationEvent.objects.all()}
        assert stored[posted.pk].payload == {"n": "1.50"} and stored[created.pk].status == "SUCCESS"
        deliveries = set(WebhookDelivery.objects.values_list("event_id", "subscription_id"))
        assert deliveries == {(posted.pk, prefix.pk), (reversed_.pk, prefix.pk), (reversed_.pk, star.pk)}
        with pytest.raises(Boom), events_in_one_statement():
            emit_event(event_type="accounting.journal_entry.posted", payload={})
            raise Boom
        assert IntegrationEvent.objects.count() == 3  # the failed block wrote nothing
    assert len(_jobs()) == 3
