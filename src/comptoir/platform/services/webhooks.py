"""Webhook subscriptions and the delivery of integration events to them (DESIGN §5, catalogue §26).

A delivery is one `WebhookDelivery` row per (event, subscription, attempt): created PENDING with its job, then
settled by the worker as SUCCESS (2xx), RETRY (failed, the next attempt is scheduled with exponential back-off)
or FAILED (dead letter after `max_attempts`, or the subscription was disabled meanwhile). The event's status is
the aggregate of its subscriptions' latest deliveries.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import re
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform import crypto
from comptoir.platform.constants import EVENT_TRANSITIONS, AuditAction, DeliveryStatus, EventStatus
from comptoir.platform.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.models import IntegrationEvent, WebhookDelivery, WebhookSubscription
from comptoir.platform.modules import EVENT_TYPE_RE, SEGMENT, registry
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.transitions import check_transition
from comptoir.platform.worker import JobSpec, defer_jobs

DELIVER_WEBHOOK_TASK = "platform.deliver_webhook"
WEBHOOK_QUEUE = "webhooks"
USER_AGENT = "Comptoir-Webhooks/1"
RESPONSE_BODY_LIMIT = 2000  # characters of the receiver's answer kept on the delivery row
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
PREFIX_PATTERN_RE = re.compile(rf"^{SEGMENT}(\.{SEGMENT})*\.\*$")
MIN_SECRET_LENGTH = 16
AUDITED_FIELDS = ("url", "event_types", "is_active", "description")  # never the secret


def _setting(name: str, default):
    return getattr(settings, name, default)


def max_attempts() -> int:
    return int(_setting("WEBHOOK_MAX_ATTEMPTS", 5))


def retry_delay(failed_attempt: int) -> timedelta:
    """Back-off after the n-th failed attempt of a round: base × 2^(n-1), capped."""
    base = float(_setting("WEBHOOK_RETRY_BASE_SECONDS", 60))
    cap = float(_setting("WEBHOOK_RETRY_MAX_SECONDS", 3600))
    return timedelta(seconds=min(base * 2 ** (failed_attempt - 1), cap))


# --- event types and patterns ---------------------------------------------------------------------------------


def _check_patterns(patterns: list[str]) -> list[str]:
    """Each pattern is '*', a prefix ('invoice.*') selecting at least one declared event type, or a declared
    event type (the modules' specs declare them)."""
    if not patterns:
        raise ValidationFailed(_("Give at least one event type"), code="required", field="event_types")
    declared = registry().events
    for i, pattern in enumerate(patterns):
        field = f"event_types.{i}"
        if pattern == "*":
            continue
        if not (PREFIX_PATTERN_RE.match(pattern) or EVENT_TYPE_RE.match(pattern)):
            raise ValidationFailed(
                _("'%(pattern)s' is neither an event type ('invoice.posted'), a prefix ('invoice.*') nor '*'")
                % {"pattern": pattern},
                code="invalid_event_type",
                field=field,
            )
        if not any(pattern in patterns_matching(event_type) for event_type in declared):
            raise ValidationFailed(
                _("No installed module declares an event type '%(pattern)s' selects") % {"pattern": pattern},
                code="unknown_event_type",
                field=field,
            )
    return sorted(set(patterns))


def patterns_matching(event_type: str) -> list[str]:
    """Every subscription pattern that selects `event_type`: itself, '*' and each prefix wildcard
    ('a.b.c' → 'a.*', 'a.b.*')."""
    parts = event_type.split(".")
    return [event_type, "*", *(".".join(parts[:i]) + ".*" for i in range(1, len(parts)))]


# --- subscriptions ----------------------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(_("Give an http(s) URL"), code="invalid_url", field="url")
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS and not settings.DEBUG:
        raise ValidationFailed(
            _("Webhooks must use https (plain http only to localhost, or in development)"),
            code="insecure_url",
            field="url",
        )
    return url


def _check_secret(secret: str) -> str:
    if len(secret) < MIN_SECRET_LENGTH:
        raise ValidationFailed(
            _("The secret must have at least %(min_secret_length)s characters")
            % {"min_secret_length": MIN_SECRET_LENGTH},
            code="weak_secret",
            field="secret",
        )
    return secret


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@dataclass(frozen=True, kw_only=True)
class WebhookInput:
    url: str
    event_types: list[str]
    secret: str | None = None
    is_active: bool = True
    description: str = ""


def create_webhook_subscription(*, actor, data: WebhookInput) -> tuple[WebhookSubscription, str]:
    """A subscription of the organization in context. Returns it with its signing secret (generated unless
    given): the only time the secret is shown; it is stored encrypted."""
    url = _check_url(data.url)
    event_types = _check_patterns(data.event_types)
    secret = _check_secret(data.secret) if data.secret is not None else new_webhook_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url,
            event_types=event_types,
            encrypted_secret=crypto.encrypt(secret),
            is_active=data.is_active,
            description=data.description,
            created_by=actor,
            updated_by=actor,
        )
        record_audit(
            actor=actor, action=AuditAction.CREATE, obj=subscription, new=snapshot(subscription, AUDITED_FIELDS)
        )
    return subscription, secret


