"""Settings: typed values, scopes global → organization → workspace, validation rules, read-only and secret
values, global defaults written only by the owner, and the settings API."""

import pytest
from django.db import DatabaseError, connection, transaction
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, Setting, Workspace
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.services.configuration import (
    SettingReadOnly,
    delete_setting,
    set_global_default,
    set_setting,
)
from comptoir.platform.tenancy import tenant_context


def _set(tenant, **kw):
    with tenant_context(tenant.organization, user=tenant.owner):
        return set_setting(actor=tenant.owner, **kw)


def _get(tenant, key, workspace=None, default=None):
    with tenant_context(tenant.organization):
        return get_setting(key, workspace=workspace, default=default)


def _workspace(tenant, name="Branch") -> Workspace:
    with tenant_context(tenant.organization):
        return Workspace.objects.create(name=name)


def _put(api, key, body, workspace=None):
    query = f"?workspace={workspace}" if workspace else ""
    return api.request("put", f"/api/v1/platform/settings/{key}{query}", body)


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == code
    return body


# --- resolution -------------------------------------------------------------------------------------------------


def test_effective_value_is_workspace_else_organization_else_global(tenant, other_tenant):
    set_global_default(key="sales.payment_terms_days", value=30, data_type="NUMBER")
    branch = _workspace(tenant)
    assert _get(tenant, "sales.payment_terms_days") == 30
    assert _get(other_tenant, "sales.payment_terms_days") == 30

    _set(tenant, key="sales.payment_terms_days", value=45, data_type="NUMBER")
    assert _get(tenant, "sales.payment_terms_days") == 45
    assert _get(tenant, "sales.payment_terms_days", workspace=branch) == 45
    assert _get(other_tenant, "sales.payment_terms_days") == 30  # another tenant's value never leaks

    _set(tenant, key="sales.payment_terms_days", value=60, data_type="NUMBER", workspace=branch)
    assert _get(tenant, "sales.payment_terms_days", workspace=branch) == 60
    assert _get(tenant, "sales.payment_terms_days", workspace=branch.pk) == 60
    assert _get(tenant, "sales.payment_terms_days") == 45

    with tenant_context(tenant.organization, user=tenant.owner):
        delete_setting(actor=tenant.owner, key="sales.payment_terms_days", workspace=branch)
    assert _get(tenant, "sales.payment_terms_days", workspace=branch) == 45


def test_get_setting_is_one_query_and_falls_back_to_default(tenant):
    branch = _workspace(tenant)
    set_global_default(key="hr.standard_day_hours", value=8, data_type="NUMBER")
    _set(tenant, key="hr.standard_day_hours", value=7.5, data_type="NUMBER", workspace=branch)
    with tenant_context(tenant.organization):
        with CaptureStatements(connection) as ctx:
            assert get_setting("hr.standard_day_hours", workspace=branch) == 7.5
        assert len(ctx.captured_queries) == 1
        assert get_setting("no.such.key", default="fallback") == "fallback"
        assert get_setting("no.such.key") is None


# --- types and rules --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_type", "good", "bad"),
    [
        ("STRING", "hello", 5),
        ("NUMBER", 2.5, True),
        ("NUMBER", 3, "3"),
        ("BOOLEAN", False, 0),
        ("OBJECT", {"a": 1}, [1]),
        ("ARRAY", [1, 2], {"a": 1}),
    ],
)
def test_value_must_have_the_declared_type(tenant, data_type, good, bad):
    assert _set(tenant, key="t.value", value=good, data_type=data_type).value == good
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="t.value", value=bad, data_type=data_type)
    assert (exc.value.code, exc.value.errors[0].field) == ("invalid_type", "value")
    assert _get(tenant, "t.value") == good


