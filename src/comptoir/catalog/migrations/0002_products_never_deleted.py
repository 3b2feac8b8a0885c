"""A product is never removed (entities §30.4, 002's `prevent_product_deletion`): documents, prices and the stock
ledger point to it, so the services only mark it deleted; this trigger refuses a DELETE from any path, raw SQL
included."""

from django.db import migrations

SQL = r"""
CREATE FUNCTION catalog_product_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a product is never deleted: mark it deleted (deleted_at)'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE TRIGGER catalog_product_never_deleted BEFORE DELETE ON catalog_product
    FOR EACH ROW EXECUTE FUNCTION catalog_product_never_deleted();
"""

REVERSE = r"""
DROP TRIGGER catalog_product_never_deleted ON catalog_product;
DROP FUNCTION catalog_product_never_deleted();
"""


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
