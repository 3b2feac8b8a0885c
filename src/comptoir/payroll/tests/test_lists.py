"""List endpoints and desk lists read an exact, constant number of statements, however many rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from tests.support.queries import CaptureStatements

from comptoir.payroll.tests.factories import employee, ok, run, structure


def _add_people(api, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        row = employee(api, f"P{i}", "Person", email=f"p{i}@example.com")
        structure(api, row["id"], "BASIC", "1000")
        structure(api, row["id"], "ALLOWANCE", "100")


@pytest.mark.parametrize(
    ("path", "expected"),
    [("payroll/payslips", None), ("payroll/pay-structures", None), ("payroll/runs", None),
     ("payroll/pay-heads", None), ("payroll/runs/{run}", None), ("payroll/runs/{run}/register", None)],
)  # fmt: skip
def test_lists_read_a_constant_number_of_statements(tenant, path, expected):
    api = tenant.api

    def measure(run_id) -> int:
        with CaptureStatements(connection) as captured:
            assert api.get(path.format(run=run_id)).status_code == 200
        return len(captured.captured_queries)

    _add_people(api, 1)
    first = run(api)
    ok(api.post(f"payroll/runs/{first['id']}/process"))
    few = measure(first["id"])
    ok(api.post(f"payroll/runs/{first['id']}/reopen", {}))
    _add_people(api, 4, start=1)
    ok(api.post(f"payroll/runs/{first['id']}/process"))
    assert measure(first["id"]) == few


def test_list_statement_counts_are_exact(tenant):
    api = tenant.api
    _add_people(api, 3)
    row = run(api)
    ok(api.post(f"payroll/runs/{row['id']}/process"))
    counts = {}
    for path in ("payroll/payslips", "payroll/runs", "payroll/pay-heads", "payroll/pay-structures"):
        with CaptureStatements(connection) as captured:
            assert api.get(path).status_code == 200
        counts[path] = len(captured.captured_queries)
    assert counts == EXACT


def test_desk_lists_read_a_constant_number_of_statements(tenant):
    client = Client()
    client.force_login(tenant.owner)

    def measure(url) -> int:
        with CaptureStatements(connection) as captured:
            assert client.get(url).status_code == 200
        # the session's own writes (its expiry refreshed now and then) are not the page's
        return len([q for q in captured.captured_queries if not _session_write(q["sql"])])

    _add_people(tenant.api, 1)
    row = run(tenant.api)
    ok(tenant.api.post(f"payroll/runs/{row['id']}/process"))
    urls = ("/payroll/payslips/", "/payroll/runs/", f"/payroll/runs/{row['id']}/", "/payroll/pay-structures/",
            "/payroll/pay-heads/")  # fmt: skip
    few = {url: measure(url) for url in urls}
    ok(tenant.api.post(f"payroll/runs/{row['id']}/reopen", {}))
    _add_people(tenant.api, 3, start=1)
    ok(tenant.api.post(f"payroll/runs/{row['id']}/process"))
    assert {url: measure(url) for url in urls} == few


EXACT = {"payroll/payslips": 3, "payroll/runs": 2, "payroll/pay-heads": 2, "payroll/pay-structures": 3}


def _session_write(sql: str) -> bool:
    return "django_session" in sql or sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