@pytest.mark.parametrize(
    ("data_type", "rules", "good", "bad", "code"),
    [
        ("NUMBER", {"min": 0, "max": 100}, 100, 101, "max_value"),
        ("NUMBER", {"min": 0}, 0, -1, "min_value"),
        ("STRING", {"choices": ["FIFO", "AVERAGE"]}, "FIFO", "LIFO", "invalid_choice"),
        ("STRING", {"pattern": r"[A-Z]{3}-\d+"}, "INV-1", "inv-1", "pattern_mismatch"),
        ("STRING", {"min_length": 2, "max_length": 3}, "abc", "abcd", "max_length"),
        ("ARRAY", {"min_length": 1}, ["x"], [], "min_length"),
    ],
)
def test_validation_rules(tenant, data_type, rules, good, bad, code):
    _set(tenant, key="t.rule", value=good, data_type=data_type, validation_rules=rules)
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="t.rule", value=bad, data_type=data_type, validation_rules=rules)
    assert exc.value.code == code
    assert _get(tenant, "t.rule") == good


def test_a_row_keeps_its_rules_category_and_description_when_updated_without_them(tenant):
    _set(
        tenant, key="t.kept", value=5, data_type="NUMBER", validation_rules={"max": 10}, category="ops", description="d"
    )
    row = _set(tenant, key="t.kept", value=6, data_type="NUMBER")
    assert (row.validation_rules, row.category, row.description) == ({"max": 10}, "ops", "d")
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="t.kept", value=11, data_type="NUMBER")
    assert exc.value.code == "max_value"
    assert _get(tenant, "t.kept") == 6


@pytest.mark.parametrize(
    ("data_type", "rules"),
    [
        ("BOOLEAN", {"min": 1}),
        ("NUMBER", {"min": "low"}),
        ("STRING", {"pattern": "("}),
        ("STRING", {"choices": []}),
        ("ARRAY", {"max_length": -1}),
        ("STRING", ["not", "an", "object"]),
    ],
)
def test_malformed_rules_are_refused(tenant, data_type, rules):
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="t.bad_rules", value=None, data_type=data_type, validation_rules=rules)
    assert exc.value.code == "invalid_validation_rules"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key="t.bad_rules").exists()


def test_override_obeys_the_global_definition(tenant):
    set_global_default(
        key="purchasing.approval_threshold", value=1000, data_type="NUMBER", validation_rules={"min": 0, "max": 10**6}
    )
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="purchasing.approval_threshold", value=-5, data_type="NUMBER")
    assert exc.value.code == "min_value"
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="purchasing.approval_threshold", value="5", data_type="STRING")
    assert (exc.value.code, exc.value.errors[0].field) == ("data_type_mismatch", "data_type")
    assert _get(tenant, "purchasing.approval_threshold") == 1000


def test_bad_key_type_and_workspace_are_refused(tenant, other_tenant):
    for key in ("", "Upper.Case", "spaces here", "x" * 256):
        with pytest.raises(ValidationFailed) as exc:
            _set(tenant, key=key, value="v", data_type="STRING")
        assert exc.value.code == "invalid_key"
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="k", value="v", data_type="TEXT")
    assert exc.value.code == "invalid_choice"
    foreign = _workspace(other_tenant)
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key="k", value="v", data_type="STRING", workspace=foreign)
    assert exc.value.code == "unknown_workspace"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key="k").exists()


# --- read-only, secrets, global defaults ------------------------------------------------------------------------


def test_read_only_setting_refuses_writes(tenant):
    set_global_default(key="books.base_currency_locked", value=True, data_type="BOOLEAN", is_readonly=True)
    with pytest.raises(SettingReadOnly) as exc:
        _set(tenant, key="books.base_currency_locked", value=False, data_type="BOOLEAN")
    assert (exc.value.status, exc.value.code) == (409, "setting_readonly")
    response = _put(tenant.api, "books.base_currency_locked", {"value": False, "data_type": "BOOLEAN"})
    _problem(response, 409, "setting_readonly")
    assert _get(tenant, "books.base_currency_locked") is True
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key="books.base_currency_locked", organization=tenant.organization).exists()


