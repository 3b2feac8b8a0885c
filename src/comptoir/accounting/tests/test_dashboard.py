"""The accounting widgets of the desk's dashboard: their figures against hand-computed values of entries posted
through the services (reversals, drafts, entries dated after today and a year-end closing included), the month-over-
month change, the overdue bills, who sees the widgets, and a query count that does not grow with the ledger."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import FiscalYear
from comptoir.accounting.queries import dashboard
from comptoir.accounting.queries.dashboard import Change, month_start
from comptoir.accounting.services import create_and_post, create_entry, reverse_entry
from comptoir.accounting.services.periods import FiscalYearInput, close_fiscal_year, create_fiscal_year
from comptoir.accounting.tests.factories import TODAY, entry_data, line
from comptoir.platform.tenancy import tenant_context

D = Decimal
Y = TODAY.year  # the organization's current fiscal year (created at sign-up)
P = Y - 1
AS_OF = datetime.date(Y, 3, 15)


def day(year: int, month: int, dom: int) -> datetime.date:
    return datetime.date(year, month, dom)


def post(actor, *specs, date, due=None, against=None):
    bill = {"due_date": due, "against_entry": against.pk if against else None}  # on the receivable/payable line
    specs = [line(*spec, **bill) if spec[0] in ("1200", "2000") else spec for spec in specs]
    return create_and_post(actor=actor, data=entry_data(*specs, date=date))


def previous_years(actor, since: datetime.date) -> None:
    """Calendar fiscal years from `since`'s up to the current one (created at sign-up)."""
    first = FiscalYear.objects.order_by("start_date").first().start_date
    for year in range(since.year, first.year):
        create_fiscal_year(
            actor=actor, data=FiscalYearInput(name=str(year), start_date=day(year, 1, 1), end_date=day(year, 12, 31))
        )


def build_books(actor) -> dict:
    """Books seen on AS_OF (see each line); the previous year is closed. Returns the bills the tests name."""
    previous_years(actor, day(P, 1, 1))
    post(actor, ("1100", "DR", "10000"), ("3000", "CR", "10000"), date=day(P, 1, 15))  # before the twelve months
    bill_a = post(actor, ("1200", "DR", "1200"), ("4000", "CR", "1200"), date=day(P, 11, 20), due=day(P, 12, 20))
    post(actor, ("1100", "DR", "200"), ("1200", "CR", "200"), date=day(Y, 1, 15), against=bill_a)  # part receipt
    bill_b = post(actor, ("1200", "DR", "3000"), ("4000", "CR", "3000"), date=day(Y, 2, 5), due=day(Y, 3, 7))
    post(actor, ("6100", "DR", "800"), ("1100", "CR", "800"), date=day(Y, 2, 10))  # rent
    post(actor, ("6000", "DR", "1500"), ("1000", "CR", "1500"), date=day(Y, 2, 28))  # salaries, from the cash box
    post(actor, ("1200", "DR", "2000"), ("4000", "CR", "2000"), date=day(Y, 3, 2), due=day(Y, 4, 1))  # not due
    bill_d = post(actor, ("5000", "DR", "700"), ("2000", "CR", "700"), date=day(Y, 3, 5), due=day(Y, 3, 10))
    wrong = post(actor, ("1200", "DR", "50"), ("4000", "CR", "50"), date=day(Y, 3, 12), due=day(Y, 3, 12))
    reverse_entry(actor=actor, entry_id=wrong.pk, date=day(Y, 3, 13))  # no effect, and not overdue
    post(actor, ("1100", "DR", "999"), ("4000", "CR", "999"), date=day(Y, 3, 20))  # after AS_OF
    create_entry(actor=actor, data=entry_data(("6900", "DR", "77"), ("1100", "CR", "77"), date=day(Y, 3, 1)))  # draft
    close_fiscal_year(actor=actor, fiscal_year_id=FiscalYear.objects.get(name=str(P)).pk)  # 1,200 to retained earnings
    return {"bill_a": bill_a, "bill_b": bill_b, "bill_d": bill_d}


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield build_books(tenant.owner)


