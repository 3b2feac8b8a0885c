"""The catalogue's purpose-built desk pages, included at /catalog/ (the generic pages of its declarations,
catalog/desk.py, are the desk's)."""

from django.urls import path

from comptoir.catalog.pages import transfer

urlpatterns = [
    path("import/", transfer.import_page, name="catalog_import"),
]
