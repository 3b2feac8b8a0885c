"""Builders for HR's tests, through the real API and services."""

from __future__ import annotations

import datetime

from tests.support.api import member_client

from comptoir.platform.tenancy import tenant_context

YEAR = datetime.date.today().year + 1  # a future year: leave there may still be cancelled
MONDAY = datetime.date(YEAR, 3, 2)
while MONDAY.weekday() != 0:
    MONDAY += datetime.timedelta(days=1)


def day(offset: int) -> str:
    return str(MONDAY + datetime.timedelta(days=offset))


def department(api, name="Operations", **fields) -> dict:
    response = api.post("hr/departments", {"name": name, **fields})
    assert response.status_code == 201, response.json()
    return response.json()


def employee(api, first_name="Ada", last_name="Lovelace", hire_date=None, **fields) -> dict:
    body = {"first_name": first_name, "last_name": last_name, "hire_date": hire_date or f"{YEAR - 1}-01-01",
            "status": "ACTIVE", **fields}  # fmt: skip
    response = api.post("hr/employees", body)
    assert response.status_code == 201, response.json()
    return response.json()


def accrue(api, year=YEAR) -> None:
    assert api.post("hr/leave-balances/accrue", {"year": year}).status_code == 200


def linked(tenant, *, roles=None, **fields) -> tuple[dict, object, object]:
    """An employee whose user signs in (an EMPLOYEE member): (employee, user, api client)."""
    user, client = member_client(tenant, org_role="EMPLOYEE", roles=roles)
    row = employee(tenant.api, user=str(user.pk), **fields)
    return row, user, client


def count(tenant, model) -> int:
    with tenant_context(tenant.organization):
        return model.objects.count()
