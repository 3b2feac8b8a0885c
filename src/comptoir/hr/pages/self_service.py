"""The employee's own page (/hr/me/): their profile, leave balances, leave requests and recent attendance."""

from __future__ import annotations

from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.hr import queries


@require_GET
@desk_page("hr.view_leaverequest")
def self_service(request, actor):
    me = queries.my_employee()
    context = {"me": me}
    if me is not None:
        context |= {
            "balances": list(queries.leave_balances(employee=me.pk, year=timezone.localdate().year)),
            "leave": list(queries.leave_requests(employee=me.pk).order_by("-start_date")[:20]),
            "attendance": list(queries.attendance(employee=me.pk).order_by("-date")[:20]),
            "payslips_url": queries.payslips_url(me.pk),
        }
    return TemplateResponse(request, "hr/self_service.html", context)
