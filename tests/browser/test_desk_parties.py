"""Parties in the desk, in a real browser: a customer created through its form gets its number and its ledger
account; a contact added from its page; its statement opened from it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_customer_is_created_with_a_contact_and_its_statement(page, tenant):
    sign_in(page, tenant.owner.email, start="/parties/parties/new/")
    page.get_by_label("Type").select_option("CUSTOMER")
    page.locator("#id_name").fill("Hôtel du Lac")
    page.get_by_label("E-mail").fill("reception@hotel-du-lac.fr")
    page.get_by_label("VAT number").fill("40 303 265 045")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("record-title")).to_have_text("P-000001 Hôtel du Lac")
    expect(page.get_by_test_id("header")).to_contain_text("FR40303265045")
    expect(page.get_by_test_id("header")).to_contain_text("P-000001")  # the ledger account
    page.get_by_role("link", name="Add a contact").click()
    page.get_by_label("First name").fill("Claire")
    page.get_by_label("Last name").fill("Dumas")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("record-title")).to_have_text("Claire Dumas")
    page.get_by_role("link", name="Party").last.click()
    expect(page.get_by_test_id("lines")).to_contain_text("Claire Dumas")
    page.get_by_role("link", name="Statement").click()
    expect(page.get_by_role("heading", name="Statement of account")).to_be_visible()
    expect(page.get_by_test_id("report-subtitle")).to_contain_text("P-000001 Hôtel du Lac")
    expect(page.get_by_test_id("downloads")).to_contain_text("PDF")
