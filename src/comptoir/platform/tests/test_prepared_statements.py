"""Hot statements are prepared once per connection (`prepared_cursor`), and `insert_rows` writes a model's rows
through it as `save()` would."""

import pytest
from django.db import connection, transaction
from tests.support.queries import CaptureStatements

from comptoir.platform.db import insert_rows, prepared_cursor
from comptoir.platform.models import Notification
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db

PROBE = "SELECT %s::int + 1 AS prepared_probe"


def _prepared(marker: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{marker}%"])
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_is_prepared_on_its_second_use_and_logged_as_written():
    with CaptureStatements(connection) as log:  # without the session settings a context change may send
        for n in range(3):
            with prepared_cursor() as cursor:
                cursor.execute(PROBE, [n])
                assert cursor.fetchone() == (n + 1,)
    assert len(_prepared("prepared_probe")) == 1  # one server-side statement, reused
    assert [q["sql"] for q in log.captured_queries] == [PROBE] * 3


def test_django_cursors_prepare_nothing():
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::int AS client_probe", [1])
    assert _prepared("client_probe") == []


def test_insert_rows_writes_rows_as_save_would(tenant):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        rows = [
            Notification(organization_id=tenant.organization.pk, user=tenant.owner, title=f"n{i}", message="m")
            for i in range(3)
        ]
        insert_rows(rows)
        stored = {n.pk: n for n in Notification.objects.filter(title__startswith="n")}
        assert set(stored) == {row.pk for row in rows}
        for row in rows:
            assert row.created_at is not None and stored[row.pk].created_at == row.created_at  # auto_now_add
            assert not row._state.adding  # a later save() updates, never inserts twice
