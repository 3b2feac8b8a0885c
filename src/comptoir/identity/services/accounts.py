"""Sign-up, invitations, members, password reset and e-mail verification."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.identity.constants import (
    MAX_TOKEN_ATTEMPTS,
    TOKEN_TTL,
    RegistrationStatus,
    TokenPurpose,
    UserStatus,
)
from comptoir.identity.errors import IdentityError
from comptoir.identity.locks import lock_user
from comptoir.identity.models import MemberRole, Role, User, VerificationToken
from comptoir.identity.services.auth import authenticate_password, revoke_all_sessions
from comptoir.identity.services.roles import check_can_grant, template_role
from comptoir.identity.tokens import digest, new_otp, same_digest
from comptoir.platform import services as platform_services
from comptoir.platform.constants import OrgRole
from comptoir.platform.errors import Conflict, PermissionDenied, TooManyAttempts, ValidationFailed
from comptoir.platform.locks import lock_member
from comptoir.platform.queries.core import current_organization
from comptoir.platform.queries.members import is_owner, members
from comptoir.platform.services import members as member_services
from comptoir.platform.tenancy import tenant_context

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class UserInput:
    email: str
    password: str
    first_name: str = ""
    last_name: str = ""


def _check_password(password: str, user, field: str = "password") -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS); `user` is the User or, at sign-up, an object with
    its future data (passwords.PERSONAL_ATTRIBUTES)."""
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        codes = {error.code for error in exc.error_list}
        personal = codes == {IdentityError.PASSWORD_PERSONAL_DATA}
        code = IdentityError.PASSWORD_PERSONAL_DATA if personal else IdentityError.WEAK_PASSWORD
        raise ValidationFailed(" ".join(exc.messages), code=code, field=field) from exc


def _normalise_email(email: str, field: str = "email") -> str:
    email = (email or "").strip().lower()
    if "@" not in email or email.startswith("@") or email.endswith("@") or len(email) > 255:
        raise ValidationFailed(_("Enter a valid e-mail address"), code="invalid_email", field=field)
    return email


def sign_up(*, organization: platform_services.OrganizationInput, user: UserInput) -> tuple[Any, User]:
    """A new organization with its first user as OWNER: default workspace, role templates, features. Returns the
    organization and the user."""
    email = _normalise_email(user.email, "user.email")
    _check_password(
        user.password,
        SimpleNamespace(
            email=email,
            first_name=user.first_name,
            last_name=user.last_name,
            organization_name=organization.name,
            organization_code=organization.code,
        ),
        field="user.password",
    )
    taken = ValidationFailed(
        _("This e-mail is already registered; sign in to create another organization"),
        code="duplicate",
        field="user.email",
    )
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise taken
        try:  # a concurrent sign-up with the same e-mail commits first: its unique index refuses this one
            with transaction.atomic():
                new_user = User.objects.create_user(
                    email,
                    user.password,
                    first_name=user.first_name,
                    last_name=user.last_name,
                    status=UserStatus.ACTIVE,
                    registration_status=RegistrationStatus.EMAIL_PENDING,
                )
        except IntegrityError as exc:
            raise taken from exc
        try:
            org = platform_services.create_organization(data=organization, actor=new_user)
        except ValidationFailed as exc:
            field = exc.errors[0].field if exc.errors else "code"
            raise ValidationFailed(exc.message, code=exc.code, field=f"organization.{field}") from exc
        with tenant_context(org, user=new_user):
            add_member(actor=new_user, user=new_user, org_role=OrgRole.OWNER, is_default=True)
    send_email_verification(user=new_user)
    return org, new_user


def create_organization_for(*, user: User, organization: platform_services.OrganizationInput):
    """An existing user founds another organization and becomes its OWNER."""
    with transaction.atomic():
        org = platform_services.create_organization(data=organization, actor=user)
        with tenant_context(org, user=user):
            add_member(actor=user, user=user, org_role=OrgRole.OWNER)
    return org


def add_member(
    *, actor, user: User, org_role: str, is_default: bool = False, roles: list | None = None, invited: bool = False
):
    """Make `user` a member of the organization in context with the role template of `org_role`
    plus any extra roles. An invited member stays inactive until the user accepts (accept_invitation)."""
    if org_role not in OrgRole.values:
        raise ValidationFailed(
            _("Unknown organization role '%(org_role)s'") % {"org_role": org_role},
            code="invalid_choice",
            field="org_role",
        )
    template = template_role(org_role, actor=actor)
    member = member_services.add_membership(
        actor=actor, user=user, org_role=org_role, is_default=is_default, invited=invited
    )
    assigned = [template, *(roles or [])]
    MemberRole.objects.bulk_create(
        [
            MemberRole(organization_id=member.organization_id, member=member, role=r, created_by=actor)
            for r in {r.pk: r for r in assigned}.values()
        ]
    )
    return member


