"""The facilitators' space over REST (docs/api.md); the room itself is the ordinary Socket.IO room."""

from __future__ import annotations

from aiohttp import web
from pydantic import Field

from rooms import facilitators_space
from server import api_models as m
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of

routes = ApiRoutes()


class SpaceCreateBody(m.RequestBody):
    hub_id: m.WholeNumber = Field(ge=1, le=2**31 - 1, description="The hub hosting it; its admins keep the agreement.")


@routes.api(
    "GET",
    "/api/facilitators-space",
    summary="The facilitators' space: a standing room for trained facilitators of every hub",
    tag="groups",
    result=m.GroupResult,
    refusals={404: ("not_found",)},
    description="For anyone with current facilitator training in any hub, and platform admins; 404 for others.",
)
async def get_space(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        group = await facilitators_space.get_space_view(db, state.rooms, actor)
    return web.json_response({"group": group})


@routes.api(
    "POST",
    "/api/facilitators-space",
    summary="Open the facilitators' space (platform admin); asking again returns it",
    tag="groups",
    body=SpaceCreateBody,
    result=m.GroupResult,
    refusals={403: ("forbidden",)},
)
async def create_space(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, SpaceCreateBody))
    async with state.sessions() as db:
        group = await facilitators_space.do_create_space(db, state.rooms, actor, body["hub_id"])
    return web.json_response({"group": group})
