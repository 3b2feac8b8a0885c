"""`comptoir check-books` on a real database: exit 0 while every balance cache equals the ledger, exit 1 with the
differences listed when one does not, and `--rebuild` puts the cache right."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from comptoir.accounting.services import create_and_post
from comptoir.accounting.tests.factories import entry_data
from comptoir.platform.db import owner_mode
from comptoir.platform.tenancy import tenant_context
from tests.support.owner import database_url

from .conftest import cli_env, run_cli


def _database_url() -> str:
    return database_url(connection.settings_dict, connection.settings_dict["NAME"])


@pytest.mark.django_db(transaction=True)
def test_check_books_exit_codes_and_rebuild(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        create_and_post(actor=tenant.owner, data=entry_data(("1000", "DR", "250.00"), ("4000", "CR", "250.00")))
    env = cli_env(None, DATABASE_URL=_database_url())

    sound = run_cli(["check-books"], env)
    assert sound.returncode == 0, sound.stderr
    assert "1 organization(s) checked, 0 difference(s)" in sound.stdout  # as an ordinary owner too, not 0 checked

    with owner_mode(), connection.cursor() as cursor:  # a cache row drifts from the ledger
        cursor.execute("UPDATE accounting_accountbalance SET debit_total = debit_total + 1 WHERE debit_total > 0")
    broken = run_cli(["check-books"], env)
    assert broken.returncode == 1
    assert f"{tenant.organization.code} account" in broken.stdout and "ledger 250.00/0.00" in broken.stdout
    assert broken.stderr.strip() == "comptoir: 1 balance(s) differ from the ledger"

    rebuilt = run_cli(["check-books", "--rebuild"], env)
    assert rebuilt.returncode == 1  # it reports what it found, then rewrites it
    again = run_cli(["check-books"], env)
    assert again.returncode == 0 and "0 difference(s)" in again.stdout


@pytest.mark.django_db(transaction=True)
def test_check_books_proves_the_stock_too(tenant):
    from comptoir.catalog.services.products import ProductInput, create_product
    from comptoir.inventory.services import entries, warehouses

    with tenant_context(tenant.organization, user=tenant.owner):
        create_product(actor=tenant.owner, data=ProductInput(code="BOLT", name="Bolt", uom="pcs"))
        warehouses.create_warehouse(actor=tenant.owner, data=warehouses.WarehouseInput(code="MAIN", name="Main"))
        line = entries.StockEntryLineInput(product="BOLT", to_warehouse="MAIN", quantity=3, unit_cost=2)
        data = entries.StockEntryInput(entry_type="RECEIPT", date=datetime.date(2026, 3, 1), lines=[line], post=True)
        entries.create_stock_entry(actor=tenant.owner, data=data)
    env = cli_env(None, DATABASE_URL=_database_url())
    assert run_cli(["check-books"], env).returncode == 0

    with owner_mode(), connection.cursor() as cursor:  # the stock cache drifts from the ledger
        cursor.execute("UPDATE inventory_stockbalance SET quantity = quantity + 1")
    broken = run_cli(["check-books"], env)
    assert broken.returncode == 1 and f"{tenant.organization.code} stock balance product" in broken.stdout
    assert "ledger 3.000/6.0000 reserved 0, cache 4.000/6.0000 reserved 0.000" in broken.stdout
    run_cli(["check-books", "--rebuild"], env)
    assert run_cli(["check-books"], env).returncode == 0
