"""RBAC: the permission catalogue, role templates, custom roles and role assignment."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.identity.models import MemberRole, Permission, Role, RolePermission
from comptoir.identity.permissions import permission_catalogue, role_templates, template_codenames
from comptoir.platform.constants import OrgRole
from comptoir.platform.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from comptoir.platform.ids import uuid7
from comptoir.platform.queries.core import organization_ids, workspaces
from comptoir.platform.queries.members import is_owner, members
from comptoir.platform.tenancy import require_org_id, tenant_context


def sync_permission_catalogue(using: str = "default") -> None:
    """Write the catalogue generated from the code to the Permission table, then give every organization's
    system roles the permissions their templates match (run after each migrate)."""
    catalogue = permission_catalogue()
    existing = set(Permission.objects.using(using).values_list("codename", flat=True))
    Permission.objects.using(using).bulk_create(
        [Permission(codename=c, name=n, module=m) for c, (n, m) in catalogue.items() if c not in existing]
    )
    Permission.objects.using(using).exclude(codename__in=list(catalogue)).delete()
    for org_id in organization_ids(using):
        with tenant_context(org_id):
            seed_role_templates()


def seed_role_templates(actor=None) -> dict[str, Role]:
    """Create the organization's system roles from the role templates and make their permissions exactly what the
    templates grant (system roles follow their template)."""
    org_id = require_org_id()
    permissions = dict(Permission.objects.values_list("codename", "id"))
    with transaction.atomic():
        roles = {r.code: r for r in Role.objects.filter(is_system=True, deleted_at__isnull=True)}
        missing = [
            Role(
                organization_id=org_id,
                code=code,
                name=name,
                description=description,
                is_system=True,
                created_by=actor,
            )
            for code, (name, description, _patterns) in role_templates().items()
            if code not in roles
        ]
        roles.update({role.code: role for role in Role.objects.bulk_create(missing)})
        wanted = {
            (role.pk, permissions[codename])
            for code, role in roles.items()
            for codename in template_codenames(code, permissions)
        }
        current = {
            (role_id, perm_id): pk
            for pk, role_id, perm_id in RolePermission.objects.filter(role__in=roles.values()).values_list(
                "pk", "role_id", "permission_id"
            )
        }
        stale = [pk for key, pk in current.items() if key not in wanted]
        if stale:
            RolePermission.objects.filter(pk__in=stale).delete()
        _grant(org_id, actor, sorted(wanted - current.keys()))
    return roles


def _grant(org_id, actor, pairs: list[tuple]) -> None:
    """Insert the (role, permission) rows in one statement: a new organization's roles take about two thousand,
    which the ORM's bulk_create builds ten times slower."""
    if not pairs:
        return
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO identity_rolepermission "
            "(id, organization_id, role_id, permission_id, created_at, updated_at, created_by_id, updated_by_id) "
            "SELECT id, %s, role_id, permission_id, %s, %s, %s, %s "
            "FROM unnest(%s::uuid[], %s::uuid[], %s::uuid[]) AS t(id, role_id, permission_id)",
            [
                org_id,
                now,
                now,
                actor.pk if actor else None,
                actor.pk if actor else None,
                [uuid7() for _pair in pairs],
                [role_id for role_id, _perm in pairs],
                [perm_id for _role, perm_id in pairs],
            ],
        )


def template_role(code: str, *, actor=None) -> Role:
    """The organization's system role of template `code`; the templates are seeded when it is missing."""
    role = Role.objects.filter(code=code, is_system=True, deleted_at__isnull=True).first()
    return role or seed_role_templates(actor=actor)[code]


def _permission_ids(codenames: list[str]) -> list:
    found = dict(Permission.objects.filter(codename__in=codenames).values_list("codename", "id"))
    unknown = sorted(set(codenames) - set(found))
    if unknown:
        raise ValidationFailed(
            _("Unknown permissions: %(unknown)s") % {"unknown": ", ".join(unknown)},
            code="unknown_permission",
            field="permissions",
        )
    return list(found.values())


def create_role(*, actor, code: str, name: str, description: str = "", permissions: list[str]) -> Role:
    code = (code or "").strip().upper()
    if not code or not code.replace("_", "").isalnum():
        raise ValidationFailed(_("Code must be letters, digits and '_'"), code="invalid_code", field="code")
    if not (name or "").strip():
        raise ValidationFailed(_("Name is required"), code="required", field="name")
    with transaction.atomic():
        live = Role.objects.filter(deleted_at__isnull=True)
        if live.filter(code=code).exists():
            raise ValidationFailed(_("Role code '%(code)s' exists") % {"code": code}, code="duplicate", field="code")
        if live.filter(name=name.strip()).exists():
            raise ValidationFailed(_("Role name '%(name)s' exists") % {"name": name}, code="duplicate", field="name")
        ids = _permission_ids(permissions)
        role = Role.objects.create(
            code=code, name=name.strip(), description=description, created_by=actor, updated_by=actor
        )
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, permission_id=i, organization_id=role.organization_id) for i in ids]
        )
    return role


