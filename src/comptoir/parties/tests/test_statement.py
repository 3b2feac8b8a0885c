"""A party's statement: the opening balance before the range, each posted line on the party's account with the
running balance, the closing balance; as JSON, CSV and XLSX from the API, and as a desk page with PDF, CSV and XLSX
downloads. Refused dates name their field; another organization's party is not found."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from tests.support.api import member_client

from comptoir.accounting.services import create_and_post
from comptoir.parties.tests.factories import IN_YEAR, create, entry_data
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context


def _day(n: int) -> datetime.date:
    return IN_YEAR + datetime.timedelta(days=n)


@pytest.fixture
def traded(tenant) -> dict:
    party = create(tenant.api)
    code = party["account"]["code"]
    with tenant_context(tenant.organization, user=tenant.owner):
        for n, specs, narration in (
            (0, ((code, "DR", "300.00"), ("4000", "CR", "300.00")), "Invoice 1"),
            (10, (("1100", "DR", "100.00"), (code, "CR", "100.00")), "Receipt"),
            (20, ((code, "DR", "50.00"), ("4000", "CR", "50.00")), "Invoice 2"),
            (20, (("1100", "DR", "999.00"), ("4000", "CR", "999.00")), "Not this party's"),
        ):
            create_and_post(actor=tenant.owner, data=entry_data(*specs, date=_day(n), narration=narration))
    return party


def test_the_statement_runs_from_its_opening_balance(tenant, traded):
    url = f"parties/{traded['id']}/statement"
    report = tenant.api.get(url, date_from=_day(5).isoformat(), date_to=_day(30).isoformat()).json()
    assert (report["party_number"], report["currency"]) == ("P-000001", "EUR")
    assert (report["opening_balance"], report["closing_balance"]) == ("300.00", "250.00")
    assert [(line["narration"], line["debit"], line["credit"], line["balance"]) for line in report["lines"]] == [
        ("Receipt", "0.00", "100.00", "200.00"),
        ("Invoice 2", "50.00", "0.00", "250.00"),
    ]
    assert tenant.api.get(f"parties/{traded['id']}").json()["balance"] == "250.00"
    whole = tenant.api.get(url, date_from=_day(0).isoformat(), date_to=_day(30).isoformat(), limit=1).json()
    assert len(whole["lines"]) == 1 and whole["next_cursor"]


def test_the_statement_exports(tenant, traded):
    url = f"parties/{traded['id']}/statement"
    span = {"date_from": _day(0).isoformat(), "date_to": _day(30).isoformat()}
    text = b"".join(tenant.api.get(url, format="csv", **span).streaming_content).decode()
    assert "Invoice 1" in text and "Receipt" in text and "Not this party's" not in text
    xlsx = b"".join(tenant.api.get(url, format="xlsx", **span).streaming_content)
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert book.active.max_row >= 4
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT", object_type="parties.party").count() == 2


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [({"date_from": "2026-13-01"}, "date_from", "invalid_date"), ({"date_from": "2026-05-01", "date_to": "2026-01-01"},
                                                                    "date_to", "invalid_range")],
)  # fmt: skip
def test_bad_dates_are_refused(tenant, traded, query, field, code):
    response = tenant.api.get(f"parties/{traded['id']}/statement", **query)
    assert response.status_code == 422
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (field, code)


def test_the_statement_page_shows_and_downloads(tenant, traded):
    client = Client()
    client.force_login(tenant.owner)
    page = f"/parties/{traded['id']}/statement/"
    span = f"date_from={_day(0).isoformat()}&date_to={_day(30).isoformat()}"
    html = client.get(f"{page}?{span}").content.decode()
    assert "Statement of account" in html and "Invoice 2" in html and "Not this party" not in html
    assert "250.00" in html.replace("\u202f", "").replace(",", "")
    pdf = client.get(f"{page}?{span}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv = client.get(f"{page}?{span}&format=csv")
    assert csv.status_code == 200 and "Closing balance" in b"".join(csv.streaming_content).decode()
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(action="EXPORT", object_type="parties.party").count() == 2
    refused = client.get(f"{page}?date_from=nope")
    assert refused.status_code == 422 and "date_from" in refused.content.decode()


def test_the_statement_is_not_shown_to_others(tenant, other_tenant, traded):
    theirs = create(other_tenant.api)
    assert tenant.api.get(f"parties/{theirs['id']}/statement").status_code == 404
    client = Client()
    client.force_login(tenant.owner)
    assert client.get(f"/parties/{theirs['id']}/statement/").status_code == 404
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert employee.get(f"parties/{traded['id']}/statement").status_code == 403
