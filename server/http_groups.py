"""REST routes of group administration: settings and archiving, joining (open, by request, by invitation),
agreement history, members, join requests and invitations. The rules live in rooms/group_admin.py and
rooms/joining.py; this module only wires HTTP to them."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from rooms import group_admin, joining
from server import api_models as m
from server import api_models_groups as g
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import once_more_on_conflict, path_int

routes = ApiRoutes()

ADMIN_ONLY = {403: ("forbidden",)}


@routes.api(
    "PATCH",
    "/api/groups/{group_id}",
    summary="Change a group's settings (hub admin); a changed agreement gets a new version",
    tag="groups",
    body=g.GroupSettingsBody,
    result=m.GroupResult,
    refusals={**ADMIN_ONLY, 400: ("markup_removed",)},
    description=(
        "Members in the room get `room:removed` until they accept a changed agreement. `archived: true` ends a "
        "running session (end_reason `archived`, pushed as `session:updated`)."
    ),
)
async def update_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, g.GroupSettingsBody))
    async with state.sessions() as db:
        group = await group_admin.do_update_group(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response({"group": group})


@routes.api(
    "PUT",
    "/api/groups/{group_id}/membership",
    summary="Join (or renew), accepting the agreement version read; asks to join a group joined by request",
    tag="groups",
    body=m.AcceptAgreementBody,
    result=m.GroupResult,
    other_results={202: ("A request to join is pending a hub admin's decision", g.RequestPendingResult)},
    refusals={403: ("invitation_required", "banned"), 409: ("agreement_outdated", "group_archived", "group_full")},
    description=(
        "Renewing an accepted agreement is always allowed; joining is refused when the group is full, and both "
        "while a facilitator's ban from the group holds (403 banned)."
    ),
)
async def join_group(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, m.AcceptAgreementBody))
    group_id = path_int(request, "group_id")

    async def join() -> dict[str, Any]:
        async with state.sessions() as db:
            return await joining.do_join(db, state.rooms, actor, group_id, body)

    outcome = await once_more_on_conflict(join)
    return web.json_response(outcome, status=202 if "request" in outcome else 200)


@routes.api(
    "GET",
    "/api/groups/{group_id}/agreement/versions",
    summary="Every version of the group agreement, newest first (members and staff)",
    tag="groups",
    result=g.AgreementVersionList,
    refusals=ADMIN_ONLY,
)
async def agreement_versions(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await group_admin.list_agreement_versions(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"versions": found})


@routes.api(
    "GET",
    "/api/groups/{group_id}/members",
    summary="The group's members (hub admin, or the hub's facilitators)",
    tag="groups",
    result=g.MemberList,
    refusals=ADMIN_ONLY,
)
async def list_members(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await group_admin.list_members(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"members": found})


@routes.api(
    "DELETE",
    "/api/groups/{group_id}/members/{user_id}",
    summary="Remove a member (hub admin)",
    tag="groups",
    status=204,
    refusals={**ADMIN_ONLY, 404: ("not_member",)},
    description="Their open connections in the room get `room:removed` at once.",
)
async def remove_member(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    group_id, user_id = path_int(request, "group_id"), path_int(request, "user_id")
    async with state.sessions() as db:
        await group_admin.do_remove_member(db, state.rooms, actor, group_id, user_id)
    return web.Response(status=204)


@routes.api(
    "GET",
    "/api/groups/{group_id}/join-requests",
    summary="Pending requests to join, oldest first (hub admin)",
    tag="groups",
    result=g.JoinRequestList,
    refusals=ADMIN_ONLY,
)
async def list_join_requests(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await joining.list_join_requests(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"requests": found})


async def _decide(request: web.Request, *, approve: bool) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    group_id, user_id = path_int(request, "group_id"), path_int(request, "user_id")

    async def decide() -> dict[str, Any]:
        async with state.sessions() as db:
            return await joining.do_decide_request(db, state.rooms, actor, group_id, user_id, approve=approve)

    return web.json_response({"request": await once_more_on_conflict(decide)})


@routes.api(
    "POST",
    "/api/groups/{group_id}/join-requests/{user_id}/approve",
    summary="Approve a pending request to join (hub admin)",
    tag="groups",
    result=g.JoinRequestResult,
    refusals={**ADMIN_ONLY, 409: ("group_archived", "group_full")},
    description=(
        "404 when that person has no pending request. They join with the agreement version they accepted when "
        "asking; if it has changed since, they must accept the current one before entering the room."
    ),
)
async def approve_join_request(request: web.Request) -> web.Response:
    return await _decide(request, approve=True)


@routes.api(
    "POST",
    "/api/groups/{group_id}/join-requests/{user_id}/decline",
    summary="Decline a pending request to join (hub admin)",
    tag="groups",
    result=g.JoinRequestResult,
    refusals=ADMIN_ONLY,
    description="404 when that person has no pending request.",
)
async def decline_join_request(request: web.Request) -> web.Response:
    return await _decide(request, approve=False)


@routes.api(
    "POST",
    "/api/groups/{group_id}/invitations",
    summary="Make an invitation link (hub admin); its token is shown this once",
    tag="groups",
    body=g.InvitationCreateBody,
    status=201,
    result=g.InvitationCreated,
    refusals=ADMIN_ONLY,
    description="400 also for an expiry in the past or more than 90 days ahead.",
)
async def create_invitation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, g.InvitationCreateBody))
    async with state.sessions() as db:
        made = await joining.do_create_invitation(db, state.rooms, actor, path_int(request, "group_id"), body)
    return web.json_response(made, status=201)


@routes.api(
    "GET",
    "/api/groups/{group_id}/invitations",
    summary="The group's invitations, newest first, without their tokens (hub admin)",
    tag="groups",
    result=g.InvitationList,
    refusals=ADMIN_ONLY,
)
async def list_invitations(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await joining.list_invitations(db, state.rooms, actor, path_int(request, "group_id"))
    return web.json_response({"invitations": found})


@routes.api(
    "DELETE",
    "/api/groups/{group_id}/invitations/{invitation_id}",
    summary="Revoke an invitation (hub admin); it stops working at once",
    tag="groups",
    status=204,
    refusals=ADMIN_ONLY,
)
async def revoke_invitation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    group_id, invitation_id = path_int(request, "group_id"), path_int(request, "invitation_id")
    async with state.sessions() as db:
        await joining.do_revoke_invitation(db, state.rooms, actor, group_id, invitation_id)
    return web.Response(status=204)


INVALID = {404: ("invitation_invalid",)}


@routes.api(
    "GET",
    "/api/invitations/{token}",
    summary="The group an invitation is to, with its agreement",
    tag="groups",
    result=g.InvitedGroupResult,
    refusals=INVALID,
    description="Unknown, revoked and expired invitations get the same answer.",
)
async def get_invitation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        group = await joining.get_invited_group(db, state.rooms, actor, request.match_info["token"])
    return web.json_response({"group": group})


@routes.api(
    "POST",
    "/api/invitations/{token}/accept",
    summary="Join through an invitation, accepting the agreement version read",
    tag="groups",
    body=m.AcceptAgreementBody,
    result=m.GroupResult,
    refusals={**INVALID, 403: ("banned",), 409: ("agreement_outdated", "group_archived", "group_full")},
    description="Whatever the group's joining mode; within its capacity; not while a ban from the group holds.",
)
async def accept_invitation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, m.AcceptAgreementBody))
    token = request.match_info["token"]

    async def accept() -> dict[str, Any]:
        async with state.sessions() as db:
            return await joining.do_accept_invitation(db, state.rooms, actor, token, body)

    return web.json_response({"group": await once_more_on_conflict(accept)})
