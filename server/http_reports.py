"""Members' tools over REST (docs/api.md): the hub's report queue and resolving a report, a reporter's own
reports, blocks and muted words. Reports are made in the room (`report:create`, docs/protocol.md). The rules
are rooms/reports.py's and rooms/member_tools.py's."""

from __future__ import annotations

from aiohttp import web

from rooms import member_tools, reports
from server import api_models_reports as r
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import path_int

routes = ApiRoutes()
STAFF_GATE = "two_factor_enrolment_required"  # server/two_factor_gate.py, for staff of a hub requiring it


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/reports",
    summary="The hub's queue of members' reports (its facilitators and admins)",
    tag="reports",
    result=r.StaffReportList,
    query=r.REPORT_QUERY,
    refusals={400: ("invalid_status",), 403: ("forbidden", STAFF_GATE)},
    description=(
        "Open reports oldest first, or resolved ones newest first; at most 500. Each shows the reported message "
        "(its text) or member, the reporter, and `auto_hidden` for a message hidden because several members "
        "reported it while nobody was on duty. Facilitators need current training."
    ),
)
async def hub_reports(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id, status = path_int(request, "hub_id"), request.query.get("status")
    async with state.readers() as db:
        found = await reports.list_hub_reports(db, state.rooms, actor, hub_id, status)
    return web.json_response({"reports": found})


@routes.api(
    "POST",
    "/api/reports/{report_id}/resolve",
    summary="Resolve a report with an outcome the reporter is told (the hub's facilitators and admins)",
    tag="reports",
    body=r.ResolveBody,
    result=r.StaffReportResult,
    refusals={400: ("markup_removed",), 403: ("forbidden", STAFF_GATE), 409: ("already_resolved",)},
    description=(
        "Resolves the other open reports of the same message with it. Each reporter's open connections get "
        "`report:resolved`; the reported member is never told. `unhide: true` shows a hidden message again "
        "(ignored for a report of a member). 400 also when the outcome is empty once markup is removed."
    ),
)
async def resolve_report(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, r.ResolveBody))
    async with state.sessions() as db:
        report = await reports.do_resolve_report(db, state.rooms, actor, path_int(request, "report_id"), body)
    return web.json_response({"report": report})


@routes.api(
    "GET",
    "/api/me/reports",
    summary="Your own reports and what became of them",
    tag="reports",
    result=r.MyReportList,
    description="Newest first, at most 500; never who dealt with them.",
)
async def my_reports(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await reports.list_my_reports(db, state.rooms, actor)
    return web.json_response({"reports": found})


@routes.api(
    "GET",
    "/api/me/blocks",
    summary="The members you blocked",
    tag="reports",
    result=r.BlockList,
    description="By pseudonym. Blocking is never told to the person blocked.",
)
async def list_blocks(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await member_tools.list_blocks(db, actor)
    return web.json_response({"blocked": found})


@routes.api(
    "POST",
    "/api/me/blocks",
    summary="Block a member: their messages show to you as from a blocked member",
    tag="reports",
    body=r.BlockBody,
    status=201,
    result=r.BlockResult,
    other_results={200: ("Already blocked; nothing changed", r.BlockResult)},
    refusals={400: ("cannot_block_self",), 404: ("not_found",)},
    description="Only someone you meet in one of your groups (a member, or staff of its hub); 404 for anyone else.",
)
async def block(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    user_id = request_body(request, r.BlockBody).user_id
    async with state.sessions() as db:
        blocked, new = await member_tools.do_block(db, state.rooms, actor, user_id)
    return web.json_response({"blocked": blocked}, status=201 if new else 200)


@routes.api(
    "DELETE",
    "/api/me/blocks/{user_id}",
    summary="Unblock a member",
    tag="reports",
    status=204,
    description="204 also when they were not blocked.",
)
async def unblock(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        await member_tools.do_unblock(db, actor, path_int(request, "user_id"))
    return web.Response(status=204)


@routes.api(
    "GET",
    "/api/me/muted-words",
    summary="The words you muted",
    tag="reports",
    result=r.MutedWords,
    description="Your own view only: your client hides messages holding them (also in `room:join`'s ack).",
)
async def get_muted_words(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        words = await member_tools.get_muted_words(db, actor)
    return web.json_response({"words": words})


@routes.api(
    "PUT",
    "/api/me/muted-words",
    summary="Replace the words you muted",
    tag="reports",
    body=r.MutedWordsBody,
    result=r.MutedWords,
    refusals={400: ("too_many_words", "invalid_word", "control_characters")},
    description="At most 50, each 1 to 100 characters; stored NFKC-normalised and case-folded, without repeats.",
)
async def put_muted_words(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    words = domain_values(request_body(request, r.MutedWordsBody))["words"]
    async with state.sessions() as db:
        stored = await member_tools.do_set_muted_words(db, actor, words)
    return web.json_response({"words": stored})
