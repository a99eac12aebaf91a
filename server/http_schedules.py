"""REST routes for when groups meet: schedules and their occurrences (hub admins change them; members and staff
read them), the group's iCalendar feed, and the public directory shown before sign-in (docs/api.md)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from rooms import directory, schedules
from rooms.hooks import Actor
from server import api_models_schedules as ms
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import once_more_on_conflict, path_int
from server.http_errors import ApiError

routes = ApiRoutes()

GROUP_SCHEDULES = "/api/groups/{group_id}/schedules"
SCHEDULE = GROUP_SCHEDULES + "/{schedule_id}"
OCCURRENCE = SCHEDULE + "/occurrences/{date}"
ADMIN_REFUSALS: dict[int, tuple[str, ...]] = {403: ("forbidden",), 409: ("group_archived",)}
OCCURRENCE_REFUSALS = {**ADMIN_REFUSALS, 404: ("no_such_schedule", "no_such_occurrence")}


@routes.api(
    "POST",
    GROUP_SCHEDULES,
    summary="Add a schedule to a group (hub admin)",
    tag="schedules",
    body=ms.ScheduleCreateBody,
    status=201,
    result=ms.ScheduleResult,
    refusals={400: ("invalid_schedule",), 403: ("forbidden",), 409: ("too_many_schedules", "group_archived")},
    description="Times are the hub's local wall-clock time, kept across clock changes. 400 invalid_schedule: "
    "weekday missing on a weekly or given on a one-off, ends_on before starts_on or before the first meeting, "
    "a date outside 2000-2200. At most 20 schedules a group.",
)
async def create_schedule(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, ms.ScheduleCreateBody))
    async with state.sessions() as db:
        schedule = await schedules.do_create_schedule(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response({"schedule": schedule}, status=201)


@routes.api(
    "GET",
    GROUP_SCHEDULES,
    summary="A group's schedules (anyone who may see the group)",
    tag="schedules",
    result=ms.ScheduleList,
)
async def list_schedules(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await schedules.list_schedules(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"schedules": found})


@routes.api(
    "DELETE",
    SCHEDULE,
    summary="Delete a schedule, with its cancelled and moved occurrences (hub admin)",
    tag="schedules",
    status=204,
    refusals={**ADMIN_REFUSALS, 404: ("no_such_schedule",)},
)
async def delete_schedule(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    group_id, schedule_id = path_int(request, "group_id"), path_int(request, "schedule_id")
    async with state.sessions() as db:
        await schedules.do_delete_schedule(db, state.rooms, actor, group_id, schedule_id)
    return web.Response(status=204)


async def _change(request: web.Request, action: str, body: dict[str, Any] | None = None) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    group_id, schedule_id = path_int(request, "group_id"), path_int(request, "schedule_id")
    raw_date = request.match_info["date"]

    async def change() -> dict[str, Any]:
        async with state.sessions() as db:
            return await schedules.do_change_occurrence(
                db, state.rooms, actor, group_id, schedule_id, raw_date, action=action, body=body
            )

    return web.json_response({"occurrence": await once_more_on_conflict(change)})


@routes.api(
    "POST",
    OCCURRENCE + "/cancel",
    summary="Cancel one occurrence, named by its original local date (hub admin)",
    tag="schedules",
    result=ms.OccurrenceResult,
    refusals=OCCURRENCE_REFUSALS,
    description="404 no_such_occurrence when the schedule does not meet on that date.",
)
async def cancel_occurrence(request: web.Request) -> web.Response:
    return await _change(request, "cancel")


@routes.api(
    "POST",
    OCCURRENCE + "/move",
    summary="Move one occurrence to another time (hub admin)",
    tag="schedules",
    body=ms.OccurrenceMoveBody,
    result=ms.OccurrenceResult,
    refusals={**OCCURRENCE_REFUSALS, 400: ("starts_at_in_past",)},
    description="It keeps its original date as its name; restoring it puts it back.",
)
async def move_occurrence(request: web.Request) -> web.Response:
    return await _change(request, "move", domain_values(request_body(request, ms.OccurrenceMoveBody)))


@routes.api(
    "DELETE",
    OCCURRENCE,
    summary="Restore a cancelled or moved occurrence (hub admin)",
    tag="schedules",
    result=ms.OccurrenceResult,
    refusals=OCCURRENCE_REFUSALS,
    description="Restoring one that was never changed changes nothing and answers the same.",
)
async def restore_occurrence(request: web.Request) -> web.Response:
    return await _change(request, "restore")


@routes.api(
    "GET",
    "/api/groups/{group_id}/occurrences",
    summary="When a group meets in a window (anyone who may see the group)",
    tag="schedules",
    result=ms.OccurrenceList,
    query=ms.OCCURRENCE_QUERY,
    refusals={400: ("invalid_instant", "invalid_window", "window_too_long")},
    description="Occurrences under way at some time in the window, cancelled ones included, sorted by start; "
    "also one-off sessions scheduled with POST /api/groups/{group_id}/sessions (session_id set).",
)
async def list_occurrences(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    query = {name: request.query[name] for name in ("from", "to") if name in request.query}
    async with state.readers() as db:
        found = await schedules.list_occurrences(db, state.rooms, actor, path_int(request, "group_id"), query)
    return web.json_response(found)


async def optional_actor(request: web.Request) -> Actor | None:
    """The signed-in person, or None: the feed is public for listed groups, so no cookie is no refusal."""
    try:
        return await request_actor(request)
    except ApiError:
        return None


@routes.api(
    "GET",
    "/api/groups/{group_id}/calendar.ics",
    summary="The group's meetings as an iCalendar feed",
    tag="schedules",
    auth=False,
    content_type="text/calendar",
    description="Public for listed, non-archived groups (calendar apps cannot sign in); for others only with "
    "a member's or staff member's session cookie, and 404 to anyone else. Holds the group's name and times only.",
)
async def calendar_feed(request: web.Request) -> web.Response:
    group_id = path_int(request, "group_id")
    actor = await optional_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        feed = await schedules.calendar_feed(db, state.rooms, actor, group_id)
    return web.Response(
        body=feed,
        content_type="text/calendar",
        charset="utf-8",
        headers={"Content-Disposition": f'inline; filename="group-{group_id}.ics"'},
    )


@routes.api(
    "GET",
    "/api/public/groups",
    summary="The public directory: listed groups and when they next meet",
    tag="groups",
    auth=False,
    result=ms.PublicGroupList,
    query=ms.DIRECTORY_QUERY,
    refusals=ms.DIRECTORY_REFUSALS,
    description="No sign-in needed. Names, descriptions, hubs, tags and next sessions only; the same filters "
    "as GET /api/groups.",
)
async def list_public_groups(request: web.Request) -> web.Response:
    wanted = directory.parse_filter(request.query)
    state = state_of(request)
    async with state.readers() as db:
        groups = await directory.list_public_groups(db, state.rooms, wanted)
    return web.json_response({"groups": groups})
