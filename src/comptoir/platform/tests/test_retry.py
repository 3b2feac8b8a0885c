"""The bounded retry of the outermost transaction (platform.retry): a real deadlock between two connections is
run again and succeeds; a transaction that keeps failing is given up after ATTEMPTS runs with a 503."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from comptoir.platform.db import app_role, owner_mode
from comptoir.platform.errors import TransactionConflict
from comptoir.platform.retry import ATTEMPTS, is_retryable, retry_on_conflict

pytestmark = pytest.mark.django_db(transaction=True)


def _sql(query, params=None):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else None


@pytest.fixture
def probe():
    """Two rows in a table of the test's own, writable by the application role."""
    with owner_mode():
        _sql("CREATE TABLE retry_probe (id int PRIMARY KEY, n int NOT NULL)")
        _sql(f'GRANT SELECT, UPDATE ON retry_probe TO "{app_role()}"')
        _sql("INSERT INTO retry_probe VALUES (1, 0), (2, 0)")
    yield
    with owner_mode():
        _sql("DROP TABLE retry_probe")


def test_a_deadlock_is_retried_and_both_transactions_succeed(probe):
    barrier = threading.Barrier(2)
    runs: list[str] = []
    errors: list[BaseException] = []

    def transfer(name: str, first: int, second: int) -> None:
        @retry_on_conflict
        def work():
            runs.append(name)
            with transaction.atomic():
                _sql("UPDATE retry_probe SET n = n + 1 WHERE id = %s", [first])
                if runs.count(name) == 1:
                    barrier.wait(timeout=10)  # both hold their first row: the second updates deadlock
                _sql("UPDATE retry_probe SET n = n + 1 WHERE id = %s", [second])

        try:
            work()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=transfer, args=args) for args in (("a", 1, 2), ("b", 2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(runs) == 3  # PostgreSQL aborted one of the two, which ran once more
    assert _sql("SELECT n FROM retry_probe ORDER BY id") == [(2,), (2,)]  # each transfer applied exactly once


def test_the_retry_is_bounded_and_ends_in_a_503():
    calls = []

    @retry_on_conflict
    def always_conflicting():
        calls.append(1)
        with transaction.atomic():
            _sql("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'serialization_failure'; END $$")

    with pytest.raises(TransactionConflict) as gave_up:
        always_conflicting()
    assert len(calls) == ATTEMPTS
    assert (gave_up.value.status, gave_up.value.code) == (503, "transaction_conflict")
    assert is_retryable(gave_up.value.__cause__)


def test_only_the_outermost_transaction_retries():
    calls = []

    @retry_on_conflict
    def conflicting():
        calls.append(1)
        _sql("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'deadlock_detected'; END $$")

    with pytest.raises(OperationalError), transaction.atomic():
        conflicting()  # inside a transaction it owns not: runs once, the error goes up to the owner
    assert len(calls) == 1


def test_other_errors_are_not_retried():
    calls = []

    @retry_on_conflict
    def failing():
        calls.append(1)
        _sql("SELECT 1 / 0")

    with pytest.raises(Exception, match="division by zero"):
        failing()
    assert len(calls) == 1
