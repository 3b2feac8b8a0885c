"""Bank and cash accounts and their imported statement lines, matched to journal lines for reconciliation."""

from django.db import models
from django.db.models import Q

from comptoir.accounting.constants import BankAccountKind, BankTransactionStatus, BankTransactionType
from comptoir.platform.models import TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS, trim


class BankAccount(TenantModel):
    account = models.OneToOneField("accounting.Account", on_delete=models.PROTECT, related_name="bank_account")
    account_name = models.CharField(max_length=255)
    account_number_encrypted = models.TextField(help_text="encrypted in the application")
    account_number_hash = models.CharField(max_length=64, help_text="HMAC blind index for uniqueness")
    account_number_last4 = models.CharField(max_length=4, blank=True)
    bank_name = models.CharField(max_length=255, blank=True)
    branch = models.CharField(max_length=255, blank=True)
    iban_encrypted = models.TextField(blank=True, help_text="encrypted in the application (it contains the number)")
    iban_masked = models.CharField(max_length=12, blank=True, help_text="country, check digits and last 4")
    swift = models.CharField(max_length=11, blank=True)
    ifsc = models.CharField(max_length=11, blank=True)
    kind = models.CharField(max_length=8, choices=BankAccountKind.choices, default=BankAccountKind.CURRENT)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["account_name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "account_number_hash"], name="bank_account_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.account_name} …{self.account_number_last4}"


class BankTransaction(TenantModel):
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="transactions")
    transaction_type = models.CharField(max_length=6, choices=BankTransactionType.choices)
    amount = models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS)
    transaction_date = models.DateField()
    description = models.CharField(max_length=255, blank=True)
    reference_number = models.CharField(max_length=100, blank=True)
    balance_after = models.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, null=True, blank=True)
    matched_line = models.ForeignKey(
        "accounting.JournalLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=BankTransactionStatus.choices, default=BankTransactionStatus.UNMATCHED
    )
    matched_by = models.ForeignKey("identity.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reconciled_at = models.DateTimeField(null=True, blank=True)
    import_batch = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-transaction_date"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "bank_account",
                    "transaction_date",
                    "transaction_type",
                    "amount",
                    "reference_number",
                ],
                name="bank_transaction_no_duplicate",
            ),
            models.UniqueConstraint(
                fields=["organization", "matched_line"],
                condition=Q(matched_line__isnull=False),
                name="bank_transaction_line_matched_once",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_transaction_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["organization", "bank_account", "status", "transaction_date"], name="bank_tx_status"),
        ]

    def __str__(self) -> str:
        text = f"{self.transaction_date} {self.get_transaction_type_display().lower()} {trim(self.amount):,f}"
        return f"{text} {self.reference_number or self.description}".strip()
