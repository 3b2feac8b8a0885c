"""Delivery by the real procrastinate worker, against the real job table, to real HTTP receivers on 127.0.0.1:
once per event, signed, retried with back-off, dead-lettered, redelivered; nothing for inactive or non-matching
subscriptions, nor across organizations."""

import asyncio
import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.utils import timezone

from comptoir.platform import worker as jobs
from comptoir.platform.models import IntegrationEvent, WebhookDelivery, WebhookSubscription
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.webhooks import DELIVER_WEBHOOK_TASK, retry_delay
from comptoir.platform.tenancy import tenant_context
from comptoir.platform.worker import defer_job, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An HTTP server in a thread that records every POST and answers with the next scripted status
    (the last one repeats), optionally after a delay."""

    def __init__(self, statuses=(200,), delay: float = 0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.requests: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                time.sleep(receiver.delay)
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "http://127.0.0.1:9/elsewhere")
                    self.end_headers()
                    self.wfile.write(f"answer {status} ".encode() * 500)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    opened = []

    def make(statuses=(200,), delay=0.0):
        r = Receiver(statuses, delay)
        opened.append(r)
        return r

    yield make
    for r in opened:
        r.close()


@pytest.fixture(autouse=True)
def fast_retries(settings, monkeypatch):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_jobs():
    """procrastinate's tables are not flushed between transactional tests: start and end with none."""
    _sql("DELETE FROM procrastinate_jobs")
    yield
    _sql("DELETE FROM procrastinate_jobs")


def _sql(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


def _due_jobs() -> int:
    return _sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' AND scheduled_at <= now() + '1s'")[0][0]


def process_jobs(timeout: float = 15.0) -> None:
    """Run the worker until no job is due (a retry may be scheduled a few milliseconds ahead)."""
    deadline = time.monotonic() + timeout
    while True:
        run_worker(wait=False)
        if not _due_jobs():
            return
        assert time.monotonic() < deadline, "jobs still due after the timeout"
        time.sleep(0.02)


def subscribe(tenant, url, event_types=("accounting.journal_entry.*",), **fields) -> tuple[str, str]:
    response = tenant.api.post("platform/webhooks", {"url": url, "event_types": list(event_types), **fields})
    assert response.status_code == 201, response.content
    return response.json()["id"], response.json()["secret"]


def emit(tenant, event_type="accounting.journal_entry.posted", **payload) -> IntegrationEvent:
    with tenant_context(tenant.organization):
        return emit_event(event_type=event_type, payload=payload or {"number": "INV-1"})


def event_of(tenant, event) -> IntegrationEvent:
    with tenant_context(tenant.organization):
        return IntegrationEvent.objects.get(pk=event.pk)


def deliveries(tenant, event) -> list[tuple]:
    with tenant_context(tenant.organization):
        return list(
            WebhookDelivery.objects.filter(event=event)
            .order_by("subscription_id", "attempt")
            .values_list("attempt", "status", "response_status")
        )


def verify(secret: str, request: dict) -> bool:
    """What a receiver does: recompute the HMAC of the raw body and compare in constant time."""
    expected = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request["headers"]["X-Comptoir-Signature"])


def test_event_is_delivered_once_signed_and_verifiable(tenant, receiver):
    hook = receiver()
    hook_id, secret = subscribe(tenant, hook.url)
    event = emit(tenant, total="12.50")

    process_jobs()
    process_jobs()  # a second run finds nothing to do
    with tenant_context(tenant.organization):
        (delivery,) = WebhookDelivery.objects.filter(event=event)
    defer_job(  # a duplicate job for the same delivery sends nothing either
        DELIVER_WEBHOOK_TASK, organization_id=str(tenant.organization.pk), delivery_id=str(delivery.pk)
    )
    process_jobs()

    (request,) = hook.requests
    assert verify(secret, request)
    assert not verify(secret + "x", request)
    headers = request["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Comptoir-Event"] == "accounting.journal_entry.posted"
    assert headers["X-Comptoir-Delivery"] == str(delivery.pk)
    assert abs(int(headers["X-Comptoir-Timestamp"]) - time.time()) < 60
    body = json.loads(request["body"])
    assert body == {
        "id": str(event.pk),
        "type": "accounting.journal_entry.posted",
        "created_at": event.created_at.isoformat(),
        "organization_id": str(tenant.organization.pk),
        "data": {"total": "12.50"},
    }

    settled = event_of(tenant, event)
    assert (settled.status, settled.attempts, settled.error_message) == ("SUCCESS", 1, "")
    assert settled.processed_at is not None
    assert (delivery.attempt, delivery.status) == (1, "SUCCESS")
    listed = tenant.api.get(f"platform/webhooks/{hook_id}/deliveries").json()["items"]
    assert [(d["attempt"], d["status"], d["response_status"]) for d in listed] == [(1, "SUCCESS", 200)]
    assert listed[0]["duration_ms"] >= 0 and listed[0]["delivered_at"] is not None
    assert listed[0]["response_body"].startswith("answer 200") and len(listed[0]["response_body"]) == 2000
    assert tenant.api.get(f"platform/webhooks/events/{event.pk}").json()["status"] == "SUCCESS"


