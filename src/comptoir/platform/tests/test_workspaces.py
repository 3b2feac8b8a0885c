"""Workspaces: one default per organization, names unique, status transitions, archived is read-only."""

import pytest
from django.db import IntegrityError, transaction
from tests.support.api import member_client

from comptoir.platform.models import Workspace
from comptoir.platform.tenancy import tenant_context


def test_new_organization_has_exactly_one_default_workspace(tenant):
    items = tenant.api.get("platform/workspaces").json()["items"]
    assert [(w["name"], w["is_default"], w["type"]) for w in items] == [("Main", True, "MAIN")]
    with tenant_context(tenant.organization), pytest.raises(IntegrityError), transaction.atomic():
        Workspace.objects.create(name="Second default", is_default=True)


def test_create_update_and_soft_delete(tenant):
    created = tenant.api.post("platform/workspaces", {"name": " Lyon ", "type": "BRANCH", "description": "South"})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["type"], body["status"], body["is_default"]) == ("Lyon", "BRANCH", "ACTIVE", False)
    ws = body["id"]
    patched = tenant.api.patch(f"platform/workspaces/{ws}", {"status": "INACTIVE"})
    assert patched.json()["status"] == "INACTIVE"
    assert tenant.api.delete(f"platform/workspaces/{ws}").status_code == 204
    assert tenant.api.get(f"platform/workspaces/{ws}").status_code == 404
    with tenant_context(tenant.organization):
        assert Workspace.objects.get(pk=ws).deleted_by_id == tenant.owner.pk


def test_duplicate_name_is_refused_case_insensitively(tenant):
    tenant.api.post("platform/workspaces", {"name": "Depot"})
    response = tenant.api.post("platform/workspaces", {"name": "DEPOT"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "name",
        "code": "duplicate",
        "message": "A workspace named 'DEPOT' exists",
    }


def test_archived_workspace_is_read_only_and_terminal(tenant):
    ws = tenant.api.post("platform/workspaces", {"name": "Old"}).json()["id"]
    assert tenant.api.patch(f"platform/workspaces/{ws}", {"status": "ARCHIVED"}).json()["status"] == "ARCHIVED"
    refused = tenant.api.patch(f"platform/workspaces/{ws}", {"status": "ACTIVE"})
    assert refused.status_code == 409 and refused.json()["code"] == "workspace_archived"
    refused = tenant.api.patch(f"platform/workspaces/{ws}", {"name": "New"})
    assert refused.status_code == 409
    with tenant_context(tenant.organization):
        assert Workspace.objects.get(pk=ws).name == "Old"


def test_default_workspace_cannot_be_deleted_or_deactivated(tenant):
    main = tenant.api.get("platform/workspaces").json()["items"][0]["id"]
    response = tenant.api.delete(f"platform/workspaces/{main}")
    assert response.status_code == 409 and response.json()["code"] == "default_workspace"
    response = tenant.api.patch(f"platform/workspaces/{main}", {"status": "INACTIVE"})
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "status"


def test_members_without_permission_get_403_and_nothing_is_written(tenant):
    _user, investor = member_client(tenant, org_role="INVESTOR")
    assert investor.get("platform/workspaces").status_code == 200
    response = investor.post("platform/workspaces", {"name": "Nope"})
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    assert employee.patch("platform/organization", {"name": "Mine"}).status_code == 403
    with tenant_context(tenant.organization):
        assert not Workspace.objects.filter(name="Nope").exists()
