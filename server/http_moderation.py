"""The moderation log over REST (docs/api.md): a hub's admins read who did what, to whom, why and when. The
actions themselves are Socket.IO events (server/realtime_moderation.py); the rules are rooms/moderation_log.py's."""

from __future__ import annotations

from aiohttp import web

from rooms import moderation_log
from server import api_models_moderation as mm
from server.api_spec import ApiRoutes, request_actor, state_of
from server.http_api import path_int

routes = ApiRoutes()
FILTERS = ("group_id", "action", "user_id", "from", "to", "before_id", "limit")


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/moderation-log",
    summary="The hub's moderation log, newest first (hub admin)",
    tag="moderation",
    result=mm.LogList,
    query=mm.LOG_QUERY,
    refusals={400: ("invalid_payload", "invalid_date", "invalid_action"), 403: ("forbidden",)},
    description=(
        "Every facilitator action (hide, mute, removal, ban, room controls) and every lift, as written at the "
        "time: append-only, never changed. Names are pseudonyms; a hidden message appears by id, never by text. "
        "For the hub's admins and platform admins; at most 500 entries a page (page on with before_id)."
    ),
)
async def moderation_log_route(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    query = {name: request.query[name] for name in FILTERS if name in request.query}
    async with state.readers() as db:
        entries = await moderation_log.read_hub_log(db, state.rooms, actor, path_int(request, "hub_id"), query)
    return web.json_response({"entries": entries})
