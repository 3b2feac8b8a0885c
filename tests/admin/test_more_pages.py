"""The cross-cutting platform records and the books have read-only admin pages: they open for an owner, show no
secret, list only the current organization's rows (a user's own notifications, the events they organise or
attend) and list them with a fixed number of queries."""

import pytest
from django.apps import apps
from django.db import connection

from comptoir.accounting.models import (
    BankAccount,
    BankTransaction,
    Budget,
    CostCenter,
    JournalType,
    TaxRate,
)
from comptoir.platform.admin_site import site
from comptoir.platform.models import (
    Attachment,
    AuditLog,
    CalendarEvent,
    IntegrationEvent,
    Notification,
    Sequence,
    Setting,
    WebhookDelivery,
    WebhookSubscription,
)
from comptoir.platform.services.audit import audit_login
from comptoir.platform.services.configuration import set_global_default
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser, build_records
from tests.support.queries import CaptureStatements

MODELS = [
    Sequence,
    AuditLog,
    Setting,
    Attachment,
    Notification,
    CalendarEvent,
    IntegrationEvent,
    WebhookSubscription,
    WebhookDelivery,
    CostCenter,
    JournalType,
    TaxRate,
    BankAccount,
    BankTransaction,
    Budget,
]
# Shown on their parent's page (inlines) or edited through a role: no page of their own.
INLINE_ONLY = {"CalendarEventAttendee", "FiscalPeriod", "JournalLine", "RolePermission"}
INLINE_ONLY |= {"PartyContact", "PartyAddress", "PartyBankAccount"}
# Internal tables: derived caches, stored API replays, one-time codes, throttles of unknown e-mails.
INTERNAL = {
    "AccountBalance",
    "AccountDayBalance",
    "CashFlowBalance",
    "CashFlowDayBalance",
    "OpenItem",
    "IdempotencyKey",
    "VerificationToken",
    "SignInThrottle",
}


@pytest.fixture
def alpha(tenant, shop_module) -> dict:
    set_global_default(key="shop.theme", value="light", data_type="STRING")
    set_global_default(key="shop.global_token", value="global-s3cret", data_type="STRING", is_secret=True)
    return build_records(tenant, "alpha")


def test_every_model_of_the_apps_has_a_page():
    models = [
        m
        for label in ("platform", "identity", "accounting", "parties")
        for m in apps.get_app_config(label).get_models()
    ]
    missing = [m.__name__ for m in models if m not in site._registry and m.__name__ not in INLINE_ONLY | INTERNAL]
    assert missing == []
    assert [m.__name__ for m in models if m in site._registry and m.__name__ in INTERNAL] == []


def test_every_page_opens_read_only_for_an_owner(tenant, alpha):
    client = browser(tenant.owner)
    for model in MODELS:
        name = model.__name__
        response = client.get(admin_url(model))
        assert response.status_code == 200, name
        changelist = response.context["cl"]
        assert changelist.result_count >= 1, f"{name}: no row listed"
        row = changelist.result_list[0]
        page = client.get(admin_url(model, "change", row.pk))
        assert page.status_code == 200, name
        assert 'name="_save"' not in page.content.decode(), name  # shown, never written
        assert client.get(admin_url(model, "add")).status_code == 404, name  # absent, not forbidden
        assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == 404, name
        assert client.post(admin_url(model, "change", row.pk), {}).status_code == 405, name
        with tenant_context(tenant.organization):
            assert model._default_manager.filter(pk=row.pk).exists(), name


def test_inlines_show_attendees_components_and_deliveries(tenant, alpha):
    client = browser(tenant.owner)
    with tenant_context(tenant.organization):
        event = CalendarEvent.objects.get(title="Meeting alpha")
        rate = TaxRate.objects.get(code="GST-alpha")
        integration = IntegrationEvent.objects.get(payload__label="alpha")
    assert "member-alpha@example.com" in client.get(admin_url(CalendarEvent, "change", event.pk)).content.decode()
    assert "CGST-alpha" in client.get(admin_url(TaxRate, "change", rate.pk)).content.decode()
    page = client.get(admin_url(IntegrationEvent, "change", integration.pk)).content.decode()
    assert "https://hooks.example.com/alpha" in page


