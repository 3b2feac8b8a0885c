"""Amounts keep every decimal their currency has (KWD 3, EUR 2, JPY 0) and refuse more: journal lines, base-currency
conversion, bank statement import, budgets and the tax computation, with nothing written on a refusal."""

from decimal import Decimal

import pytest
from tests.support.api import make_tenant

from comptoir.accounting.models import BankTransaction, Budget, JournalEntry, JournalLine
from comptoir.accounting.services import PostingLine, banks, post_document
from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import Currency
from comptoir.platform.money import amount_text, check_amount, round_money, summed
from comptoir.platform.tenancy import tenant_context

# currency, an amount with all its decimals, the same with one decimal too many
CASES = [("KWD", "1.234", "1.2345"), ("JPY", "1234", "1234.5"), ("EUR", "1.23", "1.234")]
TAX = {"KWD": "0.123", "JPY": "123", "EUR": "0.12"}  # 10 % of the exact amount, rounded half up


def _entry(api, amount, *, currency=None, rate=None, credit=None):
    debit = {"account": "1200", "entry_type": "DR", "amount": amount}
    if currency:
        debit.update(currency=currency, exchange_rate=rate)
    body = {
        "date": IN_YEAR.isoformat(),
        "post": True,
        "lines": [debit, {"account": "4000", "entry_type": "CR", "amount": credit or amount}],
    }
    return api.post("accounting/journal-entries", body)


@pytest.mark.parametrize(("code", "exact", "too_many"), CASES)
def test_a_journal_line_keeps_every_decimal_and_refuses_one_more(db, code, exact, too_many):
    tenant = make_tenant(currency=code)
    posted = _entry(tenant.api, exact)
    assert posted.status_code == 201, posted.json()
    line = posted.json()["lines"][0]
    assert Decimal(line["amount"]) == Decimal(line["base_amount"]) == Decimal(exact)
    assert Decimal(posted.json()["total_debit"]) == Decimal(exact)
    with tenant_context(tenant.organization):
        assert JournalLine.objects.get(pk=line["id"]).amount == Decimal(exact)  # stored, not rounded to cents
        assert check_books() == []
        entries = JournalEntry.objects.count()
    trial = tenant.api.get("accounting/reports/trial-balance", as_of=str(IN_YEAR)).json()
    assert Decimal(trial["totals"]["debit"]) == Decimal(exact)
    refused = _entry(tenant.api, too_many)
    assert refused.status_code == 422
    assert refused.json()["code"] == "too_many_decimals"
    assert refused.json()["errors"][0]["field"] == "lines[0].amount"
    with tenant_context(tenant.organization):
        assert JournalEntry.objects.count() == entries


def test_conversion_to_the_base_currency_rounds_to_its_decimals(db):
    eur = make_tenant(currency="EUR")
    posted = _entry(eur.api, "1.234", currency="KWD", rate="3", credit="3.70")  # 3.702 EUR → 3.70
    assert posted.status_code == 201, posted.json()
    assert posted.json()["lines"][0]["base_amount"] == "3.70"
    kwd = make_tenant(currency="KWD")
    posted = _entry(kwd.api, "1.23", currency="EUR", rate="0.33", credit="0.406")  # 0.4059 KWD → 0.406
    assert posted.status_code == 201, posted.json()
    assert posted.json()["lines"][0]["base_amount"] == "0.406"
    assert posted.json()["lines"][0]["amount"] == "1.23"
    refused = _entry(kwd.api, "1.234", currency="EUR", rate="0.33", credit="0.407")  # EUR has 2 decimals
    assert (refused.status_code, refused.json()["code"]) == (422, "too_many_decimals")


@pytest.mark.parametrize(("code", "exact", "too_many"), CASES)
def test_a_bank_statement_keeps_every_decimal_and_refuses_one_more(db, code, exact, too_many):
    tenant = make_tenant(currency=code)
    mapping = banks.ColumnMapping(date="Date", amount="Amount", balance="Balance")
    with tenant_context(tenant.organization, user=tenant.owner):
        bank = banks.create_bank_account(
            actor=tenant.owner,
            data=banks.BankAccountInput(account="1100", account_name="Main", account_number="ACC0001"),
        )
        header = "Date,Amount,Balance\n"
        with pytest.raises(ValidationFailed) as caught:
            banks.import_bank_statement(
                actor=tenant.owner,
                bank_account_id=bank.pk,
                csv_text=f"{header}{IN_YEAR},{exact},\n{IN_YEAR},{too_many},\n{IN_YEAR},1,{too_many}\n",
                mapping=mapping,
            )
        assert [(e.field, e.code) for e in caught.value.errors] == [
            ("rows[1].amount", "too_many_decimals"),
            ("rows[2].balance", "too_many_decimals"),
        ]
        assert BankTransaction.objects.count() == 0
        banks.import_bank_statement(
            actor=tenant.owner,
            bank_account_id=bank.pk,
            csv_text=f"{header}{IN_YEAR},-{exact},{exact}\n",
            mapping=mapping,
        )
        line = BankTransaction.objects.get()
        assert (line.amount, line.balance_after) == (Decimal(exact), Decimal(exact))


