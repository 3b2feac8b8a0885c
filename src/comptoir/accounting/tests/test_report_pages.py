"""The report pages of the desk, read as a person reads them: statements in sections from the chart's group tree with
subtotals that add up and totals at the bottom, a comparison column computed from the posted entries, drill-down
links (account → its general ledger → each line's journal entry), human labels for aging and cash flow, refusals
next to their field, PDF/CSV/XLSX downloads of the same layout, 403 without the permission, another organization's
accounts unknown, and a number of queries that does not grow with the chart or the ledger."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.queries import reports as statements
from comptoir.accounting.services.chart import AccountInput, create_account
from comptoir.accounting.tests.test_reports import P, Y, build_books, day, post
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context

REPORTS = "/accounting/reports"


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        return build_books(tenant.owner)


@pytest.fixture
def owner(tenant) -> Client:
    client = Client()
    client.force_login(tenant.owner)
    return client


class _Table(HTMLParser):
    """The rows of the report table: kind (the row's class), the first cell's text and link, the other cells."""

    def __init__(self):
        super().__init__()
        self.rows, self.headers, self.row, self.cell, self.href = [], [], None, None, None
        self.in_table = self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("data-testid") == "report-table":
            self.in_table = True
        elif self.in_table and tag == "thead":
            self.in_head = True
        elif self.in_table and tag == "tr":
            self.row = {"kind": (attrs.get("class") or "").split(" ")[0], "cells": [], "hrefs": [], "tr": attrs}
        elif self.in_table and tag in ("td", "th") and self.row is not None:
            self.cell, self.href = [], None
        elif self.in_table and tag == "a" and self.cell is not None:
            self.href = attrs["href"]

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row["cells"].append(" ".join("".join(self.cell).split()))
            self.row["hrefs"].append(self.href)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            (self.headers if self.in_head else self.rows).append(self.row)
            self.row = None
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.in_table = False


def table(response) -> tuple[list[dict], list[dict]]:
    """(rows, header rows) of a report page."""
    parser = _Table()
    parser.feed(response.content.decode())
    return parser.rows, parser.headers


def row(rows: list[dict], label: str) -> dict:
    [found] = [r for r in rows if r["cells"][0] == label]
    return found


def amount(text: str) -> Decimal:
    return Decimal(text.replace(",", "") or "0")


def test_the_index_lists_each_report_with_its_description_in_the_desk(owner, books):
    page = owner.get(f"{REPORTS}/")
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="sidebar"' in html
    for title, description in [
        ("Trial balance", "in the debit or the credit column"),
        ("Profit and loss", "Income and expenses over a period"),
        ("Balance sheet", "Assets, liabilities and equity at a date"),
        ("General ledger", "The posted lines of one account"),
        ("Receivable and payable aging", "by how long they are overdue"),
        ("Cash flow", "Cash in and out over a period"),
    ]:
        assert title in html and description in html
    assert owner.get(f"{REPORTS}/no-such-report/").status_code == 404


def test_trial_balance_sections_subtotals_that_add_up_and_totals_at_the_bottom(owner, books):
    page = owner.get(f"{REPORTS}/trial-balance/", {"as_of": f"{Y}-03-31"})
    assert page.status_code == 200
    rows, _headers = table(page)
    groups = [r["cells"][0] for r in rows if r["kind"] == "group"]
    assert groups == [
        "Assets",
        "Current assets",
        "Liabilities",
        "Current liabilities",
        "Equity",
        "Income",
        "Expenses",
        "Cost of sales",
        "Operating expenses",
    ]  # names, in the chart's tree order, not codes
    cash = row(rows, "1000 Cash")
    assert cash["cells"][1:] == ["700.00", ""] and cash["tr"]["data-path"] == "/1/11/"
    assert row(rows, "3000 Share capital")["cells"][1:] == ["", "1,000.00"]
    assert row(rows, "Total Current assets")["cells"][1:] == ["1,200.00", "0.00"]
    assert rows[-1]["kind"] == "total" and rows[-1]["cells"] == ["Total", "1,900.00", "1,900.00"]
    tops = [r for r in rows if r["kind"] == "subtotal" and r["tr"]["data-path"] == ""]
    assert [r["cells"][0] for r in tops] == [
        "Total Assets",
        "Total Liabilities",
        "Total Equity",
        "Total Income",
        "Total Expenses",
    ]
    for column in (1, 2):
        assert sum(amount(r["cells"][column]) for r in tops) == Decimal("1900.00")
    lines = [r for r in rows if r["kind"] == "line"]
    assert sum(amount(r["cells"][1]) for r in lines) == sum(amount(r["cells"][2]) for r in lines)
    html = page.content.decode()
    assert 'data-report-toggle="/1/11/"' in html and 'aria-expanded="true"' in html  # sections collapse
    assert "accounting/reports.js" in html


def test_each_account_row_opens_its_general_ledger_for_the_same_period(tenant, owner, books):
    rows, _ = table(owner.get(f"{REPORTS}/trial-balance/", {"as_of": f"{Y}-03-31"}))
    link = row(rows, "1100 Bank")["hrefs"][0]
    assert link == f"{REPORTS}/general-ledger/?account=1100&date_from={Y}-01-01&date_to={Y}-03-31"
    pnl, _ = table(owner.get(f"{REPORTS}/profit-and-loss/", {"date_from": f"{Y}-02-01", "date_to": f"{Y}-03-31"}))
    assert row(pnl, "6100 Rent")["hrefs"][0] == (
        f"{REPORTS}/general-ledger/?account=6100&date_from={Y}-02-01&date_to={Y}-03-31"
    )
    ledger = owner.get(link)
    lines, _ = table(ledger)
    assert [r["cells"][0] for r in lines if r["kind"] != "line"] == ["Opening balance", "Total", "Closing balance"]
    assert lines[0]["cells"][-1] == "0.00" and lines[-1]["cells"][-1] == "200.00"
    assert row(lines, "Total")["cells"][3:5] == ["250.00", "50.00"]
    entries = [r for r in lines if r["kind"] == "line"]
    assert [r["cells"][5] for r in entries] == ["200.00", "150.00", "200.00"]
    with tenant_context(tenant.organization):
        numbers = {e.entry_number: e.pk for e in JournalEntry.objects.all()}
    for entry in entries:
        number = entry["cells"][1]
        assert entry["hrefs"][1] == reverse("desk:detail", args=("accounting", "journal-entries", numbers[number]))
        assert entry["hrefs"][1] == f"/accounting/journal-entries/{numbers[number]}/"


def test_comparison_columns_hold_the_previous_periods_figures(tenant, owner, books):
    with tenant_context(tenant.organization, user=tenant.owner):
        post(tenant.owner, ("1000", "DR", "40"), ("4000", "CR", "40"), date=day(P, 2, 1))
    trial = owner.get(f"{REPORTS}/trial-balance/", {"as_of": f"{Y}-03-31", "compare": "year"})
    rows, headers = table(trial)
    assert headers[0]["cells"][1:] == [f"As of 03/31/{Y}", f"As of 03/31/{P}"]
    assert headers[1]["cells"] == ["Account", "Debit", "Credit", "Debit", "Credit"]
    assert row(rows, "1000 Cash")["cells"][1:] == ["740.00", "", "40.00", ""]
    assert row(rows, "4000 Revenue")["cells"][1:] == ["", "540.00", "", "40.00"]
    assert rows[-1]["cells"] == ["Total", "1,940.00", "1,940.00", "40.00", "40.00"]

    pnl = owner.get(
        f"{REPORTS}/profit-and-loss/", {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31", "compare": "period"}
    )
    rows, headers = table(pnl)
    # as many days before 1 January (from early October to 31 December), when revenue was 500
    start = day(P, 12, 31) - (day(Y, 3, 31) - day(Y, 1, 1))
    assert headers[0]["cells"][1:] == [f"01/01/{Y} – 03/31/{Y}", f"{start:%m/%d/%Y} – 12/31/{P}"]
    assert row(rows, "4000 Revenue")["cells"][1:] == ["0.00", "500.00"]
    assert row(rows, "Total income")["cells"][1:] == ["0.00", "500.00"]
    assert row(rows, "Total expenses")["cells"][1:] == ["700.00", "0.00"]
    assert rows[-1]["cells"] == ["Net profit", "-700.00", "500.00"]
    assert 'class="num neg">-700.00' in pnl.content.decode()  # a loss is marked

    sheet = owner.get(f"{REPORTS}/balance-sheet/", {"as_of": f"{Y}-03-31", "compare": "period"})
    rows, headers = table(sheet)
    assert headers[0]["cells"][1:] == [f"As of 03/31/{Y}", f"As of 02/28/{Y}" if Y % 4 else f"As of 02/29/{Y}"]
    assert row(rows, "1000 Cash")["cells"][1:] == ["740.00", "1,040.00"]
    assert row(rows, "Total assets")["cells"][1:] == ["1,240.00", "1,540.00"]
    assert row(rows, "Current earnings (not closed yet)")["cells"][1:] == ["-160.00", "540.00"]
    assert row(rows, "Total equity")["cells"][1:] == ["840.00", "1,540.00"]
    assert rows[-1]["cells"] == ["Total liabilities and equity", "1,240.00", "1,540.00"]


def test_balance_sheet_blocks_end_with_their_totals(owner, books):
    rows, _ = table(owner.get(f"{REPORTS}/balance-sheet/", {"as_of": f"{Y}-03-31"}))
    labels = [r["cells"][0] for r in rows]
    assert labels == [
        "Assets",
        "Current assets",
        "1000 Cash",
        "1100 Bank",
        "1200 Accounts receivable",
        "Total Current assets",
        "Total assets",
        "Liabilities",
        "Current liabilities",
        "2000 Accounts payable",
        "Total Current liabilities",
        "Total liabilities",
        "Equity",
        "3000 Share capital",
        "Current earnings (not closed yet)",
        "Total equity",
        "Total liabilities and equity",
    ]
    assert row(rows, "Total assets")["cells"][1] == rows[-1]["cells"][1] == "1,200.00"
    assert row(rows, "Current earnings (not closed yet)")["tr"]["data-path"] == "/3/"  # collapses with equity


def test_aging_buckets_and_cash_flow_categories_have_human_labels(owner, books):
    aging = owner.get(f"{REPORTS}/aging/", {"kind": "receivable", "as_of": f"{Y}-03-31"})
    rows, headers = table(aging)
    assert headers[0]["cells"] == [
        "Entry",
        "Date",
        "Due date",
        "Days overdue",
        "Not due",
        "0–30 days",
        "31–60 days",
        "61–90 days",
        "Over 90 days",
        "Outstanding",
    ]
    bill = books["bill_a"]
    assert [r["kind"] for r in rows] == ["group", "line", "subtotal", "total"]
    assert rows[0]["cells"][0] == "1200 Accounts receivable"
    assert rows[1]["cells"][0] == bill.entry_number and rows[1]["hrefs"][0] == f"/accounting/journal-entries/{bill.pk}/"
    assert rows[1]["cells"][3:] == [str((day(Y, 3, 31) - day(P, 12, 20)).days), "", "", "", "", "300.00", "300.00"]
    assert rows[-1]["cells"] == ["Total", "", "", "", "0.00", "0.00", "0.00", "0.00", "300.00", "300.00"]
    assert "90+" not in aging.content.decode() and "not_due" not in aging.content.decode()

    flow = owner.get(f"{REPORTS}/cash-flow/", {"date_from": f"{P}-01-01", "date_to": f"{Y}-03-31"})
    rows, _ = table(flow)
    assert [r["cells"][0] for r in rows if r["kind"] == "group"] == [
        "Operating activities",
        "Receipts from customers",
        "Expenses paid",
        "Financing activities",
        "Equity",
    ]
    assert row(rows, "Total Receipts from customers")["cells"][1] == "200.00"
    assert row(rows, "Net cash from operating activities")["cells"][1] == "-100.00"
    assert row(rows, "Net cash from financing activities")["cells"][1] == "1,000.00"
    assert [r["cells"] for r in rows[-3:]] == [
        ["Net change in cash", "900.00"],
        ["Cash at the beginning", "0.00"],
        ["Cash at the end", "900.00"],
    ]
    assert not [cell for r in rows for cell in r["cells"] if "_" in cell]  # no stored key shows


def _field(response, name: str) -> str:
    """The HTML of the form field `name`: its label, its input and its error."""
    html = response.content.decode()
    start = html.index(f'<label for="id_{name}">')
    return html[start : html.index("</div>", start)]


def test_a_refused_value_is_shown_next_to_its_field_with_the_fields_label(owner, books):
    bad_date = owner.get(f"{REPORTS}/trial-balance/", {"as_of": f"{Y}-13-01"})
    assert bad_date.status_code == 422
    field = _field(bad_date, "as_of")
    assert ">As of</label>" in field and 'aria-invalid="true"' in field
    assert "“As of” is not a date: write it as YYYY-MM-DD." in field
    assert "as_of:" not in bad_date.content.decode() and 'data-testid="report-table"' not in bad_date.content.decode()

    backwards = owner.get(f"{REPORTS}/profit-and-loss/", {"date_from": f"{Y}-02-01", "date_to": f"{Y}-01-01"})
    assert backwards.status_code == 422
    assert "“To” must not be before “From”." in _field(backwards, "date_to")
    assert "field-error" not in _field(backwards, "date_from")

    compare = owner.get(f"{REPORTS}/balance-sheet/", {"as_of": f"{Y}-03-31", "compare": "decade"})
    assert compare.status_code == 422 and "“Compare with”: choose one of the listed values." in _field(
        compare, "compare"
    )
    kind = owner.get(f"{REPORTS}/aging/", {"kind": "both", "as_of": f"{Y}-03-31"})
    assert kind.status_code == 422 and "“Type”: choose one of the listed values." in _field(kind, "kind")
    unknown = owner.get(f"{REPORTS}/general-ledger/", {"account": "9999", "date_from": f"{Y}-01-01"})
    assert unknown.status_code == 422
    assert "“Account”: there is no account “9999” in this organization." in _field(unknown, "account")


def test_another_organizations_account_is_not_found(tenant, other_tenant, owner, books):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        theirs = create_account(actor=other_tenant.owner, data=AccountInput(code="7777", name="Theirs", group="11"))
        post(other_tenant.owner, ("7777", "DR", "77"), ("4000", "CR", "77"), date=day(Y, 3, 12))
    period = {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31"}
    for ref in ("7777", str(theirs.pk)):
        page = owner.get(f"{REPORTS}/general-ledger/", {"account": ref, **period})
        assert page.status_code == 422, ref
        assert f"there is no account “{ref}” in this organization" in _field(page, "account")
    rows, _ = table(owner.get(f"{REPORTS}/trial-balance/", {"as_of": f"{Y}-03-31"}))
    assert rows[-1]["cells"] == ["Total", "1,900.00", "1,900.00"]
    assert "7777" not in "".join(r["cells"][0] for r in rows)


def test_downloads_carry_the_pages_layout(tenant, owner, books):
    query = {"as_of": f"{Y}-03-31", "compare": "year"}
    page = owner.get(f"{REPORTS}/trial-balance/", query).content.decode()
    assert 'href="?as_of=' in page and "&amp;format=pdf" in page and "&amp;format=xlsx" in page

    response = owner.get(f"{REPORTS}/trial-balance/", {**query, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == [
        "Account",
        "Account code",
        f"Debit (As of 03/31/{Y})",
        f"Credit (As of 03/31/{Y})",
        f"Debit (As of 03/31/{P})",
        f"Credit (As of 03/31/{P})",
    ]
    assert ["Assets", "", "", "", "", ""] in lines
    assert ["    Cash", "1000", "700.00", "0.00", "0.00", "0.00"] in lines
    assert ["  Total Current assets", "", "1200.00", "0.00", "0.00", "0.00"] in lines
    assert lines[-1] == ["Total", "", "1900.00", "1900.00", "0.00", "0.00"]

    response = owner.get(
        f"{REPORTS}/profit-and-loss/", {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31", "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert ["  Total Operating expenses", None, Decimal("300")] in [[c[0], c[1] or None, c[2]] for c in cells]
    assert cells[-1][0] == "Net profit" and cells[-1][2] == -700

    pdf = owner.get(f"{REPORTS}/balance-sheet/", {"as_of": f"{Y}-03-31", "format": "pdf"})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "balance-sheet-" in pdf["Content-Disposition"]
    with tenant_context(tenant.organization):
        exports = AuditLog.objects.filter(action="EXPORT", object_type="accounting.report")
        assert sorted(e.metadata["format"] for e in exports) == ["csv", "pdf", "xlsx"]


def test_members_without_the_permission_are_refused(tenant, books):
    employee, _api = member_client(tenant, org_role="EMPLOYEE")
    client = Client()
    client.force_login(employee)
    assert client.get(f"{REPORTS}/").status_code == 403
    for slug, query in [("trial-balance", {"as_of": f"{Y}-03-31"}), ("general-ledger", {"account": "1000"})]:
        assert client.get(f"{REPORTS}/{slug}/", query).status_code == 403
        assert client.get(f"{REPORTS}/{slug}/", {**query, "format": "pdf"}).status_code == 403
    anonymous = Client().get(f"{REPORTS}/trial-balance/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/sign-in/?next=")


PAGES = {
    "trial-balance": {"as_of": f"{Y}-03-31", "compare": "year"},
    "profit-and-loss": {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31", "compare": "period"},
    "balance-sheet": {"as_of": f"{Y}-03-31", "compare": "period"},
    "general-ledger": {"account": "1000", "date_from": f"{P}-01-01", "date_to": f"{Y}-03-31"},
    "aging": {"kind": "receivable", "as_of": f"{Y}-03-31"},
    "cash-flow": {"date_from": f"{P}-06-15", "date_to": f"{Y}-03-15"},
}


def _queries(client, slug: str, query: dict) -> int:
    with CaptureStatements(connection) as ctx:
        assert client.get(f"{REPORTS}/{slug}/", query).status_code == 200, slug
    return len(ctx.captured_queries)


def test_a_report_page_sends_as_many_queries_whatever_the_chart_and_the_ledger(tenant, owner, books):
    for slug, query in PAGES.items():
        _queries(owner, slug, query)  # the session's first reads
    before = {slug: _queries(owner, slug, query) for slug, query in PAGES.items()}
    with tenant_context(tenant.organization, user=tenant.owner):
        for n in range(12):
            create_account(actor=tenant.owner, data=AccountInput(code=f"68{n:02d}", name=f"Expense {n}", group="52"))
            post(tenant.owner, (f"68{n:02d}", "DR", "10"), ("1000", "CR", "10"), date=day(Y, 3, 1 + n))
            post(tenant.owner, ("1200", "DR", "10"), ("4000", "CR", "10"), date=day(P, 7 + n % 5, 2), due=day(P, 9, 1))
    after = {slug: _queries(owner, slug, query) for slug, query in PAGES.items()}
    assert after == before
    rows, _ = table(owner.get(f"{REPORTS}/trial-balance/", PAGES["trial-balance"]))
    assert len([r for r in rows if r["kind"] == "line" and r["cells"][0].startswith("68")]) == 12


def test_comparison_dates():
    """A range is compared with the as many days before it, or the same dates a year earlier; a date with the same
    day a month earlier (month end to month end), or a year earlier (29 February to 28 February)."""
    assert statements.comparison_range(day(2024, 1, 1), day(2024, 3, 31), "period") == (
        day(2023, 10, 2),
        day(2023, 12, 31),
    )
    assert statements.comparison_range(day(2024, 2, 1), day(2024, 2, 29), "year") == (day(2023, 2, 1), day(2023, 2, 28))
    assert statements.comparison_day(day(2024, 3, 31), "period") == day(2024, 2, 29)
    assert statements.comparison_day(day(2024, 3, 15), "period") == day(2024, 2, 15)
    assert statements.comparison_day(day(2024, 1, 31), "period") == day(2023, 12, 31)
    assert statements.comparison_day(day(2024, 3, 30), "period") == day(2024, 2, 29)
    assert statements.comparison_day(day(2024, 2, 29), "year") == day(2023, 2, 28)


def test_the_aging_page_shows_its_first_bills_and_totals_them_all(owner, books, monkeypatch):
    from comptoir.accounting.pages import report_layouts

    query = {"kind": "receivable", "as_of": f"{Y}-03-31"}
    whole, _ = table(owner.get(f"{REPORTS}/aging/", query))
    monkeypatch.setattr(report_layouts, "AGING_PAGE_BILLS", 0)
    page = owner.get(f"{REPORTS}/aging/", query)
    rows, _ = table(page)
    assert [r["kind"] for r in rows] == ["group", "subtotal", "total"]  # the bill left out, its amounts kept
    assert rows[-1]["cells"] == whole[-1]["cells"]
    assert 'data-testid="truncated"' in page.content.decode()
    download = owner.get(f"{REPORTS}/aging/", {**query, "format": "csv"})
    body = b"".join(download.streaming_content) if download.streaming else download.content
    assert books["bill_a"].entry_number in body.decode()  # the file has every bill
