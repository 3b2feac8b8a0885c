"""The budgets API: shapes and decimal strings, the report (JSON, CSV, XLSX), problems, 403s, cross-tenant 404s,
constant query counts, and the overspend refusal through the journal endpoint."""

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import Budget, JournalEntry
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.tenancy import tenant_context

YEAR = str(IN_YEAR.year)


def _budget(api, **data):
    return api.post("accounting/budgets", {"name": "Rent", "fiscal_year": YEAR, "allocated_amount": "100", **data})


def _expense(api, amount, account="6100"):
    lines = [
        {"account": account, "entry_type": "DR", "amount": amount},
        {"account": "1100", "entry_type": "CR", "amount": amount},
    ]
    return api.post(
        "accounting/journal-entries", {"date": IN_YEAR.isoformat(), "journal_type": "JV", "lines": lines, "post": True}
    )


def test_budget_flow(tenant):
    api = tenant.api
    created = _budget(api, account="6100", quarter=1)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert {k: body[k] for k in ("account_code", "quarter", "allocated_amount", "spent", "remaining", "currency")} == {
        "account_code": "6100",
        "quarter": 1,
        "allocated_amount": "100.00",
        "spent": "0.00",
        "remaining": "100.00",
        "currency": "EUR",
    }
    assert _expense(api, "25.50").status_code == 201
    detail = api.get(f"accounting/budgets/{body['id']}")
    assert detail.json()["spent"] == "25.50" and detail.json()["utilisation"] == "25.50"
    assert detail.headers["ETag"] == '"1"'
    stale = api.patch(f"accounting/budgets/{body['id']}", {"allocated_amount": "200"}, headers={"If-Match": '"0"'})
    assert stale.status_code == 412
    patched = api.patch(f"accounting/budgets/{body['id']}", {"allocated_amount": "200"}, headers={"If-Match": '"1"'})
    assert patched.status_code == 200 and patched.json()["remaining"] == "174.50"
    assert patched.headers["ETag"] == '"2"'
    for cleared, code in (({"name": None}, "required"), ({"allocated_amount": None}, "invalid")):
        refused = api.patch(f"accounting/budgets/{body['id']}", cleared)
        assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == code
    closed = api.post(f"accounting/budgets/{body['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    again = api.post(f"accounting/budgets/{body['id']}/close")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    frozen = api.patch(f"accounting/budgets/{body['id']}", {"name": "x"})
    assert frozen.status_code == 409 and frozen.json()["code"] == "budget_closed"
    listed = api.get("accounting/budgets", fiscal_year=YEAR, status="CLOSED").json()["items"]
    assert [b["id"] for b in listed] == [body["id"]] and listed[0]["spent"] == "25.50"


def test_refusals_are_problems_and_write_nothing(tenant):
    api = tenant.api
    assert _budget(api, account="6100").status_code == 201
    duplicate = _budget(api, account="6100", name="again")
    assert duplicate.status_code == 422
    assert duplicate.headers["Content-Type"].startswith("application/problem+json")
    assert duplicate.json()["errors"][0]["code"] == "duplicate_budget"
    negative = _budget(api, account="6000", allocated_amount="-5")
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "allocated_amount"
    quarter = _budget(api, account="6000", quarter=5)
    assert quarter.status_code == 422 and quarter.json()["code"] == "validation_error"
    blank = _budget(api, account="6000", name="  ")
    assert blank.status_code == 422 and blank.json()["errors"][0]["code"] == "required"
    asset = _budget(api, account="1100")
    assert asset.status_code == 422 and asset.json()["errors"][0]["code"] == "not_pl_account"
    with tenant_context(tenant.organization):
        assert Budget.objects.count() == 1


def test_report_json_csv_and_xlsx(tenant):
    api = tenant.api
    _budget(api, account="6100", allocated_amount="100")
    _budget(api, name="Opex", category="52", allocated_amount="300")
    _expense(api, "40.00")
    _expense(api, "10.00", account="6900")
    report = api.get("accounting/budgets/report", fiscal_year=YEAR)
    assert report.status_code == 200, report.json()
    body = report.json()
    assert body["fiscal_year"] == YEAR
    assert [(r["name"], r["spent"], r["remaining"]) for r in body["rows"]] == [
        ("Opex", "50.00", "250.00"),
        ("Rent", "40.00", "60.00"),
    ]
    assert body["totals"] == {"allocated": "400.00", "spent": "90.00", "remaining": "310.00", "utilisation": "22.50"}
    csv = api.get("accounting/budgets/report", fiscal_year=YEAR, format="csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = b"".join(csv.streaming_content).decode().splitlines()
    assert lines[0].startswith("name,fiscal_year,quarter,account,category")
    assert lines[2].startswith(f"Rent,{YEAR},,6100,,,ACTIVE,EUR,100.00,40.00,60.00,40.00")
    xlsx = api.get("accounting/budgets/report", fiscal_year=YEAR, format="xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    unknown = api.get("accounting/budgets/report", fiscal_year="1999")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "fiscal_year"


def test_posting_over_a_budget_is_refused_when_the_policy_says_so(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        set_setting(actor=tenant.owner, key="accounting.budget_overspend", value="refuse", data_type="STRING")
    _budget(tenant.api, account="6100", allocated_amount="50")
    refused = _expense(tenant.api, "50.01")
    assert refused.status_code == 422
    assert refused.json()["code"] == "budget_exceeded"
    assert refused.json()["errors"][0]["field"] == "lines[0].amount"
    with tenant_context(tenant.organization):
        assert not JournalEntry.objects.exists()
    assert _expense(tenant.api, "50.00").status_code == 201


def test_list_and_report_run_a_constant_number_of_queries(tenant):
    api = tenant.api
    _budget(api, account="6100")
    _expense(api, "1.00")
    with CaptureStatements(connection) as few:
        assert len(api.get("accounting/budgets").json()["items"]) == 1
    with CaptureStatements(connection) as few_report:
        assert len(api.get("accounting/budgets/report", fiscal_year=YEAR).json()["rows"]) == 1
    for i, account in enumerate(("6000", "6200", "6900", "5000")):
        _budget(api, name=f"b{i}", account=account)
        _budget(api, name=f"q{i}", account=account, quarter=1)
    with CaptureStatements(connection) as many:
        assert len(api.get("accounting/budgets").json()["items"]) == 9
    with CaptureStatements(connection) as many_report:
        assert len(api.get("accounting/budgets/report", fiscal_year=YEAR).json()["rows"]) == 9
    assert len(many) == len(few)
    assert len(many_report) == len(few_report)


def test_members_without_permission_get_403(tenant):
    budget = _budget(tenant.api, account="6100").json()["id"]
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert employee.get("accounting/budgets").status_code == 403
    assert employee.get(f"accounting/budgets/{budget}").status_code == 403
    assert employee.get("accounting/budgets/report", fiscal_year=YEAR).status_code == 403
    assert _budget(employee, account="6000").status_code == 403
    assert employee.patch(f"accounting/budgets/{budget}", {"name": "x"}).status_code == 403
    response = employee.post(f"accounting/budgets/{budget}/close")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    with tenant_context(tenant.organization):
        assert Budget.objects.get().status == "ACTIVE" and Budget.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "accounting/budgets/{budget}", None),
        ("patch", "accounting/budgets/{budget}", {"name": "mine now"}),
        ("post", "accounting/budgets/{budget}/close", None),
    ],
)
def test_other_organizations_budgets_are_not_found(tenant, other_tenant, method, path, body):
    foreign = _budget(other_tenant.api, account="6100").json()["id"]
    url = path.format(budget=foreign)
    response = getattr(tenant.api, method)(url, body) if body else getattr(tenant.api, method)(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert tenant.api.get("accounting/budgets").json()["items"] == []
    foreign_year = other_tenant.api.get("accounting/fiscal-years").json()["items"][0]["id"]
    report = tenant.api.get("accounting/budgets/report", fiscal_year=foreign_year)
    assert report.status_code == 422 and report.json()["errors"][0]["code"] == "unknown"
    foreign_account = other_tenant.api.get("accounting/accounts", limit=200).json()["items"][0]["id"]
    assert _budget(tenant.api, account=foreign_account).json()["errors"][0]["field"] == "account"
    unchanged = other_tenant.api.get(f"accounting/budgets/{foreign}").json()
    assert (unchanged["name"], unchanged["status"]) == ("Rent", "ACTIVE")
