"""POST /auth/signup: a new organization, its default workspace and role templates, and its first OWNER."""

import threading

import pytest
from django.db import connection
from tests.support.api import ApiClient, make_tenant

from comptoir.identity.models import MemberRole, Permission, Role, RolePermission, User, VerificationToken
from comptoir.identity.permissions import role_templates
from comptoir.identity.tests.factories import (
    assert_problem,
    codes_sent_to,
    field_errors,
    organization_count,
    sign_in,
    signup_body,
)
from comptoir.platform.models import Organization, OrganizationFeature, OrganizationMember, Workspace
from comptoir.platform.tenancy import tenant_context

SEED_ROLES = {
    "OWNER",
    "ADMIN",
    "MANAGER",
    "EMPLOYEE",
    "INVESTOR",
    "ACCOUNTANT",
    "STOCK_KEEPER",
    "HR",
    "FINANCE",
    "IT",
    "SECURITY",
    "COMPLIANCE",
    "INVENTORY",
    "SALES",
    "CX",
    "RISK",
    "RECOVERY",
    "CLIENT",
    "PURCHASING",  # declared by the parties module
    "PAYROLL",  # declared by the payroll module
}


def test_signup_creates_the_organization_with_its_owner_workspace_and_role_templates(sent, outbox):
    body = signup_body(user={"email": "  Ada.Founder@Example.COM "})
    with sent():
        response = ApiClient().post("auth/signup", body)

    assert response.status_code == 201, response.content
    data = response.json()
    user = User.objects.get(pk=data["user_id"])
    assert user.email == "ada.founder@example.com"
    assert (user.status, user.registration_status, user.email_verified) == ("ACTIVE", "EMAIL_PENDING", False)
    with tenant_context(data["organization_id"]):
        org = Organization.objects.select_related("base_currency", "country").get(pk=data["organization_id"])
        assert (org.code, org.country.code, org.base_currency.code) == (body["organization"]["code"], "FR", "EUR")
        assert data["organization_code"] == org.code
        workspace = Workspace.objects.get()
        assert workspace.is_default and str(workspace.pk) == data["workspace_id"]
        assert OrganizationFeature.objects.count() == 1
        member = OrganizationMember.objects.get()
        assert (member.user_id, member.org_role, member.is_default, member.is_active) == (user.pk, "OWNER", True, True)
        assert member.joined_at is not None
        assert list(MemberRole.objects.filter(member=member).values_list("role__code", flat=True)) == ["OWNER"]
        system_roles = set(Role.objects.filter(is_system=True).values_list("code", flat=True))
        assert system_roles == SEED_ROLES == set(role_templates())
        owner_permissions = set(
            RolePermission.objects.filter(role__code="OWNER").values_list("permission__codename", flat=True)
        )
        assert owner_permissions == set(Permission.objects.values_list("codename", flat=True))
        investor = set(
            RolePermission.objects.filter(role__code="INVESTOR").values_list("permission__codename", flat=True)
        )
        assert investor and all(".view_" in c for c in investor)
    # the verification e-mail carries a 6-digit code
    assert [m.to for m in outbox] == [["ada.founder@example.com"]]
    assert len(codes_sent_to("ada.founder@example.com")) == 1

    me = ApiClient(sign_in("ada.founder@example.com")["access"]).get("me").json()
    assert me["organization_id"] == data["organization_id"]
    assert me["org_role"] == "OWNER"
    assert {"platform.add_workspace", "identity.add_role", "platform.invite_member"} <= set(me["permissions"])


def test_signup_takes_the_base_currency_from_the_country_when_none_is_given(db):
    response = ApiClient().post("auth/signup", signup_body(organization={"country": "KZ", "base_currency": None}))
    assert response.status_code == 201, response.content
    with tenant_context(response.json()["organization_id"]):
        assert Organization.objects.get().base_currency.code == "KZT"


def _nothing_written(before: tuple[int, int, int]) -> None:
    assert (User.objects.count(), organization_count(), VerificationToken.objects.count()) == before


@pytest.fixture
def counts(db):
    return User.objects.count(), organization_count(), VerificationToken.objects.count()


def test_signup_refuses_an_email_already_registered_in_any_case(sent, outbox, counts):
    existing = make_tenant(email="taken@example.com")
    before = (counts[0] + 1, counts[1] + 1, counts[2] + 1)
    outbox.clear()
    with sent():
        response = ApiClient().post("auth/signup", signup_body(user={"email": "TAKEN@example.com"}))
    assert_problem(response, 422, "duplicate", field="user.email")
    _nothing_written(before)
    assert outbox == []
    with tenant_context(existing.organization):
        assert OrganizationMember.objects.filter(user=existing.owner).count() == 1


