"""Shipments through the API: partial deliveries rolling the order's status up, over-delivery refused past the
tolerance setting, services never shipped, batches picked first-expiry-first, the tracking steps and the e-way bill
fields, cancel before dispatch, returns of a delivered shipment only and never more than shipped. Every refusal
writes nothing; carriers; lists read a constant number of statements; another organization's rows are not found."""

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.inventory.models import StockMovement, StockReservation
from comptoir.logistics.models import Shipment, ShipmentItem, ShipmentReturn
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.models import OrderItem
from comptoir.sales.tests.factories import confirm, customer, day, order, ship, stocked


@pytest.fixture
def confirmed(tenant):
    api = tenant.api
    party = customer(api)
    stocked(api, "BOLT", "10", "2")
    return confirm(api, order(api, party["id"], [{"product": "BOLT", "quantity": "5"}])["id"])


def _order(api, body) -> dict:
    return api.get(f"sales/orders/{body['id']}").json()


def _written(tenant) -> tuple:
    with tenant_context(tenant.organization):
        return (
            Shipment.objects.count(),
            ShipmentItem.objects.count(),
            ShipmentReturn.objects.count(),
            StockMovement.objects.count(),
            list(OrderItem.objects.values_list("shipped_quantity", "delivered_quantity", "returned_quantity")),
            list(Shipment.objects.order_by("id").values_list("status", flat=True)),
        )


def test_partial_shipments_roll_the_order_up(tenant, confirmed):
    api = tenant.api
    first = ship(api, confirmed, {"BOLT": "2"}, shipped_date=day(2, 2), eway_bill_number="EWB-1",
                 vehicle_number="MH-12-AB-1234", transport_mode="ROAD")  # fmt: skip
    assert (first["status"], first["shipment_number"], first["carrier"], first["total_cost"]) == (
        "IN_TRANSIT", f"DN-{day(1, 1)[:4]}-000001", None, "4.00")  # fmt: skip
    assert (first["eway_bill_number"], first["transport_mode"]) == ("EWB-1", "ROAD")
    assert _order(api, confirmed)["status"] == "IN_PROGRESS"
    with tenant_context(tenant.organization):
        # the reservation of 5 was consumed and the 3 left to ship reserved again
        assert sorted(StockReservation.objects.values_list("status", "quantity")) == [("ACTIVE", 3), ("CONSUMED", 5)]
    second = ship(api, confirmed, {"BOLT": "3"}, dispatch=False)
    assert second["status"] == "DRAFT" and second["shipment_number"] is None
    assert api.post(f"logistics/shipments/{second['id']}/ready").json()["status"] == "READY"
    assert api.post(f"logistics/shipments/{second['id']}/pick").json()["status"] == "PICKED"
    sent = api.post(f"logistics/shipments/{second['id']}/dispatch", {"shipped_date": day(2, 3)}).json()
    assert sent["status"] == "IN_TRANSIT" and _order(api, confirmed)["status"] == "SHIPPED"
    assert api.post(f"logistics/shipments/{first['id']}/deliver", {"delivered_date": day(2, 4)}).status_code == 200
    assert _order(api, confirmed)["status"] == "SHIPPED"  # one of two delivered
    assert api.post(f"logistics/shipments/{second['id']}/out-for-delivery").json()["status"] == "OUT_FOR_DELIVERY"
    done = api.post(f"logistics/shipments/{second['id']}/deliver", {"delivered_date": day(2, 5)}).json()
    assert (done["status"], done["actual_delivery"]) == ("DELIVERED", day(2, 5))
    body = _order(api, confirmed)
    assert (body["status"], body["shipped_date"], body["delivered_date"]) == ("DELIVERED", day(2, 3), day(2, 5))
    assert [s["shipment_number"] for s in api.get("logistics/shipments", sales_order=body["order_number"])
            .json()["items"]] == [sent["shipment_number"], first["shipment_number"]]  # fmt: skip