def invite_member(
    *,
    actor,
    email: str,
    org_role: str = OrgRole.EMPLOYEE,
    role_codes: list[str] | None = None,
    first_name: str = "",
    last_name: str = "",
):
    """Invite someone by e-mail: an inactive membership and a code e-mailed to the address (voiding any earlier
    invitation code). A user who does not exist yet is created PENDING. Nothing of an existing user is revealed or
    changed: the membership becomes active only when the address's owner accepts (accept_invitation)."""
    email = _normalise_email(email)
    if org_role == OrgRole.OWNER and not is_owner(actor):
        raise PermissionDenied(_("Only an owner can invite another owner"), code="owner_only", field="org_role")
    with transaction.atomic():
        roles = []
        if role_codes:
            roles = list(Role.objects.filter(code__in=role_codes, deleted_at__isnull=True, is_active=True))
            missing = sorted(set(role_codes) - {r.code for r in roles})
            if missing:
                raise ValidationFailed(
                    _("Unknown roles: %(missing)s") % {"missing": ", ".join(missing)},
                    code="unknown_role",
                    field="roles",
                )
            for role in roles:
                check_can_grant(actor, role, field="roles")
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(
                email, None, first_name=first_name, last_name=last_name, status=UserStatus.PENDING
            )
        member = add_member(actor=actor, user=user, org_role=org_role, roles=roles, invited=True)
        org = current_organization()
        code = _issue_token(
            user=user, email=email, purpose=TokenPurpose.INVITATION, payload={"organization": str(org.pk)}
        )
        how = "your current password" if user.has_usable_password() else "the password you choose"
        transaction.on_commit(
            lambda: send_mail(
                f"You are invited to {org.name} on Comptoir",
                f"{actor.email} invited you to {org.name}.\nYour invitation code: {code}\n"
                f"Accept it at /api/v1/auth/invitations/accept with this code and {how}.",
                None,
                [email],
            )
        )
    return member


def update_member(*, actor, member_id, org_role: str | None = None, is_active: bool | None = None):
    """Change a member's organization role (its role template follows) or deactivate it. Only an owner grants,
    changes or removes ownership; the organization keeps at least one active owner."""
    if org_role is not None and org_role not in OrgRole.values:
        raise ValidationFailed(
            _("Unknown organization role '%(org_role)s'") % {"org_role": org_role},
            code="invalid_choice",
            field="org_role",
        )
    with transaction.atomic():
        member = lock_member(member_id)
        if is_active is not None and member.awaits_acceptance:
            raise Conflict(
                _("The invitation is not accepted yet; delete the member to withdraw it"),
                code="invitation_pending",
                field="is_active",
            )
        role_changes = org_role is not None and org_role != member.org_role
        activity_changes = is_active is not None and is_active != member.is_active
        if OrgRole.OWNER in (org_role, member.org_role) and (role_changes or activity_changes) and not is_owner(actor):
            raise PermissionDenied(
                _("Only an owner can grant, change or remove ownership"),
                code="owner_only",
                field="org_role" if role_changes else "is_active",
            )
        leaving_owner = member.org_role == OrgRole.OWNER and (role_changes or is_active is False)
        if leaving_owner and not members(org_role=OrgRole.OWNER, is_active=True).exclude(pk=member.pk).exists():
            raise Conflict(_("An organization keeps at least one active owner"), code="last_owner")
        if role_changes:
            MemberRole.objects.filter(member=member, role=template_role(member.org_role, actor=actor)).delete()
            MemberRole.objects.get_or_create(
                member=member, role=template_role(org_role, actor=actor), workspace=None, defaults={"created_by": actor}
            )
        member_services.change_membership(actor=actor, member=member, org_role=org_role, is_active=is_active)
    return member


def remove_member(*, actor, member_id) -> None:
    """Deactivate a member; an invitation not accepted yet is withdrawn (its membership deleted)."""
    with transaction.atomic():
        member = lock_member(member_id)
        if member.awaits_acceptance:
            member_services.withdraw_invitation(member=member)
            return
        update_member(actor=actor, member_id=member_id, is_active=False)


# --- one-time codes ------------------------------------------------------------------------------------------


