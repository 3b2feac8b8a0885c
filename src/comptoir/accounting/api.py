"""The accounting API at /api/v1/accounting: chart, fiscal years and periods, journal entries. Thin: parse,
authorise, call a service or a query, serialise."""

from __future__ import annotations

import uuid

from ninja import Query, Router, Status

from comptoir.accounting.queries import books as queries
from comptoir.accounting.schemas import (
    AccountFilters,
    AccountGroupIn,
    AccountGroupOut,
    AccountGroupPage,
    AccountIn,
    AccountOut,
    AccountPage,
    FiscalYearDetail,
    FiscalYearIn,
    FiscalYearOut,
    FiscalYearPage,
    JournalEntryDetail,
    JournalEntryFilters,
    JournalEntryIn,
    JournalEntryPage,
    PeriodOut,
    ReverseIn,
)
from comptoir.accounting.services import chart, journal, periods
from comptoir.platform.access import authorize
from comptoir.platform.pagination import PageParams, paginate
from comptoir.platform.services.features import ModuleGuard

router = Router(tags=["accounting"], auth=ModuleGuard("accounting"))


@router.get("/account-groups", response=AccountGroupPage)
def list_account_groups(request, page: Query[PageParams]):
    authorize(request, "accounting.view_accountgroup")
    return paginate(queries.account_groups(), page, allowed_ordering={"path", "code"}, default_ordering=["path"])


@router.post("/account-groups", response={201: AccountGroupOut})
def create_account_group(request, body: AccountGroupIn):
    actor = authorize(request, "accounting.add_accountgroup")
    return Status(201, chart.create_account_group(actor=actor.user, data=body.dict()))


@router.get("/account-groups/{group_id}", response=AccountGroupOut)
def get_account_group(request, group_id: uuid.UUID):
    authorize(request, "accounting.view_accountgroup")
    return queries.access_account_group(group_id)


@router.get("/accounts", response=AccountPage)
def list_accounts(request, page: Query[PageParams], filters: Query[AccountFilters]):
    authorize(request, "accounting.view_account")
    return paginate(
        queries.accounts(**filters.dict()), page, allowed_ordering={"code", "name"}, default_ordering=["code"]
    )


@router.post("/accounts", response={201: AccountOut})
def create_account(request, body: AccountIn):
    actor = authorize(request, "accounting.add_account")
    return Status(201, chart.create_account(actor=actor.user, data=body.dict()))


@router.get("/accounts/{account_id}", response=AccountOut)
def get_account(request, account_id: uuid.UUID):
    authorize(request, "accounting.view_account")
    return queries.access_account(account_id)


@router.get("/fiscal-years", response=FiscalYearPage)
def list_fiscal_years(request, page: Query[PageParams]):
    authorize(request, "accounting.view_fiscalyear")
    return paginate(queries.fiscal_years(), page, allowed_ordering={"start_date"}, default_ordering=["-start_date"])


@router.post("/fiscal-years", response={201: FiscalYearDetail})
def create_fiscal_year(request, body: FiscalYearIn):
    actor = authorize(request, "accounting.add_fiscalyear")
    year = periods.create_fiscal_year(actor=actor.user, data=body.dict())
    return Status(201, queries.access_fiscal_year(year.pk))


@router.get("/fiscal-years/{year_id}", response=FiscalYearDetail)
def get_fiscal_year(request, year_id: uuid.UUID):
    authorize(request, "accounting.view_fiscalyear")
    return queries.access_fiscal_year(year_id)


@router.post("/fiscal-years/{year_id}/make-current", response=FiscalYearOut)
def make_fiscal_year_current(request, year_id: uuid.UUID):
    actor = authorize(request, "accounting.change_fiscalyear")
    queries.access_fiscal_year(year_id)
    return periods.set_current_fiscal_year(actor=actor.user, fiscal_year_id=year_id)


@router.post("/periods/{period_id}/close", response=PeriodOut)
def close_period(request, period_id: uuid.UUID):
    actor = authorize(request, "accounting.change_fiscalperiod")
    queries.access_period(period_id)
    return periods.close_period(actor=actor.user, period_id=period_id)


@router.post("/periods/{period_id}/reopen", response=PeriodOut)
def reopen_period(request, period_id: uuid.UUID):
    actor = authorize(request, "accounting.reopen_period")
    queries.access_period(period_id)
    return periods.reopen_period(actor=actor.user, period_id=period_id)


@router.get("/journal-entries", response=JournalEntryPage)
def list_journal_entries(request, page: Query[PageParams], filters: Query[JournalEntryFilters]):
    authorize(request, "accounting.view_journalentry")
    return paginate(
        queries.journal_entries(**filters.dict()),
        page,
        allowed_ordering={"date", "entry_number", "created_at"},
        default_ordering=["-date"],
    )


@router.post("/journal-entries", response={201: JournalEntryDetail})
def create_journal_entry(request, body: JournalEntryIn):
    actor = authorize(request, "accounting.add_journalentry")
    data = body.dict()
    post = data.pop("post")
    if post:
        authorize(request, "accounting.change_journalentry")
        entry = journal.create_and_post(actor=actor.user, data=data)
    else:
        entry = journal.create_entry(actor=actor.user, data=data)
    return Status(201, queries.access_journal_entry(entry.pk))


@router.get("/journal-entries/{entry_id}", response=JournalEntryDetail)
def get_journal_entry(request, entry_id: uuid.UUID):
    authorize(request, "accounting.view_journalentry")
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/post", response=JournalEntryDetail)
def post_journal_entry(request, entry_id: uuid.UUID):
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    journal.post_entry(actor=actor.user, entry_id=entry_id)
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/cancel", response=JournalEntryDetail)
def cancel_journal_entry(request, entry_id: uuid.UUID):
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    journal.cancel_entry(actor=actor.user, entry_id=entry_id)
    return queries.access_journal_entry(entry_id)


@router.post("/journal-entries/{entry_id}/reverse", response={201: JournalEntryDetail})
def reverse_journal_entry(request, entry_id: uuid.UUID, body: ReverseIn):
    actor = authorize(request, "accounting.change_journalentry")
    queries.access_journal_entry(entry_id)
    reversal = journal.reverse_entry(actor=actor.user, entry_id=entry_id, date=body.date, narration=body.narration)
    return Status(201, queries.access_journal_entry(reversal.pk))
