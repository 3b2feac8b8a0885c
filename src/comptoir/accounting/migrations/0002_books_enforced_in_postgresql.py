"""The books, enforced a second time by PostgreSQL (DESIGN §6):
- a posted entry's lines cannot be inserted, changed or deleted, and a posted entry's header cannot change
  except POSTED → REVERSED; cancelled and reversed entries are frozen;
- a deferred constraint trigger re-checks at commit that every posted entry has ≥ 2 lines and balances in
  base currency, with totals equal to its lines;
- fiscal years of one organization do not overlap (an exclusion constraint when btree_gist is available,
  otherwise the service's locked check is the only guard)."""

from django.db import migrations

SQL = r"""
CREATE FUNCTION accounting_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_status text;
BEGIN
    SELECT status INTO entry_status FROM accounting_journalentry
        WHERE id = COALESCE(NEW.entry_id, OLD.entry_id);
    IF entry_status IS NOT NULL AND entry_status <> 'DRAFT' THEN
        RAISE EXCEPTION 'journal lines of a % entry are immutable', entry_status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.entry_id <> OLD.entry_id THEN
        SELECT status INTO entry_status FROM accounting_journalentry WHERE id = OLD.entry_id;
        IF entry_status <> 'DRAFT' THEN
            RAISE EXCEPTION 'journal lines of a % entry are immutable', entry_status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN COALESCE(NEW, OLD);
END $$;

CREATE TRIGGER accounting_line_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_journalline
    FOR EACH ROW EXECUTE FUNCTION accounting_line_guard();

CREATE FUNCTION accounting_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'DRAFT' THEN
            RAISE EXCEPTION 'a % journal entry cannot be deleted', OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status IN ('CANCELLED', 'REVERSED') THEN
        RAISE EXCEPTION 'a % journal entry is frozen', OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'POSTED' THEN
        IF NEW.status NOT IN ('POSTED', 'REVERSED')
           OR NEW.entry_number IS DISTINCT FROM OLD.entry_number
           OR NEW.date IS DISTINCT FROM OLD.date
           OR NEW.journal_type_id IS DISTINCT FROM OLD.journal_type_id
           OR NEW.fiscal_year_id IS DISTINCT FROM OLD.fiscal_year_id
           OR NEW.fiscal_period_id IS DISTINCT FROM OLD.fiscal_period_id
           OR NEW.currency_id IS DISTINCT FROM OLD.currency_id
           OR NEW.total_debit IS DISTINCT FROM OLD.total_debit
           OR NEW.total_credit IS DISTINCT FROM OLD.total_credit
           OR NEW.narration IS DISTINCT FROM OLD.narration
           OR NEW.reversed_entry_id IS DISTINCT FROM OLD.reversed_entry_id
           OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
           OR NEW.posted_at IS DISTINCT FROM OLD.posted_at THEN
            RAISE EXCEPTION 'a posted journal entry is immutable; reverse it instead'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER accounting_entry_guard BEFORE UPDATE OR DELETE ON accounting_journalentry
    FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard();

CREATE FUNCTION accounting_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE CONSTRAINT TRIGGER accounting_entry_balanced AFTER INSERT OR UPDATE ON accounting_journalentry
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION accounting_entry_balanced();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS accounting_entry_balanced ON accounting_journalentry;
DROP TRIGGER IF EXISTS accounting_entry_guard ON accounting_journalentry;
DROP TRIGGER IF EXISTS accounting_line_guard ON accounting_journalline;
DROP FUNCTION IF EXISTS accounting_entry_balanced();
DROP FUNCTION IF EXISTS accounting_entry_guard();
DROP FUNCTION IF EXISTS accounting_line_guard();
"""


def fiscal_year_exclusion(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gist'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        cursor.execute(
            "ALTER TABLE accounting_fiscalyear ADD CONSTRAINT fiscal_year_no_overlap EXCLUDE USING gist "
            "(organization_id WITH =, daterange(start_date, end_date, '[]') WITH &&)"
        )


def drop_fiscal_year_exclusion(apps, schema_editor):
    schema_editor.execute("ALTER TABLE accounting_fiscalyear DROP CONSTRAINT IF EXISTS fiscal_year_no_overlap")


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]
    operations = [
        migrations.RunSQL(SQL, REVERSE_SQL),
        migrations.RunPython(fiscal_year_exclusion, drop_fiscal_year_exclusion),
    ]
