"""Document numbering: formats, reset periods, separate counters, refusals."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from comptoir.platform.models import Sequence
from comptoir.platform.services.numbering import next_number
from comptoir.platform.tenancy import tenant_context

D = datetime.date


def take(**kwargs) -> str:
    with transaction.atomic():
        return next_number(**kwargs)


def test_default_format_is_type_year_and_six_digits(tenant):
    with tenant_context(tenant.organization):
        numbers = [take(document_type="INV", on=D(2026, 3, 1)) for _ in range(3)]
        assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2026-000003"]
        row = Sequence.objects.get(document_type="INV")
        assert (row.period_key, row.last_value, row.reset_period, row.padding) == ("2026", 3, "YEARLY", 6)


def test_a_series_declared_by_a_module_is_the_default_format(tenant):
    """Accounting declares Series("JE", "{type}-{year}-", yearly_reset=False): its counter never restarts."""
    with tenant_context(tenant.organization):
        assert take(document_type="JE", on=D(2026, 12, 31)) == "JE-2026-000001"
        assert take(document_type="JE", on=D(2027, 1, 1)) == "JE-2027-000002"
        row = Sequence.objects.get(document_type="JE")
        assert (row.period_key, row.reset_period) == ("", "NEVER")
        assert take(document_type="JE", on=D(2027, 1, 1), prefix="J{year}/", padding=3) == "J2027/003"  # explicit wins


def test_parts_of_a_series_count_apart_and_labels_print_in_the_prefix(tenant):
    """A journal's entries: the declared JE series, one counter per journal and fiscal year (`part`), printing
    the journal's code and the fiscal year's name (`labels`)."""
    with tenant_context(tenant.organization):
        sales = {"part": "SJ:FY26", "labels": {"type": "SJ", "year": "FY26"}}
        assert take(document_type="JE", on=D(2026, 5, 1), **sales) == "SJ-FY26-000001"
        assert take(document_type="JE", on=D(2026, 5, 2), **sales) == "SJ-FY26-000002"
        assert take(document_type="JE", on=D(2026, 5, 2), part="PJ:FY26", labels={"type": "PJ"}) == "PJ-2026-000001"
        assert sorted(Sequence.objects.values_list("document_type", "last_value")) == [
            ("JE:PJ:FY26", 1),
            ("JE:SJ:FY26", 2),
        ]
        with pytest.raises(ValueError, match="1-50"), transaction.atomic():
            next_number(document_type="JE", on=D(2026, 5, 2), part="x" * 48)


def test_yearly_counter_restarts_each_year(tenant):
    with tenant_context(tenant.organization):
        assert take(document_type="INV", on=D(2026, 12, 31)) == "INV-2026-000001"
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000002"
        assert take(document_type="INV", on=D(2027, 1, 1)) == "INV-2027-000001"


def test_monthly_counter_restarts_each_month(tenant):
    with tenant_context(tenant.organization):
        fmt = {"document_type": "PO", "prefix": "{type}/{year}{month}/", "padding": 4, "reset": "MONTHLY"}
        assert take(on=D(2026, 11, 30), **fmt) == "PO/202611/0001"
        assert take(on=D(2026, 11, 1), **fmt) == "PO/202611/0002"
        assert take(on=D(2026, 12, 1), **fmt) == "PO/202612/0001"
        assert take(on=D(2027, 11, 1), **fmt) == "PO/202711/0001"


def test_daily_counter_restarts_each_day(tenant):
    with tenant_context(tenant.organization):
        fmt = {"document_type": "TKT", "prefix": "T{year}{month}{day}-", "padding": 3, "reset": "DAILY"}
        assert take(on=D(2026, 11, 22), **fmt) == "T20261122-001"
        assert take(on=D(2026, 11, 22), **fmt) == "T20261122-002"
        assert take(on=D(2026, 11, 23), **fmt) == "T20261123-001"
        assert sorted(Sequence.objects.filter(document_type="TKT").values_list("period_key", flat=True)) == [
            "2026-11-22",
            "2026-11-23",
        ]


def test_never_resetting_counter_runs_across_years(tenant):
    with tenant_context(tenant.organization):
        fmt = {"document_type": "CUST", "prefix": "C", "padding": 5, "reset": "NEVER"}
        assert take(on=D(2026, 1, 1), **fmt) == "C00001"
        assert take(on=D(2031, 6, 1), **fmt) == "C00002"
        assert Sequence.objects.get(document_type="CUST").period_key == ""


def test_counter_outgrows_its_padding_without_losing_digits(tenant):
    with tenant_context(tenant.organization):
        for _ in range(10):
            number = take(document_type="X", on=D(2026, 1, 1), prefix="", padding=1)
        assert number == "10"


def test_counters_are_separate_per_document_type_and_organization(tenant, other_tenant):
    with tenant_context(tenant.organization):
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000001"
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000002"
        assert take(document_type="CN", on=D(2026, 1, 1)) == "CN-2026-000001"
    with tenant_context(other_tenant.organization):
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000001"
        assert Sequence.objects.count() == 1
    with tenant_context(tenant.organization):
        assert dict(Sequence.objects.values_list("document_type", "last_value")) == {"INV": 2, "CN": 1}


def test_a_rolled_back_document_gives_its_number_back(tenant):
    with tenant_context(tenant.organization):
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000001"
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            assert next_number(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000002"
            1 / 0  # noqa: B018 (the document fails after taking its number)
        assert take(document_type="INV", on=D(2026, 1, 1)) == "INV-2026-000002"


@pytest.mark.parametrize("padding", [0, 13, -1, "6", True, 2.0])
def test_bad_padding_is_refused_and_nothing_is_written(tenant, padding):
    with tenant_context(tenant.organization), pytest.raises(ValueError, match="padding"), transaction.atomic():
        next_number(document_type="INV", on=D(2026, 1, 1), padding=padding)
    with tenant_context(tenant.organization):
        assert not Sequence.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reset": "WEEKLY"}, "Unknown reset period"),
        ({"prefix": "{type}-{quarter}-"}, "Bad prefix"),
        ({"prefix": "{0}"}, "Bad prefix"),
        ({"prefix": "x" * 31}, "longer than 30"),
        ({"document_type": ""}, "document_type"),
        ({"document_type": "T" * 51}, "document_type"),
        ({"on": "2026-01-01"}, "on must be a date"),
    ],
)
def test_bad_arguments_are_refused(tenant, kwargs, message):
    args = {"document_type": "INV", "on": D(2026, 1, 1)} | kwargs
    with tenant_context(tenant.organization), pytest.raises(ValueError, match=message), transaction.atomic():
        next_number(**args)
    with tenant_context(tenant.organization):
        assert not Sequence.objects.exists()


def test_outside_a_transaction_is_refused(tenant):
    """A caller in autocommit mode: a thread's own connection, outside the test's transaction."""
    outcome = []

    def call():
        try:
            with tenant_context(tenant.organization):
                assert connection.get_autocommit() and not connection.in_atomic_block
                next_number(document_type="INV", on=D(2026, 1, 1))
        except Exception as exc:
            outcome.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=call)
    thread.start()
    thread.join()
    (error,) = outcome
    assert isinstance(error, TransactionManagementError) and "atomic" in str(error)
    with tenant_context(tenant.organization):
        assert not Sequence.objects.exists()


def test_without_an_organization_in_context_is_refused(db):
    from comptoir.platform.tenancy import NoTenantError

    with pytest.raises(NoTenantError), transaction.atomic():
        next_number(document_type="INV", on=D(2026, 1, 1))
