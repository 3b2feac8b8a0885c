"""An employee sees only their own payslips — through every endpoint, export, report, file and desk page; a
manager does not see their reports' pay; payroll accountants, HR and accountants see everyone's."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.support.api import member_client

from comptoir.hr.tests.factories import linked
from comptoir.payroll.tests.factories import YEAR, employee, ok, run, structure


@pytest.fixture
def people(tenant) -> dict:
    api = tenant.api
    ada, ada_user, ada_api = linked(tenant, first_name="Ada", last_name="Manager", hire_date=f"{YEAR - 1}-01-01")
    bob = employee(api, "Bob", "Report", reports_to=ada["id"])
    for row, amount in ((ada, "5000"), (bob, "3000")):
        structure(api, row["id"], "BASIC", amount)
    row = run(api)
    processed = ok(api.post(f"payroll/runs/{row['id']}/process"))
    slips = {s["employee"]["id"]: s["id"] for s in processed["payslips"]}
    return {"ada": ada, "ada_user": ada_user, "ada_api": ada_api, "bob": bob, "run": row["id"],
            "mine": slips[ada["id"]], "theirs": slips[bob["id"]]}  # fmt: skip


def test_an_employee_reads_only_their_own_payslip(people):
    api = people["ada_api"]
    assert [s["id"] for s in ok(api.get("payroll/payslips"))["items"]] == [people["mine"]]
    assert ok(api.get(f"payroll/payslips/{people['mine']}"))["net_salary"] == "5000.00"
    assert api.get(f"payroll/payslips/{people['mine']}/pdf").status_code == 200
    for path in (f"payroll/payslips/{people['theirs']}", f"payroll/payslips/{people['theirs']}/pdf"):
        response = api.get(path)
        assert response.status_code == 404 and response.json()["code"] == "not_found", path
    assert ok(api.get("payroll/payslips", employee=people["bob"]["id"]))["items"] == []
    export = api.get("payroll/payslips", format="csv")
    body = b"".join(export.streaming_content).decode()
    assert export.status_code == 200 and people["ada"]["employee_number"] in body
    assert people["bob"]["employee_number"] not in body
    summary = ok(api.get("payroll/reports/yearly-summary", year=YEAR))
    assert [r["employee"] for r in summary["rows"]] == [people["ada"]["employee_number"]]
    # runs, registers, structures and the bank file are payroll's
    for path in (f"payroll/runs/{people['run']}", "payroll/runs", f"payroll/runs/{people['run']}/bank-file",
                 "payroll/pay-structures", f"payroll/runs/{people['run']}/register"):  # fmt: skip
        assert api.get(path).status_code == 403, path


def test_payroll_hr_and_accountants_see_everyone(tenant, people):
    for role in ("PAYROLL", "HR", "ACCOUNTANT"):
        _user, api = member_client(tenant, roles=[role])
        assert len(ok(api.get("payroll/payslips"))["items"]) == 2, role
        assert ok(api.get(f"payroll/payslips/{people['theirs']}"))["net_salary"] == "3000.00", role
    _user, payroll = member_client(tenant, roles=["PAYROLL"])
    register = ok(payroll.get(f"payroll/runs/{people['run']}/register"))
    assert register["count"] == 2 and register["totals"]["net_salary"] == "8000.00"
    assert ok(payroll.post(f"payroll/runs/{people['run']}/post"))["status"] == "POSTED"
    raise_for = {
        "employee": people["bob"]["employee_number"],
        "pay_head": "BONUS",
        "amount": "100",
        "effective_from": f"{YEAR}-04-01",
    }
    assert payroll.post("payroll/pay-structures", raise_for).status_code == 201
    # an employee sets no structure, not even their own
    refused = people["ada_api"].post("payroll/pay-structures", {**raise_for, "employee": people["ada"]["id"]})
    assert refused.status_code == 403


def test_desk_pages_follow_the_rule(people):
    client = Client()
    client.force_login(people["ada_user"])
    page = client.get("/payroll/payslips/").content.decode()
    assert "Manager" in page and "Report" not in page
    assert client.get(f"/payroll/payslips/{people['mine']}/").status_code == 200
    assert client.get(f"/payroll/payslips/{people['theirs']}/").status_code == 404
    assert client.get(f"/payroll/files/payslips/{people['mine']}.pdf").status_code == 200
    assert client.get(f"/payroll/files/payslips/{people['theirs']}.pdf").status_code == 404
    assert client.get(f"/payroll/runs/{people['run']}/").status_code in (403, 404)


def _attach(tenant, payslip_id) -> str:
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", content_type="application/pdf")
    attached = tenant.api.client.post("/api/v1/platform/attachments",
                                      {"owner_type": "payroll.payslip", "owner_id": payslip_id, "file": upload},
                                      headers=tenant.api._headers(None))  # fmt: skip
    assert attached.status_code == 201, attached.content
    return attached.json()["id"]


def test_a_payslips_attachments_follow_the_rule(tenant, people):
    """The generic attachments of a payslip are reached through payroll's record rule (its module declares it):
    another's are not found through the API nor the desk, one's own are."""
    api = people["ada_api"]
    theirs, mine = _attach(tenant, people["theirs"]), _attach(tenant, people["mine"])
    owner = {"owner_type": "payroll.payslip"}
    assert api.get("platform/attachments", **owner, owner_id=people["theirs"]).status_code == 404
    for path in (f"platform/attachments/{theirs}", f"platform/attachments/{theirs}/download"):
        assert api.get(path).status_code == 404, path
    assert [a["id"] for a in ok(api.get("platform/attachments", **owner, owner_id=people["mine"]))["items"]] == [mine]
    assert api.get(f"platform/attachments/{mine}/download").status_code == 200
    client = Client()
    client.force_login(people["ada_user"])
    assert client.get(f"/attachments/{theirs}/").status_code == 404
    assert client.get(f"/attachments/{mine}/").status_code == 200
    # the files of runs are payroll's: the register and bank file, as CSV, from the desk too
    for path in (f"/payroll/files/runs/{people['run']}/register.csv",
                 f"/payroll/files/runs/{people['run']}/bank-payments.csv"):  # fmt: skip
        assert client.get(path).status_code in (403, 404), path
    assert api.get(f"payroll/runs/{people['run']}/register", format="csv").status_code == 403
