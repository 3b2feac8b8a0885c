"""Lock helpers of the books and their order (after the platform's: `comptoir.platform.locks`).

Within step 3 of the platform's order, a posting of the books takes, in this order:

1. the fiscal-year family lock (`accounting.fiscal_year`, advisory) — creating, closing or reopening a year only;
2. the period of the entry's date, shared (`FOR SHARE`, read with the books of the posting): closing the period
   waits for the posting, and later postings see it closed; closing takes it `FOR UPDATE`;
3. the document (`lock_entry`, a bank transaction, a budget), `FOR UPDATE`;
4. the budgets the entry falls in (advisory, in budget order; under the `refuse` policy only);
5. the balance-cache rows, in account order, in one statement (ADR 0003);
6. the entry number's counter row, last (platform numbering).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from comptoir.accounting.models import JournalEntry
from comptoir.platform.locks import lock_row


def lock_entry(entry_id) -> JournalEntry:
    """The journal entry, locked, with its journal type, fiscal year and currency."""
    return lock_row(
        JournalEntry.objects.select_related("journal_type", "fiscal_year", "currency"),
        entry_id,
        what=gettext_lazy("journal entry"),
    )
