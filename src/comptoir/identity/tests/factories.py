"""Deterministic builders for the identity tests. Every row is made through the real services."""

from __future__ import annotations

import itertools
import re

from django.core import mail
from tests.support.api import PASSWORD, ApiClient, Tenant

from comptoir.identity.models import ApiToken, Role, User
from comptoir.identity.queries import member_permissions
from comptoir.identity.services import accounts, api_tokens, auth, roles
from comptoir.platform.db import owner_mode
from comptoir.platform.models import Organization, OrganizationMember
from comptoir.platform.tenancy import tenant_context

_n = itertools.count(1)
CODE_RE = re.compile(r"\b(\d{6})\b")


def unique(prefix: str) -> str:
    return f"{prefix}{next(_n)}"


def signup_body(**parts) -> dict:
    """A valid sign-up body; `parts` override the `organization` and `user` dicts field by field."""
    code = unique("acme")
    body = {
        "organization": {"name": f"Acme {code}", "code": code, "country": "FR", "base_currency": "EUR"},
        "user": {"email": f"ada-{code}@example.com", "password": PASSWORD, "first_name": "Ada", "last_name": "L"},
    }
    for key, value in parts.items():
        body[key] = {**body[key], **value}
    return body


def assert_problem(response, status: int, code: str, field: str | None = None) -> dict:
    """The response is an RFC 9457 problem with `code`, and (if given) a field error on `field`."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code, body
    if field is not None:
        fields = {(e["field"], e["code"]) for e in body["errors"]}
        assert any(f == field for f, _ in fields), body
    return body


def field_errors(response) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


def codes_sent_to(email: str) -> list[str]:
    """The 6-digit codes of the e-mails sent to `email`, oldest first."""
    return [m for msg in mail.outbox if email in msg.to for m in CODE_RE.findall(msg.body)]


def organization_count() -> int:
    """Every organization in the database (read as the owner, past row-level security)."""
    with owner_mode():
        return Organization.objects.count()


def client_for(user, organization: str | None = None) -> ApiClient:
    return ApiClient(auth.issue_tokens(user=user).access, organization=organization)


def sign_in(email: str, password: str = PASSWORD) -> dict:
    """A token pair through the real endpoint."""
    response = ApiClient().post("auth/token", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return response.json()


def new_user(email: str | None = None, *, status: str = "ACTIVE", password: str | None = PASSWORD) -> User:
    return User.objects.create_user(email or f"{unique('user')}@example.com", password, status=status)


def add_member(tenant: Tenant, user: User | None = None, *, org_role: str = "EMPLOYEE") -> OrganizationMember:
    user = user or new_user()
    with tenant_context(tenant.organization, user=tenant.owner):
        return accounts.add_member(actor=tenant.owner, user=user, org_role=org_role)


def member_of(tenant: Tenant, user) -> OrganizationMember:
    with tenant_context(tenant.organization):
        return OrganizationMember.objects.get(user=user)


def role_named(tenant: Tenant, code: str) -> Role:
    with tenant_context(tenant.organization):
        return Role.objects.get(code=code, deleted_at__isnull=True)


def make_role(tenant: Tenant, code: str | None = None, permissions: list[str] | None = None) -> Role:
    code = code or unique("ROLE_")
    with tenant_context(tenant.organization, user=tenant.owner):
        return roles.create_role(
            actor=tenant.owner, code=code, name=f"Role {code}", permissions=permissions or ["platform.view_workspace"]
        )


def assign(tenant: Tenant, member: OrganizationMember, role: Role) -> None:
    with tenant_context(tenant.organization, user=tenant.owner):
        roles.assign_role(actor=tenant.owner, member_id=member.pk, role_id=role.pk)


def make_api_token(tenant: Tenant, user=None, *, scopes: list[str] | None = None, **kw) -> tuple[ApiToken, str]:
    user = user or tenant.owner
    with tenant_context(tenant.organization, user=user):
        return api_tokens.create_api_token(
            actor=user,
            held_permissions=member_permissions(tenant.organization.pk, user.pk),
            name=kw.pop("name", unique("token")),
            scopes=scopes or [],
            **kw,
        )
