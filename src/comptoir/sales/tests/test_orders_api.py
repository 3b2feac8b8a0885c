"""Sales orders through the API: lines priced from the catalog unless given, net / tax / gross per line (G17), the
party's addresses snapshotted; edited only while DRAFT or PENDING; confirmed only for a customer not blacklisted
within its credit limit (unless a permitted member overrides), reserving the stock; held, resumed, cancelled
(releasing). Every refusal writes nothing; lists read a constant number of statements; another organization's orders
are not found."""

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.inventory.models import StockBalance, StockReservation
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.models import OrderItem, SalesOrder
from comptoir.sales.tests.factories import address, confirm, customer, day, order, ship, stocked, vat


@pytest.fixture
def shop(tenant):
    api = tenant.api
    vat(api)
    party = customer(api)
    address(api, party, "SHIPPING", city="Lyon")
    address(api, party, "BILLING", city="Paris")
    stocked(api, "BOLT", "10", "2")
    stocked(api, "NUT", "4", "1")
    return party


def _counts(tenant) -> tuple:
    with tenant_context(tenant.organization):
        return (
            SalesOrder.objects.count(),
            OrderItem.objects.count(),
            StockReservation.objects.count(),
            list(StockBalance.objects.order_by("id").values_list("reserved_quantity", flat=True)),
            list(SalesOrder.objects.order_by("id").values_list("status", "version")),
        )


def test_an_order_is_priced_taxed_and_snapshots_the_addresses(tenant, shop):
    api = tenant.api
    body = order(
        api,
        shop["party_number"],
        [
            {"product": "BOLT", "quantity": "3", "tax_rate": "VAT20", "discount_pct": "10"},
            {"product": "NUT", "quantity": "2", "unit_rate": "1.255", "tax_rate": "VAT20"},
        ],
        shipping_cost="5.00",
    )
    number = f"SO-{day(1, 1)[:4]}-000001"
    assert (body["order_number"], body["status"], body["currency"]) == (number, "DRAFT", "EUR")
    bolt, nut = body["lines"]
    # 3 × 10.00 (the list price) = 30.00, 10 % off = 3.00, net 27.00, VAT 5.40
    figures = ("unit_rate", "price_source", "discount_amount", "net_amount", "tax_amount", "gross_amount")
    assert [bolt[f] for f in figures] == ["10.0000", "PRODUCT", "3.00", "27.00", "5.40", "32.40"]
    # 2 × 1.255 = 2.51 (rounded half up), VAT 0.502 → 0.50
    assert (nut["net_amount"], nut["tax_amount"], nut["gross_amount"]) == ("2.51", "0.50", "3.01")
    assert (body["subtotal"], body["tax_amount"], body["total_amount"]) == ("29.51", "5.90", "40.41")
    assert all(line["id"] for line in body["lines"])
    detail = api.get(f"sales/orders/{body['id']}").json()
    assert (detail["shipping_address"]["city"], detail["billing_address"]["city"]) == ("Lyon", "Paris")


def test_prices_including_tax_take_the_tax_out_of_the_gross(tenant, shop):
    body = order(tenant.api, shop["id"], [{"product": "BOLT", "quantity": "1", "unit_rate": "12", "tax_rate": "VAT20"}],
                 prices_include_tax=True)  # fmt: skip
    line = body["lines"][0]
    assert (line["net_amount"], line["tax_amount"], line["gross_amount"]) == ("10.00", "2.00", "12.00")


def test_a_draft_is_edited_and_a_confirmed_order_is_not(tenant, shop):
    api = tenant.api
    body = order(api, shop["id"], [{"product": "BOLT", "quantity": "1"}])
    edited = api.patch(f"sales/orders/{body['id']}", {"lines": [{"product": "NUT", "quantity": "2", "unit_rate": "3"}],
                                                      "customer_po_number": "PO-7"})  # fmt: skip
    assert edited.status_code == 200, edited.json()
    lines = [line["product_code"] for line in edited.json()["lines"]]
    assert (lines, edited.json()["total_amount"]) == (["NUT"], "6.00")
    assert api.post(f"sales/orders/{body['id']}/submit").json()["status"] == "PENDING"
    confirm(api, body["id"])
    before = _counts(tenant)
    refused = api.patch(f"sales/orders/{body['id']}", {"lines": [{"product": "BOLT", "quantity": "9"}]})
    assert refused.status_code == 409 and refused.json()["code"] == "not_editable"
    assert _counts(tenant) == before


