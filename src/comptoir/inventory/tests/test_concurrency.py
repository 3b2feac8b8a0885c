"""The stock under real concurrency (threads on their own connections): 20 reservations and 20 issues of one unit
against 10 on hand, and transfers racing in opposite directions. Exactly the stock there is is taken, never more;
the others are refused with `insufficient_stock`; no deadlock; the caches still equal the ledger."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.catalog.services.products import ProductInput, create_product
from comptoir.inventory.models import StockBalance, StockMovement, StockReservation
from comptoir.inventory.services import entries, reservations, warehouses
from comptoir.inventory.services.books import check_stock
from comptoir.platform.errors import Conflict
from comptoir.platform.tenancy import tenant_context

THREADS = 20
DAY = datetime.date(2026, 3, 2)


def _race(tenant, work, threads: int = THREADS) -> tuple[int, list[str]]:
    """Runs `work(i)` in `threads` threads at once: (how many succeeded, the codes of the refusals)."""
    barrier = threading.Barrier(threads)
    done: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                work(i)
                done.append(i)
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    return len(done), refused


def _stocked(quantity="10"):
    tenant = make_tenant()
    with tenant_context(tenant.organization, user=tenant.owner):
        create_product(actor=tenant.owner, data=ProductInput(code="BOLT", name="Bolt", uom="pcs"))
        for code in ("MAIN", "SHOP"):
            warehouses.create_warehouse(actor=tenant.owner, data=warehouses.WarehouseInput(code=code, name=code))
        _entry(tenant, "RECEIPT", to_warehouse="MAIN", quantity=quantity, unit_cost=Decimal("2"))
    return tenant


def _entry(tenant, entry_type, **line):
    line = entries.StockEntryLineInput(product="BOLT", **{**line, "quantity": Decimal(line["quantity"])})
    data = entries.StockEntryInput(entry_type=entry_type, date=DAY, lines=[line], post=True)
    return entries.create_stock_entry(actor=tenant.owner, data=data)


@pytest.mark.django_db(transaction=True)
def test_twenty_reservations_of_one_against_ten_on_hand():
    tenant = _stocked()
    hold = reservations.ReservationInput(product="BOLT", warehouse="MAIN", quantity=Decimal(1))
    succeeded, refused = _race(tenant, lambda i: reservations.reserve_stock(actor=tenant.owner, data=hold))
    assert (succeeded, refused) == (10, ["insufficient_stock"] * 10)
    with tenant_context(tenant.organization):
        row = StockBalance.objects.get()
        assert (row.quantity, row.reserved_quantity) == (Decimal(10), Decimal(10))
        assert StockReservation.objects.count() == 10 and check_stock() == []


@pytest.mark.django_db(transaction=True)
def test_twenty_issues_of_one_against_ten_on_hand():
    tenant = _stocked()
    succeeded, refused = _race(tenant, lambda i: _entry(tenant, "ISSUE", from_warehouse="MAIN", quantity="1"))
    assert (succeeded, refused) == (10, ["insufficient_stock"] * 10)
    with tenant_context(tenant.organization):
        row = StockBalance.objects.get()
        assert (row.quantity, row.value) == (Decimal(0), Decimal(0))
        assert StockMovement.objects.filter(movement_type="OUT").count() == 10 and check_stock() == []


@pytest.mark.django_db(transaction=True)
def test_transfers_racing_both_ways_never_deadlock():
    tenant = _stocked("20")
    with tenant_context(tenant.organization, user=tenant.owner):
        _entry(tenant, "TRANSFER", from_warehouse="MAIN", to_warehouse="SHOP", quantity="10")

    def move(i):
        source, target = ("MAIN", "SHOP") if i % 2 else ("SHOP", "MAIN")
        _entry(tenant, "TRANSFER", from_warehouse=source, to_warehouse=target, quantity="1")

    succeeded, refused = _race(tenant, move, threads=8)
    assert (succeeded, refused) == (8, [])
    with tenant_context(tenant.organization):
        assert sorted(StockBalance.objects.values_list("quantity", flat=True)) == [Decimal(10), Decimal(10)]
        assert check_stock() == []
