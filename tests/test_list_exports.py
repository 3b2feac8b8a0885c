"""Every list endpoint of the API exports (`?format=csv|xlsx`, DESIGN §5): the OpenAPI lists no paginated GET
without the `format` parameter, and each one answers a CSV and an XLSX of the same rows as its JSON, audited.
XLSX amounts are numeric cells with a number format, with a totals row."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WINDOW = {"start": f"{IN_YEAR}T00:00:00+00:00", "end": f"{IN_YEAR + datetime.timedelta(days=30)}T00:00:00+00:00"}
# every paginated list of the API, and the query it needs; {bank} and {webhook} are filled by the fixture
LISTS = {
    "accounting/account-groups": {},
    "accounting/accounts": {},
    "accounting/fiscal-years": {},
    "accounting/journal-entries": {},
    "accounting/tax-rates": {},
    "accounting/budgets": {},
    "accounting/bank-accounts": {},
    "accounting/cost-centers": {},
    "accounting/bank-accounts/{bank}/transactions": {},
    "accounting/bank-accounts/{bank}/unreconciled": {},
    "platform/audit-log": {},
    "platform/notifications": {},
    "platform/webhooks": {},
    "platform/webhooks/events": {},
    "platform/webhooks/{webhook}/deliveries": {},
    "platform/calendar/events": {},
    "platform/calendar/occurrences": WINDOW,
    "platform/workspaces": {},
    "platform/settings": {},
    "platform/attachments": {"owner_type": "platform.workspace", "owner_id": "{workspace}"},
    "platform/currencies": {},
    "platform/countries": {},
    "platform/units": {},
    "platform/exchange-rates": {},
    "platform/members": {},
    "identity/roles": {},
    "identity/permissions": {},
    "identity/api-tokens": {},
    "parties": {},
    "catalog/categories": {},
    "catalog/products": {},
    "catalog/price-lists": {},
    "catalog/price-lists/{price_list}/items": {},
    "catalog/party-price-lists": {},
    "inventory/warehouses": {},
    "inventory/batches": {},
    "inventory/stock-entries": {},
    "inventory/movements": {},
    "inventory/stock-balance": {},
    "inventory/reservations": {},
    "inventory/stock-counts": {},
    "purchasing/requisitions": {},
    "purchasing/orders": {},
    "purchasing/receipts": {},
    "purchasing/returns": {},
    "sales/orders": {},
    "logistics/carriers": {},
    "logistics/shipments": {},
    "logistics/returns": {},
    "hr/departments": {},
    "hr/positions": {},
    "hr/holidays": {},
    "hr/employees": {},
    "hr/attendance": {},
    "hr/leave-requests": {},
    "hr/leave-balances": {},
    "hr/reviews": {},
    "hr/job-postings": {},
    "hr/candidates": {},
    "hr/training-programs": {},
    "hr/enrollments": {},
    "invoicing/invoices": {},
    "invoicing/payments": {},
    "invoicing/recurring-invoices": {},
    "payroll/pay-heads": {},
    "payroll/pay-structures": {},
    "payroll/runs": {},
    "payroll/payslips": {},
}


def _is_list(operation: dict, components: dict) -> bool:
    ref = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    ref = ref.get("schema", {}).get("$ref", "")
    properties = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
    return (
        "items" in properties and isinstance(properties["items"], dict) and properties["items"].get("type") == "array"
    )


def test_every_list_of_the_api_takes_format_and_is_tested_here(db):
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    lists = set()
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation and _is_list(operation, components):
            lists.add(path)
            names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert "format" in names, f"GET {path} is a list without ?format="
    tested = {
        "/api/v1/"
        + path.replace("{bank}", "{bank_account_id}")
        .replace("{webhook}", "{webhook_id}")
        .replace("{price_list}", "{price_list_id}")
        for path in LISTS
    }
    assert lists == tested


@pytest.fixture
def books(tenant):
    """A tenant with a row in (nearly) every list: an entry, a bank line, a budget, a tax rate, a webhook, an event."""
    api = tenant.api
    lines = [
        {"account": "6100", "entry_type": "DR", "amount": "1234.50"},
        {"account": "1100", "entry_type": "CR", "amount": "1234.50"},
    ]
    for amount in ("1234.50", "10.25"):
        lines = [{**line, "amount": amount} for line in lines]
        entry = {"date": str(IN_YEAR), "post": True, "lines": lines}
        assert api.post("accounting/journal-entries", entry).status_code == 201
    bank = api.post(
        "accounting/bank-accounts", {"account": "1100", "account_name": "Main", "account_number": "ACC0001"}
    )
    statement = {"csv_text": f"Date,Amount\n{IN_YEAR},-10.25\n", "mapping": {"date": "Date", "amount": "Amount"}}
    assert api.post(f"accounting/bank-accounts/{bank.json()['id']}/statements/import", statement).status_code == 201
    budget = {"name": "Rent", "fiscal_year": str(IN_YEAR.year), "account": "6100", "allocated_amount": "5000"}
    assert api.post("accounting/budgets", budget).status_code == 201
    rate = {"code": "VAT", "name": "VAT", "rate": "20", "effective_from": "2020-01-01"}
    assert api.post("accounting/tax-rates", rate).status_code == 201
    assert api.post("accounting/cost-centers", {"code": "SHOP", "name": "Shop"}).status_code == 201
    assert api.post("parties", {"name": "Atelier Morel", "party_type": "CUSTOMER"}).status_code == 201
    webhook = api.post("platform/webhooks", {"url": "https://example.com/hook", "event_types": ["*"]})
    event = {"title": "Close", "start_time": WINDOW["start"], "end_time": WINDOW["start"].replace("T00", "T01")}
    assert api.post("platform/calendar/events", event).status_code == 201
    workspace = api.get("platform/workspaces").json()["items"][0]["id"]
    upload = SimpleUploadedFile("receipt.txt", b"paid", content_type="text/plain")
    attached = api.client.post(
        "/api/v1/platform/attachments",
        {"owner_type": "platform.workspace", "owner_id": workspace, "file": upload},
        headers=api._headers(None),
    )
    assert attached.status_code == 201, attached.json()
    assert api.post("catalog/categories", {"name": "Tools", "code": "TOOLS"}).status_code == 201
    product = {"code": "SAW", "name": "Saw", "uom": "pcs", "category": "TOOLS", "list_price": "19.90"}
    assert api.post("catalog/products", product).status_code == 201
    price_list = api.post("catalog/price-lists", {"name": "Retail", "valid_from": "2020-01-01"}).json()["id"]
    assert api.post(f"catalog/price-lists/{price_list}/items", {"product": "SAW", "rate": "18"}).status_code == 201
    assert api.post("inventory/warehouses", {"code": "MAIN", "name": "Main"}).status_code == 201
    assert api.post("inventory/batches", {"product": "SAW", "batch_number": "B1"}).status_code == 201
    line = {"product": "SAW", "to_warehouse": "MAIN", "quantity": "5", "unit_cost": "7.5", "batch": "B1"}
    receipt = {"entry_type": "RECEIPT", "date": str(IN_YEAR), "lines": [line], "post": True}
    assert api.post("inventory/stock-entries", receipt).status_code == 201
    hold = {"product": "SAW", "warehouse": "MAIN", "batch": "B1", "quantity": "2"}
    assert api.post("inventory/reservations", hold).status_code == 201
    assert api.post("inventory/stock-counts", {"warehouse": "MAIN", "count_date": str(IN_YEAR)}).status_code == 201
    _people(api)
    sale = {"party": "P-000001", "invoice_date": str(IN_YEAR), "submit": True,
            "lines": [{"product": "SAW", "quantity": "2", "unit_rate": "19.90", "tax_rate": "VAT"}]}  # fmt: skip
    invoice = api.post("invoicing/invoices", sale)
    assert invoice.status_code == 201, invoice.json()
    receipt = {"party": "P-000001", "payment_date": str(IN_YEAR), "amount": "20", "method": "CASH",
               "allocations": [{"invoice": invoice.json()["id"], "amount": "20"}]}  # fmt: skip
    assert api.post("invoicing/payments", receipt).status_code == 201
    schedule = {"name": "Monthly saw", "template": invoice.json()["id"], "start_date": str(IN_YEAR)}
    assert api.post("invoicing/recurring-invoices", schedule).status_code == 201
    worker = {"first_name": "Ada", "last_name": "Lovelace", "hire_date": "2020-01-01", "status": "ACTIVE"}
    worker = api.post("hr/employees", worker).json()
    basic = {"employee": worker["id"], "pay_head": "BASIC", "amount": "1000", "effective_from": "2020-01-01"}
    assert api.post("payroll/pay-structures", basic).status_code == 201
    month = {"name": "Payroll", "pay_period_start": str(IN_YEAR.replace(day=1)),
             "pay_period_end": str(IN_YEAR.replace(day=28)), "payment_date": str(IN_YEAR.replace(day=28))}  # fmt: skip
    payroll_run = api.post("payroll/runs", month).json()
    assert api.post(f"payroll/runs/{payroll_run['id']}/process").status_code == 200
    return {
        "bank": bank.json()["id"],
        "webhook": webhook.json()["id"],
        "workspace": workspace,
        "price_list": price_list,
    }


def _people(api) -> None:
    """A row in each HR list."""
    assert api.post("hr/departments", {"name": "Shop floor", "code": "FLOOR"}).status_code == 201
    assert api.post("hr/positions", {"code": "CLERK", "title": "Clerk", "department": "FLOOR"}).status_code == 201
    assert api.post("hr/holidays", {"date": str(IN_YEAR), "name": "Opening day"}).status_code == 201
    people = [
        api.post("hr/employees", {"first_name": first, "last_name": "Morel", "hire_date": "2020-01-01",
                                  "status": "ACTIVE", "department": "FLOOR"}).json()["id"]
        for first in ("Ana", "Ben")
    ]  # fmt: skip
    day = IN_YEAR + datetime.timedelta(days=(7 - IN_YEAR.weekday()) % 7 + 1)  # a Tuesday after the holiday
    assert api.post("hr/attendance", {"employee": people[0], "date": str(day)}).status_code == 201
    leave = {"employee": people[0], "leave_type": "UNPAID", "start_date": str(day), "end_date": str(day)}
    assert api.post("hr/leave-requests", leave).status_code == 201
    assert api.post("hr/leave-balances/accrue", {"year": IN_YEAR.year}).status_code == 200
    review = {"employee": people[0], "reviewer": people[1], "period_start": "2020-01-01", "period_end": "2020-12-31"}
    assert api.post("hr/reviews", review).status_code == 201
    posting = api.post("hr/job-postings", {"title": "Clerk", "description": "Files"}).json()["id"]
    candidate = {"job_posting": posting, "first_name": "Cy", "last_name": "Roux", "email": "cy@example.com"}
    assert api.post("hr/candidates", candidate).status_code == 201
    program = api.post("hr/training-programs", {"title": "Safety", "cost": "100"}).json()["id"]
    assert api.post("hr/enrollments", {"program": program, "employee": people[0]}).status_code == 201


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.getvalue().decode())))


def _xlsx(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())).active


@pytest.mark.parametrize("path", LISTS)
def test_each_list_exports_its_rows_as_csv_and_xlsx(tenant, books, path):
    url = path.format(**books)
    query = {key: value.format(**books) for key, value in LISTS[path].items()}
    page = tenant.api.get(url, limit=200, **query)
    assert page.status_code == 200, page.json()
    items = page.json()["items"]
    with tenant_context(tenant.organization):
        exports = AuditLog.objects.filter(action="EXPORT").count()
    rows = _csv(tenant.api.get(url, format="csv", **query))
    if page.json().get("next_cursor"):
        assert len(rows) - 1 > len(items)  # every row, not one page
    else:  # the audit log's export also holds the audit row of the export itself
        assert len(rows) - 1 == len(items) + (path == "platform/audit-log")
    if items and rows[0][0] in items[0]:  # the same rows as the JSON list
        assert str(items[-1][rows[0][0]]) in {row[0] for row in rows[1:]}
    sheet = _xlsx(tenant.api.get(url, format="xlsx", **query))
    assert [cell.value for cell in sheet[1]] == rows[0]
    assert sheet.max_row in (len(rows), len(rows) + 1)  # + a totals row where the list has amounts
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT").count() == exports + 2


@pytest.mark.parametrize(
    ("path", "totals"),
    [
        # the two entries, the stock receipt's (5 × 7.50), the invoice's (2 × 19.90 + 20 % VAT = 47.76) and the
        # receipt's (20)
        ("accounting/journal-entries", {"total_debit": Decimal("1350.01"), "total_credit": Decimal("1350.01")}),
        ("accounting/budgets", {"allocated_amount": Decimal("5000"), "spent": Decimal("1244.75")}),
    ],
)
def test_xlsx_amounts_are_numbers_with_a_format_and_a_totals_row(tenant, books, path, totals):
    sheet = _xlsx(tenant.api.get(path, format="xlsx"))
    header = [cell.value for cell in sheet[1]]
    last = sheet[sheet.max_row]
    assert last[0].value == "Total" and last[0].font.bold
    for name, total in totals.items():
        column = header.index(name)
        cells = [sheet.cell(row=r, column=column + 1) for r in range(2, sheet.max_row)]
        assert all(isinstance(c.value, int | float) and c.number_format.startswith("#,##0") for c in cells)
        assert Decimal(str(last[column].value)) == total
        assert last[column].number_format == "#,##0.00"


def test_the_chart_exports_as_xlsx_too(tenant):
    csv_rows = _csv(tenant.api.get("accounting/chart/export"))
    assert csv_rows[0][:4] == ["kind", "code", "name", "parent"]
    sheet = _xlsx(tenant.api.get("accounting/chart/export", format="xlsx"))
    cells = [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]
    assert cells[:3] == csv_rows[:3]  # the header and the first groups
    account = next(row for row in cells if row[1] == "1100")
    assert account[:6] == ["account", "1100", "Bank", "11", "ASSET", "BANK"] and account[6] is False
    assert len(cells) == len(csv_rows)