def test_key_figures_and_the_change_on_last_month(tenant, books):
    with tenant_context(tenant.organization, user=tenant.owner):
        figures = dashboard.key_figures(today=AS_OF)
    assert (figures["currency"], figures["places"]) == ("EUR", 2)
    assert figures["cash"] == D("7900.00")  # 10,000 + 200 − 800 − 1,500 (the bank and the cash box)
    assert figures["receivables"] == D("6000.00")  # 1,200 − 200 + 3,000 + 2,000
    assert figures["payables"] == D("700.00")
    assert figures["revenue"] == Change(D("2000.00"), D("3000.00"))  # March to the 15th, February
    assert figures["profit"] == Change(D("1300.00"), D("700.00"))  # 2,000 − 700; 3,000 − 800 − 1,500
    revenue, profit = figures["revenue"], figures["profit"]
    assert (revenue.difference, revenue.sign, revenue.magnitude, revenue.percent) == (
        D("-1000.00"),
        "−",
        D("1000.00"),
        D("-33.3"),
    )
    assert (profit.difference, profit.sign, profit.percent, profit.percent_magnitude) == (
        D("600.00"),
        "+",
        D("85.7"),
        D("85.7"),
    )


def test_a_change_on_a_month_of_nothing_has_no_percentage():
    assert Change(D("10.00"), D("0.00")).percent is None
    assert Change(D("10.00"), D("0.00")).percent_magnitude is None
    unchanged = Change(D("5.00"), D("5.00"))
    assert (unchanged.sign, unchanged.percent) == ("", D("0.0"))
    assert Change(D("-50.00"), D("-100.00")).percent == D("50.0")  # a smaller loss is a rise


def test_the_twelve_months_leave_the_year_end_closing_out(tenant, books):
    with tenant_context(tenant.organization, user=tenant.owner):
        trend = dashboard.monthly_trend(today=AS_OF)
    months = trend["months"]
    assert [m["month"] for m in months] == [month_start(AS_OF, back) for back in range(11, -1, -1)]
    assert months[0]["month"] == day(P, 4, 1) and months[-1]["month"] == day(Y, 3, 1)
    by_month = {m["month"]: (m["revenue"], m["expense"], m["cash"]) for m in months}
    assert by_month[day(P, 4, 1)] == (D("0.00"), D("0.00"), D("10000.00"))  # the capital, paid in before
    assert by_month[day(P, 11, 1)] == (D("1200.00"), D("0.00"), D("10000.00"))
    assert by_month[day(P, 12, 1)] == (D("0.00"), D("0.00"), D("10000.00"))  # the closing entry is not a loss
    assert by_month[day(Y, 1, 1)] == (D("0.00"), D("0.00"), D("10200.00"))
    assert by_month[day(Y, 2, 1)] == (D("3000.00"), D("2300.00"), D("7900.00"))
    assert by_month[day(Y, 3, 1)] == (D("2000.00"), D("700.00"), D("7900.00"))  # to AS_OF: not the 999 of the 20th
    assert trend["currency"] == "EUR"


def test_overdue_bills_most_overdue_first(tenant, books):
    with tenant_context(tenant.organization, user=tenant.owner):
        found = dashboard.overdue_items(today=AS_OF)
        first_two = dashboard.overdue_items(today=AS_OF, limit=2)
        before = dashboard.overdue_items(today=day(Y, 3, 7))
    rows = [(r["entry_id"], r["kind"], r["outstanding"], r["days_overdue"]) for r in found["rows"]]
    assert rows == [
        (books["bill_a"].pk, "receivable", D("1000.00"), (AS_OF - day(P, 12, 20)).days),
        (books["bill_b"].pk, "receivable", D("3000.00"), 8),
        (books["bill_d"].pk, "payable", D("700.00"), 5),
    ]
    assert found["receivable"] == {"count": 2, "total": D("4000.00")}
    assert found["payable"] == {"count": 1, "total": D("700.00")}
    assert (found["count"], found["currency"]) == (3, "EUR")
    assert [r["entry_id"] for r in first_two["rows"]] == [books["bill_a"].pk, books["bill_b"].pk]
    assert first_two["count"] == 3
    # on its due date a bill is not overdue yet
    assert [r["entry_id"] for r in before["rows"]] == [books["bill_a"].pk]


def test_another_organization_sees_none_of_these_figures(books, other_tenant):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        figures = dashboard.key_figures(today=AS_OF)
        trend = dashboard.monthly_trend(today=AS_OF)
        overdue = dashboard.overdue_items(today=AS_OF)
    assert (figures["cash"], figures["receivables"], figures["revenue"]) == (D(0), D(0), Change(D(0), D(0)))
    assert {m["cash"] for m in trend["months"]} == {D(0)}
    assert overdue["rows"] == [] and overdue["count"] == 0


