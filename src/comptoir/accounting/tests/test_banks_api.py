"""The bank API: shapes and decimal strings, JSON and multipart imports, matching, reports and exports, 403s,
cross-tenant 404s and constant query counts."""

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from openpyxl import load_workbook
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.accounting.models import BankTransaction
from comptoir.accounting.tests.factories import IN_YEAR
from comptoir.platform.tenancy import tenant_context

NUMBER = "FR76 3000 6000 0112 3456 7890 189"
MAPPING = {"date": "Date", "amount": "Amount", "description": "Details", "reference": "Ref", "balance": "Balance"}


def day(n: int = 0) -> str:
    return (IN_YEAR + datetime.timedelta(days=n)).isoformat()


def _statement(*rows) -> str:
    return "Date,Amount,Details,Ref,Balance\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)


def _bank(api, **extra) -> dict:
    response = api.post(
        "accounting/bank-accounts", {"account": "1100", "account_name": "Main", "account_number": NUMBER, **extra}
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _post(api, *lines, reference="") -> dict:
    body = {
        "date": day(),
        "journal_type": "JV",
        "narration": "bank",
        "reference_number": reference,
        "post": True,
        "lines": [{"account": a, "entry_type": t, "amount": amount} for a, t, amount in lines],
    }
    response = api.post("accounting/journal-entries", body)
    assert response.status_code == 201, response.json()
    return response.json()


def _import(api, bank_id, text, **extra):
    return api.post(
        f"accounting/bank-accounts/{bank_id}/statements/import", {"csv_text": text, "mapping": MAPPING, **extra}
    )


def _upload(api, bank_id, text: str, mapping=MAPPING, **form):
    upload = SimpleUploadedFile("statement.csv", text.encode(), content_type="text/csv")
    return api.client.post(
        f"/api/v1/accounting/bank-accounts/{bank_id}/statements/import",
        data={"file": upload, "mapping": json.dumps(mapping), **form},
        headers=api._headers(None),
    )


def test_bank_account_endpoints_never_show_the_number(tenant):
    api = tenant.api
    bank = _bank(api)
    assert (bank["account_code"], bank["account_number_last4"], bank["currency"]) == ("1100", "0189", "EUR")
    assert "account_number" not in bank and "30006000" not in json.dumps(bank)
    assert api.get(f"accounting/bank-accounts/{bank['id']}").json() == bank
    again = api.post("accounting/bank-accounts", {"account": "1100", "account_name": "X", "account_number": "1234"})
    assert again.status_code == 422 and again.json()["errors"][0] == {
        "field": "account",
        "code": "already_linked",
        "message": "Account 1100 already has a bank account",
    }
    patched = api.patch(f"accounting/bank-accounts/{bank['id']}", {"account_name": "Ops", "account_number": "99 1234"})
    assert patched.status_code == 200 and (patched.json()["account_name"], patched.json()["account_number_last4"]) == (
        "Ops",
        "1234",
    )
    refused = api.patch(f"accounting/bank-accounts/{bank['id']}", {"currency": "USD"})
    assert refused.status_code == 422
    for cleared, code in (({"kind": None}, "invalid"), ({"account_name": " "}, "required")):
        refused = api.patch(f"accounting/bank-accounts/{bank['id']}", cleared)
        assert refused.status_code == 422 and refused.json()["errors"][0]["code"] == code
    branch = api.patch(f"accounting/bank-accounts/{bank['id']}", {"branch": None})
    assert branch.status_code == 200 and branch.json()["branch"] == ""
    off = api.patch(f"accounting/bank-accounts/{bank['id']}", {"is_active": False})
    assert off.json()["is_active"] is False
    assert api.get("accounting/bank-accounts", is_active="true").json()["items"] == []
    assert [b["id"] for b in api.get("accounting/bank-accounts").json()["items"]] == [bank["id"]]
    exported = api.get("accounting/bank-accounts", format="csv")
    text = b"".join(exported.streaming_content).decode()
    assert exported.status_code == 200 and "0112" not in text and "1234" in text


def test_statement_import_json_and_multipart(tenant):
    api = tenant.api
    bank = _bank(api)
    created = _import(api, bank["id"], _statement((day(0), "100.00", "deposit", "INV-1", "100.00")))
    assert created.status_code == 201, created.json()
    assert {k: created.json()[k] for k in ("rows", "imported", "skipped_duplicates")} == {
        "rows": 1,
        "imported": 1,
        "skipped_duplicates": 0,
    }
    split = {"date": "When", "debit": "Out", "credit": "In", "reference": "Ref", "date_format": "%d.%m.%Y"}
    uploaded = _upload(api, bank["id"], f"When,Out,In,Ref\n{IN_YEAR:%d.%m.%Y},12.50,,CHQ-7\n", split)
    assert uploaded.status_code == 201, uploaded.json()
    duplicate = _upload(api, bank["id"], f"When,Out,In,Ref\n{IN_YEAR:%d.%m.%Y},12.50,,CHQ-7\n", split)
    assert duplicate.status_code == 422 and duplicate.json()["code"] == "duplicate_line"
    skipped = _upload(
        api, bank["id"], f"When,Out,In,Ref\n{IN_YEAR:%d.%m.%Y},12.50,,CHQ-7\n", split, skip_duplicates="true"
    )
    assert skipped.status_code == 201 and skipped.json()["skipped_duplicates"] == 1
    bad = _import(api, bank["id"], _statement((day(0), "5", "a", "A", ""), ("31/02/2026", "5", "b", "B", "")))
    assert bad.status_code == 422 and bad.json()["errors"] == [
        {"field": "rows[1].date", "code": "invalid", "message": "Not a date in the format %Y-%m-%d"}
    ]
    unknown = _import(api, bank["id"], "x", mapping={"date": "Date", "extra": 1})
    assert unknown.status_code == 422
    assert _upload(api, bank["id"], "x", {"amount": "A"}).json()["errors"][0]["field"] == "mapping.date"
    listed = api.get(f"accounting/bank-accounts/{bank['id']}/transactions", ordering="amount").json()["items"]
    assert [(t["transaction_type"], t["amount"], t["status"], t["reference_number"]) for t in listed] == [
        ("DEBIT", "12.50", "UNMATCHED", "CHQ-7"),
        ("CREDIT", "100.00", "UNMATCHED", "INV-1"),
    ]
    assert api.get(f"accounting/bank-accounts/{bank['id']}/transactions", status="MATCHED").json()["items"] == []
    with tenant_context(tenant.organization):
        assert BankTransaction.objects.count() == 2


def test_match_reconcile_and_reports(tenant):
    api = tenant.api
    bank = _bank(api)
    deposit = _post(api, ("1100", "DR", "100.00"), ("4000", "CR", "100.00"), reference="INV-1")
    payment = _post(api, ("6100", "DR", "40.00"), ("1100", "CR", "40.00"))
    _import(
        api, bank["id"], _statement((day(0), "100.00", "deposit", "INV-1", "100.00"), (day(1), "-5", "fee", "F", "95"))
    )
    tx = api.get(f"accounting/bank-accounts/{bank['id']}/transactions", ordering="transaction_date").json()["items"][0]
    suggestions = api.get(f"accounting/bank-transactions/{tx['id']}/suggestions").json()
    assert [s["journal_line"] for s in suggestions] == [deposit["lines"][0]["id"]]
    assert suggestions[0] | {"reference_match": True, "days_apart": 0, "amount": "100.00"} == suggestions[0]
    wrong = api.post(f"accounting/bank-transactions/{tx['id']}/match", {"journal_line": payment["lines"][1]["id"]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "amount_mismatch"
    matched = api.post(
        f"accounting/bank-transactions/{tx['id']}/match", {"journal_line": suggestions[0]["journal_line"]}
    )
    assert matched.status_code == 200
    assert (matched.json()["status"], matched.json()["matched_entry_number"]) == ("MATCHED", deposit["entry_number"])
    again = api.post(f"accounting/bank-transactions/{tx['id']}/match", {"journal_line": deposit["lines"][0]["id"]})
    assert again.status_code == 409 and again.json()["code"] == "already_matched"
    assert api.post(f"accounting/bank-transactions/{tx['id']}/unmatch").json()["status"] == "UNMATCHED"
    api.post(f"accounting/bank-transactions/{tx['id']}/match", {"journal_line": deposit["lines"][0]["id"]})
    summary = api.get(f"accounting/bank-accounts/{bank['id']}/reconciliation", as_of=day(1)).json()
    assert {k: summary[k] for k in ("ledger_balance", "statement_balance", "difference")} == {
        "ledger_balance": "60.00",
        "statement_balance": "95.00",
        "difference": "0.00",
    }
    assert (summary["unmatched_statement_total"], summary["unmatched_ledger_total"]) == ("-5.00", "-40.00")
    assert api.get(f"accounting/bank-accounts/{bank['id']}/reconciliation").status_code == 422
    reconciled = api.post(f"accounting/bank-accounts/{bank['id']}/reconcile", {"statement_date": day(1)})
    assert reconciled.status_code == 200 and reconciled.json()["reconciled"] == 1
    assert api.get(f"accounting/bank-transactions/{tx['id']}").json()["reconciled_at"] is not None
    items = api.get(f"accounting/bank-accounts/{bank['id']}/unreconciled", as_of=day(1)).json()["items"]
    assert [(i["source"], i["amount"]) for i in items] == [("LEDGER", "-40.00"), ("STATEMENT", "-5.00")]
    exported = api.get(f"accounting/bank-accounts/{bank['id']}/unreconciled", format="csv")
    lines = b"".join(exported.streaming_content).decode().splitlines()
    assert lines[0] == "source,id,date,amount,reference,description,entry_number" and len(lines) == 3
    xlsx = api.get(f"accounting/bank-accounts/{bank['id']}/unreconciled", format="xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["source", "LEDGER", "STATEMENT", "Total"]
    assert (
        [row[3] for row in sheet.iter_rows(values_only=True)][-1]
        == sum(  # the signed amounts add up
            row[3] for row in list(sheet.iter_rows(values_only=True))[1:-1]
        )
    )


def test_lists_run_a_constant_number_of_queries(tenant):
    api = tenant.api
    bank = _bank(api)
    entry = _post(api, ("1100", "DR", "1.00"), ("4000", "CR", "1.00"))
    _import(api, bank["id"], _statement(*[(day(i), f"{i + 1}.00", "x", f"R{i}", "") for i in range(6)]))
    first = api.get(f"accounting/bank-accounts/{bank['id']}/transactions", limit=1).json()["items"][0]
    api.post(f"accounting/bank-transactions/{first['id']}/match", {"journal_line": entry["lines"][0]["id"]})
    _bank(api, account="1000", account_number="4444")
    for path in (
        "accounting/bank-accounts",
        f"accounting/bank-accounts/{bank['id']}/transactions",
        f"accounting/bank-accounts/{bank['id']}/unreconciled",
    ):
        with CaptureStatements(connection) as small:
            assert api.get(path, limit=1, as_of=day(0)).status_code == 200
        with CaptureStatements(connection) as large:
            assert api.get(path, limit=200).status_code == 200
        assert len(large) == len(small), path


ENDPOINTS = [
    ("get", "accounting/bank-accounts", None),
    ("post", "accounting/bank-accounts", {"account": "1000", "account_name": "Till", "account_number": "7777"}),
    ("get", "accounting/bank-accounts/{bank}", None),
    ("patch", "accounting/bank-accounts/{bank}", {"account_name": "X"}),
    ("post", "accounting/bank-accounts/{bank}/statements/import", {"csv_text": "Date,Amount\n", "mapping": MAPPING}),
    ("get", "accounting/bank-accounts/{bank}/transactions", None),
    ("get", "accounting/bank-transactions/{tx}", None),
    ("get", "accounting/bank-transactions/{tx}/suggestions", None),
    ("post", "accounting/bank-transactions/{tx}/match", {"journal_line": "{line}"}),
    ("post", "accounting/bank-transactions/{tx}/unmatch", None),
    ("post", "accounting/bank-accounts/{bank}/reconcile", {"statement_date": day()}),
    ("get", "accounting/bank-accounts/{bank}/reconciliation?as_of=" + day(), None),
    ("get", "accounting/bank-accounts/{bank}/unreconciled", None),
]


def _setup(api) -> dict:
    bank = _bank(api)
    entry = _post(api, ("1100", "DR", "100.00"), ("4000", "CR", "100.00"))
    _import(api, bank["id"], _statement((day(), "100.00", "d", "R", "")))
    tx = api.get(f"accounting/bank-accounts/{bank['id']}/transactions").json()["items"][0]
    return {"bank": bank["id"], "tx": tx["id"], "line": entry["lines"][0]["id"]}


def _call(api, method, path, body, ids):
    url = path.format(**ids)
    if body is not None:
        body = json.loads(json.dumps(body).replace("{line}", ids["line"]))
    if method == "get":
        return api.request("get", url)
    return getattr(api, method)(url, body)


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_members_without_permission_get_403(tenant, method, path, body):
    ids = _setup(tenant.api)
    _user, employee = member_client(tenant, org_role="EMPLOYEE")
    response = _call(employee, method, path, body, ids)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    with tenant_context(tenant.organization):
        assert BankTransaction.objects.get().status == "UNMATCHED"


@pytest.mark.parametrize(("method", "path", "body"), [e for e in ENDPOINTS if "{" in e[1]])
def test_other_organizations_rows_are_not_found(tenant, other_tenant, method, path, body):
    theirs = _setup(other_tenant.api)
    mine = _setup(tenant.api)
    response = _call(tenant.api, method, path, body, {**theirs, "line": mine["line"]})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert [b["id"] for b in tenant.api.get("accounting/bank-accounts").json()["items"]] == [mine["bank"]]
    foreign = tenant.api.post(f"accounting/bank-transactions/{mine['tx']}/match", {"journal_line": theirs["line"]})
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["code"] == "unknown"
    with tenant_context(other_tenant.organization):
        assert BankTransaction.objects.get().status == "UNMATCHED"
