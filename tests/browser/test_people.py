"""HR and payroll in a real browser: an HR user hires an employee through the form and approves a leave request
with its button; a payroll accountant processes, posts and pays a run from the run's page and reads its register;
an employee's self-service shows only their own payslips (another's payslip is not found)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from comptoir.hr.tests import factories as hr
from comptoir.payroll.tests import factories as pay
from tests.support.api import member_client
from tests.support.browser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_hires_an_employee_and_approves_a_leave_request(page, tenant):
    hr_user, _api = member_client(tenant, roles=["HR"])
    worker = hr.employee(tenant.api, "Wanda", "Worker")
    body = {"employee": worker["id"], "leave_type": "UNPAID", "start_date": hr.day(0), "end_date": hr.day(1)}
    leave = pay.ok(tenant.api.post("hr/leave-requests", body), 201)
    sign_in(page, hr_user.email, start="/hr/employees/new/")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Hire date").fill(hr.day(0))
    page.get_by_label("Status").select_option("ACTIVE")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("record-title")).to_have_text(re.compile(r"EMP-\d+ Grace Hopper"))
    expect(page.get_by_test_id("status")).to_have_text("Active")
    page.goto(f"/hr/leave-requests/{leave['id']}/")
    expect(page.get_by_test_id("status")).to_have_text("Pending")
    page.get_by_test_id("action-approve").click()
    expect(page.get_by_test_id("status")).to_have_text("Approved")
    expect(page.get_by_test_id("action-approve")).to_have_count(0)


def test_a_payroll_accountant_processes_posts_and_pays_a_run_from_its_page(page, tenant):
    accountant, _api = member_client(tenant, roles=["PAYROLL"])
    api = tenant.api
    ada = pay.employee(api, "Ada", "Lovelace")
    api.post(f"parties/{ada['party']}/bank-accounts", {"account_number": "0011 2233 4455", "bank_name": "BNP"})
    pay.structure(api, ada["id"], "BASIC", "3100")
    run = pay.run(api)
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, accountant.email, start=f"/payroll/runs/{run['id']}/")
    page.get_by_test_id("action-process").click()
    expect(page.get_by_test_id("status")).to_have_text("Processed")
    expect(page.get_by_test_id("lines")).to_contain_text("Ada Lovelace")
    expect(page.get_by_test_id("lines")).to_contain_text("••••4455")
    page.get_by_test_id("action-post").click()
    expect(page.get_by_test_id("status")).to_have_text("Posted")
    page.get_by_test_id("action-pay").click()
    page.get_by_label("Bank or cash account").fill("1100")
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_test_id("status")).to_have_text("Paid")
    expect(page.get_by_test_id("header")).to_contain_text("3,100.00")
    register = page.get_by_test_id("lines")
    expect(page.locator("main")).to_contain_text("Payroll register")
    expect(register).to_contain_text(f"PS-{pay.YEAR}0301-{ada['employee_number']}")
    expect(page.get_by_test_id("related")).to_contain_text("Bank payment file (CSV)")


def test_an_employee_sees_only_their_own_payslips(page, tenant):
    api = tenant.api
    ada, ada_user, _ada_api = hr.linked(tenant, first_name="Ada", last_name="Own", hire_date=f"{pay.YEAR - 1}-01-01")
    bob = pay.employee(api, "Bob", "Other")
    for person in (ada, bob):
        pay.structure(api, person["id"], "BASIC", "2000")
    processed = pay.ok(api.post(f"payroll/runs/{pay.run(api)['id']}/process"))
    slips = {s["employee"]["id"]: s["id"] for s in processed["payslips"]}
    sign_in(page, ada_user.email, start="/payroll/payslips/")
    main = page.locator("main")
    expect(main).to_contain_text("Ada Own")
    expect(main).not_to_contain_text("Bob Other")
    response = page.goto(f"/payroll/payslips/{slips[ada['id']]}/")
    assert response.status == 200
    expect(page.get_by_test_id("record-title")).to_contain_text("Ada Own")
    response = page.goto(f"/payroll/payslips/{slips[bob['id']]}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Bob Other")
