"""The catalogue in the desk: the generic pages of catalog/desk.py write through the services with the API's
schemas (same rules, same refusals next to their field, nothing written), lists read a constant number of
statements, other organizations' records are not found, and quick search finds products by code, SKU, barcode and
name."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.support.api import member_client

from comptoir.catalog.models import PriceListItem, Product, ProductCategory
from comptoir.catalog.tests.factories import category, price, price_list, product
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

PRODUCTS = "/catalog/products/"
CATEGORIES = "/catalog/categories/"
PRICE_LISTS = "/catalog/price-lists/"
PRICES = "/catalog/prices/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _in(tenant, build, *args, **kw):
    with tenant_context(tenant.organization, user=tenant.owner):
        return build(tenant.owner, *args, **kw)


def _count(tenant, model, **filters):
    with tenant_context(tenant.organization, user=tenant.owner):
        return model.objects.filter(**filters).count()


def test_a_product_is_created_edited_and_discontinued_through_the_forms(tenant):
    _in(tenant, category, "Tools", "TOOLS")
    client = signed_in(tenant.owner)
    form = client.get(f"{PRODUCTS}new/").content.decode()
    assert '<option value="pcs" selected>' in form and '<option value="TOOLS"' in form
    body = {"code": "SAW-1", "name": "Hand saw", "type": "PRODUCT", "uom": "pcs", "category": "TOOLS",
            "list_price": "19.90", "track_inventory": "on", "tags": "wood, tools", "reorder_point": "5"}  # fmt: skip
    response = client.post(f"{PRODUCTS}new/", body)
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant.organization):
        saw = Product.objects.get(code="SAW-1")
    assert saw.tags == ["wood", "tools"] and saw.track_inventory and response["Location"] == f"{PRODUCTS}{saw.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Hand saw" in page and "19.90" in page and "Discontinue" in page
    edited = client.post(f"{PRODUCTS}{saw.pk}/edit/", {**body, "name": "Rip saw", "list_price": "21"})
    assert edited.status_code == 302, edited.content.decode()[:3000]
    assert client.post(f"{PRODUCTS}{saw.pk}/discontinue/").status_code == 302
    with tenant_context(tenant.organization):
        saw.refresh_from_db()
    assert (saw.name, saw.status, str(saw.list_price)) == ("Rip saw", "DISCONTINUED", "21.0000")
    assert client.get(f"{PRODUCTS}{saw.pk}/edit/")["Location"] == f"{PRODUCTS}{saw.pk}/"  # no longer editable


def test_form_refusals_show_next_to_their_field_and_write_nothing(tenant):
    _in(tenant, product, "TAKEN")
    client = signed_in(tenant.owner)
    base = {"code": "NEW", "name": "New", "type": "PRODUCT", "uom": "pcs"}
    for extra, field in (
        ({"code": "TAKEN"}, "code"),
        ({"type": "SERVICE", "track_inventory": "on"}, "track_inventory"),
        ({"list_price": "-3"}, "list_price"),
        ({"min_stock_level": "5", "max_stock_level": "2"}, "max_stock_level"),
    ):
        response = client.post(f"{PRODUCTS}new/", {**base, **extra})
        assert response.status_code == 422, (extra, response.status_code)
        assert f'data-testid="error-{field}"' in response.content.decode(), extra
    assert _count(tenant, Product) == 1


def test_categories_show_as_a_tree_and_a_price_is_added_to_a_list(tenant):
    _in(tenant, category, "Tools", "TOOLS")
    _in(tenant, category, "Saws", "SAWS", parent="TOOLS")
    _in(tenant, product, "SAW-1", list_price="20")
    retail = _in(tenant, price_list, "Retail", is_default=True)
    client = signed_in(tenant.owner)
    tree = client.get(CATEGORIES).content.decode()
    assert tree.index("Tools") < tree.index("— Saws")
    moved = client.post(f"{CATEGORIES}new/", {"name": "Garden", "code": "GARDEN", "parent": "SAWS"})
    assert moved.status_code == 302
    with tenant_context(tenant.organization):
        saws = ProductCategory.objects.get(code="SAWS")
    cycle = client.post(f"{CATEGORIES}{saws.pk}/edit/", {"name": "Saws", "parent": "GARDEN"})
    assert cycle.status_code == 422 and 'data-testid="error-parent"' in cycle.content.decode()
    added = client.post(f"{PRICE_LISTS}{retail.pk}/add-price/", {"product": "SAW-1", "rate": "18.50",
                                                                  "min_quantity": "1"})  # fmt: skip
    assert added.status_code == 302, added.content.decode()[:3000]
    refused = client.post(f"{PRICE_LISTS}{retail.pk}/add-price/", {"product": "SAW-1", "rate": "17"})
    assert refused.status_code == 422 and 'data-testid="error-valid_from"' in refused.content.decode()
    page = client.get(f"{PRICE_LISTS}{retail.pk}/").content.decode()
    assert "SAW-1" in page and "18.50" in page
    with tenant_context(tenant.organization):
        saw = Product.objects.get(code="SAW-1")
    on_product = client.get(f"{PRODUCTS}{saw.pk}/").content.decode()
    assert "Retail" in on_product and "18.50" in on_product and "Selling" in on_product
    assert _count(tenant, PriceListItem) == 1


def test_a_price_is_opened_from_its_list_changed_and_removed(tenant, other_tenant):
    _in(tenant, product, "SAW-1", list_price="20")
    retail = _in(tenant, price_list, "Retail")
    client = signed_in(tenant.owner)
    client.post(f"{PRICE_LISTS}{retail.pk}/add-price/", {"product": "SAW-1", "rate": "18.50", "min_quantity": "1"})
    with tenant_context(tenant.organization):
        item = PriceListItem.objects.get()
    assert f'href="{PRICES}{item.pk}/"' in client.get(f"{PRICE_LISTS}{retail.pk}/").content.decode()
    listed = client.get(PRICES, {"price_list": retail.pk}).content.decode()
    assert "SAW-1" in listed and "18.50" in listed
    refused = client.post(f"{PRICES}{item.pk}/edit/", {"rate": "-1"})
    assert refused.status_code == 422 and 'data-testid="error-rate"' in refused.content.decode()
    outsider = signed_in(other_tenant.owner)
    assert outsider.get(f"{PRICES}{item.pk}/").status_code == 404
    assert outsider.post(f"{PRICES}{item.pk}/delete/").status_code == 404
    assert client.post(f"{PRICES}{item.pk}/edit/", {"rate": "17.25", "valid_to": ""}).status_code == 302
    with tenant_context(tenant.organization):
        item.refresh_from_db()
        assert (item.rate, item.valid_to) == (Decimal("17.25"), None)
    removed = client.post(f"{PRICES}{item.pk}/delete/")
    assert removed.status_code == 302 and removed["Location"].endswith(PRICES)
    assert _count(tenant, PriceListItem) == 0


def test_lists_read_a_constant_number_of_statements(tenant):
    client = signed_in(tenant.owner)
    _in(tenant, category, "Root", "ROOT")
    _in(tenant, price_list, "L0")
    for path in (PRODUCTS, CATEGORIES, PRICE_LISTS, PRICES):
        client.get(path)  # warm the per-process caches
    few = {}
    for path in (PRODUCTS, CATEGORIES, PRICE_LISTS, PRICES):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        few[path] = len(captured)
    for n in range(12):
        _in(tenant, category, f"C{n}", f"C{n}", parent="ROOT")
        made = _in(tenant, product, f"P{n}", category=f"C{n}")
        _in(tenant, price, _in(tenant, price_list, f"L{n + 1}"), made, "1.50")
    for path in (PRODUCTS, CATEGORIES, PRICE_LISTS, PRICES):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert len(captured) == few[path], path


def test_pages_refuse_members_without_the_permission_and_other_organizations_records(tenant, other_tenant):
    saw = _in(tenant, product, "SAW-1")
    retail = _in(tenant, price_list, "Retail")
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    client = signed_in(user)
    assert client.get(PRODUCTS).status_code == 403
    assert client.get(f"{PRODUCTS}new/").status_code == 403
    outsider = signed_in(other_tenant.owner)
    for path in (f"{PRODUCTS}{saw.pk}/", f"{PRODUCTS}{saw.pk}/edit/", f"{PRICE_LISTS}{retail.pk}/"):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"{PRODUCTS}{saw.pk}/deactivate/").status_code == 404
    assert outsider.post(f"{PRICE_LISTS}{retail.pk}/add-price/", {"product": "SAW-1", "rate": "1"}).status_code == 404
    assert _count(tenant, Product, status="ACTIVE") == 1 and _count(tenant, PriceListItem) == 0


def test_quick_search_and_the_picker_find_products(tenant, other_tenant):
    _in(tenant, product, "DRILL-1", name="Cordless drill", sku="SKU-77", barcode="4006381333931")
    client = signed_in(tenant.owner)
    for query in ("DRILL", "sku-7", "400638", "cordless"):
        assert f"{PRODUCTS}" in client.get("/search/", {"q": query}).content.decode(), query
    picked = client.get("/pick/catalog.products/", {"q": "dri"}).json()["items"]
    assert [item["value"] for item in picked] == ["DRILL-1"]
    assert "Nothing matches" in signed_in(other_tenant.owner).get("/search/", {"q": "DRILL"}).content.decode()


@pytest.mark.parametrize(
    "path",
    [PRODUCTS, f"{PRODUCTS}new/", CATEGORIES, f"{CATEGORIES}new/", PRICE_LISTS, f"{PRICE_LISTS}new/"],
)
def test_every_page_of_the_catalog_opens(tenant, path):
    assert signed_in(tenant.owner).get(path).status_code == 200


def test_the_sidebar_links_the_catalog_pages(tenant):
    page = signed_in(tenant.owner).get("/").content.decode()
    for url in (PRODUCTS, CATEGORIES, PRICE_LISTS, "/catalog/import/"):
        assert f'href="{url}"' in page, url


def test_products_are_imported_after_a_preview_with_each_row_and_its_errors(tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in(tenant.owner)
    assert client.get("/catalog/import/").status_code == 200
    bad = b"code,name,uom,list_price\nSAW-1,Hand saw,pcs,19.90\nBAD,Bad,furlong,1\n"
    preview = client.post("/catalog/import/", {"target": "products", "file": SimpleUploadedFile("p.csv", bad)})
    page = preview.content.decode()
    assert preview.status_code == 200 and 'data-testid="row-3"' in page and "furlong" in page
    assert 'data-testid="confirm-import"' not in page and _count(tenant, Product) == 0
    good = b"code,name,uom,list_price\nSAW-1,Hand saw,pcs,19.90\n"
    preview = client.post("/catalog/import/", {"target": "products", "file": SimpleUploadedFile("p.csv", good)})
    assert 'data-testid="confirm-import"' in preview.content.decode() and _count(tenant, Product) == 0
    done = client.post("/catalog/import/", {"target": "products", "confirm": "1"})
    assert done.status_code == 302 and _count(tenant, Product, code="SAW-1") == 1
    expired = client.post("/catalog/import/", {"target": "products", "confirm": "1"})
    assert expired.status_code == 422


def test_prices_are_imported_into_a_list_and_the_page_needs_its_permission(tenant, other_tenant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _in(tenant, product, "SAW-1")
    retail = _in(tenant, price_list, "Retail")
    client = signed_in(tenant.owner)
    assert "Prices of Retail" in client.get(f"/catalog/import/?price_list={retail.pk}").content.decode()
    upload = SimpleUploadedFile("prices.csv", b"product,rate\nSAW-1,18.5\n")
    assert client.post("/catalog/import/", {"target": str(retail.pk), "file": upload}).status_code == 200
    assert client.post("/catalog/import/", {"target": str(retail.pk), "confirm": "1"}).status_code == 302
    assert _count(tenant, PriceListItem) == 1
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    assert signed_in(user).get("/catalog/import/").status_code == 403
    outsider = signed_in(other_tenant.owner)
    assert outsider.get(f"/catalog/import/?price_list={retail.pk}").status_code == 404
