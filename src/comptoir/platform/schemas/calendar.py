"""Shapes of the calendar endpoints. Business rules (end after start, reminder ranges, colour, attendees) are
checked by the service, which names the field in its errors."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from comptoir.platform.constants import (
    AttendeeResponse,
    CalendarEventStatus,
    CalendarEventType,
    NotificationChannel,
    Recurrence,
)
from comptoir.platform.schemas.base import Input, Page


class ReminderIn(Input):
    minutes_before: int = Field(description="0 to 40320 (4 weeks); one reminder per value")
    channel: NotificationChannel = NotificationChannel.IN_APP


class CalendarEventIn(Input):
    title: str = Field(max_length=255)
    description: str = ""
    type: CalendarEventType = CalendarEventType.EVENT
    location: str = Field("", max_length=255)
    start_time: datetime = Field(description="with a timezone offset")
    end_time: datetime = Field(description="with a timezone offset; not before start_time")
    all_day: bool = False
    recurrence: Recurrence = Recurrence.NONE
    recurrence_end: date | None = Field(None, description="last date an occurrence may start on; none = forever")
    reminders: list[ReminderIn] = Field(default_factory=list)
    color: str = Field("", description="#RRGGBB")
    status: Literal[CalendarEventStatus.CONFIRMED, CalendarEventStatus.TENTATIVE] = CalendarEventStatus.CONFIRMED
    related_type: str = Field("", max_length=50)
    related_id: uuid.UUID | None = None
    workspace_id: uuid.UUID | None = Field(None, description="default: the organization's default workspace")
    attendees: list[uuid.UUID] = Field(default_factory=list, description="user ids of active members")


class CalendarEventPatch(Input):
    title: str | None = Field(None, max_length=255)
    description: str | None = None
    type: CalendarEventType | None = None
    location: str | None = Field(None, max_length=255)
    start_time: datetime | None = None
    end_time: datetime | None = None
    all_day: bool | None = None
    recurrence: Recurrence | None = None
    recurrence_end: date | None = None
    reminders: list[ReminderIn] | None = None
    color: str | None = None
    status: CalendarEventStatus | None = None
    related_type: str | None = Field(None, max_length=50)
    related_id: uuid.UUID | None = None
    workspace_id: uuid.UUID | None = None
    attendees: list[uuid.UUID] | None = Field(None, description="replaces the list; answers of those kept stay")


class AttendeeOut(Schema):
    user_id: uuid.UUID
    response: str


class CalendarEventOut(Schema):
    id: uuid.UUID
    workspace_id: uuid.UUID
    title: str
    description: str
    type: str
    location: str
    start_time: datetime
    end_time: datetime
    all_day: bool
    recurrence: str
    recurrence_end: date | None
    reminders: list[dict]
    color: str
    status: str
    related_type: str
    related_id: uuid.UUID | None
    organizer_id: uuid.UUID | None = Field(None, alias="created_by_id")
    attendees: list[AttendeeOut]
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_attendees(obj) -> list:
        return list(obj.attendee_rows.all())


class CalendarEventPage(Page):
    items: list[CalendarEventOut]


class CalendarEventFilters(Schema):
    type: CalendarEventType | None = None
    status: CalendarEventStatus | None = None
    starts_from: datetime | None = None
    starts_before: datetime | None = None
    search: str | None = Field(None, max_length=100)


class OccurrenceParams(Schema):
    start: datetime = Field(description="window start, with a timezone offset")
    end: datetime = Field(description="window end (exclusive), at most 366 days after start")
    include_cancelled: bool = False


class OccurrenceOut(Schema):
    event_id: uuid.UUID
    title: str
    start_time: datetime
    end_time: datetime
    all_day: bool
    type: str
    status: str
    color: str
    location: str
    recurrence: str
    is_organizer: bool
    response: str | None = Field(description="the caller's answer when invited, else null")


class OccurrencePage(Schema):
    items: list[OccurrenceOut]
    truncated: bool = Field(description="true when the window held more than 1000 occurrences")


class RespondIn(Input):
    response: Literal[AttendeeResponse.ACCEPTED, AttendeeResponse.DECLINED, AttendeeResponse.TENTATIVE]


class AttendeeResponseOut(Schema):
    event_id: uuid.UUID
    user_id: uuid.UUID
    response: str