def test_signup_refuses_an_organization_code_already_taken(sent, outbox, counts):
    make_tenant(code="acme-taken")
    before = (counts[0] + 1, counts[1] + 1, counts[2] + 1)
    outbox.clear()
    body = signup_body(organization={"code": "acme-taken"}, user={"email": "new-founder@example.com"})
    with sent():
        response = ApiClient().post("auth/signup", body)
    assert_problem(response, 422, "duplicate", field="organization.code")
    _nothing_written(before)
    assert not User.objects.filter(email="new-founder@example.com").exists()
    assert outbox == []


@pytest.mark.parametrize(
    ("part", "change", "field", "code"),
    [
        ("organization", {"country": "ZZ"}, "organization.country", "unknown_country"),
        ("organization", {"base_currency": "ZZZ"}, "organization.base_currency", "unknown_currency"),
        ("organization", {"code": "a b!"}, "organization.code", "invalid_code"),
        ("organization", {"name": "   "}, "organization.name", "required"),
        ("user", {"password": "password"}, "user.password", "weak_password"),
        ("user", {"password": "8316490275"}, "user.password", "weak_password"),
        ("user", {"password": "Ab1!"}, "user.password", "weak_password"),
        ("user", {"email": "not-an-address"}, "user.email", "invalid_email"),
        ("organization", {"timezone": "Mars/Olympus"}, "organization.timezone", "unknown_timezone"),
    ],
)
def test_signup_refuses_bad_values_with_the_field_path(outbox, counts, part, change, field, code):
    response = ApiClient().post("auth/signup", signup_body(**{part: change}))
    assert_problem(response, 422, code, field=field)
    _nothing_written(counts)


@pytest.mark.parametrize(
    "password",
    [
        "grace.hopper@example.com",  # the e-mail itself
        "Grace.Hopper-2026",  # its local part
        "hopper!1906",  # part of it
        "Bartholomew#1958",  # the first name
        "KittiwakeShipping#7",  # the organization's name
        "kitti-wake-42",  # its code
    ],
)
def test_signup_refuses_a_password_built_from_the_users_own_data(counts, password):
    body = signup_body(
        organization={"name": "Kittiwake Shipping", "code": "kittiwake"},
        user={"email": "grace.hopper@example.com", "first_name": "Bartholomew", "password": password},
    )
    assert_problem(ApiClient().post("auth/signup", body), 422, "password_personal_data", field="user.password")
    _nothing_written(counts)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda b: b["organization"].update(vat="x"), {("organization.vat", "extra_forbidden")}),
        (lambda b: b["user"].update(is_superuser=True), {("user.is_superuser", "extra_forbidden")}),
        (lambda b: b.update(plan="gold"), {("plan", "extra_forbidden")}),
        (lambda b: b["organization"].update(name=123), {("organization.name", "string_type")}),
        (lambda b: b.update(user="ada@example.com"), {("user", "model_attributes_type")}),
        (lambda b: b["user"].pop("email"), {("user.email", "missing")}),
        (lambda b: b.pop("organization"), {("organization", "missing")}),
        (
            lambda b: (b["organization"].pop("country"), b["user"].pop("password")),
            {("organization.country", "missing"), ("user.password", "missing")},
        ),
    ],
)
def test_signup_refuses_unknown_fields_bad_types_and_missing_fields(counts, mutate, expected):
    body = signup_body()
    mutate(body)
    response = ApiClient().post("auth/signup", body)
    assert_problem(response, 422, "validation_error")
    assert field_errors(response) == expected
    _nothing_written(counts)


def test_signup_refuses_a_body_that_is_not_json(counts):
    assert_problem(ApiClient().post("auth/signup", raw="{not json"), 400, "malformed_body")
    _nothing_written(counts)


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_with_one_email_give_one_organization_and_422_duplicate_to_the_others():
    barrier = threading.Barrier(6)
    results = []

    def post(n):
        body = signup_body(organization={"code": f"race-{n}"}, user={"email": "racer@example.com"})
        barrier.wait()
        try:
            response = ApiClient().post("auth/signup", body)
            errors = response.json().get("errors") or [{}]
            results.append((response.status_code, response.json().get("code"), errors[0].get("field")))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(results, key=lambda r: r[0]) == [(201, None, None)] + [(422, "duplicate", "user.email")] * 5
    assert User.objects.filter(email="racer@example.com").count() == 1
    assert organization_count() == 1