def test_over_delivery_is_refused_beyond_the_tolerance(tenant, confirmed):
    api = tenant.api
    ship(api, confirmed, {"BOLT": "4"}, dispatch=False)
    before = _written(tenant)
    refused = ship(api, confirmed, {"BOLT": "2"}, expect=409)
    assert (refused["code"], refused["errors"][0]["field"]) == ("over_delivery", "lines[0].quantity")
    assert _written(tenant) == before
    assert (
        api.request("put", "platform/settings/logistics.over_delivery_tolerance_pct", {"value": 20}).status_code == 200
    )
    ship(api, confirmed, {"BOLT": "2"}, shipped_date=day(2, 2))  # 6 of 5 ordered: within 20 %
    assert ship(api, confirmed, {"BOLT": "0.5"}, expect=409)["code"] == "over_delivery"


def test_a_cancelled_shipment_frees_its_quantities_and_posted_ones_do_not_cancel(tenant, confirmed):
    api = tenant.api
    draft = ship(api, confirmed, {"BOLT": "5"}, dispatch=False)
    assert api.post(f"logistics/shipments/{draft['id']}/cancel").json()["status"] == "CANCELLED"
    sent = ship(api, confirmed, {"BOLT": "5"}, shipped_date=day(2, 2))
    before = _written(tenant)
    refused = api.post(f"logistics/shipments/{sent['id']}/cancel")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert api.post(f"logistics/shipments/{draft['id']}/dispatch").json()["code"] == "invalid_transition"
    assert _written(tenant) == before


def test_services_and_lines_of_other_orders_do_not_ship(tenant, confirmed):
    api = tenant.api
    api.post("catalog/products", {"code": "FIT", "name": "Fitting", "uom": "pcs", "type": "SERVICE",
                                  "track_inventory": False, "list_price": "50"})  # fmt: skip
    other = confirm(api, order(api, confirmed["party"], [{"product": "FIT", "quantity": "1"},
                                                        {"product": "BOLT", "quantity": "1"}])["id"])  # fmt: skip
    draft = order(api, confirmed["party"], [{"product": "BOLT", "quantity": "1"}])
    before = _written(tenant)
    service = ship(api, other, {"FIT": "1"}, expect=422)
    assert (service["code"], service["errors"][0]["field"]) == ("not_shippable", "lines[0].order_item")
    foreign = api.post("logistics/shipments", {"sales_order": confirmed["id"], "dispatch": True, "lines": [
        {"order_item": other["lines"][1]["id"], "quantity": "1"}]})  # fmt: skip
    assert foreign.status_code == 422 and foreign.json()["code"] == "wrong_order"
    assert ship(api, draft, {"BOLT": "1"}, expect=409)["code"] == "order_not_shippable"
    assert _written(tenant) == before


def test_batches_are_picked_first_expiry_first(tenant):
    api = tenant.api
    party = customer(api)
    api.post("inventory/warehouses", {"code": "MAIN", "name": "Main"})
    api.post("catalog/products", {"code": "SOIL", "name": "Soil", "uom": "pcs", "list_price": "8"})
    for number, expires in (("LATE", day(12, 1)), ("EARLY", day(6, 1))):
        assert api.post("inventory/batches", {"product": "SOIL", "batch_number": number,
                                              "exp_date": expires}).status_code == 201  # fmt: skip
    for number, cost in (("LATE", "3"), ("EARLY", "2")):
        line = {"product": "SOIL", "to_warehouse": "MAIN", "quantity": "4", "unit_cost": cost, "batch": number}
        assert api.post("inventory/stock-entries", {"entry_type": "RECEIPT", "date": day(1, 5), "lines": [line],
                                                    "post": True}).status_code == 201  # fmt: skip
    body = confirm(api, order(api, party["id"], [{"product": "SOIL", "quantity": "6"}])["id"])
    with tenant_context(tenant.organization):
        held = sorted((r.batch.batch_number, r.quantity) for r in StockReservation.objects.select_related("batch"))
        assert held == [("EARLY", 4), ("LATE", 2)]
    sent = ship(api, body, {"SOIL": "5"}, shipped_date=day(2, 2))
    picks = sent["lines"][0]["picks"]
    expected = [("EARLY", "4.000", "8.00"), ("LATE", "1.000", "3.00")]
    assert [(p["batch_number"], p["quantity"], p["value"]) for p in picks] == expected
    assert sent["total_cost"] == "11.00"
    with tenant_context(tenant.organization):
        active = [(r.batch.batch_number, r.quantity) for r in
                  StockReservation.objects.select_related("batch").filter(status="ACTIVE")]  # fmt: skip
        assert active == [("LATE", 1)]


