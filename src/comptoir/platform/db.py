"""Connection set-up: the application role, row-level security policies and grants.

Every connection switches to the unprivileged application role (`settings.COMPTOIR_APP_ROLE`) so PostgreSQL
row-level security applies to it. Schema changes run in `owner_mode()` as the connecting user, which owns the
tables and need not be a superuser; afterwards `apply_row_level_security()` enables and forces RLS on every tenant
table and its partitions, with the tenant policy and the owner's own policy.
"""

from __future__ import annotations

import datetime
import functools
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, models, transaction
from django.db.backends.utils import CursorDebugWrapper
from psycopg._queries import PostgresQuery, _query2pg_nocache  # psycopg's own placeholder rewriting

from comptoir.platform.tenancy import attach, require_org_id

_owner_mode_depth = 0

# Scalar subqueries, so a policy reads the setting once per statement (an init plan), not once per row: on a report
# over 20,000 balance rows, evaluating it per row cost 15-20 ms.
ORG_SETTING = "(SELECT NULLIF(current_setting('comptoir.org_id', true), '')::uuid)"
USER_SETTING = "(SELECT NULLIF(current_setting('comptoir.user_id', true), '')::uuid)"


def app_role() -> str:
    role = settings.COMPTOIR_APP_ROLE
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise ValueError(f"COMPTOIR_APP_ROLE must be a lower-case SQL identifier, not {role!r}")
    return role


def on_connection_created(sender, connection, **kwargs) -> None:
    attach(connection)
    if connection.vendor == "postgresql" and _owner_mode_depth == 0:
        with connection.cursor() as cursor:
            cursor.execute(f'SET ROLE "{app_role()}"')


@contextmanager
def prepared_cursor(alias: str = "default") -> Iterator:
    """A cursor whose statements PostgreSQL prepares once per connection: parameters bound by the server, so
    psycopg prepares a statement after `prepare_threshold` uses (settings) and later runs skip planning. For the
    fixed statements every request or posting sends, whose planning costs more than their run (the identity query,
    the books of a posting). It passes through the connection's execute wrappers and query log like any cursor;
    other cursors keep Django's client-side binding (nothing else is prepared)."""
    connection = connections[alias]
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    raw = _PreparedCursor(connection.connection)
    cursor = _LoggedAsWritten(raw, connection) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


class _ConvertedOnce(PostgresQuery):
    """psycopg rewrites a statement's `%s` placeholders as `$n` once per text only for texts under 4 KB with at
    most 50 parameters (an ORM's INSERTs of varying row counts would fill its cache); a prepared cursor runs the
    few fixed statements Comptoir builds, a posting's multi-row INSERTs among them, so each is rewritten once."""

    def convert(self, query, vars) -> None:
        if vars is None or not isinstance(query, str) or len(vars) > MAX_CACHED_PARAMETERS:
            super().convert(query, vars)
            return
        self.query, self._want_formats, self._order, self._parts = _converted(query, self._tx.encoding)
        self.dump(vars)


MAX_CACHED_PARAMETERS = 4_000  # 60 rows of the widest table; a bulk load's statements are converted each time


@functools.lru_cache(maxsize=512)
def _converted(query: str, encoding: str) -> tuple:
    return _query2pg_nocache(query.encode(encoding), encoding)


class _PreparedCursor(psycopg.Cursor):
    _query_cls = _ConvertedOnce


def insert_rows(objs: list) -> None:
    """INSERT `objs` (instances of one model, primary key and organization set) in one prepared statement: the
    hot inserts of every posting and audit row, without the ORM's per-call compilation. `auto_now(_add)` fields
    are stamped as `save()` would; no signals are sent (Comptoir uses none for business flows)."""
    if not objs:
        return
    model = type(objs[0])
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # PostgreSQL computes a generated column
    generated = [f for f in model._meta.concrete_fields if f.generated]  # read back, as save() does
    per_statement = MAX_PARAMETERS // len(fields)  # a statement takes at most 65,535 parameters
    for start in range(0, len(objs), per_statement):
        _insert_chunk(model, fields, generated, objs[start : start + per_statement])


MAX_PARAMETERS = 65_535


