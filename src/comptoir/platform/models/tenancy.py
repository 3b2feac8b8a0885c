"""Tenancy (catalogue §1): the organization (tenant root), its workspaces, members, features and addresses."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext

from comptoir.platform.constants import (
    AddressType,
    OrganizationKind,
    OrganizationSize,
    OrganizationStatus,
    OrgRole,
    TaxRegime,
    WorkspaceRole,
    WorkspaceStatus,
    WorkspaceType,
)
from comptoir.platform.ids import uuid7
from comptoir.platform.models.base import TenantModel, VersionedMixin
from comptoir.platform.models.reference import Country, Currency
from comptoir.platform.tenancy import require_org_id

USER_MODEL = settings.AUTH_USER_MODEL


class Organization(VersionedMixin, models.Model):
    """The tenant. Visible to a connection whose organization it is, or to a member user before one is chosen."""

    rls_policy = (
        "USING (id = {org} OR id IN (SELECT organization_id FROM platform_organizationmember "
        "WHERE user_id = {user} AND is_active)) WITH CHECK (id = {org})"
    )

    id = models.UUIDField(primary_key=True, default=uuid7, editable=False)
    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=255)
    legal_name = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=12, choices=OrganizationKind.choices, default=OrganizationKind.COMPANY)
    company_type = models.CharField(max_length=50, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    size = models.CharField(max_length=12, choices=OrganizationSize.choices, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    bin = models.CharField("BIN (KZ)", max_length=12, blank=True)
    tax_id = models.CharField(max_length=50, blank=True)
    registration_number = models.CharField(max_length=50, blank=True)
    gstin = models.CharField("GSTIN (IN)", max_length=15, blank=True)
    pan = models.CharField("PAN (IN)", max_length=10, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    website = models.URLField(blank=True)
    logo = models.FileField(upload_to="logos/", blank=True)
    base_currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    timezone = models.CharField(max_length=50, default="UTC")
    language = models.CharField(max_length=20, default="en")
    status = models.CharField(max_length=10, choices=OrganizationStatus.choices, default=OrganizationStatus.ACTIVE)
    settings = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"]), models.Index(fields=["industry"])]
        constraints = [
            models.UniqueConstraint(
                fields=["bin"], condition=Q(deleted_at__isnull=True) & ~Q(bin=""), name="organization_bin_unique"
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"), name="organization_code_format"
            ),
            models.UniqueConstraint(Upper("code"), name="organization_code_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Workspace(VersionedMixin, TenantModel):
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=12, choices=WorkspaceType.choices, default=WorkspaceType.MAIN)
    status = models.CharField(max_length=10, choices=WorkspaceStatus.choices, default=WorkspaceStatus.ACTIVE)
    is_default = models.BooleanField(default=False)
    settings = models.JSONField(default=dict, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="workspace_org_name"),
            models.Index(fields=["organization", "status"], name="workspace_org_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=Q(is_default=True), name="workspace_one_default_per_org"
            ),
            models.UniqueConstraint(
                fields=["organization", "name"],
                condition=Q(deleted_at__isnull=True),
                name="workspace_name_unique_per_org",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def default_id(cls):
        """The id of the current organization's default workspace (one prepared statement: every new document
        asks it)."""
        from comptoir.platform.db import prepared_cursor  # the connection set-up imports the models

        with prepared_cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {cls._meta.db_table} WHERE organization_id = %s AND is_default",  # noqa: S608
                [require_org_id()],
            )
            return cursor.fetchone()[0]


class OrganizationMember(TenantModel):
    """A user's membership of an organization. Visible to the organization, and to the user it belongs to."""

    rls_policy = "USING (organization_id = {org} OR user_id = {user}) WITH CHECK (organization_id = {org})"

    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    org_role = models.CharField(max_length=10, choices=OrgRole.choices, default=OrgRole.EMPLOYEE)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["organization", "is_active"], name="member_org_active"),
            models.Index(fields=["user", "is_default"], name="member_user_default"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"], name="member_unique_user_per_org"),
            models.UniqueConstraint(fields=["user"], condition=Q(is_default=True), name="member_one_default_org"),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def awaits_acceptance(self) -> bool:
        """An invitation the user has not accepted yet: inactive and never joined."""
        return not self.is_active and self.joined_at is None


class WorkspaceMember(TenantModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=10, choices=WorkspaceRole.choices, default=WorkspaceRole.MEMBER)
    is_active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "workspace", "user"], name="workspace_member_unique"),
        ]

    def __str__(self) -> str:
        return gettext("%(user)s in %(workspace)s") % {"user": self.user, "workspace": self.workspace}


class OrganizationFeature(TenantModel):
    """The tax regime of one organization; `locked` freezes every financial write. Its module switches are
    `ModuleSwitch` rows."""

    tax_regime = models.CharField(max_length=5, choices=TaxRegime.choices, default=TaxRegime.NONE)
    locked = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="feature_one_per_org")]

    def __str__(self) -> str:
        state = [gettext("no tax regime") if self.tax_regime == TaxRegime.NONE else self.get_tax_regime_display()]
        if self.locked:
            state.append(gettext("locked"))
        return gettext("Features: %(state)s") % {"state": ", ".join(state)}


class ModuleSwitch(TenantModel):
    """Whether a switchable module (its spec's name) is on in one organization; without a row the spec's
    `default_enabled` applies."""

    module = models.CharField(max_length=50)
    enabled = models.BooleanField()

    class Meta:
        verbose_name_plural = "module switches"
        constraints = [models.UniqueConstraint(fields=["organization", "module"], name="module_switch_unique")]

    def __str__(self) -> str:
        return (gettext("%(module)s on") if self.enabled else gettext("%(module)s off")) % {"module": self.module}


class OrganizationAddress(TenantModel):
    address_type = models.CharField(max_length=12, choices=AddressType.choices)
    line1 = models.CharField(max_length=255)
    line2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "organization addresses"
        indexes = [models.Index(fields=["organization", "address_type"], name="orgaddress_org_type")]

    def __str__(self) -> str:
        return f"{self.get_address_type_display()}: {self.line1}, {self.city}"


class ExchangeRate(TenantModel):
    """The rate converting one unit of `from_currency` into `to_currency` on `rate_date`."""

    from_currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    to_currency = models.ForeignKey(Currency, on_delete=models.PROTECT, related_name="+")
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    rate_date = models.DateField()
    source = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["-rate_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "from_currency", "to_currency", "rate_date"], name="fx_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(
                condition=~Q(from_currency=models.F("to_currency")), name="fx_rate_distinct_currencies"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "from_currency", "to_currency", "-rate_date"], name="fx_lookup"),
        ]

    def __str__(self) -> str:
        return gettext("%(from)s → %(to)s on %(date)s") % {
            "from": self.from_currency,
            "to": self.to_currency,
            "date": self.rate_date,
        }


class IdempotencyKey(TenantModel):
    """A POST's `Idempotency-Key`: the request's fingerprint and, once finished, its stored response."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+")
    request_method = models.CharField(max_length=10)
    request_path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    completed_at = models.DateTimeField(null=True)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["organization", "created_at"], name="idempotency_org_created")]
