"""Tax rates (components, leaf accounts, non-overlapping dates, edits, deactivation), the pure tax computation
(exact examples and hypothesis properties) and the endpoints with their refusals, 403s and cross-tenant 404s."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import TaxRate
from comptoir.accounting.queries.taxes import tax_rate_for
from comptoir.accounting.services.taxes import (
    Rate,
    TaxComponentInput,
    TaxLine,
    TaxRateInput,
    TaxRatePatch,
    compute_line_taxes,
    compute_tax,
    create_tax_rate,
    deactivate_tax_rate,
    update_tax_rate,
)
from comptoir.platform.errors import Conflict, ValidationFailed
from comptoir.platform.models import AuditLog, Currency
from comptoir.platform.tenancy import tenant_context

D = datetime.date
EUR, JPY, KWD = (Currency(code="EUR", decimal_places=2), Currency(code="JPY", decimal_places=0),
                 Currency(code="KWD", decimal_places=3))  # fmt: skip


CGST = TaxComponentInput(code="CGST9", name="CGST", tax_type="CGST", rate=Decimal("9"), output_account="2100")
SGST = TaxComponentInput(code="SGST9", name="SGST", tax_type="SGST", rate=Decimal("9"), input_account="1400")


def _gst(**extra) -> TaxRateInput:
    data = {"code": "GST18", "name": "GST 18%", "tax_type": "GST", "rate": Decimal("18"),
            "effective_from": D(2025, 1, 1), "components": (CGST, SGST), **extra}  # fmt: skip
    return TaxRateInput(**data)


def _vat(**extra) -> TaxRateInput:
    data = {"code": "VAT", "name": "VAT", "tax_type": "VAT", "rate": Decimal("20.00"), "output_account": "2100",
            "input_account": "1400", "effective_from": D(2025, 1, 1), **extra}  # fmt: skip
    return TaxRateInput(**data)


@pytest.fixture
def books(tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        yield tenant.owner


def _refused(books, data, code, field=None):
    before = TaxRate.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        create_tax_rate(actor=books, data=data)
    assert caught.value.code == code, caught.value.message
    if field:
        assert caught.value.errors[0].field == field
    assert TaxRate.objects.count() == before


# --- services and query ------------------------------------------------------------------------------------------


def test_composite_rate_with_components_accounts_and_audit(books):
    gst = create_tax_rate(actor=books, data=_gst())
    parts = {c.code: c for c in gst.components.all()}
    assert set(parts) == {"CGST9", "SGST9"} and parts["CGST9"].output_account.code == "2100"
    assert parts["SGST9"].effective_from == gst.effective_from and parts["SGST9"].input_account.code == "1400"
    found = tax_rate_for("GST18", D(2026, 6, 1))
    assert found.pk == gst.pk and tax_rate_for("GST18", D(2024, 12, 31)) is None
    audit = AuditLog.objects.get(object_id=gst.pk, action="CREATE")
    assert audit.new_values["components"] == ["CGST9", "SGST9"]


def test_creation_refusals(books):
    _refused(books, _gst(rate=Decimal("17")), "rate_mismatch", "rate")
    _refused(books, _vat(output_account="21"), "not_leaf", "output_account")
    _refused(books, _vat(input_account="nope"), "unknown", "input_account")
    _refused(books, _vat(effective_to=D(2024, 1, 1)), "invalid_range", "effective_to")
    _refused(books, _gst(components=(CGST, CGST)), "duplicate", "components")
    bad = _gst(components=(CGST, dataclasses.replace(SGST, output_account="52")))
    _refused(books, bad, "not_leaf", "components[1].output_account")


def test_rates_of_one_code_do_not_overlap(books):
    create_tax_rate(actor=books, data=_vat(effective_to=D(2025, 12, 31)))
    _refused(books, _vat(effective_from=D(2025, 6, 1)), "overlapping_dates", "effective_from")
    _refused(books, _vat(effective_from=D(2025, 1, 1), rate=Decimal("5")), "overlapping_dates")
    later = create_tax_rate(actor=books, data=_vat(effective_from=D(2026, 1, 1), rate=Decimal("21")))
    assert tax_rate_for("VAT", D(2025, 12, 31)).rate == Decimal("20.00")
    assert tax_rate_for("VAT", D(2026, 1, 1)).pk == later.pk
    create_tax_rate(actor=books, data=_gst())
    clash = _gst(code="GST18B")
    _refused(books, clash, "overlapping_dates", "components[0].code")  # CGST9 is in force already


def test_update_ends_a_rate_with_its_components_and_refuses_the_rest(books):
    gst = create_tax_rate(actor=books, data=_gst())
    updated = update_tax_rate(
        actor=books, tax_rate_id=gst.pk, changes=TaxRatePatch(name="GST", effective_to=D(2025, 12, 31))
    )
    assert updated.name == "GST" and {c.effective_to for c in gst.components.all()} == {D(2025, 12, 31)}
    nxt = create_tax_rate(actor=books, data=_gst(effective_from=D(2026, 1, 1)))
    assert tax_rate_for("GST18", D(2026, 2, 1)).pk == nxt.pk
    with pytest.raises(ValidationFailed) as caught:
        update_tax_rate(actor=books, tax_rate_id=gst.pk, changes=TaxRatePatch(effective_to=None))
    assert caught.value.code == "overlapping_dates"
    component = nxt.components.first()
    with pytest.raises(ValidationFailed) as caught:
        update_tax_rate(actor=books, tax_rate_id=component.pk, changes=TaxRatePatch(effective_to=D(2026, 5, 1)))
    assert caught.value.code == "component"
    with pytest.raises(ValidationFailed) as caught:
        update_tax_rate(actor=books, tax_rate_id=gst.pk, changes=TaxRatePatch(output_account="2"))
    assert caught.value.code == "not_leaf"
    assert TaxRate.objects.get(pk=gst.pk).effective_to == D(2025, 12, 31)
    assert AuditLog.objects.filter(object_id=gst.pk, action="UPDATE").count() == 1


def test_deactivate(books):
    gst = create_tax_rate(actor=books, data=_gst())
    with pytest.raises(Conflict) as caught:
        deactivate_tax_rate(actor=books, tax_rate_id=gst.components.first().pk)
    assert caught.value.code == "component"
    deactivate_tax_rate(actor=books, tax_rate_id=gst.pk)
    assert not TaxRate.objects.filter(is_active=True).exists()
    assert tax_rate_for("GST18", D(2025, 6, 1)) is None
    with pytest.raises(Conflict) as caught:
        deactivate_tax_rate(actor=books, tax_rate_id=gst.pk)
    assert caught.value.code == "already_inactive"
    assert create_tax_rate(actor=books, data=_gst(effective_from=D(2025, 2, 1))).is_active  # no longer in force


# --- the computation ---------------------------------------------------------------------------------------------

GST = Rate(
    "g", "GST18", Decimal(18), components=(Rate("c", "CGST9", Decimal(9), "out-c"), Rate("s", "SGST9", Decimal(9)))
)


def test_exclusive_inclusive_and_components_examples():
    vat = Rate("v", "VAT", Decimal(20), "out", "in")
    ex = compute_tax(amount=Decimal("100.00"), tax_rate=vat, inclusive=False, currency=EUR)
    assert (ex.net, ex.tax, ex.gross) == (Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))
    assert ex.components[0].output_account_id == "out" and ex.components[0].amount == Decimal("20.00")
    inc = compute_tax(amount="120.00", tax_rate=vat, inclusive=True, currency=EUR)
    assert (inc.net, inc.tax, inc.gross) == (Decimal("100.00"), Decimal("20.00"), Decimal("120.00"))
    half = compute_tax(amount="2.50", tax_rate=Rate("r", "R5", Decimal(5)), inclusive=False, currency=EUR)
    assert half.tax == Decimal("0.13")  # 0.125 rounds half up, not to even
    gst = compute_tax(amount="10.05", tax_rate=GST, inclusive=False, currency=EUR)
    assert gst.tax == Decimal("1.81")
    assert [(c.code, c.amount, c.output_account_id) for c in gst.components] == [
        ("CGST9", Decimal("0.91"), "out-c"),
        ("SGST9", Decimal("0.90"), None),  # the remainder goes to the last component
    ]
    yen = compute_tax(amount="1005", tax_rate=Rate("j", "JCT8", Decimal(8)), inclusive=False, currency=JPY)
    assert (yen.tax, yen.gross) == (Decimal("80"), Decimal("1085"))
    lines = compute_line_taxes(
        lines=[
            TaxLine(amount=Decimal("10.05"), tax_rate=GST, inclusive=False),
            TaxLine(amount=Decimal(5), tax_rate=vat, inclusive=True),
        ],
        currency=EUR,
    )
    assert [b.tax for b in lines] == [Decimal("1.81"), Decimal("0.83")]


rates = st.decimals(min_value=0, max_value=25, places=2)


@st.composite
def tax_rates(draw):
    parts = draw(st.lists(rates, min_size=0, max_size=4))
    if not parts:
        return Rate("r", "R", draw(st.decimals(min_value=0, max_value=100, places=2)))
    return Rate("r", "R", sum(parts, Decimal(0)), components=tuple(Rate(i, f"C{i}", p) for i, p in enumerate(parts)))


@given(
    amount=st.decimals(min_value=-(10**9), max_value=10**9, places=4),
    rate=tax_rates(),
    currency=st.sampled_from([EUR, JPY, KWD]),
    inclusive=st.booleans(),
)
def test_tax_properties(amount, rate, currency, inclusive):
    result = compute_tax(amount=amount, tax_rate=rate, inclusive=inclusive, currency=currency)
    quantum = Decimal(1).scaleb(-currency.decimal_places)
    assert result.net + result.tax == result.gross
    assert (result.gross if inclusive else result.net) == amount.quantize(quantum, rounding="ROUND_HALF_UP")
    assert all(x == x.quantize(quantum) for x in (result.net, result.tax, result.gross))
    amounts = [c.amount for c in result.components]
    assert sum(amounts, Decimal(0)) == result.tax
    assert all(a * result.tax >= 0 and abs(a) <= abs(result.tax) for a in amounts)  # same sign, never more
    assert len(amounts) == max(len(rate.components), 1)


# --- the API -----------------------------------------------------------------------------------------------------


def _json(data) -> dict:
    fields = dataclasses.asdict(data) if dataclasses.is_dataclass(data) else data
    return {k: (str(v) if isinstance(v, Decimal | D) else v) for k, v in fields.items()}


def _api_gst(**extra) -> dict:
    body = _json(_gst(**extra))
    body["components"] = [_json(c) for c in body["components"]]
    return body


def test_tax_rate_endpoints(tenant):
    api = tenant.api
    created = api.post("accounting/tax-rates", _api_gst())
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["rate"] == "18.00" and [c["code"] for c in body["components"]] == ["CGST9", "SGST9"]
    assert api.post("accounting/tax-rates", _json(_vat(effective_to=D(2025, 12, 31)))).status_code == 201
    refused = api.post("accounting/tax-rates", _json(_vat(effective_from=D(2025, 3, 1))))
    assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == "overlapping_dates"
    mismatch = api.post("accounting/tax-rates", _api_gst(code="X", rate="10", effective_from="2030-01-01"))
    assert mismatch.status_code == 422 and mismatch.json()["errors"][0]["field"] == "rate"
    assert [r["code"] for r in api.get("accounting/tax-rates").json()["items"]] == ["GST18", "VAT"]
    assert [r["code"] for r in api.get("accounting/tax-rates", on_date="2026-01-01").json()["items"]] == ["GST18"]
    assert [r["code"] for r in api.get("accounting/tax-rates", code="VAT").json()["items"]] == ["VAT"]
    patched = api.patch(f"accounting/tax-rates/{body['id']}", {"name": "GST", "effective_to": "2030-12-31"})
    assert patched.status_code == 200 and patched.json()["effective_to"] == "2030-12-31"
    assert api.patch(f"accounting/tax-rates/{body['id']}", {"rate": "5"}).status_code == 422
    assert api.get(f"accounting/tax-rates/{body['components'][0]['id']}").json()["parent"] == body["id"]
    computed = api.post(
        "accounting/tax-rates/compute", {"amount": "10.05", "tax_rate": "GST18", "on_date": "2026-06-01"}
    )
    assert computed.status_code == 200, computed.json()
    assert computed.json() | {"components": None} == {
        "net": "10.05", "tax": "1.81", "gross": "11.86", "rate": "18.00", "inclusive": False, "currency": "EUR",
        "components": None,
    }  # fmt: skip
    assert [c["amount"] for c in computed.json()["components"]] == ["0.91", "0.90"]
    by_id = api.post(
        "accounting/tax-rates/compute", {"amount": "1000", "tax_rate": body["id"], "inclusive": True, "currency": "JPY"}
    )
    assert (by_id.json()["net"], by_id.json()["tax"]) == ("847", "153")
    unknown = api.post("accounting/tax-rates/compute", {"amount": "1", "tax_rate": "VAT", "on_date": "2027-01-01"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "tax_rate"
    deactivated = api.post(f"accounting/tax-rates/{body['id']}/deactivate")
    assert deactivated.status_code == 200 and deactivated.json()["is_active"] is False
    assert [r["code"] for r in api.get("accounting/tax-rates", is_active=True).json()["items"]] == ["VAT"]


def test_list_runs_a_constant_number_of_queries(tenant):
    api = tenant.api
    for year in range(2020, 2025):
        start, end = f"{year}-01-01", f"{year}-12-31"
        assert api.post("accounting/tax-rates", _api_gst(effective_from=start, effective_to=end)).status_code == 201
    with CaptureStatements(connection) as small:
        assert len(api.get("accounting/tax-rates", limit=1).json()["items"]) == 1
    with CaptureStatements(connection) as large:
        assert len(api.get("accounting/tax-rates", limit=200).json()["items"]) == 5
    assert len(large) == len(small)


def test_members_without_permission_get_403(tenant):
    rate = tenant.api.post("accounting/tax-rates", _json(_vat())).json()["id"]
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    for response in (
        employee.get("accounting/tax-rates"),
        employee.get(f"accounting/tax-rates/{rate}"),
        employee.post("accounting/tax-rates", _json(_vat(code="V2"))),
        employee.patch(f"accounting/tax-rates/{rate}", {"name": "x"}),
        employee.post(f"accounting/tax-rates/{rate}/deactivate"),
        employee.post("accounting/tax-rates/compute", {"amount": "1", "tax_rate": "VAT"}),
    ):
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    _user, investor = member_client(tenant, org_role="INVESTOR")
    assert investor.post(f"accounting/tax-rates/{rate}/deactivate").status_code == 403
    assert tenant.api.get(f"accounting/tax-rates/{rate}").json()["is_active"] is True


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "accounting/tax-rates/{rate}", None),
        ("patch", "accounting/tax-rates/{rate}", {"name": "mine"}),
        ("post", "accounting/tax-rates/{rate}/deactivate", None),
    ],
)
def test_other_organizations_rates_are_not_found(tenant, other_tenant, method, path, body):
    rate = other_tenant.api.post("accounting/tax-rates", _json(_vat())).json()["id"]
    args = (body,) if body is not None else ()
    response = getattr(tenant.api, method)(path.format(rate=rate), *args)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert tenant.api.get("accounting/tax-rates").json()["items"] == []
    computed = tenant.api.post("accounting/tax-rates/compute", {"amount": "1", "tax_rate": rate})
    assert computed.status_code == 422 and computed.json()["errors"][0]["code"] == "unknown"
    mine = other_tenant.api.get(f"accounting/tax-rates/{rate}").json()
    assert (mine["name"], mine["is_active"]) == ("VAT", True)