def test_secret_is_encrypted_at_rest_and_decrypted_only_by_the_service(tenant):
    row = _set(tenant, key="mail.smtp_password", value="hunter2-s3cret", data_type="STRING", is_secret=True)
    with tenant_context(tenant.organization):
        stored = Setting.objects.get(pk=row.pk)
        assert stored.value is None and stored.is_secret
        assert stored.encrypted_value and "hunter2" not in stored.encrypted_value
        audit = AuditLog.objects.get(object_id=row.pk)
        assert audit.new_values["value"] == "***" and "hunter2" not in str(audit.new_values)
    assert _get(tenant, "mail.smtp_password") == "hunter2-s3cret"

    body = tenant.api.get("platform/settings/mail.smtp_password").json()
    assert (body["value"], body["is_secret"], body["scope"]) == (None, True, "organization")
    listed = tenant.api.get("platform/settings").json()["items"]
    assert [(s["key"], s["value"]) for s in listed] == [("mail.smtp_password", None)]
    assert b"hunter2" not in tenant.api.get("platform/settings", format="csv").getvalue()


def test_override_of_a_secret_default_stays_secret(tenant):
    set_global_default(key="bank.api_key", value="default-key", data_type="STRING", is_secret=True)
    row = _set(tenant, key="bank.api_key", value="tenant-key", data_type="STRING")
    assert row.is_secret and row.value is None
    assert _get(tenant, "bank.api_key") == "tenant-key"
    assert tenant.api.get("platform/settings/bank.api_key").json()["value"] is None


def test_global_defaults_are_readable_by_every_tenant_but_not_writable_by_the_app(tenant, other_tenant):
    set_global_default(
        key="ui.theme", value="light", data_type="STRING", validation_rules={"choices": ["light", "dark"]}
    )
    for t in (tenant, other_tenant):
        body = t.api.get("platform/settings/ui.theme").json()
        assert (body["value"], body["scope"]) == ("light", "global")
    with tenant_context(tenant.organization), pytest.raises(DatabaseError), transaction.atomic():
        Setting.objects.create(organization=None, key="ui.rogue", value="x")
    with tenant_context(tenant.organization):  # restrictive policies: a tenant neither changes nor deletes them
        assert Setting.objects.filter(key="ui.theme").update(value="dark") == 0
        assert Setting.objects.filter(key="ui.theme").delete()[0] == 0
    assert _get(other_tenant, "ui.theme") == "light"
    with pytest.raises(ValidationFailed):
        set_global_default(key="ui.theme", value="blue", data_type="STRING", validation_rules={"choices": ["light"]})


# --- API --------------------------------------------------------------------------------------------------------


def test_put_get_list_and_delete_through_the_api(tenant):
    set_global_default(key="inventory.allow_negative", value=False, data_type="BOOLEAN", category="inventory")
    branch = str(_workspace(tenant).pk)
    put = _put(tenant.api, "inventory.allow_negative", {"value": True, "data_type": "BOOLEAN"})
    assert put.status_code == 200, put.content
    assert (put.json()["value"], put.json()["scope"]) == (True, "organization")
    put = _put(tenant.api, "inventory.allow_negative", {"value": False, "data_type": "BOOLEAN"}, workspace=branch)
    assert (put.json()["scope"], put.json()["workspace_id"]) == ("workspace", branch)

    assert tenant.api.get("platform/settings/inventory.allow_negative").json()["value"] is True
    scoped = tenant.api.get("platform/settings/inventory.allow_negative", workspace=branch).json()
    assert (scoped["value"], scoped["scope"]) == (False, "workspace")

    _put(tenant.api, "crm.lead_prefix", {"value": "LD", "data_type": "STRING", "category": "crm"})
    listed = tenant.api.get("platform/settings").json()["items"]
    assert [(s["key"], s["value"], s["scope"]) for s in listed] == [
        ("crm.lead_prefix", "LD", "organization"),
        ("inventory.allow_negative", True, "organization"),
    ]
    listed = tenant.api.get("platform/settings", workspace=branch, category="inventory").json()["items"]
    assert [(s["key"], s["value"], s["scope"]) for s in listed] == [("inventory.allow_negative", False, "workspace")]

    assert tenant.api.delete("platform/settings/inventory.allow_negative").status_code == 204
    body = tenant.api.get("platform/settings/inventory.allow_negative").json()
    assert (body["value"], body["scope"]) == (False, "global")
    _problem(tenant.api.delete("platform/settings/inventory.allow_negative"), 404, "not_found")
    _problem(tenant.api.get("platform/settings/no.such.key"), 404, "not_found")


