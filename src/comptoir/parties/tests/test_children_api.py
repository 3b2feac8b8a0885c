"""Contacts, addresses and bank accounts of a party: one primary contact, one default address per type, one primary
bank account (its number and IBAN encrypted, shown masked); refusals name their field and write nothing."""

import pytest
from django.db import IntegrityError, connection, transaction

from comptoir.parties.models import PartyAddress, PartyBankAccount, PartyContact
from comptoir.parties.tests.factories import IBAN, create
from comptoir.platform.models import AuditLog
from comptoir.platform.tenancy import tenant_context


def _contact(api, party, first="Ada", **extra) -> dict:
    response = api.post(f"parties/{party['id']}/contacts", {"first_name": first, "last_name": "Morel", **extra})
    assert response.status_code == 201, response.json()
    return response.json()


def test_one_primary_contact(tenant):
    api, party = tenant.api, create(tenant.api)
    first = _contact(api, party, email="ada@morel.fr")
    assert (first["is_primary"], first["full_name"]) == (True, "Ada Morel")
    second = _contact(api, party, "Bob")
    assert second["is_primary"] is False
    third = _contact(api, party, "Cy", is_primary=True)
    listed = api.get(f"parties/{party['id']}/contacts").json()
    assert [(c["first_name"], c["is_primary"]) for c in listed] == [("Cy", True), ("Ada", False), ("Bob", False)]
    url = f"parties/{party['id']}/contacts/{second['id']}"
    assert api.patch(url, {"is_primary": True, "position": "Buyer"}).json()["is_primary"] is True
    primaries = [c["first_name"] for c in api.get(f"parties/{party['id']}/contacts").json() if c["is_primary"]]
    assert primaries == ["Bob"]
    assert api.delete(f"parties/{party['id']}/contacts/{third['id']}").status_code == 204
    assert len(api.get(f"parties/{party['id']}/contacts").json()) == 2
    with tenant_context(tenant.organization):
        actions = set(AuditLog.objects.filter(object_type="parties.partycontact").values_list("action", flat=True))
        assert actions == {"CREATE", "UPDATE", "DELETE"}


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"first_name": " "}, "first_name", "required"),
        ({"email": "nope"}, "email", "invalid"),
        ({"last_name": ""}, "last_name", "string_too_short"),
    ],
)
def test_bad_contacts_are_refused(tenant, body, field, code):
    party = create(tenant.api)
    response = tenant.api.post(f"parties/{party['id']}/contacts", {"first_name": "A", "last_name": "B", **body})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert (error["field"].split(".")[-1], error["code"]) == (field, code)
    with tenant_context(tenant.organization):
        assert PartyContact.objects.count() == 0


def _address(api, party, address_type="BILLING", **extra) -> dict:
    body = {"address_type": address_type, "line1": "1 rue de la Paix", "city": "Paris", "country": "FR", **extra}
    response = api.post(f"parties/{party['id']}/addresses", body)
    assert response.status_code == 201, response.json()
    return response.json()


def test_one_default_address_per_type(tenant):
    api, party = tenant.api, create(tenant.api)
    billing = _address(api, party)
    shipping = _address(api, party, "SHIPPING", country="de")
    assert (billing["is_default"], shipping["is_default"], shipping["country"]) == (True, True, "DE")
    other = _address(api, party, city="Lyon", is_default=True)
    defaults = {(a["address_type"], a["city"]) for a in api.get(f"parties/{party['id']}/addresses").json()
                if a["is_default"]}  # fmt: skip
    assert defaults == {("BILLING", "Lyon"), ("SHIPPING", "Paris")}
    moved = api.patch(f"parties/{party['id']}/addresses/{other['id']}", {"address_type": "SHIPPING"}).json()
    assert moved["is_default"] is True
    listed = api.get(f"parties/{party['id']}/addresses").json()
    assert [a["city"] for a in listed if a["is_default"] and a["address_type"] == "SHIPPING"] == ["Lyon"]
    for body, field, code in (({"country": "QQ"}, "country", "unknown"), ({"city": " "}, "city", "required")):
        response = api.post(
            f"parties/{party['id']}/addresses", {"address_type": "LEGAL", "line1": "x", "city": "y", "country": "FR",
                                                 **body},
        )  # fmt: skip
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
        assert response.json()["errors"][0]["code"] == code
    with tenant_context(tenant.organization):
        assert PartyAddress.objects.filter(address_type="LEGAL").count() == 0


