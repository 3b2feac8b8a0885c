"""Admin pages of the platform app: the organization, its workspaces, features, addresses and exchange rates,
idempotency keys (read-only) and the global masters (read-only except for superusers).

Organization members are administered from `comptoir.identity.admin`, next to the services that write them.
"""

from __future__ import annotations

from django.contrib import admin
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.decorators import display

from comptoir.platform import services
from comptoir.platform.admin_site import (
    ReadOnlyAdminMixin,
    ReferenceAdmin,
    ServiceFormMixin,
    SoftDeleteMixin,
    TenantAdmin,
    TenantInline,
    adopt,
    in_current_organization,
    site,
)
from comptoir.platform.models import (
    Country,
    Currency,
    ExchangeRate,
    IdempotencyKey,
    Organization,
    OrganizationAddress,
    OrganizationFeature,
    OrganizationMember,
    UnitOfMeasure,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.tenancy import current_org_id

# --- the organization ----------------------------------------------------------------------------------------------


@admin.register(Organization, site=site)
class OrganizationAdmin(ServiceFormMixin, ModelAdmin):
    """The organizations the user belongs to; only the current one is editable (switch to edit another)."""

    list_display = ("name", "code", "country", "base_currency", "status", "is_current", "created_at")
    list_filter = ("status", "kind", "size")
    search_fields = ("name", "code", "legal_name", "tax_id", "registration_number")
    list_select_related = ("country", "base_currency")
    ordering = ("name",)
    readonly_fields = ("code", "id", "version", "created_at", "updated_at", "created_by")
    fieldsets = (
        (None, {"fields": ("name", "legal_name", "code", "status")}),
        ("Company", {"fields": ("kind", "company_type", "industry", "size", "employee_count", "annual_revenue")}),
        ("Registration", {"fields": ("country", "bin", "tax_id", "registration_number", "gstin", "pan")}),
        ("Contact", {"fields": ("email", "phone", "website")}),
        ("Money and locale", {"fields": ("base_currency", "timezone", "language")}),
        ("Settings", {"classes": ("collapse",), "fields": ("settings", "metadata")}),
        ("Audit", {"classes": ("collapse",), "fields": ("id", "version", "created_at", "updated_at", "created_by")}),
    )

    def get_queryset(self, request):
        mine = OrganizationMember.unscoped.filter(user_id=request.user.pk, is_active=True).values("organization_id")
        return super().get_queryset(request).filter(pk__in=mine, deleted_at__isnull=True)

    @display(description="current", boolean=True)
    def is_current(self, obj) -> bool:
        return obj.pk == current_org_id()

    def has_add_permission(self, request):
        return False  # organizations are founded by sign-up (POST /api/v1/auth/signup)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_current_organization(obj)

    def save_model(self, request, obj, form, change):
        changes = {}
        for name in form.changed_data:
            value = form.cleaned_data[name]
            changes[name] = value.code if name in ("country", "base_currency") else value
        if changes:
            adopt(obj, services.update_organization(actor=request.user, changes=changes))


# --- workspaces ----------------------------------------------------------------------------------------------------


class WorkspaceMemberInline(TenantInline):
    model = WorkspaceMember
    fields = ("user", "role", "is_active", "joined_at")
    user_fields = ("user",)
    ordering = ("user__email",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Workspace, site=site)
class WorkspaceAdmin(SoftDeleteMixin, TenantAdmin):
    list_display = ("name", "type", "status", "is_default", "created_at")
    list_filter = ("type", "status", "is_default")
    search_fields = ("name", "description")
    ordering = ("name",)
    readonly_fields = ("is_default", "version")
    add_fields = ("name", "type", "description")
    change_fields = ("name", "type", "status", "description", "settings", "is_default", "version")

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return self.change_fields + self.audit_fields

    def get_inlines(self, request, obj):
        return [WorkspaceMemberInline] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if not change:
            data = services.WorkspaceInput(**{f: form.cleaned_data[f] for f in self.add_fields})
            adopt(obj, services.create_workspace(actor=request.user, data=data))
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            adopt(obj, services.update_workspace(actor=request.user, workspace_id=obj.pk, changes=changes))

    def delete_model(self, request, obj):
        services.delete_workspace(actor=request.user, workspace_id=obj.pk)


@admin.register(WorkspaceMember, site=site)
class WorkspaceMemberAdmin(TenantAdmin):
    list_display = ("user", "workspace", "role", "is_active", "joined_at")
    list_filter = ("role", "is_active", ("workspace", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__email", "user__first_name", "user__last_name", "workspace__name")
    list_select_related = ("user", "workspace")
    ordering = ("workspace__name", "user__email")
    fields = ("workspace", "user", "role", "is_active", "joined_at")
    user_fields = ("user",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "workspace":
            kwargs["queryset"] = Workspace.objects.filter(deleted_at__isnull=True).order_by("name")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- features, addresses, rates --------------------------------------------------------------------------------------


@admin.register(OrganizationFeature, site=site)
class OrganizationFeatureAdmin(TenantAdmin):
    """The module switches of the organization (one row, created with it)."""

    list_display = (
        "organization",
        "inventory_enabled",
        "accounting_enabled",
        "payroll_enabled",
        "tax_regime",
        "locked",
        "updated_at",
    )
    list_select_related = ("organization",)
    fields = ("inventory_enabled", "accounting_enabled", "payroll_enabled", "tax_regime", "locked")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganizationAddress, site=site)
class OrganizationAddressAdmin(SoftDeleteMixin, TenantAdmin):
    list_display = ("address_type", "line1", "city", "postal_code", "country")
    list_filter = ("address_type", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("line1", "line2", "city", "state", "postal_code")
    list_select_related = ("country",)
    ordering = ("address_type", "city")
    fields = ("address_type", "line1", "line2", "city", "state", "postal_code", "country")


@admin.register(ExchangeRate, site=site)
class ExchangeRateAdmin(TenantAdmin):
    list_display = ("rate_date", "from_currency", "to_currency", "rate", "source")
    list_filter = (
        ("from_currency", admin.RelatedOnlyFieldListFilter),
        ("to_currency", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("from_currency__code", "to_currency__code", "source")
    list_select_related = ("from_currency", "to_currency")
    date_hierarchy = "rate_date"
    ordering = ("-rate_date", "from_currency__code", "to_currency__code")
    fields = ("from_currency", "to_currency", "rate", "rate_date", "source")

    def get_changeform_initial_data(self, request):
        return {"rate_date": timezone.localdate(), **super().get_changeform_initial_data(request)}


@admin.register(IdempotencyKey, site=site)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Stored `Idempotency-Key` replays; the stored response body is not shown."""

    audit_fields = ("created_at",)
    list_display = ("key", "request_method", "request_path", "response_status", "user", "created_at", "expires_at")
    list_filter = ("request_method", "response_status")
    search_fields = ("key", "request_path")
    list_select_related = ("user",)
    ordering = ("-created_at",)
    fields = (
        "key",
        "user",
        "request_method",
        "request_path",
        "request_hash",
        "response_status",
        "response_content_type",
        "completed_at",
        "expires_at",
    )


# --- global masters ------------------------------------------------------------------------------------------------


@admin.register(Currency, site=site)
class CurrencyAdmin(ReferenceAdmin):
    list_display = ("code", "name", "symbol", "decimal_places", "is_active")
    list_filter = ("is_active", "decimal_places")
    search_fields = ("code", "name")
    ordering = ("code",)
    fields = ("code", "name", "symbol", "decimal_places", "is_active")


@admin.register(Country, site=site)
class CountryAdmin(ReferenceAdmin):
    list_display = ("code", "name", "default_currency")
    search_fields = ("code", "name")
    list_select_related = ("default_currency",)
    ordering = ("name",)
    fields = ("code", "name", "default_currency")


@admin.register(UnitOfMeasure, site=site)
class UnitOfMeasureAdmin(ReferenceAdmin):
    list_display = ("symbol", "name", "category", "uqc_code")
    list_filter = ("category",)
    search_fields = ("symbol", "name", "uqc_code")
    ordering = ("category", "name")
    fields = ("symbol", "name", "category", "uqc_code")