@contextmanager
def gathered(var: ContextVar, write: Callable[[list], None]) -> Iterator[None]:
    """Inside the block, the writers that look at `var` append their rows to the list it holds instead of writing
    them; `write(rows)` writes them all in one statement when the block ends without an error (nothing is written
    after an error: the transaction rolls back). Nested blocks write with the outermost. For a block, inside the
    caller's transaction, that never carries on after a rolled-back savepoint (its rows would be written all the
    same); the rows are not readable before the block ends."""
    if var.get() is not None:
        yield
        return
    rows: list = []
    token = var.set(rows)
    try:
        yield
    finally:
        var.reset(token)
    if rows:
        write(rows)


_in_service: ContextVar[bool] = ContextVar("in_service", default=False)


@contextmanager
def service_transaction() -> Iterator[None]:
    """The one transaction of a business operation (DESIGN §3). The outermost is `transaction.atomic()`, a
    savepoint inside a caller's transaction (a test's), so its refusal writes nothing; one inside it (a document's
    entry posted by its submission) joins it without a savepoint of its own — two round trips fewer — and its
    refusal fails the whole operation, as it would anyway. Code that carries on after a nested refusal wraps the
    call in `transaction.atomic()` itself."""
    if _in_service.get():
        with transaction.atomic(savepoint=False):
            yield
        return
    token = _in_service.set(True)
    try:
        with transaction.atomic():
            yield
    finally:
        _in_service.reset(token)


def fetch_rows(model, where: str, params: list) -> list:
    """The rows of `model` matching `where` (SQL over its columns, `%s` for each of `params`), as instances, in one
    prepared statement: the hot lookups of every posting (its party, products, tax rates, accounts) without the
    ORM's per-call compilation. A tenant model's rows are those of the organization in context (layer 1 of DESIGN
    §4; row-level security still applies). The values pass through the fields' converters as the ORM's do."""
    sql, attnames, converters, tenant = _select_of(model, where)
    if tenant:
        params = [require_org_id(), *params]
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    connection = connections["default"]
    rows = []
    for values in fetched:
        if converters:
            values = list(values)
            for i, column, convert in converters:
                values[i] = convert(values[i], column, connection)
        rows.append(model.from_db("default", attnames, values))
    return rows


def update_fields(obj, names) -> None:
    """Write the fields `names` of the saved `obj` (an `auto_now` field among them stamped, as `save()` does) by its
    primary key in one prepared statement: `save(update_fields=names)` without the ORM's per-call compilation, for
    the hot updates (a document's transition). DatabaseError when no row was updated, as `save()` raises."""
    model = type(obj)
    fields = list({field.column: field for field in map(model._meta.get_field, names)}.values())
    connection = connections["default"]
    params = [field.get_db_prep_save(field.pre_save(obj, False), connection) for field in fields]
    with prepared_cursor() as cursor:
        cursor.execute(_update_of(model, tuple(field.column for field in fields)), [*params, obj.pk])
        if cursor.rowcount != 1:
            raise DatabaseError(f"Updating {model._meta.label} {obj.pk} affected {cursor.rowcount} rows")


@functools.cache
def _update_of(model, columns: tuple[str, ...]) -> str:
    quote = connections["default"].ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"  # noqa: S608


def remember_related(instance, name: str, rows) -> None:
    """`instance.<name>.all()` (a reverse relation) gives `rows` without a query, as a prefetch would have set it;
    a filtered `instance.<name>` still queries."""
    cached = getattr(instance, name).all()
    cached._result_cache, cached._prefetch_done = list(rows), True
    instance._prefetched_objects_cache = {**getattr(instance, "_prefetched_objects_cache", {}), name: cached}


@functools.cache
def _select_of(model, where: str) -> tuple:
    from comptoir.platform.models.base import TenantModel  # the models import this module's neighbours

    connection = connections["default"]
    fields = model._meta.concrete_fields
    table = connection.ops.quote_name(model._meta.db_table)
    tenant = issubclass(model, TenantModel)
    sql = (
        f"SELECT {', '.join(connection.ops.quote_name(f.column) for f in fields)} FROM {table} "  # noqa: S608
        f"WHERE {'organization_id = %s AND ' if tenant else ''}({where})"
    )
    columns = [(i, f.get_col(model._meta.db_table)) for i, f in enumerate(fields)]
    converters = tuple(
        (i, column, convert)
        for i, column in columns
        for convert in connection.ops.get_db_converters(column) + column.field.get_db_converters(connection)
    )
    return sql, tuple(f.attname for f in fields), converters, tenant


