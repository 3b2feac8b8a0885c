"""Property test of the books: random entries → only balanced ones post, the trial balance always balances, and
the caches equal the ledger. Plus check_books() catching a tampered cache (balances, cash-flow counterparts, open
items) and rebuild_balances() repairing it."""

from decimal import Decimal

from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.accounting.services import create_and_post, reverse_entry
from comptoir.accounting.services.books import check_books, rebuild_balances
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.accounting.tests.factories import line as posting_line
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import tenant_context

ACCOUNTS = ["1000", "1100", "1200", "2000", "3000", "4000", "5000", "6900"]

line = st.tuples(
    st.sampled_from(ACCOUNTS),
    st.sampled_from(["DR", "CR"]),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
)


@st.composite
def entries(draw):
    """Half of the time a balanced entry (the last line closes the gap), else whatever was drawn."""
    lines = draw(st.lists(line, min_size=1, max_size=5))
    if draw(st.booleans()) and lines:
        debit = sum(a for _, t, a in lines if t == "DR")
        credit = sum(a for _, t, a in lines if t == "CR")
        if debit != credit:
            lines.append((draw(st.sampled_from(ACCOUNTS)), "CR" if debit > credit else "DR", abs(debit - credit)))
    return lines


def _trial_balance() -> tuple[Decimal, Decimal]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'DR'), 0), "
            "COALESCE(sum(l.base_amount) FILTER (WHERE l.entry_type = 'CR'), 0) "
            "FROM accounting_journalline l JOIN accounting_journalentry e ON e.id = l.entry_id "
            "WHERE e.status IN ('POSTED', 'REVERSED')"
        )
        return cursor.fetchone()


def test_random_entries_only_balanced_ones_post_and_books_hold(tenant):
    posted = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(entries())
    def run(specs):
        data = entry_data(*specs)
        debit = sum(a for _, t, a in specs if t == "DR")
        credit = sum(a for _, t, a in specs if t == "CR")
        balanced = len(specs) >= 2 and debit == credit
        try:
            entry = create_and_post(actor=tenant.owner, data=data)
        except ValidationFailed as exc:
            assert not balanced, exc.message
            assert exc.code in {"unbalanced", "too_few_lines"}
        else:
            assert balanced
            posted.append(entry.total_debit)
        dr, cr = _trial_balance()
        assert dr == cr == sum(posted, Decimal(0))
        assert check_books() == []

    with tenant_context(tenant.organization, user=tenant.owner):
        run()
    assert posted, "hypothesis drew no balanced entry"


def test_check_books_finds_a_tampered_cache_and_rebuild_repairs_it(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        for amount in ("10.00", "20.00"):
            create_and_post(actor=tenant.owner, data=entry_data(("1000", "DR", amount), ("4000", "CR", amount)))
        assert check_books() == []
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accounting_accountbalance SET debit_total = debit_total + 1 "
                "WHERE account_id = (SELECT id FROM accounting_account WHERE code = '1000')"
            )
        [difference] = check_books()
        assert (difference.ledger_debit, difference.cache_debit) == (Decimal("30.00"), Decimal("31.00"))
        assert difference.cache == "period"
        # two accounts × (one period + one day), and the cash entry's counterpart (4000) in the cash-flow caches
        assert rebuild_balances() == 6
        assert check_books() == []
        with connection.cursor() as cursor:  # the day cache is checked as well
            cursor.execute("DELETE FROM accounting_accountdaybalance WHERE credit_total > 0")
        [difference] = check_books()
        assert (difference.cache, difference.bucket, difference.ledger_credit) == ("day", IN_YEAR, Decimal("30.00"))
        assert difference.cache_credit == 0
        rebuild_balances()
        assert check_books() == []


def test_check_books_command_exits_1_on_differences_and_rebuilds(tenant):
    import io

    import pytest
    from django.core.management import CommandError, call_command

    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("1000", "DR", "7.00"), ("4000", "CR", "7.00")))
    out = io.StringIO()
    call_command("check_books", stdout=out)
    assert "0 difference(s)" in out.getvalue()
    with tenant_context(tenant.organization), connection.cursor() as cursor:
        cursor.execute("DELETE FROM accounting_accountbalance")
    with pytest.raises(CommandError) as caught:
        call_command("check_books", "--rebuild", stdout=io.StringIO())
    assert caught.value.returncode == 1
    call_command("check_books", stdout=out)


def test_open_items_follow_bills_settlements_and_reversals_and_a_tampered_one_is_caught(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        bill = create_and_post(
            actor=tenant.owner,
            data=entry_data(posting_line("1200", "DR", "90.00", due_date=IN_YEAR), ("4000", "CR", "90.00")),
        )
        receipt = entry_data(("1000", "DR", "40.00"), posting_line("1200", "CR", "40.00", against_entry=bill.pk))
        paid = create_and_post(actor=tenant.owner, data=receipt)
        assert check_books() == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT amount, outstanding, last_settled_on FROM accounting_openitem")
            assert cursor.fetchall() == [(Decimal("90.000"), Decimal("50.000"), IN_YEAR)]
        reverse_entry(actor=tenant.owner, entry_id=paid.pk, date=IN_YEAR)  # its mirror re-opens the bill
        assert check_books() == []
        with connection.cursor() as cursor:
            cursor.execute("SELECT outstanding FROM accounting_openitem WHERE entry_id = %s", [bill.pk])
            assert cursor.fetchone() == (Decimal("90.000"),)
            cursor.execute("UPDATE accounting_openitem SET outstanding = 0")
            cursor.execute("DELETE FROM accounting_cashflowdaybalance")
        found = {(d.cache, d.bucket) for d in check_books()}
        assert ("open_item", bill.pk) in found
        assert {cache for cache, _ in found} == {"open_item", "cash_flow_day"}
        rebuild_balances()
        assert check_books() == []
