"""Double-entry journal (the vouchers of seed 004) and the caches derived from it: account balances, cash-flow
counterparts, open items."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext

from comptoir.accounting.constants import (
    ENTRY_TRANSITIONS,
    LIVE_ENTRY_STATUSES,
    EntryStatus,
    EntryType,
    JournalCategory,
)
from comptoir.platform.models import PostableDocument, TenantModel
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS


class JournalType(TenantModel):
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=100)
    category = models.CharField(max_length=16, choices=JournalCategory.choices)
    prefix = models.CharField(max_length=20, blank=True, help_text="entry number prefix; defaults to the code")
    is_accounting = models.BooleanField(default=True)
    is_inventory = models.BooleanField(default=False)
    is_system = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organization", "code"], name="journal_type_code_unique")]
        indexes = [models.Index(fields=["organization", "category"], name="journal_type_category")]

    def __str__(self) -> str:
        return self.code


class JournalEntry(PostableDocument):
    """Posted entries are immutable (a trigger refuses changes); a correction is a reversal entry. An entry written
    for a document (`source_type`, `source_id`) is that document's only live entry: a source posts at most once,
    and posts again only after its entry is reversed or cancelled."""

    TRANSITIONS = ENTRY_TRANSITIONS
    NUMBER_FIELD = "entry_number"

    journal_type = models.ForeignKey(JournalType, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey("accounting.FiscalYear", on_delete=models.PROTECT, related_name="+")
    fiscal_period = models.ForeignKey("accounting.FiscalPeriod", on_delete=models.PROTECT, related_name="+")
    entry_number = models.CharField(max_length=50, blank=True)
    date = models.DateField()
    narration = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=EntryStatus.choices, default=EntryStatus.DRAFT)
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    reversed_entry = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        help_text="on a reversal entry: the entry it reverses",
    )
    reference_number = models.CharField(max_length=50, blank=True)
    reference_date = models.DateField(null=True, blank=True)
    total_debit = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, default=0, help_text="base currency"
    )
    total_credit = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, default=0, help_text="base currency"
    )
    source_type = models.CharField(max_length=100, blank=True)
    source_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name_plural = "journal entries"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "journal_type", "fiscal_year", "entry_number"],
                condition=~Q(entry_number=""),
                name="journal_entry_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in EntryStatus]), name="journal_entry_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="DRAFT") | Q(status="CANCELLED") | ~Q(entry_number=""),
                name="journal_entry_posted_has_number",
            ),
            models.UniqueConstraint(
                fields=["organization", "source_type", "source_id"],
                condition=Q(source_id__isnull=False, status__in=LIVE_ENTRY_STATUSES),
                name="journal_entry_source_posts_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "entry_number", "id"], name="journal_entry_number"),
            # the list's orderings with the id tie-break of its cursor: a busy day's entries are not sorted
            models.Index(fields=["organization", "date", "id"], name="journal_entry_date"),
            models.Index(fields=["organization", "status", "date", "id"], name="journal_entry_status_date"),
            models.Index(fields=["organization", "created_at", "id"], name="journal_entry_created"),
            models.Index(fields=["organization", "total_debit", "id"], name="journal_entry_amount"),
            models.Index(fields=["organization", "journal_type", "status"], name="journal_entry_type_status"),
            models.Index(fields=["organization", "source_type", "source_id"], name="journal_entry_source"),
        ]

    def __str__(self) -> str:
        return self.entry_number or gettext("Draft entry of %(date)s") % {"date": self.date.isoformat()}


class JournalLine(TenantModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField()
    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="lines")
    entry_type = models.CharField(max_length=2, choices=EntryType.choices)
    amount = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, help_text="transaction currency"
    )
    currency = models.ForeignKey("platform.Currency", on_delete=models.PROTECT, related_name="+")
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, default=1)
    base_amount = models.DecimalField(
        max_digits=AMOUNT_DIGITS, decimal_places=AMOUNT_DECIMALS, help_text="amount × rate, base currency"
    )
    cost_center = models.ForeignKey(
        "accounting.CostCenter", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    against_entry = models.ForeignKey(
        JournalEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="settlements"
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="on a bill's receivable/payable line: when it falls due (aging)"
    )
    remarks = models.CharField(max_length=255, blank=True)
    party_type = models.CharField(
        max_length=100, blank=True, db_default="", help_text="the party's kind, e.g. 'parties.customer'"
    )
    party_id = models.UUIDField(null=True, blank=True, help_text="the customer, supplier or employee of the line")
    entry_date = models.DateField(help_text="the entry's date, copied for ledger indexes")

    class Meta:
        ordering = ["entry", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "entry", "line_no"], name="journal_line_no_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="journal_line_amount_positive"),
            models.CheckConstraint(condition=Q(base_amount__gt=0), name="journal_line_base_amount_positive"),
            models.CheckConstraint(condition=Q(exchange_rate__gt=0), name="journal_line_rate_positive"),
            models.CheckConstraint(condition=Q(entry_type__in=["DR", "CR"]), name="journal_line_entry_type_dr_cr"),
        ]
        indexes = [
            models.Index(fields=["organization", "account", "entry_date"], name="journal_line_ledger"),
            models.Index(fields=["organization", "account", "entry_type"], name="journal_line_account_type"),
            models.Index(fields=["organization", "against_entry"], name="journal_line_against"),
        ]

    def __str__(self) -> str:
        return gettext("%(entry)s, line %(no)s") % {"entry": self.entry, "no": self.line_no}


class BalanceCache(TenantModel):
    """A derived cache row: posted debit and credit totals (base currency) of one account in one bucket, spread over
    BALANCE_SLOTS rows so concurrent postings do not queue on one row. Rebuildable from the lines (ADR 0003)."""

    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    debit_total = models.DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=AMOUNT_DECIMALS, default=0)
    credit_total = models.DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=AMOUNT_DECIMALS, default=0)

    class Meta:
        abstract = True


def _cache_meta(bucket: str, name: str) -> tuple[list, list]:
    """(constraints, indexes): one row per (account, bucket, slot); a covering index, so a report reads the totals
    from the index alone."""
    unique = models.UniqueConstraint(fields=["organization", "account", bucket, "slot"], name=f"{name}_unique")
    covering = models.Index(
        fields=["organization", bucket, "account"],
        include=["debit_total", "credit_total"],
        name=f"{name}_{bucket.removeprefix('fiscal_')}",
    )
    return [unique], [covering]


class AccountBalance(BalanceCache):
    """The totals of one account in one fiscal period."""

    fiscal_period = models.ForeignKey("accounting.FiscalPeriod", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints, indexes = _cache_meta("fiscal_period", "account_balance")


class AccountDayBalance(BalanceCache):
    """The totals of one account on one day, so a report dated inside a period adds days, not lines."""

    day = models.DateField()

    class Meta:
        constraints, indexes = _cache_meta("day", "account_day_balance")


class CashFlowBalance(BalanceCache):
    """The counterpart totals of the entries that touch cash, per account and fiscal period: for each posted entry
    with a line on a cash or bank account, its lines on the other accounts (the cash flow's direct method)."""

    fiscal_period = models.ForeignKey("accounting.FiscalPeriod", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints, indexes = _cache_meta("fiscal_period", "cash_flow_balance")


class CashFlowDayBalance(BalanceCache):
    """The same counterpart totals per account and day, for the days of a period a report cuts through."""

    day = models.DateField()

    class Meta:
        constraints, indexes = _cache_meta("day", "cash_flow_day_balance")


class OpenItem(TenantModel):
    """A derived cache row: one bill on a receivable (CUSTOMER) or payable (SUPPLIER) account — the lines of a posted
    entry on that account that settle nothing — with what its settlements (lines `against` it) left outstanding.
    Amounts are signed on the account's bill side (debit for receivables, credit for payables). Maintained in the
    posting transaction, rebuildable from the lines; the aging reads it instead of the ledger."""

    account = models.ForeignKey("accounting.Account", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="+")
    account_type = models.CharField(max_length=20, help_text="the account's type: CUSTOMER or SUPPLIER")
    bill_date = models.DateField()
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=AMOUNT_DECIMALS)
    outstanding = models.DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=AMOUNT_DECIMALS)
    last_settled_on = models.DateField(null=True, blank=True, help_text="the date of its latest settlement")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "entry", "account"], name="open_item_unique")]
        indexes = [
            models.Index(
                fields=["organization", "account_type", "due_date"],
                condition=~Q(outstanding=0),
                name="open_item_open",
            ),
            models.Index(
                fields=["organization", "account_type", "last_settled_on"],
                condition=Q(last_settled_on__isnull=False),
                name="open_item_settled",
            ),
        ]
