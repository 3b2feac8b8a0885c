"""The recruitment board (/hr/recruitment-board/): the candidates of the open postings in one column per pipeline
stage."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.hr import queries
from comptoir.hr.constants import PIPELINE, CandidateStatus


@require_GET
@desk_page("hr.view_candidate")
def recruitment_board(request, actor):
    rows = list(queries.candidates().exclude(status__in=("REJECTED", "WITHDRAWN")).order_by("created_at")[:500])
    columns = [
        {"status": stage, "label": CandidateStatus(stage).label, "cards": [c for c in rows if c.status == stage]}
        for stage in PIPELINE
    ]
    return TemplateResponse(request, "hr/recruitment_board.html", {"columns": columns})
