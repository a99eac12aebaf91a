"""Supervision after a session over REST (docs/api.md): a facilitator's debrief, the hub's debriefs for its
senior peers and admins, and attendance counts for hub admins. The rules are rooms/supervision.py's."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from rooms import supervision
from server import api_models_supervision as s
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import once_more_on_conflict, path_int

routes = ApiRoutes()


@routes.api(
    "POST",
    "/api/sessions/{session_id}/debrief",
    summary="Write your debrief of a session you facilitated, for supervision",
    tag="supervision",
    body=s.DebriefBody,
    status=201,
    result=s.DebriefResult,
    other_results={200: ("Your debrief, rewritten", s.DebriefResult)},
    refusals={
        400: ("markup_removed",),
        403: ("forbidden", "training_not_current"),
        409: ("session_not_ended", "debrief_discussed"),
    },
    description=(
        "A facilitator of the session's hub (with current training), once the session has ended: one debrief "
        "per facilitator and session. Sending it again rewrites yours (200) until it has been discussed "
        "(409 debrief_discussed). Read only by you and the hub's senior peers and admins, never by members. "
        "400 also when how_it_went is empty once markup is removed."
    ),
)
async def save_debrief(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, s.DebriefBody))
    session_id = path_int(request, "session_id")

    async def save() -> tuple[dict[str, Any], bool]:
        async with state.sessions() as db:
            return await supervision.do_save_debrief(db, state.rooms, actor, session_id, body)

    debrief, created = await once_more_on_conflict(save)
    return web.json_response({"debrief": debrief}, status=201 if created else 200)


@routes.api(
    "GET",
    "/api/sessions/{session_id}/debrief",
    summary="Your own debrief of a session",
    tag="supervision",
    result=s.DebriefResult,
    description="404 when you have written none (nobody else's is shown here).",
)
async def get_debrief(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        debrief = await supervision.get_own_debrief(db, state.rooms, actor, path_int(request, "session_id"))
    return web.json_response({"debrief": debrief})


@routes.api(
    "GET",
    "/api/me/debriefs/pending",
    summary="Sessions you facilitated that still wait for your debrief",
    tag="supervision",
    result=s.PendingDebriefList,
    description=(
        "Ended in the last 30 days, facilitated by you (you came as facilitator, or opened it), in a hub where "
        "you may facilitate now, and with no debrief from you yet; newest first."
    ),
)
async def pending_debriefs(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await supervision.pending_debriefs(db, state.rooms, actor)
    return web.json_response({"pending": found})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/debriefs",
    summary="A hub's debriefs for supervision (senior peer, hub admin)",
    tag="supervision",
    result=s.DebriefList,
    query=s.DEBRIEF_QUERY,
    refusals={400: ("invalid_status",), 403: ("forbidden",)},
    description="Open ones (not yet discussed) first, then newest first; at most 500.",
)
async def hub_debriefs(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id, status = path_int(request, "hub_id"), request.query.get("status")
    async with state.readers() as db:
        found = await supervision.list_hub_debriefs(db, state.rooms, actor, hub_id, status)
    return web.json_response({"debriefs": found})


@routes.api(
    "POST",
    "/api/debriefs/{debrief_id}/discussed",
    summary="Mark a debrief discussed in supervision (senior peer, hub admin)",
    tag="supervision",
    result=s.DebriefResult,
    refusals={403: ("forbidden",)},
    description="Marking it again changes nothing (it keeps who marked it first, and when).",
)
async def mark_discussed(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        debrief = await supervision.do_mark_discussed(db, state.rooms, actor, path_int(request, "debrief_id"))
    return web.json_response({"debrief": debrief})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/attendance",
    summary="How many came to each session, and per group and week (hub admin)",
    tag="supervision",
    result=s.AttendanceReport,
    query=s.ATTENDANCE_QUERY,
    refusals={400: ("invalid_date", "window_too_long"), 403: ("forbidden",)},
    description=(
        "Sessions opened in the window (days in the hub's time zone), with counts only: never who came, never "
        "what was said. The window is at most 366 days (window_too_long)."
    ),
)
async def attendance(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    query = {name: request.query[name] for name in ("from", "to") if name in request.query}
    async with state.readers() as db:
        report = await supervision.attendance_report(db, state.rooms, actor, path_int(request, "hub_id"), query)
    return web.json_response(report)
