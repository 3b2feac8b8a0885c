"""The stock reports, aggregated in SQL and scoped to the organization in context:

- `stock_ledger`: one product's movements in a date range at a warehouse (and its bins) or everywhere, after the
  opening quantity and value, with the running quantity and value;
- `stock_on_hand`: quantity and value per product and warehouse as of a date (today's from the balance cache;
  an earlier date sums the ledger up to it);
- `reorder_report`: tracked products whose available stock is at or below their reorder point, with the quantity
  to order;
- `expiry_report`: stock in batches that expire before a date;
- `inventory_status`: the catalogue's §29 view (`inventory_status`, security_invoker so row-level security applies)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Q, Sum

from comptoir.catalog.queries.products import products as catalog_products
from comptoir.inventory.models import StockBalance, StockMovement, StockRevaluation, Warehouse
from comptoir.inventory.queries.refs import resolve_product, resolve_warehouse
from comptoir.platform.tenancy import require_org_id

ZERO = Decimal(0)
NONE = Decimal("0.000")  # a quantity
MOVEMENT = StockMovement._meta.db_table
WAREHOUSE = Warehouse._meta.db_table
BALANCE = StockBalance._meta.db_table
REVALUATION = StockRevaluation._meta.db_table


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stock_ledger(*, product, warehouse=None, date_from: datetime.date, date_to: datetime.date) -> dict:
    """Opening, movements (each with its signed quantity and value for the scope, and the running figures) and
    closing of `product` at `warehouse` (its subtree) or in every warehouse. A transfer inside the scope moves
    nothing."""
    item = resolve_product(product)
    if warehouse:
        place = resolve_warehouse(warehouse)
        inside = set(Warehouse.objects.filter(path__startswith=place.path).values_list("id", flat=True))
    else:
        inside = None

    def _sign(from_id, to_id) -> int:
        into = to_id is not None and (inside is None or to_id in inside)
        out = from_id is not None and (inside is None or from_id in inside)
        return int(into) - int(out)

    qs = StockMovement.objects.filter(product=item).select_related("from_warehouse", "to_warehouse", "batch")
    if inside is not None:
        qs = qs.filter(Q(from_warehouse_id__in=inside) | Q(to_warehouse_id__in=inside))
    quantity, value = NONE, Decimal("0.0000")  # as the amount columns hold it
    before = qs.filter(movement_date__lt=date_from).values_list("quantity", "value", "from_warehouse", "to_warehouse")
    for moved, worth, from_id, to_id in before:
        sign = _sign(from_id, to_id)
        quantity += sign * moved
        value += sign * worth
    opening = {"quantity": quantity, "value": value}
    rows = []
    for movement in qs.filter(movement_date__gte=date_from, movement_date__lte=date_to).order_by("movement_date", "id"):
        sign = _sign(movement.from_warehouse_id, movement.to_warehouse_id)
        quantity += sign * movement.quantity
        value += sign * movement.value
        rows.append(
            {
                "date": movement.movement_date,
                "movement_type": movement.movement_type,
                "from_warehouse": movement.from_warehouse.code if movement.from_warehouse_id else None,
                "to_warehouse": movement.to_warehouse.code if movement.to_warehouse_id else None,
                "batch": movement.batch.batch_number if movement.batch_id else None,
                "quantity": sign * movement.quantity,
                "rate": movement.rate,
                "value": sign * movement.value,
                "running_quantity": quantity,
                "running_value": value,
                "source_type": movement.source_type,
                "source_id": movement.source_id,
            }
        )
    return {
        "product": item.code,
        "date_from": date_from,
        "date_to": date_to,
        "opening": opening,
        "movements": rows,
        "closing": {"quantity": quantity, "value": value},
    }


PRODUCT = apps.get_model("catalog", "Product")._meta.db_table  # read in SQL only, never imported

# Today's figures: the balance rows that hold something, with their product, then their warehouse, in code order
# (byte order: codes are identifiers, and a collation's sort costs more than the rest of the query). One row per
# (product, warehouse, batch): no GROUP BY — summing 20,000 rows costs more than reading them (a hash aggregate
# that spills, or a sort) while almost every (product, warehouse) has one row; the batches of one are adjacent in
# this order, and `stock_on_hand` adds them up as they come. The balances meet their products first, in a subquery
# the planner keeps apart (`OFFSET 0`), with the organization as a constant: given the three tables at once, a few
# warehouses (a small table autovacuum seldom analyzes) made it guess a few hundred rows out of the warehouse join
# and look each product up by its key, 20,000 times, instead of hashing the products once (40 → 20 ms).
_CACHED = f"""
SELECT h.code, h.name, w.code, h.quantity, h.value
  FROM (
    SELECT p.code, p.name, b.warehouse_id, b.quantity, b.value
      FROM {BALANCE} b
      JOIN {PRODUCT} p ON p.id = b.product_id AND p.organization_id = %(org)s AND p.deleted_at IS NULL
     WHERE b.organization_id = %(org)s AND (b.quantity <> 0 OR b.value <> 0) {{product}}
    OFFSET 0
  ) h
  JOIN {WAREHOUSE} w ON w.id = h.warehouse_id AND w.organization_id = %(org)s {{warehouse}}
 ORDER BY h.code COLLATE "C", w.code COLLATE "C"
