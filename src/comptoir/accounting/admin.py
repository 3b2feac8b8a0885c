"""Admin pages of the books, read-only: the chart, fiscal years and periods, journal entries and their lines.
Every write goes through the services (the API), which hold the rules of the books."""

from __future__ import annotations

from django.contrib import admin

from comptoir.accounting.models import Account, AccountGroup, FiscalPeriod, FiscalYear, JournalEntry, JournalLine
from comptoir.platform.admin_site import ReadOnlyAdminMixin, TenantAdmin, site


@admin.register(AccountGroup, site=site)
class AccountGroupAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("code", "name", "nature", "report_type", "path")
    list_filter = ("nature",)
    search_fields = ("code", "name")
    ordering = ("path",)


@admin.register(Account, site=site)
class AccountAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("code", "name", "group", "account_type", "is_active")
    list_filter = ("account_type", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("group",)
    ordering = ("code",)


class PeriodInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = FiscalPeriod
    fields = ("period_no", "start_date", "end_date", "status")
    extra = 0


@admin.register(FiscalYear, site=site)
class FiscalYearAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("name", "start_date", "end_date", "is_current", "is_closed")
    ordering = ("-start_date",)
    inlines = (PeriodInline,)


class LineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = JournalLine
    fk_name = "entry"
    fields = ("line_no", "account", "entry_type", "amount", "currency", "exchange_rate", "base_amount", "cost_center")
    extra = 0


@admin.register(JournalEntry, site=site)
class JournalEntryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("entry_number", "date", "journal_type", "status", "total_debit", "narration")
    list_filter = ("status", "journal_type")
    search_fields = ("entry_number", "narration", "reference_number")
    list_select_related = ("journal_type",)
    ordering = ("-date",)
    inlines = (LineInline,)
