"""The accounting API: shapes, decimal strings, refusals as problem+json, 403s, cross-tenant 404s, query counts."""

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.tenancy import tenant_context


def _entry(post=False, amount="100.00", **extra):
    return {
        "date": IN_YEAR.isoformat(),
        "journal_type": "JV",
        "narration": "rent",
        "lines": [
            {"account": "6100", "entry_type": "DR", "amount": amount},
            {"account": "1100", "entry_type": "CR", "amount": amount},
        ],
        "post": post,
        **extra,
    }


def test_chart_endpoints(tenant):
    api = tenant.api
    group = api.post("accounting/account-groups", {"code": "1150", "name": "Petty cash", "parent": "11"})
    assert group.status_code == 201, group.json()
    body = group.json()
    assert (body["nature"], body["report_type"], body["path"]) == ("ASSET", "BS", "/1/11/1150/")
    refused = api.post("accounting/account-groups", {"code": "X", "name": "X", "nature": "INCOME", "parent": "11"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "nature_mismatch"
    account = api.post("accounting/accounts", {"code": "1010", "name": "Till", "group": "1150", "account_type": "CASH"})
    assert account.status_code == 201 and account.json()["group"] == body["id"]
    by_id = api.post("accounting/accounts", {"code": "1011", "name": "Till 2", "group": body["id"]})
    assert by_id.status_code == 201 and by_id.json()["group_code"] == "1150"
    dup = api.post("accounting/accounts", {"code": "1010", "name": "Again", "group": "1150"})
    assert dup.status_code == 422 and dup.json()["errors"][0] == {
        "field": "code",
        "code": "duplicate",
        "message": "An account with code '1010' exists",
    }
    listed = api.get("accounting/accounts", group="1150").json()["items"]
    assert [a["code"] for a in listed] == ["1010", "1011"]
    assert len(api.get("accounting/account-groups", limit=200).json()["items"]) == 11


def test_fiscal_year_endpoints(tenant):
    api = tenant.api
    year = IN_YEAR.year + 1
    created = api.post(
        "accounting/fiscal-years", {"name": f"FY{year}", "start_date": f"{year}-01-01", "end_date": f"{year}-12-31"}
    )
    assert created.status_code == 201, created.json()
    periods = created.json()["periods"]
    assert [p["period_no"] for p in periods] == list(range(1, 13))
    assert periods[1] == {**periods[1], "start_date": f"{year}-02-01", "status": "OPEN"}
    overlap = api.post(
        "accounting/fiscal-years", {"name": "X", "start_date": f"{year}-06-01", "end_date": f"{year + 1}-05-31"}
    )
    assert overlap.status_code == 422 and overlap.json()["errors"][0]["code"] == "overlapping_fiscal_year"
    detail = api.get(f"accounting/fiscal-years/{created.json()['id']}").json()
    closed = api.post(f"accounting/periods/{detail['periods'][0]['id']}/close")
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    again = api.post(f"accounting/periods/{detail['periods'][0]['id']}/close")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_journal_entry_flow(tenant):
    api = tenant.api
    draft = api.post("accounting/journal-entries", _entry())
    assert draft.status_code == 201, draft.json()
    body = draft.json()
    assert body["status"] == "DRAFT" and body["entry_number"] == ""
    assert body["lines"][0]["amount"] == "100.00" and body["lines"][0]["base_amount"] == "100.00"
    posted = api.post(f"accounting/journal-entries/{body['id']}/post")
    assert posted.status_code == 200
    assert posted.json()["entry_number"] == f"JV-{IN_YEAR.year}-000001"
    assert posted.json()["total_debit"] == "100.00"
    direct = api.post("accounting/journal-entries", _entry(post=True, amount="12.50"))
    assert direct.status_code == 201 and direct.json()["status"] == "POSTED"
    reversal = api.post(f"accounting/journal-entries/{body['id']}/reverse", {"date": IN_YEAR.isoformat()})
    assert reversal.status_code == 201
    assert reversal.json()["reversed_entry"] == body["id"] and reversal.json()["status"] == "POSTED"
    assert api.get(f"accounting/journal-entries/{body['id']}").json()["status"] == "REVERSED"
    posted_list = api.get("accounting/journal-entries", status="POSTED").json()["items"]
    assert {e["id"] for e in posted_list} == {direct.json()["id"], reversal.json()["id"]}
    assert api.get("accounting/journal-entries", date_from="1999-01-01", date_to="1999-12-31").json()["items"] == []


def test_posting_refusals_are_problems_and_write_nothing(tenant):
    api = tenant.api
    unbalanced = _entry(post=True)
    unbalanced["lines"][1]["amount"] = "99.00"
    response = api.post("accounting/journal-entries", unbalanced)
    assert response.status_code == 422
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "unbalanced"
    response = api.post("accounting/journal-entries", _entry(post=True, amount="-1"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "lines[0].amount"
    response = api.post("accounting/journal-entries", {**_entry(), "extra": 1})
    assert response.status_code == 422
    with tenant_context(tenant.organization):
        assert not JournalEntry.objects.exists()


def test_list_runs_a_constant_number_of_queries(tenant):
    api = tenant.api
    for _ in range(2):
        api.post("accounting/journal-entries", _entry(post=True))
    with CaptureStatements(connection) as few:
        assert len(api.get("accounting/journal-entries").json()["items"]) == 2
    for _ in range(4):
        api.post("accounting/journal-entries", _entry(post=True))
    with CaptureStatements(connection) as many:
        assert len(api.get("accounting/journal-entries").json()["items"]) == 6
    assert len(many) == len(few)
    for path in ("accounting/accounts", "accounting/account-groups", "accounting/fiscal-years"):
        with CaptureStatements(connection) as small:
            assert len(api.get(path, limit=1).json()["items"]) == 1
        with CaptureStatements(connection) as large:
            api.get(path, limit=200)
        assert len(large) == len(small), path


def test_members_without_permission_get_403(tenant):
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert employee.get("accounting/accounts").status_code == 403
    response = employee.post("accounting/journal-entries", _entry(post=True))
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, investor = member_client(tenant, org_role="INVESTOR")
    assert investor.get("accounting/journal-entries").status_code == 200
    assert (
        investor.post(
            "accounting/fiscal-years", {"name": "x", "start_date": "2000-01-01", "end_date": "2000-12-31"}
        ).status_code
        == 403
    )
    period = investor.get("accounting/fiscal-years").json()["items"][0]["id"]
    first = investor.get(f"accounting/fiscal-years/{period}").json()["periods"][0]["id"]
    assert investor.post(f"accounting/periods/{first}/close").status_code == 403
    assert investor.post(f"accounting/periods/{first}/reopen").status_code == 403
    with tenant_context(tenant.organization):
        assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "accounting/journal-entries/{entry}"),
        ("post", "accounting/journal-entries/{entry}/post"),
        ("post", "accounting/journal-entries/{entry}/cancel"),
        ("get", "accounting/accounts/{account}"),
        ("get", "accounting/account-groups/{group}"),
        ("get", "accounting/fiscal-years/{year}"),
        ("post", "accounting/periods/{period}/close"),
        ("post", "accounting/periods/{period}/reopen"),
        ("post", "accounting/fiscal-years/{year}/reopen"),
    ],
)
def test_other_organizations_rows_are_not_found(tenant, other_tenant, method, path):
    draft = other_tenant.api.post("accounting/journal-entries", _entry()).json()["id"]
    account = other_tenant.api.get("accounting/accounts").json()["items"][0]["id"]
    group = other_tenant.api.get("accounting/account-groups").json()["items"][0]["id"]
    year = other_tenant.api.get("accounting/fiscal-years").json()["items"][0]["id"]
    period = other_tenant.api.get(f"accounting/fiscal-years/{year}").json()["periods"][0]["id"]
    url = path.format(entry=draft, account=account, group=group, year=year, period=period)
    response = getattr(tenant.api, method)(url)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert tenant.api.get("accounting/journal-entries").json()["items"] == []
    foreign = _entry(post=True)
    foreign["lines"][0]["account"] = account
    refused = tenant.api.post("accounting/journal-entries", foreign)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lines[0].account"
    assert other_tenant.api.get(f"accounting/journal-entries/{draft}").json()["status"] == "DRAFT"


def test_retried_post_with_the_same_idempotency_key_posts_once(tenant):
    headers = {"Idempotency-Key": "entry-42"}
    first = tenant.api.post("accounting/journal-entries", _entry(post=True), headers=headers)
    again = tenant.api.post("accounting/journal-entries", _entry(post=True), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["entry_number"] == again.json()["entry_number"] == f"JV-{IN_YEAR.year}-000001"
    with tenant_context(tenant.organization):
        assert JournalEntry.objects.count() == 1
