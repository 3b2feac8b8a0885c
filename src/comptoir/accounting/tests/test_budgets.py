"""Budgets: spent from posted lines in scope and period, each validation refusal (nothing written), the close
transition, and the overspend policy on posting (ignore | warn | refuse)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import Budget, JournalEntry, JournalLine
from comptoir.accounting.queries.budgets import spent_by_budget, with_figures
from comptoir.accounting.services import create_and_post, create_entry, reverse_entry
from comptoir.accounting.services.budgets import BudgetInput, BudgetPatch, close_budget, create_budget, update_budget
from comptoir.accounting.services.chart import CostCenterInput, create_cost_center
from comptoir.accounting.tests.factories import IN_YEAR, entry_data, line
from comptoir.platform.errors import Conflict, InvalidTransition, ValidationFailed
from comptoir.platform.models import Notification
from comptoir.platform.services.configuration import set_setting
from comptoir.platform.tenancy import tenant_context

YEAR = str(IN_YEAR.year)
MAY = datetime.date(IN_YEAR.year, 5, 10)


def _budget(tenant, **data):
    data = {"name": "b", "fiscal_year": YEAR, "allocated_amount": Decimal("100"), **data}
    return create_budget(actor=tenant.owner, data=BudgetInput(**data))


def _post(tenant, *specs, **kw):
    return create_and_post(actor=tenant.owner, data=entry_data(*specs, **kw))


def _spent(budget) -> Decimal:
    return spent_by_budget([budget.pk])[budget.pk]


def test_spent_follows_scope_period_and_nature(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        center = create_cost_center(actor=tenant.owner, data=CostCenterInput(code="OPS", name="Operations"))
        rent = _budget(tenant, name="rent", account="6100", allocated_amount=Decimal("1000"))
        rent_q1 = _budget(tenant, name="rent q1", account="6100", quarter=1)
        rent_q2 = _budget(tenant, name="rent q2", account="6100", quarter=2)
        opex = _budget(tenant, name="opex", category="52", allocated_amount=Decimal("1000"))
        ops = _budget(tenant, name="ops", cost_center="OPS", allocated_amount=Decimal("1000"))
        revenue = _budget(tenant, name="revenue", account="4000", allocated_amount=Decimal("1000"))
        _post(tenant, ("6100", "DR", "100.00"), ("1100", "CR", "100.00"))
        _post(tenant, ("6100", "CR", "20.00"), ("1100", "DR", "20.00"))
        _post(tenant, ("6000", "DR", "30.00"), ("1100", "CR", "30.00"), date=MAY)
        _post(tenant, ("5000", "DR", "7.00"), ("1100", "CR", "7.00"))  # cost of sales: not operating expenses
        _post(tenant, ("1100", "DR", "500.00"), ("4000", "CR", "500.00"))
        cc = entry_data(line("6900", "DR", "40.00", cost_center="OPS"), ("1100", "CR", "40.00"))
        create_and_post(actor=tenant.owner, data=cc)
        create_entry(actor=tenant.owner, data=entry_data(("6100", "DR", "999.00"), ("1100", "CR", "999.00")))
        assert center.code == "OPS"
        with CaptureStatements(connection) as queries:
            spent = spent_by_budget([b.pk for b in (rent, rent_q1, rent_q2, opex, ops, revenue)])
        assert len(queries) == 1
        assert spent == {
            rent.pk: Decimal("80.00"),
            rent_q1.pk: Decimal("80.00"),
            rent_q2.pk: Decimal("0"),
            opex.pk: Decimal("150.00"),
            ops.pk: Decimal("40.00"),
            revenue.pk: Decimal("500.00"),
        }
        [figures] = with_figures([Budget.objects.select_related("currency").get(pk=rent_q1.pk)])
        assert (figures.spent, figures.remaining, figures.utilisation) == (
            Decimal("80.00"),
            Decimal("20.00"),
            Decimal("80.00"),
        )


def test_a_reversed_entry_nets_to_nothing(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        rent = _budget(tenant, account="6100")
        entry = _post(tenant, ("6100", "DR", "60.00"), ("1100", "CR", "60.00"))
        assert _spent(rent) == Decimal("60.00")
        reverse_entry(actor=tenant.owner, entry_id=entry.pk, date=IN_YEAR)
        assert _spent(rent) == Decimal("0.00")


def test_the_year_closing_entry_is_left_out(tenant):
    from comptoir.accounting.models import FiscalYear
    from comptoir.accounting.services.periods import close_fiscal_year

    with tenant_context(tenant.organization, user=tenant.owner):
        rent = _budget(tenant, account="6100")
        _post(tenant, ("6100", "DR", "70.00"), ("1100", "CR", "70.00"))
        close_fiscal_year(actor=tenant.owner, fiscal_year_id=FiscalYear.objects.get(name=YEAR).pk)
        assert JournalEntry.objects.filter(journal_type__code="CLOSING").exists()
        assert _spent(rent) == Decimal("70.00")


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ({"account": "6100", "allocated_amount": Decimal("-1")}, "negative_amount", "allocated_amount"),
        ({"account": "6100", "allocated_amount": Decimal("1.234")}, "too_many_decimals", "allocated_amount"),
        ({"account": "6100", "currency": "USD"}, "not_base_currency", "currency"),
        ({"account": "1100"}, "not_pl_account", "account"),
        ({"account": "9999"}, "unknown", "account"),
        ({"category": "11"}, "not_pl_group", "category"),
        ({"category": "nope"}, "unknown", "category"),
        ({"account": "6100", "category": "52"}, "ambiguous_scope", "category"),
        ({}, "scope_required", "account"),
        ({"cost_center": "nope"}, "unknown", "cost_center"),
        ({"account": "6100", "fiscal_year": "1999"}, "unknown", "fiscal_year"),
        ({"account": "6100", "name": " "}, "required", "name"),
    ],
)
def test_invalid_budgets_are_refused_and_nothing_is_written(tenant, data, code, field):
    with tenant_context(tenant.organization, user=tenant.owner), pytest.raises(ValidationFailed) as caught:
        _budget(tenant, **data)
    assert (caught.value.code, caught.value.errors[0].field) == (code, field)
    with tenant_context(tenant.organization):
        assert not Budget.objects.exists()


def test_one_budget_per_scope_and_period(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        _budget(tenant, account="6100")
        _budget(tenant, account="6100", quarter=1)
        with pytest.raises(ValidationFailed) as caught:
            _budget(tenant, name="again", account="6100")
        assert caught.value.code == "duplicate_budget"
        other = _budget(tenant, account="6000", quarter=1)
        with pytest.raises(ValidationFailed) as caught:
            update_budget(actor=tenant.owner, budget_id=other.pk, changes=BudgetPatch(account="6100"))
        assert caught.value.code == "duplicate_budget"
        assert Budget.objects.get(pk=other.pk).account.code == "6000"


def test_a_foreign_account_or_cost_center_is_unknown(tenant, other_tenant):
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        foreign = create_cost_center(actor=other_tenant.owner, data=CostCenterInput(code="X", name="x")).pk
    with tenant_context(tenant.organization, user=tenant.owner), pytest.raises(ValidationFailed) as caught:
        _budget(tenant, cost_center=str(foreign))
    assert caught.value.errors[0].field == "cost_center"


def test_update_and_close(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        budget = _budget(tenant, account="6100", status="DRAFT")
        updated = update_budget(
            actor=tenant.owner,
            budget_id=budget.pk,
            changes=BudgetPatch(allocated_amount=Decimal("250.50"), status="ACTIVE", quarter=2),
        )
        assert (updated.allocated_amount, updated.status, updated.quarter, updated.version) == (
            Decimal("250.50"),
            "ACTIVE",
            2,
            2,
        )
        closed = close_budget(actor=tenant.owner, budget_id=budget.pk)
        assert closed.status == "CLOSED"
        with pytest.raises(Conflict) as refused:
            update_budget(actor=tenant.owner, budget_id=budget.pk, changes=BudgetPatch(name="x"))
        assert refused.value.code == "budget_closed"
        with pytest.raises(InvalidTransition):
            close_budget(actor=tenant.owner, budget_id=budget.pk)


def _policy(tenant, value):
    set_setting(actor=tenant.owner, key="accounting.budget_overspend", value=value, data_type="STRING")


def test_refuse_policy_refuses_the_posting_that_exceeds(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        _policy(tenant, "refuse")
        _budget(tenant, account="6100")
        _post(tenant, ("6100", "DR", "90.00"), ("1100", "CR", "90.00"))
        before = (JournalEntry.objects.count(), JournalLine.objects.count())
        with pytest.raises(ValidationFailed) as caught:
            _post(tenant, ("1100", "CR", "10.01"), ("6100", "DR", "10.01"))
        assert (caught.value.code, caught.value.errors[0].field) == ("budget_exceeded", "lines[1].amount")
        assert (JournalEntry.objects.count(), JournalLine.objects.count()) == before
        _post(tenant, ("6100", "DR", "10.00"), ("1100", "CR", "10.00"))  # exactly the allocation is allowed
        _post(tenant, ("6000", "DR", "500.00"), ("1100", "CR", "500.00"))  # out of the budget's scope


def test_refuse_lets_reductions_and_unchecked_budgets_through(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        budget = _budget(tenant, account="6100")
        big = _post(tenant, ("6100", "DR", "150.00"), ("1100", "CR", "150.00"))  # warn (the default) lets it in
        _policy(tenant, "refuse")
        reverse_entry(actor=tenant.owner, entry_id=big.pk, date=IN_YEAR)  # a reduction is never refused
        close_budget(actor=tenant.owner, budget_id=budget.pk)
        _post(tenant, ("6100", "DR", "500.00"), ("1100", "CR", "500.00"))  # a closed budget is not checked
        _budget(tenant, name="draft", account="6100", quarter=1, status="DRAFT")
        _post(tenant, ("6100", "DR", "500.00"), ("1100", "CR", "500.00"))  # nor a draft one


def test_warn_policy_posts_and_notifies_the_actor(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        budget = _budget(tenant, name="Opex", category="5")
        entry = _post(tenant, ("6900", "DR", "120.00"), ("1100", "CR", "120.00"))
        assert entry.status == "POSTED"
        [note] = Notification.objects.filter(user=tenant.owner, category="budget")
        assert note.type == "WARNING" and note.title == "Budget 'Opex' exceeded"
        assert note.data == {"budget": str(budget.pk), "journal_entry": str(entry.pk)}
        _policy(tenant, "ignore")
        _post(tenant, ("6900", "DR", "1.00"), ("1100", "CR", "1.00"))
        assert Notification.objects.filter(category="budget").count() == 1


def test_the_posting_check_is_a_probe_then_the_policy_and_one_query(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        with CaptureStatements(connection) as without:
            _post(tenant, ("6100", "DR", "5.00"), ("1100", "CR", "5.00"))
        _budget(tenant, account="6100")
        with CaptureStatements(connection) as within:
            _post(tenant, ("6100", "DR", "5.00"), ("1100", "CR", "5.00"))
    # no active budget: one cheap existence probe; with budgets (policy warn): the probe, the policy setting and one
    # scope query (none exceeded)
    assert sum("accounting_budget" in q["sql"] for q in without.captured_queries) == 1
    assert sum("accounting_budget" in q["sql"] for q in within.captured_queries) == 2
    assert len(within) == len(without) + 2
