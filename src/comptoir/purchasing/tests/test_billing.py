"""What invoicing will call, tested directly: `queries.billable_lines` (received − billed at the order's price, the
value received) and `services.record_billed_quantities` / `release_billed_quantities` (locked, `over_billing`
refused writing nothing, the order's status rolled up to BILLED and back)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from comptoir.platform.errors import Conflict, NotFound, ValidationFailed
from comptoir.platform.models import IntegrationEvent
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing import queries
from comptoir.purchasing.models import PurchaseOrderItem
from comptoir.purchasing.services import record_billed_quantities, release_billed_quantities
from comptoir.purchasing.tests.factories import confirmed, ok, receive, setup


@pytest.fixture
def received(tenant):
    party = setup(tenant.api)
    lines = [
        {"product": "BOLT", "quantity": "10", "unit_rate": "2.50", "tax_rate": "VAT20"},
        {"product": "NUT", "quantity": "3", "unit_rate": "1.00", "discount_pct": "10"},
    ]
    po = confirmed(tenant.api, party, lines, currency="USD", exchange_rate="0.9")
    receive(tenant.api, po, ["10", "2"])
    tenant.po = po
    return tenant


def _items(po):
    return [line["id"] for line in po["lines"]]


def test_billable_lines_of_a_received_order(received):
    bolt, nut = _items(received.po)
    with tenant_context(received.organization):
        lines = queries.billable_lines(received.po["id"])
    assert [(str(x.order_item_id), x.billable_quantity, x.unit_rate, x.net_unit_price, x.tax_pct) for x in lines] == [
        (bolt, D("10"), D("2.5"), D("2.5"), D("20")),
        (nut, D("2"), D("1"), D("0.9"), D("0")),
    ]
    # in stock at the base currency: 10 × 2.25 and 2 × 0.81
    assert [(x.received_value, x.unit_cost) for x in lines] == [(D("22.50"), D("2.25")), (D("1.62"), D("0.81"))]


def test_billing_rolls_the_order_up_and_back(received):
    bolt, nut = _items(received.po)
    url = f"purchasing/orders/{received.po['id']}"
    with tenant_context(received.organization, user=received.owner):
        record_billed_quantities(actor=received.owner, order_id=received.po["id"], quantities={bolt: D("10")})
        assert [x.billable_quantity for x in queries.billable_lines(received.po["id"])] == [D("0"), D("2")]
    assert ok(received.api.get(url))["status"] == "IN_PROGRESS"
    receive(received.api, received.po, ["", "1"])
    assert ok(received.api.get(url))["status"] == "COMPLETED"
    with tenant_context(received.organization, user=received.owner):
        record_billed_quantities(actor=received.owner, order_id=received.po["id"], quantities={nut: D("3")})
    assert ok(received.api.get(url))["status"] == "BILLED"
    with tenant_context(received.organization, user=received.owner):
        release_billed_quantities(actor=received.owner, order_id=received.po["id"], quantities={nut: D("1")})
        assert IntegrationEvent.objects.filter(event_type="purchasing.order.billed_quantities").count() == 3
    got = ok(received.api.get(url))
    assert got["status"] == "COMPLETED" and [x["billed_quantity"] for x in got["lines"]] == ["10.000", "2.000"]


@pytest.mark.parametrize(
    ("quantities", "error", "code"),
    [
        ({0: "11"}, Conflict, "over_billing"),
        ({0: "5", 1: "3"}, Conflict, "over_billing"),
        ({0: "0"}, ValidationFailed, "invalid"),
        ({"other": "1"}, ValidationFailed, "wrong_order"),
    ],
)
def test_over_billing_is_refused_and_writes_nothing(received, quantities, error, code):
    items = _items(received.po)
    given = {
        (items[k] if isinstance(k, int) else "01a2b000-0000-7000-8000-000000000000"): D(v)
        for k, v in quantities.items()
    }
    with tenant_context(received.organization, user=received.owner):
        before = sorted(PurchaseOrderItem.objects.values_list("billed_quantity", flat=True))
        events = IntegrationEvent.objects.count()
        with pytest.raises(error) as refused:
            record_billed_quantities(actor=received.owner, order_id=received.po["id"], quantities=given)
        assert refused.value.code == code
        with pytest.raises(Conflict) as below:
            release_billed_quantities(actor=received.owner, order_id=received.po["id"], quantities={items[0]: D(1)})
        assert below.value.code == "over_billing"
        assert sorted(PurchaseOrderItem.objects.values_list("billed_quantity", flat=True)) == before
        assert IntegrationEvent.objects.count() == events


def test_another_organizations_order_is_not_found(received, other_tenant):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        with pytest.raises(NotFound):
            queries.billable_lines(received.po["id"])
        with pytest.raises(NotFound):
            record_billed_quantities(
                actor=other_tenant.owner, order_id=received.po["id"], quantities={_items(received.po)[0]: D(1)}
            )
