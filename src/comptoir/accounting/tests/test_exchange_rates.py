"""Exchange rates through the API and the desk: created, listed with filters, changed and deleted through the rate
services (audited), the books converting with the latest rate on or before an entry's date; every refusal with
its code and field and nothing written; another organization's rates not found; the list's statements constant."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.accounting.services import create_and_post
from comptoir.accounting.tests.factories import IN_YEAR, entry_data, line
from comptoir.platform.models import AuditLog, ExchangeRate
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

RATES = "platform/exchange-rates"
DAY = IN_YEAR - datetime.timedelta(days=10)


def _rate(tenant, **fields):
    body = {"from_currency": "USD", "to_currency": "EUR", "rate": "0.92", "rate_date": DAY.isoformat(), **fields}
    response = tenant.api.post(RATES, body)
    assert response.status_code == 201, response.json()
    return response.json()


def _count(tenant) -> int:
    with tenant_context(tenant.organization):
        return ExchangeRate.objects.count()


def test_a_rate_is_created_read_changed_and_deleted_with_its_audit_trail(tenant):
    created = _rate(tenant, source="ECB")
    assert (created["from_currency"], created["to_currency"], created["rate"]) == ("USD", "EUR", "0.92")
    assert tenant.api.get(f"{RATES}/{created['id']}").json()["source"] == "ECB"
    changed = tenant.api.patch(f"{RATES}/{created['id']}", {"rate": "0.93"})
    assert (changed.status_code, changed.json()["rate"], changed.json()["source"]) == (200, "0.93", "ECB")
    assert tenant.api.delete(f"{RATES}/{created['id']}").status_code == 204
    assert _count(tenant) == 0
    with tenant_context(tenant.organization):
        trail = AuditLog.objects.filter(object_id=created["id"]).order_by("timestamp", "id")
        assert [(a.action, Decimal((a.new_values or a.old_values)["rate"])) for a in trail] == [
            ("CREATE", Decimal("0.92")),
            ("UPDATE", Decimal("0.93")),
            ("DELETE", Decimal("0.93")),
        ]


def test_the_books_convert_with_the_latest_rate_on_or_before_the_entry_date(tenant):
    _rate(tenant, rate="0.90", rate_date=(DAY - datetime.timedelta(days=30)).isoformat())
    _rate(tenant, rate="0.95")
    _rate(tenant, rate="2", rate_date=(IN_YEAR + datetime.timedelta(days=1)).isoformat())  # after the entry
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = create_and_post(
            actor=tenant.owner,
            data=entry_data(line("1000", "DR", "100.00", currency="USD"), ("4000", "CR", "95.00")),
        )
        converted = entry.lines.get(line_no=1)
    assert (converted.exchange_rate, converted.base_amount) == (Decimal("0.95"), Decimal("95.000"))


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"from_currency": "XXX"}, "unknown_currency", "from_currency"),
        ({"to_currency": "QQQ"}, "unknown_currency", "to_currency"),
        ({"to_currency": "USD"}, "same_currency", "to_currency"),
        ({"rate": "0"}, "validation_error", "rate"),
        ({"rate": "-1"}, "validation_error", "rate"),
        ({"rate_date": "someday"}, "validation_error", "rate_date"),
    ],
)
def test_a_bad_rate_is_refused_and_nothing_is_written(tenant, body, code, field):
    full = {"from_currency": "USD", "to_currency": "EUR", "rate": "0.92", "rate_date": DAY.isoformat(), **body}
    response = tenant.api.post(RATES, full)
    assert response.status_code == 422, response.json()
    assert response.json()["code"] == code
    assert response.json()["errors"][0]["field"] == field
    assert _count(tenant) == 0


def test_a_second_rate_for_the_same_pair_and_day_is_refused(tenant):
    _rate(tenant)
    again = tenant.api.post(RATES, {"from_currency": "usd", "to_currency": "EUR", "rate": "1", "rate_date": str(DAY)})
    assert (again.status_code, again.json()["code"], again.json()["errors"][0]["field"]) == (
        422,
        "duplicate",
        "rate_date",
    )
    assert _count(tenant) == 1


def test_a_change_to_null_or_zero_is_refused_and_the_rate_kept(tenant):
    created = _rate(tenant)
    for body in ({"rate": None}, {"rate": "0"}, {"from_currency": "GBP"}):
        response = tenant.api.patch(f"{RATES}/{created['id']}", body)
        assert response.status_code == 422, (body, response.json())
    assert tenant.api.get(f"{RATES}/{created['id']}").json()["rate"] == "0.92"


def test_the_list_filters_by_pair_and_dates_in_a_constant_number_of_statements(tenant):
    _rate(tenant)
    _rate(tenant, to_currency="GBP", rate="0.79")
    _rate(tenant, rate="0.91", rate_date=(DAY - datetime.timedelta(days=1)).isoformat())
    listed = tenant.api.get(RATES, to_currency="eur", date_from=DAY.isoformat()).json()["items"]
    assert [(r["to_currency"], r["rate"]) for r in listed] == [("EUR", "0.92")]
    everything = tenant.api.get(RATES).json()["items"]
    assert [r["rate_date"] for r in everything] == sorted((r["rate_date"] for r in everything), reverse=True)

    def statements() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert tenant.api.get(RATES).status_code == 200
        return len(captured.captured_queries)

    few = statements()
    for n in range(5):
        _rate(tenant, to_currency="JPY", rate=str(140 + n), rate_date=(DAY - datetime.timedelta(days=n)).isoformat())
    assert statements() == few


def test_another_organizations_rate_is_not_found(tenant, other_tenant):
    theirs = _rate(other_tenant)
    assert tenant.api.get(f"{RATES}/{theirs['id']}").status_code == 404
    assert tenant.api.patch(f"{RATES}/{theirs['id']}", {"rate": "5"}).status_code == 404
    assert tenant.api.delete(f"{RATES}/{theirs['id']}").status_code == 404
    assert tenant.api.get(RATES).json()["items"] == []
    assert other_tenant.api.get(f"{RATES}/{theirs['id']}").json()["rate"] == "0.92"


def test_an_employee_reads_rates_but_writes_none_and_an_accountant_writes_them(tenant):
    _rate(tenant)
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert employee.get(RATES).status_code == 200
    refused = employee.post(RATES, {"from_currency": "USD", "to_currency": "GBP", "rate": "1", "rate_date": str(DAY)})
    assert (refused.status_code, _count(tenant)) == (403, 1)
    _user, accountant = member_client(tenant, org_role="EMPLOYEE", roles=["ACCOUNTANT"])
    made = accountant.post(RATES, {"from_currency": "USD", "to_currency": "GBP", "rate": "1", "rate_date": str(DAY)})
    assert (made.status_code, _count(tenant)) == (201, 2)


def test_the_desk_creates_a_rate_shows_a_refusal_next_to_its_field_and_deletes_it(tenant):
    client = Client()
    client.force_login(tenant.owner)
    form = {"from_currency": "USD", "to_currency": "EUR", "rate": "0.92", "rate_date": DAY.isoformat()}
    created = client.post("/accounting/exchange-rates/new/", form)
    assert created.status_code == 302, created.content.decode()[:2000]
    refused = client.post("/accounting/exchange-rates/new/", form)
    error = re.search(r'data-testid="error-rate_date">([^<]*)<', refused.content.decode())
    assert refused.status_code == 422 and error is not None
    assert error[1] == f"USD → EUR has a rate on {DAY.isoformat()} already"
    with tenant_context(tenant.organization):
        rate = ExchangeRate.objects.get()
    listed = client.get("/accounting/exchange-rates/").content.decode()
    assert "0.92" in listed and "USD" in listed
    deleted = client.post(f"/accounting/exchange-rates/{rate.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"].endswith("/accounting/exchange-rates/")
    assert _count(tenant) == 0
