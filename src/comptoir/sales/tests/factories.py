"""Orders built through the API, as a client would: a customer, stocked products, a VAT rate, and orders."""

from __future__ import annotations

from django.utils import timezone

from comptoir.inventory.tests.factories import product, receive, warehouse

YEAR = timezone.localdate().year


def day(month: int, dom: int) -> str:
    return f"{YEAR}-{month:02d}-{dom:02d}"


def vat(api, code="VAT20", rate="20"):
    body = {"code": code, "name": f"VAT {rate}", "tax_type": "VAT", "rate": rate, "output_account": "2100",
            "input_account": "1400", "effective_from": f"{YEAR - 1}-01-01"}  # fmt: skip
    response = api.post("accounting/tax-rates", body)
    assert response.status_code == 201, response.json()
    return response.json()


def customer(api, name="Atelier Morel", party_type="CUSTOMER", **fields) -> dict:
    response = api.post("parties", {"name": name, "party_type": party_type, **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def address(api, party, address_type="SHIPPING", **extra) -> dict:
    body = {"address_type": address_type, "line1": "1 rue de la Paix", "city": "Paris", "country": "FR", **extra}
    response = api.post(f"parties/{party['id']}/addresses", body)
    assert response.status_code == 201, response.json()
    return response.json()


def stocked(api, code="BOLT", quantity="10", unit_cost="2", warehouse_code="MAIN", **fields) -> dict:
    """A product with `quantity` received at `unit_cost` into `warehouse_code` (created when missing)."""
    if api.get("inventory/warehouses", search=warehouse_code).json()["items"] == []:
        warehouse(api, warehouse_code)
    row = product(api, code, list_price="10", **fields)
    receive(api, code, warehouse_code, quantity, unit_cost, date=day(1, 5))
    return row


def order(api, party, lines, *, expect=201, order_date=None, warehouse="MAIN", **fields) -> dict:
    body = {"party": party, "order_date": order_date or day(2, 1), "warehouse": warehouse, "lines": lines, **fields}
    response = api.post("sales/orders", body)
    assert response.status_code == expect, response.json()
    return response.json()


def confirm(api, order_id, expect=200, **body) -> dict:
    response = api.post(f"sales/orders/{order_id}/confirm", body or None)
    assert response.status_code == expect, response.json()
    return response.json()


def ship(api, order_body, quantities: dict, *, dispatch=True, expect=201, **fields) -> dict:
    """A shipment of {product code: quantity} of the order's lines."""
    by_code = {line["product_code"]: line["id"] for line in order_body["lines"]}
    lines = [{"order_item": by_code[code], "quantity": q} for code, q in quantities.items()]
    body = {"sales_order": order_body["id"], "lines": lines, "dispatch": dispatch, **fields}
    response = api.post("logistics/shipments", body)
    assert response.status_code == expect, response.json()
    return response.json()
