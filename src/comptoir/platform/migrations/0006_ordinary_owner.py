"""Partitions carry their parent's row-level security (issue 7, C2).

Row-level security is checked on the table a query names: reading a partition of the audit log directly bypassed
the parent's policies. `platform_copy_row_security(parent, child)` gives a partition its parent's RLS flags,
policies and grants; `comptoir migrate` applies it to every existing partition (platform.db), and the periodic
job's `platform_auditlog_ensure_partitions` to each partition it creates."""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION platform_copy_row_security(parent regclass, child regclass) RETURNS void
LANGUAGE plpgsql SET search_path = public AS $$
DECLARE
    p record;
    g record;
BEGIN
    IF (SELECT relrowsecurity FROM pg_class WHERE oid = parent) THEN
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', child);
    END IF;
    IF (SELECT relforcerowsecurity FROM pg_class WHERE oid = parent) THEN
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', child);
    END IF;
    FOR p IN SELECT policyname, permissive, cmd, qual, with_check,
                    (SELECT string_agg(quote_ident(r), ', ') FROM unnest(roles) AS r) AS roles
             FROM pg_policies WHERE schemaname = 'public' AND tablename = (SELECT relname FROM pg_class WHERE oid = parent)
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS %I ON %s', p.policyname, child);
        EXECUTE format('CREATE POLICY %I ON %s AS %s FOR %s TO %s', p.policyname, child, p.permissive, p.cmd, p.roles)
            || COALESCE(' USING (' || p.qual || ')', '') || COALESCE(' WITH CHECK (' || p.with_check || ')', '');
    END LOOP;
    FOR g IN SELECT a.grantee::regrole AS grantee, a.privilege_type
             FROM pg_class c, aclexplode(c.relacl) AS a
             WHERE c.oid = parent AND a.grantee NOT IN (0, c.relowner)
    LOOP
        EXECUTE format('GRANT %s ON %s TO %s', g.privilege_type, child, g.grantee);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION platform_copy_row_security(regclass, regclass) FROM PUBLIC;

CREATE OR REPLACE FUNCTION platform_auditlog_ensure_partitions(months_ahead integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', now())::date;
    m date;
    name text;
BEGIN
    FOR i IN 0..months_ahead LOOP
        m := (first + make_interval(months => i))::date;
        name := format('audit_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'));
        IF to_regclass(name) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF platform_auditlog FOR VALUES FROM (%L) TO (%L)',
                           name, m, (m + interval '1 month')::date);
            PERFORM platform_copy_row_security('platform_auditlog', name::regclass);
        END IF;
    END LOOP;
END $$;
"""

REVERSE = """
CREATE OR REPLACE FUNCTION platform_auditlog_ensure_partitions(months_ahead integer) RETURNS void LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first date := date_trunc('month', now())::date;
    m date;
BEGIN
    FOR i IN 0..months_ahead LOOP
        m := (first + make_interval(months => i))::date;
        IF to_regclass(format('audit_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM'))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF platform_auditlog FOR VALUES FROM (%L) TO (%L)',
                           format('audit_logs_y%sm%s', to_char(m, 'YYYY'), to_char(m, 'MM')),
                           m, (m + interval '1 month')::date);
        END IF;
    END LOOP;
END $$;
DROP FUNCTION IF EXISTS platform_copy_row_security(regclass, regclass);
"""


class Migration(migrations.Migration):
    dependencies = [("platform", "0005_periodic_jobs_support")]
    operations = [migrations.RunSQL(SQL, REVERSE)]
