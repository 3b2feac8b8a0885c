"""Purchasing's purpose-built desk page, included at /purchasing/ (the generic pages of its declarations,
purchasing/desk.py, are the desk's)."""

from django.urls import path

from comptoir.purchasing.pages import dashboard

urlpatterns = [path("dashboard/", dashboard.dashboard_page, name="purchasing-dashboard")]
