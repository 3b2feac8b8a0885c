"""Confirmations under real concurrency (threads on their own connections): ten orders of one unit each against
five on hand — exactly five are confirmed, the others refused with `insufficient_stock`, the stock never
over-reserved, and the caches still equal the ledger. Orders naming the same products in opposite line orders are
confirmed and cancelled side by side without a deadlock: the stock is locked in one order, not line by line."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.inventory.models import StockBalance, StockReservation
from comptoir.inventory.services.books import check_stock
from comptoir.platform.errors import Conflict
from comptoir.platform.tenancy import tenant_context
from comptoir.sales.models import SalesOrder
from comptoir.sales.services import orders
from comptoir.sales.tests.factories import customer, order, stocked

THREADS = 10


def _in_threads(target, args) -> list[BaseException]:
    """Run `target(arg)` for each of `args` in a thread of its own (its own connection); what they raised."""
    errors: list[BaseException] = []

    def run(arg) -> None:
        try:
            target(arg)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(arg,)) for arg in args]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return errors


@pytest.mark.django_db(transaction=True)
def test_ten_confirmations_of_one_against_five_on_hand():
    tenant = make_tenant()
    party = customer(tenant.api)
    stocked(tenant.api, "BOLT", "5", "2")
    ids = [order(tenant.api, party["id"], [{"product": "BOLT", "quantity": "1"}])["id"] for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    done, refused = [], []

    def run(order_id) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                orders.confirm_order(actor=tenant.owner, order_id=order_id)
                done.append(order_id)
        except Conflict as exc:
            refused.append(exc.code)

    assert not _in_threads(run, ids)
    assert (len(done), refused) == (5, ["insufficient_stock"] * 5)
    with tenant_context(tenant.organization):
        row = StockBalance.objects.get()
        assert (row.quantity, row.reserved_quantity) == (Decimal(5), Decimal(5))
        assert StockReservation.objects.filter(status="ACTIVE").count() == 5
        assert SalesOrder.objects.filter(status="CONFIRMED").count() == 5
        assert SalesOrder.objects.filter(status="DRAFT").count() == 5
        assert check_stock() == []


@pytest.mark.django_db(transaction=True)
def test_orders_of_the_same_products_in_opposite_orders_never_deadlock():
    tenant = make_tenant()
    party = customer(tenant.api)
    codes = ["A1", "B2", "C3", "D4"]
    for code in codes:
        stocked(tenant.api, code, "100", "2")
    lines = [{"product": code, "quantity": "1"} for code in codes]
    ids = [order(tenant.api, party["id"], lines if n % 2 else lines[::-1])["id"] for n in range(8)]
    barrier = threading.Barrier(len(ids))

    def step(service):
        def run(order_id) -> None:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                service(actor=tenant.owner, order_id=order_id)

        return run

    assert _in_threads(step(orders.confirm_order), ids) == []  # a deadlock would be an OperationalError here
    with tenant_context(tenant.organization):
        assert sorted(StockBalance.objects.values_list("reserved_quantity", flat=True)) == [Decimal(8)] * 4
    assert _in_threads(step(orders.cancel_order), ids) == []
    with tenant_context(tenant.organization):
        assert sorted(StockBalance.objects.values_list("reserved_quantity", flat=True)) == [Decimal(0)] * 4
        assert StockReservation.objects.filter(status="RELEASED").count() == 32
        assert check_stock() == []
