"""The main pages of the desk, on a year of demo trade, photographed for docs/screenshots/ (the README links
them). Each page must open with no console error, so the pictures are of working pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comptoir.accounting.models import BankAccount, JournalEntry
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.parties.models import Party
from comptoir.parties.services.demo import seed_demo_parties
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}


def test_the_main_pages_are_photographed(page, tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        seed_demo_books(actor=tenant.owner, today=timezone.localdate())
        seed_demo_parties(actor=tenant.owner, today=timezone.localdate())
        party = Party.objects.order_by("party_number").first()
        entry = JournalEntry.objects.filter(status="POSTED", journal_type__code="SALES").order_by("-date").first()
        bank = BankAccount.objects.get()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.set_viewport_size(VIEWPORT)
    sign_in(page, tenant.owner.email)
    shots = {
        "dashboard": "/",
        "journal-entries": "/accounting/journal-entries/",
        "journal-entry": f"/accounting/journal-entries/{entry.pk}/",
        "journal-entry-form": "/accounting/journal-entries/new/",
        "chart-of-accounts": "/accounting/chart/",
        "trial-balance": "/accounting/reports/trial-balance/?compare=year",
        "profit-and-loss": "/accounting/reports/profit-and-loss/?compare=period",
        "balance-sheet": "/accounting/reports/balance-sheet/",
        "aging": "/accounting/reports/aging/",
        "bank-reconciliation": f"/accounting/banks/{bank.pk}/reconcile/",
        "budget-vs-actual": "/accounting/budget-report/",
        "parties": "/parties/parties/",
        "party": f"/parties/parties/{party.pk}/",
        "party-statement": f"/parties/{party.pk}/statement/",
    }
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in shots.items():
        response = page.goto(path)
        assert response.status == 200, (path, response.status)
        expect(page.locator("main h1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        shot = SHOTS / f"{name}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.stat().st_size > 10_000  # a picture of a page, not of a blank one
    assert errors == []