def test_returns_only_of_delivered_shipments_and_never_more_than_shipped(tenant, confirmed):
    api = tenant.api
    sent = ship(api, confirmed, {"BOLT": "3"}, shipped_date=day(2, 2))
    before = _written(tenant)
    early = api.post(f"logistics/shipments/{sent['id']}/return", {"return_date": day(2, 3)})
    assert early.status_code == 409 and early.json()["code"] == "not_delivered"
    api.post(f"logistics/shipments/{sent['id']}/deliver", {"delivered_date": day(2, 3)})
    before = _written(tenant)
    item = sent["lines"][0]["id"]
    too_many = api.post(
        f"logistics/shipments/{sent['id']}/return", {"lines": [{"shipment_item": item, "quantity": "4"}]}
    )
    assert too_many.status_code == 409 and too_many.json()["code"] == "over_return"
    assert _written(tenant) == before
    one = [{"shipment_item": item, "quantity": "1"}]
    partial = api.post(
        f"logistics/shipments/{sent['id']}/return", {"return_date": day(2, 6), "reason": "damaged", "lines": one}
    )
    assert partial.status_code == 201, partial.json()
    assert (partial.json()["total_cost"], partial.json()["net_amount"]) == ("2.00", "10.00")
    assert api.get(f"logistics/shipments/{sent['id']}").json()["status"] == "DELIVERED"
    rest = api.post(f"logistics/shipments/{sent['id']}/return", {"return_date": day(2, 7)}).json()
    assert rest["lines"][0]["quantity"] == "2.000"
    assert api.get(f"logistics/shipments/{sent['id']}").json()["status"] == "RETURNED"
    again = api.post(f"logistics/shipments/{sent['id']}/return")
    assert again.status_code == 409
    assert [line["returned_quantity"] for line in _order(api, confirmed)["lines"]] == ["3.000"]


def test_carriers(tenant, confirmed):
    api = tenant.api
    made = api.post("logistics/carriers", {"code": "DHL", "name": "DHL Express", "gstin": "27aapfu0939f1zv",
                                           "transport_id": "TR-1"})  # fmt: skip
    assert made.status_code == 201 and made.json()["gstin"] == "27AAPFU0939F1ZV"
    assert api.post("logistics/carriers", {"code": "DHL", "name": "Again"}).json()["code"] == "duplicate"
    sent = ship(api, confirmed, {"BOLT": "1"}, carrier="DHL", tracking_number="JD0001", shipped_date=day(2, 2))
    assert (sent["carrier"], sent["tracking_number"]) == ("DHL", "JD0001")
    off = api.patch(f"logistics/carriers/{made.json()['id']}", {"is_active": False})
    assert off.status_code == 200 and off.json()["is_active"] is False
    assert ship(api, confirmed, {"BOLT": "1"}, carrier="DHL", expect=422)["code"] == "inactive"
    assert ship(api, confirmed, {"BOLT": "1"}, carrier="NOPE", expect=422)["code"] == "unknown"
    tracked = api.patch(f"logistics/shipments/{sent['id']}", {"eway_bill_number": "EWB-9", "driver_name": "Ravi"})
    assert tracked.status_code == 200 and tracked.json()["eway_bill_number"] == "EWB-9"


