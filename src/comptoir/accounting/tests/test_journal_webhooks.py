"""A webhook subscriber (a real HTTP server on 127.0.0.1) receives a journal entry's posting, signed, through the
real worker."""

import json

import pytest
from django.db import connection

from comptoir.accounting.services import create_and_post
from comptoir.accounting.tests.factories import entry_data
from comptoir.platform.tenancy import tenant_context
from comptoir.platform.tests.test_webhooks_delivery import Receiver, process_jobs, subscribe, verify

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hook(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")  # not flushed between transactional tests
    receiver = Receiver()
    yield receiver
    receiver.close()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


def test_a_subscriber_receives_the_posted_entry_signed(tenant, hook):
    _hook_id, secret = subscribe(tenant, hook.url, event_types=("accounting.journal_entry.*",))
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = create_and_post(actor=tenant.owner, data=entry_data(("1200", "DR", "12.50"), ("4000", "CR", "12.50")))
    process_jobs()

    (request,) = hook.requests
    assert verify(secret, request)
    assert request["headers"]["X-Comptoir-Event"] == "accounting.journal_entry.posted"
    data = json.loads(request["body"])["data"]
    assert (data["id"], data["entry_number"], data["status"], data["total"]) == (
        str(entry.pk),
        entry.entry_number,
        "POSTED",
        "12.50",
    )
