"""Helpers of the admin tests: a browser session per user, admin URLs, and an organization with a row in
every table the admin shows (built through the real services where one exists: `populate` for the tenancy and
identity tables, `build_records` for the books and the cross-cutting records)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django import forms as django_forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comptoir.accounting.models import BankAccount, FiscalYear
from comptoir.accounting.services import create_and_post
from comptoir.accounting.services.banks import (
    BankAccountInput,
    ColumnMapping,
    create_bank_account,
    import_bank_statement,
)
from comptoir.accounting.services.budgets import BudgetInput, create_budget
from comptoir.accounting.services.chart import AccountInput, CostCenterInput, create_account, create_cost_center
from comptoir.accounting.services.taxes import TaxComponentInput, TaxRateInput, create_tax_rate
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.identity.queries import member_permissions
from comptoir.identity.services import api_tokens, roles
from comptoir.parties.models import Party, PartyBankAccount
from comptoir.parties.services.children import BankAccountInput as PartyBankAccountInput
from comptoir.parties.services.children import ContactInput, create_contact
from comptoir.parties.services.children import create_bank_account as create_bank_account_of_party
from comptoir.parties.services.parties import PartyInput, create_party
from comptoir.parties.services.tax_ids import kz_check_digit
from comptoir.platform.models import (
    Country,
    Currency,
    ExchangeRate,
    OrganizationAddress,
    OrganizationMember,
    Setting,
    WebhookSubscription,
    WorkspaceMember,
)
from comptoir.platform.services import WorkspaceInput, create_workspace
from comptoir.platform.services.attachments import upload_attachment
from comptoir.platform.services.calendar import CalendarEventInput, create_calendar_event
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.services.events import emit_event
from comptoir.platform.services.notifications import notify
from comptoir.platform.services.numbering import next_number
from comptoir.platform.services.webhooks import WebhookInput, create_webhook_subscription
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin_url(model, view: str = "changelist", *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def populate(tenant, label: str = "") -> dict:
    """One row of each kind in `tenant`, named after `label` so a page can be searched for it."""
    label = label or tenant.code
    owner = tenant.owner
    member_user, _api = member_client(tenant, org_role="MANAGER", email=f"manager-{label}@example.com")
    with tenant_context(tenant.organization, user=owner):
        workspace = create_workspace(actor=owner, data=WorkspaceInput(name=f"Branch {label}", type="BRANCH"))
        WorkspaceMember.objects.create(workspace=workspace, user=member_user, created_by=owner)
        role = roles.create_role(
            actor=owner, code=f"ROLE_{label}".upper(), name=f"Role {label}", permissions=["platform.view_workspace"]
        )
        member = OrganizationMember.objects.get(user=member_user)
        roles.assign_role(actor=owner, member_id=member.pk, role_id=role.pk)
        OrganizationAddress.objects.create(
            address_type="REGISTERED",
            line1=f"1 rue {label}",
            city="Lyon",
            country=Country.objects.get(code="FR"),
            created_by=owner,
        )
        ExchangeRate.objects.create(
            from_currency=Currency.objects.get(code="EUR"),
            to_currency=Currency.objects.get(code="USD"),
            rate=Decimal("1.08500000"),
            rate_date=datetime.date(2026, 1, 15),
            source=f"ECB {label}",
            created_by=owner,
        )
        token, secret = api_tokens.create_api_token(
            actor=owner,
            held_permissions=member_permissions(tenant.organization.pk, owner.pk),
            name=f"Token {label}",
            scopes=["platform.view_workspace"],
        )
    response = tenant.api.post(
        "platform/workspaces", {"name": f"Idem {label}"}, headers={"Idempotency-Key": f"idem-{label}"}
    )
    assert response.status_code == 201
    return {
        "workspace": workspace,
        "member_user": member_user,
        "member": member,
        "role": role,
        "token": token,
        "secret": secret,
    }


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
STATEMENT = "Date,Amount,Details,Ref,Balance\n{day},250.00,Deposit {label},REF-{label},250.00\n"
MAPPING = ColumnMapping(date="Date", amount="Amount", description="Details", reference="Ref", balance="Balance")


def _iin() -> str:
    """A valid Kazakh IIN (born 12 May 1985), new at each call."""
    while True:
        head = f"8505123{uuid.uuid4().int % 10_000:04d}"
        if kz_check_digit(head) is not None:
            return f"{head}{kz_check_digit(head)}"


def build_records(tenant, label: str) -> dict:
    """One row of each kind of the books and the cross-cutting records in `tenant` (through the services), named after
    `label`; returns the secrets. Attachments are stored under MEDIA_ROOT (the `media_root` fixture)."""
    owner = tenant.owner
    member, _api = member_client(tenant, org_role="ADMIN", email=f"member-{label}@example.com")
    number = "ZZ" + uuid.uuid4().hex[:18].upper()
    iban = "FR76" + uuid.uuid4().hex[:19].upper()
    iin = _iin()
    with tenant_context(tenant.organization, user=owner):
        workspace = create_workspace(actor=owner, data=WorkspaceInput(name=f"Branch {label}"))
        next_number(document_type=f"doc-{label}", on=IN_YEAR)
        center = create_cost_center(actor=owner, data=CostCenterInput(code=f"CC-{label}", name=f"Center {label}"))
        create_account(
            actor=owner, data=AccountInput(code=f"B-{label}", name=f"Bank {label}", group="11", account_type="BANK")
        )
        bank = create_bank_account(
            actor=owner,
            data=BankAccountInput(account=f"B-{label}", account_name=f"Bank {label}", account_number=number, iban=iban),
        )
        create_and_post(actor=owner, data=entry_data((f"B-{label}", "DR", "100.00"), ("4000", "CR", "100.00")))
        import_bank_statement(
            actor=owner,
            bank_account_id=bank.pk,
            csv_text=STATEMENT.format(day=IN_YEAR.isoformat(), label=label),
            mapping=MAPPING,
        )
        create_tax_rate(
            actor=owner,
            data=TaxRateInput(
                code=f"GST-{label}",
                name=f"GST {label}",
                rate=Decimal(18),
                effective_from=datetime.date(IN_YEAR.year, 1, 1),
                components=(
                    TaxComponentInput(code=f"CGST-{label}", name="Central", rate=Decimal(9)),
                    TaxComponentInput(code=f"SGST-{label}", name="State", rate=Decimal(9)),
                ),
            ),
        )
        year = FiscalYear.objects.get(is_current=True)
        create_budget(
            actor=owner,
            data=BudgetInput(
                name=f"Budget {label}",
                fiscal_year=str(year.pk),
                cost_center=center.code,
                allocated_amount=Decimal("1000.00"),
            ),
        )
        set_setting(actor=owner, key=f"shop.greeting.{label}", value=f"hello {label}", data_type="STRING")
        set_setting(
            actor=owner, key=f"shop.api_key.{label}", value=f"s3cret-{label}", data_type="STRING", is_secret=True
        )
        notify(user=owner, title=f"Note {label}")
        notify(user=member, title=f"Private {label}")
        start = timezone.now() + datetime.timedelta(days=1)
        event = CalendarEventInput(
            title=f"Meeting {label}",
            start_time=start,
            end_time=start + datetime.timedelta(hours=1),
            attendees=[member.pk],
        )
        create_calendar_event(actor=owner, data=event)
        create_calendar_event(
            actor=member, data=CalendarEventInput(title=f"Dentist {label}", start_time=start, end_time=start)
        )
        subscription, secret = create_webhook_subscription(
            actor=owner,
            data=WebhookInput(url=f"https://hooks.example.com/{label}", event_types=["accounting.journal_entry.*"]),
        )
        emit_event(event_type="accounting.journal_entry.posted", payload={"label": label}, source=workspace)
        upload = SimpleUploadedFile(f"note-{label}.pdf", PDF)
        upload_attachment(actor=owner, owner_type="platform.workspace", owner_id=workspace.pk, upload=upload)
        party = create_party(actor=owner, data=PartyInput(name=f"Customer {label}", party_type="CUSTOMER", iin=iin))
        create_contact(actor=owner, party_id=party.pk, data=ContactInput(first_name="Ada", last_name=label))
        party_bank = create_bank_account_of_party(
            actor=owner, party_id=party.pk, data=PartyBankAccountInput(account_number=f"77{number[2:]}")
        )
        bank = BankAccount.objects.get(pk=bank.pk)
        secrets = [
            iin,
            Party.objects.get(pk=party.pk).iin_encrypted,
            PartyBankAccount.objects.get(pk=party_bank.pk).account_number_encrypted,
            secret,
            WebhookSubscription.objects.get(pk=subscription.pk).encrypted_secret,
            f"s3cret-{label}",
            Setting.objects.get(key=f"shop.api_key.{label}").encrypted_value,
            number[:-4],
            bank.account_number_encrypted,
            bank.account_number_hash,
        ]
    return {"member": member, "secrets": secrets, "last4": number[-4:], "iban": iban}


def form_data(response, **overrides) -> dict:
    """The POST body a browser would send for the admin form on `response` (its current values, inline
    formsets included), with `overrides` applied."""
    forms_on_page = [response.context["adminform"].form]
    data: dict = {}
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        forms_on_page.append(formset.management_form)
        forms_on_page.extend(formset.forms)
    for form in forms_on_page:
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if field.disabled or value is None or value is False:
                continue
            if isinstance(field, django_forms.SplitDateTimeField):
                data[f"{bound.html_name}_0"], data[f"{bound.html_name}_1"] = value.date(), value.time()
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "on" if value is True else value
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
