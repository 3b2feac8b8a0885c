"""The books enforced a second time: raw SQL that bypasses the services is refused by PostgreSQL itself."""

import pytest
from django.db import IntegrityError, connection, transaction

from comptoir.accounting.services import create_and_post, create_entry
from comptoir.accounting.tests.factories import entry_data
from comptoir.platform.tenancy import tenant_context

BALANCED = (("1000", "DR", "50.00"), ("4000", "CR", "50.00"))


@pytest.fixture
def posted(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        entry = create_and_post(actor=tenant.owner, data=entry_data(*BALANCED))
    with tenant_context(tenant.organization, user=tenant.owner):
        yield entry


def _refused(sql, params):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE accounting_journalline SET amount = amount + 1, base_amount = base_amount + 1 WHERE entry_id = %s",
        "UPDATE accounting_journalline SET account_id = account_id WHERE entry_id = %s",
        "DELETE FROM accounting_journalline WHERE entry_id = %s",
        "UPDATE accounting_journalentry SET total_debit = total_debit + 1 WHERE id = %s",
        "UPDATE accounting_journalentry SET date = date + 1 WHERE id = %s",
        "UPDATE accounting_journalentry SET entry_number = 'JV-HACKED' WHERE id = %s",
        "UPDATE accounting_journalentry SET status = 'DRAFT' WHERE id = %s",
        "DELETE FROM accounting_journalentry WHERE id = %s",
    ],
)
def test_posted_entry_cannot_be_changed_by_raw_sql(posted, sql):
    _refused(sql, [posted.pk])
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(amount), count(*) FROM accounting_journalline WHERE entry_id = %s", [posted.pk])
        assert cursor.fetchone() == (100, 2)


def test_adding_a_line_to_a_posted_entry_is_refused(posted):
    _refused(
        "INSERT INTO accounting_journalline (id, organization_id, created_at, updated_at, entry_id, line_no, "
        "account_id, entry_type, amount, currency_id, exchange_rate, base_amount, entry_date, remarks) "
        "SELECT gen_random_uuid(), organization_id, now(), now(), entry_id, 3, account_id, 'DR', 1, currency_id, 1, 1, "
        "entry_date, '' FROM accounting_journalline WHERE entry_id = %s AND line_no = 1",
        [posted.pk],
    )


def test_non_positive_amount_is_refused_by_a_check(posted, tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(*BALANCED))
    _refused("UPDATE accounting_journalline SET amount = 0 WHERE entry_id = %s AND line_no = 1", [draft.pk])
    _refused("UPDATE accounting_journalline SET entry_type = 'XX' WHERE entry_id = %s AND line_no = 1", [draft.pk])


def _post_by_sql(entry_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounting_journalentry SET status = 'POSTED', entry_number = 'RAW-1', posted_at = now() "
            "WHERE id = %s",
            [entry_id],
        )


def test_unbalanced_posted_entry_is_refused_at_commit(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(*BALANCED))
        with pytest.raises(IntegrityError, match="unbalanced"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE accounting_journalline SET amount = 60, base_amount = 60 "
                    "WHERE entry_id = %s AND line_no = 1",
                    [draft.pk],
                )
            _post_by_sql(draft.pk)  # accepted now: the balance check is deferred to the commit
            connection.check_constraints()  # what COMMIT runs


def test_posted_entry_with_one_line_or_wrong_totals_is_refused_at_commit(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        draft = create_entry(actor=tenant.owner, data=entry_data(*BALANCED))
        with pytest.raises(IntegrityError, match="at least 2"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM accounting_journalline WHERE entry_id = %s AND line_no = 2", [draft.pk])
            _post_by_sql(draft.pk)
            connection.check_constraints()
        with pytest.raises(IntegrityError, match="totals differ"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE accounting_journalentry SET total_debit = 1 WHERE id = %s", [draft.pk])
            _post_by_sql(draft.pk)
            connection.check_constraints()
