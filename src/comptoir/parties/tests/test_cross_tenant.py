"""Every endpoint of the parties API answers 404 for another organization's party or child, and 403 to a member
without the permission; nothing of the other organization changes."""

import pytest
from tests.support.api import member_client

from comptoir.parties.models import Party, PartyAddress, PartyBankAccount, PartyContact
from comptoir.parties.tests.factories import create
from comptoir.platform.tenancy import tenant_context

ADDRESS = {"address_type": "BILLING", "line1": "1 rue", "city": "Paris", "country": "FR"}
ENDPOINTS = [
    ("get", "parties/{party}", None),
    ("patch", "parties/{party}", {"name": "Mine now"}),
    ("delete", "parties/{party}", None),
    ("post", "parties/{party}/status", {"status": "INACTIVE"}),
    ("get", "parties/{party}/statement", None),
    ("get", "parties/{party}/contacts", None),
    ("post", "parties/{party}/contacts", {"first_name": "A", "last_name": "B"}),
    ("patch", "parties/{party}/contacts/{contact}", {"first_name": "X"}),
    ("delete", "parties/{party}/contacts/{contact}", None),
    ("get", "parties/{party}/addresses", None),
    ("post", "parties/{party}/addresses", ADDRESS),
    ("patch", "parties/{party}/addresses/{address}", {"city": "Lyon"}),
    ("delete", "parties/{party}/addresses/{address}", None),
    ("get", "parties/{party}/bank-accounts", None),
    ("post", "parties/{party}/bank-accounts", {"account_number": "123456"}),
    ("patch", "parties/{party}/bank-accounts/{bank}", {"bank_name": "X"}),
    ("delete", "parties/{party}/bank-accounts/{bank}", None),
]


def _setup(api) -> dict:
    party = create(api)
    base = f"parties/{party['id']}"
    return {
        "party": party["id"],
        "contact": api.post(f"{base}/contacts", {"first_name": "A", "last_name": "B"}).json()["id"],
        "address": api.post(f"{base}/addresses", ADDRESS).json()["id"],
        "bank": api.post(f"{base}/bank-accounts", {"account_number": "654321"}).json()["id"],
    }


def _call(api, method, path, body, ids):
    url = path.format(**ids)
    return api.request(method, url, body)


def _unchanged(tenant) -> None:
    with tenant_context(tenant.organization):
        party = Party.objects.get()
        assert (party.name, party.status) == ("Atelier Morel", "ACTIVE")
        assert PartyContact.objects.get().first_name == "A"
        assert PartyAddress.objects.get().city == "Paris"
        assert PartyBankAccount.objects.get().bank_name == ""


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_another_organizations_rows_are_not_found(tenant, other_tenant, method, path, body):
    theirs = _setup(other_tenant.api)
    _setup(tenant.api)
    response = _call(tenant.api, method, path, body, theirs)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    _unchanged(other_tenant)


def test_another_organizations_parties_are_not_listed_nor_found_by_number(tenant, other_tenant):
    theirs = _setup(other_tenant.api)
    mine = _setup(tenant.api)
    assert [p["id"] for p in tenant.api.get("parties").json()["items"]] == [mine["party"]]
    assert tenant.api.get("parties", q="Atelier").json()["items"][0]["id"] == mine["party"]
    assert theirs["party"] != mine["party"]


CREATE = ("post", "parties", {"name": "X", "party_type": "CUSTOMER"})


@pytest.mark.parametrize(("method", "path", "body"), [*ENDPOINTS, ("get", "parties", None), CREATE])
def test_members_without_permission_get_403(tenant, method, path, body):
    ids = _setup(tenant.api)
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    response = _call(employee, method, path, body, ids)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _unchanged(tenant)
