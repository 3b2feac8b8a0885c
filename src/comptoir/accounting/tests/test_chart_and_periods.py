"""Chart of accounts (tree, nature, no cycles, protected accounts) and fiscal years/periods (tiling, no overlap,
one current, close and reopen, audited)."""

import datetime
import importlib
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from tests.support.api import make_tenant

from comptoir.accounting.models import Account, AccountGroup, FiscalPeriod, FiscalYear
from comptoir.accounting.services import create_and_post
from comptoir.accounting.services.chart import (
    AccountGroupInput,
    AccountGroupPatch,
    AccountInput,
    create_account,
    create_account_group,
    delete_account,
    update_account_group,
)
from comptoir.accounting.services.periods import (
    FiscalYearInput,
    close_period,
    create_fiscal_year,
    monthly_periods,
    reopen_period,
    set_current_fiscal_year,
)
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.errors import Conflict, InvalidTransition, ValidationFailed
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


def test_group_tree_paths_nature_and_report_type(books):
    parent = create_account_group(actor=books, data=AccountGroupInput(code="13", name="Prepayments", parent="1"))
    child = create_account_group(actor=books, data=AccountGroupInput(code="131", name="Rent", parent=parent.pk))
    assert (child.nature, child.report_type, child.path) == ("ASSET", "BS", "/1/13/131/")
    income = create_account_group(actor=books, data=AccountGroupInput(code="9", name="Misc income", nature="INCOME"))
    assert income.report_type == "PL"
    with pytest.raises(ValidationFailed) as caught:
        create_account_group(actor=books, data=AccountGroupInput(code="132", name="x", parent="13", nature="EXPENSE"))
    assert caught.value.code == "nature_mismatch"
    with pytest.raises(ValidationFailed) as caught:
        create_account_group(actor=books, data=AccountGroupInput(code="x", name="x"))
    assert caught.value.errors[0].field == "nature"


def test_moving_a_group_updates_its_subtree_and_refuses_cycles(books):
    create_account_group(actor=books, data=AccountGroupInput(code="13", name="Prepayments", parent="1"))
    create_account_group(actor=books, data=AccountGroupInput(code="131", name="Rent", parent="13"))
    moved = update_account_group(
        actor=books, group_id=AccountGroup.objects.get(code="13").pk, changes=AccountGroupPatch(parent="11")
    )
    assert moved.path == "/1/11/13/"
    assert AccountGroup.objects.get(code="131").path == "/1/11/13/131/"
    for target in ("13", "131"):
        with pytest.raises(ValidationFailed) as caught:
            update_account_group(actor=books, group_id=moved.pk, changes=AccountGroupPatch(parent=target))
        assert caught.value.code == "cycle"
    with pytest.raises(ValidationFailed) as caught:
        update_account_group(actor=books, group_id=moved.pk, changes=AccountGroupPatch(parent="2"))
    assert caught.value.code == "nature_mismatch"
    assert AccountGroup.objects.get(code="131").path == "/1/11/13/131/"


def test_system_and_used_accounts_cannot_be_deleted(books):
    with pytest.raises(Conflict) as caught:
        delete_account(actor=books, account_id=Account.objects.get(code="1000").pk)
    assert caught.value.code == "system_account"
    mine = create_account(actor=books, data=AccountInput(code="6150", name="Cleaning", group="52"))
    create_and_post(actor=books, data=entry_data(("6150", "DR", "3.00"), ("1000", "CR", "3.00")))
    with pytest.raises(Conflict) as caught:
        delete_account(actor=books, account_id=mine.pk)
    assert caught.value.code == "account_in_use"
    spare = create_account(actor=books, data=AccountInput(code="6160", name="Spare", group="52"))
    delete_account(actor=books, account_id=spare.pk)
    assert not Account.objects.filter(code="6160").exists()
    assert AuditLog.objects.filter(object_id=spare.pk, action="DELETE").exists()