def _insert_chunk(model, fields, generated, objs: list) -> None:
    from comptoir.platform.models import TenantDocument, Workspace  # the models import this module's neighbours

    connection = connections["default"]
    params: list = []
    if issubclass(model, TenantDocument) and any(obj.workspace_id is None for obj in objs):
        default = Workspace.default_id()  # a document's workspace: the default one unless given, as save() sets
        for obj in objs:
            obj.workspace_id = obj.workspace_id or default
    preparers = _preparers(model, tuple(fields))
    for obj in objs:
        values = obj.__dict__
        for field, attname, plain in preparers:
            value = values[attname] if attname else field.pre_save(obj, True)
            params.append(value if type(value) is plain else field.get_db_prep_save(value, connection))
        obj._state.adding, obj._state.db = False, "default"
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(objs))}"  # noqa: S608 (model names)
    if generated:
        sql += f" RETURNING {', '.join(connection.ops.quote_name(f.column) for f in generated)}"
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        for obj, values in zip(objs, cursor.fetchall() if generated else (), strict=bool(generated)):
            for field, value in zip(generated, values, strict=True):
                setattr(obj, field.attname, value)


# Fields whose `get_db_prep_save` gives a value of this exact Python type back as it is (psycopg adapts it). Not
# DecimalField: its check refuses a NaN, which PostgreSQL would store.
_PLAIN_TYPES = {
    models.UUIDField: uuid.UUID,
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
    models.DateField: datetime.date,
}


@functools.cache
def _preparers(model, fields: tuple) -> tuple:
    """Per field: (field, the attribute holding its value — None when its `pre_save` stamps it —, the type of the
    values its `get_db_prep_save` would send unchanged, or None). `insert_rows` passes such values straight on and
    every other through the field, as `save()` does: the same parameters, without a dozen calls per column."""
    out = []
    for field in fields:
        target = field.target_field if field.is_relation else field
        plain = _PLAIN_TYPES.get(type(target)) if not field.is_relation or type(field) is models.ForeignKey else None
        stamped = type(field).pre_save is not models.Field.pre_save
        out.append((field, None if stamped else field.attname, plain))
    return tuple(out)


class _LoggedAsWritten(CursorDebugWrapper):
    """The query log of a prepared cursor holds each statement as written: psycopg keeps no text of a prepared
    run for Django to read back."""

    def debug_sql(self, sql=None, params=None, use_last_executed_query=False, many=False):
        return super().debug_sql(sql, params, use_last_executed_query=False, many=many)


def _set_role_on_open_connections(statement: str) -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute(statement)


def begin_owner_mode() -> None:
    global _owner_mode_depth
    _owner_mode_depth += 1
    _set_role_on_open_connections("RESET ROLE")


def end_owner_mode() -> None:
    global _owner_mode_depth
    _owner_mode_depth -= 1
    if _owner_mode_depth == 0:
        _set_role_on_open_connections(f'SET ROLE "{app_role()}"')


@contextmanager
def owner_mode() -> Iterator[None]:
    """Run schema work as the connecting (owner) user instead of the application role."""
    begin_owner_mode()
    try:
        yield
    finally:
        end_owner_mode()