def update_role(
    *,
    actor,
    role_id,
    name: str | None = None,
    description: str | None = None,
    permissions: list[str] | None = None,
    is_active: bool | None = None,
) -> Role:
    with transaction.atomic():
        role = Role.objects.select_for_update().filter(pk=role_id, deleted_at__isnull=True).first()
        if role is None:
            raise NotFound(_("Role not found"))
        if role.is_system and (permissions is not None or is_active is False):
            raise Conflict(_("System roles follow their template"), code="system_role", field="permissions")
        if name is not None:
            if not name.strip():
                raise ValidationFailed(_("Name is required"), code="required", field="name")
            if Role.objects.filter(name=name.strip(), deleted_at__isnull=True).exclude(pk=role.pk).exists():
                raise ValidationFailed(
                    _("Role name '%(name)s' exists") % {"name": name}, code="duplicate", field="name"
                )
            role.name = name.strip()
        if description is not None:
            role.description = description
        if is_active is not None:
            role.is_active = is_active
        role.updated_by = actor
        role.save()
        if permissions is not None:
            ids = _permission_ids(permissions)
            RolePermission.objects.filter(role=role).delete()
            RolePermission.objects.bulk_create(
                [RolePermission(role=role, permission_id=i, organization_id=role.organization_id) for i in ids]
            )
    return role


def delete_role(*, actor, role_id) -> None:
    with transaction.atomic():
        role = Role.objects.select_for_update().filter(pk=role_id, deleted_at__isnull=True).first()
        if role is None:
            raise NotFound(_("Role not found"))
        if role.is_system:
            raise Conflict(_("System roles cannot be deleted"), code="system_role")
        if MemberRole.objects.filter(role=role).exists():
            raise Conflict(_("The role is still assigned to members"), code="role_in_use")
        role.deleted_at = timezone.now()
        role.is_active = False
        role.updated_by = actor
        role.save(update_fields=["deleted_at", "is_active", "updated_by", "updated_at"])


def check_can_grant(actor, role: Role, *, field: str = "role") -> None:
    """Only an owner grants or withdraws the OWNER role template."""
    if role.is_system and role.code == OrgRole.OWNER and not is_owner(actor):
        raise PermissionDenied(_("Only an owner can grant or remove ownership"), code="owner_only", field=field)


def _owner_count(exclude_member_id=None) -> int:
    qs = MemberRole.objects.filter(role__code="OWNER", role__is_system=True, member__is_active=True)
    if exclude_member_id:
        qs = qs.exclude(member_id=exclude_member_id)
    return qs.values("member_id").distinct().count()


def assign_role(*, actor, member_id, role_id, workspace_id=None) -> MemberRole:
    with transaction.atomic():
        member = members().filter(pk=member_id).first()
        if member is None:
            raise NotFound(_("Member not found"), field="member")
        role = Role.objects.filter(pk=role_id, deleted_at__isnull=True).first()
        if role is None:
            raise NotFound(_("Role not found"), field="role")
        check_can_grant(actor, role)
        if workspace_id and not workspaces().filter(pk=workspace_id).exists():
            raise NotFound(_("Workspace not found"), field="workspace")
        existing = MemberRole.objects.filter(member=member, role=role, workspace_id=workspace_id).first()
        if existing:
            return existing
        return MemberRole.objects.create(member=member, role=role, workspace_id=workspace_id, created_by=actor)


def unassign_role(*, actor, member_id, role_id, workspace_id=None) -> None:
    with transaction.atomic():
        assignment = (
            MemberRole.objects.select_for_update()
            .filter(Q(member_id=member_id, role_id=role_id) & Q(workspace_id=workspace_id))
            .select_related("role")
            .first()
        )
        if assignment is None:
            raise NotFound(_("The member does not hold this role"))
        check_can_grant(actor, assignment.role)
        if assignment.role.code == "OWNER" and assignment.role.is_system and _owner_count(member_id) == 0:
            raise Conflict(_("An organization keeps at least one active owner"), code="last_owner")
        assignment.delete()
