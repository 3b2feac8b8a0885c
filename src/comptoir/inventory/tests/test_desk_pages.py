"""The inventory in the desk: the generic pages of inventory/desk.py write through the services with the API's
schemas (same refusals next to their field, nothing written), lists read a constant number of statements, other
organizations' records are not found, and the warehouse picker finds warehouses."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.inventory.models import StockCount, StockEntry, Warehouse
from comptoir.inventory.tests.factories import day, product, receive, warehouse
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

WAREHOUSES = "/inventory/warehouses/"
ENTRIES = "/inventory/stock-entries/"
COUNTS = "/inventory/stock-counts/"
PAGES = (WAREHOUSES, ENTRIES, COUNTS, "/inventory/stock/", "/inventory/movements/")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _line(product_code, quantity, **more) -> dict:
    line = {"product": product_code, "quantity": quantity, "from_warehouse": "", "to_warehouse": "",
            "unit_cost": "", "batch": "", **more}  # fmt: skip
    return {f"lines-0-{k}": v for k, v in line.items()}


def test_a_warehouse_and_a_receipt_are_made_through_the_forms(tenant):
    product(tenant.api, "BOLT")
    client = signed_in(tenant.owner)
    made = client.post(f"{WAREHOUSES}new/", {"code": "MAIN", "name": "Main", "type": "MAIN", "parent": "",
                                              "inventory_account": "", "capacity": "", "description": ""})  # fmt: skip
    assert made.status_code == 302, made.content.decode()[:3000]
    assert "Main" in client.get(made["Location"]).content.decode()
    form = {"entry_type": "RECEIPT", "date": day(3, 1), "reference": "GRN-1", "account": "", "notes": "",
            **_line("BOLT", "4", to_warehouse="MAIN", unit_cost="2.5"), "button": "0"}  # fmt: skip
    posted = client.post(f"{ENTRIES}new/", form)
    assert posted.status_code == 302, posted.content.decode()[:3000]
    page = client.get(posted["Location"]).content.decode()
    assert "STE-2026-000001" in page and "10.00" in page
    refused = client.post(f"{ENTRIES}new/", {**form, **_line("BOLT", "4", unit_cost="1")})
    assert refused.status_code == 422 and 'data-testid="error-lines-0-to_warehouse"' in refused.content.decode()
    stock = client.get("/inventory/stock/").content.decode()
    assert "BOLT" in stock and "10.00" in stock
    with tenant_context(tenant.organization):
        assert StockEntry.objects.count() == 1 and Warehouse.objects.count() == 1


def test_a_count_is_started_recorded_and_completed_through_the_actions(tenant):
    product(tenant.api, "BOLT")
    warehouse(tenant.api, "MAIN")
    receive(tenant.api, "BOLT", "MAIN", "5", "2", date=day(3, 1))
    client = signed_in(tenant.owner)
    made = client.post(f"{COUNTS}new/", {"warehouse": "MAIN", "count_date": day(3, 2), "notes": ""})
    assert made.status_code == 302, made.content.decode()[:3000]
    url = made["Location"]
    assert client.post(f"{url}start/").status_code == 302
    recorded = client.post(f"{url}record/", {"product": "BOLT", "batch": "", "counted_quantity": "4"})
    assert recorded.status_code == 302, recorded.content.decode()[:3000]
    assert client.post(f"{url}complete/").status_code == 302
    with tenant_context(tenant.organization):
        count = StockCount.objects.get()
        assert (count.status, count.count_number) == ("COMPLETED", "STC-2026-000001")
    assert "-1" in client.get(url).content.decode()


def test_lists_read_a_constant_number_of_statements(tenant):
    client = signed_in(tenant.owner)
    product(tenant.api, "P0")
    warehouse(tenant.api, "W0")
    receive(tenant.api, "P0", "W0", "1", "1")
    for path in PAGES:
        client.get(path)  # warm the per-process caches
    few = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        few[path] = len(captured)
    for n in range(1, 6):
        product(tenant.api, f"P{n}")
        warehouse(tenant.api, f"W{n}", parent="W0")
        receive(tenant.api, f"P{n}", f"W{n}", "2", "1")
        tenant.api.post("inventory/stock-counts", {"warehouse": f"W{n}", "count_date": day(3, 2)})
    for path in PAGES:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert len(captured) == few[path], path


def test_pages_refuse_members_without_the_permission_and_other_organizations_records(tenant, other_tenant):
    product(tenant.api, "BOLT")
    main = warehouse(tenant.api, "MAIN")
    entry = receive(tenant.api, "BOLT", "MAIN", "1", "1", post=False)
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    assert signed_in(user).get(ENTRIES).status_code == 403
    outsider = signed_in(other_tenant.owner)
    for path in (f"{WAREHOUSES}{main['id']}/", f"{WAREHOUSES}{main['id']}/edit/", f"{ENTRIES}{entry['id']}/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"{ENTRIES}{entry['id']}/post/").status_code == 404
    with tenant_context(tenant.organization):
        assert StockEntry.objects.get().status == "DRAFT"


def test_the_picker_finds_warehouses(tenant, other_tenant):
    warehouse(tenant.api, "MAIN", name="Main depot")
    warehouse(other_tenant.api, "MAIN2")
    client = signed_in(tenant.owner)
    assert [i["value"] for i in client.get("/pick/inventory.warehouses/", {"q": "mai"}).json()["items"]] == ["MAIN"]
    assert WAREHOUSES in client.get("/search/", {"q": "depot"}).content.decode()
