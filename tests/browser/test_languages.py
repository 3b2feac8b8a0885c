"""The desk's language in a real browser: a member chooses Русский in the user menu and sees the sidebar and the page
in Russian (labels, statuses, amounts and dates), keeps Russian on the next page, and can go back to English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.accounting.services import journal
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.tenancy import tenant_context
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

ENTRIES = "/accounting/journal-entries/"


def choose_language(page, name: str, *, label: str, apply: str) -> None:
    """Opens the user menu, picks the language `name` and presses the form's button (labels in the page's
    current language)."""
    page.get_by_test_id("user-email").click()
    form = page.get_by_test_id("language")
    form.get_by_label(label).select_option(label=name)
    form.get_by_role("button", name=apply).click()


def test_a_member_chooses_russian_and_the_desk_stays_in_russian(page, tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        data = entry_data(("6000", "DR", "1234.56"), ("1000", "CR", "1234.56"), narration="Office rent")
        journal.create_and_post(actor=tenant.owner, data=data)
    sign_in(page, tenant.owner.email, start=ENTRIES)
    sidebar = page.get_by_test_id("sidebar")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Journal entries")

    choose_language(page, "Русский", label="Language", apply="Apply")
    expect(page).to_have_url(re.compile(rf"{ENTRIES}$"))  # back on the page the choice was made on
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(heading).to_have_text("Проводки")
    expect(sidebar.get_by_role("link", name="Проводки")).to_be_visible()
    expect(sidebar).to_contain_text("Бухгалтерия")
    expect(sidebar).not_to_contain_text("Journal entries")
    table = page.get_by_test_id("list-table")
    expect(table.get_by_role("columnheader", name="Сумма")).to_be_visible()
    expect(table).to_contain_text("Проведена")
    expect(table).to_contain_text("1\u00a0234,56")
    expect(table).to_contain_text(IN_YEAR.strftime("%d.%m.%Y"))

    sidebar.get_by_role("link", name="План счетов").click()  # the choice holds on the next page
    expect(heading).to_have_text("План счетов")
    expect(page.get_by_test_id("chart-tree")).to_contain_text("Наименование")

    choose_language(page, "English", label="Язык", apply="Применить")
    expect(heading).to_have_text("Chart of accounts")
    expect(page.locator("html")).to_have_attribute("lang", "en")
