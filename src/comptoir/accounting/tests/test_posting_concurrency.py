"""Concurrent postings to the same accounts: real threads on their own connections. Numbers stay contiguous, the
balances exact, and no deadlock or serialization error reaches a caller."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.accounting.models import JournalEntry
from comptoir.accounting.services import create_and_post
from comptoir.accounting.services.books import check_books
from comptoir.accounting.tests.factories import IN_YEAR, entry_data
from comptoir.platform.tenancy import tenant_context

THREADS = 4
PER_THREAD = 250  # the figure: 4 × 250 postings to the same accounts


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_keep_numbers_contiguous_and_balances_exact():
    tenant = make_tenant()
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                for _ in range(PER_THREAD):
                    create_and_post(
                        actor=tenant.owner,
                        data=entry_data(("1200", "DR", "11.80"), ("4000", "CR", "10.00"), ("2100", "CR", "1.80")),
                    )
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    total = THREADS * PER_THREAD
    with tenant_context(tenant.organization):
        numbers = sorted(JournalEntry.objects.filter(status="POSTED").values_list("entry_number", flat=True))
        assert numbers == [f"JV-{IN_YEAR.year}-{n:06d}" for n in range(1, total + 1)]
        assert check_books() == []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.code, sum(b.debit_total), sum(b.credit_total) FROM accounting_accountbalance b "
                "JOIN accounting_account a ON a.id = b.account_id GROUP BY a.code ORDER BY a.code"
            )
            assert cursor.fetchall() == [
                ("1200", Decimal("11.80") * total, Decimal(0)),
                ("2100", Decimal(0), Decimal("1.80") * total),
                ("4000", Decimal(0), Decimal("10.00") * total),
            ]


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_cannot_together_exceed_a_refusing_budget():
    """Under `refuse`, postings into one budget are checked one after the other: of 4 postings of 60 racing for a
    budget of 100, exactly one posts and the others are refused `budget_exceeded`."""
    from comptoir.accounting.services.budgets import BudgetInput, create_budget
    from comptoir.platform.errors import ValidationFailed
    from comptoir.platform.services.configuration import set_setting

    tenant = make_tenant()
    with tenant_context(tenant.organization, user=tenant.owner):
        set_setting(actor=tenant.owner, key="accounting.budget_overspend", value="refuse", data_type="STRING")
        data = BudgetInput(name="rent", fiscal_year=str(IN_YEAR.year), account="6100", allocated_amount=Decimal(100))
        create_budget(actor=tenant.owner, data=data)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []

    def work() -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                create_and_post(actor=tenant.owner, data=entry_data(("6100", "DR", "60.00"), ("1100", "CR", "60.00")))
                outcomes.append("posted")
        except ValidationFailed as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # reported in the test's thread
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["budget_exceeded"] * (THREADS - 1) + ["posted"]
    with tenant_context(tenant.organization):
        assert JournalEntry.objects.filter(status="POSTED").count() == 1
        assert check_books() == []


@pytest.mark.django_db(transaction=True)
def test_rebuilding_one_organizations_balances_holds_back_only_its_own_postings():
    """A rebuild of A's caches, held open on its own connection, lets B post at once; A's own posting waits for
    the rebuild to commit, and both books still hold."""
    from django.db import transaction

    from comptoir.accounting.services.books import rebuild_balances

    a, b = make_tenant(), make_tenant()
    lines = (("1000", "DR", "5.00"), ("4000", "CR", "5.00"))
    rebuilt, release = threading.Event(), threading.Event()
    a_posted = threading.Event()
    errors: list[BaseException] = []

    def in_thread(fn):
        def run():
            try:
                fn()
            except BaseException as exc:  # reported in the test's thread
                errors.append(exc)
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    def rebuild_a():
        with tenant_context(a.organization, user=a.owner), transaction.atomic():
            rebuild_balances()
            rebuilt.set()
            assert release.wait(60)

    def post(tenant, done=None):
        def run():
            with tenant_context(tenant.organization, user=tenant.owner):
                create_and_post(actor=tenant.owner, data=entry_data(*lines))
            if done is not None:
                done.set()

        return run

    rebuilding = in_thread(rebuild_a)
    assert rebuilt.wait(60)
    posting_b = in_thread(post(b))
    posting_b.join(30)
    assert not posting_b.is_alive(), "a posting in B waited for A's rebuild"
    posting_a = in_thread(post(a, a_posted))
    assert not a_posted.wait(1), "a posting in A went through while A's caches were being rebuilt"
    release.set()
    rebuilding.join(60)
    posting_a.join(60)
    assert not errors, errors
    assert a_posted.is_set()
    for tenant in (a, b):
        with tenant_context(tenant.organization):
            assert JournalEntry.objects.filter(status="POSTED").count() == 1
            assert check_books() == []
