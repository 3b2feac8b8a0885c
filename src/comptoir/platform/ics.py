"""Calendar mechanics that know no database: recurrence expansion and an RFC 5545 (iCalendar) writer.

Recurrence is expanded in the organization's timezone, on wall-clock time: a weekly 09:00 meeting stays at 09:00
local time across daylight-saving changes. A monthly series started on the 29th-31st falls on the last day of
shorter months (31 Jan -> 28/29 Feb -> 31 Mar), a yearly one started on 29 Feb falls on 28 Feb in common years.
`until` is the last local date an occurrence may start on (inclusive).

The writer emits UTC date-times (DATE values for all-day events), escapes TEXT values and folds lines at 75
octets. Its RRULEs say the same thing as the expansion above for a UTC organization (BYMONTHDAY=d,-1;BYSETPOS=1
encodes the month-end clamp); for other timezones, calendar clients expand the UTC rule, so an occurrence after
a daylight-saving change can show one hour off there.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

NONE, DAILY, WEEKLY, MONTHLY, YEARLY = "NONE", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"
PRODID = "-//Comptoir//Comptoir ERP//EN"
LINE_OCTETS = 75


@dataclass(frozen=True)
class Series:
    """One event and its recurrence. `start`/`end` are aware; `tz` is the organization's timezone."""

    start: datetime
    end: datetime
    recurrence: str = NONE
    until: date | None = None
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.tz).replace(tzinfo=None)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.tz).replace(tzinfo=None)


def _nth_wall_time(first: datetime, recurrence: str, n: int) -> datetime:
    """The wall-clock start of occurrence `n` (0 = the first) of a series starting at `first`."""
    if recurrence == DAILY:
        return first + timedelta(days=n)
    if recurrence == WEEKLY:
        return first + timedelta(days=7 * n)
    if recurrence == MONTHLY:
        index = first.month - 1 + n
        year, month = first.year + index // 12, index % 12 + 1
        return first.replace(year=year, month=month, day=min(first.day, _calendar.monthrange(year, month)[1]))
    if recurrence == YEARLY:
        year = first.year + n
        return first.replace(year=year, day=min(first.day, _calendar.monthrange(year, first.month)[1]))
    raise ValueError(f"Unknown recurrence {recurrence!r}")


def _first_index(first: datetime, recurrence: str, target: datetime) -> int:
    """An occurrence index at or before the first one starting at `target` (cheap lower bound, never above)."""
    if recurrence == DAILY:
        steps = (target.date() - first.date()).days
    elif recurrence == WEEKLY:
        steps = (target.date() - first.date()).days // 7
    elif recurrence == MONTHLY:
        steps = (target.year - first.year) * 12 + target.month - first.month
    else:
        steps = target.year - first.year
    return max(0, steps - 1)


def occurrences(series: Series, *, ending_from: datetime) -> Iterator[tuple[datetime, datetime]]:
    """(start, end) of every occurrence whose end is at or after `ending_from`, in start order, as aware UTC
    date-times. A series without `until` never ends: the caller stops iterating."""
    if series.recurrence == NONE:
        if series.end >= ending_from:
            yield series.start.astimezone(UTC), series.end.astimezone(UTC)
        return
    tz = series.tz
    first, length = series.local_start, series.local_end - series.local_start
    target = ending_from.astimezone(tz).replace(tzinfo=None) - length - timedelta(days=2)
    n = _first_index(first, series.recurrence, target)
    while True:
        wall = _nth_wall_time(first, series.recurrence, n)
        if series.until is not None and wall.date() > series.until:
            return
        start = wall.replace(tzinfo=tz).astimezone(UTC)
        end = (wall + length).replace(tzinfo=tz).astimezone(UTC)
        if end >= ending_from:
            yield start, end
        n += 1


