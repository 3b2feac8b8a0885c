"""The invoice's PDF from the desk (/invoicing/pdf/<id>/?language=ru), for members who may read invoices."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.invoicing import queries
from comptoir.invoicing.services import documents
from comptoir.platform.errors import NotFound


@require_GET
@desk_page("invoicing.view_invoice")
def invoice_pdf(request, actor, pk):
    try:
        queries.access_invoice(pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    language = request.GET.get("language", "en")
    filename, pdf = documents.invoice_pdf(pk, language=language if language in documents.LANGUAGES else "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
