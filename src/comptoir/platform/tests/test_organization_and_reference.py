"""The current organization (GET/PATCH) and the global reference lists."""

import pytest

from comptoir.platform.models import Currency, UnitOfMeasure, Workspace
from comptoir.platform.tenancy import tenant_context


def test_reference_data_is_seeded(db):
    assert Currency.objects.get(code="EUR").decimal_places == 2
    assert Currency.objects.get(code="JPY").decimal_places == 0
    assert Currency.objects.get(code="KWD").decimal_places == 3
    assert Currency.objects.filter(is_active=True).count() > 150
    assert {"pcs", "шт", "kg", "кг", "l", "л", "m", "м", "m²", "м²", "m³", "м³"} <= set(
        UnitOfMeasure.objects.values_list("symbol", flat=True)
    )


def test_reference_endpoints_paginate_and_search(tenant):
    page = tenant.api.get("platform/currencies", limit=5).json()
    assert len(page["items"]) == 5 and page["next_cursor"]
    assert tenant.api.get("platform/currencies", search="kzt").json()["items"][0]["code"] == "KZT"
    kz = tenant.api.get("platform/countries", search="KZ").json()["items"][0]
    assert (kz["code"], kz["default_currency"]) == ("KZ", "KZT")
    weights = tenant.api.get("platform/units", category="WEIGHT", limit=200).json()["items"]
    assert {u["category"] for u in weights} == {"WEIGHT"} and "kg" in {u["symbol"] for u in weights}


def test_get_and_patch_current_organization(tenant):
    org = tenant.api.get("platform/organization").json()
    assert (org["code"], org["country"], org["base_currency"], org["status"]) == (tenant.code, "FR", "EUR", "ACTIVE")
    patched = tenant.api.patch("platform/organization", {"legal_name": "Acme SAS", "base_currency": "USD"})
    assert patched.status_code == 200
    assert (patched.json()["legal_name"], patched.json()["base_currency"]) == ("Acme SAS", "USD")


def test_patch_organization_refusals(tenant):
    bad = tenant.api.patch("platform/organization", {"base_currency": "XXX"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "base_currency"
    bad = tenant.api.patch("platform/organization", {"code": "other"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "extra_forbidden"
    bad = tenant.api.patch("platform/organization", {"status": "SUSPENDED"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    assert tenant.api.get("platform/organization").json()["status"] == "ACTIVE"


def test_patch_organization_refuses_an_unknown_time_zone(tenant):
    bad = tenant.api.patch("platform/organization", {"timezone": "Mars/Olympus"})
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    assert (bad.json()["errors"][0]["field"], bad.json()["errors"][0]["code"]) == ("timezone", "unknown_timezone")
    assert tenant.api.get("platform/organization").json()["timezone"] == "UTC"
    assert tenant.api.patch("platform/organization", {"timezone": "Asia/Almaty"}).json()["timezone"] == "Asia/Almaty"


def test_suspended_organization_is_read_only(tenant):
    from comptoir.platform.constants import OrganizationStatus
    from comptoir.platform.models import Organization

    with tenant_context(tenant.organization):
        Organization.objects.filter(pk=tenant.organization.pk).update(status=OrganizationStatus.SUSPENDED)
    assert tenant.api.get("platform/workspaces").status_code == 200
    refused = tenant.api.post("platform/workspaces", {"name": "During suspension"})
    assert refused.status_code == 403 and refused.json()["code"] == "organization_suspended"
    refused = tenant.api.patch("platform/organization", {"status": "ACTIVE"})
    assert refused.status_code == 403
    with tenant_context(tenant.organization):
        assert not Workspace.objects.filter(name="During suspension").exists()


def test_suspension_transitions_are_declared(tenant):
    from comptoir.platform.errors import InvalidTransition
    from comptoir.platform.services import OrganizationPatch, update_organization

    with tenant_context(tenant.organization):
        update_organization(actor=tenant.owner, patch=OrganizationPatch(status="SUSPENDED"))
        with pytest.raises(InvalidTransition):
            update_organization(actor=tenant.owner, patch=OrganizationPatch(status="INACTIVE"))
        assert update_organization(actor=tenant.owner, patch=OrganizationPatch(status="ACTIVE")).status == "ACTIVE"
