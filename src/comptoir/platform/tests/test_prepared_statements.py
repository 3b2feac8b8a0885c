"""Hot statements are prepared once per connection (`prepared_cursor`); `insert_rows` writes a model's rows
through it as `save()` would, `fetch_rows` reads them as the ORM would (scoped to the organization in context) and
`update_fields` writes fields as `save(update_fields=…)` would. A prepared cursor's statement text is turned into
PostgreSQL's placeholders once, however long; a service inside another joins its transaction without a savepoint."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext_lazy
from psycopg._queries import MAX_CACHED_STATEMENT_PARAMS
from tests.support.queries import CaptureStatements

from comptoir.platform import db
from comptoir.platform.db import fetch_rows, insert_rows, prepared_cursor, service_transaction, update_fields
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


def test_insert_rows_passes_a_value_of_another_type_through_its_field(tenant):
    """Plain values (a str for a text column, a UUID for a key) go to psycopg as they are; any other is prepared by
    its field, as `save()` prepares it."""
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        row = Notification(
            organization_id=tenant.organization.pk, user_id=str(tenant.owner.pk), title=gettext_lazy("Paid"), message=42
        )
        insert_rows([row])
        stored = Notification.objects.get(pk=row.pk)
        assert (stored.title, stored.message, stored.user_id) == ("Paid", "42", tenant.owner.pk)


def _notifications(tenant, *titles) -> list[Notification]:
    with tenant_context(tenant.organization, user=tenant.owner):
        return [
            Notification.objects.create(user=tenant.owner, title=title, message="m", data={"n": [1, "2"]})
            for title in titles
        ]


def test_fetch_rows_reads_as_the_orm_and_only_the_organization_in_context(tenant, other_tenant):
    mine = _notifications(tenant, "a", "b")
    theirs = _notifications(other_tenant, "a")
    with tenant_context(tenant.organization, user=tenant.owner):
        with CaptureStatements(connection) as log:
            found = fetch_rows(Notification, "title = ANY(%s)", [["a", "b"]])
        assert len(log.captured_queries) == 1
        by_orm = {n.pk: n for n in Notification.objects.filter(title__in=["a", "b"])}
        assert {n.pk for n in found} == {n.pk for n in mine} == set(by_orm)  # the other tenant's "a" is not read
        for row in found:
            orm = by_orm[row.pk]
            for field in Notification._meta.concrete_fields:
                assert getattr(row, field.attname) == getattr(orm, field.attname), field.name
            assert row.data == {"n": [1, "2"]}  # JSON through its converter, not text
            assert not row._state.adding
        assert fetch_rows(Notification, "id = %s", [theirs[0].pk]) == []


def test_update_fields_writes_the_named_fields_and_stamps_auto_now(tenant, other_tenant):
    row = _notifications(tenant, "old")[0]
    with tenant_context(tenant.organization, user=tenant.owner):
        before = row.updated_at
        row.title, row.message = "new", "not saved"
        update_fields(row, ["title", "updated_at"])
        stored = Notification.objects.get(pk=row.pk)
        assert (stored.title, stored.message) == ("new", "m")  # only the named fields
        assert stored.updated_at == row.updated_at > before
    with tenant_context(other_tenant.organization, user=other_tenant.owner), pytest.raises(DatabaseError):
        update_fields(row, ["title"])  # another tenant's row: row-level security hides it, nothing is written


def test_a_long_statement_is_converted_once_and_bound_right(tenant):
    """psycopg itself would rewrite a statement of more than 50 parameters on every run; ours is rewritten once."""
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        batches = [
            [Notification(organization_id=tenant.organization.pk, user=tenant.owner, title=f"b{b}-{i}", message=f"{i}")
             for i in range(5)]
            for b in range(3)
        ]  # fmt: skip
        assert 5 * len(Notification._meta.concrete_fields) > MAX_CACHED_STATEMENT_PARAMS
        before = db._converted.cache_info()
        for rows in batches:
            insert_rows(rows)
        after = db._converted.cache_info()
        assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)  # one text, converted once
        stored = dict(Notification.objects.filter(title__startswith="b").values_list("title", "message"))
        assert stored == {f"b{b}-{i}": str(i) for b in range(3) for i in range(5)}


def _savepoints(log) -> list[str]:
    return [q["sql"] for q in log.captured_queries if q["sql"].startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO"))]


def test_a_service_inside_another_joins_its_transaction_without_a_savepoint(tenant):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        with CaptureStatements(connection) as log, service_transaction():
            Notification.objects.create(user=tenant.owner, title="outer", message="m")
            with service_transaction():
                Notification.objects.create(user=tenant.owner, title="inner", message="m")
        assert len(_savepoints(log)) == 2  # the outer's, in the test's transaction: SAVEPOINT and RELEASE
        assert Notification.objects.filter(title__in=("outer", "inner")).count() == 2


def test_a_refusal_inside_a_joined_service_writes_nothing_of_the_whole_operation(tenant):
    with tenant_context(tenant.organization, user=tenant.owner), transaction.atomic():
        with pytest.raises(ValueError), service_transaction():
            Notification.objects.create(user=tenant.owner, title="outer", message="m")
            with service_transaction():
                Notification.objects.create(user=tenant.owner, title="inner", message="m")
                raise ValueError("refused")
        assert not Notification.objects.filter(title__in=("outer", "inner")).exists()  # the caller carries on
        with service_transaction():  # and the next operation is outermost again: its own savepoint
            Notification.objects.create(user=tenant.owner, title="next", message="m")
        assert Notification.objects.filter(title="next").count() == 1