def test_no_secret_reaches_a_page(tenant, alpha):
    client = browser(tenant.owner)
    secrets = [*alpha["secrets"], "global-s3cret"]
    checked = 0
    for model in (Setting, WebhookSubscription, BankAccount, BankTransaction, AuditLog):
        listing = client.get(admin_url(model))
        pages = [listing] + [
            client.get(admin_url(model, "change", row.pk)) for row in listing.context["cl"].result_list
        ]
        for page in pages:
            assert page.status_code == 200
            body = page.content.decode()
            assert [s for s in secrets if s and s in body] == [], model.__name__
            checked += 1
    assert checked > 10
    banks = client.get(admin_url(BankAccount))
    assert f"••••{alpha['last4']}" in banks.content.decode()
    bank_page = client.get(admin_url(BankAccount, "change", banks.context["cl"].result_list[0].pk)).content.decode()
    iban = alpha["iban"]
    assert f"{iban[:4]}••••{iban[-4:]}" in bank_page and iban[4:-4] not in bank_page  # it contains the number
    for key in ("shop.api_key.alpha", "shop.global_token"):
        listed = client.get(admin_url(Setting), {"q": key})
        assert [s.key for s in listed.context["cl"].result_list] == [key]
        assert "••••" in listed.content.decode()
    assert "hello alpha" in client.get(admin_url(Setting), {"q": "shop.greeting"}).content.decode()


def test_another_organizations_rows_are_never_shown(tenant, other_tenant, alpha):
    build_records(other_tenant, "bravo")
    audit_login(user=tenant.owner, success=True, email=tenant.owner.email)  # a row without an organization
    client = browser(tenant.owner)
    for model in MODELS:
        rows = client.get(admin_url(model)).context["cl"].result_list
        allowed = {tenant.organization.pk, None} if model is Setting else {tenant.organization.pk}
        assert {r.organization_id for r in rows} <= allowed, model.__name__
    audit = client.get(admin_url(AuditLog), {"q": "Center"})
    assert {r.object_repr for r in audit.context["cl"].result_list} == {"CC-alpha Center alpha"}
    assert not [r for r in client.get(admin_url(AuditLog)).context["cl"].result_list if r.action == "LOGIN"]
    keys = {s.key for s in client.get(admin_url(Setting)).context["cl"].result_list}
    assert {"shop.greeting.alpha", "shop.api_key.alpha", "shop.theme"} <= keys
    assert not [k for k in keys if "bravo" in k]
    notes = client.get(admin_url(Notification)).context["cl"].result_list
    assert [n.title for n in notes] == ["Note alpha"]  # not the member's, not another organization's
    with tenant_context(other_tenant.organization):
        foreign = [
            (AuditLog, AuditLog.objects.filter(object_repr="CC-bravo Center bravo").get().pk),
            (Setting, Setting.objects.get(key="shop.greeting.bravo").pk),
            (Notification, Notification.objects.get(title="Note bravo").pk),
            (BankAccount, BankAccount.objects.get().pk),
            (WebhookSubscription, WebhookSubscription.objects.get().pk),
        ]
    for model, pk in foreign:
        response = client.get(admin_url(model, "change", pk))
        assert response.status_code == 302 and response["Location"] == "/admin/", model.__name__


def test_calendar_shows_the_events_a_user_organises_or_attends(tenant, alpha):
    owner_titles = {e.title for e in browser(tenant.owner).get(admin_url(CalendarEvent)).context["cl"].result_list}
    assert owner_titles == {"Meeting alpha"}  # not the member's private event
    member = browser(alpha["member"])  # an ADMIN: attends the meeting, organises the dentist
    titles = {e.title for e in member.get(admin_url(CalendarEvent)).context["cl"].result_list}
    assert titles == {"Meeting alpha", "Dentist alpha"}


def test_changelist_queries_do_not_grow_with_rows(tenant, shop_module):
    build_records(tenant, "n1")
    client = browser(tenant.owner)
    for model in MODELS:
        client.get(admin_url(model))  # warm caches (content types, permissions)

    def counts() -> dict:
        out = {}
        for model in MODELS:
            with CaptureStatements(connection) as queries:
                response = client.get(admin_url(model))
            assert response.status_code == 200, model.__name__
            out[model.__name__] = (len(queries), response.context["cl"].result_count)
        return out

    few = counts()
    for label in ("n2", "n3", "n4", "n5"):
        build_records(tenant, label)
    many = counts()
    grown = [name for name in few if many[name][1] <= few[name][1]]
    assert grown == ["JournalType"]  # the seeded journal types: a fixed set
    assert {name: q for name, (q, _) in many.items()} == {name: q for name, (q, _) in few.items()}