@pytest.mark.parametrize(
    ("party_fields", "line", "code", "field"),
    [
        ({"party_type": "SUPPLIER"}, {"product": "BOLT", "quantity": "1"}, "wrong_party_type", "party"),
        ({"party_type": "EMPLOYEE"}, {"product": "BOLT", "quantity": "1"}, "wrong_party_type", "party"),
        ({}, {"product": "NOPE", "quantity": "1"}, "unknown", "lines[0].product"),
        ({}, {"product": "BOLT", "quantity": "1", "tax_rate": "NOPE"}, "unknown", "lines[0].tax_rate"),
        ({}, {"product": "BOLT", "quantity": "0"}, "greater_than", "lines.0.quantity"),
        ({}, {"product": "BOLT", "quantity": "1", "discount_pct": "101"}, "less_than_equal", "lines.0.discount_pct"),
    ],
)
def test_refused_orders_write_nothing(tenant, shop, party_fields, line, code, field):
    party = customer(tenant.api, "Other", **party_fields) if party_fields else shop
    before = _counts(tenant)
    refused = order(tenant.api, party["id"], [line], expect=422)
    assert (refused["errors"][0]["code"], refused["errors"][0]["field"]) == (code, field)
    assert _counts(tenant) == before


def test_a_blacklisted_party_orders_nothing_and_confirms_nothing(tenant, shop):
    api = tenant.api
    body = order(api, shop["id"], [{"product": "BOLT", "quantity": "1"}])
    assert api.post(f"parties/{shop['id']}/status", {"status": "BLACKLISTED"}).status_code == 200
    before = _counts(tenant)
    refused = confirm(api, body["id"], expect=422)
    assert (refused["code"], refused["errors"][0]["field"]) == ("blacklisted_party", "party")
    assert order(api, shop["id"], [{"product": "BOLT", "quantity": "1"}], expect=422)["code"] == "blacklisted_party"
    assert _counts(tenant) == before


def test_confirming_reserves_the_stock_or_nothing(tenant, shop):
    api = tenant.api
    body = order(api, shop["id"], [{"product": "BOLT", "quantity": "3"}, {"product": "NUT", "quantity": "5"}])
    before = _counts(tenant)
    refused = confirm(api, body["id"], expect=409)
    assert (refused["code"], refused["errors"][0]["field"]) == ("insufficient_stock", "lines[1].quantity")
    assert _counts(tenant) == before  # the first line's reservation went with the refusal
    api.patch(f"sales/orders/{body['id']}", {"lines": [{"product": "BOLT", "quantity": "3"},
                                                       {"product": "NUT", "quantity": "4"}]})  # fmt: skip
    assert confirm(api, body["id"])["status"] == "CONFIRMED"
    with tenant_context(tenant.organization):
        held = {(r.source_id, r.quantity) for r in StockReservation.objects.filter(status="ACTIVE")}
        lines = {line.pk: line.quantity for line in OrderItem.objects.all()}
        assert held == {(pk, q) for pk, q in lines.items()} and len(held) == 2
        assert IntegrationEvent.objects.filter(event_type="sales.order.confirmed").count() == 1
    assert confirm(api, body["id"], expect=409)["code"] == "invalid_transition"


def test_the_credit_limit_counts_the_balance_and_the_open_orders(tenant, shop):
    api = tenant.api
    assert api.patch(f"parties/{shop['id']}", {"credit_limit": "50.00"}).status_code == 200
    first = order(api, shop["id"], [{"product": "BOLT", "quantity": "3", "tax_rate": "VAT20"}])  # 36.00
    confirm(api, first["id"])
    second = order(api, shop["id"], [{"product": "BOLT", "quantity": "2"}])  # 20.00: 56.00 > 50.00
    before = _counts(tenant)
    refused = confirm(api, second["id"], expect=409)
    assert (refused["code"], refused["errors"][0]["field"]) == ("credit_limit_exceeded", "party")
    assert _counts(tenant) == before
    _user, seller = member_client(tenant, roles=["SALES"])
    assert confirm(seller, second["id"], expect=409)["code"] == "credit_limit_exceeded"
    denied = seller.post(f"sales/orders/{second['id']}/confirm", {"override_credit_limit": True})
    assert denied.status_code == 403 and _counts(tenant) == before
    overridden = confirm(api, second["id"], override_credit_limit=True)
    assert (overridden["status"], overridden["credit_override"]) == ("CONFIRMED", True)
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(object_id=second["id"], reason="Credit limit overridden").exists()
    # a cancelled order no longer counts
    api.post(f"sales/orders/{first['id']}/cancel")
    third = order(api, shop["id"], [{"product": "BOLT", "quantity": "2"}])  # 20 + 20 ≤ 50
    assert confirm(api, third["id"])["status"] == "CONFIRMED"


