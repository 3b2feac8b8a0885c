"""Settings: declared by the module specs (type, default, allowed values, validator), scopes declared default →
global → organization → workspace, validation rules, read-only and secret values, global defaults written only by
the owner, and the settings API. `accounting.budget_overspend` (ignore | warn | refuse, default warn) is the
declared setting these tests use."""

import pytest
from django.db import DatabaseError, connection, transaction
from tests.support.api import ApiClient, member_client
from tests.support.queries import CaptureStatements

from comptoir.platform.constants import SettingType
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, Setting, Workspace
from comptoir.platform.modules import SettingSpec, UndeclaredSetting
from comptoir.platform.queries.configuration import get_setting, get_settings
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


def _get(tenant, key=None, workspace=None):
    with tenant_context(tenant.organization):
        return get_setting(key or KEY, workspace=workspace)


KEY = "accounting.budget_overspend"


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


# --- declarations ----------------------------------------------------------------------------------------------


def test_an_undeclared_key_is_refused_and_reading_one_is_an_error(tenant):
    for key in ("sales.payment_terms_days", "Upper.Case", ""):
        with pytest.raises(ValidationFailed) as exc:
            _set(tenant, key=key, value=30)
        assert (exc.value.code, exc.value.errors[0].field) == ("unknown_setting", "key")
    with pytest.raises(ValidationFailed) as exc:
        set_global_default(key="no.such.key", value=1)
    assert exc.value.code == "unknown_setting"
    with tenant_context(tenant.organization), pytest.raises(UndeclaredSetting):
        get_setting("no.such.key")
    body = _problem(_put(tenant.api, "sales.payment_terms_days", {"value": 30}), 422, "unknown_setting")
    assert body["errors"][0]["field"] == "key"
    _problem(tenant.api.get("platform/settings/no.such.key"), 404, "not_found")
    with tenant_context(tenant.organization):
        assert not Setting.objects.exists()


def test_a_value_outside_the_declared_choices_is_refused_never_read_as_the_default(tenant):
    """Before, `accounting.budget_overspend = "refuze"` was stored and silently read as "warn"."""
    for value, code in (("refuze", "invalid_choice"), (3, "invalid_type"), (None, "required")):
        with pytest.raises(ValidationFailed) as exc:
            _set(tenant, key=KEY, value=value)
        assert (exc.value.code, exc.value.errors[0].field) == (code, "value")
    _problem(_put(tenant.api, KEY, {"value": "refuze"}), 422, "invalid_choice")
    body = _problem(_put(tenant.api, KEY, {"value": "refuse", "data_type": "NUMBER"}), 422, "data_type_mismatch")
    assert body["errors"][0]["field"] == "data_type"
    with tenant_context(tenant.organization):
        assert not Setting.objects.exists()
    assert _get(tenant) == "warn"


def test_the_declared_default_applies_until_a_row_sets_the_key(tenant):
    assert _get(tenant) == "warn"
    body = tenant.api.get(f"platform/settings/{KEY}").json()
    assert (body["value"], body["scope"], body["data_type"], body["category"]) == (
        "warn",
        "default",
        "STRING",
        "accounting",
    )
    assert _put(tenant.api, KEY, {"value": "refuse"}).json()["scope"] == "organization"
    assert _get(tenant) == "refuse"


@pytest.mark.parametrize(
    ("data_type", "good", "bad"),
    [
        ("STRING", "hello", 5),
        ("NUMBER", 2.5, True),
        ("NUMBER", 3, "3"),
        ("NUMBER", 3, float("nan")),
        ("BOOLEAN", False, 0),
        ("OBJECT", {"a": 1}, [1]),
        ("ARRAY", [1, 2], {"a": 1}),
    ],
)
def test_a_value_must_have_the_declared_type(data_type, good, bad):
    spec = SettingSpec("t.value", data_type, default=good)
    assert spec.problem(good) is None
    assert spec.problem(bad)[0] == "invalid_type"


def test_a_declared_validator_refuses_with_its_message():
    def positive(value):
        if value <= 0:
            raise ValueError("The value must be positive")

    spec = SettingSpec("t.days", SettingType.NUMBER, default=30, validator=positive)
    assert spec.problem(30) is None
    assert spec.problem(-1) == ("invalid_value", "The value must be positive")


# --- resolution -------------------------------------------------------------------------------------------------


def test_effective_value_is_workspace_else_organization_else_global_else_declared(tenant, other_tenant):
    set_global_default(key=KEY, value="ignore")
    branch = _workspace(tenant)
    assert _get(tenant) == "ignore"
    assert _get(other_tenant) == "ignore"

    _set(tenant, key=KEY, value="refuse")
    assert _get(tenant) == "refuse"
    assert _get(tenant, workspace=branch) == "refuse"
    assert _get(other_tenant) == "ignore"  # another tenant's value never leaks

    _set(tenant, key=KEY, value="warn", workspace=branch)
    assert _get(tenant, workspace=branch) == "warn"
    assert _get(tenant, workspace=branch.pk) == "warn"
    assert _get(tenant) == "refuse"

    with tenant_context(tenant.organization, user=tenant.owner):
        delete_setting(actor=tenant.owner, key=KEY, workspace=branch)
    assert _get(tenant, workspace=branch) == "refuse"


