"""Parties under concurrency, with real threads on their own connections: party numbers (and so their account
codes) are distinct and gap-free, a refused party gives its number back; concurrent "make me primary" writes leave
exactly one primary contact."""

import threading

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.parties.models import Party, PartyContact
from comptoir.parties.services.children import ContactInput, create_contact
from comptoir.parties.services.parties import PartyInput, create_party
from comptoir.parties.tests.factories import GSTIN
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import tenant_context

THREADS = 4
PER_THREAD = 6


def _run(tenant, work) -> list[BaseException]:
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def thread(slot: int) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                work(slot)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=thread, args=(slot,)) for slot in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_parties_get_distinct_gap_free_numbers():
    tenant = make_tenant()

    def work(slot: int) -> None:
        for i in range(PER_THREAD):
            if i == 3:  # refused after its checks began: takes no number
                with pytest.raises(ValidationFailed):
                    create_party(actor=tenant.owner, data=PartyInput(name="Bad", party_type="CUSTOMER", pan="X"))
            create_party(actor=tenant.owner, data=PartyInput(name=f"P{slot}-{i}", party_type="SUPPLIER"))

    assert _run(tenant, work) == []
    with tenant_context(tenant.organization):
        rows = list(Party.objects.select_related("account").values_list("party_number", "account__code"))
    assert len(rows) == THREADS * PER_THREAD
    assert all(number == code for number, code in rows)
    assert sorted(int(number[2:]) for number, _ in rows) == list(range(1, THREADS * PER_THREAD + 1))


@pytest.mark.django_db(transaction=True)
def test_concurrent_primary_contacts_leave_exactly_one():
    tenant = make_tenant()
    with tenant_context(tenant.organization, user=tenant.owner):
        party = create_party(actor=tenant.owner, data=PartyInput(name="Morel", party_type="CUSTOMER"))

    def work(slot: int) -> None:
        for i in range(PER_THREAD):
            data = ContactInput(first_name=f"C{slot}", last_name=str(i), is_primary=True)
            create_contact(actor=tenant.owner, party_id=party.pk, data=data)

    assert _run(tenant, work) == []
    with tenant_context(tenant.organization):
        assert PartyContact.objects.count() == THREADS * PER_THREAD
        primary = list(PartyContact.objects.filter(is_primary=True))
    assert len(primary) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_parties_with_one_tax_id_leave_one_and_no_gap():
    tenant = make_tenant()
    refused: list[str] = []

    def work(slot: int) -> None:
        try:
            create_party(actor=tenant.owner, data=PartyInput(name=f"P{slot}", party_type="CUSTOMER", gstin=GSTIN))
        except ValidationFailed as exc:
            refused.append(f"{exc.errors[0].field}:{exc.code}")

    assert _run(tenant, work) == []
    assert refused == ["gstin:duplicate"] * (THREADS - 1)
    with tenant_context(tenant.organization, user=tenant.owner):
        assert list(Party.objects.values_list("party_number", flat=True)) == ["P-000001"]
        assert create_party(actor=tenant.owner, data=PartyInput(name="Next", party_type="CUSTOMER")).party_number == (
            "P-000002"
        )
