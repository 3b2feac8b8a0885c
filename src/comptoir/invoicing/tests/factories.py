"""Invoicing built through the API, as a client would: parties, products, tax rates, invoices and payments."""

from __future__ import annotations

from comptoir.sales.tests.factories import confirm, customer, order, ship, stocked, vat

YEAR = 2026


def day(month: int, dom: int) -> str:
    return f"{YEAR}-{month:02d}-{dom:02d}"


def party(api, name="Acme", party_type="CUSTOMER", **fields) -> dict:
    response = api.post("parties", {"name": name, "party_type": party_type, **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def tax_rate(api, code="VAT12", rate="12", components=(), **fields) -> dict:
    parts = [{"code": c, "name": c, "rate": r, "tax_type": "GST"} for c, r in components]
    body = {"code": code, "name": f"Tax {code}", "rate": rate, "tax_type": "VAT", "effective_from": "2020-01-01",
            "components": parts, **fields}  # fmt: skip
    response = api.post("accounting/tax-rates", body)
    assert response.status_code == 201, response.json()
    return response.json()


def product(api, code="P1", **fields) -> dict:
    response = api.post("catalog/products", {"code": code, "name": f"Product {code}", "uom": "pcs", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def line(quantity="1", unit_rate="100", **fields) -> dict:
    return {"quantity": quantity, "unit_rate": unit_rate, "description": fields.pop("description", "Service"), **fields}


def invoice(api, party_ref, lines, *, invoice_type="SALES", date=None, submit=True, expect=201, **fields) -> dict:
    body = {"invoice_type": invoice_type, "party": party_ref, "invoice_date": date or day(3, 1), "lines": lines,
            "submit": submit, **fields}  # fmt: skip
    response = api.post("invoicing/invoices", body)
    assert response.status_code == expect, response.json()
    return response.json()


def pay(api, party_ref, amount, allocations=(), *, direction="INCOMING", method="BANK_TRANSFER", date=None,
        expect=201, **fields) -> dict:  # fmt: skip
    parts = [{"invoice": i, "amount": a} for i, a in allocations]
    body = {"direction": direction, "party": party_ref, "payment_date": date or day(3, 10), "amount": amount,
            "method": method, "allocations": parts, **fields}  # fmt: skip
    response = api.post("invoicing/payments", body)
    assert response.status_code == expect, response.json()
    return response.json()


def get_invoice(api, invoice_id) -> dict:
    response = api.get(f"invoicing/invoices/{invoice_id}")
    assert response.status_code == 200, response.json()
    return response.json()


def balances(tenant, *codes: str) -> dict[str, str]:
    """Accounts' balances (debit − credit over every posted line) by code, from the books' cache."""
    from comptoir.accounting.models import Account
    from comptoir.accounting.queries.books import balances_of
    from comptoir.platform.tenancy import tenant_context

    with tenant_context(tenant.organization):
        ids = dict(Account.objects.filter(code__in=codes).values_list("code", "pk"))
        found = balances_of(ids.values())
        return {code: f"{found.get(ids[code], 0):.2f}" for code in codes}


def delivered_order(api, quantity="10", shipped="10"):
    """An order of `quantity` WIDGET at 10.00 + VAT 20 %, `shipped` of them delivered."""
    vat(api)
    party = customer(api, "Dupont")
    stocked(api, "WIDGET", quantity="20", unit_cost="4")
    body = order(api, party["party_number"], [{"product": "WIDGET", "quantity": quantity, "tax_rate": "VAT20"}])
    body = confirm(api, body["id"])
    shipment = ship(api, body, {"WIDGET": shipped}, shipped_date=day(2, 2))
    response = api.post(f"logistics/shipments/{shipment['id']}/deliver", {"delivered_date": day(2, 3)})
    assert response.status_code == 200, response.json()
    return body, shipment