def test_bank_accounts_are_encrypted_masked_and_one_is_primary(tenant):
    api, party = tenant.api, create(tenant.api)
    url = f"parties/{party['id']}/bank-accounts"
    first = api.post(url, {"account_number": "0011 2233 4455", "iban": IBAN.lower(), "swift_code": "bnpafrpp"}).json()
    assert (first["account_number"], first["iban"], first["swift_code"]) == ("••••4455", "FR76••••0189", "BNPAFRPP")
    assert first["is_primary"] is True
    second = api.post(url, {"account_number": "998877", "is_primary": True, "ifsc": "sbin0001234"}).json()
    assert (second["is_primary"], second["ifsc"]) == (True, "SBIN0001234")
    listed = api.get(url).json()
    assert [(b["account_number"], b["is_primary"]) for b in listed] == [("••••8877", True), ("••••4455", False)]
    with tenant_context(tenant.organization):
        with connection.cursor() as cursor:
            cursor.execute("SELECT account_number_encrypted, iban_encrypted FROM parties_partybankaccount")
            stored = " ".join(" ".join(row) for row in cursor.fetchall())
        assert "001122334455" not in stored and "30006000" not in stored
    refused = api.patch(f"{url}/{second['id']}", {"is_active": False})
    assert refused.status_code == 422 and refused.json()["errors"][0] == {
        "field": "is_primary",
        "code": "inactive",
        "message": "An inactive bank account cannot be primary",
    }
    assert api.patch(f"{url}/{second['id']}", {"is_active": False, "is_primary": False}).status_code == 200
    assert api.delete(f"{url}/{first['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        ({"account_number": "12"}, "account_number", "invalid"),
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "iban", "invalid_tax_id"),
        ({"swift_code": "BNPA"}, "swift_code", "invalid_tax_id"),
        ({"ifsc": "SBIN1001234"}, "ifsc", "invalid_tax_id"),
    ],
)
def test_bad_bank_accounts_are_refused(tenant, body, field, code):
    party = create(tenant.api)
    response = tenant.api.post(f"parties/{party['id']}/bank-accounts", {"account_number": "123456", **body})
    assert response.status_code == 422
    assert (response.json()["errors"][0]["field"], response.json()["errors"][0]["code"]) == (field, code)
    with tenant_context(tenant.organization):
        assert PartyBankAccount.objects.count() == 0


def test_a_child_of_another_party_is_not_found(tenant):
    api = tenant.api
    mine, other = create(api), create(api, name="Other")
    contact = _contact(api, mine)
    assert api.patch(f"parties/{other['id']}/contacts/{contact['id']}", {"position": "x"}).status_code == 404
    assert api.delete(f"parties/{other['id']}/contacts/{contact['id']}").status_code == 404
    assert api.get(f"parties/{mine['id']}/contacts").json()[0]["position"] == ""


def test_postgresql_holds_one_primary_and_one_default_per_type(tenant):
    api, party = tenant.api, create(tenant.api)
    _contact(api, party)
    _address(api, party)
    api.post(f"parties/{party['id']}/bank-accounts", {"account_number": "123456"})
    with tenant_context(tenant.organization, user=tenant.owner):
        for model, values in (
            (PartyContact, {"first_name": "B", "last_name": "C", "is_primary": True}),
            (PartyAddress, {"address_type": "BILLING", "line1": "x", "city": "y", "is_default": True}),
            (PartyBankAccount, {"account_number_encrypted": "x", "account_number_last4": "0000", "is_primary": True}),
        ):  # fmt: skip
            row = model(party_id=party["id"], **values)
            if model is PartyAddress:
                row.country = PartyAddress.objects.get().country
            with pytest.raises(IntegrityError), transaction.atomic():
                row.save()


@pytest.mark.parametrize(
    ("kind", "body", "field", "code"),
    [
        ("contacts", {"first_name": None}, "first_name", "required"),
        ("contacts", {"email": "x@"}, "email", "invalid"),
        ("addresses", {"country": "QQ"}, "country", "unknown"),
        ("addresses", {"line1": " "}, "line1", "required"),
        ("bank-accounts", {"iban": "FR00 0000"}, "iban", "invalid_tax_id"),
        ("bank-accounts", {"account_number": "1"}, "account_number", "invalid"),
    ],
)
def test_bad_changes_to_children_are_refused_and_nothing_changes(tenant, kind, body, field, code):
    api, party = tenant.api, create(tenant.api)
    base = f"parties/{party['id']}/{kind}"
    first = {
        "contacts": {"first_name": "Ada", "last_name": "Morel", "email": "ada@morel.fr"},
        "addresses": {"address_type": "BILLING", "line1": "1 rue", "city": "Paris", "country": "FR"},
        "bank-accounts": {"account_number": "123456", "iban": IBAN},
    }[kind]
    row = api.post(base, first).json()
    refused = api.patch(f"{base}/{row['id']}", body)
    assert refused.status_code == 422
    assert (refused.json()["errors"][0]["field"], refused.json()["errors"][0]["code"]) == (field, code)
    assert api.get(base).json() == [row]


@pytest.mark.parametrize("field", ["name", "party_type", "kind", "currency", "payment_terms", "tier", "credit_limit"])
def test_a_party_field_that_cannot_be_cleared_is_refused(tenant, field):
    party = create(tenant.api)
    refused = tenant.api.patch(f"parties/{party['id']}", {field: None})
    assert refused.status_code == 422 and refused.json()["errors"][0] == {
        "field": field,
        "code": "required",
        "message": f"{field} cannot be null",
    }