def test_each_widget_costs_a_fixed_number_of_queries(tenant, books):
    """Two queries for the key figures, two for the twelve months and two for both at once (the dashboard's
    overview; the balance caches, the base currency), three
    for the overdue bills (receivable and payable aging, the base currency); the same after the ledger grows."""

    def counts() -> list[int]:
        out = []
        for call in (dashboard.key_figures, dashboard.monthly_trend, dashboard.overview, dashboard.overdue_items):
            with CaptureStatements(connection) as captured:
                call(today=AS_OF)
            out.append(len(captured.captured_queries))
        return out

    with tenant_context(tenant.organization, user=tenant.owner):
        assert counts() == [2, 2, 2, 3]
        for month in range(1, 4):
            for dom in (3, 9, 14):
                post(tenant.owner, ("1200", "DR", "10"), ("4000", "CR", "10"), date=day(Y, month, dom))
                post(tenant.owner, ("6900", "DR", "4"), ("1100", "CR", "4"), date=day(Y, month, dom))
        assert counts() == [2, 2, 2, 3]


# ---- the widgets on the dashboard page (as of the real today) --------------------------------------------------

NOW = timezone.localdate()


def today_books(actor, *, more: int = 0) -> dict:
    """Books as of today: capital paid in today, a sale of the first of last month due ten days later (overdue),
    and `more` months of sales and expenses before (for the query count)."""
    previous_years(actor, month_start(NOW, 1 + more))
    post(actor, ("1100", "DR", "12345.67"), ("3000", "CR", "12345.67"), date=NOW)
    last_month = month_start(NOW, 1)
    bill = post(
        actor, ("1200", "DR", "1500"), ("4000", "CR", "1500"), date=last_month, due=last_month + datetime.timedelta(10)
    )
    for back in range(2, 2 + more):
        first = month_start(NOW, back)
        post(actor, ("1200", "DR", "100"), ("4000", "CR", "100"), date=first, due=first + datetime.timedelta(5))
        post(actor, ("6100", "DR", "40"), ("1100", "CR", "40"), date=first)
    return {"bill": bill, "due": last_month + datetime.timedelta(10)}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_shows_the_widgets_to_a_report_reader(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        made = today_books(tenant.owner)
    response = signed_in(tenant.owner).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("accounting-key-figures", "accounting-trend", "accounting-overdue", "revenue-chart", "cash-chart"):
        assert f'data-testid="{testid}"' in html, testid
    figures = html[html.index('data-testid="figure-cash"') :]
    assert re.search(r'<span class="">12,345\.67</span> <span class="ccy">EUR</span>', figures)
    # the charts' figures as JSON (no executable inline script), drawn by the static dashboard.js
    data = re.search(r'<script id="accounting-dashboard-data" type="application/json">(.*?)</script>', html, re.S)
    chart = json.loads(data.group(1))
    assert len(chart["labels"]) == 12 and chart["currency"] == "EUR"
    assert chart["series"]["cash"]["values"][-1] == "12345.67"
    assert chart["series"]["revenue"]["values"][-2] == "1500.00"
    assert '<script src="/static/accounting/dashboard.js" defer></script>' in html
    assert html.index("desk/chart.umd.min.js") < html.index("accounting/dashboard.js")  # Chart.js runs first
    assert 'role="img"' in html and 'aria-label="Bar chart of the revenue' in html
    assert 'data-testid="revenue-table"' in html and 'data-testid="cash-table"' in html  # the figures as tables
    link = reverse("desk:detail", args=("accounting", "journal-entries", made["bill"].pk))
    row = html[html.index(f'href="{link}"') :]
    assert made["bill"].entry_number in row[:200]
    overdue_days = (timezone.localdate() - made["due"]).days  # the page's today: a run may cross midnight since NOW
    assert f'<td class="num">{overdue_days}</td>' in row


def test_the_widgets_are_hidden_without_the_report_permission(tenant):
    employee, _api = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(tenant.organization, user=tenant.owner):
        today_books(tenant.owner)
    html = signed_in(employee).get("/").content.decode()
    assert "accounting-key-figures" not in html and "accounting-overdue" not in html
    assert "accounting-dashboard-data" not in html and "dashboard.js" not in html and "12,345.67" not in html
    assert 'data-testid="organization-name"' in html


def test_the_dashboard_page_costs_the_same_queries_whatever_the_ledger(tenant, other_tenant):
    def page_queries(client) -> int:
        client.get("/")  # the session and the caches of the first request
        with CaptureStatements(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured.captured_queries)

    with tenant_context(tenant.organization, user=tenant.owner):
        today_books(tenant.owner)
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        today_books(other_tenant.owner, more=10)
    assert page_queries(signed_in(tenant.owner)) == page_queries(signed_in(other_tenant.owner))


def test_the_overview_is_the_key_figures_and_the_months_from_one_query(tenant, books):
    with tenant_context(tenant.organization, user=tenant.owner):
        assert dashboard.overview(today=AS_OF) == (
            dashboard.key_figures(today=AS_OF),
            dashboard.monthly_trend(today=AS_OF),
        )
