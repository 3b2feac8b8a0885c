"""A revaluation of the stock ledger is append-only too."""

from django.db import migrations

SQL = """
CREATE TRIGGER inventory_stockrevaluation_append_only BEFORE UPDATE OR DELETE ON inventory_stockrevaluation
    FOR EACH ROW EXECUTE FUNCTION inventory_stockmovement_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("inventory", "0005_backdating")]

    operations = [
        migrations.RunSQL(SQL, "DROP TRIGGER inventory_stockrevaluation_append_only ON inventory_stockrevaluation;")
    ]
