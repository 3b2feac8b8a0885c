"""Memberships: the members of the organization in context, and a user's memberships across organizations."""

from __future__ import annotations

from contextlib import nullcontext

from django.db.models import Q
from django.utils.translation import gettext as _

from comptoir.platform.constants import OrgRole
from comptoir.platform.errors import NotFound
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import current_user_id, user_context


def members(*, org_role=None, is_active=None, search=None):
    """The members of the organization in context with their user, filtered by role, activity and a search in
    the user's e-mail and names."""
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
        raise NotFound(_("Member not found"))
    return member


def is_owner(user) -> bool:
    """Whether `user` is an active OWNER of the organization in context."""
    return OrganizationMember.objects.filter(user=user, org_role=OrgRole.OWNER, is_active=True).exists()


def memberships_of(user) -> list[OrganizationMember]:
    """Every active membership of `user`, with its organization: RLS shows them wherever the user is set (in the
    user's own context, or in an organization's with that user)."""
    with nullcontext() if current_user_id() == user.pk else user_context(user):
        return list(
            OrganizationMember.unscoped.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("-is_default", "created_at")
        )
