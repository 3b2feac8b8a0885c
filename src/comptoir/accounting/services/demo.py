"""The demo organization's books (`comptoir demo`): a year of ordinary trade posted through the real services, so the
dashboard's charts, the reports, the aging and the bank reconciliation show something on first start.

The year ends on `today`, in twelve stretches of 31 days: share capital and a cash float at its start; in each
stretch, sales invoices (with their cost of goods) due in 30 days and the customers' receipts through the bank,
purchases of stock and their payments, sundry expenses and petty cash. Each calendar month, rent on the 1st and
salaries on the 28th; each quarter, the VAT of the previous one on the 20th. Some customers and suppliers have not
paid, so some bills are overdue. Then a bank account on the bank ledger, with a statement of the last two months
imported: the previous month's lines matched and reconciled, the later ones matched, the last days' and the bank's
own charges left unmatched. Deterministic: amounts and day offsets come from a seeded generator (the same whatever
`today`), and entries dated after `today` are not written."""

from __future__ import annotations

import csv
import datetime
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.models import BankTransaction, FiscalYear, JournalEntry, JournalLine
from comptoir.accounting.services.banks import (
    BankAccountInput,
    ColumnMapping,
    create_bank_account,
    import_bank_statement,
    match_bank_transaction,
    reconcile_bank_account,
)
from comptoir.accounting.services.journal import EntryInput, PostingLine, create_and_post
from comptoir.accounting.services.periods import FiscalYearInput, create_fiscal_year

SEED = 8
MONTHS = 12
STRETCH_DAYS = 31  # twelve stretches reach back before the first day of the dashboard's twelve months
CASH, BANK, RECEIVABLE, STOCK, TAX_IN = "1000", "1100", "1200", "1300", "1400"
PAYABLE, TAX_OUT, CAPITAL, REVENUE = "2000", "2100", "3000", "4000"
COGS, SALARIES, RENT, GENERAL = "5000", "6000", "6100", "6900"
VAT = Decimal("0.20")
CENT = Decimal("0.01")
TERMS = datetime.timedelta(days=30)  # invoices and bills fall due 30 days after their date
CUSTOMERS = ("Atelier Morel", "Boulangerie Petit", "Café des Arts", "Hôtel du Lac", "Librairie Vautrin")
SUPPLIERS = ("Grossiste Lemaire", "Papeterie Roux", "Emballages Dubois")
SUNDRIES = ("Electricity", "Telephone and internet", "Insurance", "Accountant's fees", "Cleaning")
UNCLEARED_DAYS = 3  # the bank has not booked the last days' movements yet
UNMATCHED_DAYS = 6  # nobody has matched the statement's last days yet
BANK_ONLY = (("Bank charges", "-18.50"), ("Card terminal fees", "-42.30"), ("Transfer, no reference", "275.00"))


