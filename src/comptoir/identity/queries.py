"""Tenant-scoped reads of identity records."""

from __future__ import annotations

import uuid

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.db.models import Q

from comptoir.identity.models import ApiToken, Permission, Role
from comptoir.platform.constants import OrgRole
from comptoir.platform.errors import NotFound
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import user_context

_PERMISSIONS_SQL = """
SELECT DISTINCT p.codename
FROM platform_organizationmember m
JOIN identity_memberrole mr ON mr.member_id = m.id
JOIN identity_role r ON r.id = mr.role_id AND r.is_active AND r.deleted_at IS NULL
JOIN identity_rolepermission rp ON rp.role_id = r.id
JOIN identity_permission p ON p.id = rp.permission_id
WHERE m.organization_id = %s AND m.user_id = %s AND m.is_active AND mr.workspace_id IS NULL
"""


def member_permissions(org_id: uuid.UUID, user_id: uuid.UUID) -> frozenset[str]:
    """The union of the permissions of the user's organization-wide roles, in one query. A role assigned within
    one workspace grants nothing organization-wide (fail closed): requests carry no workspace scope yet."""
    with connection.cursor() as cursor:
        cursor.execute(_PERMISSIONS_SQL, [org_id, user_id])
        return frozenset(row[0] for row in cursor.fetchall())


def is_owner(user) -> bool:
    """Whether `user` is an active OWNER of the organization in context."""
    return OrganizationMember.objects.filter(user=user, org_role=OrgRole.OWNER, is_active=True).exists()


def members(*, org_role=None, is_active=None, search=None):
    qs = OrganizationMember.objects.select_related("user")
    if org_role:
        qs = qs.filter(org_role=org_role)
    if is_active is not None:
        qs = qs.filter(is_active=is_active)
    if search:
        qs = qs.filter(
            Q(user__email__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    return qs


def access_member(member_id) -> OrganizationMember:
    member = members().filter(pk=member_id).first()
    if member is None:
        raise NotFound("Member not found")
    return member


def roles():
    return Role.objects.filter(deleted_at__isnull=True).annotate(
        permission_codes=ArrayAgg(
            "role_permissions__permission__codename", default=[], order_by="role_permissions__permission__codename"
        )
    )


def access_role(role_id) -> Role:
    role = roles().filter(pk=role_id).first()
    if role is None:
        raise NotFound("Role not found")
    return role


def user_api_tokens(user_id):
    return ApiToken.objects.filter(user_id=user_id)


def permissions(module: str | None = None):
    qs = Permission.objects.all()
    if module:
        qs = qs.filter(module=module)
    return qs


def memberships_of(user) -> list:
    """Every active membership of `user`, with its organization (read in the user's RLS context)."""
    with user_context(user):
        return list(
            OrganizationMember.unscoped.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("-is_default", "created_at")
        )
