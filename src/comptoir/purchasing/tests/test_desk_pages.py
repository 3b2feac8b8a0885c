"""Purchasing in the desk: an order made through its form with a line grid and moved by its buttons, received from
its page, its receipts linked both ways; lists read a constant number of statements; the dashboard; other
organizations' records not found, members without the permission refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import GoodsReceipt, PurchaseOrder
from comptoir.purchasing.tests.factories import confirmed, day, ok, receive, setup

pytestmark = pytest.mark.django_db

ORDERS = "/purchasing/orders/"
RECEIPTS = "/purchasing/receipts/"
PAGES = (ORDERS, RECEIPTS, "/purchasing/requisitions/", "/purchasing/returns/", "/purchasing/dashboard/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _line(i, **values) -> dict:
    line = {"product": "", "quantity": "", "unit_rate": "", "discount_pct": "", "tax_rate": "", **values}
    return {f"lines-{i}-{k}": v for k, v in line.items()}


def test_an_order_is_made_confirmed_and_received_in_the_desk(tenant):
    party = setup(tenant.api)
    client = signed_in(tenant.owner)
    form = {
        "party": party["party_number"],
        "order_date": day(3, 1),
        "warehouse": "MAIN",
        "expected_date": "",
        "supplier_quote_ref": "Q-7",
        "shipping_cost": "",
        "notes": "",
        **_line(0, product="BOLT", quantity="10", unit_rate="2.5", tax_rate="VAT20"),
        **_line(1, product="NUT", quantity="4", unit_rate="1"),
    }
    made = client.post(f"{ORDERS}new/", form)
    assert made.status_code == 302, made.content.decode()[:3000]
    url = made["Location"]
    page = client.get(url).content.decode()
    assert "PO-" in page and "29.00" in page and "34.00" in page
    refused = client.post(f"{ORDERS}new/", {**form, **_line(0, product="NOPE", quantity="1")})
    assert refused.status_code == 422 and 'data-testid="error-lines-0-product"' in refused.content.decode()
    edited = client.post(f"{url}edit/", {**form, **_line(1, product="NUT", quantity="5", unit_rate="1")})
    assert edited.status_code == 302, edited.content.decode()[:3000]
    assert client.post(f"{url}confirm/").status_code == 302
    assert client.post(f"{url}receive/", {"date": day(3, 5)}).status_code == 302
    with tenant_context(tenant.organization):
        order = PurchaseOrder.objects.get()
        receipt = GoodsReceipt.objects.get()
        assert (order.status, order.total_amount, receipt.total_value) == ("COMPLETED", 35, 30)
    order_page = client.get(url).content.decode()
    assert f"{RECEIPTS}{receipt.pk}/" in order_page  # the order links its receipts
    receipt_page = client.get(f"{RECEIPTS}{receipt.pk}/").content.decode()
    assert f"{ORDERS}{order.pk}/" in receipt_page and receipt.receipt_number in receipt_page  # and back
    assert client.post(f"{RECEIPTS}{receipt.pk}/cancel/", {"reason": "wrong"}).status_code == 302
    with tenant_context(tenant.organization):
        assert GoodsReceipt.objects.get().status == "CANCELLED"


def test_lists_and_the_dashboard_read_a_constant_number_of_statements(tenant):
    party = setup(tenant.api)
    client = signed_in(tenant.owner)
    po = confirmed(tenant.api, party)
    receive(tenant.api, po, ["1"])
    for path in PAGES:
        client.get(path)  # warm the per-process caches
    few = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200, path
        few[path] = len(captured)
    for n in range(4):
        more = confirmed(tenant.api, party)
        got = receive(tenant.api, more, ["2"])
        ok(
            tenant.api.post(
                f"purchasing/receipts/{got['id']}/returns",
                {"date": day(3, 6), "lines": [{"receipt_line": got["lines"][0]["id"], "quantity": "1"}]},
            ),
            201,
        )
        ok(
            tenant.api.post(
                "purchasing/requisitions",
                {"request_date": day(3, 1), "lines": [{"item_name": f"I{n}", "quantity": "1"}]},
            ),
            201,
        )
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert len(captured) == few[path], path
    assert "Forge Durand" in client.get("/purchasing/dashboard/").content.decode()


def test_pages_refuse_members_without_the_permission_and_other_organizations_records(tenant, other_tenant):
    party = setup(tenant.api)
    po = confirmed(tenant.api, party)
    got = receive(tenant.api, po, ["1"])
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    for path in PAGES:
        assert signed_in(user).get(path).status_code == 403, path
    outsider = signed_in(other_tenant.owner)
    for path in (f"{ORDERS}{po['id']}/", f"{RECEIPTS}{got['id']}/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"{RECEIPTS}{got['id']}/cancel/", {"reason": ""}).status_code == 404
    assert outsider.post(f"{ORDERS}{po['id']}/close/").status_code == 404
    with tenant_context(tenant.organization):
        assert GoodsReceipt.objects.get().status == "POSTED"