def _issue_token(*, user: User | None, email: str, purpose: str, payload: dict | None = None) -> str:
    """A fresh 6-digit code; earlier live codes for the same (e-mail, purpose) are voided."""
    now = timezone.now()
    VerificationToken.objects.filter(email=email, purpose=purpose, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    code = new_otp()
    VerificationToken.objects.create(
        user=user,
        email=email,
        purpose=purpose,
        code_hash=digest(f"{email}:{code}"),
        expires_at=now + TOKEN_TTL[purpose],
        payload=payload or {},
    )
    return code


def _redeem_token(*, email: str, purpose: str, code: str, apply: Callable[[VerificationToken], T]) -> T:
    """Spend the live code for (email, purpose) and run `apply(token)` in the same transaction, so a refusal
    inside `apply` (a weak password) leaves the code unspent. A wrong code is counted and the count is committed
    even though the request is refused; after MAX_TOKEN_ATTEMPTS wrong codes the token is dead."""
    email = (email or "").strip().lower()
    with transaction.atomic():
        token = (
            VerificationToken.objects.select_for_update()
            .filter(email=email, purpose=purpose, used_at__isnull=True, voided_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if token is None or token.is_expired:
            raise ValidationFailed(_("The code is invalid or expired"), code="invalid_code", field="code")
        if token.attempts >= MAX_TOKEN_ATTEMPTS:
            raise TooManyAttempts(_("Too many wrong codes; ask for a new one"), code="too_many_attempts", field="code")
        right = same_digest(token.code_hash, digest(f"{email}:{(code or '').strip()}"))
        if right:
            token.used_at = timezone.now()
            token.save(update_fields=["used_at", "updated_at"])
            return apply(token)
        VerificationToken.objects.filter(pk=token.pk).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    # Raised after the block has committed the attempt. Callers must not wrap this in their own atomic block.
    raise ValidationFailed(_("The code is invalid or expired"), code="invalid_code", field="code")


def request_password_reset(*, email: str) -> None:
    """E-mail a 6-digit code valid 10 minutes. Unknown addresses get the same answer and no e-mail."""
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email, deleted_at__isnull=True).first()
    if user is None:
        return
    with transaction.atomic():
        code = _issue_token(user=user, email=user.email, purpose=TokenPurpose.PASSWORD_RESET)
        transaction.on_commit(
            lambda: send_mail(
                "Your Comptoir password reset code",
                f"Your code is {code}. It expires in 10 minutes. If you did not ask for it, ignore this e-mail.",
                None,
                [user.email],
            )
        )


def confirm_password_reset(*, email: str, code: str, new_password: str) -> None:
    """Set the new password and revoke every session of the user."""

    def apply(token: VerificationToken) -> None:
        user = lock_user(token.user_id)
        _check_password(new_password, user, field="new_password")
        user.set_password(new_password)
        user.failed_login_attempts = 0
        user.locked_until = None
        user.save()
        revoke_all_sessions(user_id=user.pk, reason="password_reset")

    _redeem_token(email=email, purpose=TokenPurpose.PASSWORD_RESET, code=code, apply=apply)


def send_email_verification(*, user: User) -> None:
    with transaction.atomic():
        code = _issue_token(user=user, email=user.email, purpose=TokenPurpose.REGISTRATION)
        transaction.on_commit(
            lambda: send_mail(
                "Confirm your e-mail for Comptoir",
                f"Your verification code is {code}. It is valid for 24 hours.",
                None,
                [user.email],
            )
        )


def verify_email(*, email: str, code: str) -> User:
    """Mark the e-mail verified; a PENDING user becomes ACTIVE (a suspended or inactive one stays so)."""

    def apply(token: VerificationToken) -> User:
        user = lock_user(token.user_id)
        user.email_verified = True
        if user.status == UserStatus.PENDING:
            user.status = UserStatus.ACTIVE
        if user.registration_status == RegistrationStatus.EMAIL_PENDING:
            user.registration_status = RegistrationStatus.EMAIL_VERIFIED
        user.save()
        return user

    return _redeem_token(email=email, purpose=TokenPurpose.REGISTRATION, code=code, apply=apply)


def accept_invitation(
    *, email: str, code: str, password: str, first_name: str = "", last_name: str = "", request=None
) -> User:
    """The invited user joins every organization whose invitation is pending. A user without a password yet sets
    one and becomes ACTIVE with the e-mail verified; an existing user confirms with their current password (a
    wrong one counts towards the sign-in lockout)."""
    existing = User.objects.filter(email__iexact=(email or "").strip(), deleted_at__isnull=True).first()
    confirmed = existing is not None and existing.has_usable_password()
    if confirmed:
        authenticate_password(email=email, password=password, request=request)

    def apply(token: VerificationToken) -> User:
        user = lock_user(token.user_id)
        if user.has_usable_password() and not (confirmed and user.pk == existing.pk):
            raise Conflict(_("This account already has a password; accept again with it"), code="already_active")
        if not user.has_usable_password():
            _check_password(password, user)
            user.set_password(password)
            user.first_name = first_name or user.first_name
            user.last_name = last_name or user.last_name
            user.status = UserStatus.ACTIVE
            user.email_verified = True
            user.registration_status = RegistrationStatus.EMAIL_VERIFIED
            user.save()
        member_services.join_invited_organizations(user=user)
        return user

    return _redeem_token(email=email, purpose=TokenPurpose.INVITATION, code=code, apply=apply)