def test_monthly_periods_tile_the_year():
    periods = monthly_periods(datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))
    assert len(periods) == 12
    assert periods[0][1:] == (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    assert periods[-1][1:] == (datetime.date(2027, 3, 1), datetime.date(2027, 3, 31))
    for (_, _, end), (_, start, _) in zip(periods, periods[1:], strict=False):
        assert start == end + datetime.timedelta(days=1)
    short = monthly_periods(datetime.date(2026, 1, 31), datetime.date(2026, 3, 15))
    assert [p[1:] for p in short] == [
        (datetime.date(2026, 1, 31), datetime.date(2026, 2, 27)),
        (datetime.date(2026, 2, 28), datetime.date(2026, 3, 15)),
    ]


def test_fiscal_years_do_not_overlap_and_one_is_current(books):
    year = IN_YEAR.year
    with pytest.raises(ValidationFailed) as caught:
        create_fiscal_year(
            actor=books,
            data=FiscalYearInput(
                name="X", start_date=datetime.date(year, 7, 1), end_date=datetime.date(year + 1, 6, 30)
            ),
        )
    assert caught.value.code == "overlapping_fiscal_year"
    nxt = create_fiscal_year(
        actor=books,
        data=FiscalYearInput(
            name=str(year + 1), start_date=datetime.date(year + 1, 1, 1), end_date=datetime.date(year + 1, 12, 31)
        ),
    )
    assert not nxt.is_current and nxt.periods.count() == 12
    set_current_fiscal_year(actor=books, fiscal_year_id=nxt.pk)
    assert list(FiscalYear.objects.filter(is_current=True).values_list("name", flat=True)) == [str(year + 1)]
    with pytest.raises(IntegrityError), transaction.atomic():
        FiscalYear.objects.filter(name=str(year)).update(is_current=True)


def test_exclusion_constraint_refuses_overlap_by_raw_sql_when_btree_gist_exists(books):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = 'fiscal_year_no_overlap'")
        has_constraint = cursor.fetchone() is not None
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'")
        assert has_constraint == (cursor.fetchone() is not None)
    if has_constraint:
        with pytest.raises(IntegrityError), transaction.atomic():
            FiscalYear.objects.create(name="dup", start_date=IN_YEAR, end_date=IN_YEAR + datetime.timedelta(days=40))


@pytest.mark.django_db(transaction=True)
def test_concurrent_overlapping_years_only_one_wins():
    tenant = make_tenant()
    results: list[str] = []
    barrier = threading.Barrier(2)

    def work(name):
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                create_fiscal_year(
                    actor=tenant.owner,
                    data=FiscalYearInput(
                        name=name, start_date=datetime.date(2090, 1, 1), end_date=datetime.date(2090, 12, 31)
                    ),
                )
                results.append("ok")
        except ValidationFailed as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "overlapping_fiscal_year"]


def test_close_and_reopen_period_are_audited(books):
    period = FiscalPeriod.objects.get(start_date__lte=IN_YEAR, end_date__gte=IN_YEAR)
    closed = close_period(actor=books, period_id=period.pk)
    assert closed.status == "CLOSED" and closed.closed_by_id == books.pk
    with pytest.raises(InvalidTransition):
        close_period(actor=books, period_id=period.pk)
    assert reopen_period(actor=books, period_id=period.pk).status == "OPEN"
    assert (
        create_and_post(actor=books, data=entry_data(("1000", "DR", "1.00"), ("4000", "CR", "1.00"))).status == "POSTED"
    )
    moves = AuditLog.objects.filter(object_id=period.pk, action="TRANSITION").order_by("timestamp")
    assert [m.new_values["status"] for m in moves] == ["CLOSED", "OPEN"]
    FiscalYear.objects.filter(pk=period.fiscal_year_id).update(is_closed=True)
    close_period(actor=books, period_id=period.pk)
    with pytest.raises(Conflict) as caught:
        reopen_period(actor=books, period_id=period.pk)
    assert caught.value.code == "fiscal_year_closed"


def test_an_older_organization_gets_the_newer_default_accounts_once(books):
    """Migration 0015 runs the default chart's install again: what an older organization lacks is added, with one
    audit row naming it; what it has (even renamed) is left alone; a second run adds and records nothing."""
    migration = importlib.import_module("comptoir.accounting.migrations.0015_newer_default_accounts")
    Account.objects.filter(code="2300").delete()
    Account.objects.filter(code="5100").update(name="Inventory write-offs")
    audits = AuditLog.objects.filter(object_repr="default chart of accounts")
    before = audits.count()
    migration.add_missing_default_rows(None, connection.schema_editor())
    restored = Account.objects.get(code="2300")
    assert (restored.name, restored.group.code, restored.is_system) == ("Goods received not invoiced", "21", True)
    assert Account.objects.get(code="5100").name == "Inventory write-offs"
    assert audits.count() == before + 1
    assert audits.latest("timestamp").metadata == {"groups": [], "accounts": ["2300"], "journal_types": []}
    migration.add_missing_default_rows(None, connection.schema_editor())
    assert audits.count() == before + 1
