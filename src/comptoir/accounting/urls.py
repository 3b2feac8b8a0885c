"""Accounting's purpose-built desk pages, included at /accounting/ by the project's urls (the generic pages of
its declarations, accounting/desk.py, are the desk's)."""

from django.urls import path

from comptoir.accounting.pages import budgets, chart, reports

urlpatterns = [
    path("chart/", chart.chart_page, name="accounting_chart"),
    path("chart/import/", chart.chart_import, name="accounting_chart_import"),
    path("budget-report/", budgets.budget_report_page, name="accounting_budget_report"),
    path("reports/", reports.report_index, name="accounting_reports"),
    path("reports/<slug:slug>/", reports.report_page, name="accounting_report"),
]
