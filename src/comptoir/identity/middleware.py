"""Resolves who is calling and in which organization, then runs the request in that tenant context.

API calls authenticate with `Authorization: Bearer <access token | API token>`; the organization is the API
token's (an `X-Organization` naming another one is refused), else `X-Organization` (id or code), else the user's
default or only membership. Browser pages use the Django session and the organization chosen in it. The request
gets `request.actor` (or `request.auth_error`).
"""

from __future__ import annotations

import uuid

from comptoir.identity.queries import member_permissions
from comptoir.identity.services.auth import api_token_organization, resolve_access_token, resolve_api_token
from comptoir.platform.access import Actor
from comptoir.platform.errors import DomainError, NotAuthenticated, PermissionDenied
from comptoir.platform.models import OrganizationMember
from comptoir.platform.tenancy import tenant_context, user_context

SESSION_ORG_KEY = "comptoir_organization_id"


def _client(request) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")[:1000]


def choose_membership(user, wanted: str | None) -> OrganizationMember | None:
    """The active membership of `user` named by `wanted` (organization id or code), else the default one,
    else the only one. Runs in the user's context, where RLS shows the user's memberships only."""
    with user_context(user):
        members = OrganizationMember.unscoped.filter(user=user, is_active=True).select_related("organization")
        if wanted:
            try:
                members = members.filter(organization_id=uuid.UUID(wanted))
            except ValueError:
                members = members.filter(organization__code__iexact=wanted)
            member = members.first()
            if member is None:
                raise PermissionDenied("You are not a member of this organization", code="not_a_member")
            return member
        rows = list(members.order_by("-is_default", "created_at")[:2])
    if not rows:
        return None
    if rows[0].is_default or len(rows) == 1:
        return rows[0]
    raise PermissionDenied("You belong to several organizations: send X-Organization", code="organization_required")


def _refuse_another_organization(organization, wanted: str | None) -> None:
    """An API token acts in its own organization only: naming another one is refused, not ignored."""
    if not wanted:
        return
    try:
        same = uuid.UUID(wanted) == organization.pk
    except ValueError:
        same = wanted.strip().lower() == organization.code.lower()
    if not same:
        raise PermissionDenied("This API token acts only in its own organization", code="organization_mismatch")


def _actor(request, user, member: OrganizationMember | None, **extra) -> Actor:
    ip, agent = _client(request)
    if member is None:
        return Actor(user=user, organization_id=None, ip_address=ip, user_agent=agent, **extra)
    permissions = member_permissions(member.organization_id, user.pk)
    scopes = extra.pop("scopes", None)
    if scopes:
        permissions = permissions & frozenset(scopes)
    return Actor(
        user=user,
        organization_id=member.organization_id,
        member_id=member.pk,
        org_role=member.org_role,
        permissions=permissions,
        ip_address=ip,
        user_agent=agent,
        **extra,
    )


class TenantAuthenticationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = None
        request.auth_error = None
        header = request.headers.get("Authorization", "")
        if request.path.startswith("/api/"):
            if not header.lower().startswith("bearer "):
                return self.get_response(request)
            return self._bearer(request, header[7:].strip())
        return self._session(request)

    def _bearer(self, request, token: str):
        try:
            org_id = api_token_organization(token)
            if org_id is not None:
                with tenant_context(org_id):
                    api_token = resolve_api_token(token)
                    user = api_token.user
                    member = (
                        OrganizationMember.objects.filter(user=user, is_active=True)
                        .select_related("organization")
                        .first()
                    )
                    if member is None:
                        raise NotAuthenticated("The token's owner left the organization", code="invalid_token")
                _refuse_another_organization(member.organization, request.headers.get("X-Organization"))
                extra = {"auth_method": "api_token", "scopes": api_token.scopes}
            else:
                user, session = resolve_access_token(token)
                member = choose_membership(user, request.headers.get("X-Organization"))
                extra = {"session_id": session.pk}
        except DomainError as exc:
            request.auth_error = exc
            return self.get_response(request)
        return self._run(request, user, member, **extra)

    def _run(self, request, user, member, **extra):
        if member is None:
            request.actor = _actor(request, user, None, **extra)
            with user_context(user):
                return self.get_response(request)
        with tenant_context(member.organization_id, user=user):
            request.actor = _actor(request, user, member, **extra)
            return self.get_response(request)

    def _session(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        try:
            member = choose_membership(user, request.session.get(SESSION_ORG_KEY))
        except PermissionDenied:  # the chosen organization is gone, or none is default: take the first
            with user_context(user):
                member = OrganizationMember.unscoped.filter(user=user, is_active=True).order_by("created_at").first()
        if member is not None:
            request.session[SESSION_ORG_KEY] = str(member.organization_id)
        return self._run(request, user, member, auth_method="session")
