"""Staff of a hub that requires two-factor sign-in cannot use staff powers until they turn it on.

A middleware, so the rule holds for every staff route without each one remembering it; the check (one
query) runs only on those routes and only for a signed-in person.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from server import two_factor
from server.auth import COOKIE_NAME
from server.http_errors import error_response
from server.state import STATE

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

STAFF_ROUTES = frozenset(
    {
        ("POST", "/api/hubs"),
        ("PATCH", "/api/hubs/{hub_id}"),
        ("GET", "/api/hubs/{hub_id}/settings"),
        ("GET", "/api/hubs/{hub_id}/staff"),
        ("POST", "/api/hubs/{hub_id}/staff"),
        ("GET", "/api/hubs/{hub_id}"),
        ("PUT", "/api/hubs/{hub_id}/crisis-lines"),
        ("DELETE", "/api/hubs/{hub_id}/staff/{user_id}/{role}"),
        ("GET", "/api/hubs/{hub_id}/training"),
        ("POST", "/api/hubs/{hub_id}/training"),
        ("DELETE", "/api/hubs/{hub_id}/training/{record_id}"),
        ("POST", "/api/admin/accounts"),
        ("POST", "/api/hubs/{hub_id}/groups"),
        ("PATCH", "/api/groups/{group_id}"),
        ("POST", "/api/groups/{group_id}/sessions"),
        ("POST", "/api/sessions/{session_id}/end"),
        ("GET", "/api/groups/{group_id}/members"),
        ("DELETE", "/api/groups/{group_id}/members/{user_id}"),
        ("GET", "/api/groups/{group_id}/join-requests"),
        ("POST", "/api/groups/{group_id}/join-requests/{user_id}/approve"),
        ("POST", "/api/groups/{group_id}/join-requests/{user_id}/decline"),
        ("POST", "/api/groups/{group_id}/invitations"),
        ("GET", "/api/groups/{group_id}/invitations"),
        ("DELETE", "/api/groups/{group_id}/invitations/{invitation_id}"),
        ("POST", "/api/groups/{group_id}/schedules"),
        ("DELETE", "/api/groups/{group_id}/schedules/{schedule_id}"),
        ("POST", "/api/groups/{group_id}/schedules/{schedule_id}/occurrences/{date}/cancel"),
        ("POST", "/api/groups/{group_id}/schedules/{schedule_id}/occurrences/{date}/move"),
        ("DELETE", "/api/groups/{group_id}/schedules/{schedule_id}/occurrences/{date}"),
        ("GET", "/api/hubs/{hub_id}/debriefs"),
        ("POST", "/api/debriefs/{debrief_id}/discussed"),
        ("GET", "/api/hubs/{hub_id}/attendance"),
        ("GET", "/api/hubs/{hub_id}/groups"),
        ("GET", "/api/facilitators-space"),
        ("POST", "/api/facilitators-space"),
        ("GET", "/api/groups/{group_id}/backchannel"),
        ("POST", "/api/groups/{group_id}/backchannel"),
        ("GET", "/api/hubs/{hub_id}/reports"),
        ("POST", "/api/reports/{report_id}/resolve"),
        ("GET", "/api/hubs/{hub_id}/moderation-log"),
        ("GET", "/api/hubs/{hub_id}/word-list"),
        ("POST", "/api/hubs/{hub_id}/word-list"),
        ("DELETE", "/api/hubs/{hub_id}/word-list/{entry_id}"),
        ("POST", "/api/sessions/{session_id}/debrief"),
        ("GET", "/api/me/debriefs/pending"),
        ("GET", "/api/hubs/{hub_id}/concerns"),
        ("GET", "/api/concerns/{concern_id}"),
        ("POST", "/api/concerns/{concern_id}/acknowledge"),
        ("POST", "/api/concerns/{concern_id}/start"),
        ("POST", "/api/concerns/{concern_id}/notes"),
        ("POST", "/api/concerns/{concern_id}/resolve"),
        ("POST", "/api/concerns/{concern_id}/reveal-contact"),
        ("GET", "/api/hubs/{hub_id}/break-glass-log"),
        ("GET", "/api/hubs/{hub_id}/dead-letters"),
        ("POST", "/api/outbox/{outbox_id}/redeliver"),
        ("GET", "/api/hubs/{hub_id}/escalation"),
        ("PUT", "/api/hubs/{hub_id}/escalation"),
        ("PUT", "/api/hubs/{hub_id}/notices"),
        ("POST", "/api/hubs/{hub_id}/members/{user_id}/password-reset"),
    }
)
# Routes whose summary names a staff role but which members use too (or which enrolment itself needs).
NOT_STAFF_ONLY = frozenset(
    {
        ("GET", "/api/groups/{group_id}/sessions"),
        ("GET", "/api/groups/{group_id}/agreement/versions"),
        ("POST", "/api/auth/two-factor/enrol"),
    }
)


@web.middleware
async def two_factor_gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    resource = request.match_info.route.resource
    if resource is None or (request.method, resource.canonical) not in STAFF_ROUTES:
        return await handler(request)
    state = request.app[STATE]
    async with state.readers() as db, db.begin():
        actor = await state.tokens.actor_for(db, request.cookies.get(COOKIE_NAME), state.rooms.clock())
        blocked = actor is not None and await two_factor.enrolment_required(db, actor.user_id)
    if blocked:
        state.metrics.inc("alongside_refusals_total", code="two_factor_enrolment_required")
        return error_response(
            403,
            "two_factor_enrolment_required",
            "Your hub asks its staff to use two-factor sign-in. Turn it on under Account to use staff tools.",
        )
    return await handler(request)
