"""iCalendar export (RFC 5545), checked by parsing the output ourselves: CRLF lines of at most 75 octets, folding
that never splits a character, TEXT escaping, UTC and DATE values, RRULE, ATTENDEE/PARTSTAT, VALARM."""

import re

from django.db import connection
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.platform import ics

EVENTS = "platform/calendar/events"
ICS = "platform/calendar/ics"


def _create(api, **kw) -> dict:
    body = {"title": "Standup", "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T09:30:00Z", **kw}
    response = api.post(EVENTS, body)
    assert response.status_code == 201, response.content
    return response.json()


def _physical_lines(data: bytes) -> list[bytes]:
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
        line.decode()  # folding never splits a UTF-8 character
    return lines


def _unfold(data: bytes) -> list[str]:
    lines: list[str] = []
    for line in _physical_lines(data):
        text = line.decode()
        if text.startswith(" "):
            lines[-1] += text[1:]
        else:
            lines.append(text)
    return lines


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    return re.findall(rf'(?:[^{sep}"]|"[^"]*")+', text)


def _property(line: str) -> tuple[str, dict, str]:
    match = re.match(r'^((?:[^:"]|"[^"]*")*):(.*)$', line)
    assert match, line
    head, value = match.groups()
    name, *params = _split_outside_quotes(head, ";")
    return name, dict(p.split("=", 1) for p in params), value


def _parse(data: bytes) -> dict:
    """{'props': {...}, 'children': [...]} for the VCALENDAR; a property maps to a list of (params, value)."""
    stack = [{"name": "ROOT", "props": {}, "children": []}]
    for line in _unfold(data):
        name, params, value = _property(line)
        if name == "BEGIN":
            node = {"name": value, "props": {}, "children": []}
            stack[-1]["children"].append(node)
            stack.append(node)
        elif name == "END":
            assert stack.pop()["name"] == value
        else:
            stack[-1]["props"].setdefault(name, []).append((params, value))
    assert len(stack) == 1
    (calendar,) = stack[0]["children"]
    assert calendar["name"] == "VCALENDAR"
    return calendar


def _unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def _one(node, name) -> str:
    (params_value,) = node["props"][name]
    return params_value[1]


def _export(api) -> dict:
    response = api.get(ICS)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="comptoir.ics"'
    return _parse(response.content)


def test_a_recurring_meeting_with_attendees_and_alarms(tenant):
    accepted, accepted_api = member_client(tenant)
    pending, _api = member_client(tenant)
    description = "Agenda: budget, hiring; notes\nline two \\ done"
    event = _create(
        tenant.api,
        description=description,
        location="Room 1, 2nd floor",
        type="MEETING",
        recurrence="WEEKLY",
        recurrence_end="2026-03-30",
        reminders=[{"minutes_before": 15}, {"minutes_before": 1440, "channel": "EMAIL"}],
        attendees=[str(accepted.pk), str(pending.pk)],
    )
    accepted_api.post(f"{EVENTS}/{event['id']}/respond", {"response": "ACCEPTED"})
    calendar = _export(tenant.api)
    assert _one(calendar, "VERSION") == "2.0"
    assert _one(calendar, "PRODID") == "-//Comptoir//Comptoir ERP//EN"
    (vevent,) = calendar["children"]
    assert vevent["name"] == "VEVENT"
    assert _one(vevent, "UID") == f"{event['id']}@comptoir"
    assert re.fullmatch(r"\d{8}T\d{6}Z", _one(vevent, "DTSTAMP"))
    assert _one(vevent, "DTSTART") == "20260302T090000Z"
    assert _one(vevent, "DTEND") == "20260302T093000Z"
    assert _one(vevent, "RRULE") == "FREQ=WEEKLY;UNTIL=20260330T235959Z"
    assert _one(vevent, "SUMMARY") == "Standup"
    assert _one(vevent, "DESCRIPTION") == "Agenda: budget\\, hiring\\; notes\\nline two \\\\ done"
    assert _unescape(_one(vevent, "DESCRIPTION")) == description
    assert _unescape(_one(vevent, "LOCATION")) == "Room 1, 2nd floor"
    assert _one(vevent, "STATUS") == "CONFIRMED"
    assert _one(vevent, "CATEGORIES") == "MEETING"
    organizer_params, organizer = vevent["props"]["ORGANIZER"][0]
    assert (organizer_params, organizer) == ({"CN": '"Olive Owner"'}, f"mailto:{tenant.owner.email}")
    attendees = {value: params["PARTSTAT"] for params, value in vevent["props"]["ATTENDEE"]}
    assert attendees == {f"mailto:{accepted.email}": "ACCEPTED", f"mailto:{pending.email}": "NEEDS-ACTION"}
    alarms = [(_one(a, "ACTION"), _one(a, "TRIGGER")) for a in vevent["children"]]
    assert alarms == [("DISPLAY", "-PT1440M"), ("DISPLAY", "-PT15M")]
    assert all(a["name"] == "VALARM" for a in vevent["children"])


