"""The admin is for operators: internal tables have no page, every page opens, a write page either works (through
the services, tested in test_writes) or is absent (404 or 405 saying where such records are written), never
Django's bare 403; and no list cell, title or field shows a raw id where the record has a name."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import NoReverseMatch

from comptoir.accounting.models import AccountBalance, AccountDayBalance, BankTransaction, JournalEntry
from comptoir.identity.models import MemberRole, Role, SignInThrottle, User, VerificationToken
from comptoir.platform.admin_site import site
from comptoir.platform.models import (
    Attachment,
    AuditLog,
    ExchangeRate,
    IdempotencyKey,
    IntegrationEvent,
    OrganizationAddress,
    OrganizationMember,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.services.features import FeaturesPatch, update_features
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser, build_records, populate
from tests.support.api import member_client

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
UNNAMED = re.compile(r"\bobject \(")  # Django's "Model object (id)" of a model without a name
TRACE_IDS = ("request_id", "session_id")  # an audit row's request and session: ids with no record behind them
INTERNAL = [AccountBalance, AccountDayBalance, IdempotencyKey, SignInThrottle, VerificationToken]
# The admin's add pages that work for an owner (through the services, or audited where no service writes the table).
ADDED_HERE = {Workspace, OrganizationMember, WorkspaceMember, OrganizationAddress, ExchangeRate, Role, MemberRole}


class VisibleText(HTMLParser):
    """The text a reader sees (no attributes, scripts or styles), leaving out recorded JSON data (`<pre>`: the audit
    log's old and new values, an event's payload), which holds the ids it recorded."""

    HIDDEN = frozenset({"script", "style", "pre"})

    def __init__(self, html: str, within: str = ""):
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0
        self.inside = 0 if within else 1
        self.within = within
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if self.within and (self.inside or ("id", self.within) in attrs):
            self.inside += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden -= 1
        if self.within and self.inside:
            self.inside -= 1

    def handle_data(self, data):
        if self.inside and not self.hidden and data.strip():
            self.parts.append(data.strip())

    @property
    def text(self) -> str:
        return "\n".join(self.parts)


def unnamed(text: str, row=None) -> list[str]:
    """The lines of `text` showing an id or Django's unnamed label (not counting `row`'s trace ids)."""
    traces = {getattr(row, name, None) for name in TRACE_IDS} - {None, ""}
    return [line for line in text.splitlines() if (UUID.search(line) or UNNAMED.search(line)) and line not in traces]


@pytest.fixture
def books(tenant, shop_module) -> dict:
    """A populated organization: members, roles, workspaces, rates, addresses, tokens, and a posted journal entry,
    a bank statement line, taxes, a budget, settings, notifications, events, webhooks and an attachment."""
    build_records(tenant, "alpha")
    with tenant_context(tenant.organization, user=tenant.owner):
        update_features(actor=tenant.owner, patch=FeaturesPatch(modules={"accounting": True}))
    return populate(tenant)


def test_internal_tables_have_no_page(tenant, owner_browser):
    assert [m.__name__ for m in INTERNAL if site.is_registered(m)] == []
    for model in INTERNAL:
        with pytest.raises(NoReverseMatch):
            admin_url(model)
    index = owner_browser.get("/admin/").content.decode()
    assert "idempotency" not in index.lower() and "verification" not in index.lower()


def test_every_page_opens_and_its_write_pages_work_or_are_absent(tenant, books, owner_browser):
    for model in site._registry:
        name = model.__name__
        listing = owner_browser.get(admin_url(model))
        assert listing.status_code == 200, name
        add = owner_browser.get(admin_url(model, "add"))
        if model in ADDED_HERE:
            assert add.status_code == 200, name
            assert 'name="_save"' in add.content.decode(), name
        else:
            assert add.status_code == 404, name
            message = VisibleText(add.content.decode(), within="not-here").text
            assert message, name  # says where such records are written
        row = listing.context["cl"].result_list[0]
        delete = owner_browser.get(admin_url(model, "delete", row.pk))
        assert delete.status_code in (200, 302, 403, 404), name
        if delete.status_code == 403:  # a refusal of this row, with its reason on the admin's page
            assert VisibleText(delete.content.decode(), within="not-here").text, name


def test_absent_pages_say_where_the_records_are_written(tenant, books, owner_browser):
    with tenant_context(tenant.organization):
        entry = JournalEntry.objects.get()
    add = owner_browser.get(admin_url(JournalEntry, "add"))
    assert add.status_code == 404
    assert VisibleText(add.content.decode(), within="not-here").text == (
        "Journal entries are not added in the admin: they are created in the desk or through the API."
    )
    assert "/admin/accounting/journalentry/" in add.content.decode()  # the way back to the list
    post = owner_browser.post(admin_url(JournalEntry, "change", entry.pk), {"narration": "changed"})
    assert post.status_code == 405 and post["Allow"] == "GET, HEAD"
    assert "changed in the desk or through the API" in post.content.decode()
    members = owner_browser.get(admin_url(OrganizationMember, "delete", books["member"].pk))
    assert members.status_code == 404
    assert VisibleText(members.content.decode(), within="not-here").text == (
        "Members are deactivated (the list's action), never deleted."
    )
    with tenant_context(tenant.organization):
        entry.refresh_from_db()
        assert entry.narration != "changed"
        assert OrganizationMember.objects.filter(pk=books["member"].pk).exists()


def test_a_members_missing_permission_is_explained_not_a_bare_403(tenant):
    """A member who enters the admin but whose roles do not grant a page sees why, on the admin's page."""
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization, user=tenant.owner):
        from comptoir.identity.services import roles

        role = roles.create_role(
            actor=tenant.owner,
            code="DOORMAN",
            name="Doorman",
            permissions=["platform.access_admin", "platform.view_workspace"],
        )
        roles.assign_role(actor=tenant.owner, member_id=OrganizationMember.objects.get(user=user).pk, role_id=role.pk)
    client = browser(user)
    assert client.get(admin_url(Workspace)).status_code == 200
    add = client.get(admin_url(Workspace, "add"))
    assert add.status_code == 403
    assert VisibleText(add.content.decode(), within="not-here").text == "Your roles do not allow you to add workspaces."
    hidden = client.get(admin_url(Role))
    assert hidden.status_code == 403
    assert "Your roles do not allow you to see roles." in hidden.content.decode()


