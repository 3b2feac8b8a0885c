"""Account groups edited and cost centers created through the API: the rules, the refusals (nothing written) and
404 for another organization's rows."""

import pytest

from comptoir.accounting.models import AccountGroup, CostCenter
from comptoir.platform.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def _group(tenant, code: str) -> AccountGroup:
    with tenant_context(tenant.organization):
        return AccountGroup.objects.get(code=code)


def test_a_group_is_renamed_and_moved_under_a_parent_of_its_nature(tenant):
    api = tenant.api
    created = api.post("accounting/account-groups", {"code": "53", "name": "Travel", "parent": "5"})
    assert created.status_code == 201, created.json()
    moved = api.patch(f"accounting/account-groups/{created.json()['id']}", {"name": "Travel costs", "parent": "52"})
    assert moved.status_code == 200, moved.json()
    assert (moved.json()["name"], moved.json()["path"]) == ("Travel costs", "/5/52/53/")


@pytest.mark.parametrize(
    ("code", "body", "error", "field"),
    [
        ("5", {"parent": "52"}, "cycle", "parent"),  # under its own child
        ("52", {"parent": "1"}, "nature_mismatch", "parent"),  # an expense group under assets
        ("52", {"parent": "nope"}, "unknown", "parent"),
        ("52", {"name": ""}, "validation_error", None),
    ],
)
def test_a_group_move_or_rename_that_breaks_a_rule_is_refused_and_nothing_changes(tenant, code, body, error, field):
    group = _group(tenant, code)
    response = tenant.api.patch(f"accounting/account-groups/{group.pk}", body)
    assert response.status_code in (400, 422), response.json()
    assert response.json()["code"] == error
    if field:
        assert response.json()["errors"][0]["field"] == field
    after = _group(tenant, code)
    assert (after.name, after.path, after.parent_id) == (group.name, group.path, group.parent_id)


def test_cost_centers_are_created_listed_and_unique_by_code(tenant):
    api = tenant.api
    created = api.post("accounting/cost-centers", {"code": "SHOP", "name": "Shop"})
    assert created.status_code == 201, created.json()
    assert api.get(f"accounting/cost-centers/{created.json()['id']}").json()["name"] == "Shop"
    assert [c["code"] for c in api.get("accounting/cost-centers").json()["items"]] == ["SHOP"]
    duplicate = api.post("accounting/cost-centers", {"code": "SHOP", "name": "Again"})
    assert (duplicate.status_code, duplicate.json()["code"]) == (422, "duplicate")
    with tenant_context(tenant.organization):
        assert CostCenter.objects.count() == 1


def test_another_organizations_group_and_cost_center_are_not_found(tenant, other_tenant):
    theirs = _group(other_tenant, "52")
    response = tenant.api.patch(f"accounting/account-groups/{theirs.pk}", {"name": "Mine now"})
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert _group(other_tenant, "52").name == theirs.name
    center = other_tenant.api.post("accounting/cost-centers", {"code": "HQ", "name": "Head office"}).json()
    assert tenant.api.get(f"accounting/cost-centers/{center['id']}").status_code == 404
    assert tenant.api.get("accounting/cost-centers").json()["items"] == []


def test_the_journal_filters_refuse_another_organizations_account_and_a_reversed_amount_range(tenant, other_tenant):
    theirs = other_tenant.api.get("accounting/accounts").json()["items"][0]
    refused = tenant.api.get("accounting/journal-entries", account=theirs["id"])
    assert (refused.status_code, refused.json()["code"]) == (422, "unknown")
    assert refused.json()["errors"][0]["field"] == "account"
    reversed_range = tenant.api.get("accounting/journal-entries", amount_min="10", amount_max="5")
    assert (reversed_range.status_code, reversed_range.json()["code"]) == (422, "invalid_range")
    assert reversed_range.json()["errors"][0]["field"] == "amount_max"


def test_a_period_closes_and_reopens_with_its_reason_in_the_audit_log(tenant):
    from comptoir.platform.models import AuditLog

    year = tenant.api.get("accounting/fiscal-years").json()["items"][0]["id"]
    period = tenant.api.get(f"accounting/fiscal-years/{year}").json()["periods"][0]["id"]
    assert tenant.api.post(f"accounting/periods/{period}/close", {"reason": "month end"}).status_code == 200
    assert tenant.api.post(f"accounting/periods/{period}/reopen", {"reason": "late bill"}).status_code == 200
    with tenant_context(tenant.organization):
        reasons = list(AuditLog.objects.filter(object_id=period).order_by("timestamp").values_list("reason", flat=True))
    assert reasons[-2:] == ["month end", "late bill"]