@pytest.mark.parametrize(("code", "exact", "too_many"), CASES)
def test_budgets_and_the_tax_computation_refuse_one_decimal_more(db, code, exact, too_many):
    tenant = make_tenant(currency=code)
    rate = {"code": "VAT10", "name": "VAT 10%", "rate": "10", "tax_type": "VAT", "effective_from": "2020-01-01"}
    assert tenant.api.post("accounting/tax-rates", rate).status_code == 201
    budget = {"name": "Rent", "fiscal_year": str(IN_YEAR.year), "account": "6100"}
    created = tenant.api.post("accounting/budgets", {**budget, "allocated_amount": exact})
    assert created.status_code == 201, created.json()
    assert Decimal(created.json()["allocated_amount"]) == Decimal(exact)
    refused = tenant.api.post("accounting/budgets", {**budget, "name": "More", "allocated_amount": too_many})
    assert (refused.status_code, refused.json()["code"]) == (422, "too_many_decimals")
    assert refused.json()["errors"][0]["field"] == "allocated_amount"
    with tenant_context(tenant.organization):
        assert Budget.objects.get().allocated_amount == Decimal(exact)
    taxed = tenant.api.post("accounting/tax-rates/compute", {"amount": exact, "tax_rate": "VAT10"})
    assert taxed.status_code == 200, taxed.json()
    assert taxed.json()["tax"] == TAX[code]
    refused = tenant.api.post("accounting/tax-rates/compute", {"amount": too_many, "tax_rate": "VAT10"})
    assert (refused.status_code, refused.json()["code"]) == (422, "too_many_decimals")


def test_the_money_rule():
    kwd, jpy = Currency(code="KWD", decimal_places=3), Currency(code="JPY", decimal_places=0)
    assert check_amount(Decimal("1.230"), kwd, field="a") == Decimal("1.230")
    with pytest.raises(ValidationFailed) as caught:
        check_amount(Decimal("0.5"), jpy, field="lines[0].amount")
    assert caught.value.errors[0].as_dict() == {
        "field": "lines[0].amount",
        "code": "too_many_decimals",
        "message": "JPY amounts have at most 0 decimals",
    }
    with pytest.raises(ValidationFailed) as caught:
        check_amount(Decimal("1E16"), jpy, field="a")
    assert caught.value.code == "too_large"
    assert round_money(Decimal("2.5"), jpy) == 3 and round_money(Decimal("1.0005"), kwd) == Decimal("1.001")
    assert [summed(v) for v in (None, Decimal("250.0000"), Decimal("1.2345"))] == [0, 250, Decimal("1.2345")]
    assert [str(summed(v)) for v in (None, 0, Decimal("250.1000"))] == ["0.00", "0.00", "250.10"]
    assert [amount_text(Decimal(v)) for v in ("1.2340", "10.0000", "847", "0.5", "-3.1000")] == [
        "1.234",
        "10.00",
        "847",
        "0.5",
        "-3.10",
    ]


@pytest.mark.parametrize(
    ("amount", "rate", "field"),
    [("abc", None, "lines[0].amount"), ("NaN", None, "lines[0].amount"), ("1", "Infinity", "lines[0].exchange_rate")],
)
def test_a_line_that_is_not_a_number_is_refused(db, amount, rate, field):
    """The posting service refuses what the API schema would (other modules call it with their own values)."""
    tenant = make_tenant(currency="EUR")
    lines = [
        PostingLine("1200", "DR", amount, currency="USD" if rate else None, exchange_rate=rate),
        PostingLine("4000", "CR", Decimal(1)),
    ]
    with tenant_context(tenant.organization, user=tenant.owner):
        with pytest.raises(ValidationFailed) as caught:
            post_document(actor=tenant.owner, source=None, date=IN_YEAR, journal_type="JV", lines=lines)
        assert [e.as_dict() for e in caught.value.errors] == [
            {"field": field, "code": "invalid", "message": "Not a number"}
        ]
        assert JournalEntry.objects.count() == 0
