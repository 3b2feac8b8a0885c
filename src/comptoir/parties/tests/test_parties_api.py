"""The parties API: a party opens its ledger account under receivables or payables, shows its balance, validates
and normalizes its tax ids (unique in the organization, the IIN encrypted), is searched, edited and moved through
its statuses; refusals name their field and write nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import Account
from comptoir.accounting.services import create_and_post
from comptoir.parties.models import Party
from comptoir.parties.tests.factories import BIN, GSTIN, IIN, PAN, VAT, create, entry_data
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context


def test_a_customer_opens_a_receivable_account_and_shows_its_balance(tenant):
    party = create(tenant.api, email="compta@morel.fr", credit_limit="1500.50", payment_terms="NET_45")
    assert party["party_number"] == "P-000001"
    assert party["account"]["code"] == "P-000001"
    assert (party["balance"], party["credit_limit"], party["credit_days"]) == ("0.00", "1500.50", 45)
    assert (party["status"], party["kind"], party["currency"]) == ("ACTIVE", "COMPANY", "EUR")
    accounts = tenant.api.get("accounting/accounts", account_type="CUSTOMER").json()["items"]
    mine = next(a for a in accounts if a["code"] == "P-000001")
    receivable = next(a for a in accounts if a["code"] == "1200")
    assert mine["name"] == "Atelier Morel" and mine["group"] == receivable["group"]
    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("P-000001", "DR", "120.00"), ("4000", "CR", "120.00")))
        create_and_post(actor=tenant.owner, data=entry_data(("1100", "DR", "20.00"), ("P-000001", "CR", "20.00")))
    assert tenant.api.get(f"parties/{party['id']}").json()["balance"] == "100.00"
    with tenant_context(tenant.organization):
        assert AuditLog.objects.filter(object_type="parties.party", action="CREATE").count() == 1
        assert IntegrationEvent.objects.filter(event_type="parties.party.created").count() == 1


@pytest.mark.parametrize(
    ("party_type", "account_type", "control"),
    [("SUPPLIER", "SUPPLIER", "2000"), ("EMPLOYEE", "EMPLOYEE", "2200"), ("BOTH", "CUSTOMER", "1200"),
     ("OTHER", "CUSTOMER", "1200")],
)  # fmt: skip
def test_each_type_opens_its_account_beside_the_control_account(tenant, party_type, account_type, control):
    party = create(tenant.api, party_type=party_type)
    accounts = {a["code"]: a for a in tenant.api.get("accounting/accounts", account_type=account_type).json()["items"]}
    assert accounts[party["account"]["code"]]["group"] == accounts[control]["group"]


def test_tax_ids_are_validated_normalized_and_the_iin_encrypted(tenant):
    party = create(
        tenant.api, gstin=GSTIN.lower(), pan=PAN, bin=f"{BIN[:6]} {BIN[6:]}", iin=IIN, vat_number="40 303 265 045"
    )
    assert (party["gstin"], party["pan"], party["bin"], party["vat_number"]) == (GSTIN, PAN, BIN, VAT)
    assert party["iin"] == "••••0129"
    with tenant_context(tenant.organization):
        row = Party.objects.get()
        assert IIN not in row.iin_encrypted and row.iin_hash
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM parties_party WHERE iin_encrypted LIKE %s", [f"%{IIN}%"])
            assert cursor.fetchone()[0] == 0
    for q in (IIN, BIN, VAT.lower(), "morel", "P-0000"):
        found = tenant.api.get("parties", q=q).json()["items"]
        assert [p["id"] for p in found] == [party["id"]], q
    assert tenant.api.get("parties", q="850512300128").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"name": " "}, "name", "required"),
        ({"gstin": "27AAPFU0939F1ZX"}, "gstin", "invalid_tax_id"),
        ({"pan": "AAPFU0939"}, "pan", "invalid_tax_id"),
        ({"bin": "900440000032"}, "bin", "invalid_tax_id"),
        ({"bin": "850512300129"}, "bin", "invalid_tax_id"),  # an IIN's shape: not a legal entity
        ({"iin": "850512300128"}, "iin", "invalid_tax_id"),
        ({"iin": "851312300120"}, "iin", "invalid_tax_id"),
        ({"vat_number": "FR40303265046"}, "vat_number", "invalid_tax_id"),
        ({"gstin": GSTIN, "pan": "ABCPE1234F"}, "pan", "pan_mismatch"),
        ({"credit_limit": "-1"}, "credit_limit", "negative_amount"),
        ({"credit_limit": "1.001"}, "credit_limit", "too_many_decimals"),
        ({"currency": "XXQ"}, "currency", "unknown"),
        ({"email": "not-an-address"}, "email", "invalid"),
        ({"status": "CHURNED"}, "status", "literal_error"),
        ({"rating": "5.5"}, "rating", "less_than_equal"),
        ({"party_type": "FRIEND"}, "party_type", "enum"),
    ],
)
def test_bad_parties_are_refused_and_nothing_is_written(tenant, body, field, code):
    response = tenant.api.post("parties", {"name": "X", "party_type": "CUSTOMER", **body})
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert (errors[0]["field"].split(".")[-1], errors[0]["code"]) == (field, code), errors
    with tenant_context(tenant.organization):
        assert Party.objects.count() == 0
    assert create(tenant.api)["party_number"] == "P-000001"  # the refused one took no number


@pytest.mark.parametrize(("field", "value"), [("gstin", GSTIN), ("pan", PAN), ("bin", BIN), ("iin", IIN),
                                             ("vat_number", VAT)])  # fmt: skip
def test_a_tax_id_belongs_to_one_party_of_the_organization(tenant, other_tenant, field, value):
    first = create(tenant.api, **{field: value})
    again = tenant.api.post("parties", {"name": "Copy", "party_type": "SUPPLIER", field: value})
    assert again.status_code == 422 and again.json()["errors"][0] == {
        "field": field,
        "code": "duplicate",
        "message": f"Another party has this {field.upper()}",
    }
    other = create(tenant.api, name="Other")
    patched = tenant.api.patch(f"parties/{other['id']}", {field: value})
    assert patched.status_code == 422 and patched.json()["errors"][0]["code"] == "duplicate"
    assert create(other_tenant.api, **{field: value})[field if field != "iin" else "iin"]  # another organization
    assert tenant.api.patch(f"parties/{first['id']}", {field: None}).status_code == 200
    assert tenant.api.patch(f"parties/{other['id']}", {field: value}).status_code == 200


def test_an_edit_renames_the_account_and_follows_the_terms(tenant):
    party = create(tenant.api, tags=["vip", " vip", ""])
    assert party["tags"] == ["vip"]
    edited = tenant.api.patch(
        f"parties/{party['id']}", {"name": "Morel SARL", "payment_terms": "PREPAYMENT", "rating": "4.5", "email": ""}
    ).json()
    assert (edited["name"], edited["credit_days"], edited["rating"]) == ("Morel SARL", 0, "4.5")
    account = tenant.api.get(f"accounting/accounts/{party['account']['id']}").json()
    assert account["name"] == "Morel SARL"
    kept = tenant.api.patch(f"parties/{party['id']}", {"payment_terms": "NET_60", "credit_days": 50}).json()
    assert kept["credit_days"] == 50
    for body, field, code in (
        ({"name": None}, "name", "required"),
        ({"credit_limit": "-5"}, "credit_limit", "negative_amount"),
        ({"vat_number": "FR1"}, "vat_number", "invalid_tax_id"),
    ):
        refused = tenant.api.patch(f"parties/{party['id']}", body)
        assert refused.status_code == 422 and (
            refused.json()["errors"][0]["field"],
            refused.json()["errors"][0]["code"],
        ) == (field, code)
    assert tenant.api.get(f"parties/{party['id']}").json()["name"] == "Morel SARL"
    with tenant_context(tenant.organization):
        changed = IntegrationEvent.objects.filter(event_type="parties.party.updated").order_by("created_at")
        assert [e.payload["changed"] for e in changed] == [
            ["credit_days", "name", "payment_terms", "rating"],
            ["credit_days", "payment_terms"],
        ]


def test_a_type_change_moves_the_account_until_it_has_lines(tenant):
    party = create(tenant.api)
    supplier = tenant.api.patch(f"parties/{party['id']}", {"party_type": "SUPPLIER"}).json()
    account = tenant.api.get(f"accounting/accounts/{party['account']['id']}").json()
    assert (supplier["party_type"], account["account_type"]) == ("SUPPLIER", "SUPPLIER")
    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("6900", "DR", "10.00"), ("P-000001", "CR", "10.00")))
    refused = tenant.api.patch(f"parties/{party['id']}", {"party_type": "CUSTOMER"})
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "party_type"
    assert tenant.api.patch(f"parties/{party['id']}", {"party_type": "EMPLOYEE"}).status_code == 409
    assert tenant.api.get(f"parties/{party['id']}").json()["party_type"] == "SUPPLIER"


def test_the_status_moves_along_its_transitions(tenant):
    party = create(tenant.api, status="PROSPECT")
    url = f"parties/{party['id']}/status"
    assert tenant.api.post(url, {"status": "CHURNED"}).status_code == 409
    for status in ("ACTIVE", "INACTIVE", "CHURNED", "ACTIVE", "BLACKLISTED"):
        response = tenant.api.post(url, {"status": status, "reason": "test"})
        assert response.status_code == 200 and response.json()["status"] == status
    refused = tenant.api.post(url, {"status": "ACTIVE"})
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_transition"
    assert tenant.api.post(url, {"status": "BLACKLISTED"}).json()["code"] == "invalid_transition"
    assert tenant.api.post(url, {"status": "INACTIVE"}).json()["status"] == "INACTIVE"
    with tenant_context(tenant.organization):
        assert IntegrationEvent.objects.filter(event_type="parties.party.status_changed").count() == 6
        assert Party.objects.get().status_changed_by_id == tenant.owner.pk


def test_blacklisting_needs_its_own_permission(tenant):
    party = create(tenant.api)
    _user, sales = member_client(tenant, roles=["SALES"])
    url = f"parties/{party['id']}/status"
    assert sales.post(url, {"status": "INACTIVE"}).status_code == 200
    refused = sales.post(url, {"status": "BLACKLISTED"})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert tenant.api.post(url, {"status": "BLACKLISTED"}).status_code == 200
    assert sales.post(url, {"status": "INACTIVE"}).status_code == 403
    assert tenant.api.get(f"parties/{party['id']}").json()["status"] == "BLACKLISTED"


@pytest.mark.parametrize(("role", "can_add"), [("SALES", True), ("PURCHASING", True), ("ACCOUNTANT", True),
                                               ("EMPLOYEE", False)])  # fmt: skip
def test_role_grants(tenant, role, can_add):
    _user, member = member_client(tenant, roles=[role] if role != "EMPLOYEE" else None)
    response = member.post("parties", {"name": "X", "party_type": "SUPPLIER"})
    assert (response.status_code == 201) is can_add
    assert (member.get("parties").status_code == 200) is can_add


def test_the_list_filters_and_costs_a_constant_number_of_statements(tenant):
    create(tenant.api, name="A", tags=["vip"])
    create(tenant.api, name="B", party_type="SUPPLIER", tier="GOLD")
    assert [p["name"] for p in tenant.api.get("parties", party_type="SUPPLIER").json()["items"]] == ["B"]
    assert [p["name"] for p in tenant.api.get("parties", tag="vip").json()["items"]] == ["A"]
    assert [p["name"] for p in tenant.api.get("parties", tier="GOLD").json()["items"]] == ["B"]
    assert tenant.api.get("parties", status="BOGUS").status_code == 422

    def count() -> int:
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get("parties")
        assert response.status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(5):
        create(tenant.api, name=f"C{n}")
    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("P-000003", "DR", "7.00"), ("4000", "CR", "7.00")))
    assert count() == few == 4  # the actor, the page, its accounts' balances, the base currency
    listed = {p["name"]: p["balance"] for p in tenant.api.get("parties").json()["items"]}
    assert listed["C0"] == "7.00" and listed["A"] == "0.00"


def test_the_list_exports(tenant):
    create(tenant.api, credit_limit="10")
    response = tenant.api.get("parties", format="csv")
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    assert response.status_code == 200 and "P-000001" in text and "Atelier Morel" in text


def test_a_credit_limit_in_yen_has_no_decimals(tenant):
    refused = tenant.api.post("parties", {"name": "X", "party_type": "CUSTOMER", "currency": "JPY",
                                          "credit_limit": "10.5"})  # fmt: skip
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "too_many_decimals"
    assert create(tenant.api, currency="JPY", credit_limit="1000")["credit_limit"] == "1000.00"
    assert Decimal("1000") == Decimal(create(tenant.api, name="Y", currency="JPY", credit_limit="1000")["credit_limit"])


def test_a_chart_without_the_type_s_control_account_is_refused(tenant):
    with tenant_context(tenant.organization):
        Account.objects.filter(code="2200").update(is_system=False)
    refused = tenant.api.post("parties", {"name": "Ada", "party_type": "EMPLOYEE"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "party_type"
    assert refused.json()["errors"][0]["code"] == "no_ledger_group"
    with tenant_context(tenant.organization):
        assert Party.objects.count() == 0 and not Account.objects.filter(code__startswith="P-").exists()


def test_the_module_switched_off_refuses_its_api(tenant):
    party = create(tenant.api)
    assert tenant.api.patch("platform/features", {"modules": {"parties": False}}).status_code == 200
    refused = tenant.api.get(f"parties/{party['id']}")
    assert refused.status_code == 403 and refused.json()["code"] == "module_disabled"


def test_the_party_s_account_cannot_be_deleted_from_the_chart(tenant):
    party = create(tenant.api)
    refused = tenant.api.delete(f"accounting/accounts/{party['account']['id']}")
    assert refused.status_code == 409 and refused.json()["code"] == "account_in_use"
    assert refused.json()["detail"] == "The account is the ledger of a party; deactivate it instead"
    assert tenant.api.get(f"parties/{party['id']}").json()["account"]["code"] == "P-000001"


def test_a_refusal_speaks_the_member_s_language(tenant):
    body = {"name": "X", "party_type": "CUSTOMER", "bin": "900440000032"}
    english = tenant.api.post("parties", body).json()["errors"][0]
    russian = tenant.api.post("parties", body, headers={"Accept-Language": "ru"}).json()["errors"][0]
    assert english["message"] == "BIN is not valid: the check digit does not match"
    assert russian["message"] == "BIN недействителен: контрольная цифра не совпадает"
    assert (russian["field"], russian["code"]) == (english["field"], english["code"]) == ("bin", "invalid_tax_id")


def test_a_party_entered_by_mistake_is_deleted_with_its_account_and_children(tenant):
    party = create(tenant.api)
    tenant.api.post(f"parties/{party['id']}/contacts", {"first_name": "A", "last_name": "B"})
    assert tenant.api.delete(f"parties/{party['id']}").status_code == 204
    assert tenant.api.get(f"parties/{party['id']}").status_code == 404
    with tenant_context(tenant.organization):
        assert not Account.objects.filter(code=party["account"]["code"]).exists()
        assert AuditLog.objects.filter(object_type="parties.party", action="DELETE").count() == 1
        assert IntegrationEvent.objects.filter(event_type="parties.party.deleted").count() == 1


def test_a_party_with_postings_is_not_deleted(tenant):
    """Refused with party_in_use; the party, its account, its contact stay, and nothing is audited or emitted."""
    party = create(tenant.api)
    tenant.api.post(f"parties/{party['id']}/contacts", {"first_name": "A", "last_name": "B"})
    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("P-000001", "DR", "10.00"), ("4000", "CR", "10.00")))
    response = tenant.api.delete(f"parties/{party['id']}")
    assert response.status_code == 409 and response.json()["code"] == "party_in_use"
    assert tenant.api.get(f"parties/{party['id']}/contacts").json()[0]["first_name"] == "A"
    with tenant_context(tenant.organization):
        assert Account.objects.filter(code="P-000001").exists()
        assert not AuditLog.objects.filter(object_type="parties.party", action="DELETE").exists()
        assert not IntegrationEvent.objects.filter(event_type="parties.party.deleted").exists()
