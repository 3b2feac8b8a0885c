"""Identity API: sign-up, tokens, the caller, members, roles, API tokens, password reset, verification."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comptoir.identity import queries
from comptoir.identity.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    ApiTokenPage,
    EmailVerifyIn,
    InvitationAcceptIn,
    MemberFilters,
    MemberInviteIn,
    MemberOut,
    MemberPage,
    MemberPatch,
    MeOut,
    MessageOut,
    PasswordResetConfirmIn,
    PasswordResetRequestIn,
    PermissionOut,
    PermissionPage,
    RefreshIn,
    RoleAssignIn,
    RoleAssignmentOut,
    RoleIn,
    RoleOut,
    RolePage,
    RolePatch,
    SignupIn,
    SignupOut,
    TokenIn,
    TokenOut,
)
from comptoir.identity.services import accounts, api_tokens, auth, roles
from comptoir.platform.access import actor_of, authorize
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import members as member_queries
from comptoir.platform.queries.core import default_workspace_id
from comptoir.platform.services import OrganizationInput
from comptoir.platform.tenancy import tenant_context

auth_router = Router(tags=["auth"])
me_router = Router(tags=["auth"])
members_router = Router(tags=["members"])
identity_router = Router(tags=["identity"])


def _tokens(pair: auth.TokenPair) -> dict:
    return {"access": pair.access, "refresh": pair.refresh, "token_type": "Bearer", "expires_in": pair.expires_in}


@auth_router.post("/signup", response={201: SignupOut}, auth=None)
def signup(request, payload: SignupIn):
    """Create an organization and its owner in one step; the owner receives an e-mail to verify the address."""
    org, user = accounts.sign_up(
        organization=OrganizationInput(**payload.organization.dict()),
        user=accounts.UserInput(**payload.user.dict()),
    )
    with tenant_context(org, user=user):
        workspace_id = default_workspace_id()
    return Status(
        201,
        {"organization_id": org.pk, "user_id": user.pk, "organization_code": org.code, "workspace_id": workspace_id},
    )


@auth_router.post("/token", response=TokenOut, auth=None)
def token(request, payload: TokenIn):
    """Sign in with e-mail and password: an access token and a refresh token. Repeated failures lock the sign-in for a
    while (429)."""
    return _tokens(auth.sign_in(email=payload.email, password=payload.password, request=request))


@auth_router.post("/token/refresh", response=TokenOut, auth=None)
def token_refresh(request, payload: RefreshIn):
    """Exchange a refresh token for a new pair; the old refresh token stops working."""
    return _tokens(auth.refresh_tokens(refresh=payload.refresh, request=request))


@auth_router.post("/logout", response={204: None})
def logout(request):
    """Revoke the session of the token sent (access and refresh)."""
    actor = actor_of(request)
    if actor.session_id is not None:
        auth.revoke_session(session_id=actor.session_id, user=actor.user, request=request)
    return Status(204, None)


@auth_router.post("/password-reset", response={202: MessageOut}, auth=None)
def password_reset_request(request, payload: PasswordResetRequestIn):
    """E-mail a password-reset code, if the address belongs to an account; the answer is the same either way."""
    accounts.request_password_reset(email=payload.email)
    return Status(202, {"detail": _("If the address is registered, a code was sent to it.")})


@auth_router.post("/password-reset/confirm", response=MessageOut, auth=None)
def password_reset_confirm(request, payload: PasswordResetConfirmIn):
    """Set a new password with the e-mailed reset code; every session of the user is revoked."""
    accounts.confirm_password_reset(email=payload.email, code=payload.code, new_password=payload.new_password)
    return {"detail": _("Password changed; every session was signed out.")}


@auth_router.post("/verify-email", response=MessageOut, auth=None)
def verify_email(request, payload: EmailVerifyIn):
    """Mark the e-mail address verified with the code sent to it."""
    accounts.verify_email(email=payload.email, code=payload.code)
    return {"detail": _("E-mail verified.")}


@auth_router.post("/verify-email/resend", response={202: MessageOut})
def resend_verification(request):
    """Send the verification e-mail again to the signed-in user."""
    actor = actor_of(request)
    accounts.send_email_verification(user=actor.user)
    return Status(202, {"detail": _("A new code was sent.")})


@auth_router.post("/invitations/accept", response=MessageOut, auth=None)
def accept_invitation(request, payload: InvitationAcceptIn):
    """Join every organization that invited the e-mail, with the invitation code and the password (a new account
    sets it, an existing one confirms it)."""
    accounts.accept_invitation(**payload.dict(), request=request)
    return {"detail": _("Invitation accepted; sign in with your new password.")}


@me_router.get("/me", response=MeOut)
def me(request):
    """The signed-in user, the current organization, the role there and every membership."""
    actor = actor_of(request)
    memberships = member_queries.memberships_of(actor.user)
    return {
        "user": actor.user,
        "organization_id": actor.organization_id,
        "org_role": actor.org_role,
        "permissions": sorted(actor.permissions),
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization_code": m.organization.code,
                "organization_name": m.organization.name,
                "org_role": m.org_role,
                "is_default": m.is_default,
            }
            for m in memberships
        ],
    }


# --- members (mounted at /platform/members) ---------------------------------------------------------------


@members_router.get("", response=MemberPage)
def list_members(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[MemberFilters]):
    """The members of the organization with their roles."""
    authorize(request, "platform.view_organizationmember")
    return list_or_export(
        request,
        member_queries.members(**filters.dict()),
        page,
        export,
        allowed_ordering={"created_at", "org_role", "user__email"},
        default_ordering=["created_at"],
        schema=MemberOut,
        filename="members",
    )


@members_router.post("", response={201: MemberOut})
def invite_member(request, payload: MemberInviteIn):
    """Invite a person by e-mail to join the organization with a role."""
    actor = authorize(request, "platform.invite_member")
    member = accounts.invite_member(
        actor=actor.user,
        email=payload.email,
        org_role=payload.org_role,
        role_codes=payload.roles,
        first_name=payload.first_name,
        last_name=payload.last_name,
    )
    return Status(201, member_queries.access_member(member.pk))


@members_router.get("/{member_id}", response=MemberOut)
def get_member(request, member_id: uuid.UUID):
    """One member of the organization."""
    authorize(request, "platform.view_organizationmember")
    return member_queries.access_member(member_id)


@members_router.patch("/{member_id}", response=MemberOut)
def patch_member(request, member_id: uuid.UUID, payload: MemberPatch):
    """Change a member's organization role or status; an organization keeps one active owner (409)."""
    actor = authorize(request, "platform.change_organizationmember")
    member_queries.access_member(member_id)
    accounts.update_member(actor=actor.user, member_id=member_id, **payload.model_dump(exclude_unset=True))
    return member_queries.access_member(member_id)


