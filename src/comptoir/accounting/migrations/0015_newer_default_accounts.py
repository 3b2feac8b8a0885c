"""Organizations created before the default chart gained 2300 (goods received not invoiced) and 5100 (stock
adjustments) get them, and any other default row they lack; rows with those codes already are left alone."""

from django.db import migrations


def add_missing_default_rows(apps, schema_editor):
    from comptoir.accounting.services.setup import install_default_chart
    from comptoir.platform.tenancy import tenant_context

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM platform_organization")
        organizations = [row[0] for row in cursor.fetchall()]
    for organization in organizations:
        with tenant_context(organization):
            install_default_chart(actor=None)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0014_derived_caches_cash_flow_open_items")]

    operations = [migrations.RunPython(add_missing_default_rows, migrations.RunPython.noop)]
