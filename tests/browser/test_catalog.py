"""The catalogue in a real browser: a product created through its form (unit, category and prices chosen), shown
on its page, then found by quick search; the demo catalogue's pages photographed for the docs."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.catalog.models import PriceList, Product
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.catalog.tests.factories import category
from comptoir.platform.tenancy import tenant_context
from tests.browser.test_screenshots import SHOTS, VIEWPORT
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_product_is_created_from_its_form(page, tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        category(tenant.owner, "Tools", "TOOLS")
    sign_in(page, tenant.owner.email, start="/catalog/products/new/")
    page.locator("[name=code]").fill("DRILL-18")
    page.locator("[name=name]").fill("Cordless drill 18 V")
    page.get_by_label("Unit of measure").select_option("pcs")
    page.get_by_label("Category").select_option("TOOLS")
    page.get_by_label("List price").fill("129.90")
    page.get_by_label("Standard cost").fill("72.50")
    page.get_by_label("Barcode").fill("4006381333931")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("record-title")).to_have_text("DRILL-18 Cordless drill 18 V")
    expect(page.get_by_test_id("messages")).to_contain_text("saved")
    expect(page.get_by_test_id("status")).to_have_text("Active")
    expect(page.locator("main")).to_contain_text("57.40")  # the margin
    page.goto("/search/?q=4006381")  # by the start of its barcode
    expect(page.get_by_role("link", name=re.compile("DRILL-18 Cordless drill 18 V"))).to_be_visible()


def test_the_catalog_pages_are_photographed(page, tenant):
    """The demo catalogue's main pages, for docs/screenshots/ (docs/desk.md shows them), with no console error."""
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_catalog(actor=tenant.owner, today=timezone.localdate())
        drill = Product.objects.get(code="DRL-18")
        retail = PriceList.objects.get(name="Retail")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.set_viewport_size(VIEWPORT)
    sign_in(page, tenant.owner.email)
    shots = {
        "products": "/catalog/products/",
        "product": f"/catalog/products/{drill.pk}/",
        "product-categories": "/catalog/categories/",
        "price-list": f"/catalog/price-lists/{retail.pk}/",
    }
    for name, path in shots.items():
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        shot = SHOTS / f"{name}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000
    assert errors == []
