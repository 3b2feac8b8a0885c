"""Identity & access (catalogue §2): users, RBAC roles and permissions, sessions and tokens."""

from django.contrib.auth import get_backends
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from comptoir.identity.constants import RegistrationStatus, TokenPurpose, UserStatus
from comptoir.platform.models import GlobalModel, OrganizationMember, TenantModel, Workspace


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True, status=UserStatus.ACTIVE)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(GlobalModel, AbstractBaseUser):
    """A login identity. One user may belong to several organizations."""

    email = models.EmailField(max_length=255)
    username = models.CharField(max_length=150, null=True, blank=True, unique=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=UserStatus.choices, default=UserStatus.PENDING)
    registration_status = models.CharField(
        max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.EMAIL_PENDING
    )
    email_verified = models.BooleanField(default=False)
    phone_verified = models.BooleanField(default=False)
    is_internal_user = models.BooleanField(default=True)
    is_portal_user = models.BooleanField(default=False)
    is_staff = models.BooleanField(default=False)
    is_superuser = models.BooleanField(default=False)
    last_login_ip = models.GenericIPAddressField(null=True, blank=True)
    failed_login_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    profile_image = models.FileField(upload_to="profiles/", blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ci")]
        indexes = [models.Index(fields=["email", "status"], name="user_email_status")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return self.status in (UserStatus.ACTIVE, UserStatus.PENDING) and self.deleted_at is None

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def has_perm(self, perm: str, obj=None) -> bool:
        return self.is_active and any(b.has_perm(self, perm, obj) for b in get_backends() if hasattr(b, "has_perm"))

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_active and any(
            b.has_module_perms(self, app_label) for b in get_backends() if hasattr(b, "has_module_perms")
        )


class SignInThrottle(GlobalModel):
    """Failed sign-ins for an e-mail that has no account, counted and locked exactly like an account's, so the
    sign-in endpoint does not tell which e-mails are registered."""

    email = models.CharField(max_length=255, unique=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-in throttle"

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()


class Permission(GlobalModel):
    """One codename `app.action_resource` of the catalogue generated from the code."""

    codename = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    module = models.CharField(max_length=50)

    class Meta:
        ordering = ["codename"]

    def __str__(self) -> str:
        return self.codename


class Role(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_system = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    permissions = models.ManyToManyField(Permission, through="RolePermission", related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code"], condition=Q(deleted_at__isnull=True), name="role_code_unique"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"], condition=Q(deleted_at__isnull=True), name="role_name_unique"
            ),
        ]
        indexes = [models.Index(fields=["organization", "code", "id"], name="role_org_code")]

    def __str__(self) -> str:
        return self.name


class RolePermission(TenantModel):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="role_permissions")
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "role", "permission"], name="role_permission_unique")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.permission}"


class MemberRole(TenantModel):
    member = models.ForeignKey(OrganizationMember, on_delete=models.CASCADE, related_name="member_roles")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="member_roles")
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("role assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "member", "role", "workspace"],
                nulls_distinct=False,
                name="member_role_unique",
            )
        ]

    def __str__(self) -> str:
        if self.workspace_id is None:
            return f"{self.member}: {self.role}"
        return gettext("%(member)s: %(role)s in %(workspace)s") % {
            "member": self.member,
            "role": self.role,
            "workspace": self.workspace,
        }


class AuthSession(GlobalModel):
    """A signed-in device: the SHA-256 of its current refresh token; access tokens name the session."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="auth_sessions")
    organization = models.ForeignKey(
        "platform.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    refresh_token_hash = models.CharField(max_length=64, unique=True)
    device_info = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=255, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("sign-in session")
        indexes = [models.Index(fields=["user"], name="authsession_user")]

    def __str__(self) -> str:
        return gettext("%(user)s, signed in %(when)s") % {
            "user": self.user,
            "when": timezone.localtime(self.created_at).strftime("%Y-%m-%d %H:%M") if self.created_at else "",
        }

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ApiToken(TenantModel):
    """A personal API token: `cpt_<prefix>_<secret>`; only the SHA-256 of the whole token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    scopes = ArrayField(models.CharField(max_length=100), default=list, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "user", "created_at"], name="apitoken_org_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix})"


class VerificationToken(GlobalModel):
    """A one-time code or link: e-mail verification, password reset OTP, invitation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    email = models.EmailField(max_length=255, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    purpose = models.CharField(max_length=20, choices=TokenPurpose.choices)
    code_hash = models.CharField(max_length=64, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email"], name="verification_email"),
            models.Index(fields=["expires_at"], name="verification_expires"),
            models.Index(fields=["user", "purpose"], name="verification_user_purpose"),
        ]

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
