"""A party from creation to statement, through the API only, as a sales clerk and an accountant would: a customer
created with its VAT number and a contact, opening its own receivable account; an invoice and a part payment posted
on that account (the account names the party); its balance, statement and aging per party; a supplier beside it; the
books still exact."""

import datetime

from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.tenancy import tenant_context
from tests.support.api import member_client


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def _entry(api, day: datetime.date, journal: str, lines, narration: str) -> dict:
    body = {"date": day.isoformat(), "journal_type": journal, "narration": narration, "post": True, "lines": lines}
    return ok(api.post("accounting/journal-entries", body), 201)


def test_party_to_statement(tenant):
    _user, sales = member_client(tenant, roles=["SALES"])
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])

    customer = ok(sales.post("parties", {"name": "Hôtel du Lac", "party_type": "CUSTOMER", "vat_number": "40303265045",
                                         "payment_terms": "NET_15"}), 201)  # fmt: skip
    assert (customer["vat_number"], customer["credit_days"], customer["balance"]) == ("FR40303265045", 15, "0.00")
    ok(sales.post(f"parties/{customer['id']}/contacts", {"first_name": "Marc", "last_name": "Dumas"}), 201)
    supplier = ok(sales.post("parties", {"name": "Papeterie Roux", "party_type": "SUPPLIER"}), 201)
    code = customer["account"]["code"]

    invoice = _entry(
        accountant,
        IN_YEAR,
        "SALES",
        [
            {
                "account": code,
                "entry_type": "DR",
                "amount": "1200.00",
                "due_date": str(IN_YEAR + datetime.timedelta(15)),
            },
            {"account": "4000", "entry_type": "CR", "amount": "1000.00"},
            {"account": "2100", "entry_type": "CR", "amount": "200.00"},
        ],
        "Invoice 1 to Hôtel du Lac",
    )
    _entry(
        accountant,
        IN_YEAR + datetime.timedelta(days=20),
        "RCP",
        [
            {"account": "1100", "entry_type": "DR", "amount": "700.00"},
            {"account": code, "entry_type": "CR", "amount": "700.00", "against_entry": invoice["id"]},
        ],
        "Part payment from Hôtel du Lac",
    )
    bill = [{"account": "6900", "entry_type": "DR", "amount": "80.00"},
            {"account": supplier["account"]["code"], "entry_type": "CR", "amount": "80.00"}]  # fmt: skip
    _entry(accountant, IN_YEAR, "PURCHASE", bill, "Paper")

    assert ok(sales.get(f"parties/{customer['id']}"))["balance"] == "500.00"
    assert ok(sales.get(f"parties/{supplier['id']}"))["balance"] == "-80.00"
    span = {"date_from": IN_YEAR.isoformat(), "date_to": (IN_YEAR + datetime.timedelta(days=60)).isoformat()}
    statement = ok(accountant.get(f"parties/{customer['id']}/statement", **span))
    assert [(line["debit"], line["credit"], line["balance"]) for line in statement["lines"]] == [
        ("1200.00", "0.00", "1200.00"),
        ("0.00", "700.00", "500.00"),
    ]
    aging = ok(accountant.get("accounting/reports/aging", kind="receivable", as_of=span["date_to"]))
    assert [(row["account"], row["outstanding"], row["bucket"]) for row in aging["rows"]] == [(code, "500.00", "31-60")]
    with tenant_context(tenant.organization):
        assert check_books() == []
