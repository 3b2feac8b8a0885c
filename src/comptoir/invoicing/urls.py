"""Invoicing's purpose-built desk pages, included at /invoicing/ (its generic pages, invoicing/desk.py, are the
desk's): an invoice's PDF and the receivables and payables aging."""

from django.urls import path

from comptoir.invoicing.pages import aging, pdf

urlpatterns = [
    path("pdf/<uuid:pk>/", pdf.invoice_pdf, name="invoicing_invoice_pdf"),
    path("aging/", aging.aging_page, name="invoicing_aging"),
]
