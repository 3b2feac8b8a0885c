"""Feature switches: a disabled module refuses (require_feature, ModuleGuard), a locked organization refuses
financial writes (ensure_financial_writes_allowed, also against a concurrent freeze), and the features API."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from tests.support.api import ApiClient, make_tenant, member_client

from comptoir.platform.access import Actor
from comptoir.platform.models import AuditLog, ModuleSwitch, OrganizationFeature
from comptoir.platform.modules import UnknownModule, registry
from comptoir.platform.services.features import (
    FeaturesPatch,
    ModuleDisabled,
    ModuleGuard,
    OrganizationLocked,
    ensure_financial_writes_allowed,
    require_feature,
    update_features,
)
from comptoir.platform.tenancy import tenant_context


def _problem(response, status, code):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    return response.json()


def _features(tenant) -> OrganizationFeature:
    with tenant_context(tenant.organization):
        return OrganizationFeature.objects.get()


def _defaults() -> dict[str, bool]:
    """Each switchable module's default, from the specs (every installed domain module so far is on by default)."""
    return {spec.name: spec.default_enabled for spec in registry().switchable()}


def test_defaults_through_the_api(tenant):
    # the switchable modules only; platform and identity are always on
    assert {"accounting", "parties", "catalog", "inventory"} <= set(_defaults())
    assert tenant.api.get("platform/features").json() == {
        "modules": _defaults(),
        "tax_regime": "NONE",
        "locked": False,
    }


def test_require_feature_follows_the_switches(tenant, other_tenant):
    with tenant_context(tenant.organization):
        require_feature("accounting")
        require_feature("platform")
        with pytest.raises(UnknownModule, match="Unknown module"):
            require_feature("astrology")
    response = tenant.api.patch("platform/features", {"modules": {"accounting": False}})
    assert response.status_code == 200, response.content
    assert response.json()["modules"] == {**_defaults(), "accounting": False}
    with tenant_context(tenant.organization):
        with pytest.raises(ModuleDisabled) as exc:
            require_feature("accounting")
        assert (exc.value.status, exc.value.code) == (403, "module_disabled")
        require_feature("identity")  # not switchable: always on
        assert list(ModuleSwitch.objects.values_list("module", "enabled")) == [("accounting", False)]
    with tenant_context(other_tenant.organization):
        require_feature("accounting")  # another organization's switches are its own
    assert tenant.api.patch("platform/features", {"modules": {"accounting": True}}).status_code == 200
    with tenant_context(tenant.organization):
        require_feature("accounting")
        assert ModuleSwitch.objects.count() == 1


def test_module_guard_refuses_the_whole_api_of_a_disabled_module(tenant):
    guard = ModuleGuard("accounting")
    request = RequestFactory().get("/api/v1/accounting/accounts")
    request.actor = None
    assert guard(request) is None  # no actor: ninja answers 401
    request.actor = Actor(user=tenant.owner, organization_id=tenant.organization.pk)
    with tenant_context(tenant.organization):
        assert guard(request) is request.actor
    assert tenant.api.get("accounting/accounts").status_code == 200
    tenant.api.patch("platform/features", {"modules": {"accounting": False}})
    with tenant_context(tenant.organization), pytest.raises(ModuleDisabled):
        guard(request)
    _problem(tenant.api.get("accounting/accounts"), 403, "module_disabled")
    with pytest.raises(UnknownModule):
        ModuleGuard("astrology")


def test_switches_refuse_unknown_and_always_on_modules(tenant):
    body = _problem(tenant.api.patch("platform/features", {"modules": {"astrology": False}}), 422, "unknown_module")
    assert body["errors"][0]["field"] == "modules.astrology"
    body = _problem(tenant.api.patch("platform/features", {"modules": {"platform": False}}), 422, "not_switchable")
    assert body["errors"][0]["field"] == "modules.platform"
    _problem(tenant.api.patch("platform/features", {"modules": {"accounting": "off"}}), 422, "validation_error")
    with tenant_context(tenant.organization):
        assert not ModuleSwitch.objects.exists()
        assert not AuditLog.objects.filter(object_type="platform.organizationfeature").exists()


