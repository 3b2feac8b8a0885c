"""Resolves who is calling and in which organization, then runs the request in that tenant context.

API calls authenticate with `Authorization: Bearer <access token | API token>`; the organization is the API
token's (an `X-Organization` naming another one is refused), else `X-Organization` (id or code), else the user's
default or only membership. Browser pages use the Django session and the organization chosen in it. The request
gets `request.actor` (or `request.auth_error`).

Fixed cost: an access token is resolved in one query (session, user, memberships and the permissions of the one
chosen). The permissions come along only when that query already runs in the chosen organization's context, so it
runs in the organization this user chose last time (a hint, never trusted: the query itself checks the
membership); the session settings change only when they differ from what the connection holds (tenancy).
"""

from __future__ import annotations

import uuid
from contextlib import AbstractContextManager, nullcontext

from django.utils.translation import gettext as _

from comptoir.identity.queries import Membership, candidate_memberships, member_permissions, session_identity
from comptoir.identity.services.auth import access_token_claims, api_token_organization, resolve_api_token
from comptoir.identity.tokens import api_token_prefix
from comptoir.platform.access import Actor
from comptoir.platform.errors import DomainError, NotAuthenticated, PermissionDenied
from comptoir.platform.tenancy import tenant_context, user_context

SESSION_ORG_KEY = "comptoir_organization_id"
MAX_HINTS = 10_000

# (user id, X-Organization) → the organization chosen last; ("api", token prefix) → (organization, user).
_hints: dict[tuple, object] = {}


def _remember(key: tuple, value) -> None:
    if len(_hints) >= MAX_HINTS:
        _hints.clear()
    _hints[key] = value


def _wanted_id(wanted: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(wanted) if wanted else None
    except ValueError:
        return None


def _hinted_context(user_id: uuid.UUID, wanted: str | None, started_in=None) -> AbstractContextManager:
    """The context to read the memberships in: the organization this user chose last for `wanted`, else the one
    `wanted` names by id, else the one the session started in (`started_in`), if any."""
    hint = _hints.get((user_id, wanted)) or _wanted_id(wanted) or (None if wanted else started_in)
    return tenant_context(hint, user=user_id) if hint else user_context(user_id)


def _client(request) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")[:1000]


def pick_membership(user_id, memberships: list[Membership], wanted: str | None) -> Membership | None:
    """The membership named by `wanted` (organization id or code), else the default one, else the only one;
    its organization is remembered as the hint for this user's next request with the same `wanted`."""
    if wanted and not memberships:
        raise PermissionDenied(_("You are not a member of this organization"), code="not_a_member")
    if not memberships:
        return None
    if not (wanted or memberships[0].is_default or len(memberships) == 1):
        raise PermissionDenied(
            _("You belong to several organizations: send X-Organization"), code="organization_required"
        )
    _remember((user_id, wanted), memberships[0].organization_id)
    return memberships[0]


def choose_membership(user, wanted: str | None) -> Membership | None:
    """`pick_membership` among the active memberships of `user`."""
    with _hinted_context(user.pk, wanted):
        return pick_membership(user.pk, candidate_memberships(user.pk, wanted), wanted)


def _actor(request, user, member: Membership | None, **extra) -> Actor:
    """Inside the member's tenant context, where its permissions can be read when they were not yet."""
    ip, agent = _client(request)
    if member is None:
        return Actor(user=user, organization_id=None, ip_address=ip, user_agent=agent, **extra)
    permissions = member.permissions
    if permissions is None:
        permissions = member_permissions(member.organization_id, user.pk)
    scopes = extra.pop("scopes", None)
    if scopes:
        permissions = permissions & frozenset(scopes)
    return Actor(
        user=user,
        organization_id=member.organization_id,
        member_id=member.id,
        org_role=member.org_role,
        permissions=permissions,
        organization_suspended=member.suspended,
        module_switches=member.module_switches,
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
            user, member, extra = self._api_token(request, token) or self._access_token(request, token)
        except DomainError as exc:
            request.auth_error = exc
            return self.get_response(request)
        return self._run(request, user, member, **extra)

    def _api_token(self, request, token: str):
        """(user, membership, extra) of a personal API token; None when `token` is not one. The token acts in its
        own organization only: an `X-Organization` naming another one is refused, not ignored."""
        key = ("api", api_token_prefix(token))
        org_hint, user_hint = _hints.get(key, (None, None))
        with tenant_context(org_hint, user=user_hint) if org_hint else nullcontext():
            org_id = api_token_organization(token)
        if org_id is None:
            return None
        with tenant_context(org_id, user=user_hint if org_hint == org_id else None):
            api_token = resolve_api_token(token)
            user = api_token.user
            members = candidate_memberships(user.pk, str(org_id))
            wanted = request.headers.get("X-Organization")
            if members and wanted and not candidate_memberships(user.pk, wanted):  # RLS: only the token's own
                raise PermissionDenied(
                    _("This API token acts only in its own organization"), code="organization_mismatch"
                )
        if not members:
            raise NotAuthenticated(_("The token's owner left the organization"), code="invalid_token")
        _remember(key, (org_id, user.pk))
        return user, members[0], {"auth_method": "api_token", "scopes": api_token.scopes}

    def _access_token(self, request, token: str):
        session_id, user_id, started_in = access_token_claims(token)
        wanted = request.headers.get("X-Organization")
        with _hinted_context(user_id, wanted, started_in):
            user, memberships = session_identity(session_id, user_id, wanted)
        if user is None or not user.is_active:
            raise NotAuthenticated(_("The session was revoked"), code="invalid_token")
        return user, pick_membership(user_id, memberships, wanted), {"session_id": session_id}

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
        except PermissionDenied:  # the chosen organization is gone, or none is default: the default, else the oldest
            with user_context(user):
                member = next(iter(candidate_memberships(user.pk, None)), None)
        if member is not None and request.session.get(SESSION_ORG_KEY) != str(member.organization_id):
            request.session[SESSION_ORG_KEY] = str(member.organization_id)  # written only when it changes
        return self._run(request, user, member, auth_method="session")
