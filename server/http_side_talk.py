"""The facilitators' backchannel over REST, for the hub's safeguarding leads, who talk beside the room without
entering it (facilitators use the Socket.IO events in the room: docs/protocol.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from aiohttp import web
from pydantic import AfterValidator, Field

from rooms import side_talk
from server import api_charsets as cs
from server import api_models as m
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import path_int

routes = ApiRoutes()


def _lines(text: str) -> str:
    if not cs.matches(m.LINES, text):
        raise ValueError("must be text without control characters (line breaks are fine)")
    return text


class BackchannelBody(m.RequestBody):
    client_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
    body: Annotated[
        str,
        Field(min_length=1, max_length=20000, pattern=m.LINES, description="Plain text; the message limits apply."),
        AfterValidator(_lines),
    ]


class SideAuthor(m.Response):
    id: int
    display_name: str
    role: Literal["facilitator", "safeguarding_lead", "member"]


class SideMessage(m.Response):
    id: int
    session_id: int
    channel: Literal["backchannel", "private"]
    member_id: int | None
    author: SideAuthor
    body: str
    client_id: str | None
    created_at: str


class Backchannel(m.Response):
    session_id: int
    messages: list[SideMessage]


class SideMessageResult(m.Response):
    message: SideMessage


@routes.api(
    "GET",
    "/api/groups/{group_id}/backchannel",
    summary="The running session's backchannel (the hub's safeguarding leads, the session's facilitators: staff)",
    tag="sessions",
    result=Backchannel,
    refusals={403: ("forbidden",), 409: ("session_not_live",)},
)
async def read_backchannel(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await side_talk.lead_backchannel(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response(found)


@routes.api(
    "POST",
    "/api/groups/{group_id}/backchannel",
    summary="Write in the running session's backchannel (the hub's safeguarding leads, facilitators: staff)",
    tag="sessions",
    body=BackchannelBody,
    status=201,
    result=SideMessageResult,
    refusals={403: ("forbidden",), 409: ("session_not_live",)},
)
async def write_backchannel(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, BackchannelBody))
    async with state.sessions() as db:
        message = await side_talk.do_lead_backchannel_send(
            db, state.rooms, actor, path_int(request, "group_id"), body["client_id"], body["body"]
        )
    return web.json_response({"message": message}, status=201)