@members_router.delete("/{member_id}", response={204: None})
def remove_member(request, member_id: uuid.UUID):
    """Remove a member from the organization; an organization keeps one active owner (409)."""
    actor = authorize(request, "platform.delete_organizationmember")
    member_queries.access_member(member_id)
    accounts.remove_member(actor=actor.user, member_id=member_id)
    return Status(204, None)


# --- roles, permissions, API tokens -------------------------------------------------------------------------


def _role_out(role) -> dict:
    codes = getattr(role, "permission_codes", None)
    if codes is None:
        codes = queries.access_role(role.pk).permission_codes
    return {
        "id": role.pk,
        "code": role.code,
        "name": role.name,
        "description": role.description,
        "is_system": role.is_system,
        "is_active": role.is_active,
        "permissions": [c for c in codes if c],
    }


@identity_router.get("/roles", response=RolePage)
def list_roles(request, page: Query[PageParams], export: Query[ExportParams], is_system: bool | None = None):
    """The roles of the organization (templates and custom ones) with their permissions."""
    authorize(request, "identity.view_role")
    qs = queries.roles()
    if is_system is not None:
        qs = qs.filter(is_system=is_system)
    return list_or_export(
        request,
        qs,
        page,
        export,
        allowed_ordering={"code", "name", "created_at"},
        default_ordering=["code"],
        schema=RoleOut,
        filename="roles",
        prepare=_role_outs,
    )