def test_failing_receiver_gets_retries_then_success(tenant, receiver):
    hook = receiver(statuses=[500, 502, 200])
    _hook_id, secret = subscribe(tenant, hook.url)
    event = emit(tenant)
    process_jobs()

    assert len(hook.requests) == 3
    assert all(verify(secret, r) for r in hook.requests)
    assert len({r["body"] for r in hook.requests}) == 1  # the same event each time; consumers dedupe on its id
    assert len({r["headers"]["X-Comptoir-Delivery"] for r in hook.requests}) == 3
    assert deliveries(tenant, event) == [(1, "RETRY", 500), (2, "RETRY", 502), (3, "SUCCESS", 200)]
    settled = event_of(tenant, event)
    assert (settled.status, settled.attempts, settled.next_retry_at) == ("SUCCESS", 3, None)


def test_retries_back_off_exponentially(tenant, receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    hook = receiver(statuses=[503])
    subscribe(tenant, hook.url)
    event = emit(tenant)

    for attempt, delay in ((1, 60), (2, 120)):
        before = timezone.now()
        process_jobs()
        assert len(hook.requests) == attempt  # the retry is not due yet
        with tenant_context(tenant.organization):
            failed = WebhookDelivery.objects.get(event=event, attempt=attempt)
            upcoming = WebhookDelivery.objects.get(event=event, attempt=attempt + 1)
        assert (failed.status, upcoming.status) == ("RETRY", "PENDING")
        assert before + timedelta(seconds=delay - 1) < failed.next_retry_at < timezone.now() + timedelta(seconds=delay)
        assert upcoming.next_retry_at == failed.next_retry_at
        ((scheduled_at,),) = _sql(
            "SELECT scheduled_at FROM procrastinate_jobs WHERE status = 'todo' AND args->>'delivery_id' = %s",
            [str(upcoming.pk)],
        )
        assert scheduled_at == failed.next_retry_at
        settled = event_of(tenant, event)
        assert (settled.status, settled.next_retry_at) == ("RETRY", failed.next_retry_at)
        _sql("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE status = 'todo'")  # time passes

    settings.WEBHOOK_RETRY_MAX_SECONDS = 100
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 100, 100]


def test_always_failing_receiver_is_dead_lettered_after_max_attempts(tenant, receiver):
    hook = receiver(statuses=[503])
    hook_id, _secret = subscribe(tenant, hook.url)
    event = emit(tenant)
    process_jobs()
    process_jobs()

    assert len(hook.requests) == 3
    assert deliveries(tenant, event) == [(1, "RETRY", 503), (2, "RETRY", 503), (3, "FAILED", 503)]
    settled = event_of(tenant, event)
    assert (settled.status, settled.attempts, settled.error_message) == ("FAILED", 3, "HTTP 503")
    assert settled.processed_at is not None and settled.next_retry_at is None
    assert [e["id"] for e in tenant.api.get("platform/webhooks/events", status="FAILED").json()["items"]] == [
        str(event.pk)
    ]
    failed = tenant.api.get(f"platform/webhooks/{hook_id}/deliveries", status="FAILED").json()["items"]
    assert [(d["attempt"], d["error_message"]) for d in failed] == [(3, "HTTP 503")]
    assert tenant.api.get(f"platform/webhooks/{hook_id}").json()["consecutive_failures"] == 1


