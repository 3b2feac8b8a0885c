"""Reads of bank accounts and statements: match suggestions, the reconciliation summary and the unreconciled
items, aggregated in SQL. Ledger amounts are the bank ledger account's lines in the bank's currency, signed
+ for a debit (money in) and − for a credit; statement amounts + for a deposit (CREDIT) and − for a DEBIT."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from comptoir.accounting.constants import LEDGER_STATUSES, BankTransactionStatus, BankTransactionType, EntryType
from comptoir.accounting.models import BankAccount, BankTransaction, JournalLine
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.money import AMOUNT_DECIMALS, AMOUNT_DIGITS
from comptoir.platform.queries.filters import filter_present, within_dates

MONEY = DecimalField(max_digits=AMOUNT_DIGITS + 2, decimal_places=AMOUNT_DECIMALS)
ZERO = Value(Decimal(0), output_field=MONEY)
DEFAULT_MATCH_DAYS = 7
MAX_SUGGESTIONS = 10


class DaysApart(Func):
    """|a − b| in days for two dates (PostgreSQL date − date is an integer)."""

    template = "ABS(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def bank_accounts(*, is_active: bool | None = None):
    qs = BankAccount.objects.select_related("account", "currency")
    return qs if is_active is None else qs.filter(is_active=is_active)


def access_bank_account(bank_account_id) -> BankAccount:
    bank = bank_accounts().filter(pk=bank_account_id).first()
    if bank is None:
        raise NotFound(_("No such bank account"))
    return bank


def bank_transactions(*, bank_account: BankAccount, status=None, date_from=None, date_to=None):
    """The statement lines of a bank account, filtered by status and date range (both ends included)."""
    qs = BankTransaction.objects.filter(bank_account=bank_account).select_related("matched_line__entry")
    return within_dates(filter_present(qs, status=status), "transaction_date", date_from, date_to)


def access_bank_transaction(bank_transaction_id) -> BankTransaction:
    row = (
        BankTransaction.objects.select_related("bank_account", "matched_line__entry")
        .filter(pk=bank_transaction_id)
        .first()
    )
    if row is None:
        raise NotFound(_("No such bank transaction"))
    return row


def _ledger_lines(bank: BankAccount):
    return JournalLine.objects.filter(
        account_id=bank.account_id, currency_id=bank.currency_id, entry__status__in=LEDGER_STATUSES
    )


def _is_matched(as_of: datetime.date | None = None) -> Exists:
    matches = BankTransaction.objects.filter(matched_line=OuterRef("pk"))
    return Exists(matches.filter(transaction_date__lte=as_of) if as_of else matches)


def suggest_matches(bank_tx: BankTransaction, *, days: int = DEFAULT_MATCH_DAYS):
    """Posted, unmatched lines of the bank's ledger account with the statement line's amount and direction (a
    deposit is a debit), dated within ±`days`; a reference match first, then the nearest date."""
    if not 0 <= days <= 366:
        raise ValidationFailed(_("days is between 0 and 366"), code="invalid", field="days")
    day = bank_tx.transaction_date
    entry_type = EntryType.DEBIT if bank_tx.transaction_type == BankTransactionType.CREDIT else EntryType.CREDIT
    ref = bank_tx.reference_number.strip()
    ref_match = (
        Q(entry__reference_number__iexact=ref)
        | Q(entry__entry_number__iexact=ref)
        | Q(remarks__icontains=ref)
        | Q(entry__narration__icontains=ref)
    )
    return (
        _ledger_lines(bank_tx.bank_account)
        .filter(
            amount=bank_tx.amount,
            entry_type=entry_type,
            entry_date__range=(day - datetime.timedelta(days=days), day + datetime.timedelta(days=days)),
        )
        .exclude(_is_matched())
        .select_related("entry")
        .annotate(
            reference_match=Case(When(ref_match, then=True), default=False, output_field=BooleanField())
            if ref
            else Value(False),
            days_apart=DaysApart(F("entry_date"), Value(day, output_field=DateField())),
        )
        .order_by("-reference_match", "days_apart", "entry_date", "id")[:MAX_SUGGESTIONS]
    )


def _signed_line():
    return Case(When(entry_type=EntryType.DEBIT, then=F("amount")), default=-F("amount"), output_field=MONEY)


def _signed_statement():
    return Case(
        When(transaction_type=BankTransactionType.CREDIT, then=F("amount")), default=-F("amount"), output_field=MONEY
    )


def _unmatched_statement(bank: BankAccount, as_of: datetime.date | None):
    """Statement lines on or before `as_of` not matched to a journal line dated on or before it."""
    qs = BankTransaction.objects.filter(bank_account=bank).exclude(status=BankTransactionStatus.IGNORED)
    if as_of is None:
        return qs.filter(matched_line__isnull=True)
    return qs.filter(transaction_date__lte=as_of).filter(
        Q(matched_line__isnull=True) | Q(matched_line__entry_date__gt=as_of)
    )


def _unmatched_ledger(bank: BankAccount, as_of: datetime.date | None):
    """Ledger lines on or before `as_of` not matched to a statement line dated on or before it."""
    qs = _ledger_lines(bank)
    if as_of is not None:
        qs = qs.filter(entry_date__lte=as_of)
    return qs.exclude(_is_matched(as_of))


def reconciliation_summary(bank: BankAccount, *, as_of: datetime.date) -> dict:
    """Ledger balance, last statement balance, unmatched statement and ledger sums, and the difference
    (ledger + unmatched statement) − (statement + unmatched ledger), nil once every line is matched. Three
    queries."""
    ledger = (
        _ledger_lines(bank)
        .filter(entry_date__lte=as_of)
        .aggregate(
            balance=Coalesce(Sum(_signed_line()), ZERO),
            unmatched=Coalesce(Sum(_signed_line(), filter=~Q(_is_matched(as_of))), ZERO),
            unmatched_count=Count("id", filter=~Q(_is_matched(as_of))),
        )
    )
    statement = _unmatched_statement(bank, as_of).aggregate(
        unmatched=Coalesce(Sum(_signed_statement()), ZERO), unmatched_count=Count("id")
    )
    last = (
        BankTransaction.objects.filter(bank_account=bank, transaction_date__lte=as_of, balance_after__isnull=False)
        .order_by("-transaction_date", "-id")
        .values_list("balance_after", "transaction_date")
        .first()
    )
    statement_balance, statement_date = last or (None, None)
    difference = None
    if statement_balance is not None:
        difference = (ledger["balance"] + statement["unmatched"]) - (statement_balance + ledger["unmatched"])
    return {
        "bank_account": bank.pk,
        "currency": bank.currency.code,
        "as_of": as_of,
        "ledger_balance": ledger["balance"],
        "statement_balance": statement_balance,
        "statement_date": statement_date,
        "unmatched_statement_total": statement["unmatched"],
        "unmatched_statement_count": statement["unmatched_count"],
        "unmatched_ledger_total": ledger["unmatched"],
        "unmatched_ledger_count": ledger["unmatched_count"],
        "difference": difference,
    }


def unreconciled_items(bank: BankAccount, *, as_of: datetime.date | None = None) -> list[dict]:
    """Statement lines and ledger lines not matched (as of `as_of` when given), by date: one UNION query."""
    text = CharField()
    statement = _unmatched_statement(bank, as_of).values(
        source=Value("STATEMENT", output_field=text),
        row_id=F("id"),
        date=F("transaction_date"),
        signed_amount=_signed_statement(),
        reference=F("reference_number"),
        text=F("description"),
        entry_number=Value("", output_field=text),
    )
    ledger = _unmatched_ledger(bank, as_of).values(
        source=Value("LEDGER", output_field=text),
        row_id=F("id"),
        date=F("entry_date"),
        signed_amount=_signed_line(),
        reference=F("entry__reference_number"),
        text=F("entry__narration"),
        entry_number=F("entry__entry_number"),
    )
    rows = statement.order_by().union(ledger.order_by(), all=True).order_by("date", "source", "row_id")
    return [
        {
            "source": r["source"],
            "id": r["row_id"],
            "date": r["date"],
            "amount": r["signed_amount"],
            "reference": r["reference"],
            "description": r["text"],
            "entry_number": r["entry_number"],
        }
        for r in rows
    ]