@dataclass(frozen=True, kw_only=True)
class WebhookPatch(Patch):
    """The fields of a subscription to change; only `description` may be None (cleared)."""

    url: str | None | _Unset = UNSET
    event_types: list[str] | None | _Unset = UNSET
    secret: str | None | _Unset = UNSET
    is_active: bool | None | _Unset = UNSET
    description: str | None | _Unset = UNSET


def update_webhook_subscription(*, actor, subscription_id, patch: WebhookPatch) -> WebhookSubscription:
    """Change a subscription. A new `secret` replaces the old one (not shown again); turning a subscription back
    on clears its failure count."""
    patch.refuse_nulls("url", "event_types", "secret", "is_active")
    changes = patch.provided()
    with transaction.atomic():
        sub = (
            WebhookSubscription.objects.select_for_update().filter(pk=subscription_id, deleted_at__isnull=True).first()
        )
        if sub is None:
            raise NotFound(_("Webhook not found"))
        before = snapshot(sub, AUDITED_FIELDS)
        if "url" in changes:
            sub.url = _check_url(changes["url"])
        if "event_types" in changes:
            sub.event_types = _check_patterns(changes["event_types"])
        if "secret" in changes:
            sub.encrypted_secret = crypto.encrypt(_check_secret(changes["secret"]))
        if "description" in changes:
            sub.description = changes["description"] or ""
        if "is_active" in changes:
            if changes["is_active"] and not sub.is_active:
                sub.consecutive_failures = 0
            sub.is_active = changes["is_active"]
        sub.updated_by = actor
        sub.save()
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=sub,
            old=before,
            new=snapshot(sub, AUDITED_FIELDS),
            metadata={"secret_replaced": True} if "secret" in changes else None,
        )
    return sub


def delete_webhook_subscription(*, actor, subscription_id) -> None:
    """Soft delete (its delivery history stays); deliveries still queued for it end FAILED without a request."""
    with transaction.atomic():
        sub = (
            WebhookSubscription.objects.select_for_update().filter(pk=subscription_id, deleted_at__isnull=True).first()
        )
        if sub is None:
            raise NotFound(_("Webhook not found"))
        sub.deleted_at = timezone.now()
        sub.is_active = False
        sub.updated_by = actor
        sub.save(update_fields=["deleted_at", "is_active", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=sub, old=snapshot(sub, AUDITED_FIELDS))


# --- scheduling -------------------------------------------------------------------------------------------------


def schedule_deliveries(event: IntegrationEvent, attempts: list[tuple], *, at=None) -> list[WebhookDelivery]:
    """Create a PENDING delivery per (subscription id, attempt number) and enqueue its job, both in the caller's
    transaction."""
    if not attempts:  # most events: no subscription matched
        return []
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                organization_id=event.organization_id,
                event_id=event.pk,
                subscription_id=subscription_id,
                attempt=attempt,
                next_retry_at=at,
            )
            for subscription_id, attempt in attempts
        ]
    )
    defer_jobs(
        JobSpec(
            DELIVER_WEBHOOK_TASK,
            {"organization_id": str(event.organization_id), "delivery_id": str(d.pk)},
            queue=WEBHOOK_QUEUE,
            lock=f"webhook:{event.pk}:{d.subscription_id}",
            schedule_at=at,
        )
        for d in deliveries
    )
    return deliveries


