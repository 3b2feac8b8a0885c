"""The proof of the stock (DESIGN §6), run by `comptoir check-books` for every organization (declared in the
module's `book_checks`): the balance cache equals the ledger (on hand and value per product, warehouse and batch,
the movements' values with their revaluations;
reserved = Σ active reservations), the FIFO layers hold what the balances hold, and the stock's value on each
inventory account equals that account's balance in the books. `rebuild_stock()` recomputes the cache and the
layers from the ledger."""

from __future__ import annotations

import datetime
from collections import defaultdict, deque
from decimal import Decimal

from django.db import connection, transaction

from comptoir.accounting.queries.reports import BEGINNING, account_movements
from comptoir.inventory.constants import ReservationStatus, ValuationMethod
from comptoir.inventory.models import (
    StockBalance,
    StockLayer,
    StockMovement,
    StockReservation,
    StockRevaluation,
    Warehouse,
)
from comptoir.inventory.module import VALUATION_SETTING
from comptoir.inventory.queries.refs import system_stock_account
from comptoir.inventory.services.valuation import take_layers
from comptoir.platform.db import insert_rows
from comptoir.platform.ids import uuid7
from comptoir.platform.queries.configuration import get_setting
from comptoir.platform.queries.core import current_organization
from comptoir.platform.tenancy import require_org_id

NO_BATCH = "00000000-0000-0000-0000-000000000000"
MOVEMENT = StockMovement._meta.db_table
BALANCE = StockBalance._meta.db_table
LAYER = StockLayer._meta.db_table
RESERVATION = StockReservation._meta.db_table
REVALUATION = StockRevaluation._meta.db_table
WAREHOUSE = Warehouse._meta.db_table

# Σ into − Σ out of each (product, warehouse, batch), from the ledger.
_LEDGER = f"""
SELECT product_id, warehouse_id, batch_id, SUM(q) AS quantity, SUM(v) AS value FROM (
    SELECT product_id, to_warehouse_id AS warehouse_id, batch_id, quantity AS q, value AS v
      FROM {MOVEMENT} WHERE organization_id = %(org)s AND to_warehouse_id IS NOT NULL
    UNION ALL
    SELECT product_id, from_warehouse_id, batch_id, -quantity, -value
      FROM {MOVEMENT} WHERE organization_id = %(org)s AND from_warehouse_id IS NOT NULL
    UNION ALL
    SELECT product_id, warehouse_id, batch_id, 0, -amount FROM {REVALUATION} WHERE organization_id = %(org)s
) t GROUP BY product_id, warehouse_id, batch_id
"""  # noqa: S608 (model tables)

_RESERVED = f"""
SELECT product_id, warehouse_id, batch_id, SUM(quantity) AS reserved FROM {RESERVATION}
 WHERE organization_id = %(org)s AND status = '{ReservationStatus.ACTIVE}'
 GROUP BY product_id, warehouse_id, batch_id
"""  # noqa: S608 (model table)

_KEY = f"product_id, warehouse_id, COALESCE(batch_id, '{NO_BATCH}'::uuid) AS bkey"

_CHECK_BALANCES = f"""
WITH ledger AS (SELECT {_KEY}, quantity, value FROM ({_LEDGER}) l),
reserved AS (SELECT {_KEY}, reserved FROM ({_RESERVED}) r),
cache AS (SELECT {_KEY}, quantity, reserved_quantity, value FROM {BALANCE} WHERE organization_id = %(org)s),
figures AS (
    SELECT COALESCE(l.product_id, c.product_id) AS product_id, COALESCE(l.warehouse_id, c.warehouse_id) AS warehouse_id,
           COALESCE(l.bkey, c.bkey) AS bkey, COALESCE(l.quantity, 0) AS lq, COALESCE(l.value, 0) AS lv,
           COALESCE(c.quantity, 0) AS cq, COALESCE(c.value, 0) AS cv, COALESCE(c.reserved_quantity, 0) AS cr
      FROM ledger l FULL OUTER JOIN cache c
        ON c.product_id = l.product_id AND c.warehouse_id = l.warehouse_id AND c.bkey = l.bkey
)
SELECT f.product_id, f.warehouse_id, NULLIF(f.bkey, '{NO_BATCH}'::uuid), f.lq, f.lv, COALESCE(r.reserved, 0),
       f.cq, f.cv, f.cr
  FROM figures f FULL OUTER JOIN reserved r
    ON r.product_id = f.product_id AND r.warehouse_id = f.warehouse_id AND r.bkey = f.bkey
 WHERE (COALESCE(f.lq, 0), COALESCE(f.lv, 0), COALESCE(r.reserved, 0))
       IS DISTINCT FROM (COALESCE(f.cq, 0), COALESCE(f.cv, 0), COALESCE(f.cr, 0))
 ORDER BY 1, 2, 3
"""  # noqa: S608 (model tables)

