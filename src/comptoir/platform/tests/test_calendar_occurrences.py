"""Recurring events expanded at query time: the rules (month-end clamp, leap day, wall-clock time across DST,
inclusive end date), an independent oracle (dateutil expanding the RRULE we export), and the occurrences API
(caller's events only, window limits, the 1000 cap, constant query count)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.support.api import member_client
from tests.support.queries import CaptureStatements

from comptoir.platform import ics

EVENTS = "platform/calendar/events"
OCCURRENCES = "platform/calendar/occurrences"
PARIS = ZoneInfo("Europe/Paris")


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _starts(series, start, end) -> list[datetime]:
    return [s for s, _e in ics.occurrences_between(series, start, end)]


def test_daily_and_weekly_stop_after_the_inclusive_end_date():
    daily = ics.Series(_utc(2026, 3, 2, 9), _utc(2026, 3, 2, 10), "DAILY", date(2026, 3, 4))
    assert _starts(daily, _utc(2026, 1, 1), _utc(2027, 1, 1)) == [
        _utc(2026, 3, 2, 9),
        _utc(2026, 3, 3, 9),
        _utc(2026, 3, 4, 9),
    ]
    weekly = ics.Series(_utc(2026, 3, 2, 9), _utc(2026, 3, 2, 10), "WEEKLY", date(2026, 3, 23))
    assert _starts(weekly, _utc(2026, 3, 10), _utc(2027, 1, 1)) == [
        _utc(2026, 3, 16, 9),
        _utc(2026, 3, 23, 9),
    ]


def test_monthly_on_the_31st_falls_on_the_last_day_of_shorter_months():
    series = ics.Series(_utc(2026, 1, 31, 8), _utc(2026, 1, 31, 9), "MONTHLY")
    assert [s.date() for s in _starts(series, _utc(2026, 1, 1), _utc(2026, 6, 1))] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    leap = ics.Series(_utc(2028, 1, 31, 8), _utc(2028, 1, 31, 9), "MONTHLY")
    assert _starts(leap, _utc(2028, 2, 1), _utc(2028, 3, 1)) == [_utc(2028, 2, 29, 8)]


def test_yearly_on_the_29th_of_february_falls_on_the_28th_in_common_years():
    series = ics.Series(_utc(2028, 2, 29, 12), _utc(2028, 2, 29, 13), "YEARLY")
    assert [s.date() for s in _starts(series, _utc(2028, 1, 1), _utc(2033, 1, 1))] == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_occurrences_keep_their_wall_clock_time_across_daylight_saving():
    # 09:00-10:00 in Paris: 08:00Z in winter (CET), 07:00Z after the switch on 29 March 2026 (CEST).
    series = ics.Series(_utc(2026, 3, 23, 8), _utc(2026, 3, 23, 9), "WEEKLY", tz=PARIS)
    got = list(ics.occurrences_between(series, _utc(2026, 3, 20), _utc(2026, 4, 7)))
    assert got == [
        (_utc(2026, 3, 23, 8), _utc(2026, 3, 23, 9)),
        (_utc(2026, 3, 30, 7), _utc(2026, 3, 30, 8)),
        (_utc(2026, 4, 6, 7), _utc(2026, 4, 6, 8)),
    ]


def test_window_edges_and_long_running_occurrences():
    three_days = ics.Series(_utc(2026, 1, 1), _utc(2026, 1, 4), "WEEKLY")
    # the occurrence of 8-11 Jan is under way at the start of the window
    assert _starts(three_days, _utc(2026, 1, 10), _utc(2026, 1, 16)) == [_utc(2026, 1, 8), _utc(2026, 1, 15)]
    # an occurrence that ends exactly when the window starts is not in it; the window end is exclusive
    assert _starts(three_days, _utc(2026, 1, 11), _utc(2026, 1, 15)) == []
    instant = ics.Series(_utc(2026, 1, 5, 12), _utc(2026, 1, 5, 12))
    assert _starts(instant, _utc(2026, 1, 5, 12), _utc(2026, 1, 6)) == [_utc(2026, 1, 5, 12)]
    assert _starts(instant, _utc(2026, 1, 5), _utc(2026, 1, 5, 12)) == []


def test_a_series_started_long_ago_is_expanded_from_the_window_not_from_its_start():
    series = ics.Series(_utc(2000, 1, 1, 6), _utc(2000, 1, 1, 7), "DAILY")
    generator = ics.occurrences(series, ending_from=_utc(2026, 5, 10))
    assert next(generator) == (_utc(2026, 5, 10, 6), _utc(2026, 5, 10, 7))


def _rrule_starts(series: ics.Series, start: datetime, end: datetime) -> list[datetime]:
    rule = ics.rrule(series, all_day=False)
    text = f"DTSTART:{ics.utc_stamp(series.start)}\nRRULE:{rule}" if rule else f"DTSTART:{ics.utc_stamp(series.start)}"
    return [s for s in rrulestr(text).between(start, end, inc=True) if s < end]


@settings(max_examples=150, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=UTC)
    ),
    recurrence=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
    until_days=st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
    offset_days=st.integers(min_value=-30, max_value=2000),
)
def test_our_expansion_matches_an_independent_rrule_engine_on_the_rule_we_export(
    start, recurrence, until_days, offset_days
):
    until = start.date() + timedelta(days=until_days) if until_days is not None else None
    series = ics.Series(start, start + timedelta(minutes=30), recurrence, until)
    window_start = start + timedelta(days=offset_days)
    window_end = window_start + timedelta(days=366)
    ours = _starts(series, window_start, window_end)
    theirs = [s for s in _rrule_starts(series, window_start - timedelta(minutes=30), window_end)]
    theirs = [s for s in theirs if s + timedelta(minutes=30) > window_start]
    assert ours == theirs


# --- the API ---------------------------------------------------------------------------------------------------


def _create(api, **kw) -> dict:
    body = {"title": "Standup", "start_time": "2026-03-02T09:00:00Z", "end_time": "2026-03-02T09:15:00Z", **kw}
    response = api.post(EVENTS, body)
    assert response.status_code == 201, response.content
    return response.json()


def _window(api, start="2026-03-01T00:00:00Z", end="2026-04-01T00:00:00Z", **query):
    return api.get(OCCURRENCES, start=start, end=end, **query)


def test_occurrences_of_the_callers_events_in_start_order(tenant):
    attendee, attendee_api = member_client(tenant)
    _outsider, outsider_api = member_client(tenant, org_role="ADMIN")
    daily = _create(tenant.api, recurrence="DAILY", recurrence_end="2026-03-04", attendees=[str(attendee.pk)])
    _create(tenant.api, title="Review", start_time="2026-03-03T08:00:00Z", end_time="2026-03-03T08:30:00Z")
    monthly = _create(
        tenant.api,
        title="Close",
        start_time="2026-01-31T16:00:00Z",
        end_time="2026-01-31T17:00:00Z",
        recurrence="MONTHLY",
    )
    cancelled = _create(tenant.api, title="Dropped", start_time="2026-03-05T09:00:00Z", end_time="2026-03-05T10:00:00Z")
    tenant.api.patch(f"{EVENTS}/{cancelled['id']}", {"status": "CANCELLED"})
    attendee_api.post(f"{EVENTS}/{daily['id']}/respond", {"response": "TENTATIVE"})

    response = _window(tenant.api)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["truncated"] is False
    assert [(o["title"], o["start_time"]) for o in body["items"]] == [
        ("Standup", "2026-03-02T09:00:00Z"),
        ("Review", "2026-03-03T08:00:00Z"),
        ("Standup", "2026-03-03T09:00:00Z"),
        ("Standup", "2026-03-04T09:00:00Z"),
        ("Close", "2026-03-31T16:00:00Z"),
    ]
    assert body["items"][-1]["event_id"] == monthly["id"] and body["items"][-1]["is_organizer"] is True
    with_cancelled = _window(tenant.api, include_cancelled="true").json()["items"]
    assert [o["status"] for o in with_cancelled if o["title"] == "Dropped"] == ["CANCELLED"]
    feb = _window(tenant.api, start="2026-02-01T00:00:00Z", end="2026-03-01T00:00:00Z").json()["items"]
    assert [o["start_time"] for o in feb] == ["2026-02-28T16:00:00Z"]

    mine = _window(attendee_api).json()["items"]
    assert [(o["start_time"], o["is_organizer"], o["response"]) for o in mine] == [
        ("2026-03-02T09:00:00Z", False, "TENTATIVE"),
        ("2026-03-03T09:00:00Z", False, "TENTATIVE"),
        ("2026-03-04T09:00:00Z", False, "TENTATIVE"),
    ]
    assert _window(outsider_api).json()["items"] == []


def test_occurrences_follow_the_organization_timezone(tenant):
    tenant.api.patch("platform/organization", {"timezone": "Europe/Paris"})
    _create(tenant.api, start_time="2026-03-23T08:00:00Z", end_time="2026-03-23T09:00:00Z", recurrence="WEEKLY")
    items = _window(tenant.api, start="2026-03-20T00:00:00Z", end="2026-04-07T00:00:00Z").json()["items"]
    assert [o["start_time"] for o in items] == ["2026-03-23T08:00:00Z", "2026-03-30T07:00:00Z", "2026-04-06T07:00:00Z"]


def test_window_refusals(tenant):
    cases = [
        ({"start": "2026-03-02T00:00:00Z", "end": "2026-03-02T00:00:00Z"}, "end", "end_before_start"),
        ({"start": "2026-03-02T00:00:00Z", "end": "2027-03-04T00:00:00Z"}, "end", "window_too_long"),
        ({"start": "2026-03-02T00:00:00", "end": "2026-03-03T00:00:00Z"}, "start", "naive_datetime"),
    ]
    for query, field, code in cases:
        response = tenant.api.get(OCCURRENCES, **query)
        assert response.status_code == 422, response.content
        assert response.json()["code"] == code and response.json()["errors"][0]["field"] == field
    response = tenant.api.get(OCCURRENCES, start="2026-03-02T00:00:00Z")
    assert response.status_code == 422 and response.json()["errors"][0] == {
        "field": "end",
        "code": "missing",
        "message": "Field required",
    }
    assert _window(tenant.api, start="2026-01-01T00:00:00Z", end="2027-01-02T00:00:00Z").status_code == 200


def test_at_most_1000_occurrences_are_returned_and_the_cut_is_flagged(tenant):
    for hour in (6, 7, 8):
        _create(
            tenant.api,
            title=f"At {hour}",
            start_time=f"2026-01-01T0{hour}:00:00Z",
            end_time=f"2026-01-01T0{hour}:30:00Z",
            recurrence="DAILY",
        )
    body = _window(tenant.api, start="2026-01-01T00:00:00Z", end="2027-01-01T00:00:00Z").json()
    assert body["truncated"] is True and len(body["items"]) == 1000
    starts = [o["start_time"] for o in body["items"]]
    assert starts == sorted(starts) and starts[:3] == [
        "2026-01-01T06:00:00Z",
        "2026-01-01T07:00:00Z",
        "2026-01-01T08:00:00Z",
    ]
    day_334 = date(2026, 1, 1) + timedelta(days=333)  # 333 full days of 3, then the first of the next day
    assert starts[-1] == f"{day_334.isoformat()}T06:00:00Z"
    short = _window(tenant.api, start="2026-01-01T00:00:00Z", end="2026-01-02T00:00:00Z").json()
    assert short["truncated"] is False and len(short["items"]) == 3


def test_occurrences_query_count_does_not_grow_with_the_number_of_events(tenant):
    attendee, _api = member_client(tenant)
    counts = []
    for batch in (2, 10):
        for i in range(batch):
            _create(tenant.api, title=f"E{batch}-{i}", recurrence="WEEKLY", attendees=[str(attendee.pk)])
        with CaptureStatements(connection) as ctx:
            response = _window(tenant.api)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(response.json()["items"]) == 12 * 5
    assert counts[0] == counts[1]
