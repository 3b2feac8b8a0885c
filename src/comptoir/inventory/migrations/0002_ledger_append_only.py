"""The stock ledger is append-only (a correction is an opposite movement): PostgreSQL refuses UPDATE and DELETE of
a movement. The STOCK journal type of existing organizations becomes an inventory journal (`is_inventory`), as new
organizations get it."""

from django.db import migrations

SQL = """
CREATE FUNCTION inventory_stockmovement_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the stock ledger is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER inventory_stockmovement_append_only BEFORE UPDATE OR DELETE ON inventory_stockmovement
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmovement_append_only();
UPDATE accounting_journaltype SET is_inventory = true WHERE category = 'STOCK_JOURNAL';
"""

REVERSE = """
DROP TRIGGER inventory_stockmovement_append_only ON inventory_stockmovement;
DROP FUNCTION inventory_stockmovement_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial"), ("accounting", "0014_derived_caches_cash_flow_open_items")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
