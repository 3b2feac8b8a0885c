"""Parties in the desk: the generic pages rendered from parties/desk.py write through the services with the API's
schemas (same rules, same refusals next to their field), the status buttons follow the transitions, the children's
forms take their party, quick search finds parties, and the lists read a constant number of statements."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from tests.support.queries import CaptureStatements

from comptoir.accounting.services import create_and_post
from comptoir.parties.models import Party, PartyContact
from comptoir.parties.tests.factories import GSTIN, create, entry_data
from comptoir.platform.tenancy import tenant_context

PARTIES = "/parties/parties/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**fields) -> dict:
    return {"party_type": "SUPPLIER", "name": "Papeterie Roux", "status": "ACTIVE", "kind": "COMPANY",
            "payment_terms": "NET_30", "tier": "STANDARD", **fields}  # fmt: skip


def test_a_party_is_created_edited_and_moved_from_its_pages(tenant):
    client = signed_in(tenant.owner)
    assert "Papeterie" not in client.get(PARTIES).content.decode()
    response = client.post(f"{PARTIES}new/", _form(gstin=GSTIN, credit_limit="250"))
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant.organization):
        party = Party.objects.get()
    assert response["Location"] == f"{PARTIES}{party.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "P-000001 Papeterie Roux" in page and GSTIN in page and "Supplier" in page and "Statement" in page
    edited = client.post(f"{PARTIES}{party.pk}/edit/", {"name": "Papeterie Roux SA", "kind": "COMPANY",
                                                        "payment_terms": "NET_60", "tier": "GOLD"})  # fmt: skip
    assert edited.status_code == 302, edited.content.decode()[:3000]
    with tenant_context(tenant.organization):
        party.refresh_from_db()
        assert (party.name, party.credit_days, party.tier) == ("Papeterie Roux SA", 60, "GOLD")
    page = client.get(f"{PARTIES}{party.pk}/").content.decode()
    assert 'data-testid="action-deactivate"' in page and 'data-testid="action-activate"' not in page
    assert client.post(f"{PARTIES}{party.pk}/deactivate/").status_code == 302
    blacklist = client.post(f"{PARTIES}{party.pk}/blacklist/", {"reason": "Fraud"})
    assert blacklist.status_code == 302
    with tenant_context(tenant.organization):
        assert Party.objects.get().status == "BLACKLISTED"
    page = client.get(f"{PARTIES}{party.pk}/").content.decode()
    assert 'data-testid="action-lift-blacklist"' in page and 'data-testid="action-deactivate"' not in page
    deleted = client.post(f"{PARTIES}{party.pk}/delete/")
    assert deleted.status_code == 302 and deleted["Location"].endswith(PARTIES)
    with tenant_context(tenant.organization):
        assert not Party.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [({"gstin": "27AAPFU0939F1ZX"}, "gstin", "GSTIN is not valid"), ({"credit_limit": "-3"}, "credit_limit",
                                                                      "must not be negative")],
)  # fmt: skip
def test_a_refusal_is_shown_next_to_its_field_and_nothing_is_written(tenant, fields, field, message):
    client = signed_in(tenant.owner)
    response = client.post(f"{PARTIES}new/", _form(**fields))
    assert response.status_code == 422
    html = response.content.decode()
    error = re.search(rf'data-testid="error-{field}">([^<]*)<', html)
    assert error and message in error.group(1)
    with tenant_context(tenant.organization):
        assert Party.objects.count() == 0


def test_a_contact_is_added_from_the_party_page(tenant):
    party = create(tenant.api)
    client = signed_in(tenant.owner)
    form = client.get(f"/parties/contacts/new/?party={party['id']}").content.decode()
    assert party["id"] in form
    response = client.post("/parties/contacts/new/", {"party": "P-000001", "first_name": "Ada", "last_name": "Morel"})
    assert response.status_code == 302, response.content.decode()[:3000]
    with tenant_context(tenant.organization):
        assert PartyContact.objects.get().is_primary
    page = client.get(f"{PARTIES}{party['id']}/").content.decode()
    assert "Ada Morel" in page
    listed = client.get(f"/parties/contacts/?party={party['id']}").content.decode()
    assert "Ada Morel" in listed
    unknown = client.post("/parties/contacts/new/", {"party": "P-999", "first_name": "A", "last_name": "B"})
    assert unknown.status_code == 422 and "No party" in unknown.content.decode()


def test_quick_search_finds_parties(tenant):
    create(tenant.api, email="compta@morel.fr")
    client = signed_in(tenant.owner)
    response = client.get("/search/", {"q": "compta@morel"})
    assert "P-000001 Atelier Morel" in response.content.decode()


@pytest.mark.parametrize("path", [PARTIES, "/parties/contacts/", "/parties/addresses/", "/parties/bank-accounts/"])
def test_the_lists_read_a_constant_number_of_statements(tenant, path):
    client = signed_in(tenant.owner)

    def count() -> int:
        with CaptureStatements(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    first = create(tenant.api, name="First")
    _children(tenant, first)
    client.get(path)  # warm the per-process caches
    few = count()
    for n in range(6):
        party = create(tenant.api, name=f"P{n}")
        _children(tenant, party)
        with tenant_context(tenant.organization, user=tenant.owner):
            code = party["account"]["code"]
            create_and_post(actor=tenant.owner, data=entry_data((code, "DR", "5.00"), ("4000", "CR", "5.00")))
    assert count() == few


def _children(tenant, party) -> None:
    base = f"parties/{party['id']}"
    assert tenant.api.post(f"{base}/contacts", {"first_name": "A", "last_name": "B"}).status_code == 201
    address = {"address_type": "BILLING", "line1": "1 rue", "city": "Paris", "country": "FR"}
    assert tenant.api.post(f"{base}/addresses", address).status_code == 201
    assert tenant.api.post(f"{base}/bank-accounts", {"account_number": "123456"}).status_code == 201
