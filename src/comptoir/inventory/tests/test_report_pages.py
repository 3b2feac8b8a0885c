"""The stock reports in the desk (/inventory/reports/…): each page shows the figures of `queries.reports` laid out
as the accounting reports are, reads a constant number of statements, downloads as CSV/XLSX, refuses a bad filter
next to its field, speaks Russian, and shows only the organization's own stock."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.inventory.tests.factories import day, entry, issue, product, receive, warehouse

pytestmark = pytest.mark.django_db

REPORTS = "/inventory/reports"
EXACT = {"stock-ledger": 14, "stock-on-hand": 12, "reorder": 12, "expiry": 12, "inventory-status": 12}
QUERIES = {
    "stock-ledger": {"product": "BOLT", "date_from": day(1, 1), "date_to": day(12, 31)},
    "stock-on-hand": {"as_of": day(12, 31)},
    "reorder": {},
    "expiry": {"before": day(12, 31)},
    "inventory-status": {},
}


def signed_in(user, language="en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def stock(tenant):
    api = tenant.api
    product(api, "BOLT", standard_cost="4", list_price="9", reorder_point="20", reorder_quantity="50")
    product(api, "NUT", standard_cost="1")
    warehouse(api, "MAIN")
    warehouse(api, "SHOP")
    assert (
        api.post("inventory/batches", {"product": "NUT", "batch_number": "N-1", "exp_date": day(6, 1)}).status_code
        == 201
    )
    receive(api, "BOLT", "MAIN", "10", "5", date=day(3, 1))
    receive(api, "BOLT", "MAIN", "2000", "0.5", date=day(3, 2))
    receive(api, "NUT", "SHOP", "3", "1", batch="N-1", date=day(3, 2))
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": "MAIN", "to_warehouse": "SHOP", "quantity": "4"}],
          date=day(3, 3))  # fmt: skip
    issue(api, "BOLT", "MAIN", "2000", date=day(3, 4))  # 6 × 5 + 1,994 × 0.5 = 1,027
    return tenant


def _rows(response) -> list[list[str]]:
    import re

    html = response.content.decode()
    body = html.split('data-testid="report-table"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_stock_ledger_shows_opening_movements_and_running_figures(stock):
    client = signed_in(stock.owner)
    response = client.get(f"{REPORTS}/stock-ledger/", {**QUERIES["stock-ledger"], "date_from": day(3, 2),
                                                       "warehouse": "MAIN"})  # fmt: skip
    assert response.status_code == 200
    rows = _rows(response)
    assert rows[0] == ["Opening stock", "", "", "", "", "", "10.000", "50.00"]
    assert rows[1] == ["03/02/2026", "In", "MAIN", "", "2,000.000", "1,000.00", "2,010.000", "1,050.00"]
    assert rows[2] == ["03/03/2026", "Transfer", "MAIN → SHOP", "", "-4.000", "-20.00", "2,006.000", "1,030.00"]
    assert rows[3][4:] == ["-2,000.000", "-1,027.00", "6.000", "3.00"]
    assert rows[-1] == ["Closing stock", "", "", "", "", "", "6.000", "3.00"]
    page = response.content.decode()
    assert "BOLT · MAIN · 03/02/2026 – 12/31/2026 · EUR" in page and 'class="num neg"' in page


def test_stock_on_hand_reorder_expiry_and_status_show_their_figures(stock):
    client = signed_in(stock.owner)
    on_hand = _rows(client.get(f"{REPORTS}/stock-on-hand/", QUERIES["stock-on-hand"]))
    assert on_hand == [
        ["BOLT", "Product BOLT", "MAIN", "6.000", "3.00"],
        ["BOLT", "Product BOLT", "SHOP", "4.000", "20.00"],
        ["NUT", "Product NUT", "SHOP", "3.000", "3.00"],
        ["Total", "", "", "", "26.00"],
    ]
    earlier = _rows(client.get(f"{REPORTS}/stock-on-hand/", {"as_of": day(3, 1), "warehouse": "MAIN"}))
    assert earlier == [["BOLT", "Product BOLT", "MAIN", "10.000", "50.00"], ["Total", "", "", "", "50.00"]]
    reorder = _rows(client.get(f"{REPORTS}/reorder/"))
    assert reorder == [["BOLT", "Product BOLT", "10.000", "0.000", "10.000", "20.000", "50.000"]]
    expiry = _rows(client.get(f"{REPORTS}/expiry/", QUERIES["expiry"]))
    assert expiry == [["NUT", "SHOP", "N-1", "06/01/2026", "3.000", "3.00"], ["Total", "", "", "", "", "3.00"]]
    assert _rows(client.get(f"{REPORTS}/expiry/", {"before": day(5, 1)})) == [["Total", "", "", "", "", "0.00"]]
    status = _rows(client.get(f"{REPORTS}/inventory-status/"))
    assert status[0] == ["BOLT", "Product BOLT", "Reorder needed", "10.000", "0.000", "10.000", "4.00", "5.00",
                         "125.00", "40.00"]  # fmt: skip
    assert status[1][:3] == ["NUT", "Product NUT", "In stock"] and status[-1][-1] == "43.00"
    only = _rows(client.get(f"{REPORTS}/inventory-status/", {"status": "IN_STOCK"}))
    assert [r[0] for r in only] == ["NUT", "Total"]


def _more_stock(api, n):
    product(api, f"P{n}", reorder_point="100")
    warehouse(api, f"W{n}")
    batch = api.post("inventory/batches", {"product": f"P{n}", "batch_number": f"B{n}", "exp_date": day(4, 1)})
    assert batch.status_code == 201
    receive(api, f"P{n}", f"W{n}", "2", "1", batch=f"B{n}", date=day(3, 1))
    receive(api, "BOLT", f"W{n}", "2", "1", date=day(3, 2))
    entry(api, "TRANSFER", [{"product": "BOLT", "from_warehouse": f"W{n}", "to_warehouse": "MAIN", "quantity": "1"}],
          date=day(3, 3))  # fmt: skip


@pytest.mark.parametrize("slug", list(QUERIES))
def test_each_report_reads_a_constant_number_of_statements(tenant, slug):
    api = tenant.api
    product(api, "BOLT", reorder_point="100")
    warehouse(api, "MAIN")
    receive(api, "BOLT", "MAIN", "1", "1", date=day(3, 1))
    client = signed_in(tenant.owner)
    client.get(f"{REPORTS}/{slug}/", QUERIES[slug])  # warm the per-process caches
    _more_stock(api, 0)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{REPORTS}/{slug}/", QUERIES[slug]).status_code == 200
    for n in range(1, 6):
        _more_stock(api, n)
    with CaptureQueriesContext(connection) as many:
        response = client.get(f"{REPORTS}/{slug}/", QUERIES[slug])
        assert response.status_code == 200
    assert len(many) == len(few), (slug, [q["sql"][:120] for q in many.captured_queries])
    expected = {"stock-ledger": 15, "stock-on-hand": 14, "reorder": 7, "expiry": 7, "inventory-status": 8}
    assert (len(_rows(response)), len(many)) == (expected[slug], EXACT[slug]), slug


def test_downloads_carry_the_layout(stock):
    client = signed_in(stock.owner)
    response = client.get(f"{REPORTS}/stock-on-hand/", {**QUERIES["stock-on-hand"], "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["Product", "Name", "Warehouse", "On hand", "Value"]
    assert lines[1] == ["BOLT", "Product BOLT", "MAIN", "6.00", "3.00"] and lines[-1][-1] == "26.00"
    response = client.get(f"{REPORTS}/stock-ledger/", {**QUERIES["stock-ledger"], "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert cells[0][0] == "Date" and cells[-1][0] == "Closing stock" and float(cells[-1][-1]) == 23.0


def test_a_bad_filter_is_refused_next_to_its_field(stock):
    client = signed_in(stock.owner)
    unknown = client.get(f"{REPORTS}/stock-ledger/", {**QUERIES["stock-ledger"], "product": "NOPE"})
    assert unknown.status_code == 422 and 'data-testid="error-product"' in unknown.content.decode()
    bad = client.get(f"{REPORTS}/stock-on-hand/", {"as_of": "31.12.2026"})
    assert bad.status_code == 422 and 'data-testid="error-as_of"' in bad.content.decode()
    empty = client.get(f"{REPORTS}/stock-ledger/")
    assert empty.status_code == 200 and 'data-testid="choose-product"' in empty.content.decode()
    assert client.get(f"{REPORTS}/nothing/").status_code == 404


def test_the_pages_speak_russian(stock):
    client = signed_in(stock.owner, "ru")
    index = client.get(f"{REPORTS}/").content.decode()
    assert "Складские отчёты" in index and "Журнал движения запасов" in index
    page = client.get(f"{REPORTS}/stock-ledger/", QUERIES["stock-ledger"])
    rows = _rows(page)
    assert rows[0][0] == "Начальный остаток" and rows[-1][0] == "Конечный остаток"
    assert rows[1][1] == "Приход" and rows[1][4] == "10,000" and "Нарастающее количество" in page.content.decode()
    status = _rows(client.get(f"{REPORTS}/inventory-status/"))
    assert status[0][2] == "Пора дозаказать"


def test_members_without_the_permission_and_other_organizations(stock, other_tenant):
    user, _api = member_client(stock, org_role="EMPLOYEE")
    assert signed_in(user).get(f"{REPORTS}/stock-on-hand/").status_code == 403
    outsider = signed_in(other_tenant.owner)
    assert _rows(outsider.get(f"{REPORTS}/stock-on-hand/", QUERIES["stock-on-hand"])) == [["Total", "", "", "", "0.00"]]
    refused = outsider.get(f"{REPORTS}/stock-ledger/", QUERIES["stock-ledger"])
    assert refused.status_code == 422  # BOLT is not a product of this organization
    menu = signed_in(stock.owner).get("/").content.decode()
    assert f'href="{REPORTS}/"' in menu
