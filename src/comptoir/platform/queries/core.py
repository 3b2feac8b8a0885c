"""Tenant-scoped reads of the platform app."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.platform.db import fetch_rows
from comptoir.platform.errors import NotFound
from comptoir.platform.models import Country, Currency, Organization, OrganizationMember, UnitOfMeasure, Workspace
from comptoir.platform.tenancy import require_org_id, user_context


def organization_ids(using: str = "default") -> list:
    """The ids of every organization (global: no tenant context needed), e.g. to seed each after a migration."""
    return list(Organization.objects.using(using).values_list("id", flat=True))


def current_organization() -> Organization:
    return Organization.objects.select_related("country", "base_currency").get(pk=require_org_id())


def base_currency() -> Currency:
    """The current organization's base currency (one prepared statement)."""
    sql = f"id = (SELECT o.base_currency_id FROM {Organization._meta.db_table} o WHERE o.id = %s)"  # noqa: S608
    return fetch_rows(Currency, sql, [require_org_id()])[0]


def workspaces(*, status=None, type=None, search=None):
    qs = Workspace.objects.filter(deleted_at__isnull=True)
    if status:
        qs = qs.filter(status=status)
    if type:
        qs = qs.filter(type=type)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return qs


def default_workspace_id():
    """The id of the current organization's default workspace."""
    return Workspace.default_id()


def default_organization_id(user):
    """The organization of `user`'s active default membership, or None."""
    with user_context(user):
        return (
            OrganizationMember.unscoped.filter(user=user, is_active=True, is_default=True)
            .values_list("organization_id", flat=True)
            .first()
        )


def access_workspace(workspace_id) -> Workspace:
    """The workspace of the current organization, or NotFound (also for another organization's)."""
    ws = workspaces().filter(pk=workspace_id).first()
    if ws is None:
        raise NotFound(_("Workspace not found"))
    return ws


def currencies(search: str | None = None):
    qs = Currency.objects.filter(is_active=True)
    if search:
        qs = qs.filter(Q(code__iexact=search) | Q(name__icontains=search))
    return qs


def countries(search: str | None = None):
    qs = Country.objects.select_related("default_currency")
    if search:
        qs = qs.filter(Q(code__iexact=search) | Q(name__icontains=search))
    return qs


def units(category: str | None = None):
    qs = UnitOfMeasure.objects.all()
    if category:
        qs = qs.filter(category=category)
    return qs


def currencies_by_code(codes) -> dict[str, Currency]:
    """The currencies of the ISO `codes` that exist (active or not), by code."""
    return {c.code: c for c in Currency.objects.filter(code__in=codes)}


def organization_codes() -> list[tuple]:
    """(id, code) of each organization the connection sees, by code: every one in `owner_mode()`."""
    return list(Organization.objects.order_by("code").values_list("id", "code"))
