"""The reports over HTTP: JSON shapes with decimal strings, CSV/XLSX downloads, problem+json refusals, 403s,
cross-tenant isolation, constant query counts; and the report pages for signed-in members."""

from __future__ import annotations

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import Account
from comptoir.accounting.tests.test_reports import P, Y, build_books, day, post
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context

BASE = "accounting/reports"
ENDPOINTS = {
    "trial-balance": {"as_of": f"{Y}-03-31"},
    "profit-and-loss": {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31"},
    "balance-sheet": {"as_of": f"{Y}-03-31"},
    "general-ledger": {"account": "1100", "date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31"},
    "aging": {"kind": "receivable", "as_of": f"{Y}-03-31"},
    "cash-flow": {"date_from": f"{Y}-01-01", "date_to": f"{Y}-03-31"},
}


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        return build_books(tenant.owner)


def test_statements_as_json_with_decimal_strings(tenant, books):
    api = tenant.api
    trial = api.get(f"{BASE}/trial-balance", as_of=f"{Y}-03-31", by_group="true")
    assert trial.status_code == 200, trial.json()
    body = trial.json()
    assert body["totals"] == {"debit": "1900.00", "credit": "1900.00"}
    cash = body["rows"][0]
    assert {k: cash[k] for k in ("account", "name", "group", "debit", "credit", "balance")} == {
        "account": "1000",
        "name": "Cash",
        "group": "11",
        "debit": "700.00",
        "credit": "0.00",
        "balance": "700.00",
    }
    with tenant_context(tenant.organization):
        assert cash["account_id"] == str(Account.objects.get(code="1000").pk)
    assert body["groups"][0] == {**body["groups"][0], "group": "1", "debit": "1200.00"}
    pnl = api.get(f"{BASE}/profit-and-loss", **ENDPOINTS["profit-and-loss"]).json()
    assert (pnl["income"], pnl["expense"], pnl["net_profit"]) == ("0.00", "700.00", "-700.00")
    sheet = api.get(f"{BASE}/balance-sheet", as_of=f"{Y}-03-31").json()
    assert (sheet["assets"], sheet["liabilities"], sheet["equity"], sheet["current_earnings"]) == (
        "1200.00",
        "400.00",
        "1000.00",
        "-200.00",
    )


def test_ledger_aging_and_cash_flow_as_json(tenant, books):
    api = tenant.api
    page = api.get(f"{BASE}/general-ledger", **ENDPOINTS["general-ledger"], limit=2).json()
    assert (page["opening_balance"], page["closing_balance"], len(page["lines"])) == ("0.00", "200.00", 2)
    assert page["lines"][1] == {**page["lines"][1], "credit": "50.00", "balance": "150.00"}
    rest = api.get(f"{BASE}/general-ledger", **ENDPOINTS["general-ledger"], limit=2, cursor=page["next_cursor"])
    assert [li["balance"] for li in rest.json()["lines"]] == ["200.00"]
    aging = api.get(f"{BASE}/aging", **ENDPOINTS["aging"]).json()
    assert aging["buckets"] == {"not_due": "0.00", "0-30": "0.00", "31-60": "0.00", "61-90": "0.00", "90+": "300.00"}
    assert aging["rows"][0]["entry_number"] == books["bill_a"].entry_number
    flow = api.get(f"{BASE}/cash-flow", **ENDPOINTS["cash-flow"]).json()
    assert (flow["opening_cash"], flow["net_change"], flow["closing_cash"]) == ("1000.00", "-100.00", "900.00")


def test_every_report_downloads_as_csv_and_xlsx_and_is_audited(tenant, books):
    for slug, query in ENDPOINTS.items():
        csv = tenant.api.get(f"{BASE}/{slug}", **query, format="csv")
        assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv"), slug
        text = b"".join(csv.streaming_content).decode()
        assert text.splitlines()[0].split(",")[0] in {"account", "date", "entry_number"}, slug
        xlsx = tenant.api.get(f"{BASE}/{slug}", **query, format="xlsx")
        assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK", slug
    trial = b"".join(tenant.api.get(f"{BASE}/trial-balance", as_of=f"{Y}-03-31", format="csv").streaming_content)
    assert "1000,Cash,11,700.00,0.00,700.00" in trial.decode()
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT", object_type="accounting.report").count() == 13


@pytest.mark.parametrize(
    ("slug", "query", "field", "code"),
    [
        ("trial-balance", {}, "as_of", "validation_error"),
        ("balance-sheet", {"as_of": "31/03/2026"}, "as_of", "invalid_date"),
        ("profit-and-loss", {"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to", "invalid_range"),
        ("cash-flow", {"date_to": "2026-01-01"}, "date_from", "validation_error"),
        (
            "general-ledger",
            {"account": "9999", "date_from": "2026-01-01", "date_to": "2026-01-31"},
            "account",
            "unknown",
        ),
        ("general-ledger", {"date_from": "2026-01-01", "date_to": "2026-01-31"}, "account", "validation_error"),
        ("aging", {"kind": "both", "as_of": "2026-01-01"}, "kind", "invalid"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(tenant, slug, query, field, code):
    response = tenant.api.get(f"{BASE}/{slug}", **query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == field and response.json()["code"] == code


def test_members_without_the_permission_get_403(tenant, books):
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    for slug, query in ENDPOINTS.items():
        response = employee.get(f"{BASE}/{slug}", **query)
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", slug


def test_another_organization_sees_only_its_own_books(tenant, other_tenant, books):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        post(other_tenant.owner, ("1000", "DR", "77"), ("4000", "CR", "77"), date=day(Y, 3, 12))
    theirs = other_tenant.api.get(f"{BASE}/trial-balance", as_of=f"{Y}-03-31").json()
    assert theirs["totals"] == {"debit": "77.00", "credit": "77.00"}
    assert other_tenant.api.get(f"{BASE}/aging", **ENDPOINTS["aging"]).json()["rows"] == []
    with tenant_context(tenant.organization):
        my_bank = str(Account.objects.get(code="1100").pk)
    stolen = other_tenant.api.get(
        f"{BASE}/general-ledger", account=my_bank, date_from=f"{Y}-01-01", date_to=f"{Y}-03-31"
    )
    assert stolen.status_code == 422 and stolen.json()["errors"][0] == {**stolen.json()["errors"][0], "code": "unknown"}
    mine = tenant.api.get(f"{BASE}/trial-balance", as_of=f"{Y}-03-31").json()
    assert mine["totals"]["debit"] == "1900.00"


def _queries(api, slug, query) -> int:
    with CaptureStatements(connection) as ctx:
        assert api.get(f"{BASE}/{slug}", **query).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_are_constant_whatever_the_ledger(tenant, books):
    before = {slug: _queries(tenant.api, slug, query) for slug, query in ENDPOINTS.items()}
    with tenant_context(tenant.organization, user=tenant.owner):
        for n in range(10):
            post(tenant.owner, ("6100", "DR", "10"), ("1100", "CR", "10"), date=day(Y, 2, 1 + n))
            post(tenant.owner, ("1200", "DR", "15"), ("4000", "CR", "15"), date=day(P, 8, 1 + n))
    assert {slug: _queries(tenant.api, slug, query) for slug, query in ENDPOINTS.items()} == before
