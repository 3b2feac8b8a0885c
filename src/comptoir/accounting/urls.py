"""The accounting pages, included at /accounting/ by the project's urls."""

from django.urls import path

from comptoir.accounting import views

urlpatterns = [
    path("reports/", views.report_index, name="accounting_reports"),
    path("reports/<slug:slug>/", views.report_page, name="accounting_report"),
]
