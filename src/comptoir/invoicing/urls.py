"""Invoicing's purpose-built desk page, included at /invoicing/ (its generic pages, invoicing/desk.py, are the
desk's)."""

from django.urls import path

from comptoir.invoicing.pages import pdf

urlpatterns = [path("pdf/<uuid:pk>/", pdf.invoice_pdf, name="invoicing_invoice_pdf")]