def test_hold_resume_and_cancel(tenant, shop):
    api = tenant.api
    body = order(api, shop["id"], [{"product": "BOLT", "quantity": "4"}])
    confirm(api, body["id"])
    held = api.post(f"sales/orders/{body['id']}/hold", {"reason": "customer asked"}).json()
    assert (held["status"], held["held_status"]) == ("ON_HOLD", "CONFIRMED")
    assert api.post(f"sales/orders/{body['id']}/hold").json()["code"] == "invalid_transition"
    assert api.post(f"sales/orders/{body['id']}/resume").json()["status"] == "CONFIRMED"
    assert api.post(f"sales/orders/{body['id']}/resume").json()["code"] == "not_on_hold"
    cancelled = api.post(f"sales/orders/{body['id']}/cancel", {"reason": "changed mind"}).json()
    assert cancelled["status"] == "CANCELLED"
    with tenant_context(tenant.organization):
        assert StockReservation.objects.get().status == "RELEASED"
        assert StockBalance.objects.get(product__code="BOLT").reserved_quantity == 0


def test_an_order_that_shipped_is_not_cancelled(tenant, shop):
    api = tenant.api
    body = confirm(api, order(api, shop["id"], [{"product": "BOLT", "quantity": "4"}])["id"])
    ship(api, body, {"BOLT": "1"}, shipped_date=day(2, 2))
    before = _counts(tenant)
    refused = api.post(f"sales/orders/{body['id']}/cancel")
    assert refused.status_code == 409 and refused.json()["code"] == "already_shipped"
    assert _counts(tenant) == before


def test_lists_run_a_constant_number_of_statements(tenant, shop):
    api = tenant.api
    for n in range(3):
        order(api, shop["id"], [{"product": "BOLT", "quantity": "1"}, {"product": "NUT", "quantity": str(n + 1)}])
    with CaptureStatements(connection) as small:
        assert len(api.get("sales/orders", limit=1).json()["items"]) == 1
    with CaptureStatements(connection) as large:
        assert len(api.get("sales/orders", limit=200).json()["items"]) == 3
    assert len(large) == len(small) == 2, [q["sql"][:120] for q in large.captured_queries]
    assert [o["status"] for o in api.get("sales/orders", status="DRAFT").json()["items"]] == ["DRAFT"] * 3


def test_members_without_permission_get_403(tenant, shop):
    body = order(tenant.api, shop["id"], [{"product": "BOLT", "quantity": "1"}])
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    for response in (
        employee.get("sales/orders"),
        employee.post(
            "sales/orders",
            {"party": shop["id"], "order_date": day(2, 1), "lines": [{"product": "BOLT", "quantity": "1"}]},
        ),  # fmt: skip
        employee.post(f"sales/orders/{body['id']}/confirm"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    assert accountant.get("sales/orders").status_code == 200
    assert accountant.post(f"sales/orders/{body['id']}/confirm").status_code == 403
    _user, seller = member_client(tenant, roles=["SALES"])
    assert confirm(seller, body["id"])["status"] == "CONFIRMED"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "sales/orders/{order}", None),
        ("patch", "sales/orders/{order}", {"notes": "mine"}),
        ("get", "sales/orders/{order}/invoiceable", None),
        ("post", "sales/orders/{order}/submit", None),
        ("post", "sales/orders/{order}/confirm", None),
        ("post", "sales/orders/{order}/hold", None),
        ("post", "sales/orders/{order}/resume", None),
        ("post", "sales/orders/{order}/cancel", None),
    ],
)
def test_other_organizations_orders_are_not_found(tenant, other_tenant, method, path, body):
    theirs = other_tenant.api
    stocked(theirs, "THEIRS", "5", "1")
    party = customer(theirs, "Their customer")
    their_order = order(theirs, party["id"], [{"product": "THEIRS", "quantity": "1"}])
    response = getattr(tenant.api, method)(path.format(order=their_order["id"]), *((body,) if body else ()))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with tenant_context(other_tenant.organization):
        assert SalesOrder.objects.get().status == "DRAFT" and SalesOrder.objects.get().notes == ""


def test_another_organizations_references_are_unknown(tenant, other_tenant, shop):
    their_party = customer(other_tenant.api, "Theirs")
    stocked(other_tenant.api, "THEIRS", "5", "1")
    assert (
        order(tenant.api, their_party["id"], [{"product": "BOLT", "quantity": "1"}], expect=422)["errors"][0]["code"]
        == "unknown"
    )
    refused = order(tenant.api, shop["id"], [{"product": "THEIRS", "quantity": "1"}], expect=422)
    assert refused["errors"][0]["field"] == "lines[0].product"


def test_a_refusal_is_in_the_language_of_the_request(tenant, shop):
    supplier = customer(tenant.api, "Fournisseur", party_type="SUPPLIER")
    body = {"party": supplier["id"], "order_date": day(2, 1), "lines": [{"product": "BOLT", "quantity": "1"}]}
    refused = tenant.api.post("sales/orders", body, headers={"Accept-Language": "ru"}).json()
    message = "Fournisseur не является клиентом"
    assert (refused["code"], refused["errors"][0]["message"]) == ("wrong_party_type", message)
