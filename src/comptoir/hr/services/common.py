"""Helpers shared by the HR services: required text, e-mail, the event payloads, calendar events of leave and
holidays."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.platform.errors import ValidationFailed
from comptoir.platform.queries.members import members
from comptoir.platform.services.calendar import (
    CalendarEventInput,
    CalendarEventPatch,
    create_calendar_event,
    organization_timezone,
    update_calendar_event,
)


def required_text(value, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationFailed(_("%(field)s is required") % {"field": field}, code="required", field=field)
    return text


def clean_email(value, field: str = "email") -> str:
    text = (value or "").strip()
    if text:
        try:
            validate_email(text)
        except DjangoValidationError:
            raise ValidationFailed(_("%(field)s is not an e-mail address") % {"field": field}, code="invalid",
                                   field=field) from None  # fmt: skip
    return text


def save_unique(row, constraints: dict[str, tuple[str, str]], **kwargs) -> None:
    """Save `row`; a unique constraint of `constraints` (name → (field, message)) broken meanwhile by a
    concurrent write is refused on its field as `duplicate`."""
    try:
        with transaction.atomic():
            row.save(**kwargs)
    except IntegrityError as exc:
        name = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", "")
        if name not in constraints:
            raise
        field, message = constraints[name]
        raise ValidationFailed(message, code="duplicate", field=field) from exc


def active_member_users(user_ids) -> list:
    """The ids of `user_ids` that are active members of the organization (calendar attendees must be)."""
    ids = [u for u in user_ids if u]
    if not ids:
        return []
    return [m.user_id for m in members(is_active=True).filter(user_id__in=ids) if m.user.is_active]


def all_day_event(*, actor, title: str, start: datetime.date, end: datetime.date, attendees, related_type: str,
                  related_id, color: str = ""):  # fmt: skip
    """An all-day event of the platform calendar from `start` to `end` (dates, both included), organised by
    `actor`, attended by the active members among `attendees`."""
    tz = organization_timezone()
    return create_calendar_event(
        actor=actor,
        data=CalendarEventInput(
            title=title,
            start_time=datetime.datetime.combine(start, datetime.time(0, 0), tzinfo=tz),
            end_time=datetime.datetime.combine(end, datetime.time(23, 59), tzinfo=tz),
            all_day=True,
            related_type=related_type,
            related_id=related_id,
            attendees=active_member_users(attendees),
            color=color,
        ),
    )


def cancel_event(*, organizer, event_id) -> None:
    """Cancel the calendar event (as its organizer: the platform lets only the organizer change it)."""
    if event_id and organizer is not None:
        update_calendar_event(actor=organizer, event_id=event_id, patch=CalendarEventPatch(status="CANCELLED"))