def redeliver_event(*, actor, event_id) -> IntegrationEvent:
    """Manual replay of a dead-lettered event (FAILED → PENDING): a fresh series of attempts to every active
    subscription whose delivery failed. Subscriptions that received it are not sent it again."""
    with transaction.atomic():
        event = IntegrationEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise NotFound(_("Event not found"))
        if event.status != EventStatus.FAILED:
            raise InvalidTransition(
                _("Only a FAILED event can be redelivered; this one is %(status)s") % {"status": event.status},
                field="status",
            )
        latest = _latest_deliveries(event)
        failed = {row["subscription_id"]: row["attempt"] for row in latest if row["status"] == DeliveryStatus.FAILED}
        active = set(
            WebhookSubscription.objects.filter(pk__in=failed, is_active=True, deleted_at__isnull=True).values_list(
                "id", flat=True
            )
        )
        if not active:
            raise Conflict(
                _("No active webhook is left to redeliver to: turn the webhook back on first"),
                code="no_active_subscription",
            )
        schedule_deliveries(event, [(sid, failed[sid] + 1) for sid in sorted(active)])
        event.status = EventStatus.PENDING
        event.processed_at = None
        event.next_retry_at = None
        event.error_message = ""
        event.updated_by = actor
        event.save()
        record_audit(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=event,
            old={"status": EventStatus.FAILED},
            new={"status": EventStatus.PENDING},
            reason="manual redelivery",
            metadata={"subscription_ids": sorted(str(sid) for sid in active)},
        )
    return event


# --- one delivery attempt (the worker) --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Request:
    url: str
    body: bytes
    headers: dict


@dataclass(frozen=True)
class _Outcome:
    status: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def signature(secret: str, body: bytes) -> str:
    """The `X-Comptoir-Signature` value of `body`: 'sha256=' + hex HMAC-SHA256 keyed with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def event_body(event: IntegrationEvent) -> bytes:
    envelope = {
        "id": str(event.pk),
        "type": event.event_type,
        "created_at": event.created_at.isoformat(),
        "organization_id": str(event.organization_id),
        "data": event.payload,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def deliver_webhook(*, delivery_id) -> None:
    """Make one attempt of a PENDING delivery (a job of the worker; organization in context). A delivery that is
    not PENDING any more was settled already: nothing is sent twice by a duplicate job."""
    request = _start_attempt(delivery_id)
    if request is None:
        return
    outcome = _post(request)
    _record_attempt(delivery_id, outcome)


def _lock(delivery_id):
    """Lock the delivery's event, then the delivery (always in this order). None when gone or not PENDING."""
    event_id = WebhookDelivery.objects.filter(pk=delivery_id).values_list("event_id", flat=True).first()
    if event_id is None:
        return None, None
    event = IntegrationEvent.objects.select_for_update().get(pk=event_id)
    delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id, status=DeliveryStatus.PENDING).first()
    return event, delivery


def _move(event: IntegrationEvent, target: str) -> None:
    check_transition(EVENT_TRANSITIONS, event.status, target)
    event.status = target


def _start_attempt(delivery_id) -> _Request | None:
    with transaction.atomic():
        event, delivery = _lock(delivery_id)
        if delivery is None:
            return None
        _move(event, EventStatus.PROCESSING)
        sub = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        if not sub.is_active or sub.deleted_at is not None:
            reason = "the webhook was deleted" if sub.deleted_at else "the webhook is turned off"
            delivery.status = DeliveryStatus.FAILED
            delivery.error_message = f"Not sent: {reason}"
            delivery.next_retry_at = None
            delivery.save(update_fields=["status", "error_message", "next_retry_at", "updated_at"])
            _settle(event, last_error=delivery.error_message)
            return None
        event.save(update_fields=["status", "updated_at"])
        body = event_body(event)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Comptoir-Event": event.event_type,
            "X-Comptoir-Delivery": str(delivery.pk),
            "X-Comptoir-Timestamp": str(int(time.time())),
            "X-Comptoir-Signature": signature(crypto.decrypt(sub.encrypted_secret), body),
        }
        return _Request(sub.url, body, headers)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a 3xx answer is a failed delivery, not a hop to another address


