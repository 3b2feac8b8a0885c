"""Purchasing under real concurrency (threads on their own connections): receipts of one order line racing never
take it past its tolerance, and order numbers taken at once are distinct and gap-free."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from tests.support.api import make_tenant

from comptoir.inventory.services.books import check_stock
from comptoir.platform.errors import Conflict
from comptoir.platform.tenancy import tenant_context
from comptoir.purchasing.models import GoodsReceipt, PurchaseOrder, PurchaseOrderItem
from comptoir.purchasing.services import orders, receipts
from comptoir.purchasing.tests.factories import confirmed, set_setting, setup

pytestmark = pytest.mark.django_db(transaction=True)
THREADS = 8
DAY = datetime.date(datetime.date.today().year, 3, 5)


def _race(tenant, work, threads: int = THREADS) -> tuple[int, list[str]]:
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
        except BaseException as exc:
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


def test_receipts_of_one_line_at_once_never_pass_the_tolerance():
    tenant = make_tenant()
    party = setup(tenant.api)
    set_setting(tenant.api, "purchasing.over_receipt_tolerance_pct", 10)
    po = confirmed(tenant.api, party, [{"product": "BOLT", "quantity": "10", "unit_rate": "2"}])
    item = po["lines"][0]["id"]
    data = receipts.ReceiptInput(date=DAY, lines=[receipts.ReceiptLineInput(order_item=item, quantity=Decimal(3))])
    done, refused = _race(tenant, lambda i: receipts.receive_goods(actor=tenant.owner, order_id=po["id"], data=data))
    # 11 allowed: three receipts of 3 fit, a fourth would make 12
    assert (done, refused) == (3, ["over_receipt"] * (THREADS - 3))
    with tenant_context(tenant.organization):
        assert PurchaseOrderItem.objects.get(pk=item).received_quantity == Decimal(9)
        assert GoodsReceipt.objects.count() == 3
        assert check_stock() == []


def test_order_numbers_taken_at_once_are_distinct_and_gap_free():
    tenant = make_tenant()
    party = setup(tenant.api)

    def create(i):
        line = orders.OrderLineInput(product="BOLT", quantity=Decimal(1), unit_rate=Decimal(1))
        orders.create_order(
            actor=tenant.owner,
            data=orders.OrderInput(party=party["id"], order_date=DAY, warehouse="MAIN", lines=[line]),
        )

    done, refused = _race(tenant, create)
    assert (done, refused) == (THREADS, [])
    with tenant_context(tenant.organization):
        numbers = sorted(PurchaseOrder.objects.values_list("order_number", flat=True))
    assert numbers == [f"PO-{DAY.year}-{n:06d}" for n in range(1, THREADS + 1)]