def test_get_setting_is_one_query(tenant):
    branch = _workspace(tenant)
    _set(tenant, key=KEY, value="refuse", workspace=branch)
    with tenant_context(tenant.organization):
        with CaptureStatements(connection) as ctx:
            assert get_setting(KEY, workspace=branch) == "refuse"
        assert len(ctx.captured_queries) == 1


def test_get_settings_reads_several_keys_in_one_query_each_as_get_setting(tenant, other_tenant):
    other = "inventory.valuation_method"
    set_global_default(key=KEY, value="ignore")
    branch = _workspace(tenant)
    _set(tenant, key=other, value="MOVING_AVERAGE")
    _set(tenant, key=KEY, value="refuse", workspace=branch)
    _set(other_tenant, key=KEY, value="warn")
    with tenant_context(tenant.organization):
        with CaptureStatements(connection) as ctx:
            in_branch = get_settings([KEY, other], workspace=branch)
        assert len(ctx.captured_queries) == 1
        assert in_branch == {KEY: "refuse", other: "MOVING_AVERAGE"}  # workspace, then organization
        assert get_settings([KEY, other]) == {KEY: "ignore", other: "MOVING_AVERAGE"}  # global, organization
        assert get_settings([KEY, other]) == {KEY: get_setting(KEY), other: get_setting(other)}
        with pytest.raises(UndeclaredSetting):
            get_settings([KEY, "accounting.no_such_key"])
    with tenant_context(other_tenant.organization):
        assert get_settings([KEY, other]) == {KEY: "warn", other: "FIFO"}  # its own value, then the declared one


# --- rules ------------------------------------------------------------------------------------------------------


def test_a_global_default_may_tighten_the_declaration(tenant):
    set_global_default(key=KEY, value="warn", validation_rules={"choices": ["warn", "refuse"]})
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key=KEY, value="ignore")
    assert exc.value.code == "invalid_choice"
    assert _set(tenant, key=KEY, value="refuse").value == "refuse"


def test_a_row_keeps_its_rules_category_and_description_when_updated_without_them(tenant):
    _set(tenant, key=KEY, value="warn", validation_rules={"pattern": "w.*|r.*"}, category="ops", description="d")
    row = _set(tenant, key=KEY, value="refuse")
    assert (row.validation_rules, row.category, row.description) == ({"pattern": "w.*|r.*"}, "ops", "d")
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key=KEY, value="ignore")
    assert exc.value.code == "pattern_mismatch"
    assert _get(tenant) == "refuse"


@pytest.mark.parametrize(
    "rules",
    [{"min": 1}, {"pattern": "("}, {"choices": []}, {"max_length": -1}, ["not", "an", "object"]],
)
def test_malformed_rules_are_refused(tenant, rules):
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key=KEY, value="warn", validation_rules=rules)
    assert exc.value.code == "invalid_validation_rules"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key=KEY).exists()


def test_a_foreign_workspace_is_refused(tenant, other_tenant):
    foreign = _workspace(other_tenant)
    with pytest.raises(ValidationFailed) as exc:
        _set(tenant, key=KEY, value="warn", workspace=foreign)
    assert exc.value.code == "unknown_workspace"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key=KEY).exists()


# --- read-only, secrets, global defaults ------------------------------------------------------------------------


def test_read_only_setting_refuses_writes(tenant):
    set_global_default(key=KEY, value="refuse", is_readonly=True)
    with pytest.raises(SettingReadOnly) as exc:
        _set(tenant, key=KEY, value="warn")
    assert (exc.value.status, exc.value.code) == (409, "setting_readonly")
    _problem(_put(tenant.api, KEY, {"value": "warn"}), 409, "setting_readonly")
    assert _get(tenant) == "refuse"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key=KEY, organization=tenant.organization).exists()


def test_secret_is_encrypted_at_rest_and_decrypted_only_by_the_service(tenant):
    row = _set(tenant, key=KEY, value="refuse", is_secret=True)
    with tenant_context(tenant.organization):
        stored = Setting.objects.get(pk=row.pk)
        assert stored.value is None and stored.is_secret
        assert stored.encrypted_value and "refuse" not in stored.encrypted_value
        audit = AuditLog.objects.get(object_id=row.pk)
        assert audit.new_values["value"] == "***" and "refuse" not in str(audit.new_values)
    assert _get(tenant) == "refuse"

    body = tenant.api.get(f"platform/settings/{KEY}").json()
    assert (body["value"], body["is_secret"], body["scope"]) == (None, True, "organization")
    listed = tenant.api.get("platform/settings").json()["items"]
    assert [(s["key"], s["value"]) for s in listed] == [(KEY, None)]
    assert b",refuse," not in tenant.api.get("platform/settings", format="csv").getvalue()


