"""A JSON client for the API, and tenants built through the real sign-up service."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from django.test import Client

from comptoir.identity.services import accounts, auth
from comptoir.platform.services import OrganizationInput

PASSWORD = "correct-horse-battery-staple"
_counter = itertools.count(1)


class ApiClient:
    def __init__(self, token: str | None = None, organization: str | None = None):
        self.client = Client()
        self.token = token
        self.organization = organization

    def _headers(self, headers: dict | None) -> dict:
        out = {}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        if self.organization:
            out["X-Organization"] = self.organization
        out.update(headers or {})
        return out

    def request(
        self, method: str, path: str, body=None, *, headers: dict | None = None, raw: bytes | str | None = None, **query
    ):
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs = {"headers": self._headers(headers)}
        if method in ("get", "delete") and query:
            kwargs["data"] = query
        elif raw is not None:
            kwargs.update(data=raw, content_type="application/json")
        elif body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path, **query):
        return self.request("get", path, **query)

    def post(self, path, body=None, **kw):
        return self.request("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("delete", path, **kw)


@dataclass
class Tenant:
    organization: object
    owner: object
    api: ApiClient

    @property
    def code(self) -> str:
        return self.organization.code


def make_tenant(
    code: str | None = None, *, country: str = "FR", currency: str | None = None, email: str | None = None
) -> Tenant:
    n = next(_counter)
    code = code or f"org{n}"
    org, user = accounts.sign_up(
        organization=OrganizationInput(name=f"Organization {code}", code=code, country=country, base_currency=currency),
        user=accounts.UserInput(
            email=email or f"owner{n}-{code}@example.com", password=PASSWORD, first_name="Olive", last_name="Owner"
        ),
    )
    pair = auth.issue_tokens(user=user)
    return Tenant(org, user, ApiClient(pair.access))


def join(tenant: Tenant, user, *, org_role: str = "EMPLOYEE"):
    """Make an existing user an active member of `tenant` at once (as if an invitation had been accepted)."""
    from comptoir.platform.tenancy import tenant_context

    with tenant_context(tenant.organization, user=tenant.owner):
        return accounts.add_member(actor=tenant.owner, user=user, org_role=org_role)


def member_client(
    tenant: Tenant, *, org_role: str = "EMPLOYEE", roles: list[str] | None = None, email: str | None = None
) -> tuple[object, ApiClient]:
    """A second user of `tenant` with `org_role`, signed in."""
    from comptoir.identity.models import User
    from comptoir.platform.tenancy import tenant_context

    n = next(_counter)
    user = User.objects.create_user(email or f"member{n}@example.com", PASSWORD, status="ACTIVE")
    join(tenant, user, org_role=org_role)
    with tenant_context(tenant.organization, user=tenant.owner):
        if roles:
            from comptoir.identity.models import Role
            from comptoir.identity.services.roles import assign_role
            from comptoir.platform.models import OrganizationMember

            member = OrganizationMember.objects.get(user=user)
            for code in roles:
                assign_role(actor=tenant.owner, member_id=member.pk, role_id=Role.objects.get(code=code).pk)
    return user, ApiClient(auth.issue_tokens(user=user).access)
