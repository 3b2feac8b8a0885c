"""Every model of platform and identity has an admin page that opens for an owner, shows no secret, and lists
its rows with a fixed number of queries."""

import pytest
from django.db import connection

from comptoir.identity.models import (
    ApiToken,
    AuthSession,
    MemberRole,
    Permission,
    Role,
    User,
)
from comptoir.platform.admin_site import site
from comptoir.platform.models import (
    Country,
    Currency,
    ExchangeRate,
    Organization,
    OrganizationAddress,
    OrganizationFeature,
    OrganizationMember,
    UnitOfMeasure,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

# The tenancy and identity models; RolePermission is edited on its role's page (the permissions widget).
MODELS = [
    Organization,
    Workspace,
    OrganizationMember,
    WorkspaceMember,
    OrganizationFeature,
    OrganizationAddress,
    ExchangeRate,
    Country,
    Currency,
    UnitOfMeasure,
    User,
    Role,
    MemberRole,
    Permission,
    AuthSession,
    ApiToken,
]


# What an owner may add from the admin; the add page of the rest is absent (sign-up, tokens, read-only pages).
ADDABLE = {Workspace, OrganizationMember, WorkspaceMember, OrganizationAddress, ExchangeRate, Role, MemberRole}


def test_every_tenancy_and_identity_model_is_registered():
    assert [m.__name__ for m in MODELS if m not in site._registry] == []


def test_index_lists_both_apps(tenant, owner_browser):
    response = owner_browser.get("/admin/")
    assert response.status_code == 200
    assert "/admin/platform/workspace/" in response.content.decode()
    assert "/admin/identity/role/" in response.content.decode()


def test_every_changelist_and_first_row_open_for_an_owner(tenant, populated, owner_browser):
    """One scenario over all pages (building the data once): list, first row, and the add form if allowed."""
    for model in MODELS:
        name = model.__name__
        response = owner_browser.get(admin_url(model))
        assert response.status_code == 200, name
        changelist = response.context["cl"]
        assert changelist.result_count >= 1, f"{name}: no row listed"
        row = changelist.result_list[0]
        assert owner_browser.get(admin_url(model, "change", row.pk)).status_code == 200, name
        add = owner_browser.get(admin_url(model, "add"))
        assert add.status_code == (200 if model in ADDABLE else 404), name


def test_no_secret_reaches_a_page(tenant, populated, owner_browser):
    with tenant_context(tenant.organization):
        token = ApiToken.objects.get(pk=populated["token"].pk)
    session = AuthSession.objects.filter(user=tenant.owner).first()
    pages = [
        owner_browser.get(admin_url(ApiToken)),
        owner_browser.get(admin_url(ApiToken, "change", token.pk)),
        owner_browser.get(admin_url(AuthSession)),
        owner_browser.get(admin_url(AuthSession, "change", session.pk)),
    ]
    secrets = [token.token_hash, populated["secret"], session.refresh_token_hash]
    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        assert not [s for s in secrets if s and s in body]
    assert token.token_prefix in pages[1].content.decode()


def test_global_masters_and_permissions_are_read_only_for_an_owner(tenant, owner_browser):
    for model in (Currency, Country, UnitOfMeasure, Permission):
        request = owner_browser.get(admin_url(model)).wsgi_request
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
        absent = owner_browser.get(admin_url(model, "add"))
        assert absent.status_code == 404
        assert 'id="not-here"' in absent.content.decode()


@pytest.mark.parametrize("model", [OrganizationMember, ApiToken, AuthSession], ids=lambda m: m.__name__)
def test_changelist_queries_do_not_grow_with_rows(tenant, model):
    client = browser(tenant.owner)
    client.get(admin_url(model))  # warm caches (content types, permissions)

    def count() -> int:
        with CaptureStatements(connection) as queries:
            assert client.get(admin_url(model)).status_code == 200
        return len(queries)

    member_client(tenant, org_role="MANAGER")
    few = count()
    for _ in range(3):
        member_client(tenant, org_role="EMPLOYEE")
        with tenant_context(tenant.organization, user=tenant.owner):
            from comptoir.identity.queries import member_permissions
            from comptoir.identity.services import api_tokens

            api_tokens.create_api_token(
                actor=tenant.owner,
                held_permissions=member_permissions(tenant.organization.pk, tenant.owner.pk),
                name="another",
                scopes=[],
            )
    assert count() == few
