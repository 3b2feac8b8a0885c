"""The bank pages in a real browser: an owner signs in, imports a statement through the pages (file, mapping,
preview, import) and matches a line to the suggested book line without a reload, by mouse and by keyboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.accounting.tests.test_bank_pages import STATEMENT, make_bank, post
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_import_a_statement_then_match_a_line_to_its_suggestion(page, tenant):
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    bank = make_bank(tenant)
    payment = post(tenant, ("1100", "DR", "1250.00"), ("1200", "CR", "1250.00"), reference="INV-1")
    sign_in(page, tenant.owner.email)

    page.goto(f"/accounting/banks/{bank.pk}/import/")
    page.get_by_label("Statement file (CSV)").set_input_files(
        {"name": "statement.csv", "mimeType": "text/csv", "buffer": STATEMENT.encode()}
    )
    page.get_by_role("button", name="Read the statement").click()
    expect(page.get_by_label("Amount (signed)")).to_have_value("Amount")  # columns guessed from the header
    expect(page.get_by_label("Balance after the line")).to_have_value("Balance")
    preview = page.get_by_test_id("preview")
    expect(preview.get_by_test_id("preview-row")).to_have_count(2)
    expect(preview.locator("tr", has_text="Bank fee").locator("td.num", has_text="-12.50")).to_have_css(
        "text-align", "right"
    )
    page.get_by_role("button", name="Import").click()

    expect(page).to_have_url(re.compile(rf"/accounting/banks/{bank.pk}/reconcile/$"))
    expect(page.get_by_test_id("messages")).to_contain_text("2 lines imported.")
    deposit = page.get_by_test_id("statement-line").filter(has_text="Customer payment")
    expect(deposit.get_by_test_id("status")).to_have_text("Unmatched")
    expect(deposit).to_have_class(re.compile(r"\bselected\b"))  # the first line left to match is chosen
    left = page.get_by_test_id("left-statement")
    expect(left).to_contain_text("1,237.50")  # both statement lines are left to match
    difference = page.get_by_test_id("difference")
    expect(difference).to_contain_text("0.00")
    page.evaluate("window.notReloaded = true")

    suggestion = page.get_by_test_id("suggestion").filter(has_text=payment.entry_number)
    expect(suggestion).to_contain_text("same reference")
    suggestion.get_by_role("button", name="Match").click()

    expect(deposit.get_by_test_id("status")).to_have_text("Matched")
    expect(deposit).to_contain_text(payment.entry_number)
    expect(page.get_by_test_id("outcome")).to_be_focused()
    expect(left).to_contain_text("-12.50")  # only the bank fee is left to match
    expect(page.get_by_test_id("left-book")).to_contain_text("0 book lines")
    expect(difference).to_contain_text("0.00")  # books and statement agree once the fee is counted
    assert page.evaluate("window.notReloaded") is True

    fee = page.get_by_test_id("statement-line").filter(has_text="Bank fee")
    fee.get_by_role("button", name="Find matches").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Matches for the line of"))).to_be_focused()
    expect(page.get_by_test_id("no-suggestion")).to_be_visible()
    expect(page).to_have_url(re.compile(r"\?line="))
    assert page.evaluate("window.notReloaded") is True
    assert violations == []
