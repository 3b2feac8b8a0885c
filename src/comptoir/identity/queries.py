"""Tenant-scoped reads of identity records; the memberships are read through `comptoir.platform.queries.members`."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.identity.models import ApiToken, Permission, Role, User
from comptoir.platform.constants import OrganizationStatus
from comptoir.platform.db import ORG_SETTING, prepared_cursor
from comptoir.platform.errors import NotFound

# The organization-wide permissions of the membership `{member}` (a SQL expression); a role assigned within one
# workspace grants nothing organization-wide (fail closed): requests carry no workspace scope yet.
_PERMISSIONS_OF_MEMBER = """ARRAY(
    SELECT DISTINCT p.codename
    FROM identity_memberrole mr
    JOIN identity_role r ON r.id = mr.role_id AND r.is_active AND r.deleted_at IS NULL
    JOIN identity_rolepermission rp ON rp.role_id = r.id
    JOIN identity_permission p ON p.id = rp.permission_id
    WHERE mr.member_id = {member} AND mr.workspace_id IS NULL
)"""

# Up to two active memberships of user %(user)s, the one to use first: the organization %(org)s (id) or
# %(code)s when asked for one, else the default, else the oldest. With each, whether its organization is
# suspended; its permissions and its organization's module switches ({module: enabled}) come along when it
# belongs to the organization in context (elsewhere RLS hides them): NULL then.
_CANDIDATES_SQL = f"""
SELECT m.id, m.organization_id, m.org_role, m.is_default, o.status = '{OrganizationStatus.SUSPENDED}',
       CASE WHEN m.organization_id = {ORG_SETTING} THEN {_PERMISSIONS_OF_MEMBER.format(member="m.id")} END,
       CASE WHEN m.organization_id = {ORG_SETTING} THEN (
           SELECT coalesce(jsonb_object_agg(s.module, s.enabled), '{{}}') FROM platform_moduleswitch s
           WHERE s.organization_id = m.organization_id) END
FROM platform_organizationmember m
JOIN platform_organization o ON o.id = m.organization_id
WHERE m.user_id = %(user)s AND m.is_active
  AND (%(org)s::uuid IS NULL OR m.organization_id = %(org)s::uuid)
  AND (%(code)s::text IS NULL OR upper(o.code) = upper(%(code)s::text))
ORDER BY m.is_default DESC, m.created_at
LIMIT 2
"""  # noqa: S608 (constants only)


@dataclass(frozen=True)
class Membership:
    """An active membership as authentication reads it; `permissions` and `module_switches` None when not read
    yet."""

    id: uuid.UUID
    organization_id: uuid.UUID
    org_role: str
    is_default: bool
    suspended: bool
    permissions: frozenset[str] | None
    module_switches: dict[str, bool] | None


def _wanted(wanted: str | None) -> dict:
    """`X-Organization` (an organization id or code) as query parameters."""
    if not wanted:
        return {"org": None, "code": None}
    try:
        return {"org": uuid.UUID(wanted), "code": None}
    except ValueError:
        return {"org": None, "code": wanted}


def _memberships(rows) -> list[Membership]:
    return [
        Membership(
            *row[:5],
            permissions=None if row[5] is None else frozenset(row[5]),
            module_switches=None if row[6] is None else json.loads(row[6]),  # Django reads jsonb as text
        )
        for row in rows
    ]


def candidate_memberships(user_id: uuid.UUID, wanted: str | None) -> list[Membership]:
    """The memberships `choose_membership` picks from, in one query; run in a context showing the user's
    memberships (the user's own context, or any organization's with the user set)."""
    with prepared_cursor() as cursor:
        cursor.execute(_CANDIDATES_SQL, {"user": user_id, **_wanted(wanted)})
        return _memberships(cursor.fetchall())


def session_identity(session_id, user_id: uuid.UUID, wanted: str | None) -> tuple[User | None, list[Membership]]:
    """For an access token, in one query: its user when the session is live (else None), and the user's
    candidate memberships (as `candidate_memberships`)."""
    fields = list(User._meta.concrete_fields)
    columns = ", ".join(f'u."{f.column}"' for f in fields)
    sql = f"""
        SELECT {columns}, c.*
        FROM identity_authsession s
        JOIN identity_user u ON u.id = s.user_id
        LEFT JOIN LATERAL ({_CANDIDATES_SQL}) c ON true
        WHERE s.id = %(session)s AND s.user_id = %(user)s AND s.revoked_at IS NULL AND s.expires_at > %(now)s
    """  # noqa: S608 (column names from the model)
    with prepared_cursor() as cursor:
        cursor.execute(sql, {"session": session_id, "user": user_id, "now": timezone.now(), **_wanted(wanted)})
        rows = cursor.fetchall()
    if not rows:
        return None, []
    n = len(fields)
    user = User.from_db(connection.alias, [f.attname for f in fields], rows[0][:n])
    return user, _memberships(row[n:] for row in rows if row[n] is not None)


def member_permissions(org_id: uuid.UUID, user_id: uuid.UUID) -> frozenset[str]:
    """The union of the permissions of the user's organization-wide roles in `org_id`, in one query."""
    member = "(SELECT id FROM platform_organizationmember WHERE organization_id = %s AND user_id = %s AND is_active)"
    with prepared_cursor() as cursor:
        cursor.execute(f"SELECT {_PERMISSIONS_OF_MEMBER.format(member=member)}", [org_id, user_id])
        return frozenset(cursor.fetchone()[0])


def roles():
    return Role.objects.filter(deleted_at__isnull=True).annotate(
        permission_codes=ArrayAgg(
            "role_permissions__permission__codename", default=[], order_by="role_permissions__permission__codename"
        )
    )


def access_role(role_id) -> Role:
    role = roles().filter(pk=role_id).first()
    if role is None:
        raise NotFound(_("Role not found"))
    return role


def user_api_tokens(user_id):
    return ApiToken.objects.filter(user_id=user_id)


def permissions(module: str | None = None):
    qs = Permission.objects.all()
    if module:
        qs = qs.filter(module=module)
    return qs
