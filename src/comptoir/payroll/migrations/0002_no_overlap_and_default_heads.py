"""Pay structure ranges of one (employee, head) never overlap: an exclusion constraint where btree_gist is
available (the service's locked check holds everywhere). Organizations that exist get the default pay heads and the
deductions liability account."""

from django.db import migrations


def structure_exclusion(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cursor.execute(
            "ALTER TABLE payroll_employeepaystructure ADD CONSTRAINT pay_structure_no_overlap EXCLUDE USING gist "
            "(organization_id WITH =, employee_id WITH =, pay_head_id WITH =, "
            "daterange(effective_from, effective_to, '[]') WITH &&)"
        )


def drop_structure_exclusion(apps, schema_editor):
    schema_editor.execute("ALTER TABLE payroll_employeepaystructure DROP CONSTRAINT IF EXISTS pay_structure_no_overlap")


def install_default_heads(apps, schema_editor):
    from comptoir.payroll.services.heads import install_default_heads as install
    from comptoir.platform.tenancy import tenant_context

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id FROM platform_organization")
        organizations = [row[0] for row in cursor.fetchall()]
    for organization in organizations:
        with tenant_context(organization):
            install(actor=None)


class Migration(migrations.Migration):
    dependencies = [("payroll", "0001_initial"), ("accounting", "0015_newer_default_accounts")]

    operations = [
        migrations.RunPython(structure_exclusion, drop_structure_exclusion),
        migrations.RunPython(install_default_heads, migrations.RunPython.noop),
    ]
