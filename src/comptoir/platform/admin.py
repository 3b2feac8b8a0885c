"""Admin pages of the platform app: the organization, its workspaces, features, addresses and exchange rates,
and the global masters (read-only except for superusers); the cross-cutting records (numbering sequences, audit
log, settings, attachments, notifications, calendar, outbox and webhooks) are read-only: their services hold the
rules (the audit log's append-only trigger, encrypted secrets).

Internal tables have no page: idempotency keys (stored replays of API requests, purged when they expire).
Numbering sequences stay, read-only: an operator answering "why does this invoice number jump?" needs the counters.
Organization members are administered from `comptoir.identity.admin`, next to the services that write them.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from comptoir.platform import services
from comptoir.platform.admin_site import (
    DirectWriteMixin,
    OperatorAdmin,
    ReadOnlyAdminMixin,
    ReferenceAdmin,
    ServiceFormMixin,
    SoftDeleteMixin,
    TenantAdmin,
    TenantInline,
    adopt,
    in_current_organization,
    record_cell,
    record_labels,
    record_of,
    site,
)
from comptoir.platform.crypto import MASK
from comptoir.platform.models import (
    Attachment,
    AuditLog,
    CalendarEvent,
    CalendarEventAttendee,
    Country,
    Currency,
    ExchangeRate,
    IntegrationEvent,
    ModuleSwitch,
    Notification,
    Organization,
    OrganizationAddress,
    OrganizationFeature,
    OrganizationMember,
    Sequence,
    Setting,
    UnitOfMeasure,
    WebhookDelivery,
    WebhookSubscription,
    Workspace,
    WorkspaceMember,
)
from comptoir.platform.queries.calendar import visible_events
from comptoir.platform.services import rates
from comptoir.platform.services.features import FeaturesPatch, update_features
from comptoir.platform.tenancy import current_org_id, require_org_id

# --- the organization ----------------------------------------------------------------------------------------------


@admin.register(Organization, site=site)
class OrganizationAdmin(ServiceFormMixin, OperatorAdmin):
    """The organizations the user belongs to; only the current one is editable (switch to edit another)."""

    not_written_here = frozenset({"add", "delete"})
    not_here = {
        "add": _("Organizations are founded by signing up (POST /api/v1/auth/signup), not in the admin."),
        "delete": _("Organizations are not deleted from the admin."),
    }
    refused = {"change": _("Switch to this organization to change it.")}

    list_display = ("name", "code", "country", "base_currency", "status", "is_current", "created_at")
    list_filter = ("status", "kind", "size")
    search_fields = ("name", "code", "legal_name", "tax_id", "registration_number")
    list_select_related = ("country", "base_currency")
    ordering = ("name",)
    readonly_fields = ("code", "version", "created_at", "updated_at", "created_by")
    fieldsets = (
        (None, {"fields": ("name", "legal_name", "code", "status")}),
        ("Company", {"fields": ("kind", "company_type", "industry", "size", "employee_count", "annual_revenue")}),
        ("Registration", {"fields": ("country", "bin", "tax_id", "registration_number", "gstin", "pan")}),
        ("Contact", {"fields": ("email", "phone", "website")}),
        ("Money and locale", {"fields": ("base_currency", "timezone", "language")}),
        ("Settings", {"classes": ("collapse",), "fields": ("settings", "metadata")}),
        ("Audit", {"classes": ("collapse",), "fields": ("version", "created_at", "updated_at", "created_by")}),
    )

    def get_queryset(self, request):
        mine = OrganizationMember.unscoped.filter(user_id=request.user.pk, is_active=True).values("organization_id")
        return super().get_queryset(request).filter(pk__in=mine, deleted_at__isnull=True)

    @display(description="current", boolean=True)
    def is_current(self, obj) -> bool:
        return obj.pk == current_org_id()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_current_organization(obj)

    def save_model(self, request, obj, form, change):
        changes = {}
        for name in form.changed_data:
            value = form.cleaned_data[name]
            changes[name] = value.code if name in ("country", "base_currency") else value
        if changes:
            adopt(obj, services.update_organization(actor=request.user, patch=services.OrganizationPatch(**changes)))


# --- workspaces ----------------------------------------------------------------------------------------------------


class WorkspaceMemberInline(TenantInline):
    """Written by the admin itself (no service writes workspace members), audited (`TenantAdmin.save_formset`)."""

    model = WorkspaceMember
    fields = ("user", "role", "is_active", "joined_at")
    user_fields = ("user",)
    ordering = ("user__email",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "workspace")


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
            patch = services.WorkspacePatch(**changes)
            adopt(obj, services.update_workspace(actor=request.user, workspace_id=obj.pk, patch=patch))

    def delete_model(self, request, obj):
        services.delete_workspace(actor=request.user, workspace_id=obj.pk)


@admin.register(WorkspaceMember, site=site)
class WorkspaceMemberAdmin(DirectWriteMixin, TenantAdmin):
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
    """The tax regime and the financial freeze of the organization (one row, created with it), changed through
    `update_features`; the module switches are changed through the API (`PATCH /platform/features`)."""

    not_written_here = frozenset({"add", "delete"})
    not_here = {
        "add": _("Each organization has one row of features, created with it."),
        "delete": _("The features of an organization are changed, never deleted."),
    }
    list_display = ("organization", "tax_regime", "locked", "updated_at")
    list_select_related = ("organization",)
    fields = ("tax_regime", "locked")

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            adopt(obj, update_features(actor=request.user, patch=FeaturesPatch(**changes)))


@admin.register(ModuleSwitch, site=site)
class ModuleSwitchAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The module switches the organization set (a module with no row has its spec's default); read-only here,
    changed through `PATCH /api/v1/platform/features`."""

    not_here = dict.fromkeys(
        ("add", "change", "delete"),
        _("Modules are switched on and off through the API (PATCH /api/v1/platform/features)."),
    )
    list_display = ("module", "enabled", "updated_at", "updated_by")
    list_select_related = ("updated_by",)
    ordering = ("module",)
    fields = ("module", "enabled")


