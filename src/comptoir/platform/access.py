"""Who is calling: the actor resolved by authentication, and the permission guard every endpoint calls."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from comptoir.platform.errors import NotAuthenticated, PermissionDenied

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Actor:
    user: object
    organization_id: uuid.UUID | None
    member_id: uuid.UUID | None = None
    org_role: str = ""
    permissions: frozenset[str] = field(default_factory=frozenset)
    organization_suspended: bool | None = None  # None: not read with the membership, asked when needed
    module_switches: Mapping[str, bool] | None = None  # the organization's switch rows, when read with it
    auth_method: str = "access_token"  # access_token | api_token | session
    session_id: uuid.UUID | None = None
    ip_address: str | None = None
    user_agent: str = ""

    @property
    def user_id(self) -> uuid.UUID:
        return self.user.pk

    def can(self, codename: str) -> bool:
        return codename in self.permissions


def actor_of(request) -> Actor:
    actor = getattr(request, "actor", None)
    if actor is None:
        raise NotAuthenticated(_("Sign in or send an access token"))
    return actor


def authorize(request, codename: str) -> Actor:
    """The request's actor, if it holds `codename` in its current organization; else 401/403."""
    actor = actor_of(request)
    if actor.organization_id is None:
        raise PermissionDenied(_("Choose an organization with the X-Organization header"), code="organization_required")
    if not actor.can(codename):
        raise PermissionDenied(_("Missing permission %(codename)s") % {"codename": codename})
    if request.method not in SAFE_METHODS and is_suspended(actor):
        raise PermissionDenied(
            _("The organization is suspended; it can be read but not changed"), code="organization_suspended"
        )
    return actor


def is_suspended(actor: Actor) -> bool:
    if actor.organization_suspended is not None:
        return actor.organization_suspended
    from comptoir.platform.constants import OrganizationStatus
    from comptoir.platform.models import Organization

    return Organization.objects.filter(pk=actor.organization_id, status=OrganizationStatus.SUSPENDED).exists()
