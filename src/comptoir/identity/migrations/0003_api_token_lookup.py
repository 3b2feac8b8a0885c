"""A narrow SECURITY DEFINER function that maps an API token prefix to its organization, so authentication can
find the tenant before row-level security admits the token row. It reveals no secret."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION identity_api_token_organization(prefix text) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT organization_id FROM identity_apitoken WHERE token_prefix = prefix AND revoked_at IS NULL
$$;
REVOKE ALL ON FUNCTION identity_api_token_organization(text) FROM PUBLIC;
"""


def grant(apps, schema_editor):
    from comptoir.platform.db import app_role, ensure_app_role

    with schema_editor.connection.cursor() as cursor:
        ensure_app_role(cursor)
        cursor.execute(f'GRANT EXECUTE ON FUNCTION identity_api_token_organization(text) TO "{app_role()}"')


class Migration(migrations.Migration):
    dependencies = [("identity", "0002_initial")]
    operations = [
        migrations.RunSQL(SQL, "DROP FUNCTION IF EXISTS identity_api_token_organization(text)"),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
