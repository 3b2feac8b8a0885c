"""The inventory's purpose-built desk pages, included at /inventory/ (the generic pages of its declarations,
inventory/desk.py, are the desk's): the stock reports."""

from django.urls import path

from comptoir.inventory.pages import reports

urlpatterns = [
    path("reports/", reports.report_index, name="inventory_reports"),
    path("reports/<slug:slug>/", reports.report_page, name="inventory_report"),
]
