"""The deferred balance check runs at COMMIT, possibly after the tenant context was left (or under Django's test
`check_constraints()`), when row-level security would hide the entry's lines and make every posted entry look
empty. The check now reads the lines as the entry's own organization, restoring the session's setting after."""

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION accounting_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    dr numeric;
    cr numeric;
    previous text;
BEGIN
    IF NEW.status <> 'POSTED' THEN
        RETURN NULL;
    END IF;
    previous := COALESCE(current_setting('comptoir.org_id', true), '');
    PERFORM set_config('comptoir.org_id', NEW.organization_id::text, true);
    SELECT count(*),
           COALESCE(sum(base_amount) FILTER (WHERE entry_type = 'DR'), 0),
           COALESCE(sum(base_amount) FILTER (WHERE entry_type = 'CR'), 0)
      INTO n, dr, cr
      FROM accounting_journalline WHERE entry_id = NEW.id AND organization_id = NEW.organization_id;
    PERFORM set_config('comptoir.org_id', previous, true);
    IF n < 2 THEN
        RAISE EXCEPTION 'posted journal entry % has % line(s); at least 2 are required', NEW.id, n
            USING ERRCODE = 'check_violation';
    END IF;
    IF dr <> cr THEN
        RAISE EXCEPTION 'posted journal entry % is unbalanced: debit % <> credit %', NEW.id, dr, cr
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.total_debit <> dr OR NEW.total_credit <> cr THEN
        RAISE EXCEPTION 'posted journal entry % totals differ from its lines', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""

REVERSE_SQL = r"""
CREATE OR REPLACE FUNCTION accounting_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    dr numeric;
    cr numeric;
BEGIN
    IF NEW.status <> 'POSTED' THEN
        RETURN NULL;
    END IF;
    SELECT count(*),
           COALESCE(sum(base_amount) FILTER (WHERE entry_type = 'DR'), 0),
           COALESCE(sum(base_amount) FILTER (WHERE entry_type = 'CR'), 0)
      INTO n, dr, cr
      FROM accounting_journalline WHERE entry_id = NEW.id;
    IF n < 2 THEN
        RAISE EXCEPTION 'posted journal entry % has % line(s); at least 2 are required', NEW.id, n
            USING ERRCODE = 'check_violation';
    END IF;
    IF dr <> cr THEN
        RAISE EXCEPTION 'posted journal entry % is unbalanced: debit % <> credit %', NEW.id, dr, cr
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.total_debit <> dr OR NEW.total_credit <> cr THEN
        RAISE EXCEPTION 'posted journal entry % totals differ from its lines', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("accounting", "0002_books_enforced_in_postgresql")]
    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