def ensure_app_role(cursor) -> None:
    """Create the application role and let the connecting user switch to it. Safe when several processes
    migrate at once (roles are cluster-wide)."""
    role = app_role()
    cursor.execute(
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                CREATE ROLE "{role}" NOLOGIN NOSUPERUSER NOBYPASSRLS;
            END IF;
            IF NOT pg_has_role(current_user, '{role}', 'MEMBER') THEN
                EXECUTE format('GRANT %I TO %I', '{role}', current_user);
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END $$"""  # noqa: S608 (the role name comes from settings)
    )


def tenant_policy_sql(model) -> str:
    """The RLS policy of one model: its `rls_policy` attribute if it declares one, else the organization rule."""
    custom = getattr(model, "rls_policy", None)
    if custom:
        return custom.format(org=ORG_SETTING, user=USER_SETTING)
    return f"USING (organization_id = {ORG_SETTING})"


def rls_models() -> list:
    """Every concrete tenant-owned model (a TenantModel, or a model declaring its own policy)."""
    from comptoir.platform.models import TenantModel

    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy and (issubclass(m, TenantModel) or getattr(m, "rls_policy", None))
    ]


def apply_row_level_security(using: str = "default") -> None:
    """Idempotently grant the app role its privileges and (re)create the RLS policies of every tenant table and of
    its partitions. FORCE makes the policies apply to the tables' owner too (usually not a superuser), and the
    policy `schema_owner`, to that owner only, lets it see every row when it acts: migrations, `check-books`, the
    SECURITY DEFINER functions. The application role is not a member of the owner: that policy never applies to it.
    """
    connection = connections[using]
    role = app_role()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        ensure_app_role(cursor)
        cursor.execute(
            "SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
        )
        owners = dict(cursor.fetchall())
        cursor.execute(f'GRANT USAGE ON SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        cursor.execute(f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "{role}"')
        for model in rls_models():
            table = qn(model._meta.db_table)
            owner = qn(owners[model._meta.db_table])
            statements = [
                f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
                f"DROP POLICY IF EXISTS tenant_isolation ON {table}",
                f"CREATE POLICY tenant_isolation ON {table} {tenant_policy_sql(model)}",
                f"DROP POLICY IF EXISTS schema_owner ON {table}",
                f"CREATE POLICY schema_owner ON {table} TO {owner} USING (true) WITH CHECK (true)",
            ]
            for i, (command, clause) in enumerate(getattr(model, "rls_restrictive", ())):
                statements.append(f"DROP POLICY IF EXISTS tenant_restrict_{i} ON {table}")
                statements.append(
                    f'CREATE POLICY tenant_restrict_{i} ON {table} AS RESTRICTIVE FOR {command} TO "{role}" '
                    + clause.format(org=ORG_SETTING, user=USER_SETTING)
                )
            cursor.execute(";\n".join(statements))  # one round trip per table (no parameters: several statements)
            cursor.execute(  # a partition read directly is checked against its own policies, not its parent's
                "SELECT platform_copy_row_security(%s::regclass, relid) FROM pg_partition_tree(%s::regclass) "
                "WHERE relid <> %s::regclass",
                [table, table, table],
            )


def _constraint_name(table: str, column: str, suffix: str) -> str:
    name = f"{table}_{column}_{suffix}"
    if len(name) <= 63:
        return name
    import hashlib

    return f"{name[:50]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"  # noqa: S324 (a name, not a secret)


def tenant_foreign_keys() -> list[tuple]:
    """(child model, FK field, parent model) for every FK between two tenant-owned models."""
    from comptoir.platform.models import TenantModel

    pairs = []
    for model in rls_models():
        if not issubclass(model, TenantModel):
            continue
        for field in model._meta.concrete_fields:
            target = field.related_model if field.is_relation and field.many_to_one else None
            if target is not None and issubclass(target, TenantModel):
                pairs.append((model, field, target))
    return pairs


def apply_tenant_foreign_keys(using: str = "default") -> None:
    """Make every tenant-to-tenant reference a composite FK on (organization_id, …), so PostgreSQL itself
    refuses a row that points into another organization (RLS does not check FK targets)."""
    connection = connections[using]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace")
        existing = {row[0] for row in cursor.fetchall()}
        for child, field, parent in tenant_foreign_keys():
            parent_table = parent._meta.db_table
            unique = _constraint_name(parent_table, "org_id", "tenant_uq")
            if unique not in existing:
                cursor.execute(
                    f"ALTER TABLE {qn(parent_table)} ADD CONSTRAINT {qn(unique)} UNIQUE (organization_id, id)"
                )
                existing.add(unique)
            fk = _constraint_name(child._meta.db_table, field.column, "tenant_fk")
            if fk not in existing:
                cursor.execute(
                    f"ALTER TABLE {qn(child._meta.db_table)} ADD CONSTRAINT {qn(fk)} "
                    f"FOREIGN KEY (organization_id, {qn(field.column)}) REFERENCES {qn(parent_table)} "
                    "(organization_id, id) DEFERRABLE INITIALLY DEFERRED"
                )
                existing.add(fk)