def test_unreachable_slow_and_redirecting_receivers_fail(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    slow = receiver(statuses=[200], delay=1.5)
    moved = receiver(statuses=[302])
    subscribe(tenant, slow.url, ["accounting.journal_entry.posted"])
    subscribe(tenant, moved.url, ["accounting.journal_entry.reversed"])
    subscribe(tenant, "http://127.0.0.1:9/closed", ["accounting.journal_entry.cancelled"])
    timed_out, redirected, refused = (
        emit(tenant, t)
        for t in (
            "accounting.journal_entry.posted",
            "accounting.journal_entry.reversed",
            "accounting.journal_entry.cancelled",
        )
    )
    process_jobs()

    with tenant_context(tenant.organization):
        rows = {d.event_id: d for d in WebhookDelivery.objects.all()}
    assert rows[timed_out.pk].status == "FAILED" and "timed out" in rows[timed_out.pk].error_message
    assert rows[timed_out.pk].response_status is None
    assert (rows[redirected.pk].status, rows[redirected.pk].response_status) == ("FAILED", 302)
    assert len(moved.requests) == 1
    assert rows[refused.pk].status == "FAILED" and "Connection refused" in rows[refused.pk].error_message
    assert {event_of(tenant, e).status for e in (timed_out, redirected, refused)} == {"FAILED"}


def test_subscription_is_turned_off_after_consecutive_dead_letters(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_AUTO_DISABLE_AFTER = 2
    hook = receiver(statuses=[500])
    hook_id, _secret = subscribe(tenant, hook.url)
    for _ in range(2):
        emit(tenant)
        process_jobs()
    state = tenant.api.get(f"platform/webhooks/{hook_id}").json()
    assert (state["is_active"], state["consecutive_failures"]) == (False, 2)

    late = emit(tenant)  # a turned-off subscription is not a target any more
    process_jobs()
    assert len(hook.requests) == 2
    assert event_of(tenant, late).status == "SUCCESS" and deliveries(tenant, late) == []

    resumed = tenant.api.patch(f"platform/webhooks/{hook_id}", {"is_active": True}).json()
    assert (resumed["is_active"], resumed["consecutive_failures"]) == (True, 0)


def test_success_resets_the_failure_count(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    hook = receiver(statuses=[500, 200])
    hook_id, _secret = subscribe(tenant, hook.url)
    emit(tenant)
    process_jobs()
    assert tenant.api.get(f"platform/webhooks/{hook_id}").json()["consecutive_failures"] == 1
    emit(tenant)
    process_jobs()
    assert tenant.api.get(f"platform/webhooks/{hook_id}").json()["consecutive_failures"] == 0


def test_redeliver_replays_a_dead_letter_only_to_the_failed_subscription(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    healthy = receiver(statuses=[200])
    broken = receiver(statuses=[500, 500, 200])
    subscribe(tenant, healthy.url)
    subscribe(tenant, broken.url)
    event = emit(tenant)
    process_jobs()
    assert (len(healthy.requests), len(broken.requests)) == (1, 2)
    assert event_of(tenant, event).status == "FAILED"

    response = tenant.api.post(f"platform/webhooks/events/{event.pk}/redeliver")
    assert response.status_code == 202, response.content
    assert (response.json()["status"], response.json()["processed_at"]) == ("PENDING", None)
    process_jobs()

    assert (len(healthy.requests), len(broken.requests)) == (1, 3)
    assert json.loads(broken.requests[-1]["body"])["id"] == str(event.pk)
    settled = event_of(tenant, event)
    assert (settled.status, settled.attempts) == ("SUCCESS", 4)
    with tenant_context(tenant.organization):
        broken_rows = list(
            WebhookDelivery.objects.filter(event=event, subscription__url=broken.url)
            .order_by("attempt")
            .values_list("attempt", "status")
        )
    assert broken_rows == [(1, "RETRY"), (2, "FAILED"), (3, "SUCCESS")]
    again = tenant.api.post(f"platform/webhooks/events/{event.pk}/redeliver")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_redeliver_gets_a_fresh_series_of_attempts(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hook = receiver(statuses=[500])
    subscribe(tenant, hook.url)
    event = emit(tenant)
    process_jobs()
    assert tenant.api.post(f"platform/webhooks/events/{event.pk}/redeliver").status_code == 202
    process_jobs()
    assert len(hook.requests) == 4
    assert [(a, s) for a, s, _ in deliveries(tenant, event)] == [
        (1, "RETRY"),
        (2, "FAILED"),
        (3, "RETRY"),
        (4, "FAILED"),
    ]
    assert event_of(tenant, event).status == "FAILED"


def test_redeliver_to_a_turned_off_subscription_is_refused(tenant, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    hook = receiver(statuses=[500])
    hook_id, _secret = subscribe(tenant, hook.url)
    event = emit(tenant)
    process_jobs()
    tenant.api.patch(f"platform/webhooks/{hook_id}", {"is_active": False})
    response = tenant.api.post(f"platform/webhooks/events/{event.pk}/redeliver")
    assert response.status_code == 409 and response.json()["code"] == "no_active_subscription"
    assert event_of(tenant, event).status == "FAILED"
    assert _due_jobs() == 0


def test_inactive_and_non_matching_subscriptions_receive_nothing(tenant, receiver):
    matching, star, inactive, other = receiver(), receiver(), receiver(), receiver()
    subscribe(tenant, matching.url, ["accounting.journal_entry.posted"])
    subscribe(tenant, star.url, ["*"])
    subscribe(tenant, inactive.url, ["accounting.journal_entry.*"], is_active=False)
    subscribe(tenant, other.url, ["accounting.journal_entry.cancelled", "accounting.journal_entry.reversed"])
    event = emit(tenant)
    process_jobs()
    assert (len(matching.requests), len(star.requests), len(inactive.requests), len(other.requests)) == (1, 1, 0, 0)
    assert event_of(tenant, event).status == "SUCCESS"


def test_subscription_turned_off_or_deleted_before_delivery_gets_nothing(tenant, receiver):
    paused, deleted = receiver(), receiver()
    paused_id, _ = subscribe(tenant, paused.url)
    deleted_id, _ = subscribe(tenant, deleted.url)
    event = emit(tenant)
    tenant.api.patch(f"platform/webhooks/{paused_id}", {"is_active": False})
    tenant.api.delete(f"platform/webhooks/{deleted_id}")
    process_jobs()

    assert paused.requests == [] and deleted.requests == []
    with tenant_context(tenant.organization):
        messages = sorted(WebhookDelivery.objects.filter(event=event).values_list("status", "error_message"))
    assert messages == [
        ("FAILED", "Not sent: the webhook is turned off"),
        ("FAILED", "Not sent: the webhook was deleted"),
    ]
    settled = event_of(tenant, event)
    assert (settled.status, settled.attempts) == ("FAILED", 0)
    with tenant_context(tenant.organization):
        assert WebhookSubscription.objects.get(pk=paused_id).consecutive_failures == 0


def test_events_of_one_organization_never_reach_another(tenant, other_tenant, receiver):
    mine, theirs = receiver(), receiver()
    subscribe(tenant, mine.url, ["*"])
    subscribe(other_tenant, theirs.url, ["*"])
    event = emit(tenant)
    process_jobs()
    assert len(mine.requests) == 1 and theirs.requests == []
    assert json.loads(mine.requests[0]["body"])["organization_id"] == str(tenant.organization.pk)
    assert other_tenant.api.get("platform/webhooks/events").json()["items"] == []
    with tenant_context(other_tenant.organization):
        assert not IntegrationEvent.objects.filter(pk=event.pk).exists()
        assert not WebhookDelivery.objects.exists()


def test_a_long_running_worker_picks_events_up_as_they_commit_and_stops_on_request(tenant, receiver):
    hook = receiver()
    subscribe(tenant, hook.url)
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, kwargs={"wait": True, "stop": stop})
    worker.start()
    try:
        event = emit(tenant)
        deadline = time.monotonic() + 10
        while event_of(tenant, event).status != "SUCCESS":
            assert time.monotonic() < deadline, "the running worker did not deliver the event"
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=10)
    assert not worker.is_alive()
    assert len(hook.requests) == 1


def test_the_worker_fetches_jobs_as_the_application_role(settings):
    worker_app = jobs._worker_app(pool_size=1)

    async def whoami():
        async with worker_app.open_async():
            return await worker_app.connector.execute_query_one_async(query="SELECT current_user AS role")

    assert asyncio.run(whoami())["role"] == settings.COMPTOIR_APP_ROLE