def test_no_list_cell_or_title_shows_a_raw_id(tenant, books, owner_browser):
    checked = 0
    for model in site._registry:
        name = model.__name__
        listing = owner_browser.get(admin_url(model))
        cells = VisibleText(listing.content.decode(), within="result_list").text
        assert cells, name
        assert unnamed(cells) == [], name
        for row in listing.context["cl"].result_list[:5]:
            page = owner_browser.get(admin_url(model, "change", row.pk))
            assert page.status_code == 200, name
            assert unnamed(VisibleText(page.content.decode()).text, row) == [], (name, str(row))
            checked += 1
    assert checked > 60


def test_records_are_named_where_the_tables_hold_their_ids(tenant, books, owner_browser):
    """The audit log's record, an attachment's owner and an event's source show the record's kind and name,
    linked to its page."""
    with tenant_context(tenant.organization):
        workspace = Workspace.objects.get(name="Branch alpha")
        attachment = Attachment.objects.get()
        event = IntegrationEvent.objects.get(payload__label="alpha")
        audit = AuditLog.objects.filter(object_type="platform.workspace", object_id=workspace.pk).get()
        line = BankTransaction.objects.get()
    link = f'<a href="{admin_url(Workspace, "change", workspace.pk)}">workspace: Branch alpha</a>'
    assert link in owner_browser.get(admin_url(Attachment)).content.decode()
    assert link in owner_browser.get(admin_url(Attachment, "change", attachment.pk)).content.decode()
    assert link in owner_browser.get(admin_url(IntegrationEvent, "change", event.pk)).content.decode()
    assert link in owner_browser.get(admin_url(AuditLog)).content.decode()
    assert link in owner_browser.get(admin_url(AuditLog, "change", audit.pk)).content.decode()
    assert str(line) == "2026-03-15 credit 250.00 REF-alpha"


def test_names_of_the_rows(tenant, books):
    with tenant_context(tenant.organization):
        owner = OrganizationMember.objects.select_related("user").get(user=tenant.owner)
        assignment = MemberRole.objects.select_related("member__user", "role").get(member=owner, role__code="OWNER")
        rate = ExchangeRate.objects.select_related("from_currency", "to_currency").get()
        entry = JournalEntry.objects.get()
        line = entry.lines.select_related("entry").first()
        period = entry.fiscal_period
    assert str(owner) == tenant.owner.email
    assert str(assignment) == f"{tenant.owner.email}: Owner"
    assert str(rate) == "EUR → USD on 2026-01-15"
    assert str(line) == f"{entry.entry_number}, line 1"
    assert str(period) == f"period {period.period_no} ({period.start_date:%Y-%m})"


def test_the_sidebar_reads_well(tenant, owner_browser):
    names = {str(m._meta.verbose_name_plural) for m in site._registry}
    assert {
        "audit log entries",
        "numbering sequences",
        "sign-in sessions",
        "role assignments",
        "webhook deliveries",
    } <= names
    assert [n for n in names if re.search(r"([^aeiou]ys|chs|shs|sss|xs)$", n)] == []
    assert User._meta.verbose_name_plural == "users"
