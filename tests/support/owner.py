"""The suite runs with an ordinary schema owner, as production does: no SUPERUSER, no BYPASSRLS, only CREATEDB and
CREATEROLE. When the configured user is a superuser (a bootstrap `DATABASE_URL`, or the embedded cluster's own
user), it only creates that ordinary role (idempotently, safe across parallel workers) and every connection of the
run, subprocesses included, then uses it. `COMPTOIR_TEST_OWNER` names the role (default `comptoir_test_owner`)."""

from __future__ import annotations

import os
from urllib.parse import quote

import psycopg

DEFAULT_ROLE = "comptoir_test_owner"
PASSWORD = "comptoir-test-owner"  # a throwaway test role; servers with trust authentication ignore it


def _connect(settings_dict: dict):
    return psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )


def use_ordinary_owner(settings_dict: dict) -> str | None:
    """Switch `settings_dict` (and `DATABASE_URL`) to the ordinary owner role; return its name, or None when the
    configured user is kept (it is not a superuser)."""
    role = os.environ.get("COMPTOIR_TEST_OWNER") or DEFAULT_ROLE
    with _connect(settings_dict) as bootstrap:
        if not bootstrap.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
            return None
        bootstrap.execute(  # only when missing or wrong: parallel workers must not update the role at once
            f"""DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') THEN
                    CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB CREATEROLE PASSWORD '{PASSWORD}';
                ELSIF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}' AND rolcanlogin AND NOT rolsuper
                                  AND NOT rolbypassrls AND rolcreatedb AND rolcreaterole) THEN
                    ALTER ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB CREATEROLE PASSWORD '{PASSWORD}';
                END IF;
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END $$"""  # noqa: S608 (names from the environment of the test run)
        )
    settings_dict.update(USER=role, PASSWORD=PASSWORD)
    if os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = database_url(settings_dict, settings_dict["NAME"])
    return role


def database_url(settings_dict: dict, name: str) -> str:
    """A `DATABASE_URL` for the commands under test: the same server and user, database `name`."""
    s = settings_dict
    password = f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else ""
    host = quote(s["HOST"] or "127.0.0.1", safe="")
    return f"postgresql://{quote(s['USER'], safe='')}{password}@{host}:{s['PORT'] or 5432}/{name}"
