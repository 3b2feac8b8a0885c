"""Budget vs actual of a fiscal year: the table and a bar chart (allocated beside spent, per budget)."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from comptoir.accounting.queries import books
from comptoir.accounting.queries import budgets as queries
from comptoir.desk.access import desk_page
from comptoir.platform.errors import DomainError


@never_cache
@require_GET
@desk_page("accounting.view_report")
def budget_report_page(request, actor):
    years = list(books.fiscal_years().order_by("-start_date"))
    today = timezone.localdate()
    current = next((y for y in years if y.start_date <= today <= y.end_date), years[0] if years else None)
    wanted = request.GET.get("fiscal_year") or (current.name if current else "")
    context: dict = {"years": years, "wanted": wanted, "report": None, "error": ""}
    if wanted:
        try:
            context["report"] = queries.budget_report(fiscal_year=wanted)
        except DomainError as exc:
            context["error"] = exc.message
    if context["report"]:
        rows = context["report"]["rows"]
        context["chart"] = {
            "labels": [b.name for b in rows],
            "allocated": [str(b.allocated_amount) for b in rows],
            "spent": [str(b.spent) for b in rows],
        }
    return TemplateResponse(request, "accounting/budgets/report.html", context, status=422 if context["error"] else 200)
