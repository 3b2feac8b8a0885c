"""A narrow SECURITY DEFINER function listing the organizations that periodic maintenance visits.

The worker runs as the application role under row-level security with no organization in context, so it cannot
list organizations itself. This function returns their ids only (nothing else about them): every organization
that is not SUSPENDED and not deleted (ACTIVE and INACTIVE ones both still hold data that needs upkeep)."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION platform_active_organization_ids() RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT id FROM platform_organization WHERE status <> 'SUSPENDED' AND deleted_at IS NULL ORDER BY id
$$;
REVOKE ALL ON FUNCTION platform_active_organization_ids() FROM PUBLIC;
"""


def grant(apps, schema_editor):
    from comptoir.platform.db import app_role, ensure_app_role

    with schema_editor.connection.cursor() as cursor:
        ensure_app_role(cursor)
        cursor.execute(f'GRANT EXECUTE ON FUNCTION platform_active_organization_ids() TO "{app_role()}"')


class Migration(migrations.Migration):
    dependencies = [("platform", "0004_organization_code_unique_ci")]
    operations = [
        migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS platform_active_organization_ids()"),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
