"""Admin pages of the parties, read-only: every write goes through the services (the desk and the API), which hold
the rules (the ledger account opened with the party, tax ids, one primary contact…). Secrets are never shown: the
IIN by its last 4 digits, a bank account's number by its last 4 and its IBAN masked."""

from __future__ import annotations

from django.contrib import admin
from unfold.decorators import display

from comptoir.parties.models import Party, PartyAddress, PartyBankAccount, PartyContact
from comptoir.platform.admin_site import ReadOnlyAdminMixin, TenantAdmin, TenantInline, site
from comptoir.platform.crypto import masked


class ContactInline(ReadOnlyAdminMixin, TenantInline):
    model = PartyContact
    fields = ("first_name", "last_name", "position", "email", "phone", "is_primary")


class AddressInline(ReadOnlyAdminMixin, TenantInline):
    model = PartyAddress
    fields = ("address_type", "line1", "city", "postal_code", "country", "is_default")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")


class BankAccountInline(ReadOnlyAdminMixin, TenantInline):
    model = PartyBankAccount
    fields = ("bank_name", "number", "iban_masked", "swift_code", "is_primary", "is_active")
    readonly_fields = ("number",)

    @display(description="account number")
    def number(self, obj) -> str:
        return masked(obj.account_number_last4)


@admin.register(Party, site=site)
class PartyAdmin(ReadOnlyAdminMixin, TenantAdmin):
    list_display = ("party_number", "name", "party_type", "status", "email", "account")
    list_filter = ("party_type", "status", "tier")
    search_fields = ("party_number", "name", "email", "gstin", "pan", "bin", "vat_number")
    list_select_related = ("account",)
    ordering = ("name",)
    exclude = ("iin_encrypted", "iin_hash", "iin_last4")
    readonly_fields = ("iin",)
    inlines = (ContactInline, AddressInline, BankAccountInline)

    @display(description="IIN")
    def iin(self, obj) -> str:
        return masked(obj.iin_last4)
