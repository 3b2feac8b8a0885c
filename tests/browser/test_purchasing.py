"""Purchasing in a real browser, on a year of demo trade: the dashboard, an order with its lines and buttons, its
receipt and the new-order form with its line grid open with no console error (pictures in test-artifacts/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.accounting.services.demo import seed_demo_books
from comptoir.catalog.services.demo import seed_demo_catalog
from comptoir.inventory.services.demo import seed_demo_stock
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import GoodsReceipt
from comptoir.purchasing.services.demo import seed_demo_purchasing
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def test_the_purchasing_pages_open_in_the_browser(page, tenant):
    today = timezone.localdate()
    with tenant_context(tenant.organization, user=tenant.owner):
        for seed in (seed_demo_books, seed_demo_parties, seed_demo_catalog, seed_demo_stock, seed_demo_purchasing):
            seed(actor=tenant.owner, today=today)
        receipt = GoodsReceipt.objects.select_related("order").order_by("-date").first()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.set_viewport_size({"width": 1400, "height": 900})
    sign_in(page, tenant.owner.email)
    pages = {"purchasing-dashboard": "/purchasing/dashboard/", "purchase-order-form": "/purchasing/orders/new/"}
    if receipt is not None:
        pages["purchase-order"] = f"/purchasing/orders/{receipt.order_id}/"
        pages["goods-receipt"] = f"/purchasing/receipts/{receipt.pk}/"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    assert errors == []
