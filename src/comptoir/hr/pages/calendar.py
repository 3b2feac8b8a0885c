"""The leave calendar (/hr/leave-calendar/?month=YYYY-MM): a month's days, each with the approved leave the member
may see (the record rule) and the holidays."""

from __future__ import annotations

import calendar as cal
import datetime

from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from comptoir.desk.access import desk_page
from comptoir.hr import queries


def _month(text: str | None) -> datetime.date:
    try:
        return datetime.datetime.strptime(text or "", "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return timezone.localdate().replace(day=1)


@require_GET
@desk_page("hr.view_leaverequest")
def leave_calendar(request, actor):
    first = _month(request.GET.get("month"))
    last = first.replace(day=cal.monthrange(first.year, first.month)[1])
    data = queries.leave_calendar(first, last)
    holidays = {h.date: h.name for h in data["holidays"]}
    days = []
    day = first
    while day <= last:
        days.append({"date": day, "weekend": day.isoweekday() > 5, "holiday": holidays.get(day),
                     "leave": [lv for lv in data["leave"] if lv.start_date <= day <= lv.end_date]})  # fmt: skip
        day += datetime.timedelta(days=1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    context = {"first": first, "days": days, "previous": f"{previous:%Y-%m}", "next": f"{following:%Y-%m}"}
    return TemplateResponse(request, "hr/leave_calendar.html", context)