_CHECK_LAYERS = f"""
WITH layers AS (
    SELECT {_KEY}, SUM(remaining_quantity) AS quantity, SUM(remaining_value) AS value
      FROM {LAYER} WHERE organization_id = %(org)s GROUP BY 1, 2, 3
),
cache AS (  -- below zero (negative stock allowed) no layer holds anything
    SELECT {_KEY}, GREATEST(quantity, 0) AS quantity, CASE WHEN quantity < 0 THEN 0 ELSE value END AS value
      FROM {BALANCE} WHERE organization_id = %(org)s
)
SELECT COALESCE(l.product_id, c.product_id), COALESCE(l.warehouse_id, c.warehouse_id),
       NULLIF(COALESCE(l.bkey, c.bkey), '{NO_BATCH}'::uuid),
       COALESCE(l.quantity, 0), COALESCE(l.value, 0), COALESCE(c.quantity, 0), COALESCE(c.value, 0)
  FROM layers l FULL OUTER JOIN cache c
    ON c.product_id = l.product_id AND c.warehouse_id = l.warehouse_id AND c.bkey = l.bkey
 WHERE (COALESCE(l.quantity, 0), COALESCE(l.value, 0)) IS DISTINCT FROM (COALESCE(c.quantity, 0), COALESCE(c.value, 0))
 ORDER BY 1, 2, 3
"""  # noqa: S608 (model tables)

_VALUE_BY_ACCOUNT = f"""
SELECT COALESCE(w.inventory_account_id, %(default)s), SUM(t.value) FROM (
    SELECT to_warehouse_id AS warehouse_id, value FROM {MOVEMENT}
     WHERE organization_id = %(org)s AND to_warehouse_id IS NOT NULL
    UNION ALL
    SELECT from_warehouse_id, -value FROM {MOVEMENT} WHERE organization_id = %(org)s AND from_warehouse_id IS NOT NULL
    UNION ALL
    SELECT warehouse_id, -amount FROM {REVALUATION} WHERE organization_id = %(org)s
) t JOIN {WAREHOUSE} w ON w.id = t.warehouse_id
 GROUP BY 1
"""  # noqa: S608 (model tables)


def _fifo() -> bool:
    return get_setting(VALUATION_SETTING) == ValuationMethod.FIFO


def stock_value_by_account() -> dict:
    """The value of the stock (from the ledger) on each inventory account: {account id: value}."""
    default = system_stock_account()
    with connection.cursor() as cursor:
        cursor.execute(_VALUE_BY_ACCOUNT, {"org": require_org_id(), "default": default.pk if default else None})
        return {account: value for account, value in cursor.fetchall()}


def check_stock() -> list[str]:
    """Every difference between the stock's caches and its ledger, and between its value and the books, as lines
    of text; empty when they hold. For the organization in context."""
    params = {"org": require_org_id()}
    out = []
    with connection.cursor() as cursor:
        cursor.execute(_CHECK_BALANCES, params)
        for product, warehouse, batch, lq, lv, lr, cq, cv, cr in cursor.fetchall():
            out.append(
                f"stock balance product {product} warehouse {warehouse} batch {batch}: "
                f"ledger {lq}/{lv} reserved {lr}, cache {cq}/{cv} reserved {cr}"
            )
        if _fifo():
            cursor.execute(_CHECK_LAYERS, params)
            for product, warehouse, batch, lq, lv, cq, cv in cursor.fetchall():
                out.append(
                    f"stock layers product {product} warehouse {warehouse} batch {batch}: "
                    f"layers {lq}/{lv}, cache {cq}/{cv}"
                )
    values = stock_value_by_account()
    if values:
        books = {
            row.account_id: row.debit - row.credit
            for row in account_movements(BEGINNING, datetime.date.max)
            if row.account_id in values
        }
        for account, value in values.items():
            if books.get(account, Decimal(0)) != value:
                out.append(f"stock value on account {account}: stock {value}, books {books.get(account, 0)}")
    return out