def test_all_day_events_use_dates_in_the_organization_timezone(tenant):
    tenant.api.patch("platform/organization", {"timezone": "Europe/Paris"})
    _create(
        tenant.api,
        title="Offsite",
        all_day=True,
        start_time="2026-03-01T23:00:00Z",  # 2 March 00:00 in Paris
        end_time="2026-03-03T22:59:00Z",  # 3 March 23:59 in Paris
        recurrence="YEARLY",
        recurrence_end="2030-03-02",
    )
    (vevent,) = _export(tenant.api)["children"]
    assert vevent["props"]["DTSTART"] == [({"VALUE": "DATE"}, "20260302")]
    assert vevent["props"]["DTEND"] == [({"VALUE": "DATE"}, "20260304")]
    assert _one(vevent, "RRULE") == "FREQ=YEARLY;UNTIL=20300302"


def test_until_is_the_end_of_the_last_local_day_in_utc(tenant):
    tenant.api.patch("platform/organization", {"timezone": "Europe/Paris"})
    _create(tenant.api, recurrence="DAILY", recurrence_end="2026-03-30")
    (vevent,) = _export(tenant.api)["children"]
    assert _one(vevent, "RRULE") == "FREQ=DAILY;UNTIL=20260330T215959Z"  # 23:59:59 CEST


def test_month_end_series_and_cancelled_events(tenant):
    event = _create(
        tenant.api,
        title="Close",
        start_time="2026-01-31T16:00:00Z",
        end_time="2026-01-31T17:00:00Z",
        recurrence="MONTHLY",
    )
    tenant.api.patch(f"{EVENTS}/{event['id']}", {"status": "CANCELLED"})
    (vevent,) = _export(tenant.api)["children"]
    assert _one(vevent, "RRULE") == "FREQ=MONTHLY;BYMONTHDAY=31,-1;BYSETPOS=1"
    assert _one(vevent, "STATUS") == "CANCELLED"
    assert _one(vevent, "SEQUENCE") == "1"


def test_long_values_are_folded_at_75_octets_without_splitting_characters(tenant):
    title = "Revue trimestrielle été 😀 € — " * 8 + "fin"
    _create(tenant.api, title=title, description="x" * 300)
    response = tenant.api.get(ICS)
    assert any(line.startswith(b" ") for line in _physical_lines(response.content))
    (vevent,) = _parse(response.content)["children"]
    assert _one(vevent, "SUMMARY") == title
    assert _one(vevent, "DESCRIPTION") == "x" * 300


def test_text_escaping_and_folding_rules():
    assert ics.escape_text("a,b;c\\d\r\ne\nf\rg\x07") == "a\\,b\\;c\\\\d\\ne\\nf\\ng"
    line = "DESCRIPTION:" + "é" * 100
    folded = ics.fold(line).encode().split(b"\r\n")
    assert [len(part) for part in folded] == [74, 75, 65]  # 12 + 31 é; space + 37 é; space + 32 é
    assert all(part.startswith(b" ") for part in folded[1:])
    assert b"".join(part[1:] if i else part for i, part in enumerate(folded)).decode() == line
    assert ics.fold("SHORT:x") == "SHORT:x"
    assert ics.quote_param('Ann "The Boss"') == '"Ann The Boss"'


def test_the_export_holds_only_the_callers_events(tenant):
    attendee, attendee_api = member_client(tenant)
    _outsider, outsider_api = member_client(tenant, org_role="ADMIN")
    shared = _create(tenant.api, title="Shared", attendees=[str(attendee.pk)])
    _create(tenant.api, title="Private")
    deleted = _create(tenant.api, title="Deleted")
    tenant.api.delete(f"{EVENTS}/{deleted['id']}")
    assert [_one(e, "SUMMARY") for e in _export(tenant.api)["children"]] == ["Shared", "Private"]
    assert [_one(e, "UID") for e in _export(attendee_api)["children"]] == [f"{shared['id']}@comptoir"]
    assert _export(outsider_api)["children"] == []


def test_export_query_count_does_not_grow_with_the_number_of_events(tenant):
    a, _api = member_client(tenant)
    b, _api = member_client(tenant)
    counts = []
    for batch in (2, 8):
        for i in range(batch):
            _create(tenant.api, title=f"E{i}", attendees=[str(a.pk), str(b.pk)], reminders=[{"minutes_before": 5}])
        with CaptureStatements(connection) as ctx:
            response = tenant.api.get(ICS)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert response.content.count(b"BEGIN:VEVENT") == 10
    assert counts[0] == counts[1]