def test_lists_run_a_constant_number_of_statements(tenant, confirmed):
    api = tenant.api
    api.post("logistics/carriers", {"code": "C1", "name": "C1"})
    api.post("logistics/carriers", {"code": "C2", "name": "C2"})
    for n in range(3):
        sent = ship(api, confirmed, {"BOLT": "1"}, carrier="C1" if n % 2 else None, shipped_date=day(2, 2))
        api.post(f"logistics/shipments/{sent['id']}/deliver", {"delivered_date": day(2, 3)})
        api.post(f"logistics/shipments/{sent['id']}/return", {"return_date": day(2, 4)})
    for path in ("carriers", "shipments", "returns"):
        with CaptureStatements(connection) as small:
            assert len(api.get(f"logistics/{path}", limit=1).json()["items"]) == 1
        with CaptureStatements(connection) as large:
            assert len(api.get(f"logistics/{path}", limit=200).json()["items"]) >= 2
        assert len(large) == len(small) == 2, (path, [q["sql"][:120] for q in large.captured_queries])


def test_members_without_permission_get_403(tenant, confirmed):
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    line = {"order_item": confirmed["lines"][0]["id"], "quantity": "1"}
    for response in (
        employee.get("logistics/shipments"),
        employee.post("logistics/shipments", {"sales_order": confirmed["id"], "lines": [line]}),
        employee.post("logistics/carriers", {"code": "X", "name": "X"}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, keeper = member_client(tenant, roles=["STOCK_KEEPER"])
    made = keeper.post("logistics/shipments", {"sales_order": confirmed["id"], "lines": [line], "dispatch": True,
                                               "shipped_date": day(2, 2)})  # fmt: skip
    assert made.status_code == 201, made.json()
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    assert accountant.get("logistics/shipments").status_code == 200
    assert accountant.post(f"logistics/shipments/{made.json()['id']}/deliver").status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "logistics/shipments/{shipment}", None),
        ("patch", "logistics/shipments/{shipment}", {"notes": "mine"}),
        ("post", "logistics/shipments/{shipment}/ready", None),
        ("post", "logistics/shipments/{shipment}/pick", None),
        ("post", "logistics/shipments/{shipment}/dispatch", None),
        ("post", "logistics/shipments/{shipment}/out-for-delivery", None),
        ("post", "logistics/shipments/{shipment}/deliver", None),
        ("post", "logistics/shipments/{shipment}/cancel", None),
        ("post", "logistics/shipments/{shipment}/return", None),
        ("get", "logistics/returns/{ret}", None),
        ("get", "logistics/carriers/{carrier}", None),
        ("patch", "logistics/carriers/{carrier}", {"name": "mine"}),
    ],
)
def test_other_organizations_rows_are_not_found(tenant, other_tenant, method, path, body):
    theirs = other_tenant.api
    party = customer(theirs, "Theirs")
    stocked(theirs, "THEIRS", "5", "1")
    their_order = confirm(theirs, order(theirs, party["id"], [{"product": "THEIRS", "quantity": "3"}])["id"])
    delivered = ship(theirs, their_order, {"THEIRS": "1"}, shipped_date=day(2, 2))
    theirs.post(f"logistics/shipments/{delivered['id']}/deliver", {"delivered_date": day(2, 3)})
    ret = theirs.post(f"logistics/shipments/{delivered['id']}/return", {"return_date": day(2, 4)}).json()
    draft = ship(theirs, their_order, {"THEIRS": "1"}, dispatch=False)
    carrier = theirs.post("logistics/carriers", {"code": "THEIRS", "name": "Theirs"}).json()
    target = delivered if path.endswith("/return") else draft
    url = path.format(shipment=target["id"], ret=ret["id"], carrier=carrier["id"])
    response = getattr(tenant.api, method)(url, *((body,) if body else ()))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with tenant_context(other_tenant.organization):
        assert Shipment.objects.get(pk=draft["id"]).status == "DRAFT"


def test_another_organizations_order_is_unknown(tenant, other_tenant, confirmed):
    theirs = other_tenant.api
    party = customer(theirs, "Theirs")
    stocked(theirs, "THEIRS", "5", "1")
    their_order = confirm(theirs, order(theirs, party["id"], [{"product": "THEIRS", "quantity": "3"}])["id"])
    refused = ship(tenant.api, their_order, {"THEIRS": "1"}, expect=422)
    assert (refused["code"], refused["errors"][0]["field"]) == ("unknown", "sales_order")
