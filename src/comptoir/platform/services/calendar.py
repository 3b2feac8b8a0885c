"""Calendar events: create, change, cancel and delete (the organizer), answer an invitation (an attendee), and
send the reminders that fall due (a periodic job).

Rules: end_time >= start_time; recurrence_end needs a recurrence and is on or after the start date (in the
organization's timezone); at most 10 reminders, one per `minutes_before` (0 to 4 weeks), each on a notification
channel; color is '#RRGGBB'; attendees are active members of the organization; status moves per
CALENDAR_EVENT_TRANSITIONS and a CANCELLED event is read-only. Only the organizer (the creator) changes an event.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.platform import ics
from comptoir.platform.constants import (
    CALENDAR_EVENT_TRANSITIONS,
    AttendeeResponse,
    AuditAction,
    CalendarEventStatus,
    CalendarEventType,
    NotificationChannel,
    Recurrence,
    WorkspaceStatus,
)
from comptoir.platform.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationFailed
from comptoir.platform.http import check_version
from comptoir.platform.inputs import UNSET, Patch, _Unset
from comptoir.platform.locks import advisory_lock
from comptoir.platform.models import (
    CalendarEvent,
    CalendarEventAttendee,
    Notification,
    Organization,
    OrganizationMember,
    Workspace,
)
from comptoir.platform.services.audit import record_audit, snapshot
from comptoir.platform.services.notifications import notify
from comptoir.platform.tenancy import require_org_id
from comptoir.platform.transitions import check_transition

MAX_REMINDERS = 10
MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60
MAX_ATTENDEES = 200
REMINDER_WINDOW = timedelta(minutes=15)
REMINDER_CATEGORY = "calendar"
COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
AUDITED_FIELDS = (
    "title",
    "description",
    "type",
    "location",
    "start_time",
    "end_time",
    "all_day",
    "recurrence",
    "recurrence_end",
    "reminders",
    "color",
    "status",
    "related_type",
    "related_id",
    "workspace",
)
REQUIRED = {"title", "start_time", "end_time", "type", "all_day", "recurrence", "status"}
MAX_DESCRIPTION = 100_000


@dataclass(frozen=True, kw_only=True)
class CalendarEventInput:
    title: str
    start_time: datetime
    end_time: datetime
    description: str = ""
    type: str = CalendarEventType.EVENT
    location: str = ""
    all_day: bool = False
    recurrence: str = Recurrence.NONE
    recurrence_end: date | None = None
    reminders: list[dict] = field(default_factory=list)
    color: str = ""
    status: str = CalendarEventStatus.CONFIRMED
    related_type: str = ""
    related_id: uuid.UUID | None = None
    workspace_id: uuid.UUID | None = None
    attendees: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class CalendarEventPatch(Patch):
    """The fields of an event to change; a required field (title, times, type, all_day, recurrence, status) sent
    as None is refused. `attendees` replaces the list; `workspace_id` moves the event."""

    title: str | None | _Unset = UNSET
    description: str | None | _Unset = UNSET
    type: str | None | _Unset = UNSET
    location: str | None | _Unset = UNSET
    start_time: datetime | None | _Unset = UNSET
    end_time: datetime | None | _Unset = UNSET
    all_day: bool | None | _Unset = UNSET
    recurrence: str | None | _Unset = UNSET
    recurrence_end: date | None | _Unset = UNSET
    reminders: list[dict] | None | _Unset = UNSET
    color: str | None | _Unset = UNSET
    status: str | None | _Unset = UNSET
    related_type: str | None | _Unset = UNSET
    related_id: uuid.UUID | None | _Unset = UNSET
    workspace_id: uuid.UUID | None | _Unset = UNSET
    attendees: list[uuid.UUID] | None | _Unset = UNSET


def organization_timezone() -> ZoneInfo:
    name = Organization.objects.filter(pk=require_org_id()).values_list("timezone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


# --- validation ---------------------------------------------------------------------------------------------


class _Errors:
    def __init__(self):
        self.items: list[FieldError] = []

    def add(self, field_name: str, code: str, message: str) -> None:
        self.items.append(FieldError(field_name, code, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items[0].message, code=self.items[0].code, errors=self.items)


def _clean_reminders(errors: _Errors, reminders: list[dict] | None) -> list[dict]:
    """Each reminder is {minutes_before, channel (default IN_APP)}, sorted from the earliest."""
    if reminders is None:
        return []
    if len(reminders) > MAX_REMINDERS:
        errors.add("reminders", "too_many", _("At most %(max_reminders)s reminders") % {"max_reminders": MAX_REMINDERS})
    cleaned, seen = [], set()
    for i, reminder in enumerate(reminders):
        minutes = reminder["minutes_before"]
        channel = reminder.get("channel") or NotificationChannel.IN_APP
        if not 0 <= minutes <= MAX_REMINDER_MINUTES:
            errors.add(
                f"reminders.{i}.minutes_before",
                "out_of_range",
                _("minutes_before is a whole number from 0 to %(max_reminder_minutes)s")
                % {"max_reminder_minutes": MAX_REMINDER_MINUTES},
            )
            continue
        if minutes in seen:
            errors.add(
                f"reminders.{i}.minutes_before",
                "duplicate",
                _("Two reminders %(minutes)s minutes before") % {"minutes": minutes},
            )
            continue
        seen.add(minutes)
        cleaned.append({"minutes_before": minutes, "channel": str(channel)})
    return sorted(cleaned, key=lambda r: -r["minutes_before"])


def _active_members(user_ids) -> set:
    rows = OrganizationMember.objects.filter(user_id__in=user_ids, is_active=True).select_related("user")
    return {row.user_id for row in rows if row.user.is_active}


def _clean(state: dict, tz: ZoneInfo, errors: _Errors) -> dict:
    """Check and normalise the full state of an event (after a change is applied). Adds field errors."""
    for name in REQUIRED:
        if state.get(name) is None or (name == "title" and not str(state[name]).strip()):
            errors.add(name, "required", _("%(field)s is required") % {"field": name})
    for name in ("description", "location", "color", "related_type"):
        state[name] = state.get(name) or ""
    state["title"] = (state.get("title") or "").strip()
    if len(state["description"]) > MAX_DESCRIPTION:
        errors.add(
            "description",
            "max_length",
            _("description is longer than %(max_description)s characters") % {"max_description": MAX_DESCRIPTION},
        )
    start, end = state.get("start_time"), state.get("end_time")
    for name, value in (("start_time", start), ("end_time", end)):
        if value is not None and timezone.is_naive(value):
            errors.add(
                name, "naive_datetime", _("%(name)s needs a timezone offset (e.g. Z or +02:00)") % {"name": name}
            )
    aware = start is not None and end is not None and timezone.is_aware(start) and timezone.is_aware(end)
    if aware and end < start:
        errors.add("end_time", "end_before_start", _("end_time is before start_time"))
    until = state.get("recurrence_end")
    if until is not None:
        if state.get("recurrence") in (None, Recurrence.NONE):
            errors.add("recurrence_end", "no_recurrence", _("recurrence_end needs a recurrence"))
        elif aware and until < start.astimezone(tz).date():
            errors.add("recurrence_end", "before_start", _("recurrence_end is before the start date"))
    state["reminders"] = _clean_reminders(errors, state.get("reminders"))
    if state["color"] and not COLOR_RE.match(state["color"]):
        errors.add("color", "invalid_color", _("color is a hex colour like #1A2B3C"))
    if state.get("related_id") is not None and not state["related_type"]:
        errors.add("related_type", "required", _("related_type names what related_id points to"))
    return state


def _check_workspace(errors: _Errors, workspace_id) -> None:
    ok = (
        Workspace.objects.filter(pk=workspace_id, deleted_at__isnull=True)
        .exclude(status=WorkspaceStatus.ARCHIVED)
        .exists()
    )
    if not ok:
        errors.add("workspace_id", "unknown_workspace", _("No such active workspace in this organization"))


def _clean_attendees(errors: _Errors, attendees: list[uuid.UUID] | None) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(attendees or []))
    if len(ids) > MAX_ATTENDEES:
        errors.add("attendees", "too_many", _("At most %(max_attendees)s attendees") % {"max_attendees": MAX_ATTENDEES})
        return ids
    outsiders = set(ids) - _active_members(ids)
    if outsiders:
        errors.add(
            "attendees",
            "not_a_member",
            _("Not active members of this organization: %(ids)s")
            % {"ids": ", ".join(sorted(str(u) for u in outsiders))},
        )
    return ids


def _audit_state(event: CalendarEvent, attendee_ids) -> dict:
    return {**snapshot(event, AUDITED_FIELDS), "attendees": sorted(str(u) for u in attendee_ids)}


# --- writes ---------------------------------------------------------------------------------------------------


def create_calendar_event(*, actor, data: CalendarEventInput) -> CalendarEvent:
    """Create an event organised by `actor`, in `data.workspace_id` or the default workspace."""
    errors = _Errors()
    state = asdict(data)
    attendee_ids = state.pop("attendees")
    workspace_id = state.pop("workspace_id")
    with transaction.atomic():
        state = _clean(state, organization_timezone(), errors)
        if state.get("status") == CalendarEventStatus.CANCELLED:
            errors.add("status", "invalid_choice", _("A new event is CONFIRMED or TENTATIVE"))
        if workspace_id is not None:
            _check_workspace(errors, workspace_id)
        attendee_ids = _clean_attendees(errors, attendee_ids)
        errors.raise_if_any()
        event = CalendarEvent.objects.create(**state, workspace_id=workspace_id, created_by=actor, updated_by=actor)
        CalendarEventAttendee.objects.bulk_create(
            [
                CalendarEventAttendee(organization_id=event.organization_id, event=event, user_id=u, created_by=actor)
                for u in attendee_ids
            ]
        )
        record_audit(actor=actor, action=AuditAction.CREATE, obj=event, new=_audit_state(event, attendee_ids))
    return event


def _organizer_event(actor, event_id) -> CalendarEvent:
    """The event, locked, if `actor` organises it; 403 for an attendee, 404 for anyone else."""
    event = CalendarEvent.objects.select_for_update().filter(pk=event_id, deleted_at__isnull=True).first()
    if event is None:
        raise NotFound(_("Calendar event not found"))
    if event.created_by_id != actor.pk:
        if CalendarEventAttendee.objects.filter(event=event, user=actor).exists():
            raise PermissionDenied(_("Only the organizer changes this event"), code="not_organizer")
        raise NotFound(_("Calendar event not found"))
    return event


def update_calendar_event(
    *, actor, event_id, patch: CalendarEventPatch, expected_version: int | None = None
) -> CalendarEvent:
    """Apply `patch` as the organizer (`attendees` replaces the list, keeping the answers of those who stay),
    guarded by the version the caller read."""
    changes: dict[str, Any] = patch.provided()
    with transaction.atomic():
        event = _organizer_event(actor, event_id)
        check_version(event.version, expected_version)
        if changes.get("status") is not None:
            check_transition(CALENDAR_EVENT_TRANSITIONS, event.status, changes["status"])
        if event.status == CalendarEventStatus.CANCELLED:
            raise Conflict(_("A cancelled event is read-only"), code="event_cancelled")
        current_attendees = list(CalendarEventAttendee.objects.filter(event=event).values_list("user_id", flat=True))
        old = _audit_state(event, current_attendees)
        errors = _Errors()
        state = {name: getattr(event, name) for name in AUDITED_FIELDS if name != "workspace"}
        state.update({k: v for k, v in changes.items() if k not in ("attendees", "workspace_id")})
        state = _clean(state, organization_timezone(), errors)
        if "workspace_id" in changes:
            if changes["workspace_id"] is None:
                errors.add("workspace_id", "required", _("workspace_id is required"))
            else:
                _check_workspace(errors, changes["workspace_id"])
        attendee_ids = current_attendees
        if "attendees" in changes:
            attendee_ids = _clean_attendees(errors, changes["attendees"])
        errors.raise_if_any()
        for name, value in state.items():
            setattr(event, name, value)
        if "workspace_id" in changes:
            event.workspace_id = changes["workspace_id"]
        if "attendees" in changes:
            staying = set(current_attendees)
            CalendarEventAttendee.objects.filter(event=event).exclude(user_id__in=attendee_ids).delete()
            CalendarEventAttendee.objects.bulk_create(
                [
                    CalendarEventAttendee(
                        organization_id=event.organization_id, event=event, user_id=u, created_by=actor
                    )
                    for u in attendee_ids
                    if u not in staying
                ]
            )
        event.updated_by = actor
        event.version = F("version") + 1
        event.save()
        event.refresh_from_db()
        action = AuditAction.UPDATE
        if event.status == CalendarEventStatus.CANCELLED:
            action = AuditAction.CANCEL
        record_audit(actor=actor, action=action, obj=event, old=old, new=_audit_state(event, attendee_ids))
    return event


def delete_calendar_event(*, actor, event_id, expected_version: int | None = None) -> None:
    """Soft-delete an event as its organizer."""
    with transaction.atomic():
        event = _organizer_event(actor, event_id)
        check_version(event.version, expected_version)
        event.deleted_at = timezone.now()
        event.deleted_by = actor
        event.updated_by = actor
        event.save(update_fields=["deleted_at", "deleted_by", "updated_by", "updated_at"])
        record_audit(actor=actor, action=AuditAction.DELETE, obj=event)


def respond_to_calendar_event(*, actor, event_id, response: str) -> CalendarEventAttendee:
    """Record the actor's answer to an invitation: ACCEPTED, DECLINED or TENTATIVE. Only an attendee answers;
    a cancelled event takes no answers."""
    with transaction.atomic():
        event = CalendarEvent.objects.filter(pk=event_id, deleted_at__isnull=True).first()
        row = (
            CalendarEventAttendee.objects.select_for_update().filter(event_id=event_id, user=actor).first()
            if event is not None
            else None
        )
        if row is None:
            if event is not None and event.created_by_id == actor.pk:
                raise PermissionDenied(_("Only an attendee answers an invitation"), code="not_attendee")
            raise NotFound(_("Calendar event not found"))
        if event.status == CalendarEventStatus.CANCELLED:
            raise Conflict(_("The event is cancelled"), code="event_cancelled")
        old = row.response
        row.response = response
        row.updated_by = actor
        row.save(update_fields=["response", "updated_by", "updated_at"])
        record_audit(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=row,
            object_repr=f"{actor} on {event.title}"[:255],
            old={"response": old},
            new={"response": response},
        )
    return row


# --- reminders ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueReminder:
    event: CalendarEvent
    occurrence_start: datetime
    user: object
    reminder: dict

    @property
    def remind_at(self) -> datetime:
        return self.occurrence_start - timedelta(minutes=self.reminder["minutes_before"])

    @property
    def key(self) -> str:
        """Identifies the reminder of one user for one occurrence: sent at most once."""
        return f"{self.event.pk}|{self.occurrence_start.isoformat()}|{self.user.pk}|{self.reminder['minutes_before']}"


def _recipients(event: CalendarEvent, members: set) -> list:
    """The organizer and the attendees who have not declined, if they are still active members."""
    people = [event.created_by] if event.created_by is not None else []
    people += [row.user for row in event.attendee_rows.all() if row.response != AttendeeResponse.DECLINED]
    unique = {p.pk: p for p in people if p.pk in members and p.is_active}
    return list(unique.values())


def due_reminders(now: datetime, window: timedelta = REMINDER_WINDOW) -> list[DueReminder]:
    """Reminders of the organization in context whose time (occurrence start - minutes_before) falls in
    (now - window, now], for every recipient. Cancelled and deleted events remind nobody."""
    since = now - window
    horizon = now + timedelta(minutes=MAX_REMINDER_MINUTES)
    recurring = ~Q(recurrence=Recurrence.NONE) & (
        Q(recurrence_end__isnull=True) | Q(recurrence_end__gte=since.date() - timedelta(days=1))
    )
    events = list(
        CalendarEvent.objects.filter(deleted_at__isnull=True, start_time__lte=horizon)
        .exclude(status=CalendarEventStatus.CANCELLED)
        .exclude(reminders=[])
        .filter(Q(recurrence=Recurrence.NONE, start_time__gt=since) | recurring)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("attendee_rows", queryset=CalendarEventAttendee.objects.select_related("user").order_by("id"))
        )
        .order_by("start_time", "id")
    )
    if not events:
        return []
    members = set(OrganizationMember.objects.filter(is_active=True).values_list("user_id", flat=True))
    tz = organization_timezone()
    due = []
    for event in events:
        series = ics.Series(event.start_time, event.end_time, event.recurrence, event.recurrence_end, tz)
        recipients = _recipients(event, members)
        for reminder in event.reminders:
            before = timedelta(minutes=reminder["minutes_before"])
            for start, _end in ics.occurrences(series, ending_from=since + before):
                if start > now + before:
                    break
                if start > since + before:
                    due += [DueReminder(event, start, user, reminder) for user in recipients]
    return due


def send_due_reminders(*, now: datetime | None = None, window: timedelta = REMINDER_WINDOW) -> list[Notification]:
    """Notify every due reminder of the organization in context once: a reminder already sent (its key is in a
    calendar notification's data) is skipped, and concurrent runs queue on an advisory lock. Meant to run every
    few minutes with a window larger than the interval, so a late run catches up."""
    now = now or timezone.now()
    created = []
    with transaction.atomic():
        advisory_lock("platform.calendar_reminders")
        due = due_reminders(now, window)
        if not due:
            return []
        sent = set(
            Notification.objects.filter(
                category=REMINDER_CATEGORY,
                user_id__in={d.user.pk for d in due},
                data__reminder_key__in=[d.key for d in due],
            ).values_list("data__reminder_key", flat=True)
        )
        tz = organization_timezone()
        for item in due:
            if item.key in sent:
                continue
            sent.add(item.key)
            event = item.event
            local = item.occurrence_start.astimezone(tz)
            when = f"{local:%Y-%m-%d}" if event.all_day else f"{local:%Y-%m-%d %H:%M} ({tz.key})"
            created.append(
                notify(
                    user=item.user,
                    title=f"Reminder: {event.title}"[:255],
                    message=f"{event.title} starts {when}" + (f" at {event.location}" if event.location else ""),
                    category=REMINDER_CATEGORY,
                    channel=item.reminder["channel"],
                    data={
                        "kind": "calendar_reminder",
                        "event_id": str(event.pk),
                        "occurrence_start": item.occurrence_start.isoformat(),
                        "minutes_before": item.reminder["minutes_before"],
                        "reminder_key": item.key,
                    },
                )
            )
    return created