@admin.register(OrganizationAddress, site=site)
class OrganizationAddressAdmin(DirectWriteMixin, SoftDeleteMixin, TenantAdmin):
    """Written by the admin itself (no service writes addresses), audited."""

    list_display = ("address_type", "line1", "city", "postal_code", "country")
    list_filter = ("address_type", ("country", admin.RelatedOnlyFieldListFilter))
    search_fields = ("line1", "line2", "city", "state", "postal_code")
    list_select_related = ("country",)
    ordering = ("address_type", "city")
    fields = ("address_type", "line1", "line2", "city", "state", "postal_code", "country")


@admin.register(ExchangeRate, site=site)
class ExchangeRateAdmin(TenantAdmin):
    """The rates the books convert with, written through the rate services (one per pair and day; the pair and the
    day of a saved rate are fixed: delete it and add another)."""

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

    def get_readonly_fields(self, request, obj=None):
        fixed = ("from_currency", "to_currency", "rate_date") if obj else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def get_changeform_initial_data(self, request):
        return {"rate_date": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        if change:
            patch = rates.ExchangeRatePatch(**{name: form.cleaned_data[name] for name in form.changed_data})
            adopt(obj, rates.update_exchange_rate(actor=request.user, rate_id=obj.pk, patch=patch))
            return
        data = rates.ExchangeRateInput(
            from_currency=obj.from_currency.code,
            to_currency=obj.to_currency.code,
            rate=obj.rate,
            rate_date=obj.rate_date,
            source=obj.source,
        )
        adopt(obj, rates.create_exchange_rate(actor=request.user, data=data))

    def delete_model(self, request, obj):
        rates.delete_exchange_rate(actor=request.user, rate_id=obj.pk)


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


# --- cross-cutting records: read-only, written by their services -----------------------------------------------------


@admin.register(Sequence, site=site)
class SequenceAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Numbering counters; only `next_number` moves them (gap-free, in the document's transaction)."""

    list_display = ("document_type", "period_key", "prefix", "padding", "reset_period", "last_value", "updated_at")
    list_filter = ("reset_period", "document_type")
    search_fields = ("document_type", "prefix", "period_key")
    ordering = ("document_type", "period_key")
    fields = ("document_type", "period_key", "prefix", "padding", "reset_period", "last_value")


@admin.register(AuditLog, site=site)
class AuditLogAdmin(ReadOnlyAdminMixin, OperatorAdmin):
    """The current organization's audit rows only: rows without an organization (sign-ins before one is chosen)
    and other organizations' rows are never listed. Append-only: PostgreSQL refuses UPDATE and DELETE. A row names
    its record by the label stored with it, linked to the record's page."""

    not_here = dict.fromkeys(("add", "change", "delete"), _("The audit log is written by the services, never edited."))
    list_display = ("timestamp", "action", "record", "user_email", "source", "ip_address")
    list_filter = ("action", "source", "object_type")
    search_fields = ("object_repr", "object_type", "user_email", "=object_id", "=request_id")
    date_hierarchy = "timestamp"
    ordering = ("-timestamp",)
    readonly_fields = ("record", "workspace")
    fields = (
        "timestamp",
        "action",
        "record",
        "actor_user",
        "user_email",
        "workspace",
        "changes",
        "old_values",
        "new_values",
        "reason",
        "metadata",
        "source",
        "request_id",
        "session_id",
        "ip_address",
        "user_agent",
        "http_method",
        "request_path",
        "duration_ms",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(organization_id=require_org_id())

    @display(description=_("record"), ordering="object_repr")
    def record(self, obj):
        return record_cell(obj.object_type, obj.object_id, obj.object_repr)

    @display(description=_("workspace"))
    def workspace(self, obj) -> str:
        workspace = Workspace.objects.filter(pk=obj.workspace_id).first() if obj.workspace_id else None
        return str(workspace) if workspace is not None else "—"


@admin.register(Setting, site=site)
class SettingAdmin(ReadOnlyAdminMixin, OperatorAdmin):
    """The settings that apply in the current organization: its own rows, its workspaces' overrides and the global
    defaults (never another organization's). A secret value is never shown, only a mask."""

    list_display = ("key", "category", "scope", "shown_value", "data_type", "is_secret", "is_readonly", "updated_at")
    list_filter = ("category", "data_type", "is_secret", "is_readonly")
    search_fields = ("key", "category", "description")
    list_select_related = ("workspace",)
    ordering = ("key", "organization_id", "workspace_id")
    readonly_fields = ("scope", "shown_value")
    fields = (
        "key",
        "category",
        "scope",
        "shown_value",
        "data_type",
        "description",
        "validation_rules",
        "is_public",
        "is_secret",
        "is_readonly",
        "created_at",
        "updated_at",
        "created_by",
        "updated_by",
    )

    def get_queryset(self, request):
        mine = Q(organization_id=require_org_id())
        return super().get_queryset(request).filter(mine | Q(organization_id__isnull=True, workspace_id__isnull=True))

    @display(description="scope")
    def scope(self, obj) -> str:
        if obj.organization_id is None:
            return "global default"
        return f"workspace {obj.workspace.name}" if obj.workspace_id else "organization"

    @display(description="value")
    def shown_value(self, obj):
        return MASK if obj.is_secret or obj.encrypted_value else obj.value


@admin.register(Attachment, site=site)
class AttachmentAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Metadata only: the file is downloaded through the API, which checks the owner row's permission. The owner
    is shown by its label (one query per kind of owner on a page)."""

    list_display = ("file_name", "owner", "mime_type", "size_bytes", "uploaded_by", "created_at")
    list_filter = ("owner_type", "mime_type", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("file_name", "owner_type", "=owner_id", "=sha256")
    list_select_related = ("uploaded_by",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    readonly_fields = ("owner",)
    fields = (
        "file_name",
        "owner",
        "mime_type",
        "size_bytes",
        "sha256",
        "uploaded_by",
        "deleted_at",
        "deleted_by",
    )

    def prepare_rows(self, rows: list) -> None:
        labels = record_labels((row.owner_type, row.owner_id) for row in rows)
        for row in rows:
            row.owner_label = labels.get((row.owner_type, str(row.owner_id)))

    @display(description=_("attached to"))
    def owner(self, obj):
        if hasattr(obj, "owner_label"):
            return record_cell(obj.owner_type, obj.owner_id, obj.owner_label)
        return record_of(obj.owner_type, obj.owner_id)


@admin.register(Notification, site=site)
class NotificationAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The signed-in user's own notifications, whatever their role."""

    list_display = ("title", "type", "category", "channel", "is_read", "created_at")
    list_filter = ("type", "channel", "is_read", "category")
    search_fields = ("title", "message", "category")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = ("title", "message", "type", "category", "channel", "data", "is_read", "read_at")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(user_id=request.user.pk)


class CalendarEventAttendeeInline(ReadOnlyAdminMixin, TenantInline):
    model = CalendarEventAttendee
    fields = ("user", "response")
    ordering = ("user__email",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(CalendarEvent, site=site)
class CalendarEventAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The events the user organises or attends (as in the calendar API), deleted ones left out."""

    list_display = ("title", "type", "start_time", "end_time", "status", "recurrence", "workspace", "created_by")
    list_filter = ("type", "status", "recurrence", ("workspace", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "description", "location")
    list_select_related = ("workspace", "created_by")
    date_hierarchy = "start_time"
    ordering = ("-start_time",)
    inlines = (CalendarEventAttendeeInline,)
    fields = (
        "title",
        "type",
        "status",
        "workspace",
        "start_time",
        "end_time",
        "all_day",
        "recurrence",
        "recurrence_end",
        "location",
        "description",
        "reminders",
        "color",
        "related",
        "version",
    )
    readonly_fields = ("related",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=visible_events(request.user).values("pk"))

    @display(description=_("related record"))
    def related(self, obj):
        return record_of(obj.related_type, obj.related_id)


class DeliveryInline(ReadOnlyAdminMixin, TenantInline):
    model = WebhookDelivery
    fields = ("url", "attempt", "status", "response_status", "duration_ms", "delivered_at", "next_retry_at")
    readonly_fields = ("url",)
    ordering = ("subscription_id", "attempt")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event", "subscription")

    @display(description="webhook")
    def url(self, obj) -> str:
        return obj.subscription.url


@admin.register(IntegrationEvent, site=site)
class IntegrationEventAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The outbox: domain events and their delivery state (a replay goes through the webhooks API)."""

    list_display = ("event_type", "status", "attempts", "source_object_type", "created_at", "processed_at")
    list_filter = ("status", "event_type")
    search_fields = ("event_type", "source_object_type", "=source_object_id", "error_message")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    inlines = (DeliveryInline,)
    fields = (
        "event_type",
        "status",
        "payload",
        "source",
        "attempts",
        "max_attempts",
        "last_attempt_at",
        "next_retry_at",
        "processed_at",
        "response",
        "error_message",
    )
    readonly_fields = ("source",)

    @display(description=_("source"))
    def source(self, obj):
        return record_of(obj.source_object_type, obj.source_object_id)


@admin.register(WebhookSubscription, site=site)
class WebhookSubscriptionAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The signing secret is shown once, by the API that creates it; here only a mask."""

    list_display = ("url", "event_types", "is_active", "consecutive_failures", "deleted_at", "created_at")
    list_filter = ("is_active", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("url", "description")
    ordering = ("-created_at",)
    readonly_fields = ("secret",)
    fields = ("url", "secret", "event_types", "is_active", "description", "consecutive_failures", "deleted_at")

    @display(description="secret")
    def secret(self, obj) -> str:
        return MASK


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("event_type", "url", "attempt", "status", "response_status", "duration_ms", "created_at")
    list_filter = ("status", "response_status")
    search_fields = ("event__event_type", "subscription__url", "error_message")
    list_select_related = ("event", "subscription")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fields = (
        "event",
        "subscription",
        "attempt",
        "status",
        "response_status",
        "response_body",
        "error_message",
        "duration_ms",
        "next_retry_at",
        "delivered_at",
    )

    @display(description="event", ordering="event__event_type")
    def event_type(self, obj) -> str:
        return obj.event.event_type

    @display(description="webhook", ordering="subscription__url")
    def url(self, obj) -> str:
        return obj.subscription.url
