"""Payroll's files in the desk, at /payroll/ (its generic pages, payroll/desk.py, are the desk's)."""

from django.urls import path

from comptoir.payroll.pages import documents

urlpatterns = [
    path("files/payslips/<uuid:payslip_id>.pdf", documents.payslip_pdf, name="payroll_payslip_pdf"),
    path("files/runs/<uuid:run_id>/bank-payments.csv", documents.bank_file, name="payroll_bank_file"),
    path("files/runs/<uuid:run_id>/register.csv", documents.register_file, name="payroll_register_file"),
]
