"""Amount columns of the admin's lists read as amounts: thousands separators and the currency's decimals, not the
four-decimal column they are stored in."""

from decimal import Decimal

import pytest

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.services import EntryInput, PostingLine, create_and_post
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.tenancy import tenant_context
from tests.admin.support import admin_url, browser

pytestmark = pytest.mark.django_db


def test_a_journal_entry_total_shows_separators_and_two_decimals(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        lines = [PostingLine("6100", "DR", Decimal("4500")), PostingLine("1100", "CR", Decimal("4500"))]
        create_and_post(actor=tenant.owner, data=EntryInput(date=IN_YEAR, lines=lines))
    page = browser(tenant.owner).get(admin_url(JournalEntry)).content.decode()
    assert "4,500.00" in page
    assert "4500.0000" not in page