def _post(request: _Request) -> _Outcome:
    timeout = float(_setting("WEBHOOK_TIMEOUT_SECONDS", 5))
    opener = urllib.request.build_opener(_NoRedirect())
    started = time.monotonic()
    if urlsplit(request.url).scheme not in ("http", "https"):
        return _Outcome(None, "", "Not sent: the URL is not http(s)", 0)
    http_request = urllib.request.Request(  # noqa: S310 (the scheme is checked just above)
        request.url, data=request.body, headers=request.headers, method="POST"
    )
    status, text, error = None, "", ""
    try:
        with opener.open(http_request, timeout=timeout) as response:
            status = response.status
            text = response.read(RESPONSE_BODY_LIMIT * 4).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status = exc.code
        try:
            text = exc.read(RESPONSE_BODY_LIMIT * 4).decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            text = ""
        finally:
            exc.close()
        error = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        error = f"{type(reason).__name__}: {reason}"[:1000]
    duration_ms = int((time.monotonic() - started) * 1000)
    return _Outcome(status, text[:RESPONSE_BODY_LIMIT], error, duration_ms)


def _record_attempt(delivery_id, outcome: _Outcome) -> None:
    now = timezone.now()
    with transaction.atomic():
        event, delivery = _lock(delivery_id)
        if delivery is None:
            return
        sub = WebhookSubscription.objects.select_for_update().get(pk=delivery.subscription_id)
        delivery.response_status = outcome.status
        delivery.response_body = outcome.body
        delivery.error_message = "" if outcome.ok else (outcome.error or f"HTTP {outcome.status}")
        delivery.duration_ms = outcome.duration_ms
        delivery.next_retry_at = None
        if outcome.ok:
            delivery.status = DeliveryStatus.SUCCESS
            delivery.delivered_at = now
            if sub.consecutive_failures:
                sub.consecutive_failures = 0
                sub.save(update_fields=["consecutive_failures", "updated_at"])
        else:
            round_attempt = delivery.attempt - _last_dead_attempt(delivery)
            if round_attempt < event.max_attempts:
                delivery.status = DeliveryStatus.RETRY
                delivery.next_retry_at = now + retry_delay(round_attempt)
            else:
                delivery.status = DeliveryStatus.FAILED
                _count_dead_letter(sub)
        delivery.save()
        if delivery.status == DeliveryStatus.RETRY:
            schedule_deliveries(event, [(delivery.subscription_id, delivery.attempt + 1)], at=delivery.next_retry_at)
        event.attempts += 1  # the event row is locked: no concurrent writer
        event.last_attempt_at = now
        event.response = {"subscription_id": str(sub.pk), "status": outcome.status}
        _settle(event, last_error=delivery.error_message)


def _last_dead_attempt(delivery: WebhookDelivery) -> int:
    """The attempt number that ended the previous series (0 if none): a manual redeliver starts a new one."""
    previous = WebhookDelivery.objects.filter(
        event_id=delivery.event_id,
        subscription_id=delivery.subscription_id,
        status=DeliveryStatus.FAILED,
        attempt__lt=delivery.attempt,
    ).aggregate(n=Max("attempt"))["n"]
    return previous or 0


def _count_dead_letter(sub: WebhookSubscription) -> None:
    """One more event dead-lettered in a row; the subscription turns itself off after WEBHOOK_AUTO_DISABLE_AFTER."""
    sub.consecutive_failures += 1  # the subscription row is locked
    if sub.consecutive_failures >= int(_setting("WEBHOOK_AUTO_DISABLE_AFTER", 5)):
        sub.is_active = False
    sub.save(update_fields=["consecutive_failures", "is_active", "updated_at"])


def _latest_deliveries(event: IntegrationEvent) -> list[dict]:
    return list(
        WebhookDelivery.objects.filter(event_id=event.pk)
        .order_by("subscription_id", "-attempt")
        .distinct("subscription_id")
        .values("subscription_id", "attempt", "status", "next_retry_at")
    )


def _settle(event: IntegrationEvent, *, last_error: str) -> None:
    """Set the event's status from its subscriptions' latest deliveries: any pending → RETRY (a retry is
    scheduled) or PROCESSING; else any FAILED → FAILED; else SUCCESS."""
    latest = _latest_deliveries(event)
    pending = [row for row in latest if row["status"] == DeliveryStatus.PENDING]
    retries = [row["next_retry_at"] for row in pending if row["next_retry_at"] is not None]
    if pending:
        target = EventStatus.RETRY if retries else EventStatus.PROCESSING
    elif any(row["status"] == DeliveryStatus.FAILED for row in latest):
        target = EventStatus.FAILED
    else:
        target = EventStatus.SUCCESS
    _move(event, EventStatus.PROCESSING)
    _move(event, target)
    event.next_retry_at = min(retries) if retries else None
    event.processed_at = None if pending else timezone.now()
    event.error_message = last_error
    event.save()