def _month(today: datetime.date, months_back: int) -> datetime.date:
    index = today.year * 12 + today.month - 1 - months_back
    return datetime.date(index // 12, index % 12 + 1, 1)


def _cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


@dataclass
class _Planned:
    """An entry to post: `settles` is the bill its receivable or payable line settles."""

    day: datetime.date
    journal_type: str
    narration: str
    lines: list[tuple[str, str, Decimal]]
    due: datetime.date | None = None
    settles: _Planned | None = None
    entry: JournalEntry | None = field(default=None, repr=False)

    def posting_lines(self) -> list[PostingLine]:
        against = self.settles.entry.pk if self.settles else None
        return [
            PostingLine(
                account=account,
                side=side,
                amount=amount,
                due_date=self.due if account in (RECEIVABLE, PAYABLE) else None,
                against_entry=against if account in (RECEIVABLE, PAYABLE) else None,
            )
            for account, side, amount in self.lines
        ]


def _settled(bill: _Planned, paid: bool, after_days: int, journal_type: str, narration: str) -> list[_Planned]:
    """The bill, and when `paid` the receipt or payment that settles it through the bank `after_days` later."""
    if not paid:
        return [bill]
    account, side, amount = bill.lines[0]  # the receivable debit or the payable credit
    other = "CR" if side == "DR" else "DR"
    day = bill.day + datetime.timedelta(days=after_days)
    return [
        bill,
        _Planned(day, journal_type, narration, [(BANK, side, amount), (account, other, amount)], settles=bill),
    ]


def _paid(account: str, amount: Decimal, *, day: datetime.date, journal_type: str, text: str) -> _Planned:
    """`amount` paid from the bank to `account` (an expense, or the cash box)."""
    return _Planned(day, journal_type, text, [(account, "DR", amount), (BANK, "CR", amount)])


def _stretch_of_trade(rng: random.Random, i: int, first: datetime.date) -> list[_Planned]:
    """The trade of stretch `i` (from 0), the STRETCH_DAYS days from `first`, growing 2 % a stretch: six invoices
    (each with its cost of goods) and their receipts, two purchases of stock and their payments, two sundry
    expenses and an office purchase in cash."""
    season = rng.randint(90, 115) + 2 * i  # percent: good and bad months, growing
    on = lambda low=0, high=STRETCH_DAYS - 1: first + datetime.timedelta(days=rng.randint(low, high))  # noqa: E731
    out, sales = [], Decimal(0)
    for n in range(6):
        net = _cents(rng.randrange(300_000, 650_000) * season // 100)
        tax, cost = (net * VAT).quantize(CENT), (net * rng.randint(42, 48) / 100).quantize(CENT)
        day, customer = on(), CUSTOMERS[rng.randrange(len(CUSTOMERS))]
        lines = [(RECEIVABLE, "DR", net + tax), (REVENUE, "CR", net), (TAX_OUT, "CR", tax)]
        lines += [(COGS, "DR", cost), (STOCK, "CR", cost)]
        invoice = _Planned(day, "SALES", f"Invoice {day:%y%m}-{n + 1} to {customer}", lines, due=day + TERMS)
        out += _settled(invoice, rng.random() >= 0.1, rng.randint(12, 45), "RCP", f"Receipt from {customer}")
        sales += net
    for _ in range(2):
        net = (sales * rng.randint(22, 26) / 100).quantize(CENT)
        tax = (net * VAT).quantize(CENT)
        day, supplier = on(), SUPPLIERS[rng.randrange(len(SUPPLIERS))]
        lines = [(PAYABLE, "CR", net + tax), (STOCK, "DR", net), (TAX_IN, "DR", tax)]
        bill = _Planned(day, "PURCHASE", f"Stock from {supplier}", lines, due=day + TERMS)
        out += _settled(bill, rng.random() >= 0.08, rng.randint(20, 40), "PAY", f"Payment to {supplier}")
    for _ in range(2):
        amount, day = _cents(rng.randrange(12_000, 65_000)), on()
        out.append(_paid(GENERAL, amount, day=day, journal_type="PAY", text=SUNDRIES[rng.randrange(len(SUNDRIES))]))
    petty, day = _cents(rng.randrange(1_500, 9_000)), on()
    out.append(_Planned(day, "PAY", "Office supplies (cash)", [(GENERAL, "DR", petty), (CASH, "CR", petty)]))
    return out


def _vat(plan: list[_Planned], lo: datetime.date, hi: datetime.date) -> tuple[Decimal, Decimal]:
    """Output and input VAT of the entries dated in [lo, hi)."""
    lines = [line for p in plan if lo <= p.day < hi for line in p.lines]
    return (
        sum((amount for account, _, amount in lines if account == TAX_OUT), Decimal(0)),
        sum((amount for account, _, amount in lines if account == TAX_IN), Decimal(0)),
    )


def _calendar(plan: list[_Planned], start: datetime.date, today: datetime.date) -> list[_Planned]:
    """Rent on the 1st and salaries on the 28th of each month from `start` on (a raise each month), and on the 20th
    of each quarter's first month the VAT of the quarter before."""
    out, first, n = [], _month(start, 0), 0
    while first <= today:
        salaries = Decimal(7800 + 120 * n).quantize(CENT)
        out.append(_paid(RENT, Decimal("1800.00"), day=first, journal_type="PAY", text="Rent"))
        out.append(_paid(SALARIES, salaries, day=first.replace(day=28), journal_type="PAYROLL", text="Salaries"))
        vat_out, vat_in = _vat(plan, _month(first, 3), first) if first.month % 3 == 1 else (0, 0)
        if vat_out > vat_in:
            lines = [(TAX_OUT, "DR", vat_out), (TAX_IN, "CR", vat_in), (BANK, "CR", vat_out - vat_in)]
            out.append(_Planned(first.replace(day=20), "PAY", "VAT return", lines))
        first, n = _month(first, -1), n + 1
    return [p for p in out if p.day >= start]


def _plan(today: datetime.date) -> list[_Planned]:
    """The year's entries in date order; those after `today` (settlements to come) are planned too, so the generator
    draws the same numbers whatever the day, and left out."""
    rng = random.Random(SEED)  # noqa: S311 (demo figures, not secrets)
    start = today - datetime.timedelta(days=STRETCH_DAYS * MONTHS - 1)
    capital = Decimal("80000.00")
    plan = [
        _Planned(start, "JV", "Share capital paid in", [(BANK, "DR", capital), (CAPITAL, "CR", capital)]),
        _paid(CASH, Decimal("500.00"), day=start, journal_type="CONTRA", text="Cash float"),
    ]
    for i in range(MONTHS):
        plan += _stretch_of_trade(rng, i, start + datetime.timedelta(days=STRETCH_DAYS * i))
    plan += _calendar(plan, start, today)
    plan.sort(key=lambda p: p.day)  # stable: a bill before its settlement, the capital first
    return [p for p in plan if p.day <= today]


def _ensure_years(actor, start: datetime.date) -> None:
    """Calendar fiscal years from `start`'s up to the first existing one (the organization has only the current
    year)."""
    first = FiscalYear.objects.order_by("start_date").first().start_date
    for year in range(start.year, first.year):
        end = min(datetime.date(year, 12, 31), first - datetime.timedelta(days=1))
        create_fiscal_year(
            actor=actor, data=FiscalYearInput(name=str(year), start_date=datetime.date(year, 1, 1), end_date=end)
        )


def _statement(actor, today: datetime.date, entries: list[JournalEntry]) -> None:
    """The bank account on the bank ledger and its statement of last month and this month, imported, then matched
    and reconciled as described above."""
    bank = create_bank_account(
        actor=actor,
        data=BankAccountInput(
            account=BANK,
            account_name="Main current account",
            account_number="30006000011234567890",
            bank_name="Banque de Démonstration",
            iban="FR7630006000011234567890189",
            swift="DEMOFRPP",
        ),
    )
    since, cleared = _month(today, 1), today - datetime.timedelta(days=UNCLEARED_DAYS)
    shown = [e for e in entries if since <= e.date <= cleared]
    bank_lines = {
        line.entry_id: line
        for line in JournalLine.objects.filter(entry__in=shown, account__code=BANK).only(
            "id", "entry_id", "entry_type", "amount"
        )
    }
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Date", "Amount", "Description", "Reference"])
    rows = []
    for entry in shown:
        line = bank_lines.get(entry.pk)
        if line is not None:
            signed = line.amount if line.entry_type == "DR" else -line.amount
            rows.append((entry.date, signed, entry.narration, entry.entry_number))
    for n, (text, amount) in enumerate(BANK_ONLY):
        rows.append((max(since, cleared - datetime.timedelta(days=9 * n)), Decimal(amount), text, ""))
    for day, amount, text, reference in sorted(rows, key=lambda r: r[0]):
        writer.writerow([day.isoformat(), f"{amount:f}", text, reference])
    result = import_bank_statement(
        actor=actor,
        bank_account_id=bank.pk,
        mapping=ColumnMapping(date="Date", amount="Amount", description="Description", reference="Reference"),
        csv_text=out.getvalue(),
    )
    line_of = {entry.entry_number: bank_lines[entry.pk].pk for entry in shown if entry.pk in bank_lines}
    matched_until = today - datetime.timedelta(days=UNMATCHED_DAYS)
    for tx in BankTransaction.objects.filter(import_batch=result["batch_id"], transaction_date__lte=matched_until):
        if tx.reference_number in line_of:
            match_bank_transaction(actor=actor, bank_transaction_id=tx.pk, journal_line_id=line_of[tx.reference_number])
    reconcile_bank_account(
        actor=actor, bank_account_id=bank.pk, statement_date=_month(today, 0) - datetime.timedelta(days=1)
    )


def seed_demo_books(*, actor, today: datetime.date) -> int:
    """The year of trade up to `today` and the bank statement, in the organization in context; returns the number of
    entries posted."""
    plan = _plan(today)
    with transaction.atomic():
        _ensure_years(actor, plan[0].day)
        for planned in plan:
            planned.entry = create_and_post(
                actor=actor,
                data=EntryInput(
                    date=planned.day,
                    journal_type=planned.journal_type,
                    narration=planned.narration,
                    lines=planned.posting_lines(),
                ),
            )
        _statement(actor, today, [p.entry for p in plan])
    return len(plan)
