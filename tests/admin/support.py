"""Helpers of the admin tests: a browser session per user, admin URLs, and an organization with a row in
every table the admin shows (built through the real services where one exists)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms as django_forms
from django.test import Client
from django.urls import reverse

from comptoir.identity.queries import member_permissions
from comptoir.identity.services import api_tokens, roles
from comptoir.platform.models import (
    Country,
    Currency,
    ExchangeRate,
    OrganizationAddress,
    OrganizationMember,
    WorkspaceMember,
)
from comptoir.platform.services import WorkspaceInput, create_workspace
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
