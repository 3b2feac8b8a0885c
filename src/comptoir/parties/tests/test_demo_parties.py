"""The demo parties: customers and suppliers with a contact, an address (and the suppliers a bank account), trade
posted on their own accounts, some of it unpaid, so that balances, statements and the aging per party show it."""

import datetime

from comptoir.accounting.models import FiscalYear
from comptoir.accounting.queries.reports_ledger import aging
from comptoir.accounting.services.books import check_books
from comptoir.accounting.services.demo import seed_demo_books
from comptoir.parties import queries
from comptoir.parties.models import Party, PartyAddress, PartyBankAccount, PartyContact
from comptoir.parties.services.demo import PARTIES, seed_demo_parties
from comptoir.platform.tenancy import tenant_context


def test_demo_parties_have_trade_on_their_accounts(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        today = datetime.date(FiscalYear.objects.get(is_current=True).start_date.year, 11, 15)
        seed_demo_books(actor=tenant.owner, today=today)
        posted = seed_demo_parties(actor=tenant.owner, today=today)
        assert posted > 2 * len(PARTIES)
        assert check_books() == []
        parties = queries.with_balances(list(queries.parties().order_by("party_number")))
        assert len(parties) == Party.objects.count() == PartyContact.objects.count() == PartyAddress.objects.count()
        assert PartyBankAccount.objects.count() == 3
        customers = [p for p in parties if p.party_type != "SUPPLIER"]
        suppliers = [p for p in parties if p.party_type == "SUPPLIER"]
        assert all(p.balance > 0 for p in customers) and all(p.balance < 0 for p in suppliers)
        report = queries.statement(parties[0], date_from=today - datetime.timedelta(days=200), date_to=today)
        assert len(report["lines"]) >= 4 and report["closing_balance"] == parties[0].balance
        open_bills = {row["account"] for row in aging(kind="receivable", as_of=today)["rows"]}
        assert {p.party_number for p in customers} <= open_bills
