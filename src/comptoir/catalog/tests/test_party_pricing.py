"""The party pieces: a customer's selling list and a supplier's buying list (one of each kind per party), the
resolution order with a party (the party's list → the default list → the product's price, hand-computed), a
product's default supplier, and the endpoints with their refusals and other organizations' rows."""

from decimal import Decimal

import pytest
from django.db import connection
from tests.support.queries import CaptureStatements

from comptoir.catalog.models import PartyPriceList, Product
from comptoir.catalog.queries.pricing import resolve_price
from comptoir.catalog.services.pricing import (
    PartyPriceListInput,
    PriceListPatch,
    assign_price_list,
    unassign_price_list,
    update_price_list,
)
from comptoir.catalog.services.products import ProductPatch, update_product
from comptoir.catalog.tests.factories import D, price, price_list, product
from comptoir.parties.services.parties import PartyInput, create_party
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, IntegrationEvent
from comptoir.platform.tenancy import tenant_context

JUNE = D(2026, 6, 1)


@pytest.fixture
def owner(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


def _party(actor, name, party_type):
    return create_party(actor=actor, data=PartyInput(name=name, party_type=party_type))


def _assign(actor, party, price_list_, kind="SELLING"):
    return assign_price_list(actor=actor, data=PartyPriceListInput(party=party.party_number, price_list=price_list_.pk,
                                                                   kind=kind))  # fmt: skip


def _refused(call, code, field):
    before = PartyPriceList.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert (caught.value.code, caught.value.errors[0].field) == (code, field), caught.value.message
    assert PartyPriceList.objects.count() == before


def _price(product_, party=None, quantity="1", on=JUNE, **kw):
    found = resolve_price(product=product_, party=party, on_date=on, quantity=Decimal(quantity), **kw)
    return found.rate, found.source


def test_the_party_list_then_the_default_list_then_the_product_price(owner):
    drill = product(owner, "DRILL", list_price="100.00", standard_cost="60.00")
    saw = product(owner, "SAW", list_price="25.00")
    screws = product(owner, "SCREWS", list_price="8.00")
    retail = price_list(owner, "Retail", is_default=True)
    trade = price_list(owner, "Trade", valid_to=D(2026, 12, 31))
    price(owner, retail, drill, "95.00")
    price(owner, retail, saw, "24.00")
    price(owner, trade, drill, "85.00")
    price(owner, trade, drill, "80.00", min_quantity=10)
    atelier = _party(owner, "Atelier", "CUSTOMER")
    walk_in = _party(owner, "Walk-in", "CUSTOMER")
    _assign(owner, atelier, trade)
    assert _price(drill, atelier) == (Decimal("85.00"), "PARTY_LIST")
    assert _price(drill, atelier, quantity="12") == (Decimal("80.00"), "PARTY_LIST")  # the party list's tier
    assert _price(saw, atelier) == (Decimal("24.00"), "DEFAULT_LIST")  # not on the party's list
    assert _price(screws, atelier) == (Decimal("8.00"), "PRODUCT")  # on neither list
    assert _price(drill, walk_in) == (Decimal("95.00"), "DEFAULT_LIST")  # no list of its own
    assert _price(drill) == (Decimal("95.00"), "DEFAULT_LIST")  # no party
    assert _price(drill, atelier, on=D(2027, 1, 1)) == (Decimal("95.00"), "DEFAULT_LIST")  # its list has ended
    update_price_list(actor=owner, price_list_id=trade.pk, changes=PriceListPatch(is_active=False))
    assert _price(drill, atelier) == (Decimal("95.00"), "DEFAULT_LIST")  # an inactive list is skipped
    usd = price_list(owner, "Export", currency="USD")
    price(owner, usd, drill, "120.00")
    _assign(owner, atelier, usd)  # replaces the trade list
    found = resolve_price(product=drill, party=atelier, on_date=JUNE)
    assert (found.rate, found.currency, found.source) == (Decimal("120.00"), "USD", "PARTY_LIST")
    assert PartyPriceList.objects.get(party=atelier).price_list_id == usd.pk


def test_a_supplier_has_a_buying_list(owner):
    drill = product(owner, "DRILL", list_price="100.00", standard_cost="60.00")
    lemaire = _party(owner, "Lemaire", "SUPPLIER")
    buying = price_list(owner, "Lemaire prices", kind="BUYING")
    price(owner, buying, drill, "57.00")
    _assign(owner, lemaire, buying, kind="BUYING")
    assert _price(drill, lemaire, kind="BUYING") == (Decimal("57.00"), "PARTY_LIST")
    assert _price(drill, kind="BUYING") == (Decimal("60.00"), "PRODUCT")


def test_assignment_refusals_write_nothing(owner, other_tenant):
    customer, supplier = _party(owner, "Atelier", "CUSTOMER"), _party(owner, "Lemaire", "SUPPLIER")
    both = _party(owner, "Vautrin", "BOTH")
    selling, buying = price_list(owner, "Retail"), price_list(owner, "Buying", kind="BUYING")
    _refused(lambda: _assign(owner, customer, buying), "wrong_kind", "price_list")
    _refused(lambda: _assign(owner, supplier, selling), "wrong_party_type", "party")
    _refused(lambda: _assign(owner, customer, buying, kind="BUYING"), "wrong_party_type", "party")
    _refused(lambda: assign_price_list(actor=owner, data=PartyPriceListInput(party="NOPE", price_list=selling.pk)),
             "unknown", "party")  # fmt: skip
    _refused(lambda: assign_price_list(actor=owner, data=PartyPriceListInput(party=customer.pk, price_list="Nope")),
             "unknown", "price_list")  # fmt: skip
    update_price_list(actor=owner, price_list_id=selling.pk, changes=PriceListPatch(is_active=False))
    _refused(lambda: _assign(owner, customer, selling), "inactive", "price_list")
    _assign(owner, both, buying, kind="BUYING")
    row = _assign(owner, both, price_list(owner, "Shop"))  # a party that is both has one list of each kind
    assert PartyPriceList.objects.filter(party=both).count() == 2
    assert IntegrationEvent.objects.filter(event_type="catalog.party_price_list.assigned").count() == 2
    unassign_price_list(actor=owner, assignment_id=row.pk)
    assert AuditLog.objects.filter(object_type="catalog.partypricelist", action="DELETE").count() == 1


def test_a_product_has_a_default_supplier(owner):
    lemaire = _party(owner, "Lemaire", "SUPPLIER")
    customer = _party(owner, "Atelier", "CUSTOMER")
    drill = product(owner, "DRILL", default_supplier=lemaire.party_number)
    assert drill.default_supplier_id == lemaire.pk
    with pytest.raises(ValidationFailed) as caught:
        update_product(actor=owner, product_id=drill.pk, changes=ProductPatch(default_supplier=customer.pk))
    assert (caught.value.code, caught.value.errors[0].field) == ("wrong_party_type", "default_supplier")
    update_product(actor=owner, product_id=drill.pk, changes=ProductPatch(default_supplier=None))
    assert Product.objects.get(pk=drill.pk).default_supplier_id is None


def test_the_endpoints(tenant, other_tenant, owner):
    api = tenant.api
    atelier = _party(owner, "Atelier", "CUSTOMER")
    lemaire = _party(owner, "Lemaire", "SUPPLIER")
    drill = product(owner, "DRILL", list_price="100")
    trade = price_list(owner, "Trade")
    price(owner, trade, drill, "85")
    made = api.post("catalog/products", {"code": "SAW", "name": "Saw", "uom": "pcs",
                                         "default_supplier": lemaire.party_number})  # fmt: skip
    assert made.status_code == 201 and made.json()["default_supplier_name"] == "Lemaire"
    assert [p["code"] for p in api.get("catalog/products", supplier=lemaire.party_number).json()["items"]] == ["SAW"]
    assigned = api.post("catalog/party-price-lists", {"party": atelier.party_number, "price_list": "Trade"})
    assert assigned.status_code == 200 and assigned.json()["price_list_name"] == "Trade"
    refused = api.post("catalog/party-price-lists", {"party": lemaire.party_number, "price_list": "Trade"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "wrong_party_type"
    resolved = api.get("catalog/prices/resolve", product="DRILL", party=atelier.party_number, date="2026-06-01")
    assert (resolved.json()["rate"], resolved.json()["source"]) == ("85.0000", "PARTY_LIST")
    wrong = api.get("catalog/prices/resolve", product="DRILL", party=lemaire.party_number)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "party"
    listed = api.get("catalog/party-price-lists", party=atelier.party_number).json()["items"]
    assert [(a["party_name"], a["kind"], a["currency"]) for a in listed] == [("Atelier", "SELLING", "EUR")]
    for n in range(3):
        _assign(owner, _party(owner, f"C{n}", "CUSTOMER"), trade)
    with CaptureStatements(connection) as small:
        assert len(api.get("catalog/party-price-lists", limit=1).json()["items"]) == 1
    with CaptureStatements(connection) as large:
        assert len(api.get("catalog/party-price-lists", limit=200).json()["items"]) == 4
    assert len(large) == len(small) == 2
    theirs = other_tenant.api
    assert theirs.get(f"catalog/party-price-lists/{assigned.json()['id']}").status_code == 404
    assert theirs.delete(f"catalog/party-price-lists/{assigned.json()['id']}").status_code == 404
    foreign = theirs.post("catalog/party-price-lists", {"party": str(atelier.pk), "price_list": str(trade.pk)})
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "party"
    foreign_price = theirs.get("catalog/prices/resolve", product="DRILL", party=str(atelier.pk))
    assert foreign_price.status_code == 422
    assert api.delete(f"catalog/party-price-lists/{assigned.json()['id']}").status_code == 204
    assert PartyPriceList.objects.count() == 3


def test_the_desk_assigns_a_list_and_a_default_supplier(tenant, owner):
    from django.test import Client

    client = Client()
    client.force_login(tenant.owner)
    atelier = _party(owner, "Atelier", "CUSTOMER")
    lemaire = _party(owner, "Lemaire", "SUPPLIER")
    price_list(owner, "Trade")
    assert client.get("/catalog/party-price-lists/").status_code == 200
    form = client.get("/catalog/party-price-lists/new/").content.decode()
    assert '<option value="Trade"' in form
    made = client.post("/catalog/party-price-lists/new/", {"party": atelier.party_number, "kind": "SELLING",
                                                           "price_list": "Trade"})  # fmt: skip
    assert made.status_code == 302 and PartyPriceList.objects.get().party_id == atelier.pk
    refused = client.post("/catalog/party-price-lists/new/", {"party": lemaire.party_number, "kind": "SELLING",
                                                              "price_list": "Trade"})  # fmt: skip
    assert refused.status_code == 422 and 'data-testid="error-party"' in refused.content.decode()
    body = {"code": "DRILL", "name": "Drill", "type": "PRODUCT", "uom": "pcs", "default_supplier": lemaire.party_number}
    assert client.post("/catalog/products/new/", body).status_code == 302
    drill = Product.objects.get(code="DRILL")
    assert (
        drill.default_supplier_id == lemaire.pk
        and "Lemaire" in client.get(f"/catalog/products/{drill.pk}/").content.decode()
    )
