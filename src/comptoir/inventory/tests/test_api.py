"""The inventory API: warehouses as a tree, batches, reservations, the lists (a constant number of statements),
403 without the permission, and another organization's rows not found on every endpoint."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.inventory import tasks
from comptoir.inventory.models import StockReservation, Warehouse
from comptoir.inventory.services.books import check_stock
from comptoir.inventory.tests.factories import balance, entry, issue, product, receive, warehouse
from comptoir.platform.tenancy import tenant_context


def test_warehouses_form_a_tree(tenant):
    api = tenant.api
    main = warehouse(api, "MAIN")
    aisle = warehouse(api, "A1", type="BIN", parent="MAIN")
    shelf = warehouse(api, "A1-S1", type="BIN", parent=aisle["id"], capacity="12.5")
    assert (aisle["parent"], aisle["depth"], shelf["depth"], shelf["capacity"]) == (main["id"], 1, 2, "12.50")
    assert main["inventory_account"] is None
    assert [w["code"] for w in api.get("inventory/warehouses").json()["items"]] == ["MAIN", "A1", "A1-S1"]
    assert [w["code"] for w in api.get("inventory/warehouses", parent="MAIN").json()["items"]] == ["A1"]
    cycle = api.patch(f"inventory/warehouses/{main['id']}", {"parent": "A1-S1"})
    assert cycle.status_code == 422 and cycle.json()["errors"][0] == {
        "field": "parent", "code": "cycle", "message": cycle.json()["errors"][0]["message"]
    }  # fmt: skip
    other = warehouse(api, "OTHER")
    moved = api.patch(f"inventory/warehouses/{aisle['id']}", {"parent": "OTHER", "name": "Aisle 1"})
    assert moved.status_code == 200 and (moved.json()["parent"], moved.json()["name"]) == (other["id"], "Aisle 1")
    assert api.get(f"inventory/warehouses/{shelf['id']}").json()["depth"] == 2
    with tenant_context(tenant.organization):
        assert Warehouse.objects.get(code="A1-S1").path.startswith(f"/{other['id']}/{aisle['id']}/")
    product(api, "BOLT")
    receive(api, "BOLT", "A1-S1", "2", "1")
    # the stock on a shelf is the stock of its aisle and its warehouse
    assert [r["on_hand"] for r in balance(api, warehouse="OTHER")] == ["2.000"]
    shut = api.patch(f"inventory/warehouses/{other['id']}", {"is_active": False})
    assert shut.status_code == 409 and shut.json()["code"] == "stock_on_hand"
    account = api.patch(f"inventory/warehouses/{shelf['id']}", {"inventory_account": "1300"})
    assert account.status_code == 200  # the same account: no change
    api.post("accounting/accounts", {"code": "1310", "name": "Transit", "group": "11", "account_type": "STOCK"})
    moved_books = api.patch(f"inventory/warehouses/{shelf['id']}", {"inventory_account": "1310"})
    assert moved_books.status_code == 409 and moved_books.json()["code"] == "account_in_use"
    assert api.patch(f"inventory/warehouses/{main['id']}", {"inventory_account": "1310"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"code": "MAIN"}, "duplicate", "code"),
        ({"parent": "NOPE"}, "unknown", "parent"),
        ({"inventory_account": "4000"}, "invalid_account", "inventory_account"),
        ({"inventory_account": "9999"}, "unknown", "inventory_account"),
        ({"type": "SHED"}, "validation_error", "type"),
        ({"capacity": "-1"}, "validation_error", "capacity"),
        ({"code": ""}, "validation_error", "code"),
    ],
)
def test_warehouse_refusals_write_nothing(tenant, body, code, field):
    warehouse(tenant.api, "MAIN")
    response = tenant.api.post("inventory/warehouses", {"code": "NEW", "name": "New", **body})
    assert response.status_code == 422, response.json()
    error = response.json()["errors"][0]
    assert error["field"].endswith(field) and (response.json()["code"] == code or error["code"] == code), error
    with tenant_context(tenant.organization):
        assert Warehouse.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"batch_number": "B1"}, "duplicate", "batch_number"),
        ({"product": "FIX"}, "untracked_product", "product"),
        ({"product": "NOPE"}, "unknown", "product"),
        ({"mfg_date": "2026-05-01", "exp_date": "2026-04-01"}, "invalid_range", "exp_date"),
    ],
)
def test_batch_refusals(tenant, body, code, field):
    product(tenant.api, "BOLT")
    product(tenant.api, "FIX", type="SERVICE")
    assert tenant.api.post("inventory/batches", {"product": "BOLT", "batch_number": "B1"}).status_code == 201
    response = tenant.api.post("inventory/batches", {"product": "BOLT", "batch_number": "B2", **body})
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == code, response.json()
    assert response.json()["errors"][0]["field"] == field
    assert len(tenant.api.get("inventory/batches").json()["items"]) == 1


def test_reservations_hold_stock_until_released_consumed_or_expired(tenant):
    api = tenant.api
    product(api, "BOLT")
    warehouse(api, "MAIN")
    receive(api, "BOLT", "MAIN", "10", "1")
    held = api.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "6"})
    assert held.status_code == 201 and held.json()["status"] == "ACTIVE"
    [row] = balance(api, product="BOLT", warehouse="MAIN")
    assert (row["on_hand"], row["reserved"], row["available"]) == ("10.000", "6.000", "4.000")
    refused = api.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "5"})
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_stock"
    # an issue takes only what is not reserved
    assert issue(api, "BOLT", "MAIN", "5", expect=409)["code"] == "insufficient_stock"
    issue(api, "BOLT", "MAIN", "4")
    released = api.post(f"inventory/reservations/{held.json()['id']}/release", {"reason": "order cancelled"})
    assert released.status_code == 200 and released.json()["status"] == "RELEASED"
    again = api.post(f"inventory/reservations/{held.json()['id']}/consume")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    two = api.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "2"}).json()
    assert api.post(f"inventory/reservations/{two['id']}/consume").json()["status"] == "CONSUMED"
    soon = timezone.now() + datetime.timedelta(minutes=5)
    later = api.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "1",
                                                "expires_at": soon.isoformat()})  # fmt: skip
    assert later.status_code == 201
    tasks.expire_reservations(timestamp=int(soon.timestamp()) + 1)
    assert api.get("inventory/reservations", status="EXPIRED").json()["items"][0]["id"] == later.json()["id"]
    assert balance(api, product="BOLT")[0]["reserved"] == "0.000"
    with tenant_context(tenant.organization):
        assert check_stock() == []


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"quantity": "11"}, 409, "insufficient_stock", "quantity"),
        ({"warehouse": "EMPTY"}, 409, "insufficient_stock", "quantity"),
        ({"quantity": "0"}, 422, "validation_error", "quantity"),
        ({"product": "FIX"}, 422, "untracked_product", "product"),
        ({"warehouse": "NOPE"}, 422, "unknown", "warehouse"),
        ({"batch": "NOPE"}, 422, "unknown", "batch"),
        ({"expires_at": "2020-01-01T00:00:00Z"}, 422, "invalid_range", "expires_at"),
    ],
)
def test_reservation_refusals_write_nothing(tenant, body, status, code, field):
    api = tenant.api
    product(api, "BOLT")
    product(api, "FIX", type="SERVICE")
    warehouse(api, "MAIN")
    warehouse(api, "EMPTY")
    receive(api, "BOLT", "MAIN", "10", "1")
    response = api.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "1", **body})
    assert response.status_code == status, response.json()
    error = response.json()["errors"][0]
    assert error["field"].endswith(field) and (response.json()["code"] == code or error["code"] == code), error
    with tenant_context(tenant.organization):
        assert StockReservation.objects.count() == 0
    assert balance(api)[0]["reserved"] == "0.000"


def test_the_expiry_is_a_maintenance_task():
    periodic = {p.task.name: p for p in tasks.app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.EXPIRE_RESERVATIONS_TASK].cron == "*/15 * * * *"


def test_lists_run_a_constant_number_of_statements(tenant):
    api = tenant.api
    for n in range(3):
        product(api, f"P{n}")
        warehouse(api, f"W{n}")
        api.post("inventory/batches", {"product": f"P{n}", "batch_number": f"B{n}"})
        line = {"product": f"P{n}", "to_warehouse": f"W{n}", "quantity": "3", "unit_cost": "2", "batch": f"B{n}"}
        entry(api, "RECEIPT", [line, {**line, "batch": None}])
        api.post("inventory/reservations", {"product": f"P{n}", "warehouse": f"W{n}", "quantity": "1"})
    # the member and its permissions, then the page
    for path in ("warehouses", "batches", "stock-entries", "movements", "stock-balance", "reservations"):
        with CaptureStatements(connection) as small:
            assert len(api.get(f"inventory/{path}", limit=1).json()["items"]) == 1
        with CaptureStatements(connection) as large:
            assert len(api.get(f"inventory/{path}", limit=200).json()["items"]) >= 3
        assert len(large) == len(small) == 2, (path, [q["sql"][:120] for q in large.captured_queries])


def test_members_without_permission_get_403(tenant):
    product(tenant.api, "BOLT")
    warehouse(tenant.api, "MAIN")
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    line = {"product": "BOLT", "to_warehouse": "MAIN", "quantity": "1"}
    for response in (
        employee.get("inventory/warehouses"),
        employee.post("inventory/warehouses", {"code": "X", "name": "X"}),
        employee.get("inventory/stock-balance"),
        employee.post("inventory/stock-entries", {"entry_type": "RECEIPT", "date": "2026-03-01", "lines": [line]}),
        employee.post("inventory/reservations", {"product": "BOLT", "warehouse": "MAIN", "quantity": "1"}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, keeper = member_client(tenant, roles=["STOCK_KEEPER"])
    assert keeper.post("inventory/stock-entries", {"entry_type": "RECEIPT", "date": "2026-03-01",
                                                   "lines": [line], "post": True}).status_code == 201  # fmt: skip
    assert keeper.post("inventory/warehouses", {"code": "X", "name": "X"}).status_code == 403
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    assert accountant.get("inventory/stock-balance").status_code == 200
    draft = {"entry_type": "RECEIPT", "date": "2026-03-01", "lines": [line]}
    assert accountant.post("inventory/stock-entries", draft).status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "inventory/warehouses/{warehouse}", None),
        ("patch", "inventory/warehouses/{warehouse}", {"name": "mine"}),
        ("get", "inventory/stock-entries/{entry}", None),
        ("post", "inventory/stock-entries/{entry}/post", None),
        ("post", "inventory/stock-entries/{entry}/cancel", None),
        ("post", "inventory/reservations/{reservation}/release", None),
        ("post", "inventory/reservations/{reservation}/consume", None),
    ],
)
def test_other_organizations_rows_are_not_found(tenant, other_tenant, method, path, body):
    theirs = other_tenant.api
    product(theirs, "THEIRS")
    their_warehouse = warehouse(theirs, "THEIRS")
    receive(theirs, "THEIRS", "THEIRS", "5", "1")
    draft = receive(theirs, "THEIRS", "THEIRS", "1", "1", post=False)
    hold = theirs.post("inventory/reservations", {"product": "THEIRS", "warehouse": "THEIRS", "quantity": "1"})
    url = path.format(warehouse=their_warehouse["id"], entry=draft["id"], reservation=hold.json()["id"])
    response = getattr(tenant.api, method)(url, *((body,) if body is not None else ()))
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_another_organizations_references_are_unknown(tenant, other_tenant):
    product(other_tenant.api, "THEIRS")
    their_warehouse = warehouse(other_tenant.api, "THEIRS")
    product(tenant.api, "MINE")
    warehouse(tenant.api, "MINE")
    line = {"product": "MINE", "to_warehouse": their_warehouse["id"], "quantity": "1", "unit_cost": "1"}
    refused = entry(tenant.api, "RECEIPT", [line], expect=422)
    assert refused["errors"][0] == {"field": "lines[0].to_warehouse", "code": "unknown",
                                    "message": refused["errors"][0]["message"]}  # fmt: skip
    for query in ({"warehouse": "THEIRS"}, {"product": "THEIRS"}):
        assert tenant.api.get("inventory/stock-balance", **query).status_code == 422
    assert tenant.api.get("inventory/movements").json()["items"] == []
    assert tenant.api.get("inventory/stock-balance").json()["items"] == []
