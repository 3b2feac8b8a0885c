"""Sales' purpose-built desk pages, included at /sales/ (the generic pages of its declarations, sales/desk.py, are
the desk's)."""

from django.urls import path

from comptoir.sales.pages import dashboard

urlpatterns = [
    path("dashboard/", dashboard.dashboard_page, name="sales_dashboard"),
]
