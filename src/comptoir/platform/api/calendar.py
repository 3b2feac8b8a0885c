"""Calendar API: events (CRUD with ETag / If-Match), invitations, occurrences in a period, iCalendar export."""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from ninja import Query, Router, Status

from comptoir.platform.access import authorize
from comptoir.platform.exports import ExportParams, list_or_export, report_or_export
from comptoir.platform.http import etag, if_match_version
from comptoir.platform.pagination import PageParams
from comptoir.platform.queries import calendar as queries
from comptoir.platform.schemas.calendar import (
    AttendeeResponseOut,
    CalendarEventFilters,
    CalendarEventIn,
    CalendarEventOut,
    CalendarEventPage,
    CalendarEventPatch,
    OccurrenceOut,
    OccurrencePage,
    OccurrenceParams,
    RespondIn,
)
from comptoir.platform.services import calendar as services

router = Router(tags=["calendar"])


@router.get("/calendar/events", response=CalendarEventPage)
def list_events(request, page: Query[PageParams], export: Query[ExportParams], filters: Query[CalendarEventFilters]):
    """The calendar events the signed-in user may see, filtered by time, type and status."""
    actor = authorize(request, "platform.view_calendarevent")
    return list_or_export(
        request,
        queries.calendar_events(actor.user, **filters.dict()),
        page,
        export,
        allowed_ordering={"start_time", "created_at", "title"},
        default_ordering=["start_time"],
        schema=CalendarEventOut,
        filename="calendar-events",
    )


@router.post("/calendar/events", response={201: CalendarEventOut})
def create_event(request, payload: CalendarEventIn, response: HttpResponse):
    """Create a calendar event (with attendees, reminders and a recurrence rule)."""
    actor = authorize(request, "platform.add_calendarevent")
    event = services.create_calendar_event(actor=actor.user, data=services.CalendarEventInput(**payload.model_dump()))
    event = queries.access_calendar_event(actor.user, event.pk)
    response["ETag"] = etag(event.version)
    return Status(201, event)


@router.get("/calendar/events/{event_id}", response=CalendarEventOut)
def get_event(request, event_id: uuid.UUID, response: HttpResponse):
    """One calendar event with its attendees and reminders."""
    actor = authorize(request, "platform.view_calendarevent")
    event = queries.access_calendar_event(actor.user, event_id)
    response["ETag"] = etag(event.version)
    return event


@router.patch("/calendar/events/{event_id}", response=CalendarEventOut)
def patch_event(request, event_id: uuid.UUID, payload: CalendarEventPatch, response: HttpResponse):
    """Change the fields sent of an event; `attendees` replaces the list."""
    actor = authorize(request, "platform.change_calendarevent")
    queries.access_calendar_event(actor.user, event_id)
    services.update_calendar_event(
        actor=actor.user,
        event_id=event_id,
        patch=services.CalendarEventPatch.from_schema(payload),
        expected_version=if_match_version(request),
    )
    event = queries.access_calendar_event(actor.user, event_id)
    response["ETag"] = etag(event.version)
    return event


@router.delete("/calendar/events/{event_id}", response={204: None})
def delete_event(request, event_id: uuid.UUID):
    """Delete a calendar event."""
    actor = authorize(request, "platform.delete_calendarevent")
    queries.access_calendar_event(actor.user, event_id)
    services.delete_calendar_event(actor=actor.user, event_id=event_id, expected_version=if_match_version(request))
    return Status(204, None)


@router.post("/calendar/events/{event_id}/respond", response=AttendeeResponseOut)
def respond(request, event_id: uuid.UUID, payload: RespondIn):
    """Answer an invitation to an event (accept, decline, tentative)."""
    actor = authorize(request, "platform.view_calendarevent")
    queries.access_calendar_event(actor.user, event_id)
    return services.respond_to_calendar_event(actor=actor.user, event_id=event_id, response=payload.response)


@router.get("/calendar/occurrences", response=OccurrencePage)
def list_occurrences(request, params: Query[OccurrenceParams], export: Query[ExportParams]):
    """The occurrences of the events between two instants, recurrences expanded."""
    actor = authorize(request, "platform.view_calendarevent")
    found = queries.occurrences(actor.user, params.start, params.end, include_cancelled=params.include_cancelled)
    return report_or_export(
        request,
        found,
        export,
        rows="items",
        schema=OccurrenceOut,
        filename="calendar-occurrences",
        object_type="platform.calendarevent",
    )


@router.get("/calendar/ics")
def export_ics(request):
    """The signed-in user's events as an iCalendar (.ics) file."""
    actor = authorize(request, "platform.view_calendarevent")
    response = HttpResponse(queries.calendar_ics(actor.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="comptoir.ics"'
    return response