def test_api_refuses_bad_values_with_field_errors_and_writes_nothing(tenant):
    set_global_default(key="sales.discount_max_pct", value=10, data_type="NUMBER", validation_rules={"max": 50})
    body = _problem(
        _put(tenant.api, "sales.discount_max_pct", {"value": 90, "data_type": "NUMBER"}),
        422,
        "max_value",
    )
    assert body["errors"][0]["field"] == "value"
    body = _problem(_put(tenant.api, "sales.discount_max_pct", {"value": 5}), 422, "validation_error")
    assert body["errors"][0]["field"] == "data_type"
    body = _problem(
        _put(
            tenant.api,
            "sales.discount_max_pct",
            {"value": 5, "data_type": "NUMBER", "validation_rules": {"max": 1000}},
        ),
        422,
        "validation_error",
    )
    assert body["errors"][0]["code"] == "extra_forbidden"
    _problem(_put(tenant.api, "Bad.Key", {"value": 5, "data_type": "NUMBER"}), 422, "invalid_key")
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(organization=tenant.organization).exists()


def test_permissions(tenant):
    _user, investor = member_client(tenant, org_role="INVESTOR")
    assert investor.get("platform/settings").status_code == 200
    _problem(_put(investor, "a.b", {"value": "x", "data_type": "STRING"}), 403, "permission_denied")
    _problem(investor.delete("platform/settings/a.b"), 403, "permission_denied")
    token = tenant.api.post("identity/api-tokens", {"name": "ws only", "scopes": ["platform.view_workspace"]})
    narrow = ApiClient(token.json()["token"])
    _problem(narrow.get("platform/settings"), 403, "permission_denied")
    _problem(narrow.get("platform/settings/a.b"), 403, "permission_denied")
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key="a.b").exists()


def test_cross_tenant_isolation(tenant, other_tenant):
    other_branch = str(_workspace(other_tenant).pk)
    _put(other_tenant.api, "crm.secret_sauce", {"value": "B only", "data_type": "STRING"})
    assert tenant.api.get("platform/settings").json()["items"] == []
    _problem(tenant.api.get("platform/settings/crm.secret_sauce"), 404, "not_found")
    _problem(tenant.api.delete("platform/settings/crm.secret_sauce"), 404, "not_found")
    _problem(tenant.api.get("platform/settings", workspace=other_branch), 404, "not_found")
    _problem(tenant.api.get("platform/settings/crm.secret_sauce", workspace=other_branch), 404, "not_found")
    response = _put(tenant.api, "crm.secret_sauce", {"value": "A", "data_type": "STRING"}, workspace=other_branch)
    _problem(response, 404, "not_found")
    # A's own value does not touch B's.
    assert _put(tenant.api, "crm.secret_sauce", {"value": "A", "data_type": "STRING"}).status_code == 200
    assert other_tenant.api.get("platform/settings/crm.secret_sauce").json()["value"] == "B only"


def test_list_query_count_does_not_grow_with_page_size(tenant):
    for i in range(12):
        _set(tenant, key=f"bulk.key{i:02d}", value=i, data_type="NUMBER")
    counts = []
    for limit in (2, 12):
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("platform/settings", limit=limit)
        assert len(response.json()["items"]) == limit
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
