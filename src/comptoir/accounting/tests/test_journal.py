"""Posting rules of the journal, each with its refusal (nothing written), reversal and cancellation."""

import uuid
from decimal import Decimal

import pytest

from comptoir.accounting.models import AccountBalance, JournalEntry, JournalLine
from comptoir.accounting.services import cancel_entry, create_and_post, create_entry, post_entry, reverse_entry
from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR, entry_data, line
from comptoir.platform.errors import Conflict, DomainError, InvalidTransition, ValidationFailed
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context

SALE = (("1200", "DR", "120.00"), ("4000", "CR", "100.00"), ("2100", "CR", "20.00"))


def test_new_organization_has_chart_journal_types_and_current_year(tenant):
    from comptoir.accounting.models import Account, FiscalYear, JournalType

    with tenant_context(tenant.organization):
        assert Account.objects.filter(is_system=True).count() >= 15
        assert {"JV", "PAY", "RCP", "SALES", "PURCHASE", "CN", "DN", "OPENING", "CLOSING"} <= set(
            JournalType.objects.values_list("code", flat=True)
        )
        year = FiscalYear.objects.get(is_current=True)
        assert year.periods.count() == 12


def test_post_numbers_updates_cache_and_audits(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = create_entry(actor=tenant.owner, data=entry_data(*SALE))
        assert entry.status == "DRAFT" and entry.entry_number == ""
        posted = post_entry(actor=tenant.owner, entry_id=entry.pk)
        assert posted.status == "POSTED"
        assert posted.entry_number == f"JV-{IN_YEAR.year}-000001"
        second = create_and_post(actor=tenant.owner, data=entry_data(*SALE))
        assert second.entry_number == f"JV-{IN_YEAR.year}-000002"
        assert (posted.total_debit, posted.total_credit) == (Decimal("120.00"), Decimal("120.00"))
        assert check_books() == []
        revenue = sum(b.credit_total for b in AccountBalance.objects.filter(account__code="4000"))
        assert revenue == Decimal("200.00")
        assert AuditLog.objects.filter(object_id=entry.pk, action="POST").count() == 1


def _refused(tenant, data, code, error=ValidationFailed):
    with tenant_context(tenant.organization, user=tenant.owner):
        before = (JournalEntry.objects.count(), JournalLine.objects.count(), AccountBalance.objects.count())
        with pytest.raises(error) as caught:
            create_and_post(actor=tenant.owner, data=data)
        assert caught.value.code == code, caught.value.message
        assert (JournalEntry.objects.count(), JournalLine.objects.count(), AccountBalance.objects.count()) == before
    return caught.value


def test_unbalanced_is_refused(tenant):
    _refused(tenant, entry_data(("1000", "DR", "100.00"), ("4000", "CR", "99.99")), "unbalanced")


def test_single_line_is_refused(tenant):
    _refused(tenant, entry_data(("1000", "DR", "100.00")), "too_few_lines")


@pytest.mark.parametrize("amount", ["0", "-5.00"])
def test_zero_or_negative_amount_is_refused(tenant, amount):
    error = _refused(tenant, entry_data(("1000", "DR", amount), ("4000", "CR", amount)), "amount_not_positive")
    assert error.errors[0].field == "lines[0].amount"


def test_group_or_unknown_or_foreign_account_is_refused(tenant, other_tenant):
    _refused(tenant, entry_data(("11", "DR", "1.00"), ("4000", "CR", "1.00")), "unknown")  # "11" is a group
    with tenant_context(other_tenant.organization):
        from comptoir.accounting.models import Account

        foreign = Account.objects.get(code="1000").pk
    error = _refused(tenant, entry_data((str(foreign), "DR", "1.00"), ("4000", "CR", "1.00")), "unknown")
    assert error.errors[0].field == "lines[0].account"
    error = _refused(
        tenant, entry_data(("1000", "DR", "1.00"), ("4000", "CR", "0.50"), ("9999", "CR", "0.50")), "unknown"
    )
    assert error.errors[0].field == "lines[2].account"


def test_inactive_account_is_refused(tenant):
    from comptoir.accounting.services.chart import AccountPatch, update_account

    with tenant_context(tenant.organization, user=tenant.owner):
        from comptoir.accounting.models import Account

        update_account(
            actor=tenant.owner, account_id=Account.objects.get(code="6100").pk, changes=AccountPatch(is_active=False)
        )
    _refused(tenant, entry_data(("6100", "DR", "1.00"), ("1000", "CR", "1.00")), "inactive_account")


def test_cost_center_only_on_applicable_accounts(tenant):
    from comptoir.accounting.services.chart import CostCenterInput, create_cost_center

    with tenant_context(tenant.organization, user=tenant.owner):
        create_cost_center(actor=tenant.owner, data=CostCenterInput(code="CC1", name="Shop"))
    data = entry_data(("6900", "DR", "10.00"), line("1000", "CR", "10.00", cost_center="CC1"))
    _refused(tenant, data, "cost_center_not_applicable")
    data = entry_data(line("6900", "DR", "10.00", cost_center="CC1"), ("1000", "CR", "10.00"))
    with tenant_context(tenant.organization, user=tenant.owner):
        assert create_and_post(actor=tenant.owner, data=data).status == "POSTED"


def test_closed_period_and_closed_year_and_no_period_are_refused(tenant):
    import datetime

    from comptoir.accounting.models import FiscalPeriod, FiscalYear
    from comptoir.accounting.services.periods import close_period

    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00")))
        period = FiscalPeriod.objects.get(start_date__lte=IN_YEAR, end_date__gte=IN_YEAR)
        close_period(actor=tenant.owner, period_id=period.pk)
        with pytest.raises(Conflict) as caught:
            post_entry(actor=tenant.owner, entry_id=draft.pk)
        assert caught.value.code == "period_closed"
        assert JournalEntry.objects.get(pk=draft.pk).status == "DRAFT"
    _refused(tenant, entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00")), "period_closed", Conflict)
    later = IN_YEAR.replace(month=6)
    with tenant_context(tenant.organization, user=tenant.owner):
        FiscalYear.objects.filter(is_current=True).update(is_closed=True)
    _refused(
        tenant, entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00"), date=later), "fiscal_year_closed", Conflict
    )
    _refused(
        tenant,
        entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00"), date=datetime.date(1990, 1, 1)),
        "no_fiscal_period",
    )


def test_locked_organization_refuses_postings(tenant):
    from comptoir.platform.services.features import FeaturesPatch, update_features

    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00")))
        update_features(actor=tenant.owner, patch=FeaturesPatch(locked=True))
        with pytest.raises(Conflict) as caught:
            post_entry(actor=tenant.owner, entry_id=draft.pk)
        assert caught.value.code == "organization_locked"
    _refused(tenant, entry_data(("1000", "DR", "5.00"), ("4000", "CR", "5.00")), "organization_locked", Conflict)


def test_foreign_currency_lines_balance_in_base_currency(tenant):
    from comptoir.platform.models import Currency, ExchangeRate

    base = tenant.organization.base_currency.code
    foreign = "USD" if base != "USD" else "EUR"
    data = entry_data(line("1100", "DR", "110.00", currency=foreign), ("4000", "CR", "100.00"))
    error = _refused(tenant, data, "missing_exchange_rate")
    assert error.errors[0].field == "lines[0].exchange_rate"
    with tenant_context(tenant.organization, user=tenant.owner):
        ExchangeRate.objects.create(
            from_currency=Currency.objects.get(code=foreign),
            to_currency=tenant.organization.base_currency,
            rate=Decimal("0.909091"),
            rate_date=IN_YEAR.replace(day=1),
        )
        entry = create_and_post(actor=tenant.owner, data=data)  # 110 × 0.909091 = 100.00001 → 100.00
        priced = entry.lines.get(line_no=1)
        assert (priced.exchange_rate, priced.base_amount) == (Decimal("0.90909100"), Decimal("100.00"))
    at_09 = line("1100", "DR", "110.00", currency=foreign, exchange_rate=Decimal("0.9"))  # 99.00 ≠ 100.00
    _refused(tenant, entry_data(at_09, ("4000", "CR", "100.00")), "unbalanced")
    _refused(tenant, entry_data(at_09, line("4000", "CR", "100.00", exchange_rate=Decimal("1.5"))), "invalid_rate")


def test_reverse_and_cancel(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        posted = create_and_post(actor=tenant.owner, data=entry_data(*SALE))
        reversal = reverse_entry(actor=tenant.owner, entry_id=posted.pk, date=IN_YEAR.replace(month=4))
        assert reversal.status == "POSTED" and reversal.reversed_entry_id == posted.pk
        assert reversal.entry_number.endswith("000002")
        assert JournalEntry.objects.get(pk=posted.pk).status == "REVERSED"
        assert [(li.account.code, li.entry_type) for li in reversal.lines.order_by("line_no")] == [
            ("1200", "CR"),
            ("4000", "DR"),
            ("2100", "DR"),
        ]
        assert check_books() == []
        with pytest.raises(InvalidTransition):
            reverse_entry(actor=tenant.owner, entry_id=posted.pk, date=IN_YEAR)
        with pytest.raises(InvalidTransition):
            cancel_entry(actor=tenant.owner, entry_id=reversal.pk)
        draft = create_entry(actor=tenant.owner, data=entry_data(*SALE))
        assert cancel_entry(actor=tenant.owner, entry_id=draft.pk).status == "CANCELLED"
        with pytest.raises(DomainError):
            post_entry(actor=tenant.owner, entry_id=draft.pk)
        assert AuditLog.objects.filter(action__in=["REVERSE", "CANCEL"]).count() == 2


def test_a_line_settles_a_posted_bill_only_and_a_reversal_settles_what_it_reverses(tenant):
    def settling(bill_id):
        return entry_data(("1100", "DR", "50.00"), line("1200", "CR", "50.00", against_entry=bill_id))

    with tenant_context(tenant.organization, user=tenant.owner):
        bill = create_and_post(actor=tenant.owner, data=entry_data(("1200", "DR", "50.00"), ("4000", "CR", "50.00")))
        draft = create_entry(actor=tenant.owner, data=entry_data(("1200", "DR", "9.00"), ("4000", "CR", "9.00")))
    error = _refused(tenant, settling(draft.pk), "not_posted")
    assert error.errors[0].field == "lines[1].against_entry"
    error = _refused(tenant, settling(uuid.UUID("01a23481-a927-7700-ab08-0d945c4f1333")), "unknown")
    assert error.errors[0].field == "lines[1].against_entry"
    with tenant_context(tenant.organization, user=tenant.owner):
        receipt = create_and_post(actor=tenant.owner, data=settling(bill.pk))
        assert JournalLine.objects.get(entry=receipt, line_no=2).against_entry_id == bill.pk
        reversal = reverse_entry(actor=tenant.owner, entry_id=bill.pk, date=IN_YEAR)
        # the mirror lines settle the reversed bill; a line that settled something keeps settling it
        assert set(JournalLine.objects.filter(entry=reversal).values_list("against_entry_id", flat=True)) == {bill.pk}
        undone = reverse_entry(actor=tenant.owner, entry_id=receipt.pk, date=IN_YEAR)
        assert dict(JournalLine.objects.filter(entry=undone).values_list("line_no", "against_entry_id")) == {
            1: receipt.pk,
            2: bill.pk,
        }
