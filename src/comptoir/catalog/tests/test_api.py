"""The catalogue API: the flows, refusals as problem+json with their field and code (nothing written), 403s, a
constant number of statements on every list, and another organization's rows not found on every endpoint."""

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.catalog.models import PriceList, PriceListItem, Product, ProductCategory
from comptoir.platform.tenancy import tenant_context


def _product(api, code="P1", **fields):
    response = api.post("catalog/products", {"code": code, "name": f"Product {code}", "uom": "pcs", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def _price_list(api, name="Retail", **fields):
    response = api.post("catalog/price-lists", {"name": name, "valid_from": "2026-01-01", **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def test_products_endpoints(tenant):
    api = tenant.api
    tools = api.post("catalog/categories", {"name": "Tools", "code": "TOOLS"}).json()
    saws = api.post("catalog/categories", {"name": "Saws", "code": "SAWS", "parent": "TOOLS"}).json()
    assert (saws["parent"], saws["parent_name"], saws["depth"]) == (tools["id"], "Tools", 1)
    made = _product(api, "DRILL", name="Drill", type="MANUFACTURED", list_price="129.9", standard_cost="70",
                    category="SAWS", barcode="4006381333931", sku="D-1", tags=["power"],
                    dimensions={"length": "30.5", "unit": "cm"}, specifications={"voltage": "18 V"})  # fmt: skip
    assert (made["uom"], made["currency"], made["list_price"], made["margin"]) == ("pcs", "EUR", "129.9000", "59.9000")
    assert made["dimensions"] == {"length": "30.5", "unit": "cm"} and made["category_name"] == "Saws"
    service = _product(api, "INSTALL", type="SERVICE")
    assert service["track_inventory"] is False
    assert [p["code"] for p in api.get("catalog/products", category="TOOLS").json()["items"]] == ["DRILL"]
    assert [p["code"] for p in api.get("catalog/products", type="SERVICE").json()["items"]] == ["INSTALL"]
    assert [p["code"] for p in api.get("catalog/products", search="d-").json()["items"]] == ["DRILL"]
    assert api.get("catalog/products/by-barcode/4006381333931").json()["id"] == made["id"]
    assert api.get("catalog/products/by-barcode/0000").status_code == 404
    assert api.get("catalog/categories").json()["items"][0]["product_count"] == 0
    patched = api.patch(f"catalog/products/{made['id']}", {"list_price": "119.90", "barcode": None})
    assert patched.status_code == 200 and (patched.json()["list_price"], patched.json()["barcode"]) == ("119.9000", "")
    assert api.post(f"catalog/products/{made['id']}/deactivate", {"reason": "x"}).json()["status"] == "INACTIVE"
    assert api.post(f"catalog/products/{made['id']}/activate").json()["status"] == "ACTIVE"
    assert api.post(f"catalog/products/{made['id']}/discontinue").json()["status"] == "DISCONTINUED"
    again = api.post(f"catalog/products/{made['id']}/activate")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert api.delete(f"catalog/products/{service['id']}").status_code == 204
    assert api.get(f"catalog/products/{service['id']}").status_code == 404
    exported = api.get("catalog/products", format="csv")
    assert exported.status_code == 200 and b"DRILL" in b"".join(exported.streaming_content)
    assert api.patch(f"catalog/categories/{tools['id']}", {"parent": "SAWS"}).json()["code"] == "cycle"
    assert api.delete(f"catalog/categories/{tools['id']}").json()["code"] == "category_in_use"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"uom": "furlong"}, "unknown", "uom"),
        ({"category": "NOPE"}, "unknown", "category"),
        ({"tax_rate": "NOPE"}, "unknown", "tax_rate"),
        ({"type": "SERVICE", "track_inventory": True}, "untracked_type", "track_inventory"),
        ({"list_price": "-1"}, "validation_error", "list_price"),
        ({"list_price": "1.00001"}, "validation_error", "list_price"),
        ({"type": "GADGET"}, "validation_error", "type"),
        ({"min_stock_level": "5", "max_stock_level": "1"}, "invalid_range", "max_stock_level"),
        ({"code": "TAKEN"}, "duplicate", "code"),
        ({"sku": "SKU-TAKEN"}, "duplicate", "sku"),
        ({"extra": 1}, "validation_error", "extra"),
    ],
)
def test_product_refusals_are_problems_and_write_nothing(tenant, body, code, field):
    _product(tenant.api, "TAKEN", sku="SKU-TAKEN")
    response = tenant.api.post("catalog/products", {"code": "NEW", "name": "New", "uom": "pcs", **body})
    assert response.status_code == 422, response.json()
    error = response.json()["errors"][0]
    assert error["field"].endswith(field) and (response.json()["code"] == code or error["code"] == code), error
    with tenant_context(tenant.organization):
        assert Product.objects.count() == 1


