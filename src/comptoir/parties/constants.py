"""Types, kinds, statuses and terms of a party, and the allowed status transitions, declared as data."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PartyType(models.TextChoices):
    CUSTOMER = "CUSTOMER", _("Customer")
    SUPPLIER = "SUPPLIER", _("Supplier")
    BOTH = "BOTH", _("Customer and supplier")
    EMPLOYEE = "EMPLOYEE", _("Employee")
    OTHER = "OTHER", _("Other")


# The ledger account type each party type opens (entities §4, seed 004 rule 2): customers (and parties that are
# both, and others) owe us, so a receivable; suppliers and employees are owed, so a payable.
ACCOUNT_TYPE_OF_PARTY = {
    PartyType.CUSTOMER: "CUSTOMER",
    PartyType.BOTH: "CUSTOMER",
    PartyType.OTHER: "CUSTOMER",
    PartyType.SUPPLIER: "SUPPLIER",
    PartyType.EMPLOYEE: "EMPLOYEE",
}


class PartyKind(models.TextChoices):
    COMPANY = "COMPANY", _("Company")
    INDIVIDUAL = "INDIVIDUAL", _("Individual")


class PartyStatus(models.TextChoices):
    PROSPECT = "PROSPECT", pgettext_lazy("party", "Prospect")
    ACTIVE = "ACTIVE", pgettext_lazy("party", "Active")
    INACTIVE = "INACTIVE", pgettext_lazy("party", "Inactive")
    CHURNED = "CHURNED", pgettext_lazy("party", "Churned")
    BLACKLISTED = "BLACKLISTED", pgettext_lazy("party", "Blacklisted")


_P, _A, _I, _C, _B = (PartyStatus.PROSPECT, PartyStatus.ACTIVE, PartyStatus.INACTIVE, PartyStatus.CHURNED,
                      PartyStatus.BLACKLISTED)  # fmt: skip
# PROSPECT → ACTIVE ↔ INACTIVE; ACTIVE/INACTIVE → CHURNED → ACTIVE (win-back); any → BLACKLISTED → INACTIVE.
PARTY_TRANSITIONS = frozenset(
    {(_P, _A), (_A, _I), (_I, _A), (_A, _C), (_I, _C), (_C, _A), (_P, _B), (_A, _B), (_I, _B), (_C, _B), (_B, _I)}
)
# Moves into or out of BLACKLISTED need parties.blacklist_party (restricted: never granted by a wildcard).
BLACKLIST_MOVES = frozenset({(s, _B) for s in (_P, _A, _I, _C)} | {(_B, _I)})
# The statuses a party may be created in.
INITIAL_STATUSES = (PartyStatus.PROSPECT, PartyStatus.ACTIVE)


class PaymentTerms(models.TextChoices):
    PREPAYMENT = "PREPAYMENT", _("Prepayment")
    NET_15 = "NET_15", _("Net 15 days")
    NET_30 = "NET_30", _("Net 30 days")
    NET_45 = "NET_45", _("Net 45 days")
    NET_60 = "NET_60", _("Net 60 days")


# Credit days follow the payment terms unless set (entities §4).
CREDIT_DAYS = {
    PaymentTerms.PREPAYMENT: 0,
    PaymentTerms.NET_15: 15,
    PaymentTerms.NET_30: 30,
    PaymentTerms.NET_45: 45,
    PaymentTerms.NET_60: 60,
}


class Tier(models.TextChoices):
    STANDARD = "STANDARD", _("Standard")
    SILVER = "SILVER", _("Silver")
    GOLD = "GOLD", _("Gold")
    PLATINUM = "PLATINUM", _("Platinum")


class AddressType(models.TextChoices):
    BILLING = "BILLING", _("Billing")
    SHIPPING = "SHIPPING", _("Shipping")
    REGISTERED = "REGISTERED", _("Registered office")
    LEGAL = "LEGAL", _("Legal")
    OFFICE = "OFFICE", _("Office")
    CONTACT = "CONTACT", _("Contact")


# The blind index of an IIN is keyed for this use only (platform.crypto.blind_index).
IIN_PURPOSE = "party_iin"