def test_override_of_a_secret_default_stays_secret(tenant):
    set_global_default(key=KEY, value="warn", is_secret=True)
    row = _set(tenant, key=KEY, value="refuse")
    assert row.is_secret and row.value is None
    assert _get(tenant) == "refuse"
    assert tenant.api.get(f"platform/settings/{KEY}").json()["value"] is None


def test_global_defaults_are_readable_by_every_tenant_but_not_writable_by_the_app(tenant, other_tenant):
    set_global_default(key=KEY, value="ignore")
    for t in (tenant, other_tenant):
        body = t.api.get(f"platform/settings/{KEY}").json()
        assert (body["value"], body["scope"]) == ("ignore", "global")
    with tenant_context(tenant.organization), pytest.raises(DatabaseError), transaction.atomic():
        Setting.objects.create(organization=None, key="ui.rogue", value="x")
    with tenant_context(tenant.organization):  # restrictive policies: a tenant neither changes nor deletes them
        assert Setting.objects.filter(key=KEY).update(value="refuse") == 0
        assert Setting.objects.filter(key=KEY).delete()[0] == 0
    assert _get(other_tenant) == "ignore"
    with pytest.raises(ValidationFailed):
        set_global_default(key=KEY, value="blue")


# --- API --------------------------------------------------------------------------------------------------------


def test_put_get_list_and_delete_through_the_api(tenant):
    set_global_default(key=KEY, value="ignore")
    branch = str(_workspace(tenant).pk)
    put = _put(tenant.api, KEY, {"value": "refuse", "data_type": "STRING"})
    assert put.status_code == 200, put.content
    assert (put.json()["value"], put.json()["scope"], put.json()["category"]) == (
        "refuse",
        "organization",
        "accounting",
    )
    put = _put(tenant.api, KEY, {"value": "warn"}, workspace=branch)
    assert (put.json()["scope"], put.json()["workspace_id"]) == ("workspace", branch)

    assert tenant.api.get(f"platform/settings/{KEY}").json()["value"] == "refuse"
    scoped = tenant.api.get(f"platform/settings/{KEY}", workspace=branch).json()
    assert (scoped["value"], scoped["scope"]) == ("warn", "workspace")

    listed = tenant.api.get("platform/settings").json()["items"]
    assert [(s["key"], s["value"], s["scope"]) for s in listed] == [(KEY, "refuse", "organization")]
    listed = tenant.api.get("platform/settings", workspace=branch, category="accounting").json()["items"]
    assert [(s["key"], s["value"], s["scope"]) for s in listed] == [(KEY, "warn", "workspace")]

    assert tenant.api.delete(f"platform/settings/{KEY}").status_code == 204
    body = tenant.api.get(f"platform/settings/{KEY}").json()
    assert (body["value"], body["scope"]) == ("ignore", "global")
    _problem(tenant.api.delete(f"platform/settings/{KEY}"), 404, "not_found")


def test_api_refuses_rules_with_field_errors_and_writes_nothing(tenant):
    body = _problem(_put(tenant.api, KEY, {"value": "warn", "validation_rules": {"max": 1}}), 422, "validation_error")
    assert body["errors"][0]["code"] == "extra_forbidden"
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(organization=tenant.organization).exists()


def test_permissions(tenant):
    _user, investor = member_client(tenant, org_role="INVESTOR")
    assert investor.get("platform/settings").status_code == 200
    _problem(_put(investor, KEY, {"value": "refuse"}), 403, "permission_denied")
    _problem(investor.delete(f"platform/settings/{KEY}"), 403, "permission_denied")
    token = tenant.api.post("identity/api-tokens", {"name": "ws only", "scopes": ["platform.view_workspace"]})
    narrow = ApiClient(token.json()["token"])
    _problem(narrow.get("platform/settings"), 403, "permission_denied")
    _problem(narrow.get(f"platform/settings/{KEY}"), 403, "permission_denied")
    with tenant_context(tenant.organization):
        assert not Setting.objects.filter(key=KEY).exists()


def test_cross_tenant_isolation(tenant, other_tenant):
    other_branch = str(_workspace(other_tenant).pk)
    _put(other_tenant.api, KEY, {"value": "refuse"})
    assert tenant.api.get("platform/settings").json()["items"] == []
    assert tenant.api.get(f"platform/settings/{KEY}").json()["scope"] == "default"
    _problem(tenant.api.delete(f"platform/settings/{KEY}"), 404, "not_found")
    _problem(tenant.api.get("platform/settings", workspace=other_branch), 404, "not_found")
    _problem(tenant.api.get(f"platform/settings/{KEY}", workspace=other_branch), 404, "not_found")
    _problem(_put(tenant.api, KEY, {"value": "ignore"}, workspace=other_branch), 404, "not_found")
    # A's own value does not touch B's.
    assert _put(tenant.api, KEY, {"value": "ignore"}).status_code == 200
    assert other_tenant.api.get(f"platform/settings/{KEY}").json()["value"] == "refuse"