"""  # noqa: S608 (model tables)

# An earlier day's: the ledger and the revaluations up to it.
_AS_OF = f"""
SELECT p.code, p.name, w.code, SUM(t.q), SUM(t.v) FROM (
    SELECT product_id, to_warehouse_id AS warehouse_id, quantity AS q, value AS v FROM {MOVEMENT}
     WHERE organization_id = %(org)s AND to_warehouse_id IS NOT NULL AND movement_date <= %(as_of)s
    UNION ALL
    SELECT product_id, from_warehouse_id, -quantity, -value FROM {MOVEMENT}
     WHERE organization_id = %(org)s AND from_warehouse_id IS NOT NULL AND movement_date <= %(as_of)s
    UNION ALL
    SELECT product_id, warehouse_id, 0, -amount FROM {REVALUATION}
     WHERE organization_id = %(org)s AND revaluation_date <= %(as_of)s
) t
  JOIN {PRODUCT} p ON p.id = t.product_id AND p.deleted_at IS NULL
  JOIN {WAREHOUSE} w ON w.id = t.warehouse_id
 WHERE true {{product}} {{warehouse}}
 GROUP BY p.code, p.name, w.code HAVING SUM(t.q) <> 0 OR SUM(t.v) <> 0
 ORDER BY p.code, w.code
"""  # noqa: S608 (model tables)


def stock_on_hand(*, as_of: datetime.date | None = None, warehouse=None, product=None) -> dict:
    """Quantity and value per (product, warehouse) as of `as_of` (today when None: from the balance cache; an
    earlier day from the ledger and the revaluations), with the total value. One query."""
    today = datetime.date.today()  # noqa: DTZ011 (the organization's calendar day is the server's)
    params = {"org": require_org_id(), "as_of": as_of}
    where = {"product": "", "warehouse": ""}
    if product:
        params["product"] = resolve_product(product).pk
        where["product"] = "AND p.id = %(product)s"
    if warehouse:
        params["path"] = resolve_warehouse(warehouse).path
        where["warehouse"] = "AND starts_with(w.path, %(path)s)"
    sql = (_CACHED if as_of is None or as_of >= today else _AS_OF).format(**where)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    items: list[dict] = []
    append, total = items.append, ZERO
    last: dict = {}
    last_code = last_place = None
    for code, name, place, quantity, value in rows:  # 20,000 rows for 10,000 products in two warehouses: kept lean
        total += value
        if code == last_code and place == last_place:  # another batch of the same product at the same warehouse
            last["quantity"] += quantity
            last["value"] += value
            continue
        last_code, last_place = code, place
        last = {"product": code, "product_name": name, "warehouse": place, "quantity": quantity, "value": value}
        append(last)
    if len(items) < len(rows):  # merged batches may cancel out (negative stock allowed)
        items = [i for i in items if i["quantity"] or i["value"]]
    return {"as_of": as_of or today, "rows": items, "total_value": total}


def reorder_report() -> list[dict]:
    """Tracked, active products whose available stock (everywhere) is at or below their reorder point, with the
    quantity to order: the reorder quantity, at least up to the maximum level when there is one."""
    available = {
        row["product_id"]: row
        for row in StockBalance.objects.values("product_id").annotate(
            on_hand=Sum("quantity"), reserved=Sum("reserved_quantity")
        )
    }
    out = []
    for item in catalog_products(track_inventory=True, status="ACTIVE").filter(reorder_point__gt=0):
        figures = available.get(item.pk, {"on_hand": NONE, "reserved": NONE})
        free = figures["on_hand"] - figures["reserved"]
        if free > item.reorder_point:
            continue
        to_order = item.reorder_quantity
        if item.max_stock_level is not None:
            to_order = max(to_order, item.max_stock_level - free)
        out.append(
            {
                "product": item.code,
                "name": item.name,
                "on_hand": figures["on_hand"],
                "reserved": figures["reserved"],
                "available": free,
                "reorder_point": item.reorder_point,
                "to_order": to_order,
            }
        )
    return out


def expiry_report(*, before: datetime.date) -> list[dict]:
    """Batches holding stock that expire before `before`, first-expiring first."""
    rows = (
        StockBalance.objects.filter(batch__exp_date__lt=before)
        .exclude(quantity=0)
        .select_related("product", "warehouse", "batch")
        .order_by("batch__exp_date", "product__code", "warehouse__code")
    )
    return [
        {
            "product": row.product.code,
            "warehouse": row.warehouse.code,
            "batch": row.batch.batch_number,
            "exp_date": row.batch.exp_date,
            "quantity": row.quantity,
            "value": row.value,
        }
        for row in rows
    ]


def inventory_status(*, status=None) -> list[dict]:
    """The rows of the `inventory_status` view (§29), by product code."""
    where = "AND inventory_status = %(status)s" if status else ""
    sql = f"SELECT * FROM inventory_status WHERE organization_id = %(org)s {where} ORDER BY code"  # noqa: S608
    return _rows(sql, {"org": require_org_id(), "status": status})
