"""Parties (customers, suppliers, employees, others), each with its one ledger account, and their contacts,
addresses and bank accounts."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q

from comptoir.parties.constants import (
    PARTY_TRANSITIONS,
    AddressType,
    PartyKind,
    PartyStatus,
    PartyType,
    PaymentTerms,
    Tier,
)
from comptoir.platform.models import TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


def _unique_when_set(field: str) -> models.UniqueConstraint:
    """A tax id is unique in the organization when it is given (blank means none)."""
    return models.UniqueConstraint(
        fields=["organization", field], condition=~Q(**{field: ""}), name=f"party_{field.removesuffix('_hash')}_unique"
    )


class Party(TenantModel):
    """A counterparty. Its balance is the balance of `account`, the ledger opened with it (one per party)."""

    TRANSITIONS = PARTY_TRANSITIONS

    party_number = models.CharField(max_length=50)
    name = models.CharField(max_length=500)
    party_type = models.CharField(max_length=10, choices=PartyType.choices)
    kind = models.CharField(max_length=10, choices=PartyKind.choices, default=PartyKind.COMPANY)
    status = models.CharField(max_length=12, choices=PartyStatus.choices, default=PartyStatus.ACTIVE)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        "identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account = models.OneToOneField("accounting.Account", on_delete=models.PROTECT, related_name="party")
    legal_name = models.CharField(max_length=500, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    website = models.CharField(max_length=255, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    gstin = models.CharField(max_length=15, blank=True, help_text="India: GSTIN, normalized")
    pan = models.CharField(max_length=10, blank=True, help_text="India: PAN, normalized")
    bin = models.CharField(max_length=12, blank=True, help_text="Kazakhstan: business identification number")
    iin_encrypted = models.TextField(blank=True, help_text="Kazakhstan: individual identification number, encrypted")
    iin_hash = models.CharField(max_length=64, blank=True, help_text="HMAC blind index of the IIN")
    iin_last4 = models.CharField(max_length=4, blank=True)
    vat_number = models.CharField(max_length=20, blank=True, help_text="EU VAT number with its country prefix")
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    credit_limit = models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, default=0)
    payment_terms = models.CharField(max_length=10, choices=PaymentTerms.choices, default=PaymentTerms.NET_30)
    credit_days = models.PositiveSmallIntegerField(default=30)
    tier = models.CharField(max_length=8, choices=Tier.choices, default=Tier.STANDARD)
    rating = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    is_retailer = models.BooleanField(default=False)
    tags = ArrayField(models.CharField(max_length=50), default=list, blank=True)
    custom_fields = models.JSONField(default=dict, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        constraints = [
            models.UniqueConstraint(fields=["organization", "party_number"], name="party_number_unique"),
            _unique_when_set("gstin"),
            _unique_when_set("pan"),
            _unique_when_set("bin"),
            _unique_when_set("iin_hash"),
            _unique_when_set("vat_number"),
            models.CheckConstraint(condition=Q(credit_limit__gte=0), name="party_credit_limit_non_negative"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=0, rating__lte=5), name="party_rating_0_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "party_type", "name"], name="party_type_idx"),
            models.Index(fields=["organization", "status", "name"], name="party_status_idx"),
            models.Index(fields=["organization", "tier", "name"], name="party_tier_idx"),
            models.Index(fields=["organization", "kind", "name"], name="party_kind_idx"),
            models.Index(fields=["organization", "name"], name="party_name_idx"),
            models.Index(fields=["organization", "email"], name="party_email_idx"),
            GinIndex(fields=["tags"], name="party_tags_gin"),
        ]

    def __str__(self) -> str:
        return f"{self.party_number} {self.name}"


class PartyContact(TenantModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    position = models.CharField(max_length=255, blank=True)
    department = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    mobile = models.CharField(max_length=50, blank=True)
    is_primary = models.BooleanField(default=False)
    is_decision_maker = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-is_primary", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "party"], condition=Q(is_primary=True), name="party_contact_one_primary"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "party"], name="party_contact_party"),
            models.Index(fields=["organization", "email"], name="party_contact_email"),
        ]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def __str__(self) -> str:
        return self.full_name


class PartyAddress(TenantModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="addresses")
    address_type = models.CharField(max_length=10, choices=AddressType.choices)
    line1 = models.CharField(max_length=500)
    line2 = models.CharField(max_length=500, blank=True)
    city = models.CharField(max_length=100)
    state_region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.ForeignKey("platform.Country", on_delete=models.PROTECT, related_name="+")
    is_default = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["address_type", "-is_default", "city"]
        verbose_name_plural = "party addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "party", "address_type"],
                condition=Q(is_default=True),
                name="party_address_one_default_per_type",
            ),
        ]
        indexes = [models.Index(fields=["organization", "party", "address_type"], name="party_address_party")]

    def __str__(self) -> str:
        return ", ".join(part for part in (self.line1, self.city, self.country_id and self.country.code) if part)


class PartyBankAccount(TenantModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="bank_accounts")
    bank_name = models.CharField(max_length=100, blank=True)
    account_number_encrypted = models.TextField(help_text="encrypted in the application")
    account_number_last4 = models.CharField(max_length=4)
    iban_encrypted = models.TextField(blank=True, help_text="encrypted in the application (it contains the number)")
    iban_masked = models.CharField(max_length=12, blank=True, help_text="country, check digits and last 4")
    swift_code = models.CharField(max_length=11, blank=True)
    ifsc = models.CharField(max_length=11, blank=True)
    branch = models.CharField(max_length=100, blank=True)
    is_primary = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_primary", "bank_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "party"], condition=Q(is_primary=True), name="party_bank_account_one_primary"
            ),
        ]
        indexes = [models.Index(fields=["organization", "party", "is_primary"], name="party_bank_account_party")]

    def __str__(self) -> str:
        return f"{self.bank_name} …{self.account_number_last4}".strip()
