"""REST route of a hub's groups for its admins, archived ones included (rooms/hub_groups.py)."""

from __future__ import annotations

from aiohttp import web

from rooms import hub_groups
from server import api_models as m
from server.api_spec import ApiRoutes, request_actor, state_of
from server.http_api import path_int

routes = ApiRoutes()


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/groups",
    summary="A hub's groups, archived ones included (hub admin)",
    tag="groups",
    result=m.GroupList,
    refusals={403: ("forbidden",)},
    description="By name, archived groups last. The directory (GET /api/groups) leaves archived groups out; "
    "this is where a hub admin finds them again.",
)
async def list_hub_groups(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await hub_groups.list_hub_groups(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"groups": found})
