"""Accounting's purpose-built desk pages, included at /accounting/ by the project's urls (the generic pages of
its declarations, accounting/desk.py, are the desk's)."""

from django.urls import path

from comptoir.accounting.pages import banks, budgets, chart, reports

urlpatterns = [
    path("chart/", chart.chart_page, name="accounting_chart"),
    path("chart/import/", chart.chart_import, name="accounting_chart_import"),
    path("budget-report/", budgets.budget_report_page, name="accounting_budget_report"),
    path("reports/", reports.report_index, name="accounting_reports"),
    path("reports/<slug:slug>/", reports.report_page, name="accounting_report"),
    path("banks/<uuid:pk>/import/", banks.import_statement, name="accounting_bank_import"),
    path("banks/<uuid:pk>/reconcile/", banks.reconcile, name="accounting_bank_reconcile"),
    path("banks/<uuid:pk>/reconcile/up-to/", banks.reconcile_up_to, name="accounting_bank_reconcile_up_to"),
    path("banks/<uuid:pk>/lines/<uuid:line_id>/match/", banks.match, name="accounting_bank_match"),
    path("banks/<uuid:pk>/lines/<uuid:line_id>/unmatch/", banks.unmatch, name="accounting_bank_unmatch"),
    path("banks/<uuid:pk>/lines/<uuid:line_id>/entry/", banks.create_entry, name="accounting_bank_entry"),
]
