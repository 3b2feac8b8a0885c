"""The import page: upload a CSV or XLSX file of products or prices, preview each row with its errors, import."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_http_methods

from comptoir.desk.access import desk_page


@require_http_methods(["GET", "POST"])
@desk_page("catalog.import_product")
def import_page(request, actor):
    return HttpResponse("")
