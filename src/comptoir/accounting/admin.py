"""Admin pages of the books, read-only: the chart, cost centers, fiscal years and periods, journal types, entries
and their lines, taxes, bank accounts and statement lines, budgets. Every write goes through the services (the desk
and the API), which hold the rules of the books. A bank account number is shown by its last 4 digits.

The balance caches (account-period and account-day totals) have no page: they are derived from the posted lines,
rebuilt by `comptoir check-books`, and read through the reports."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from comptoir.accounting.models import (
    Account,
    AccountGroup,
    BankAccount,
    BankTransaction,
    Budget,
    CostCenter,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
    JournalType,
    TaxRate,
)
from comptoir.platform.admin_site import (
    ReadOnlyAdminMixin,
    SoftDeleteMixin,
    TenantAdmin,
    TenantInline,
    record_of,
    site,
)
from comptoir.platform.crypto import masked


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


@admin.register(CostCenter, site=site)
class CostCenterAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("code", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    ordering = ("code",)


class PeriodInline(ReadOnlyAdminMixin, TenantInline):
    model = FiscalPeriod
    fields = ("period_no", "start_date", "end_date", "status")
    extra = 0


@admin.register(FiscalYear, site=site)
class FiscalYearAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("name", "start_date", "end_date", "is_current", "is_closed")
    ordering = ("-start_date",)
    inlines = (PeriodInline,)


@admin.register(JournalType, site=site)
class JournalTypeAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("code", "name", "category", "prefix", "is_accounting", "is_inventory", "is_system", "is_active")
    list_filter = ("category", "is_active", "is_system")
    search_fields = ("code", "name", "prefix")
    ordering = ("code",)


class LineInline(ReadOnlyAdminMixin, TenantInline):
    model = JournalLine
    fk_name = "entry"
    fields = ("line_no", "account", "entry_type", "amount", "currency", "exchange_rate", "base_amount", "cost_center")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entry", "account", "currency", "cost_center")


@admin.register(JournalEntry, site=site)
class JournalEntryAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("number", "date", "journal_type", "status", "total_debit", "narration")
    list_filter = ("status", "journal_type")
    search_fields = ("entry_number", "narration", "reference_number")
    list_select_related = ("journal_type",)
    ordering = ("-date",)
    inlines = (LineInline,)
    exclude = ("source_type", "source_id")
    readonly_fields = ("source",)

    @display(description=_("number"), ordering="entry_number")
    def number(self, obj) -> str:
        return str(obj)  # a draft has none yet: its date names it

    @display(description=_("source document"))
    def source(self, obj):
        return record_of(obj.source_type, obj.source_id)


# --- taxes ---------------------------------------------------------------------------------------------------------


class TaxComponentInline(ReadOnlyAdminMixin, TenantInline):
    model = TaxRate
    fk_name = "parent"
    fields = ("code", "name", "tax_type", "rate", "output_account", "input_account")
    verbose_name_plural = "components"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("output_account", "input_account")


@admin.register(TaxRate, site=site)
class TaxRateAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("code", "name", "tax_type", "rate", "parent", "effective_from", "effective_to", "is_active")
    list_filter = ("tax_type", "is_active")
    search_fields = ("code", "name", "description")
    list_select_related = ("parent",)
    ordering = ("code", "-effective_from")
    inlines = (TaxComponentInline,)


# --- banks ---------------------------------------------------------------------------------------------------------


@admin.register(BankAccount, site=site)
class BankAccountAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The account number is stored encrypted: only its last 4 digits are shown (the IBAN, which contains it, is
    masked the same way)."""

    list_display = ("account_name", "number", "bank_name", "account", "kind", "currency", "is_active")
    list_filter = ("kind", "is_active", ("currency", admin.RelatedOnlyFieldListFilter))
    search_fields = ("account_name", "bank_name", "branch", "account_number_last4", "account__code")
    list_select_related = ("account", "currency")
    ordering = ("account_name",)
    readonly_fields = ("number", "masked_iban")
    fields = (
        "account",
        "account_name",
        "number",
        "masked_iban",
        "bank_name",
        "branch",
        "swift",
        "ifsc",
        "kind",
        "currency",
        "is_active",
    )

    @display(description="account number")
    def number(self, obj) -> str:
        return masked(obj.account_number_last4)

    @display(description="IBAN")
    def masked_iban(self, obj) -> str:
        return obj.iban_masked


@admin.register(BankTransaction, site=site)
class BankTransactionAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """Imported statement lines; matching and reconciling go through the banks API."""

    list_display = (
        "transaction_date",
        "bank_account",
        "transaction_type",
        "amount",
        "description",
        "reference_number",
        "status",
        "reconciled_at",
    )
    list_filter = ("status", "transaction_type", ("bank_account", admin.RelatedOnlyFieldListFilter))
    search_fields = ("description", "reference_number")
    list_select_related = ("bank_account",)
    date_hierarchy = "transaction_date"
    ordering = ("-transaction_date", "reference_number")
    exclude = ("import_batch",)  # an id with no record behind it


# --- budgets -------------------------------------------------------------------------------------------------------


@admin.register(Budget, site=site)
class BudgetAdmin(ReadOnlyAdminMixin, SoftDeleteMixin, TenantAdmin):
    list_display = (
        "name",
        "fiscal_year",
        "quarter",
        "cost_center",
        "account",
        "category",
        "allocated_amount",
        "currency",
        "status",
    )
    list_filter = ("status", ("fiscal_year", admin.RelatedOnlyFieldListFilter), "quarter")
    search_fields = ("name", "category", "notes", "account__code", "cost_center__code")
    list_select_related = ("fiscal_year", "cost_center", "account", "currency")
    ordering = ("name",)