def test_price_endpoints_and_resolution(tenant):
    api = tenant.api
    drill = _product(api, "DRILL", list_price="100")
    retail = _price_list(api, "Retail", is_default=True, valid_to="2026-12-31")
    assert (retail["kind"], retail["currency"], retail["is_default"]) == ("SELLING", "EUR", True)
    refused = api.post("catalog/price-lists", {"name": "Other", "valid_from": "2026-01-01", "is_default": True})
    assert refused.status_code == 422 and refused.json()["errors"][0] == {
        "field": "is_default", "code": "duplicate_default", "message": refused.json()["errors"][0]["message"]
    }  # fmt: skip
    items = f"catalog/price-lists/{retail['id']}/items"
    first = api.post(items, {"product": "DRILL", "rate": "95"})
    assert first.status_code == 201 and first.json()["valid_from"] == "2026-01-01"
    tier = api.post(items, {"product": drill["id"], "rate": "90", "min_quantity": "10"}).json()
    clash = api.post(items, {"product": "DRILL", "rate": "1", "min_quantity": "10", "valid_from": "2026-05-01"})
    assert clash.status_code == 422 and clash.json()["errors"][0]["code"] == "overlapping_dates"
    bad = api.post(items, {"product": "DRILL", "rate": "1", "min_quantity": "0"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"].endswith("min_quantity")
    assert [i["rate"] for i in api.get(items).json()["items"]] == ["95.0000", "90.0000"]
    resolved = api.get("catalog/prices/resolve", product="DRILL", date="2026-06-01", quantity="12")
    assert resolved.status_code == 200 and resolved.json() | {"item": None} == {
        "product": drill["id"], "rate": "90.0000", "currency": "EUR", "source": "DEFAULT_LIST",
        "price_list": retail["id"], "price_list_name": "Retail", "item": None, "min_quantity": "10.000",
    }  # fmt: skip
    assert api.get("catalog/prices/resolve", product="DRILL", date="2027-01-01").json()["source"] == "PRODUCT"
    unknown = api.get("catalog/prices/resolve", product="NOPE")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "product"
    patched = api.patch(f"{items}/{tier['id']}", {"rate": "89.5"})
    assert patched.status_code == 200 and patched.json()["rate"] == "89.5000"
    assert api.delete(f"{items}/{tier['id']}").status_code == 204
    updated = api.patch(f"catalog/price-lists/{retail['id']}", {"name": "Retail 2026"})
    assert updated.status_code == 200 and updated.json()["item_count"] == 1
    assert api.delete(f"catalog/price-lists/{retail['id']}").status_code == 204
    assert api.get("catalog/price-lists").json()["items"] == []


def test_lists_run_a_constant_number_of_statements(tenant):
    api = tenant.api
    api.post("catalog/categories", {"name": "Root", "code": "ROOT"})
    for n in range(6):
        api.post("catalog/categories", {"name": f"C{n}", "code": f"C{n}", "parent": "ROOT"})
        _product(api, f"P{n}", category=f"C{n}", tax_rate=None)
        retail = _price_list(api, f"L{n}")
        api.post(f"catalog/price-lists/{retail['id']}/items", {"product": f"P{n}", "rate": "1"})
        api.post(f"catalog/price-lists/{retail['id']}/items", {"product": "P0", "rate": "2", "min_quantity": "5"})
    last = f"catalog/price-lists/{retail['id']}/items"
    # the member and its permissions, then the page; a list's items first read their list
    paths = {"catalog/categories": 2, "catalog/products": 2, "catalog/price-lists": 2, last: 3}
    for path, statements in paths.items():
        with CaptureStatements(connection) as small:
            assert len(tenant.api.get(path, limit=1).json()["items"]) == 1
        with CaptureStatements(connection) as large:
            assert len(tenant.api.get(path, limit=200).json()["items"]) >= 2
        assert len(large) == len(small) == statements, (path, [q["sql"][:120] for q in large.captured_queries])


def test_members_without_permission_get_403(tenant):
    made = _product(tenant.api, "P1")
    retail = _price_list(tenant.api)
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    for response in (
        employee.get("catalog/products"),
        employee.get(f"catalog/products/{made['id']}"),
        employee.post("catalog/products", {"code": "P2", "name": "x", "uom": "pcs"}),
        employee.get("catalog/categories"),
        employee.get("catalog/price-lists"),
        employee.get("catalog/prices/resolve", product="P1"),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, sales = member_client(tenant, roles=["SALES"])
    assert sales.get("catalog/products").status_code == 200
    assert sales.post(f"catalog/price-lists/{retail['id']}/items", {"product": "P1", "rate": "3"}).status_code == 201
    assert sales.patch(f"catalog/products/{made['id']}", {"name": "x"}).status_code == 403
    _user, keeper = member_client(tenant, roles=["STOCK_KEEPER"])
    assert keeper.patch(f"catalog/products/{made['id']}", {"name": "Renamed"}).status_code == 200
    assert keeper.delete(f"catalog/products/{made['id']}").status_code == 403
    assert keeper.post("catalog/price-lists", {"name": "K", "valid_from": "2026-01-01"}).status_code == 403
    _user, buyer = member_client(tenant, roles=["PURCHASING"])
    assert (
        buyer.post("catalog/price-lists", {"name": "Buy", "kind": "BUYING", "valid_from": "2026-01-01"}).status_code
        == 201
    )
    with tenant_context(tenant.organization):
        assert Product.objects.get().name == "Renamed" and PriceList.objects.count() == 2


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "catalog/categories/{category}", None),
        ("patch", "catalog/categories/{category}", {"name": "mine"}),
        ("delete", "catalog/categories/{category}", None),
        ("get", "catalog/products/{product}", None),
        ("patch", "catalog/products/{product}", {"name": "mine"}),
        ("delete", "catalog/products/{product}", None),
        ("post", "catalog/products/{product}/deactivate", None),
        ("post", "catalog/products/{product}/activate", None),
        ("post", "catalog/products/{product}/discontinue", None),
        ("get", "catalog/products/by-barcode/{barcode}", None),
        ("get", "catalog/price-lists/{list}", None),
        ("patch", "catalog/price-lists/{list}", {"name": "mine"}),
        ("delete", "catalog/price-lists/{list}", None),
        ("get", "catalog/price-lists/{list}/items", None),
        ("post", "catalog/price-lists/{list}/items", {"product": "MINE", "rate": "1"}),
        ("patch", "catalog/price-lists/{list}/items/{item}", {"rate": "1"}),
        ("delete", "catalog/price-lists/{list}/items/{item}", None),
    ],
)
def test_other_organizations_rows_are_not_found(tenant, other_tenant, method, path, body):
    theirs = other_tenant.api
    category = theirs.post("catalog/categories", {"name": "Theirs", "code": "THEIRS"}).json()["id"]
    product = _product(theirs, "THEIRS", barcode="999", category="THEIRS")["id"]
    price_list = _price_list(theirs, "Theirs")["id"]
    item = theirs.post(f"catalog/price-lists/{price_list}/items", {"product": "THEIRS", "rate": "1"}).json()["id"]
    _product(tenant.api, "MINE")
    url = path.format(category=category, product=product, barcode="999", list=price_list, item=item)
    response = getattr(tenant.api, method)(url, *((body,) if body is not None else ()))
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    with tenant_context(other_tenant.organization):
        assert (Product.objects.get().name, Product.objects.get().status) == ("Product THEIRS", "ACTIVE")
        assert ProductCategory.objects.get().deleted_at is None and PriceListItem.objects.get().rate == 1
        assert PriceList.objects.get().name == "Theirs"


def test_other_organizations_references_are_unknown(tenant, other_tenant):
    theirs = other_tenant.api
    theirs.post("catalog/categories", {"name": "Theirs", "code": "THEIRS"})
    product = _product(theirs, "THEIRS")["id"]
    assert tenant.api.get("catalog/products", category="THEIRS").status_code == 422
    mine = tenant.api.post("catalog/products", {"code": "M", "name": "M", "uom": "pcs", "category": "THEIRS"})
    assert mine.status_code == 422 and mine.json()["errors"][0]["field"] == "category"
    resolved = tenant.api.get("catalog/prices/resolve", product=product)
    assert resolved.status_code == 422 and resolved.json()["errors"][0]["code"] == "unknown"
    mine_list = _price_list(tenant.api)
    added = tenant.api.post(f"catalog/price-lists/{mine_list['id']}/items", {"product": product, "rate": "1"})
    assert added.status_code == 422 and added.json()["errors"][0]["field"] == "product"
    assert tenant.api.get("catalog/products").json()["items"] == []
