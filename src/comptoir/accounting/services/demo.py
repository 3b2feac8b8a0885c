"""The demo organization's books (`comptoir demo`): a quarter of ordinary trade posted through the real services,
so the reports, the aging and the bank pages show something on first start."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from comptoir.accounting.models import FiscalYear
from comptoir.accounting.services.journal import EntryInput, PostingLine, create_and_post


def _on(year: FiscalYear, today: datetime.date, month_offset: int, day: int) -> datetime.date:
    """The `day` of the `month_offset`-th month before today's month, kept inside the year and not after today."""
    month = today.month - month_offset
    year_no = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    candidate = datetime.date(year_no, month, min(day, 28))
    return max(year.start_date, min(candidate, today))


def seed_demo_books(*, actor, today: datetime.date) -> int:
    """Capital, sales with due dates, receipts settling some of them, purchases, a supplier payment, rent and
    salaries; returns the number of entries posted."""
    year = FiscalYear.objects.get(is_current=True)
    posted = 0

    def post(day, journal_type, narration, *lines, **extra):
        nonlocal posted
        posted += 1
        return create_and_post(
            actor=actor,
            data=EntryInput(
                date=day,
                journal_type=journal_type,
                narration=narration,
                lines=[
                    PostingLine(account=account, side=side, amount=Decimal(amount), **more)
                    for account, side, amount, more in lines
                ],
                **extra,
            ),
        )

    with transaction.atomic():
        post(
            _on(year, today, 3, 1),
            "JV",
            "Share capital paid in",
            ("1100", "DR", "50000.00", {}),
            ("3000", "CR", "50000.00", {}),
        )
        sales = []
        for n, (offset, net) in enumerate([(3, "4000.00"), (2, "2500.00"), (1, "6200.00"), (0, "1800.00")]):
            day = _on(year, today, offset, 5)
            tax = (Decimal(net) * Decimal("0.20")).quantize(Decimal("0.01"))
            gross = Decimal(net) + tax
            due = {"due_date": day + datetime.timedelta(days=30)}
            sales.append(
                (
                    post(
                        day,
                        "SALES",
                        f"Invoice {n + 1}",
                        ("1200", "DR", gross, due),
                        ("4000", "CR", net, {}),
                        ("2100", "CR", tax, {}),
                    ),
                    gross,
                )
            )
        for bill, gross in sales[:2]:
            post(
                min(bill.date + datetime.timedelta(days=20), today),
                "RCP",
                f"Receipt for {bill.entry_number}",
                ("1100", "DR", gross, {}),
                ("1200", "CR", gross, {"against_entry": bill.pk}),
            )
        purchase = post(
            _on(year, today, 2, 10),
            "PURCHASE",
            "Stock from supplier",
            ("1300", "DR", "3000.00", {}),
            ("1400", "DR", "600.00", {}),
            ("2000", "CR", "3600.00", {"due_date": _on(year, today, 1, 10)}),
        )
        post(
            _on(year, today, 1, 12),
            "PAY",
            "Part payment to supplier",
            ("2000", "DR", "2000.00", {"against_entry": purchase.pk}),
            ("1100", "CR", "2000.00", {}),
        )
        for offset in (2, 1, 0):
            post(
                _on(year, today, offset, 25),
                "PAY",
                "Rent",
                ("6100", "DR", "1200.00", {}),
                ("1100", "CR", "1200.00", {}),
            )
            post(
                _on(year, today, offset, 28),
                "PAYROLL",
                "Salaries",
                ("6000", "DR", "4500.00", {}),
                ("1100", "CR", "4500.00", {}),
            )
        post(
            _on(year, today, 0, 3),
            "JV",
            "Cost of goods sold",
            ("5000", "DR", "2100.00", {}),
            ("1300", "CR", "2100.00", {}),
        )
    return posted
