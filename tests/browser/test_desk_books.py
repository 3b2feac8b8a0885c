"""The books in the desk, in a real browser: an account created through its form; a three-line entry typed and
posted with the keyboard alone; an unbalanced entry refused next to its lines; the entry found by a filter and
reversed from its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.accounting.tests.factories import IN_YEAR
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_account_is_created_from_the_chart(page, tenant):
    sign_in(page, tenant.owner.email, start="/accounting/chart/")
    page.get_by_test_id("new-account").click()
    page.get_by_label("Code").fill("6150")
    page.get_by_label("Name").fill("Travel")
    page.get_by_label("Group").select_option("52")
    page.get_by_label("Account type").select_option("EXPENSE")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("record-title")).to_have_text("6150 Travel")
    expect(page.get_by_test_id("messages")).to_contain_text("saved")
    page.goto("/accounting/chart/")
    expect(page.get_by_test_id("chart-tree")).to_contain_text("Travel")


def tab_to(page, selector: str, most: int = 12) -> None:
    """Presses Tab until the field `selector` has the focus (a date field takes a Tab per part)."""
    field = page.locator(selector)
    for _ in range(most):
        if field.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    expect(field).to_be_focused()


def _type_line(page, row: int, account: str, debit: str = "", credit: str = "") -> None:
    tab_to(page, f"[name=lines-{row}-account]")
    page.keyboard.type(account)
    tab_to(page, f"[name=lines-{row}-debit]")
    page.keyboard.type(debit)
    tab_to(page, f"[name=lines-{row}-credit]")
    page.keyboard.type(credit)


def test_a_three_line_entry_is_typed_and_posted_with_the_keyboard_alone(page, tenant):
    sign_in(page, tenant.owner.email, start="/accounting/journal-entries/new/")
    date = page.get_by_label("Date")
    expect(date).to_be_focused()  # the first field has the focus
    date.press_sequentially(IN_YEAR.strftime("%m%d%Y"))  # a date field takes its digits
    tab_to(page, "[name=narration]")  # past the journal (JV by default) and the reference
    page.keyboard.type("Office supplies, keyboard only")
    _type_line(page, 0, "6900", debit="100.00")
    _type_line(page, 1, "1400", debit="20.00")
    page.keyboard.press("Alt+N")  # a third line, the focus in its account field
    expect(page.locator("[name=lines-2-account]")).to_be_focused()
    _type_line(page, 2, "1000", credit="120.00")
    expect(page.get_by_test_id("balance-check")).to_have_text("Balanced")
    page.keyboard.press("Enter")  # submits with the first button: Save and post
    expect(page.get_by_test_id("status")).to_have_text("Posted")
    lines = page.get_by_test_id("lines")
    expect(lines).to_contain_text("6900 General expenses")
    expect(lines).to_contain_text("1000 Cash")
    expect(lines.locator("tfoot")).to_contain_text("120.00")


def test_an_unbalanced_entry_is_refused_next_to_its_lines(page, tenant):
    sign_in(page, tenant.owner.email, start="/accounting/journal-entries/new/")
    page.get_by_label("Date").press_sequentially(IN_YEAR.strftime("%m%d%Y"))
    page.get_by_label("Narration").fill("Unbalanced")
    page.locator("[name=lines-0-account]").fill("6900")
    page.locator("[name=lines-0-debit]").fill("100")
    page.locator("[name=lines-1-account]").fill("1000")
    page.locator("[name=lines-1-credit]").fill("90")
    expect(page.get_by_test_id("balance-check")).to_contain_text("Out of balance by")
    page.get_by_role("button", name="Save and post").click()
    expect(page.get_by_test_id("error-lines")).to_contain_text("differ")
    expect(page.locator("[name=lines-1-credit]")).to_have_value("90")  # what was typed is kept
    page.locator("[name=lines-1-credit]").fill("abc")
    page.get_by_role("button", name="Save and post").click()
    expect(page.get_by_test_id("error-lines-1-debit")).to_be_visible()  # the line's amount, next to it


def test_the_entry_is_found_by_a_filter_and_reversed(page, tenant):
    sign_in(page, tenant.owner.email, start="/accounting/journal-entries/new/")
    page.get_by_label("Date").press_sequentially(IN_YEAR.strftime("%m%d%Y"))
    page.get_by_label("Narration").fill("Rent of March")
    page.locator("[name=lines-0-account]").fill("6100")
    page.locator("[name=lines-0-debit]").fill("800")
    page.locator("[name=lines-1-account]").fill("1000")
    page.locator("[name=lines-1-credit]").fill("800")
    page.get_by_role("button", name="Save and post").click()
    number = page.get_by_test_id("record-title").inner_text()

    page.get_by_role("link", name="Journal entries").first.click()
    filters = page.get_by_test_id("filters")
    filters.get_by_label("Account (code)").fill("6100")
    filters.get_by_label("Amount at least").fill("500")
    filters.get_by_role("button", name="Filter").click()
    table = page.get_by_test_id("list-table")
    expect(table).to_contain_text("Rent of March")
    expect(table.locator("tbody tr")).to_have_count(1)
    table.get_by_role("link", name=number).click()

    page.get_by_test_id("action-reverse").click()
    expect(page.get_by_label("Date of the reversal")).not_to_have_value("")
    page.get_by_role("button", name="Reverse").click()
    expect(page.get_by_test_id("status")).to_have_text("Posted")
    expect(page.get_by_test_id("related")).to_contain_text("Reversal of an earlier entry")
    page.get_by_test_id("related").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/accounting/journal-entries/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("status")).to_have_text("Reversed")
