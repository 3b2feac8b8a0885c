"""The financial reports in a real browser: an owner signs in, opens the trial balance, folds a section by keyboard,
follows an account to its general ledger and a ledger line to its journal entry; the page's script and styles run
under the Content-Security-Policy (a blocked one is a console error)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.tests.test_reports import Y, build_books
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_trial_balance_drills_down_to_the_ledger_and_the_entry(page, tenant):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    with tenant_context(tenant.organization, user=tenant.owner):
        build_books(tenant.owner)
        receipt = JournalEntry.objects.get(date=f"{Y}-01-15")
    sign_in(page, tenant.owner.email)
    page.goto("/accounting/reports/")
    page.get_by_role("link", name="Trial balance").click()
    expect(page).to_have_url(re.compile(r"/accounting/reports/trial-balance/$"))
    page.get_by_label("As of").fill(f"{Y}-03-31")
    page.get_by_label("Compare with").select_option(label="A year earlier")
    page.get_by_role("button", name="Show").click()

    table = page.get_by_test_id("report-table")
    cash = table.locator("tbody tr", has_text="Cash")
    expect(cash.locator("td.num").first).to_have_text("700.00")
    expect(cash.locator("td.num").first).to_have_css("text-align", "right")
    expect(table.locator("tbody tr.total").last).to_contain_text("1,900.00")  # separated, at the bottom
    section = table.get_by_role("button", name="Current assets")
    section.focus()
    page.keyboard.press("Enter")  # a section folds by keyboard; its subtotal stays
    expect(section).to_have_attribute("aria-expanded", "false")
    expect(cash).to_be_hidden()
    expect(table.locator("tbody tr", has_text="Total Current assets")).to_be_visible()
    page.keyboard.press("Space")
    expect(cash).to_be_visible()
    assert violations == []

    table.get_by_role("link", name="1100 Bank").click()
    expect(page).to_have_url(
        re.compile(rf"/accounting/reports/general-ledger/\?account=1100&date_from={Y}-01-01&date_to={Y}-03-31$")
    )
    expect(page.get_by_test_id("report-subtitle")).to_contain_text("1100 Bank")
    ledger = page.get_by_test_id("report-table")
    expect(ledger.locator("tbody tr.line")).to_have_count(3)
    expect(ledger.locator("tbody tr").last).to_contain_text("Closing balance")
    ledger.get_by_role("link", name=receipt.entry_number).click()
    # The journal entry's page is the desk's generic detail view (built apart): the link's target is checked here.
    expect(page).to_have_url(re.compile(rf"/accounting/journal-entries/{receipt.pk}/$"))
    expect(page.get_by_test_id("record-title")).to_have_text(receipt.entry_number)  # the entry's own page
