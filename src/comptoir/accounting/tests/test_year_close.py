"""Closing a fiscal year (closing entry to retained earnings, periods and year closed, next year current), its
refusals, reopening, and the endpoints with their 403s and cross-tenant 404s."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from tests.support.api import member_client

from comptoir.accounting.models import AccountBalance, FiscalPeriod, FiscalYear, JournalEntry
from comptoir.accounting.queries import reports
from comptoir.accounting.services import create_and_post, create_entry
from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.periods import (
    FiscalYearInput,
    close_fiscal_year,
    close_period,
    create_fiscal_year,
    reopen_fiscal_year,
)
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.models import AuditLog
from comptoir.platform.services.features import FeaturesPatch, update_features
from comptoir.platform.tenancy import tenant_context

YEAR_END = datetime.date(IN_YEAR.year, 12, 31)
SALE = (("1100", "DR", "1000.00"), ("4000", "CR", "1000.00"))
RENT = (("6100", "DR", "300.00"), ("1100", "CR", "300.00"))


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


def _year(on=IN_YEAR) -> FiscalYear:
    return FiscalYear.objects.get(start_date__lte=on, end_date__gte=on)


def _net(code, *, year=None, up_to=None) -> Decimal:
    """Debit minus credit of account `code` in `year`, or cumulated up to the date `up_to`."""
    rows = AccountBalance.objects.filter(account__code=code)
    rows = rows.filter(fiscal_period__fiscal_year=year) if year else rows.filter(fiscal_period__start_date__lte=up_to)
    totals = rows.aggregate(d=Sum("debit_total"), c=Sum("credit_total"))
    return (totals["d"] or 0) - (totals["c"] or 0)


def _trade(books):
    create_and_post(actor=books, data=entry_data(*SALE))
    create_and_post(actor=books, data=entry_data(*RENT))


def _close_refused(books, code, error=Conflict, **kwargs):
    year = _year()
    before = (JournalEntry.objects.count(), FiscalYear.objects.count())
    with pytest.raises(error) as caught:
        close_fiscal_year(actor=books, fiscal_year_id=year.pk, **kwargs)
    assert caught.value.code == code, caught.value.message
    assert (JournalEntry.objects.count(), FiscalYear.objects.count()) == before
    assert not _year().is_closed
    return caught.value


def test_close_moves_profit_to_retained_earnings_and_opens_next_year(books):
    _trade(books)
    year = _year()
    closed = close_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert closed.is_closed and closed.closed_by_id == books.pk and closed.closed_at is not None
    entry = JournalEntry.objects.get(pk=closed.closing_entry_id)
    assert (entry.journal_type.code, entry.date, entry.status) == ("CLOSING", YEAR_END, "POSTED")
    assert entry.entry_number == f"CLOSING-{year.name}-000001"
    assert (entry.total_debit, entry.total_credit) == (Decimal("1000.00"), Decimal("1000.00"))
    assert _net("4000", year=year) == _net("6100", year=year) == 0
    assert _net("3100", year=year) == Decimal("-700.00")  # a credit: the net profit
    totals = AccountBalance.objects.aggregate(d=Sum("debit_total"), c=Sum("credit_total"))
    assert totals["d"] == totals["c"] and check_books() == []
    assert set(FiscalPeriod.objects.filter(fiscal_year=year).values_list("status", flat=True)) == {"CLOSED"}
    following = FiscalYear.objects.get(is_current=True)
    assert following.name == str(IN_YEAR.year + 1) and following.start_date == YEAR_END + datetime.timedelta(1)
    assert following.periods.count() == 12
    next_day = following.start_date
    assert _net("1100", up_to=next_day) == Decimal("700.00")  # balance sheet carries forward
    assert _net("4000", up_to=next_day) == 0  # P&L starts the new year at zero
    audit = AuditLog.objects.get(object_id=year.pk, action="TRANSITION")
    assert audit.new_values["is_closed"] is True and audit.metadata["net_profit"] == "700.00"
    # the reports: the closed year's P&L still shows its result; after the close it sits in retained earnings
    pnl = reports.profit_and_loss(date_from=year.start_date, date_to=YEAR_END)
    assert (pnl["income"], pnl["expense"], pnl["net_profit"]) == (
        Decimal("1000.00"),
        Decimal("300.00"),
        Decimal("700.00"),
    )
    sheet = reports.balance_sheet(as_of=YEAR_END)
    assert (sheet["current_earnings"], sheet["equity"], sheet["assets"]) == (0, Decimal("700.00"), Decimal("700.00"))


def test_posting_into_a_closed_year_is_refused(books):
    _trade(books)
    close_fiscal_year(actor=books, fiscal_year_id=_year().pk)
    with pytest.raises(Conflict) as caught:
        create_and_post(actor=books, data=entry_data(*SALE))
    assert caught.value.code == "fiscal_year_closed"
    nxt = datetime.date(IN_YEAR.year + 1, 2, 1)
    assert create_and_post(actor=books, data=entry_data(*SALE, date=nxt)).status == "POSTED"


def test_close_with_the_last_period_closed_and_a_loss_to_a_given_account(books):
    create_and_post(actor=books, data=entry_data(*RENT))
    year = _year()
    last = FiscalPeriod.objects.get(fiscal_year=year, period_no=12)
    close_period(actor=books, period_id=last.pk)
    closed = close_fiscal_year(actor=books, fiscal_year_id=year.pk, retained_earnings_account="3000")
    lines = {(line.account.code, line.entry_type, line.amount) for line in closed.closing_entry.lines.all()}
    assert lines == {("6100", "CR", Decimal("300.00")), ("3000", "DR", Decimal("300.00"))}
    assert FiscalPeriod.objects.get(pk=last.pk).status == "CLOSED"


def test_a_year_without_pnl_activity_closes_without_an_entry(books):
    create_and_post(actor=books, data=entry_data(("1100", "DR", "50.00"), ("3000", "CR", "50.00")))
    closed = close_fiscal_year(actor=books, fiscal_year_id=_year().pk)
    assert closed.is_closed and closed.closing_entry_id is None
    assert not JournalEntry.objects.filter(journal_type__code="CLOSING").exists()


def test_close_refusals(books):
    year = _year()
    close_fiscal_year(actor=books, fiscal_year_id=year.pk)
    with pytest.raises(Conflict) as caught:
        close_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert caught.value.code == "already_closed"


def test_close_refused_while_a_draft_is_dated_in_the_year(books):
    _trade(books)
    create_entry(actor=books, data=entry_data(*RENT, date=datetime.date(IN_YEAR.year, 11, 2)))
    _close_refused(books, "drafts_open")


def test_close_refused_while_an_earlier_year_is_open(books):
    create_fiscal_year(
        actor=books,
        data=FiscalYearInput(
            name="OLD",
            start_date=datetime.date(IN_YEAR.year - 1, 1, 1),
            end_date=YEAR_END.replace(year=IN_YEAR.year - 1),
        ),
    )
    _close_refused(books, "earlier_year_open")


def test_close_refused_while_the_organization_is_locked(books):
    _trade(books)
    update_features(actor=books, patch=FeaturesPatch(locked=True))
    _close_refused(books, "organization_locked")


def test_close_refused_for_a_non_equity_or_unknown_retained_earnings_account(books):
    _trade(books)
    error = _close_refused(books, "not_equity", ValidationFailed, retained_earnings_account="1100")
    assert error.errors[0].field == "retained_earnings_account"
    _close_refused(books, "unknown", ValidationFailed, retained_earnings_account="9999")


def test_reopen_reverses_the_closing_entry(books):
    _trade(books)
    year = _year()
    closing_id = close_fiscal_year(actor=books, fiscal_year_id=year.pk).closing_entry_id
    reopened = reopen_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert not reopened.is_closed and reopened.closing_entry_id is None and reopened.closed_at is None
    assert JournalEntry.objects.get(pk=closing_id).status == "REVERSED"
    reversal = JournalEntry.objects.get(reversed_entry_id=closing_id)
    assert (reversal.status, reversal.date) == ("POSTED", YEAR_END)
    assert _net("4000", year=year) == Decimal("-1000.00") and _net("3100", year=year) == 0
    assert set(FiscalPeriod.objects.filter(fiscal_year=year).values_list("status", flat=True)) == {"OPEN"}
    assert create_and_post(actor=books, data=entry_data(*RENT)).status == "POSTED"
    again = close_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert _net("3100", year=year) == Decimal("-400.00") and again.closing_entry_id not in (None, closing_id)
    assert check_books() == []
    # closed, reopened and closed again: the year's P&L is its trade, whatever the closing entries and reversal
    assert reports.profit_and_loss(date_from=year.start_date, date_to=YEAR_END)["net_profit"] == Decimal("400.00")
    assert AuditLog.objects.filter(object_id=year.pk, action="TRANSITION", reason="reopened").count() == 1


def test_reopen_refusals(books):
    year = _year()
    with pytest.raises(Conflict) as caught:
        reopen_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert caught.value.code == "not_closed"
    close_fiscal_year(actor=books, fiscal_year_id=year.pk)
    close_fiscal_year(actor=books, fiscal_year_id=FiscalYear.objects.get(is_current=True).pk)
    with pytest.raises(Conflict) as caught:
        reopen_fiscal_year(actor=books, fiscal_year_id=year.pk)
    assert caught.value.code == "later_year_closed"
    assert _year().is_closed


# --- the API -----------------------------------------------------------------------------------------------------


def _year_id(api):
    years = api.get("accounting/fiscal-years").json()["items"]
    return next(y["id"] for y in years if y["start_date"] <= IN_YEAR.isoformat() <= y["end_date"])


def test_close_and_reopen_endpoints(tenant):
    api = tenant.api
    sale = {
        "date": IN_YEAR.isoformat(),
        "journal_type": "JV",
        "post": True,
        "lines": [
            {"account": "1100", "entry_type": "DR", "amount": "80.00"},
            {"account": "4000", "entry_type": "CR", "amount": "80.00"},
        ],
    }
    assert api.post("accounting/journal-entries", sale).status_code == 201
    year = _year_id(api)
    refused = api.post(f"accounting/fiscal-years/{year}/close", {"retained_earnings_account": "1100"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "retained_earnings_account"
    closed = api.post(f"accounting/fiscal-years/{year}/close", {"retained_earnings_account": "3100"})
    assert closed.status_code == 200, closed.json()
    body = closed.json()
    assert body["is_closed"] and body["closed_at"] and body["closing_entry"]
    assert {p["status"] for p in body["periods"]} == {"CLOSED"}
    assert api.get(f"accounting/journal-entries/{body['closing_entry']}").json()["journal_type"] == "CLOSING"
    again = api.post(f"accounting/fiscal-years/{year}/close", {})
    assert again.status_code == 409 and again.json()["code"] == "already_closed"
    reopened = api.post(f"accounting/fiscal-years/{year}/reopen")
    assert reopened.status_code == 200 and reopened.json()["is_closed"] is False
    assert reopened.json()["closing_entry"] is None
    assert api.post(f"accounting/fiscal-years/{year}/close", raw="").status_code == 200  # no body: default account


def test_period_reopen_by_owner_and_refusals_by_role(tenant):
    api = tenant.api
    year = _year_id(api)
    period = api.get(f"accounting/fiscal-years/{year}").json()["periods"][2]["id"]
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert accountant.post(f"accounting/periods/{period}/close").status_code == 200
    refused = accountant.post(f"accounting/periods/{period}/reopen")
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    reopened = api.post(f"accounting/periods/{period}/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "OPEN"
    assert employee.post(f"accounting/fiscal-years/{year}/close", {}).status_code == 403
    assert accountant.post(f"accounting/fiscal-years/{year}/close").status_code == 200  # no body at all
    assert accountant.post(f"accounting/fiscal-years/{year}/reopen").status_code == 403
    assert api.get(f"accounting/fiscal-years/{year}").json()["is_closed"] is True


@pytest.mark.parametrize("action", ["close", "reopen"])
def test_other_organizations_years_are_not_found(tenant, other_tenant, action):
    year = _year_id(other_tenant.api)
    if action == "reopen":
        assert other_tenant.api.post(f"accounting/fiscal-years/{year}/close", {}).status_code == 200
    response = tenant.api.post(f"accounting/fiscal-years/{year}/{action}", {} if action == "close" else None)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert other_tenant.api.get(f"accounting/fiscal-years/{year}").json()["is_closed"] is (action == "reopen")