def test_a_module_switch_is_audited(tenant):
    tenant.api.patch("platform/features", {"modules": {"accounting": False}})
    with tenant_context(tenant.organization):
        audit = AuditLog.objects.get(object_type="platform.organizationfeature")
    assert audit.changes == {"modules": [_defaults(), {**_defaults(), "accounting": False}]}


def test_locked_organization_refuses_financial_writes_and_the_lock_is_audited(tenant, other_tenant):
    with tenant_context(tenant.organization):
        ensure_financial_writes_allowed()
    response = tenant.api.patch("platform/features", {"locked": True})
    assert response.status_code == 200 and response.json()["locked"] is True
    with tenant_context(tenant.organization):
        with pytest.raises(OrganizationLocked) as exc:
            ensure_financial_writes_allowed()
        assert (exc.value.status, exc.value.code) == (409, "organization_locked")
        with pytest.raises(OrganizationLocked), transaction.atomic():
            ensure_financial_writes_allowed()
        audit = AuditLog.objects.get(object_type="platform.organizationfeature")
        assert audit.changes == {"locked": [False, True]}
        assert (audit.reason, audit.actor_user_id, audit.action) == ("organization locked", tenant.owner.pk, "UPDATE")
    with tenant_context(other_tenant.organization):
        ensure_financial_writes_allowed()

    tenant.api.patch("platform/features", {"locked": False})
    with tenant_context(tenant.organization):
        ensure_financial_writes_allowed()
        assert AuditLog.objects.filter(reason="organization unlocked").count() == 1


def test_patch_refusals_write_nothing(tenant):
    _problem(tenant.api.patch("platform/features", {"locked": None}), 422, "required")
    _problem(tenant.api.patch("platform/features", {"tax_regime": "SALES"}), 422, "validation_error")
    body = _problem(tenant.api.patch("platform/features", {"organization": "x"}), 422, "validation_error")
    assert body["errors"][0]["code"] == "extra_forbidden"
    features = _features(tenant)
    assert (features.locked, features.tax_regime) == (False, "NONE")


def test_permissions(tenant):
    _user, manager = member_client(tenant, org_role="INVESTOR")
    assert manager.get("platform/features").status_code == 200
    _problem(manager.patch("platform/features", {"locked": True}), 403, "permission_denied")
    token = tenant.api.post("identity/api-tokens", {"name": "narrow", "scopes": ["platform.view_workspace"]})
    _problem(ApiClient(token.json()["token"]).get("platform/features"), 403, "permission_denied")
    assert _features(tenant).locked is False


def test_cross_tenant(tenant, other_tenant):
    assert tenant.api.patch("platform/features", {"locked": True, "tax_regime": "VAT"}).status_code == 200
    assert other_tenant.api.get("platform/features").json()["locked"] is False
    assert _features(other_tenant).tax_regime == "NONE"


@pytest.mark.django_db(transaction=True)
def test_a_freeze_waits_for_the_posting_in_flight():
    """The posting checked the lock inside its transaction; the freeze commits only after the posting did,
    so no posting commits after a freeze it did not see."""
    tenant = make_tenant()
    checked, release = threading.Event(), threading.Event()
    order = []

    def posting():
        try:
            with tenant_context(tenant.organization), transaction.atomic():
                ensure_financial_writes_allowed()
                checked.set()
                release.wait(5)
        finally:
            connection.close()

    def freeze():
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                update_features(actor=tenant.owner, patch=FeaturesPatch(locked=True))
                order.append("freeze committed")
        finally:
            connection.close()

    first = threading.Thread(target=posting)
    first.start()
    assert checked.wait(5)
    second = threading.Thread(target=freeze)
    second.start()
    time.sleep(0.5)
    assert order == []  # the freeze is waiting for the posting's share lock
    order.append("posting released")
    release.set()
    first.join(5)
    second.join(5)
    assert order == ["posting released", "freeze committed"]
    with tenant_context(tenant.organization), pytest.raises(OrganizationLocked):
        ensure_financial_writes_allowed()
