"""Stock built through the API, as a client would: products, warehouses and posted stock entries."""

from __future__ import annotations

YEAR = 2026


def day(month: int, dom: int) -> str:
    return f"{YEAR}-{month:02d}-{dom:02d}"


def product(api, code="P1", **fields):
    response = api.post("catalog/products", {"code": code, "name": f"Product {code}", "uom": "pcs", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def warehouse(api, code="MAIN", **fields):
    response = api.post("inventory/warehouses", {"code": code, "name": f"Warehouse {code}", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def entry(api, entry_type, lines, *, date=None, post=True, expect=201, **fields):
    body = {"entry_type": entry_type, "date": date or day(3, 1), "lines": lines, "post": post, **fields}
    response = api.post("inventory/stock-entries", body)
    assert response.status_code == expect, response.json()
    return response.json()


def receive(api, product_code, warehouse_code, quantity, unit_cost, batch=None, **kw):
    line = {"product": product_code, "to_warehouse": warehouse_code, "quantity": quantity, "unit_cost": unit_cost,
            "batch": batch}  # fmt: skip
    return entry(api, "RECEIPT", [line], **kw)


def issue(api, product_code, warehouse_code, quantity, **kw):
    return entry(
        api, "ISSUE", [{"product": product_code, "from_warehouse": warehouse_code, "quantity": quantity}], **kw
    )


def balance(api, **query) -> list[dict]:
    response = api.get("inventory/stock-balance", **query)
    assert response.status_code == 200, response.json()
    return response.json()["items"]
