"""Deterministic builders for the books' tests, through the real services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from comptoir.accounting.services import EntryInput, PostingLine

TODAY = timezone.now().date()
IN_YEAR = datetime.date(TODAY.year, 3, 15)  # inside the current fiscal year every organization gets


def line(account, side, amount, **fields) -> PostingLine:
    """line("6900", "DR", "10.00", cost_center="CC1"): a posting line with more than its account, side and amount."""
    return PostingLine(account=account, side=side, amount=Decimal(str(amount)), **fields)


def lines(*specs) -> list[PostingLine]:
    """lines(("1000", "DR", "100.00"), ("4000", "CR", "100.00")); a spec may be a `line(...)` already."""
    return [spec if isinstance(spec, PostingLine) else line(*spec) for spec in specs]


def entry_data(*specs, date=IN_YEAR, journal_type="JV", narration="test", **fields) -> EntryInput:
    """entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00"), reference_number="INV-1"): a manual entry of
    `lines(*specs)`; `fields` are the other fields of `EntryInput` (reference_number, source…)."""
    return EntryInput(date=date, journal_type=journal_type, narration=narration, lines=lines(*specs), **fields)
