"""Calendar reads. Record rule: a user sees the events they organise (created) or attend, nobody else's.
Occurrences of recurring events are computed at query time (see `comptoir.platform.ics`)."""

from __future__ import annotations

import heapq
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DurationField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform import ics
from comptoir.platform.constants import AttendeeResponse, CalendarEventStatus, Recurrence
from comptoir.platform.errors import NotFound, ValidationFailed
from comptoir.platform.models import CalendarEvent, CalendarEventAttendee, Organization
from comptoir.platform.tenancy import require_org_id

MAX_OCCURRENCES = 1000
MAX_WINDOW = timedelta(days=366)
PARTSTAT = {
    AttendeeResponse.PENDING: "NEEDS-ACTION",
    AttendeeResponse.ACCEPTED: "ACCEPTED",
    AttendeeResponse.DECLINED: "DECLINED",
    AttendeeResponse.TENTATIVE: "TENTATIVE",
}


def _organization_settings() -> tuple[ZoneInfo, str]:
    tz_name, name = Organization.objects.filter(pk=require_org_id()).values_list("timezone", "name").get()
    try:
        return ZoneInfo(tz_name or "UTC"), name
    except (ValueError, KeyError):
        return ZoneInfo("UTC"), name


def visible_events(user):
    """Events (not deleted) that `user` organises or attends."""
    attending = CalendarEventAttendee.objects.filter(event=OuterRef("pk"), user=user)
    return CalendarEvent.objects.filter(deleted_at__isnull=True).filter(Q(created_by=user) | Q(Exists(attending)))


def _with_attendees(qs):
    return qs.prefetch_related(
        Prefetch("attendee_rows", queryset=CalendarEventAttendee.objects.order_by("created_at", "id"))
    )


def calendar_events(
    user,
    *,
    type: str | None = None,
    status: str | None = None,
    starts_from: datetime | None = None,
    starts_before: datetime | None = None,
    search: str | None = None,
):
    """The user's events filtered on their series start (use `occurrences` for what happens in a period)."""
    qs = visible_events(user)
    if type:
        qs = qs.filter(type=type)
    if status:
        qs = qs.filter(status=status)
    if starts_from:
        qs = qs.filter(start_time__gte=starts_from)
    if starts_before:
        qs = qs.filter(start_time__lt=starts_before)
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(location__icontains=search))
    return _with_attendees(qs)


def access_calendar_event(user, event_id) -> CalendarEvent:
    """The event if the user organises or attends it, else NotFound (also for another organization's)."""
    event = _with_attendees(visible_events(user).filter(pk=event_id)).first()
    if event is None:
        raise NotFound(_("Calendar event not found"))
    return event


def _check_window(start: datetime, end: datetime) -> None:
    for name, value in (("start", start), ("end", end)):
        if timezone.is_naive(value):
            raise ValidationFailed(
                _("%(name)s needs a timezone offset (e.g. Z)") % {"name": name}, code="naive_datetime", field=name
            )
    if end <= start:
        raise ValidationFailed(_("end must be after start"), code="end_before_start", field="end")
    if end - start > MAX_WINDOW:
        raise ValidationFailed(_("The window is at most 366 days"), code="window_too_long", field="end")


def occurrences(user, start: datetime, end: datetime, *, include_cancelled: bool = False) -> dict:
    """Every occurrence overlapping [start, end) of the events the user organises or attends, in start order:
    {"items": [...], "truncated": bool}; at most MAX_OCCURRENCES items. The window is at most 366 days."""
    _check_window(start, end)
    tz, _name = _organization_settings()
    # A series can reach the window if it has no end, ends within 2 days of it, or lasts more than a day.
    may_reach = (
        Q(recurrence_end__isnull=True)
        | Q(recurrence_end__gte=start.date() - timedelta(days=2))
        | Q(duration__gt=timedelta(days=1))
    )
    qs = (
        visible_events(user)
        .alias(duration=ExpressionWrapper(F("end_time") - F("start_time"), output_field=DurationField()))
        .filter(start_time__lt=end)
        .filter(Q(recurrence=Recurrence.NONE, end_time__gte=start) | (~Q(recurrence=Recurrence.NONE) & may_reach))
        .annotate(
            my_response=Subquery(
                CalendarEventAttendee.objects.filter(event=OuterRef("pk"), user=user).values("response")[:1]
            )
        )
    )
    if not include_cancelled:
        qs = qs.exclude(status=CalendarEventStatus.CANCELLED)

    def stream(event):
        series = ics.Series(event.start_time, event.end_time, event.recurrence, event.recurrence_end, tz)
        key = str(event.pk)
        for occ_start, occ_end in ics.occurrences_between(series, start, end):
            yield occ_start, key, occ_end, event

    merged = heapq.merge(*(stream(e) for e in qs), key=lambda item: (item[0], item[1]))
    items = []
    for occ_start, _key, occ_end, event in merged:
        if len(items) == MAX_OCCURRENCES:
            return {"items": items, "truncated": True}
        items.append(
            {
                "event_id": event.pk,
                "title": event.title,
                "start_time": occ_start,
                "end_time": occ_end,
                "all_day": event.all_day,
                "type": event.type,
                "status": event.status,
                "color": event.color,
                "location": event.location,
                "recurrence": event.recurrence,
                "is_organizer": event.created_by_id == user.pk,
                "response": event.my_response,
            }
        )
    return {"items": items, "truncated": False}


def _person(user, partstat: str = "") -> ics.IcsPerson:
    name = (getattr(user, "full_name", "") or "").strip()
    return ics.IcsPerson(email=user.email or "", name=name, partstat=partstat)


def calendar_ics(user, *, now: datetime | None = None) -> str:
    """The user's events (organised or attended, cancelled ones included) as an iCalendar document."""
    tz, name = _organization_settings()
    events = (
        visible_events(user)
        .select_related("created_by")
        .prefetch_related(
            Prefetch(
                "attendee_rows", queryset=CalendarEventAttendee.objects.select_related("user").order_by("created_at")
            )
        )
        .order_by("start_time", "id")
    )
    return ics.render_calendar(
        (
            ics.IcsEvent(
                uid=f"{event.pk}@comptoir",
                summary=event.title,
                series=ics.Series(event.start_time, event.end_time, event.recurrence, event.recurrence_end, tz),
                all_day=event.all_day,
                description=event.description,
                location=event.location,
                status=event.status,
                categories=(event.type,),
                organizer=_person(event.created_by) if event.created_by is not None else None,
                attendees=tuple(_person(row.user, PARTSTAT[row.response]) for row in event.attendee_rows.all()),
                alarms_minutes_before=tuple(r["minutes_before"] for r in event.reminders),
                created=event.created_at,
                last_modified=event.updated_at,
                sequence=event.version - 1,
            )
            for event in events
        ),
        now=now or timezone.now(),
        name=name,
    )
