"""The membership rows of an organization: a user joins or is invited, a member's role or activity changes, an
invitation is withdrawn or accepted. The rules around them (role templates, owners, invitation codes) are
identity's (`comptoir.identity.services.accounts`), which calls these inside its own transaction."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import tenant_context, user_context


def add_membership(
    *, actor, user, org_role: str, is_default: bool = False, invited: bool = False
) -> OrganizationMember:
    """Make `user` a member of the organization in context; an invited member stays inactive and not joined until
    it accepts (`join_invited_organizations`). A user is a member of an organization once."""
    if OrganizationMember.objects.filter(user=user).exists():
        raise ValidationFailed(_("This user is already a member"), code="duplicate", field="email")
    return OrganizationMember.objects.create(
        user=user,
        org_role=org_role,
        is_default=is_default,
        is_active=not invited,
        joined_at=None if invited else timezone.now(),
        invited_by=actor if invited else None,
        created_by=actor,
    )


def change_membership(
    *, actor, member: OrganizationMember, org_role: str | None = None, is_active: bool | None = None
) -> OrganizationMember:
    """Save a member's new organization role and/or activity (None: unchanged). The caller holds the member's lock
    (`comptoir.platform.locks.lock_member`) and has applied its rules."""
    if org_role is not None:
        member.org_role = org_role
    if is_active is not None:
        member.is_active = is_active
    member.updated_by = actor
    member.save()
    return member


def withdraw_invitation(*, member: OrganizationMember) -> None:
    """Delete the membership of an invitation not accepted yet (`member.awaits_acceptance`); a member who joined is
    deactivated instead (`change_membership`)."""
    member.delete()


def join_invited_organizations(*, user) -> None:
    """`user` joins every organization whose invitation is pending: the memberships become active, joined now."""
    with user_context(user):
        pending = list(OrganizationMember.unscoped.filter(user=user, is_active=False, joined_at__isnull=True))
    for membership in pending:
        with tenant_context(membership.organization_id, user=user):
            OrganizationMember.objects.filter(pk=membership.pk).update(is_active=True, joined_at=timezone.now())