def occurrences_between(series: Series, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Occurrences overlapping [start, end): begun before `end` and not finished by `start` (an instant event
    at `start` counts)."""
    for occ_start, occ_end in occurrences(series, ending_from=start):
        if occ_start >= end:
            return
        if occ_end > start or occ_start >= start:
            yield occ_start, occ_end


# --- RFC 5545 writer ------------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


@dataclass(frozen=True)
class IcsPerson:
    email: str
    name: str = ""
    partstat: str = ""  # NEEDS-ACTION | ACCEPTED | DECLINED | TENTATIVE; empty for the organizer


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    summary: str
    series: Series
    all_day: bool = False
    description: str = ""
    location: str = ""
    status: str = "CONFIRMED"
    categories: tuple[str, ...] = ()
    organizer: IcsPerson | None = None
    attendees: tuple[IcsPerson, ...] = ()
    alarms_minutes_before: tuple[int, ...] = ()
    created: datetime | None = None
    last_modified: datetime | None = None
    sequence: int = 0


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as \\n, other
    control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def quote_param(value: str) -> str:
    """A parameter value in double quotes (which it may not contain; §3.1)."""
    return '"' + _CONTROL.sub("", value.replace("\n", " ")).replace('"', "") + '"'


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets, never inside a UTF-8 character (§3.1)."""
    if len(line.encode()) <= LINE_OCTETS:
        return line
    parts, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # a continuation line starts with one space
        if size + width > limit:
            parts.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def utc_stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _duration_before(minutes: int) -> str:
    return f"-PT{minutes}M" if minutes else "PT0S"


def rrule(series: Series, *, all_day: bool) -> str:
    """The RRULE value of a recurring series ('' when it does not recur)."""
    if series.recurrence == NONE:
        return ""
    parts = [f"FREQ={series.recurrence}"]
    anchor = series.local_start if all_day else series.start.astimezone(UTC)
    if series.recurrence == MONTHLY and anchor.day > 28:
        parts.append(f"BYMONTHDAY={anchor.day},-1;BYSETPOS=1")
    elif series.recurrence == YEARLY and (anchor.month, anchor.day) == (2, 29):
        parts.append("BYMONTH=2;BYMONTHDAY=29,-1;BYSETPOS=1")
    if series.until is not None:
        if all_day:
            parts.append(f"UNTIL={series.until:%Y%m%d}")
        else:
            last_instant = datetime.combine(series.until + timedelta(days=1), time(), series.tz) - timedelta(seconds=1)
            parts.append(f"UNTIL={utc_stamp(last_instant)}")
    return ";".join(parts)


def _cn(person: IcsPerson) -> str:
    return f";CN={quote_param(person.name)}" if person.name.strip() else ""


def _event_lines(event: IcsEvent, now: datetime) -> list[str]:
    series = event.series
    lines = ["BEGIN:VEVENT", f"UID:{event.uid}", f"DTSTAMP:{utc_stamp(now)}"]
    if event.all_day:
        first, last = series.local_start.date(), series.local_end.date()
        lines += [f"DTSTART;VALUE=DATE:{first:%Y%m%d}", f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}"]
    else:
        lines += [f"DTSTART:{utc_stamp(series.start)}", f"DTEND:{utc_stamp(series.end)}"]
    rule = rrule(series, all_day=event.all_day)
    if rule:
        lines.append(f"RRULE:{rule}")
    lines.append(f"SUMMARY:{escape_text(event.summary)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    lines.append(f"STATUS:{event.status}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(escape_text(c) for c in event.categories))
    if event.created is not None:
        lines.append(f"CREATED:{utc_stamp(event.created)}")
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{utc_stamp(event.last_modified)}")
    lines.append(f"SEQUENCE:{event.sequence}")
    if event.organizer is not None and event.organizer.email:
        lines.append(f"ORGANIZER{_cn(event.organizer)}:mailto:{event.organizer.email}")
    lines += [
        f"ATTENDEE{_cn(person)};ROLE=REQ-PARTICIPANT;PARTSTAT={person.partstat}:mailto:{person.email}"
        for person in event.attendees
        if person.email
    ]
    for minutes in event.alarms_minutes_before:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            f"TRIGGER:{_duration_before(minutes)}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def render_calendar(events: Iterable[IcsEvent], *, now: datetime, name: str = "") -> str:
    """A VCALENDAR object with one VEVENT per event, CRLF line ends, folded lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape_text(name)}")
    for event in events:
        lines += _event_lines(event, now)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
