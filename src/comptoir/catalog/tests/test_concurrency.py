"""Rules that read before they write, under real concurrency (threads on their own connections): overlapping
prices of one product and tier, the default list of a kind and currency, and a product code, each taken by
exactly one of the racing writers; the others are refused with the rule's code."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.catalog.models import PriceList, PriceListItem, Product
from comptoir.catalog.tests.factories import price, price_list, product
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.tenancy import tenant_context

THREADS = 4


def _race(tenant, work) -> list[str]:
    """Runs `work(i)` in THREADS threads at once; the codes of the refusals (other errors fail the test)."""
    barrier = threading.Barrier(THREADS)
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                work(i)
        except ValidationFailed as exc:
            refused.append(exc.code if not exc.errors else exc.errors[0].code)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return refused


@pytest.mark.django_db(transaction=True)
def test_racing_writers_take_a_rule_once():
    tenant = make_tenant()
    with tenant_context(tenant.organization, user=tenant.owner):
        drill = product(tenant.owner, "DRILL")
        retail = price_list(tenant.owner, "Retail")

    refused = _race(tenant, lambda i: price(tenant.owner, retail, drill, f"{90 + i}", min_quantity=10))
    assert refused == ["overlapping_dates"] * (THREADS - 1)
    refused = _race(tenant, lambda i: price_list(tenant.owner, f"Default {i}", is_default=True))
    assert sorted(refused) == ["duplicate_default"] * (THREADS - 1)
    refused = _race(tenant, lambda i: product(tenant.owner, "SAW", name=f"Saw {i}"))
    assert refused == ["duplicate"] * (THREADS - 1)
    with tenant_context(tenant.organization):
        assert PriceListItem.objects.filter(min_quantity=Decimal(10)).count() == 1
        assert PriceList.objects.filter(is_default=True).count() == 1
        assert Product.objects.filter(code="SAW").count() == 1
