"""Numbering under concurrency: real threads on their own connections, committed numbers gap-free."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from tests.support.api import make_tenant

from comptoir.platform.models import Sequence
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import tenant_context

THREADS = 8
PER_THREAD = 200
ROLLBACK_EVERY = 7


class Abandoned(Exception):
    """The document failed after taking its number."""


@pytest.mark.django_db(transaction=True)
def test_concurrent_takers_commit_distinct_contiguous_numbers_and_reuse_rolled_back_ones():
    tenant = make_tenant()
    barrier = threading.Barrier(THREADS)
    committed: list[list[str]] = [[] for _ in range(THREADS)]
    rolled_back: list[list[str]] = [[] for _ in range(THREADS)]
    errors: list[BaseException] = []

    def work(slot: int) -> None:
        try:
            with tenant_context(tenant.organization):
                barrier.wait()
                for i in range(1, PER_THREAD + 1):
                    try:
                        with transaction.atomic():
                            number = next_number(document_type="INV", on=datetime.date(2026, 5, 1))
                            if i % ROLLBACK_EVERY == 0:
                                rolled_back[slot].append(number)
                                raise Abandoned
                        committed[slot].append(number)
                    except Abandoned:
                        pass
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors, errors
    numbers = [n for per_thread in committed for n in per_thread]
    expected = THREADS * (PER_THREAD - PER_THREAD // ROLLBACK_EVERY)
    assert len(numbers) == len(set(numbers)) == expected
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, expected + 1))
    for per_thread in committed:  # each thread saw its own numbers increase
        assert per_thread == sorted(per_thread)
    abandoned = [n for per_thread in rolled_back for n in per_thread]
    assert len(abandoned) == THREADS * (PER_THREAD // ROLLBACK_EVERY)  # a number may be abandoned twice
    assert set(abandoned) <= set(numbers), "every rolled-back number was taken again by a committed document"
    with tenant_context(tenant.organization):
        assert Sequence.objects.get(document_type="INV").last_value == expected
