"""Who enters the admin: an active member holding platform.access_admin in the current organization."""

from django.test import Client

from comptoir.identity.models import User
from comptoir.platform.models import Workspace
from tests.admin.support import admin_url, browser
from tests.support.api import PASSWORD, member_client


def test_owner_signs_in_with_email_and_password(tenant):
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": tenant.owner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert index.context["site_subheader"] == tenant.organization.name  # the header names the organization
    assert "/admin/switch-organization/" in index.content.decode()


def test_wrong_password_is_refused(tenant):
    response = Client().post("/admin/login/", {"username": tenant.owner.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Client().get("/admin/").status_code == 302


def test_anonymous_is_sent_to_login():
    response = Client().get(admin_url(Workspace))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_employee_without_access_admin_cannot_enter(tenant):
    user, _api = member_client(tenant, org_role="EMPLOYEE")
    client = Client()
    assert client.post("/admin/login/", {"username": user.email, "password": PASSWORD}).status_code == 302
    for url in ("/admin/", admin_url(Workspace), admin_url(Workspace, "add"), admin_url(User)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")
    login_page = client.get("/admin/login/")
    assert login_page.status_code == 200
    assert 'id="no-admin-access"' in login_page.content.decode()
    assert "/admin/switch-organization/" in login_page.content.decode()


def test_admin_role_enters_and_manager_does_not(tenant):
    admin_user, _ = member_client(tenant, org_role="ADMIN")
    manager, _ = member_client(tenant, org_role="MANAGER")
    assert browser(admin_user).get("/admin/").status_code == 200
    assert browser(manager).get("/admin/").status_code == 302


def test_suspended_user_cannot_enter(tenant):
    User.objects.filter(pk=tenant.owner.pk).update(status="SUSPENDED")
    client = Client()
    response = client.post("/admin/login/", {"username": tenant.owner.email, "password": PASSWORD})
    assert response.status_code == 200  # refused at the form
    assert client.get("/admin/").status_code == 302


def test_user_without_any_organization_cannot_enter(db):
    loner = User.objects.create_user("loner@example.com", PASSWORD, status="ACTIVE")
    assert browser(loner).get("/admin/").status_code == 302
