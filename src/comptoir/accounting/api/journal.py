"""Journal entries: draft, post, cancel, reverse."""

from __future__ import annotations

import uuid

from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas.core import (
    JournalEntryDetail,
    JournalEntryFilters,
    JournalEntryIn,
    JournalEntryOut,
    JournalEntryPage,
    ReverseIn,
)
from comptoir.accounting.services import journal
from comptoir.platform.access import Actor, authorize
from comptoir.platform.errors import PermissionDenied
from comptoir.platform.exports import ExportParams, list_or_export
from comptoir.platform.pagination import PageParams

router = Router()


@router.get("/journal-entries", response=JournalEntryPage)
def list_journal_entries(
    request, page: Query[PageParams], export: Query[ExportParams], filters: Query[JournalEntryFilters]
):
    """The journal entries, filtered by status, journal type and dates."""
    authorize(request, "accounting.view_journalentry")
    return list_or_export(
        request,
        queries.journal_entries(**filters.dict()),
        page,
        export,
        allowed_ordering={"date", "entry_number", "created_at"},
        default_ordering=["-date"],
        schema=JournalEntryOut,
        filename="journal-entries",
        totals=("total_debit", "total_credit"),
    )


def entry_input(body: JournalEntryIn) -> journal.EntryInput:
    """The service's input of an API body (the desk's journal form sends the same body)."""
    return journal.EntryInput(
        date=body.date,
        journal_type=body.journal_type,
        narration=body.narration,
        reference_number=body.reference_number,
        lines=[
            journal.PostingLine(
                account=line.account,
                side=line.entry_type,
                amount=line.amount,
                currency=line.currency,
                exchange_rate=line.exchange_rate,
                cost_center=line.cost_center,
                against_entry=line.against_entry,
                due_date=line.due_date,
                description=line.remarks,
            )
            for line in body.lines
        ],
    )


def save_journal_entry(actor: Actor, body: JournalEntryIn):
    """A draft, or a posted entry with `post` (which needs accounting.change_journalentry too)."""
    if body.post:
        if not actor.can("accounting.change_journalentry"):
            raise PermissionDenied(_("Missing permission accounting.change_journalentry"))
        return journal.create_and_post(actor=actor.user, data=entry_input(body))
    return journal.create_entry(actor=actor.user, data=entry_input(body))


@router.post("/journal-entries", response={201: JournalEntryDetail})
def create_journal_entry(request, body: JournalEntryIn):
    """Create a draft journal entry, or post it at once with `post: true` (debits equal credits)."""
    actor = authorize(request, "accounting.add_journalentry")
    return Status(201, save_journal_entry(actor, body))  # the service returns the entry with its lines


@router.get("/journal-entries/{entry_id}", response=JournalEntryDetail)
def get_journal_entry(request, entry_id: uuid.UUID):
    """One journal entry with its lines."""
    authorize(request, "accounting.view_journalentry")
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/post", response=JournalEntryDetail)
def post_journal_entry(request, entry_id: uuid.UUID):
    """Post a draft entry: balanced, into an open period; it gets its number and becomes immutable."""
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    journal.post_entry(actor=actor.user, entry_id=entry_id)
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/cancel", response=JournalEntryDetail)
def cancel_journal_entry(request, entry_id: uuid.UUID):
    """Cancel a draft entry."""
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    journal.cancel_entry(actor=actor.user, entry_id=entry_id)
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/reverse", response={201: JournalEntryDetail})
def reverse_journal_entry(request, entry_id: uuid.UUID, body: ReverseIn):
    """Post the reversal of a posted entry (the correction of posted books)."""
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    reversal = journal.reverse_entry(actor=actor.user, entry_id=entry_id, date=body.date, narration=body.narration)
    return Status(201, queries.access_journal_entry(reversal.pk))
