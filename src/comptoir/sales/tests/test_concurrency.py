"""Confirmations under real concurrency (threads on their own connections): ten orders of one unit each against
five on hand — exactly five are confirmed, the others refused with `insufficient_stock`, the stock never
over-reserved, and the caches still equal the ledger."""

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


@pytest.mark.django_db(transaction=True)
def test_ten_confirmations_of_one_against_five_on_hand():
    tenant = make_tenant()
    party = customer(tenant.api)
    stocked(tenant.api, "BOLT", "5", "2")
    ids = [order(tenant.api, party["id"], [{"product": "BOLT", "quantity": "1"}])["id"] for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    done, refused, errors = [], [], []

    def run(order_id) -> None:
        try:
            with tenant_context(tenant.organization, user=tenant.owner):
                barrier.wait()
                orders.confirm_order(actor=tenant.owner, order_id=order_id)
                done.append(order_id)
        except Conflict as exc:
            refused.append(exc.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=run, args=(order_id,)) for order_id in ids]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert not errors, errors
    assert (len(done), refused) == (5, ["insufficient_stock"] * 5)
    with tenant_context(tenant.organization):
        row = StockBalance.objects.get()
        assert (row.quantity, row.reserved_quantity) == (Decimal(5), Decimal(5))
        assert StockReservation.objects.filter(status="ACTIVE").count() == 5
        assert SalesOrder.objects.filter(status="CONFIRMED").count() == 5
        assert SalesOrder.objects.filter(status="DRAFT").count() == 5
        assert check_stock() == []
