"""When groups meet: recurrence in the hub's local time (unit tests), and schedules, occurrences, the next
session, the iCalendar feed and the directory's filters over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import icalendar
import pytest
import recurring_ical_events
from sqlalchemy import update

from rooms import recurrence
from rooms.models import Group
from rooms.recurrence import Change, Rule
from tests.conftest import Api, RunningServer

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def weekly(weekday: int, hour: int, minute: int = 0, **kwargs: Any) -> Rule:
    return Rule(
        schedule_id=kwargs.pop("schedule_id", 1),
        kind="weekly",
        weekday=weekday,
        local_time=dt.time(hour, minute),
        duration=dt.timedelta(minutes=90),
        starts_on=kwargs.pop("starts_on", dt.date(2026, 1, 1)),
        ends_on=kwargs.pop("ends_on", None),
    )


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# Unit tests: pure recurrence, no database.

# Thursdays either side of the 2026 and 2027 clock changes in London (last Sundays of March and October).
THURSDAYS_AROUND_CHANGES = [
    (dt.date(2026, 3, 26), at(2026, 3, 26, 19)),  # GMT
    (dt.date(2026, 4, 2), at(2026, 4, 2, 18)),  # BST
    (dt.date(2026, 10, 22), at(2026, 10, 22, 18)),  # BST
    (dt.date(2026, 10, 29), at(2026, 10, 29, 19)),  # GMT
    (dt.date(2027, 3, 25), at(2027, 3, 25, 19)),
    (dt.date(2027, 4, 1), at(2027, 4, 1, 18)),
    (dt.date(2027, 10, 28), at(2027, 10, 28, 18)),
    (dt.date(2027, 11, 4), at(2027, 11, 4, 19)),
]


def test_a_weekly_session_keeps_its_local_time_across_clock_changes() -> None:
    found = recurrence.occurrences([weekly(3, 19)], {}, LONDON, at(2026, 3, 1), at(2027, 2, 28))
    assert len(found) == 52 and all(o.starts_at.astimezone(LONDON).time() == dt.time(19) for o in found)
    assert {o.date.weekday() for o in found} == {3}
    later = recurrence.occurrences([weekly(3, 19)], {}, LONDON, at(2027, 3, 1), at(2027, 12, 1))
    starts = {o.date: o.starts_at for o in [*found, *later]}
    for day, expected in THURSDAYS_AROUND_CHANGES:
        assert starts[day] == expected, day
        assert starts[day] + dt.timedelta(minutes=90) == next(o for o in [*found, *later] if o.date == day).ends_at


def test_a_time_in_the_spring_gap_is_shifted_forward_and_a_repeated_one_is_the_first() -> None:
    # 01:30 does not exist in London on 29 March 2026: it happens at 02:30 BST (01:30Z).
    assert recurrence.to_utc(dt.date(2026, 3, 29), dt.time(1, 30), LONDON) == at(2026, 3, 29, 1, 30)
    assert at(2026, 3, 29, 1, 30).astimezone(LONDON).time() == dt.time(2, 30)
    # 01:30 happens twice on 25 October 2026: the first (BST, 00:30Z) is taken.
    assert recurrence.to_utc(dt.date(2026, 10, 25), dt.time(1, 30), LONDON) == at(2026, 10, 25, 0, 30)
    sundays = recurrence.occurrences([weekly(6, 1, 30)], {}, LONDON, at(2026, 3, 21), at(2026, 4, 6))
    assert [o.starts_at for o in sundays] == [at(2026, 3, 22, 1, 30), at(2026, 3, 29, 1, 30), at(2026, 4, 5, 0, 30)]
    assert [o.starts_at.astimezone(LONDON).time() for o in sundays] == [dt.time(1, 30), dt.time(2, 30), dt.time(1, 30)]


def test_another_zone_changes_its_clocks_on_its_own_dates() -> None:
    new_york = ZoneInfo("America/New_York")  # 8 March and 1 November 2026
    found = recurrence.occurrences([weekly(3, 19)], {}, new_york, at(2026, 3, 1), at(2026, 3, 14))
    assert [o.starts_at for o in found] == [at(2026, 3, 6, 0), at(2026, 3, 12, 23)]


def test_cancelled_and_moved_occurrences() -> None:
    rule = weekly(3, 19)
    changes = {
        1: {
            dt.date(2026, 12, 3): Change(dt.date(2026, 12, 3), "cancel"),
            dt.date(2026, 12, 10): Change(dt.date(2026, 12, 10), "move", at(2026, 12, 9, 10)),
            dt.date(2026, 11, 26): Change(dt.date(2026, 11, 26), "move", at(2026, 12, 20, 10)),  # moved in
        }
    }
    found = recurrence.occurrences([rule], changes, LONDON, at(2026, 12, 1), at(2026, 12, 22))
    assert [(o.date, o.starts_at, o.status) for o in found] == [
        (dt.date(2026, 12, 3), at(2026, 12, 3, 19), "cancelled"),
        (dt.date(2026, 12, 10), at(2026, 12, 9, 10), "moved"),
        (dt.date(2026, 12, 17), at(2026, 12, 17, 19), "scheduled"),
        (dt.date(2026, 11, 26), at(2026, 12, 20, 10), "moved"),
    ]
    after = at(2026, 12, 1)
    assert recurrence.next_occurrence(rule, changes[1], LONDON, after).starts_at == at(2026, 12, 9, 10)  # type: ignore[union-attr]
    del changes[1][dt.date(2026, 12, 10)]
    assert recurrence.next_occurrence(rule, changes[1], LONDON, after).starts_at == at(2026, 12, 10, 19)  # type: ignore[union-attr]


def test_a_change_on_a_day_the_schedule_does_not_meet_is_ignored() -> None:
    changes = {1: {dt.date(2026, 12, 2): Change(dt.date(2026, 12, 2), "move", at(2026, 12, 5, 10))}}
    found = recurrence.occurrences([weekly(3, 19)], changes, LONDON, at(2026, 12, 1), at(2026, 12, 8))
    assert [(o.date, o.status) for o in found] == [(dt.date(2026, 12, 3), "scheduled")]


def test_bounds_of_a_schedule() -> None:
    rule = weekly(3, 19, starts_on=dt.date(2026, 12, 4), ends_on=dt.date(2026, 12, 24))
    assert list(recurrence.dates_between(rule, dt.date(2026, 1, 1), dt.date(2027, 1, 1))) == [
        dt.date(2026, 12, 10),
        dt.date(2026, 12, 17),
        dt.date(2026, 12, 24),
    ]
    assert recurrence.first_date(rule) == dt.date(2026, 12, 10)
    assert recurrence.first_date(weekly(3, 19, starts_on=dt.date(2026, 12, 4), ends_on=dt.date(2026, 12, 9))) is None
    assert recurrence.next_occurrence(rule, {}, LONDON, at(2026, 12, 24, 20)) is None
    far = weekly(0, 9, starts_on=dt.date(2031, 6, 1))
    assert recurrence.next_occurrence(far, {}, LONDON, at(2026, 12, 1)).starts_at == at(2031, 6, 2, 8)  # type: ignore[union-attr]
    once = Rule(2, "once", None, dt.time(10), dt.timedelta(minutes=60), dt.date(2026, 12, 5))
    assert recurrence.is_occurrence(once, dt.date(2026, 12, 5)) and not recurrence.is_occurrence(
        once, dt.date(2026, 12, 12)
    )
    assert recurrence.next_occurrence(once, {}, LONDON, at(2026, 12, 1)).ends_at == at(2026, 12, 5, 11)  # type: ignore[union-attr]
    cancelled = {dt.date(2026, 12, 5): Change(dt.date(2026, 12, 5), "cancel")}
    assert recurrence.next_occurrence(once, cancelled, LONDON, at(2026, 12, 1)) is None
    assert recurrence.upcoming_slots(once, cancelled, LONDON, at(2026, 12, 1)) == set()
    assert recurrence.upcoming_slots(once, {}, LONDON, at(2026, 12, 1)) == {(5, dt.time(10))}


def test_time_ranges_include_both_ends_and_may_wrap_past_midnight() -> None:
    in_range = recurrence.in_time_range
    assert in_range(dt.time(19), dt.time(18), dt.time(19)) and not in_range(dt.time(19, 1), dt.time(18), dt.time(19))
    assert in_range(dt.time(23), dt.time(22), dt.time(2)) and in_range(dt.time(1), dt.time(22), dt.time(2))
    assert not in_range(dt.time(12), dt.time(22), dt.time(2))
    assert in_range(dt.time(8), None, dt.time(9)) and not in_range(dt.time(8), dt.time(9), None)


def test_an_unknown_zone_falls_back_to_utc() -> None:
    assert recurrence.zone_of("Not/AZone").key == "UTC" and recurrence.zone_of("../etc").key == "UTC"


# Over HTTP.

WEEKLY = {"kind": "weekly", "weekday": 3, "local_time": "19:00", "starts_on": "2026-01-01"}


async def set_group(server: RunningServer, group_id: int, **values: Any) -> None:
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(Group).where(Group.id == group_id).values(**values))


async def add_schedule(api: Api, body: dict[str, Any], group_id: int = 1) -> dict[str, Any]:
    status, data = await api.call("POST", f"/api/groups/{group_id}/schedules", body)
    assert status == 201, data
    schedule: dict[str, Any] = data["schedule"]
    return schedule


def soon_weekday(days_ahead: int = 3) -> tuple[int, dt.date]:
    """A weekday a few days ahead in London (far from now, so the test cannot straddle a start)."""
    day = dt.datetime.now(UTC).astimezone(LONDON).date() + dt.timedelta(days=days_ahead)
    return day.weekday(), day


async def test_admin_adds_lists_and_deletes_schedules(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    weekly_one = await add_schedule(admin, {**WEEKLY, "ends_on": "2027-06-30", "duration_minutes": 60})
    assert weekly_one == {
        "id": weekly_one["id"],
        "group_id": 1,
        "kind": "weekly",
        "weekday": 3,
        "local_time": "19:00",
        "duration_minutes": 60,
        "starts_on": "2026-01-01",
        "ends_on": "2027-06-30",
        "time_zone": "Europe/London",
    }
    once = await add_schedule(admin, {"kind": "once", "local_time": "10:15", "starts_on": "2027-01-09"})
    assert (once["weekday"], once["duration_minutes"], once["ends_on"]) == (None, 90, None)
    status, data = await river.call("GET", "/api/groups/1/schedules")
    assert status == 200
    ids = [s["id"] for s in data["schedules"]]
    assert ids[-2:] == [weekly_one["id"], once["id"]] and len(ids) == 3, "the demo's, then these two"
    assert (await admin.call("DELETE", f"/api/groups/1/schedules/{once['id']}"))[0] == 204
    status, data = await admin.call("DELETE", f"/api/groups/1/schedules/{once['id']}")
    assert (status, data["error"]["code"]) == (404, "no_such_schedule")
    status, data = await admin.call("DELETE", f"/api/groups/2/schedules/{weekly_one['id']}")
    assert (status, data["error"]["code"]) == (404, "no_such_schedule"), "a schedule of another group"
    status, data = await river.call("GET", "/api/groups/1/schedules")
    assert [s["id"] for s in data["schedules"]][-1] == weekly_one["id"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({**WEEKLY, "weekday": None}, "invalid_schedule"),
        ({"kind": "weekly", "local_time": "19:00", "starts_on": "2026-01-01"}, "invalid_schedule"),
        ({"kind": "once", "weekday": 2, "local_time": "19:00", "starts_on": "2026-01-01"}, "invalid_schedule"),
        (
            {"kind": "once", "ends_on": "2026-02-01", "local_time": "19:00", "starts_on": "2026-01-01"},
            "invalid_schedule",
        ),
        ({**WEEKLY, "ends_on": "2025-12-31"}, "invalid_schedule"),
        ({**WEEKLY, "starts_on": "2026-12-04", "ends_on": "2026-12-09"}, "invalid_schedule"),  # never meets
        ({**WEEKLY, "starts_on": "1999-12-31"}, "invalid_schedule"),
        ({**WEEKLY, "weekday": 7}, "invalid_payload"),
        ({**WEEKLY, "local_time": "24:00"}, "invalid_payload"),
        ({**WEEKLY, "local_time": "7pm"}, "invalid_payload"),
        ({**WEEKLY, "duration_minutes": 14}, "invalid_payload"),
        ({**WEEKLY, "duration_minutes": 481}, "invalid_payload"),
        ({**WEEKLY, "starts_on": "2026-02-30"}, "invalid_payload"),
        ({**WEEKLY, "kind": "daily"}, "invalid_payload"),
        ({**WEEKLY, "colour": "blue"}, "invalid_payload"),
    ],
)
async def test_a_schedule_that_makes_no_sense_is_refused(api_factory: Any, body: dict[str, Any], code: str) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("POST", "/api/groups/1/schedules", body)
    assert (status, data["error"]["code"]) == (400, code), data
    status, data = await admin.call("GET", "/api/groups/1/schedules")
    assert len(data["schedules"]) == 1, "only the demo's"


SIGNED_IN_ROUTES = [
    ("POST", "/api/groups/1/schedules", WEEKLY),
    ("GET", "/api/groups/1/schedules", None),
    ("DELETE", "/api/groups/1/schedules/1", None),
    ("POST", "/api/groups/1/schedules/1/occurrences/2026-12-03/cancel", None),
    ("POST", "/api/groups/1/schedules/1/occurrences/2026-12-03/move", {"starts_at": "2999-01-01T10:00:00Z"}),
    ("DELETE", "/api/groups/1/schedules/1/occurrences/2026-12-03", None),
    ("GET", "/api/groups/1/occurrences", None),
]


@pytest.mark.parametrize(("method", "path", "body"), SIGNED_IN_ROUTES)
async def test_schedules_need_sign_in(api_factory: Any, method: str, path: str, body: Any) -> None:
    api: Api = await api_factory()
    status, data = await api.call(method, path, body)
    assert (status, data["error"]["code"]) == (401, "not_authenticated")


@pytest.mark.parametrize("who", ["River", "Sam"])
@pytest.mark.parametrize(("method", "path", "body"), [r for r in SIGNED_IN_ROUTES if r[0] != "GET"])
async def test_only_hub_admins_change_schedules(api_factory: Any, who: str, method: str, path: str, body: Any) -> None:
    api: Api = await api_factory(who)
    status, data = await api.call(method, path, body)
    assert (status, data["error"]["code"]) == (403, "forbidden"), data


async def test_unlisted_groups_schedules_are_unknown_to_strangers(api_factory: Any, server: RunningServer) -> None:
    await set_group(server, 2, visibility="unlisted")
    willow, river, admin = await api_factory("Willow"), await api_factory("River"), await api_factory("hub-admin")
    for path in ("/api/groups/2/schedules", "/api/groups/2/occurrences"):
        status, data = await willow.call("GET", path)
        assert (status, data["error"]["code"]) == (404, "not_found"), path
        assert (await river.call("GET", path))[0] == 200, "a member sees them"
        assert (await admin.call("GET", path))[0] == 200, "so does the hub's staff"
    status, data = await willow.call("POST", "/api/groups/2/schedules", WEEKLY)
    assert (status, data["error"]["code"]) == (404, "not_found"), "not 403: that would say the group exists"


async def test_an_archived_groups_schedule_cannot_change(api_factory: Any, server: RunningServer) -> None:
    admin = await api_factory("hub-admin")
    await set_group(server, 2, archived_at=dt.datetime.now(UTC))
    status, data = await admin.call("POST", "/api/groups/2/schedules", WEEKLY)
    assert (status, data["error"]["code"]) == (409, "group_archived")
    status, data = await admin.call("POST", "/api/groups/2/schedules/2/occurrences/2026-12-01/cancel")
    assert (status, data["error"]["code"]) == (409, "group_archived")


async def test_at_most_twenty_schedules_and_five_hundred_occurrences(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    for n in range(19):
        await add_schedule(admin, {**WEEKLY, "weekday": n % 7, "local_time": f"{n:02d}:00"})
    status, data = await admin.call("POST", "/api/groups/1/schedules", WEEKLY)
    assert (status, data["error"]["code"]) == (409, "too_many_schedules")
    window = "from=2027-01-01T00:00:00Z&to=2028-01-01T00:00:00Z"
    status, data = await admin.call("GET", f"/api/groups/1/occurrences?{window}")
    assert status == 200 and data["truncated"] is True and len(data["occurrences"]) == 500
    starts = [o["starts_at"] for o in data["occurrences"]]
    assert starts == sorted(starts)


async def test_cancel_move_and_restore_occurrences(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    schedule = await add_schedule(admin, {**WEEKLY, "starts_on": "2030-01-01"})
    base = f"/api/groups/1/schedules/{schedule['id']}/occurrences"
    status, data = await admin.call("POST", f"{base}/2030-01-03/cancel")
    assert status == 200 and data["occurrence"] == {
        "schedule_id": schedule["id"],
        "session_id": None,
        "date": "2030-01-03",
        "starts_at": "2030-01-03T19:00:00Z",
        "ends_at": "2030-01-03T20:30:00Z",
        "status": "cancelled",
    }
    status, data = await admin.call("POST", f"{base}/2030-07-04/move", {"starts_at": "2030-07-05T20:00:00+02:00"})
    assert status == 200 and data["occurrence"]["status"] == "moved"
    assert (data["occurrence"]["starts_at"], data["occurrence"]["date"]) == ("2030-07-05T18:00:00Z", "2030-07-04")
    assert (await admin.call("POST", f"{base}/2030-01-10/cancel"))[0] == 200
    status, data = await admin.call("DELETE", f"{base}/2030-01-10")
    assert status == 200 and data["occurrence"]["status"] == "scheduled"
    status, data = await river.call(
        "GET", "/api/groups/1/occurrences?from=2030-01-01T00:00:00Z&to=2030-01-18T00:00:00Z"
    )
    assert [(o["date"], o["status"]) for o in data["occurrences"] if o["schedule_id"] == schedule["id"]] == [
        ("2030-01-03", "cancelled"),
        ("2030-01-10", "scheduled"),
        ("2030-01-17", "scheduled"),
    ]
    assert data["time_zone"] == "Europe/London" and data["truncated"] is False
    status, data = await river.call(
        "GET", "/api/groups/1/occurrences?from=2030-07-01T00:00:00Z&to=2030-07-08T00:00:00Z"
    )
    mine = [o for o in data["occurrences"] if o["schedule_id"] == schedule["id"]]
    assert [(o["date"], o["starts_at"], o["status"]) for o in mine] == [("2030-07-04", "2030-07-05T18:00:00Z", "moved")]


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("2030-01-04/cancel", None, 404, "no_such_occurrence"),  # a Friday
        ("2029-12-27/cancel", None, 404, "no_such_occurrence"),  # before it starts
        ("2030-02-30/cancel", None, 404, "no_such_occurrence"),
        ("03-01-2030/cancel", None, 404, "no_such_occurrence"),
        ("2030-01-04", None, 404, "no_such_occurrence"),
        ("2030-01-03/move", {"starts_at": "2001-01-01T10:00:00Z"}, 400, "starts_at_in_past"),
        ("2030-01-03/move", {"starts_at": "2030-01-03T10:00:00"}, 400, "invalid_payload"),
        ("2030-01-03/move", {}, 400, "invalid_payload"),
    ],
)
async def test_occurrence_refusals(api_factory: Any, path: str, body: Any, status: int, code: str) -> None:
    admin = await api_factory("hub-admin")
    schedule = await add_schedule(admin, {**WEEKLY, "starts_on": "2030-01-01"})
    method = "DELETE" if "/" not in path else "POST"
    answer, data = await admin.call(method, f"/api/groups/1/schedules/{schedule['id']}/occurrences/{path}", body)
    assert (answer, data["error"]["code"]) == (status, code), data
    assert (await admin.call("POST", "/api/groups/1/schedules/99999/occurrences/2030-01-03/cancel"))[1]["error"][
        "code"
    ] == "no_such_schedule"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=yesterday", "invalid_instant"),
        ("from=2030-01-01T00:00:00", "invalid_instant"),
        ("to=2030-13-01T00:00:00Z", "invalid_instant"),
        ("from=9999-12-31T23:00:00-05:00", "invalid_instant"),
        ("from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z", "invalid_window"),
        ("from=2030-01-01T00:00:00Z&to=2031-01-03T00:00:00Z", "window_too_long"),
    ],
)
async def test_an_occurrence_window_that_makes_no_sense_is_refused(api_factory: Any, query: str, code: str) -> None:
    river = await api_factory("River")
    status, data = await river.call("GET", f"/api/groups/1/occurrences?{query}")
    assert (status, data["error"]["code"]) == (400, code), data


async def test_scheduled_sessions_are_occurrences_and_the_next_session_is_shown_everywhere(api_factory: Any) -> None:
    admin, sam, river = await api_factory("hub-admin"), await api_factory("Sam"), await api_factory("River")
    weekday, day = soon_weekday(3)
    _, data = await admin.call("GET", "/api/groups/1/schedules")
    for old in data["schedules"]:  # start from a group with no schedule
        assert (await admin.call("DELETE", f"/api/groups/1/schedules/{old['id']}"))[0] == 204
    _, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["next_session"] is None
    schedule = await add_schedule(admin, {**WEEKLY, "weekday": weekday, "starts_on": day.isoformat()})
    first = recurrence.to_utc(day, dt.time(19), LONDON)
    expected = {"starts_at": iso(first), "ends_at": iso(first + dt.timedelta(minutes=90))}
    _, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["next_session"] == expected
    _, data = await river.call("GET", "/api/groups")
    assert next(g for g in data["groups"] if g["id"] == 1)["next_session"] == expected
    # Cancelled: the week after is next.
    await admin.call("POST", f"/api/groups/1/schedules/{schedule['id']}/occurrences/{day.isoformat()}/cancel")
    week_later = recurrence.to_utc(day + dt.timedelta(days=7), dt.time(19), LONDON)
    _, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["next_session"]["starts_at"] == iso(week_later)
    # A session scheduled sooner (the older way) is next, and is an occurrence with its session id.
    sooner = dt.datetime.now(UTC).replace(microsecond=0) + dt.timedelta(days=1)
    _, data = await sam.call("POST", "/api/groups/1/sessions", {"scheduled_for": iso(sooner)})
    session_id = data["session"]["id"]
    _, data = await river.call("GET", "/api/groups")
    assert next(g for g in data["groups"] if g["id"] == 1)["next_session"] == {
        "starts_at": iso(sooner),
        "ends_at": iso(sooner + dt.timedelta(minutes=90)),
    }
    _, data = await river.call("GET", "/api/groups/1/occurrences")
    assert [(o["session_id"], o["schedule_id"], o["status"]) for o in data["occurrences"][:3]] == [
        (session_id, None, "scheduled"),
        (None, schedule["id"], "cancelled"),
        (None, schedule["id"], "scheduled"),
    ]


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def events_by_uid(calendar: icalendar.Calendar, uid: str) -> list[Any]:
    return [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]


async def test_the_calendar_feed_keeps_19_00_local_across_clock_changes(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    schedule = await add_schedule(admin, {**WEEKLY, "ends_on": "2027-12-31"})
    base = f"/api/groups/1/schedules/{schedule['id']}/occurrences"
    await admin.call("POST", f"{base}/2026-04-02/cancel")
    await admin.call("POST", f"{base}/2027-04-08/move", {"starts_at": "2027-04-09T17:00:00Z"})
    once = await add_schedule(admin, {"kind": "once", "local_time": "10:00", "starts_on": "2027-02-06"})
    async with aiohttp.ClientSession() as anyone, anyone.get(admin.base + "/api/groups/1/calendar.ics") as response:
        assert response.status == 200 and response.content_type == "text/calendar"
        raw = await response.read()
    assert b"River" not in raw and b"Willow" not in raw and b"Sam" not in raw, "no member data"
    calendar = icalendar.Calendar.from_ical(raw)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    uid = f"schedule-{schedule['id']}@alongside"
    series, moved = events_by_uid(calendar, uid)
    assert str(series["SUMMARY"]) == "Thursday evening circle"
    assert series["DTSTART"].params["TZID"] == "Europe/London"
    assert series["DTSTART"].dt == dt.datetime(2026, 1, 1, 19, tzinfo=LONDON)
    rule = series["RRULE"]
    assert (rule["FREQ"], rule["BYDAY"], rule["UNTIL"][0]) == (["WEEKLY"], ["TH"], at(2027, 12, 31, 23, 59, 59))
    assert [d.dt for d in series["EXDATE"].dts] == [dt.datetime(2026, 4, 2, 19, tzinfo=LONDON)]
    assert moved["RECURRENCE-ID"].dt == dt.datetime(2027, 4, 8, 19, tzinfo=LONDON)
    (single,) = events_by_uid(calendar, f"schedule-{once['id']}@alongside")
    assert single["DTSTART"].dt == dt.datetime(2027, 2, 6, 10, tzinfo=LONDON) and "RRULE" not in single

    expanded = recurring_ical_events.of(calendar).between(dt.date(2026, 3, 1), dt.date(2027, 12, 1))
    starts = {event["DTSTART"].dt.astimezone(UTC): event for event in expanded if str(event["UID"]) == uid}
    for day, expected in THURSDAYS_AROUND_CHANGES:
        if day == dt.date(2026, 4, 2):
            assert expected not in starts, "cancelled"
            continue
        assert expected in starts, day
        assert starts[expected]["DTSTART"].dt.astimezone(LONDON).time() == dt.time(19)
    assert at(2027, 4, 9, 17) in starts and at(2027, 4, 8, 18) not in starts, "moved"
    assert all(s.astimezone(LONDON).time() == dt.time(19) for s in starts if s != at(2027, 4, 9, 17))


async def test_an_unlisted_groups_feed_is_for_its_members_and_staff_only(
    api_factory: Any, server: RunningServer
) -> None:
    await set_group(server, 2, visibility="unlisted")
    river, willow, sam = await api_factory("River"), await api_factory("Willow"), await api_factory("Sam")
    anyone = await api_factory()
    for api, expected in ((anyone, 404), (willow, 404), (river, 200), (sam, 200)):
        status, data = await api.call("GET", "/api/groups/2/calendar.ics")
        assert status == expected, api
        if expected == 404:
            assert data["error"]["code"] == "not_found"
    await set_group(server, 2, visibility="listed", archived_at=dt.datetime.now(UTC))
    assert (await anyone.call("GET", "/api/groups/2/calendar.ics"))[0] == 404, "archived: not public"
    assert (await river.call("GET", "/api/groups/2/calendar.ics"))[0] == 200
    assert (await anyone.call("GET", "/api/groups/999/calendar.ics"))[0] == 404
    status, text = await anyone.call("GET", "/api/groups/1/calendar.ics")
    assert status == 200 and "BEGIN:VCALENDAR" in text and "RRULE:FREQ=WEEKLY;BYDAY=TH" in text


async def directory_ids(api: Api, query: str = "", path: str = "/api/groups") -> list[int]:
    status, data = await api.call("GET", f"{path}?{query}")
    assert status == 200, data
    return [g["id"] for g in data["groups"]]


async def test_the_directory_filters(api_factory: Any, server: RunningServer) -> None:
    river, admin = await api_factory("River"), await api_factory("hub-admin")
    # The demo: group 1 meets Thursdays at 19:00 ("anxiety", "low mood"), group 2 Tuesdays at 12:30 ("carers").
    assert await directory_ids(river) == [2, 1], "both River's own: by name"
    assert await directory_ids(river, "tag=Low%20Mood") == [1]
    assert await directory_ids(river, "tag=carers") == [2]
    assert await directory_ids(river, "tag=walking") == []
    assert await directory_ids(river, "tag=") == await directory_ids(river), "empty: no filter"
    assert sorted(await directory_ids(river, "hub=1")) == [1, 2] and await directory_ids(river, "hub=2") == []
    assert await directory_ids(river, "weekday=3") == [1]
    assert await directory_ids(river, "weekday=1&from_time=12:00&to_time=13:00") == [2]
    assert await directory_ids(river, "weekday=3&from_time=12:00&to_time=13:00") == [], "one meeting must match both"
    assert await directory_ids(river, "from_time=18:00") == [1]
    assert await directory_ids(river, "to_time=12:30") == [2]
    assert sorted(await directory_ids(river, "from_time=12:30&to_time=19:00")) == [1, 2]
    assert await directory_ids(river, "from_time=22:00&to_time=13:00") == [2], "wraps past midnight"
    # A one-off meeting counts on its own weekday.
    await add_schedule(admin, {"kind": "once", "local_time": "09:00", "starts_on": "2099-01-03"}, group_id=2)
    assert await directory_ids(river, "weekday=5") == [2]  # 3 January 2099 is a Saturday
    assert await directory_ids(river, "weekday=5&to_time=08:59") == []
    assert await directory_ids(river, "weekday=5", "/api/public/groups") == [2]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("tag=" + "x" * 41, "invalid_tag"),
        ("tag=a%07b", "invalid_tag"),
        ("hub=one", "invalid_hub"),
        ("hub=0", "invalid_hub"),
        ("hub=99999999999", "invalid_hub"),
        ("weekday=7", "invalid_weekday"),
        ("weekday=monday", "invalid_weekday"),
        ("from_time=7pm", "invalid_time"),
        ("to_time=24:00", "invalid_time"),
        ("from_time=19:00:00", "invalid_time"),
    ],
)
@pytest.mark.parametrize("path", ["/api/groups", "/api/public/groups"])
async def test_malformed_directory_filters_are_refused(api_factory: Any, query: str, code: str, path: str) -> None:
    river = await api_factory("River")
    status, data = await river.call("GET", f"{path}?{query}")
    assert (status, data["error"]["code"]) == (400, code), data


async def test_archived_and_unlisted_groups_and_own_groups_first(api_factory: Any, server: RunningServer) -> None:
    admin, river, willow, sam = [await api_factory(n) for n in ("hub-admin", "River", "Willow", "Sam")]
    _, data = await admin.call("POST", "/api/hubs/1/groups", {"name": "Aardvarks and allies", "agreement": "Be kind."})
    newest = data["group"]["id"]
    assert await directory_ids(willow) == [1, newest, 2], "Willow's own group first, then by name"
    assert (await directory_ids(sam))[:3] == [newest, 2, 1], "all the hub's groups are Sam's (staff): by name"
    await set_group(server, 2, visibility="unlisted")
    assert 2 not in await directory_ids(willow) and 2 in await directory_ids(river) and 2 in await directory_ids(sam)
    assert 2 not in await directory_ids(river, path="/api/public/groups")
    await set_group(server, 2, visibility="listed", archived_at=dt.datetime.now(UTC))
    assert 2 not in await directory_ids(river) and 2 not in await directory_ids(admin)
    assert 2 not in await directory_ids(river, path="/api/public/groups")


async def test_the_public_directory_shows_only_what_anyone_may_know(api_factory: Any) -> None:
    anyone = await api_factory()
    status, data = await anyone.call("GET", "/api/public/groups")
    assert status == 200
    first = next(g for g in data["groups"] if g["id"] == 1)
    assert set(first) == {"id", "name", "description", "hub", "tags", "next_session"}
    assert first["hub"] == {"id": 1, "name": "Riverside Peer Support Hub", "locality": "Riverside"}
    assert first["tags"] == ["anxiety", "low mood"]
    starts = dt.datetime.fromisoformat(first["next_session"]["starts_at"])
    assert starts > dt.datetime.now(UTC) and starts.astimezone(LONDON).weekday() == 3
    assert starts.astimezone(LONDON).time() == dt.time(19)
    assert [g["name"] for g in data["groups"]] == sorted(g["name"] for g in data["groups"])
    assert "Willow" not in str(data) and "What is shared here stays here" not in str(data)


def test_the_document_lists_the_filters_and_the_feed() -> None:
    from server.openapi import openapi_document

    paths = openapi_document()["paths"]
    for path in ("/api/groups", "/api/public/groups"):
        names = [p["name"] for p in paths[path]["get"]["parameters"]]
        assert names == ["tag", "hub", "weekday", "from_time", "to_time"], path
    feed = paths["/api/groups/{group_id}/calendar.ics"]["get"]
    assert feed["security"] == [] and "text/calendar" in feed["responses"]["200"]["content"]
    parameters = paths["/api/groups/{group_id}/schedules/{schedule_id}/occurrences/{date}"]["parameters"]
    assert [p["schema"].get("format") for p in parameters] == [None, None, "date"]
