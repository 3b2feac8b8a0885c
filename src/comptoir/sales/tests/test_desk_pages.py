"""Sales and logistics in the desk: an order made through the form with its line grid (the service's refusals
next to their field, nothing written), confirmed by its button, shipped and delivered by the shipment's buttons,
the order and its shipments linked both ways; lists and the dashboard read a constant number of statements; other
organizations' records are not found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.platform.tenancy import tenant_context
from comptoir.sales.models import SalesOrder
from comptoir.sales.tests.factories import confirm, customer, day, order, ship, stocked

pytestmark = pytest.mark.django_db

ORDERS = "/sales/orders/"
SHIPMENTS = "/logistics/shipments/"
PAGES = (ORDERS, SHIPMENTS, "/logistics/returns/", "/logistics/carriers/", "/sales/dashboard/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _line(n, product_code, quantity, **more) -> dict:
    line = {"product": product_code, "quantity": quantity, "unit_rate": "", "discount_pct": "", "tax_rate": "",
            "description": "", **more}  # fmt: skip
    return {f"lines-{n}-{k}": v for k, v in line.items()}


def test_an_order_is_made_confirmed_shipped_and_delivered_through_the_pages(tenant):
    party = customer(tenant.api)
    stocked(tenant.api, "BOLT", "10", "2")
    client = signed_in(tenant.owner)
    form = {"party": party["party_number"], "order_date": day(2, 1), "warehouse": "MAIN", "currency": "",
            "priority": "NORMAL", "customer_po_number": "PO-1", "payment_terms": "", "delivery_date": "",
            "shipping_method": "", "shipping_cost": "", "notes": "", **_line(0, "BOLT", "3")}  # fmt: skip
    refused = client.post(f"{ORDERS}new/", {**form, **_line(0, "NOPE", "3")})
    assert refused.status_code == 422 and 'data-testid="error-lines-0-product"' in refused.content.decode()
    with tenant_context(tenant.organization):
        assert SalesOrder.objects.count() == 0
    made = client.post(f"{ORDERS}new/", form)
    assert made.status_code == 302, made.content.decode()[:3000]
    url = made["Location"]
    assert "SO-" in client.get(url).content.decode()
    assert client.post(f"{url}confirm/").status_code == 302
    with tenant_context(tenant.organization):
        order_row = SalesOrder.objects.get()
        assert order_row.status == "CONFIRMED"
    body = tenant.api.get(f"sales/orders/{order_row.pk}").json()
    shipment = ship(tenant.api, body, {"BOLT": "3"}, dispatch=False)
    shipment_url = f"{SHIPMENTS}{shipment['id']}/"
    assert client.post(f"{shipment_url}dispatch/").status_code == 302
    assert client.post(f"{shipment_url}deliver/", {"delivered_date": ""}).status_code == 302
    page = client.get(shipment_url).content.decode()
    assert "DN-" in page and f"{ORDERS}{order_row.pk}/" in page
    assert f'<a href="{shipment_url}">' in client.get(url).content.decode()  # under "Related documents"
    listed = client.get(SHIPMENTS, {"sales_order": order_row.order_number}).content.decode()
    assert shipment["id"] in listed or "DN-" in listed
    with tenant_context(tenant.organization):
        assert SalesOrder.objects.get().status == "DELIVERED"


def test_lists_and_the_dashboard_read_a_constant_number_of_statements(tenant):
    client = signed_in(tenant.owner)
    party = customer(tenant.api)
    stocked(tenant.api, "BOLT", "20", "2")
    tenant.api.post("logistics/carriers", {"code": "C0", "name": "C0"})
    for path in PAGES:
        client.get(path)  # warm the per-process caches
    few = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        few[path] = len(captured)
    for n in range(1, 4):
        body = confirm(tenant.api, order(tenant.api, party["id"], [{"product": "BOLT", "quantity": "2"}])["id"])
        sent = ship(tenant.api, body, {"BOLT": "2"}, shipped_date=day(2, 2))
        tenant.api.post(f"logistics/shipments/{sent['id']}/deliver", {"delivered_date": day(2, 3)})
        tenant.api.post(f"logistics/shipments/{sent['id']}/return", {"return_date": day(2, 4)})
        tenant.api.post("logistics/carriers", {"code": f"C{n}", "name": f"C{n}"})
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert len(captured) == few[path], path


def test_pages_refuse_members_without_the_permission_and_other_organizations_records(tenant, other_tenant):
    party = customer(tenant.api)
    stocked(tenant.api, "BOLT", "5", "2")
    body = order(tenant.api, party["id"], [{"product": "BOLT", "quantity": "1"}])
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    assert signed_in(user).get(ORDERS).status_code == 403
    assert signed_in(user).get("/sales/dashboard/").status_code == 403
    outsider = signed_in(other_tenant.owner)
    for path in (f"{ORDERS}{body['id']}/", f"{ORDERS}{body['id']}/edit/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"{ORDERS}{body['id']}/confirm/").status_code == 404
    with tenant_context(tenant.organization):
        assert SalesOrder.objects.get().status == "DRAFT"