_REBUILD_BALANCES = f"""
INSERT INTO {BALANCE} (id, organization_id, created_at, updated_at, product_id, warehouse_id, batch_id, quantity,
                       reserved_quantity, value)
SELECT gen_random_uuid(), %(org)s, now(), now(), COALESCE(l.product_id, r.product_id),
       COALESCE(l.warehouse_id, r.warehouse_id), COALESCE(l.batch_id, r.batch_id), COALESCE(l.quantity, 0),
       COALESCE(r.reserved, 0), COALESCE(l.value, 0)
  FROM ({_LEDGER}) l FULL OUTER JOIN ({_RESERVED}) r
    ON r.product_id = l.product_id AND r.warehouse_id = l.warehouse_id
   AND COALESCE(r.batch_id, '{NO_BATCH}'::uuid) = COALESCE(l.batch_id, '{NO_BATCH}'::uuid)
"""  # noqa: S608 (model tables)


def _replayed_layers() -> list[StockLayer]:
    """The FIFO layers the ledger leaves, replayed movement by movement per (product, warehouse, batch) with the
    rounding of the writer (`services.ledger._take`). A key below zero (negative stock allowed) holds no layer;
    the incoming movement that brings it back above zero leaves one layer worth what the key is then worth."""
    currency = current_organization().base_currency
    queues: dict[tuple, deque] = defaultdict(deque)
    figures: dict[tuple, list] = defaultdict(lambda: [Decimal(0), Decimal(0)])  # key: [quantity, value]
    revalued: dict[tuple, Decimal] = defaultdict(Decimal)  # (movement, warehouse): Σ revaluations
    for movement, warehouse, amount in StockRevaluation.objects.values_list("movement_id", "warehouse_id", "amount"):
        revalued[(movement, warehouse)] += amount
    for movement in StockMovement.objects.order_by("movement_date", "id").iterator(chunk_size=5000):
        if movement.from_warehouse_id is not None:
            key = (movement.product_id, movement.from_warehouse_id, movement.batch_id)
            queue = queues[key]
            covered = min(movement.quantity, max(figures[key][0], Decimal(0)))
            _value, _lacking = take_layers(queue, covered, currency)
            while queue and queue[0].remaining_quantity == 0:
                queue.popleft()
            figures[key][0] -= movement.quantity
            figures[key][1] -= movement.value + revalued[(movement.pk, movement.from_warehouse_id)]
        if movement.to_warehouse_id is not None:
            key = (movement.product_id, movement.to_warehouse_id, movement.batch_id)
            before = figures[key][0]
            figures[key][0] += movement.quantity
            figures[key][1] += movement.value - revalued[(movement.pk, movement.to_warehouse_id)]
            if before < 0:  # a settled shortfall: what remains, at what the key is worth
                if figures[key][0] > 0:
                    queues[key].append(
                        StockLayer(
                            id=uuid7(),
                            organization_id=movement.organization_id,
                            product_id=movement.product_id,
                            warehouse_id=movement.to_warehouse_id,
                            batch_id=movement.batch_id,
                            movement_id=movement.pk,
                            layer_date=movement.movement_date,
                            quantity=movement.quantity,
                            remaining_quantity=figures[key][0],
                            remaining_value=figures[key][1],
                        )
                    )
                continue
            layer = StockLayer(
                id=uuid7(),
                organization_id=movement.organization_id,
                product_id=movement.product_id,
                warehouse_id=movement.to_warehouse_id,
                batch_id=movement.batch_id,
                movement_id=movement.pk,
                layer_date=movement.movement_date,
                quantity=movement.quantity,
                remaining_quantity=movement.quantity,
                remaining_value=movement.value - revalued[(movement.pk, movement.to_warehouse_id)],
            )
            queues[(movement.product_id, movement.to_warehouse_id, movement.batch_id)].append(layer)
    return [layer for queue in queues.values() for layer in queue]


def rebuild_stock() -> int:
    """Recompute the organization's balance cache (and, under FIFO, its layers) from the ledger and the active
    reservations; returns the number of balance rows written. Locks the organization's balance rows first, as
    every writer of the stock does."""
    params = {"org": require_org_id()}
    with transaction.atomic(), connection.cursor() as cursor:
        list(StockBalance.objects.order_by("product_id", "warehouse_id", "batch_id").select_for_update())
        cursor.execute(f"DELETE FROM {BALANCE} WHERE organization_id = %(org)s", params)  # noqa: S608 (model table)
        cursor.execute(_REBUILD_BALANCES, params)
        written = cursor.rowcount
        if _fifo():
            cursor.execute(f"DELETE FROM {LAYER} WHERE organization_id = %(org)s", params)  # noqa: S608
            layers = _replayed_layers()
            for start in range(0, len(layers), 1000):
                insert_rows(layers[start : start + 1000])
    return written
