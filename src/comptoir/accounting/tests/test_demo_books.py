"""The demo organization's books post through the real services and balance, whatever today's date in the year."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from comptoir.accounting.models import FiscalYear, JournalEntry, JournalLine
from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.platform.tenancy import tenant_context


def _balance(code: str) -> Decimal:
    totals = JournalLine.objects.filter(account__code=code).aggregate(
        dr=Sum("base_amount", filter=Q(entry_type="DR")), cr=Sum("base_amount", filter=Q(entry_type="CR"))
    )
    return (totals["dr"] or 0) - (totals["cr"] or 0)


@pytest.mark.parametrize("month_day", [(11, 15), (1, 10)])
def test_demo_books_post_and_balance(tenant, month_day):
    with tenant_context(tenant.organization, user=tenant.owner):
        year = FiscalYear.objects.get(is_current=True)
        today = datetime.date(year.start_date.year, *month_day)
        posted = seed_demo_books(actor=tenant.owner, today=today)
        entries = JournalEntry.objects.filter(status="POSTED")
        assert entries.count() == posted == 16
        assert not entries.filter(Q(date__gt=today) | Q(date__lt=year.start_date)).exists()
        assert check_books() == []
        # capital 50,000 + two receipts (4,800 + 3,000) − supplier 2,000 − 3 × rent 1,200 − 3 × salaries 4,500
        assert _balance("1100") == Decimal("38700.00")
        # four invoices (gross 17,400) less the two receipts
        assert _balance("1200") == Decimal("9600.00")
