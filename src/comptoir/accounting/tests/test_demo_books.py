"""The demo organization's books: a year of trade posted through the real services, balanced, the same figures
whatever today's date, with content for every month of the dashboard, overdue bills and a bank statement partly
matched and reconciled."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from comptoir.accounting.constants import BankTransactionStatus
from comptoir.accounting.models import BankAccount, BankTransaction, FiscalYear, JournalEntry, JournalLine
from comptoir.accounting.queries.dashboard import key_figures, month_start, monthly_trend, overdue_items
from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import BANK_ONLY, seed_demo_books
from comptoir.platform.tenancy import tenant_context


def _balance(*codes: str) -> Decimal:
    totals = JournalLine.objects.filter(account__code__in=codes, entry__status="POSTED").aggregate(
        dr=Sum("base_amount", filter=Q(entry_type="DR")), cr=Sum("base_amount", filter=Q(entry_type="CR"))
    )
    return (totals["dr"] or 0) - (totals["cr"] or 0)


@pytest.mark.parametrize("month_day", [(11, 15), (1, 10)])
def test_demo_books_post_a_balanced_year_of_trade(tenant, month_day):
    with tenant_context(tenant.organization, user=tenant.owner):
        year = FiscalYear.objects.get(is_current=True)
        today = datetime.date(year.start_date.year, *month_day)
        posted = seed_demo_books(actor=tenant.owner, today=today)
        entries = JournalEntry.objects.filter(status="POSTED")
        assert entries.count() == posted > 200
        assert not entries.filter(date__gt=today).exists()
        assert check_books() == []
        # the seeded generator: the same trade whatever the day (every invoice of the year is dated by today)
        assert _balance("4000") == Decimal("-384113.19")
        assert _balance("1200") == Decimal("60669.55")  # bills not settled by today
        assert _balance("2000") == Decimal("-39539.33")

        figures = key_figures(today=today)
        assert figures["cash"] == _balance("1000", "1100")
        assert figures["receivables"] == _balance("1200") and figures["payables"] == -_balance("2000")
        months = monthly_trend(today=today)["months"]
        assert [m["month"] for m in months][0] == month_start(today, 11)
        assert all(m["revenue"] > 0 and m["expense"] > 0 and m["cash"] > 0 for m in months)
        assert sum(m["revenue"] for m in months) < -_balance("4000")  # the year began before the twelve months
        overdue = overdue_items(today=today)
        assert (overdue["receivable"]["count"], overdue["payable"]["count"]) == (3, 2)

        bank = BankAccount.objects.get()
        assert bank.account.code == "1100"
        lines = BankTransaction.objects.filter(bank_account=bank)
        by_status = {s: lines.filter(status=s).count() for s in BankTransactionStatus.values}
        assert by_status[BankTransactionStatus.RECONCILED] > 5 and by_status[BankTransactionStatus.UNMATCHED] >= 3
        bank_only = lines.filter(reference_number="")
        assert bank_only.count() == len(BANK_ONLY) and {t.status for t in bank_only} == {"UNMATCHED"}
        for matched in lines.exclude(matched_line=None).select_related("matched_line__entry"):
            assert matched.matched_line.amount == matched.amount
            assert matched.matched_line.entry.entry_number == matched.reference_number
        last_month_end = month_start(today) - datetime.timedelta(days=1)
        assert not lines.filter(status="RECONCILED", transaction_date__gt=last_month_end).exists()
