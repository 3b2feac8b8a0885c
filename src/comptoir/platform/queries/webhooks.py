"""Tenant-scoped reads of webhooks, integration events and their deliveries."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils.translation import gettext as _

from comptoir.platform.errors import NotFound
from comptoir.platform.models import IntegrationEvent, WebhookDelivery, WebhookSubscription


def _event_type_filter(field: str, event_type: str) -> Q:
    """'invoice.posted' matches exactly; 'invoice.*' matches every type under 'invoice.'."""
    if event_type.endswith(".*"):
        return Q(**{f"{field}__startswith": event_type[:-1]})
    return Q(**{field: event_type})


def webhook_subscriptions(*, is_active=None, event_type=None, search=None):
    qs = WebhookSubscription.objects.filter(deleted_at__isnull=True)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if event_type:
        qs = qs.filter(event_types__contains=[event_type])
    if search:
        qs = qs.filter(Q(url__icontains=search) | Q(description__icontains=search))
    return qs


def access_webhook_subscription(subscription_id) -> WebhookSubscription:
    """The webhook of the current organization, or NotFound (also for another organization's or a deleted one)."""
    sub = webhook_subscriptions().filter(pk=subscription_id).first()
    if sub is None:
        raise NotFound(_("Webhook not found"))
    return sub


def integration_events(*, status=None, event_type=None, source_object_type=None, source_object_id=None):
    qs = IntegrationEvent.objects.all()
    if status:
        qs = qs.filter(status=status)
    if event_type:
        qs = qs.filter(_event_type_filter("event_type", event_type))
    if source_object_type:
        qs = qs.filter(source_object_type=source_object_type)
    if source_object_id:
        qs = qs.filter(source_object_id=source_object_id)
    return qs


def access_integration_event(event_id) -> IntegrationEvent:
    event = IntegrationEvent.objects.filter(pk=event_id).first()
    if event is None:
        raise NotFound(_("Event not found"))
    return event


def webhook_deliveries(subscription_id, *, status=None, event_type=None, event_id=None):
    """The delivery attempts of one webhook, each with its event's type."""
    qs = WebhookDelivery.objects.filter(subscription_id=subscription_id).annotate(event_type=F("event__event_type"))
    if status:
        qs = qs.filter(status=status)
    if event_type:
        qs = qs.filter(_event_type_filter("event__event_type", event_type))
    if event_id:
        qs = qs.filter(event_id=event_id)
    return qs
