"""The fixed cost of an authenticated request: one query resolves the session, the user, the membership and its
permissions; the session settings (`comptoir.org_id`, `comptoir.user_id`) are written only when they differ from
what the connection holds, and stay right across transactions that roll back."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tests.support.api import ApiClient, make_tenant, member_client

from comptoir.database import database_config
from comptoir.identity.services import auth
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db(transaction=True)

SET_CONFIG = "set_config('comptoir.org_id'"


def _statements(client: ApiClient, path: str, **query):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **query)
    assert response.status_code == 200, response.json()
    return [q["sql"] for q in ctx.captured_queries], response


def _settings() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('comptoir.org_id', true), current_setting('comptoir.user_id', true)")
        return cursor.fetchone()


def test_me_costs_one_query_and_the_memberships(tenant):
    sql, response = _statements(tenant.api, "me")
    assert len(sql) == 3, sql  # the first request: the settings, then the same two as every later one
    sql, response = _statements(tenant.api, "me")
    assert response.json()["org_role"] == "OWNER" and "identity.view_role" in response.json()["permissions"]
    assert len(sql) == 2, sql  # the session, user, membership and permissions; then the memberships of /me
    assert not any(SET_CONFIG in s for s in sql)  # the connection already holds this request's settings


def test_another_user_on_the_same_connection_adds_one_statement(tenant, other_tenant):
    tenant.api.get("me")
    other_tenant.api.get("me")
    sql, response = _statements(tenant.api, "platform/workspaces", limit=10)
    assert [w["name"] for w in response.json()["items"]] == ["Main"]
    assert len(sql) == 3, sql  # the settings, the identity query, the list: fixed cost 2
    assert SET_CONFIG in sql[0]


def test_a_50_row_journal_list_has_a_fixed_cost_of_one_statement(tenant):
    entry = {
        "date": datetime.date.today().replace(month=3, day=15).isoformat(),
        "journal_type": "JV",
        "narration": "rent",
        "lines": [
            {"account": "6100", "entry_type": "DR", "amount": "10.00"},
            {"account": "1100", "entry_type": "CR", "amount": "10.00"},
        ],
    }
    for _ in range(50):
        assert tenant.api.post("accounting/journal-entries", entry).status_code == 201
    tenant.api.get("me")
    sql, response = _statements(tenant.api, "accounting/journal-entries", limit=50)
    assert len(response.json()["items"]) == 50
    assert not any(SET_CONFIG in s for s in sql)
    assert "identity_authsession" in sql[0]
    assert len(sql) == 2, sql  # the identity query (with the module switches), then the page


def test_a_write_reads_the_suspension_and_the_switches_with_the_identity(tenant):
    """The organization's status and module switches come with the membership: a posting request sends no query
    of its own for them, and a suspended organization or a disabled module is still refused."""
    entry = {
        "date": datetime.date.today().replace(month=3, day=15).isoformat(),
        "journal_type": "JV",
        "lines": [
            {"account": "6100", "entry_type": "DR", "amount": "10.00"},
            {"account": "1100", "entry_type": "CR", "amount": "10.00"},
        ],
    }
    tenant.api.get("me")
    with CaptureQueriesContext(connection) as ctx:
        assert tenant.api.post("accounting/journal-entries", entry).status_code == 201
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not any("platform_moduleswitch" in s or '"platform_organization"' in s for s in sql[1:]), sql


def test_the_hint_is_checked_switching_organization_and_role(tenant, other_tenant):
    """A user in two organizations with different roles: each request gets the organization it asks for, with
    the permissions held there, whichever organization the previous request used."""
    user, employee = member_client(tenant, org_role="EMPLOYEE")
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        from comptoir.identity.services import accounts

        accounts.add_member(actor=other_tenant.owner, user=user, org_role="ADMIN")
    client = ApiClient(auth.issue_tokens(user=user).access)
    for org in [tenant, other_tenant, tenant, tenant, other_tenant]:
        client.organization = org.code
        me = client.get("me").json()
        assert me["organization_id"] == str(org.organization.pk)
        assert me["org_role"] == ("EMPLOYEE" if org is tenant else "ADMIN")
        assert ("identity.view_role" in me["permissions"]) is (org is other_tenant)
    client.organization = None  # two organizations, no default: the choice is required
    assert client.get("me").json()["code"] == "organization_required"
    client.organization = str(make_tenant().organization.pk)  # not a member there
    assert client.get("me").json()["code"] == "not_a_member"


def test_a_revoked_session_is_refused_even_with_a_hint(tenant):
    assert tenant.api.get("me").status_code == 200
    session_id, _user, _org = auth.access_token_claims(tenant.api.token)
    auth.revoke_session(session_id=session_id)
    response = tenant.api.get("me")
    assert response.status_code == 401 and response.json()["code"] == "invalid_token"


def test_no_settings_leak_into_the_next_unscoped_statement(tenant):
    assert tenant.api.get("me").status_code == 200
    assert _settings() == ("", "")  # a statement outside any context first clears what the request left


def test_settings_written_in_a_transaction_that_rolls_back_are_written_again(tenant, other_tenant):
    org, other = tenant.organization, other_tenant.organization
    with tenant_context(org):
        assert _settings()[0] == str(org.pk)
    with tenant_context(other):
        with pytest.raises(RuntimeError), transaction.atomic():
            assert _settings()[0] == str(other.pk)  # written inside the transaction…
            raise RuntimeError
        assert _settings()[0] == str(other.pk)  # …which PostgreSQL undid: written again
        with transaction.atomic():
            with tenant_context(org):
                with pytest.raises(RuntimeError), transaction.atomic():  # a savepoint
                    assert _settings()[0] == str(org.pk)
                    raise RuntimeError
                assert _settings()[0] == str(org.pk)
            assert _settings()[0] == str(other.pk)
        assert _settings()[0] == str(other.pk)  # committed: still held, and right


def test_no_health_check_round_trip(monkeypatch, tmp_path):
    """Django's CONN_HEALTH_CHECKS sends `SELECT 1` before each request's first statement: off."""
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1:5432/x")
    assert database_config(tmp_path)["CONN_HEALTH_CHECKS"] is False
    monkeypatch.delenv("DATABASE_URL")
    assert database_config(tmp_path)["CONN_HEALTH_CHECKS"] is False
