"""Purchasing built through the API, as a client would: a supplier, products, a warehouse, orders and receipts."""

from __future__ import annotations

from decimal import Decimal as D

from comptoir.accounting.tests.factories import TODAY

YEAR = TODAY.year


def day(month: int, dom: int) -> str:
    return f"{YEAR}-{month:02d}-{dom:02d}"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def supplier(api, name="Forge Durand", party_type="SUPPLIER", **fields) -> dict:
    return ok(api.post("parties", {"name": name, "party_type": party_type, **fields}), 201)


def setup(api, *, tax=True) -> dict:
    """A supplier, two stock products, a warehouse and a 20 % VAT rate; the approval threshold at 1000."""
    party = supplier(api)
    ok(api.post("catalog/products", {"code": "BOLT", "name": "Bolt M8", "uom": "pcs", "standard_cost": "2"}), 201)
    ok(api.post("catalog/products", {"code": "NUT", "name": "Nut M8", "uom": "pcs", "standard_cost": "1"}), 201)
    ok(api.post("inventory/warehouses", {"code": "MAIN", "name": "Main warehouse"}), 201)
    if tax:
        rate = {"code": "VAT20", "name": "VAT 20%", "rate": "20", "tax_type": "VAT", "effective_from": "2020-01-01"}
        ok(api.post("accounting/tax-rates", rate), 201)
    set_setting(api, "purchasing.approval_threshold", 1000)
    return party


def set_setting(api, key, value):
    ok(api.request("put", f"platform/settings/{key}", {"value": value}))


def order(api, party, lines=None, *, expect=201, **fields) -> dict:
    body = {
        "party": party["id"] if isinstance(party, dict) else party,
        "order_date": day(3, 1),
        "warehouse": "MAIN",
        "lines": lines or [{"product": "BOLT", "quantity": "100", "unit_rate": "2.50", "tax_rate": "VAT20"}],
        **fields,
    }
    return ok(api.post("purchasing/orders", body), expect)


def confirmed(api, party, lines=None, **fields) -> dict:
    created = order(api, party, lines, **fields)
    return ok(api.post(f"purchasing/orders/{created['id']}/confirm"))


def receive(api, po, quantities, *, date=None, expect=201, batch=None) -> dict:
    lines = [
        {"order_item": po["lines"][i]["id"], "quantity": str(q), **({"batch": batch} if batch else {})}
        for i, q in enumerate(quantities)
        if q
    ]
    return ok(api.post(f"purchasing/orders/{po['id']}/receipts", {"date": date or day(3, 5), "lines": lines}), expect)


def accounts(api, codes=("1300", "2300")) -> dict:
    rows = ok(api.get("accounting/reports/trial-balance", as_of=day(12, 31)))["rows"]
    found = {r["account"]: D(r["debit"]) - D(r["credit"]) for r in rows if r["account"] in codes}
    return {c: found.get(c, D(0)) for c in codes}


def stock(api) -> set:
    return {(r["product_code"], r["on_hand"], r["value"]) for r in ok(api.get("inventory/stock-balance"))["items"]}
