"""Request and response shapes of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field

from comptoir.platform.constants import OrgRole
from comptoir.platform.schemas import Input, Page


class SignupOrganization(Input):
    name: str = Field(min_length=1, max_length=255)
    code: str = Field(min_length=2, max_length=20)
    country: str = Field(min_length=2, max_length=2)
    base_currency: str | None = Field(None, min_length=3, max_length=3)
    legal_name: str = Field("", max_length=255)
    timezone: str = Field("UTC", max_length=50)
    language: str = Field("en", max_length=20)


class SignupUser(Input):
    email: str = Field(min_length=3, max_length=255)
    password: str = Field(min_length=1, max_length=256)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)


class SignupIn(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organization": {"name": "Acme Trading", "code": "acme", "country": "FR", "base_currency": "EUR"},
                    "user": {
                        "email": "ada@example.com",
                        "password": "correct-horse-battery-staple",
                        "first_name": "Ada",
                        "last_name": "Lovelace",
                    },
                }
            ]
        }
    )

    organization: SignupOrganization
    user: SignupUser


class SignupOut(Schema):
    organization_id: uuid.UUID
    user_id: uuid.UUID
    organization_code: str
    workspace_id: uuid.UUID


class TokenIn(Input):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"email": "ada@example.com", "password": "correct-horse-battery-staple"}]}
    )

    email: str = Field(min_length=1, max_length=255)
    password: str = Field(min_length=1, max_length=256)


class RefreshIn(Input):
    refresh: str = Field(min_length=1, max_length=500)


class TokenOut(Schema):
    access: str
    refresh: str
    token_type: str = "Bearer"
    expires_in: int


class PasswordResetRequestIn(Input):
    email: str = Field(min_length=1, max_length=255)


class PasswordResetConfirmIn(Input):
    email: str = Field(min_length=1, max_length=255)
    code: str = Field(min_length=1, max_length=10)
    new_password: str = Field(min_length=1, max_length=256)


class EmailVerifyIn(Input):
    email: str = Field(min_length=1, max_length=255)
    code: str = Field(min_length=1, max_length=10)


class InvitationAcceptIn(Input):
    email: str = Field(min_length=1, max_length=255)
    code: str = Field(min_length=1, max_length=10)
    password: str = Field(min_length=1, max_length=256)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)


class MessageOut(Schema):
    detail: str


class UserOut(Schema):
    id: uuid.UUID
    email: str
    first_name: str
    last_name: str
    status: str
    email_verified: bool


class MembershipOut(Schema):
    organization_id: uuid.UUID
    organization_code: str
    organization_name: str
    org_role: str
    is_default: bool


class MeOut(Schema):
    user: UserOut
    organization_id: uuid.UUID | None
    org_role: str
    permissions: list[str]
    memberships: list[MembershipOut]


class MemberInviteIn(Input):
    email: str = Field(min_length=3, max_length=255)
    org_role: OrgRole = OrgRole.EMPLOYEE
    roles: list[str] = Field(default_factory=list, max_length=50)
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)


class MemberPatch(Input):
    org_role: OrgRole | None = None
    is_active: bool | None = None


class MemberOut(Schema):
    """A member; while an invitation awaits acceptance (inactive, never joined) only the invited e-mail is shown,
    so inviting reveals nothing of an existing user."""

    id: uuid.UUID
    user_id: uuid.UUID | None = Field(description="Empty until the invitation is accepted")
    email: str = Field(alias="user.email")
    first_name: str
    last_name: str
    org_role: str
    is_active: bool
    is_default: bool
    joined_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_user_id(obj) -> uuid.UUID | None:
        return None if obj.awaits_acceptance else obj.user_id

    @staticmethod
    def resolve_first_name(obj) -> str:
        return "" if obj.awaits_acceptance else obj.user.first_name

    @staticmethod
    def resolve_last_name(obj) -> str:
        return "" if obj.awaits_acceptance else obj.user.last_name


class MemberPage(Page):
    items: list[MemberOut]


class MemberFilters(Schema):
    org_role: OrgRole | None = None
    is_active: bool | None = None
    search: str | None = Field(None, max_length=100)


class RoleIn(Input):
    code: str = Field(min_length=1, max_length=50)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field("", max_length=2000)
    permissions: list[str] = Field(default_factory=list, max_length=2000)


class RolePatch(Input):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=2000)
    permissions: list[str] | None = Field(None, max_length=2000)
    is_active: bool | None = None


class RoleOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    description: str
    is_system: bool
    is_active: bool
    permissions: list[str]


class RolePage(Page):
    items: list[RoleOut]


class RoleAssignIn(Input):
    member: uuid.UUID
    workspace: uuid.UUID | None = None


class RoleAssignmentOut(Schema):
    id: uuid.UUID
    member_id: uuid.UUID
    role_id: uuid.UUID
    workspace_id: uuid.UUID | None


class ApiTokenIn(Input):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=list, max_length=500)
    expires_at: AwareDatetime | None = None


class ApiTokenOut(Schema):
    id: uuid.UUID
    name: str
    token_prefix: str
    scopes: list[str]
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    created_at: datetime


class ApiTokenCreatedOut(ApiTokenOut):
    token: str


class ApiTokenPage(Page):
    items: list[ApiTokenOut]


class PermissionOut(Schema):
    codename: str
    name: str
    module: str


class PermissionPage(Page):
    items: list[PermissionOut]
