"""The chart as CSV: export, import (creates and renames, never deletes, all or nothing, dry run), the round trip
into a fresh organization, each refusal by row and column, and the endpoints (403s, tenant isolation)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.support.api import member_client

from comptoir.accounting.models import Account, AccountGroup
from comptoir.accounting.services.chart import (
    AccountGroupInput,
    AccountInput,
    AccountPatch,
    create_account,
    create_account_group,
    update_account,
)
from comptoir.accounting.services.chart_transfer import import_chart
from comptoir.platform.errors import ValidationFailed
from comptoir.platform.models import AuditLog, Currency
from comptoir.platform.tenancy import tenant_context

HEADER = "kind,code,name,parent,nature,account_type,is_cost_center_applicable,is_bill_wise,currency\n"


def _chart():
    groups = {
        (g.code, g.name, g.parent.code if g.parent_id else None, g.nature, g.path)
        for g in AccountGroup.objects.select_related("parent")
    }
    accounts = {
        (
            a.code,
            a.name,
            a.group.code,
            a.account_type,
            a.is_cost_center_applicable,
            a.is_bill_wise,
            a.currency.code if a.currency_id else None,
        )
        for a in Account.objects.select_related("group", "currency")
    }
    return groups, accounts


def _customise(tenant):
    owner = tenant.owner
    create_account_group(actor=owner, data=AccountGroupInput(code="521", name="Travel", parent="52"))
    create_account_group(actor=owner, data=AccountGroupInput(code="5211", name="=Flights", parent="521"))
    create_account_group(actor=owner, data=AccountGroupInput(code="7", name="Memo", nature="EXPENSE"))
    create_account(
        actor=owner,
        data=AccountInput(
            code="6310", name="Air, rail", group="5211", account_type="EXPENSE", is_cost_center_applicable=True
        ),
    )
    usd = create_account(actor=owner, data=AccountInput(code="1110", name="Bank USD", group="11", account_type="BANK"))
    usd.currency = Currency.objects.get(code="USD")
    usd.save()
    rent = Account.objects.get(code="6100")
    update_account(actor=owner, account_id=rent.pk, changes=AccountPatch(name="Rent and rates"))


def test_export_then_import_into_a_fresh_organization_gives_the_same_chart(tenant, other_tenant):
    with tenant_context(tenant.organization, user=tenant.owner):
        _customise(tenant)
        source = _chart()
    text = tenant.api.get("accounting/chart/export").getvalue().decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0] == {**rows[0], "kind": "group", "code": "1", "parent": "", "nature": "ASSET"}
    assert {"kind": "group", "code": "5211", "name": "'=Flights", "parent": "521"}.items() <= next(
        r for r in rows if r["code"] == "5211"
    ).items()
    assert next(r for r in rows if r["code"] == "1110")["currency"] == "USD"
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        result = import_chart(actor=other_tenant.owner, csv_text=text)
        assert (result.created_groups, sorted(result.created_accounts)) == (["521", "5211", "7"], ["1110", "6310"])
        assert result.renamed_accounts == ["6100"]
        assert _chart() == source
        again = import_chart(actor=other_tenant.owner, csv_text=text)
        assert (again.created_groups, again.created_accounts, again.renamed_accounts) == ([], [], [])
        assert again.unchanged == len(rows)
        assert AuditLog.objects.filter(action="IMPORT", object_type="accounting.account").count() == 2


def test_dry_run_reports_and_writes_nothing(tenant):
    text = HEADER + "group,53,Marketing,5,,,,,\naccount,6500,Ads,53,EXPENSE,EXPENSE,true,false,\n"
    with tenant_context(tenant.organization, user=tenant.owner):
        before = _chart()
        result = import_chart(actor=tenant.owner, csv_text=text, dry_run=True)
        assert (result.dry_run, result.created_groups, result.created_accounts) == (True, ["53"], ["6500"])
        assert _chart() == before
        import_chart(actor=tenant.owner, csv_text=text)
        assert Account.objects.get(code="6500").is_cost_center_applicable is True


@pytest.mark.parametrize(
    ("rows", "code", "field"),
    [
        ("thing,X,x,,,,,,\n", "invalid", "rows[1].kind"),
        ("group,X,,,ASSET,,,,\n", "required", "rows[1].name"),
        ("group,X,x,nope,,,,,\n", "unknown", "rows[1].parent"),
        ("group,X,x,,,,,,\n", "invalid", "rows[1].nature"),
        ("group,X,x,11,INCOME,,,,\n", "nature_mismatch", "rows[1].nature"),
        ("group,X,x,Y,ASSET,,,,\ngroup,Y,y,X,ASSET,,,,\n", "cycle", "rows[1].parent"),
        ("group,53,again,5,,,,,\n", "duplicate", "rows[1].code"),
        ("account,9000,x,nope,,,,,\n", "unknown", "rows[1].parent"),
        ("account,9000,x,11,,MAGIC,,,\n", "invalid", "rows[1].account_type"),
        ("account,9000,x,11,,,maybe,,\n", "invalid", "rows[1].is_cost_center_applicable"),
        ("account,9000,x,11,,,,,XXX\n", "unknown", "rows[1].currency"),
        ("account,6100,Rent,11,,,,,\n", "differs", "rows[1].parent"),
        ("group,52,Operating expenses,4,,,,,\n", "differs", "rows[1].parent"),
        ("account,1000,Cash,11,,BANK,,,\n", "differs", "rows[1].account_type"),
        (f"group,X,{'n' * 101},,ASSET,,,,\n", "too_long", "rows[1].name"),
        (f"account,{'9' * 51},x,11,,,,,\n", "too_long", "rows[1].code"),
        (f"account,6100,{'R' * 256},52,,,,,\n", "too_long", "rows[1].name"),
    ],
)
def test_a_bad_row_refuses_the_whole_file(tenant, rows, code, field):
    text = HEADER + "group,53,Marketing,5,,,,,\n" + rows
    with tenant_context(tenant.organization, user=tenant.owner):
        before = _chart()
        with pytest.raises(ValidationFailed) as caught:
            import_chart(actor=tenant.owner, csv_text=text)
        assert (caught.value.code, caught.value.errors[0].field) == (code, field), caught.value.message
        assert _chart() == before


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "required"), ("kind,code,name\n", "missing_column"), (HEADER.strip() + ",extra\n", "unknown_column")],
)
def test_a_malformed_file_is_refused(tenant, text, code):
    with tenant_context(tenant.organization, user=tenant.owner), pytest.raises(ValidationFailed) as caught:
        import_chart(actor=tenant.owner, csv_text=text)
    assert (caught.value.code, caught.value.errors[0].field) == (code, "csv")


def test_export_and_import_endpoints(tenant):
    api = tenant.api
    exported = api.get("accounting/chart/export")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    assert exported.getvalue().decode().startswith(HEADER.replace("\n", "\r\n"))  # RFC 4180 line ends
    text = HEADER + "group,53,Marketing,5,,,,,\n"
    dry = api.post("accounting/chart/import?dry_run=true", {"csv": text})
    assert dry.status_code == 200 and dry.json() == {
        "dry_run": True,
        "created_groups": ["53"],
        "created_accounts": [],
        "renamed_groups": [],
        "renamed_accounts": [],
        "unchanged": 0,
    }
    assert api.get("accounting/account-groups", limit=200).json()["items"][-1]["code"] != "53"
    upload = SimpleUploadedFile("chart.csv", (text + "account,6500,Ads,53,,EXPENSE,,,\n").encode(), "text/csv")
    done = api.client.post("/api/v1/accounting/chart/import", {"file": upload}, headers=api._headers(None))
    assert done.status_code == 200 and done.json()["created_accounts"] == ["6500"]
    bad = api.post("accounting/chart/import", {"csv": HEADER + "group,54,,5,,,,,\n"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "rows[0].name"
    shapeless = api.post("accounting/chart/import", {"text": "x"})
    assert shapeless.status_code == 422 and shapeless.json()["errors"][0]["field"] == "csv"


def test_import_needs_its_permission_and_stays_in_its_organization(tenant, other_tenant):
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    text = HEADER + "group,53,Marketing,5,,,,,\n"
    assert employee.get("accounting/chart/export").status_code == 403
    refused = employee.post("accounting/chart/import", {"csv": text})
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    _user, accountant = member_client(tenant, roles=["ACCOUNTANT"])
    assert accountant.post("accounting/chart/import", {"csv": text}).status_code == 200
    with tenant_context(other_tenant.organization, user=other_tenant.owner):
        create_account_group(actor=other_tenant.owner, data=AccountGroupInput(code="99", name="Theirs", nature="ASSET"))
    foreign_parent = tenant.api.post("accounting/chart/import", {"csv": HEADER + "account,9900,x,99,,,,,\n"})
    assert foreign_parent.status_code == 422 and foreign_parent.json()["errors"][0]["field"] == "rows[0].parent"
    with tenant_context(other_tenant.organization):
        assert not AccountGroup.objects.filter(code="53").exists()
    assert "Theirs" not in tenant.api.get("accounting/chart/export").getvalue().decode()