def _role_outs(rows) -> list[dict]:
    return [_role_out(r) for r in rows]


@identity_router.post("/roles", response={201: RoleOut})
def create_role(request, payload: RoleIn):
    """Create a custom role holding permission codenames."""
    actor = authorize(request, "identity.add_role")
    role = roles.create_role(actor=actor.user, **payload.dict())
    return Status(201, _role_out(queries.access_role(role.pk)))


@identity_router.get("/roles/{role_id}", response=RoleOut)
def get_role(request, role_id: uuid.UUID):
    """One role with its permissions."""
    authorize(request, "identity.view_role")
    return _role_out(queries.access_role(role_id))


@identity_router.patch("/roles/{role_id}", response=RoleOut)
def patch_role(request, role_id: uuid.UUID, payload: RolePatch):
    """Change a custom role's name or permissions."""
    actor = authorize(request, "identity.change_role")
    queries.access_role(role_id)
    roles.update_role(actor=actor.user, role_id=role_id, **payload.model_dump(exclude_unset=True))
    return _role_out(queries.access_role(role_id))


@identity_router.delete("/roles/{role_id}", response={204: None})
def delete_role(request, role_id: uuid.UUID):
    """Delete a custom role; it is taken from the members who held it."""
    actor = authorize(request, "identity.delete_role")
    roles.delete_role(actor=actor.user, role_id=role_id)
    return Status(204, None)


@identity_router.post("/roles/{role_id}/assignments", response={201: RoleAssignmentOut})
def assign_role(request, role_id: uuid.UUID, payload: RoleAssignIn):
    """Give a role to a member."""
    actor = authorize(request, "identity.assign_role")
    assignment = roles.assign_role(
        actor=actor.user, member_id=payload.member, role_id=role_id, workspace_id=payload.workspace
    )
    return Status(201, assignment)


@identity_router.delete("/roles/{role_id}/assignments/{member_id}", response={204: None})
def unassign_role(request, role_id: uuid.UUID, member_id: uuid.UUID, workspace: uuid.UUID | None = None):
    """Take a role from a member."""
    actor = authorize(request, "identity.assign_role")
    roles.unassign_role(actor=actor.user, member_id=member_id, role_id=role_id, workspace_id=workspace)
    return Status(204, None)


@identity_router.get("/permissions", response=PermissionPage)
def list_permissions(request, page: Query[PageParams], export: Query[ExportParams], module: str | None = None):
    """Every permission codename (`app.action_resource`) a role can hold."""
    authorize(request, "identity.view_role")
    return list_or_export(
        request,
        queries.permissions(module),
        page,
        export,
        allowed_ordering={"codename", "module"},
        default_ordering=["codename"],
        schema=PermissionOut,
        filename="permissions",
    )


@identity_router.get("/api-tokens", response=ApiTokenPage)
def list_api_tokens(request, page: Query[PageParams], export: Query[ExportParams]):
    """The signed-in user's personal API tokens (never their secret)."""
    actor = authorize(request, "identity.manage_apitoken")
    return list_or_export(
        request,
        queries.user_api_tokens(actor.user_id),
        page,
        export,
        allowed_ordering={"created_at", "name"},
        default_ordering=["-created_at"],
        schema=ApiTokenOut,
        filename="api-tokens",
    )


@identity_router.post("/api-tokens", response={201: ApiTokenCreatedOut})
def create_api_token(request, payload: ApiTokenIn):
    """Create a personal API token; its secret is shown once in the answer."""
    actor = authorize(request, "identity.manage_apitoken")
    token, secret = api_tokens.create_api_token(
        actor=actor.user,
        held_permissions=actor.permissions,
        scoped_caller=actor.auth_method == "api_token",
        **payload.dict(),
    )
    token.token = secret
    return Status(201, token)


@identity_router.delete("/api-tokens/{token_id}", response={204: None})
def revoke_api_token(request, token_id: uuid.UUID):
    """Revoke one of the signed-in user's personal API tokens."""
    actor = authorize(request, "identity.manage_apitoken")
    api_tokens.revoke_api_token(actor=actor.user, token_id=token_id, any_user=actor.can("identity.delete_apitoken"))
    return Status(204, None)
