"""The privacy REST API (docs/api.md, docs/privacy.md): a hub's privacy notice and terms (public, and edited
by its admins), downloading everything held about you, and deleting your account.

The rules are the domain's (rooms/privacy.py, rooms/data_export.py, rooms/erasure.py); these handlers wire
HTTP to them, and revoke the deleted account's sign-ins everywhere after the commit.
"""

from __future__ import annotations

import json

from aiohttp import web
from sqlalchemy import delete

from rooms import data_export, erasure, privacy
from rooms.access import require_hub
from server import api_models_privacy as p
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.auth_models import TwoFactor
from server.http_account import check_own_password
from server.http_api import path_int
from server.http_auth import TOO_MANY, end_web_sessions, forget_session_cookie

routes = ApiRoutes()
STAFF_GATE = "two_factor_enrolment_required"  # server/two_factor_gate.py, for staff of a hub requiring it


@routes.api(
    "GET",
    "/api/notices",
    summary="The privacy notice and terms sign-up asks people to accept (the default hub)",
    tag="privacy",
    auth=False,
    result=p.Notices,
    description="The first hub's: sign-up joins it when it names none (GET /api/hubs/{hub_id}/notices: another).",
)
async def default_notices(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.readers() as db, db.begin():
        notices = await privacy.notices_of(db, await privacy.sign_up_hub(db, None))
    return web.json_response(notices.view())


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/notices",
    summary="A hub's privacy notice and terms, and its minimum age",
    tag="privacy",
    auth=False,
    result=p.Notices,
)
async def hub_notices(request: web.Request) -> web.Response:
    state = state_of(request)
    hub_id = path_int(request, "hub_id")
    async with state.readers() as db, db.begin():
        notices = await privacy.notices_of(db, await require_hub(db, hub_id))
    return web.json_response(notices.view())


@routes.api(
    "PUT",
    "/api/hubs/{hub_id}/notices",
    summary="Change a hub's privacy notice, terms or minimum age (hub admin)",
    tag="privacy",
    body=p.NoticesBody,
    result=p.Notices,
    refusals={403: ("forbidden", STAFF_GATE)},
    description="Any change raises the version; people who sign up afterwards accept the new one. Empty text: "
    "the default.",
)
async def update_notices(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, p.NoticesBody))
    hub_id = path_int(request, "hub_id")
    async with state.sessions() as db:
        notices = await privacy.do_update_notices(db, actor, hub_id, body)
    return web.json_response(notices.view())


@routes.api(
    "GET",
    "/api/me/export",
    summary="Download my data: everything held about you, as JSON",
    tag="privacy",
    result=p.DataExport,
    description="A file download (Content-Disposition: attachment). `left_out` says what is not in it, and why.",
)
async def export_my_data(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    now = state.rooms.clock()
    async with state.readers() as db, db.begin():
        document = await data_export.export_person(db, actor.user_id, now)
    name = f"alongside-my-data-{now.strftime('%Y-%m-%d')}.json"
    return web.Response(
        text=json.dumps(document, ensure_ascii=False, indent=2),
        content_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@routes.api(
    "DELETE",
    "/api/me",
    summary="Delete my account",
    tag="privacy",
    body=p.DeleteAccountBody,
    result=p.Erasure,
    refusals={403: ("invalid_credentials",), **TOO_MANY},
    description=(
        "Needs your password. Your messages show as 'message removed' and your name as 'former member'; your "
        "email and password go and every browser is signed out. Copies of messages held in a safeguarding "
        "record are kept there under its own retention; the answer says how many."
    ),
)
async def delete_my_account(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = request_body(request, p.DeleteAccountBody)
    await check_own_password(state, request, actor, body.password)
    async with state.sessions() as db, db.begin():
        result = await erasure.erase_account(db, actor.user_id, state.rooms.clock())
        await db.execute(delete(TwoFactor).where(TwoFactor.user_id == actor.user_id))
        digests = await state.tokens.digests_of_user(db, actor.user_id)
    await end_web_sessions(state, digests)
    response = web.json_response(result.view())
    forget_session_cookie(state, response)
    return response
