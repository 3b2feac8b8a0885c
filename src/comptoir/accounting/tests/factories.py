"""Deterministic builders for the books' tests, through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

TODAY = timezone.now().date()
IN_YEAR = datetime.date(TODAY.year, 3, 15)  # inside the current fiscal year every organization gets


def lines(*specs) -> list[dict]:
    """lines(("1000", "DR", "100.00"), ("4000", "CR", "100.00"))"""
    return [{"account": a, "entry_type": t, "amount": Decimal(str(amount))} for a, t, amount in specs]


def entry_data(*specs, date=IN_YEAR, journal_type="JV", narration="test") -> dict:
    return {"date": date, "journal_type": journal_type, "narration": narration, "lines": lines(*specs)}
