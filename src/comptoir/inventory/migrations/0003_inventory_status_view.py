"""The catalogue's `inventory_status` view (entities §29): per live product that tracks stock, its stock level and
reservations summed over the warehouses from the balance cache, its status (OUT_OF_STOCK, LOW_STOCK,
REORDER_NEEDED, IN_STOCK, tested in that order), margin and value at standard cost. `security_invoker`, so the
caller's row-level security applies."""

from django.db import migrations

SQL = """
CREATE VIEW inventory_status WITH (security_invoker = true) AS
SELECT p.organization_id, p.id, p.code, p.name, p.type, p.status,
       COALESCE(s.stock_level, 0) AS stock_level,
       COALESCE(s.reserved_quantity, 0) AS reserved_quantity,
       COALESCE(s.stock_level, 0) - COALESCE(s.reserved_quantity, 0) AS available_quantity,
       p.min_stock_level, p.reorder_point,
       CASE WHEN COALESCE(s.stock_level, 0) <= 0 THEN 'OUT_OF_STOCK'
            WHEN COALESCE(s.stock_level, 0) <= p.min_stock_level THEN 'LOW_STOCK'
            WHEN COALESCE(s.stock_level, 0) <= p.reorder_point THEN 'REORDER_NEEDED'
            ELSE 'IN_STOCK' END AS inventory_status,
       p.list_price AS price, p.standard_cost AS cost, p.list_price - p.standard_cost AS margin,
       CASE WHEN p.standard_cost > 0 THEN round((p.list_price - p.standard_cost) / p.standard_cost * 100, 2)
            ELSE 0 END AS margin_percent,
       COALESCE(s.stock_level, 0) * p.standard_cost AS inventory_value
  FROM catalog_product p
  LEFT JOIN (
       SELECT organization_id, product_id, SUM(quantity) AS stock_level, SUM(reserved_quantity) AS reserved_quantity
         FROM inventory_stockbalance GROUP BY organization_id, product_id
  ) s ON s.organization_id = p.organization_id AND s.product_id = p.id
 WHERE p.deleted_at IS NULL AND p.track_inventory;
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_ledger_append_only")]

    operations = [migrations.RunSQL(SQL, "DROP VIEW inventory_status;")]
