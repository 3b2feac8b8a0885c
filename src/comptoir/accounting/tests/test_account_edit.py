"""Editing and deactivating accounts through the API: each rule, each refusal (nothing written), audit, and 404 for
another organization's account."""

import pytest

from comptoir.accounting.models import Account
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context


def _account(api, code="6150", group="52", **extra) -> dict:
    created = api.post("accounting/accounts", {"code": code, "name": "Repairs", "group": group, **extra})
    assert created.status_code == 201, created.json()
    return created.json()


def _post(api, debit, credit, amount="50.00"):
    lines = [
        {"account": debit, "entry_type": "DR", "amount": amount},
        {"account": credit, "entry_type": "CR", "amount": amount},
    ]
    return api.post("accounting/journal-entries", {"date": IN_YEAR.isoformat(), "post": True, "lines": lines})


def _refused(api, method, path, body, status, code, field=None):
    account_id = path.split("/")[2]
    with tenant_context(api.tenant.organization):
        before = Account.objects.filter(pk=account_id).values().first()
    response = getattr(api, method)(path, body) if body is not None else getattr(api, method)(path)
    assert response.status_code == status, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    if field:
        assert response.json()["errors"][0]["field"] == field
    with tenant_context(api.tenant.organization):
        assert Account.objects.filter(pk=account_id).values().first() == before
    return response


@pytest.fixture
def api(tenant):
    tenant.api.tenant = tenant
    return tenant.api


def test_an_unused_account_changes_name_group_type_and_flags_and_is_audited(api):
    account = _account(api)
    changed = api.patch(
        f"accounting/accounts/{account['id']}",
        {"name": "Repairs and upkeep", "group": "51", "account_type": "EXPENSE", "is_bill_wise": True},
    )
    assert changed.status_code == 200, changed.json()
    body = changed.json()
    assert (body["name"], body["group_code"], body["account_type"], body["is_bill_wise"]) == (
        "Repairs and upkeep",
        "51",
        "EXPENSE",
        True,
    )
    assert api.get(f"accounting/accounts/{account['id']}").json() == body
    with tenant_context(api.tenant.organization):
        audit = AuditLog.objects.get(object_id=account["id"], action="UPDATE")
    assert audit.changes["name"] == ["Repairs", "Repairs and upkeep"]
    assert audit.changes["account_type"] == ["GENERAL", "EXPENSE"]


def test_input_errors_are_refused(api):
    account = _account(api)
    path = f"accounting/accounts/{account['id']}"
    _refused(api, "patch", path, {"code": "9999"}, 422, "validation_error")
    _refused(api, "patch", path, {"name": None}, 422, "validation_error")
    _refused(api, "patch", path, {"name": ""}, 422, "validation_error")
    _refused(api, "patch", path, {"group": "nope"}, 422, "unknown", "group")
    _refused(api, "patch", path, {"account_type": "SAVINGS"}, 422, "validation_error")


def test_an_account_with_lines_keeps_its_type_and_nature(api):
    account = _account(api)
    assert _post(api, "6150", "1100").status_code == 201
    path = f"accounting/accounts/{account['id']}"
    _refused(api, "patch", path, {"account_type": "EXPENSE"}, 409, "account_in_use", "account_type")
    _refused(api, "patch", path, {"group": "11"}, 409, "account_in_use", "group")  # 11 is an asset group
    moved = api.patch(path, {"group": "51", "name": "Upkeep"})  # another expense group
    assert moved.status_code == 200 and moved.json()["group_code"] == "51"
    _refused(api, "delete", path, None, 409, "account_in_use")


def test_deactivation_needs_a_zero_balance_then_refuses_postings(api):
    account = _account(api)
    path = f"accounting/accounts/{account['id']}"
    assert _post(api, "6150", "1100").status_code == 201
    refused = _refused(api, "post", f"{path}/deactivate", None, 409, "balance_not_zero", "is_active")
    assert "50" in refused.json()["detail"]
    assert _post(api, "1100", "6150").status_code == 201  # back to zero
    deactivated = api.post(f"{path}/deactivate")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    _refused(api, "post", f"{path}/deactivate", None, 409, "already_inactive")
    posting = _post(api, "6150", "1100")
    assert (posting.status_code, posting.json()["code"]) == (422, "inactive_account")
    assert [a["code"] for a in api.get("accounting/accounts", is_active="false").json()["items"]] == ["6150"]
    reactivated = api.post(f"{path}/activate")
    assert reactivated.status_code == 200 and reactivated.json()["is_active"] is True
    assert _post(api, "6150", "1100").status_code == 201
    with tenant_context(api.tenant.organization):
        changes = [a.changes for a in AuditLog.objects.filter(object_id=account["id"], action="UPDATE")]
    assert {"is_active": [True, False]} in changes and {"is_active": [False, True]} in changes


def test_a_system_account_keeps_its_type_and_is_not_deleted_but_deactivates_at_zero(api):
    with tenant_context(api.tenant.organization):
        system = Account.objects.get(code="6200")  # depreciation expense, installed with the chart
    assert system.is_system
    path = f"accounting/accounts/{system.pk}"
    _refused(api, "patch", path, {"account_type": "STOCK"}, 409, "account_in_use", "account_type")
    _refused(api, "delete", path, None, 409, "system_account")
    assert api.patch(path, {"name": "Renamed"}).json()["name"] == "Renamed"
    assert api.post(f"{path}/deactivate").json()["is_active"] is False


def test_an_unused_account_is_deleted(api):
    account = _account(api)
    assert api.delete(f"accounting/accounts/{account['id']}").status_code == 204
    assert api.get(f"accounting/accounts/{account['id']}").status_code == 404


def test_another_organizations_account_is_not_found(api, other_tenant):
    theirs = _account(other_tenant.api)
    path = f"accounting/accounts/{theirs['id']}"
    for method, suffix, body in (
        ("patch", "", {"name": "Mine now"}),
        ("post", "/deactivate", None),
        ("post", "/activate", None),
        ("delete", "", None),
    ):
        response = getattr(api, method)(path + suffix, body) if body else getattr(api, method)(path + suffix)
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert other_tenant.api.get(path).json() == theirs
