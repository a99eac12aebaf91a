"""The hub REST API (docs/api.md): hubs and their settings, crisis lines (also public, before sign-in), staff
roles, training records, and the platform admin's accounts for new hub admins.

The rules are the domain's (rooms/hubs.py, rooms/staff.py); these handlers only wire HTTP to them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from rooms import community, hubs, staff, store, validate
from rooms.views import hub_view
from server import api_models as m
from server import api_models_hubs as h
from server import two_factor
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.crisis_defaults import CRISIS_DEFAULTS, lines_by_country
from server.http_api import once_more_on_conflict, path_int
from server.http_auth import require_strong
from server.http_errors import ApiError

routes = ApiRoutes()
STAFF_GATE = "two_factor_enrolment_required"  # server/two_factor_gate.py, for staff of a hub requiring it


@routes.api("GET", "/api/hubs", summary="List hubs", tag="hubs", result=m.HubList)
async def list_hubs(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.readers() as db, db.begin():
        found = [hub_view(hub) for hub in await store.list_hubs(db)]
    return web.json_response({"hubs": found})


@routes.api(
    "POST",
    "/api/hubs",
    summary="Create a hub (platform admin), with its country's crisis lines",
    tag="hubs",
    body=h.HubCreateBody,
    status=201,
    result=h.HubSettingsResult,
    refusals={400: ("invalid_time_zone", "markup_removed"), 403: ("forbidden", STAFF_GATE), 409: ("conflict",)},
    description="Its crisis lines start as GET /api/crisis-line-defaults/{country} (none for other countries).",
)
async def create_hub(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, h.HubCreateBody))
    defaults = lines_by_country(request.app[CRISIS_DEFAULTS])
    async with state.sessions() as db:
        hub = await hubs.do_create_hub(db, state.rooms, actor, body, defaults)
    return web.json_response({"hub": hub}, status=201)


@routes.api(
    "GET",
    "/api/hubs/{hub_id}",
    summary="A hub's settings (hub admin)",
    tag="hubs",
    result=h.HubSettingsResult,
    refusals={403: ("forbidden", STAFF_GATE)},
)
async def get_hub(request: web.Request) -> web.Response:
    return await _settings(request)


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/settings",
    summary="A hub's settings (hub admin); the same as GET /api/hubs/{hub_id}",
    tag="hubs",
    result=h.HubSettingsResult,
    refusals={403: ("forbidden", STAFF_GATE)},
)
async def get_hub_settings(request: web.Request) -> web.Response:
    return await _settings(request)


async def _settings(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        hub = await hubs.get_hub_settings(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"hub": hub})


@routes.api(
    "PATCH",
    "/api/hubs/{hub_id}",
    summary="Change a hub's settings (hub admin)",
    tag="hubs",
    body=h.HubUpdateBody,
    result=h.HubSettingsResult,
    refusals={
        400: ("invalid_time_zone", "markup_removed"),
        403: ("forbidden", STAFF_GATE),
        409: ("two_factor_not_enabled",),
    },
    description=(
        "Only the fields sent change. Requiring two-factor sign-in of the staff needs it on for yourself first, "
        "so you keep your powers. 400 also for a name that is empty once markup is removed."
    ),
)
async def update_hub(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, h.HubUpdateBody))
    hub_id = path_int(request, "hub_id")
    enabled = False
    if body.get("require_two_factor") is True:
        async with state.readers() as db, db.begin():
            enabled = await two_factor.is_enabled(db, actor.user_id)
    async with state.sessions() as db:
        hub = await hubs.do_update_hub(db, state.rooms, actor, hub_id, body, two_factor_enabled=enabled)
    return web.json_response({"hub": hub})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/crisis-lines",
    summary="Where to get help now: a hub's crisis lines, in order",
    tag="crisis lines",
    result=h.CrisisLines,
)
async def get_crisis_lines(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id = path_int(request, "hub_id")
    async with state.readers() as db:
        lines = await hubs.get_crisis_lines(db, state.rooms, actor, hub_id)
    return web.json_response({"hub_id": hub_id, "lines": lines})


@routes.api(
    "PUT",
    "/api/hubs/{hub_id}/crisis-lines",
    summary="Replace a hub's crisis lines (hub admin)",
    tag="crisis lines",
    body=h.CrisisLinesBody,
    result=h.CrisisLines,
    refusals={400: ("invalid_url",), 403: ("forbidden", STAFF_GATE)},
    description=(
        "The whole ordered list, at most 12. Each line needs a phone number, a way to text or a web address; "
        "a web address must be https:// with a host name (invalid_url otherwise)."
    ),
)
async def replace_crisis_lines(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, h.CrisisLinesBody))
    hub_id = path_int(request, "hub_id")
    async with state.sessions() as db:
        lines = await hubs.do_replace_crisis_lines(db, state.rooms, actor, hub_id, body.get("lines"))
    return web.json_response({"hub_id": hub_id, "lines": lines})


@routes.api(
    "GET",
    "/api/crisis-line-defaults/{country}",
    summary="A country's default crisis lines, with where each is published",
    tag="crisis lines",
    result=h.CrisisLineDefaults,
    description="404 for a country Alongside has no defaults for (a hub there starts with none).",
)
async def crisis_line_defaults(request: web.Request) -> web.Response:
    await request_actor(request)
    found = request.app[CRISIS_DEFAULTS].get(request.match_info["country"])
    if found is None:
        raise ApiError(404, "not_found", "Alongside has no default crisis lines for that country.")
    return web.json_response(found.view())


@routes.api(
    "GET",
    "/api/public/hubs",
    summary="Every hub and its crisis lines, for the page shown before sign-in",
    tag="crisis lines",
    auth=False,
    result=h.PublicHubList,
    description="Public: nothing about staff, members or settings.",
)
async def public_hubs(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.readers() as db:
        found = await hubs.public_hubs(db)
    return web.json_response({"hubs": found})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/staff",
    summary="A hub's staff, with facilitators' training standing (hub admin, senior peer)",
    tag="staff",
    result=h.StaffList,
    refusals={403: ("forbidden", STAFF_GATE)},
)
async def list_staff(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await staff.list_hub_staff(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"staff": found})


@routes.api(
    "POST",
    "/api/hubs/{hub_id}/staff",
    summary="Give a person a staff role (hub admin); giving one they hold changes nothing",
    tag="staff",
    body=h.StaffAddBody,
    status=201,
    result=h.StaffResult,
    refusals={403: ("forbidden", STAFF_GATE), 404: ("not_found",)},
    description="404 also when nobody has that pseudonym. Facilitating also needs current training on record.",
)
async def add_staff(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, h.StaffAddBody))
    hub_id = path_int(request, "hub_id")

    async def add() -> dict[str, Any]:
        async with state.sessions() as db:
            return await staff.do_add_staff(db, state.rooms, actor, hub_id, body)

    return web.json_response({"staff": await once_more_on_conflict(add)}, status=201)


@routes.api(
    "DELETE",
    "/api/hubs/{hub_id}/staff/{user_id}/{role}",
    summary="Take one staff role away (hub admin)",
    tag="staff",
    status=204,
    refusals={403: ("forbidden", STAFF_GATE), 409: ("last_admin",)},
    description=(
        "404 for a role the person does not hold. The hub's last admin stays unless a platform admin removes "
        "them (409 last_admin). A facilitator who loses the role leaves the rooms they are not a member of."
    ),
)
async def remove_staff_role(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id, user_id = path_int(request, "hub_id"), path_int(request, "user_id")
    async with state.sessions() as db:
        await staff.do_remove_staff_role(db, state.rooms, actor, hub_id, user_id, request.match_info["role"])
    return web.Response(status=204)


@routes.api(
    "POST",
    "/api/hubs/{hub_id}/training",
    summary="Record a completed training course (hub admin)",
    tag="staff",
    body=h.TrainingAddBody,
    status=201,
    result=h.TrainingResult,
    refusals={403: ("forbidden", STAFF_GATE), 404: ("not_found",)},
    description=(
        "400 when completed_on is in the future or expires_on is not after it; 404 when nobody has that "
        "pseudonym. A facilitator may facilitate while a record counts (completed_on to expires_on)."
    ),
)
async def add_training(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, h.TrainingAddBody))
    async with state.sessions() as db:
        record = await staff.do_add_training(db, state.rooms, actor, path_int(request, "hub_id"), body)
    return web.json_response({"training": record}, status=201)


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/training",
    summary="A hub's training records, with their status (hub admin, senior peer)",
    tag="staff",
    result=h.TrainingList,
    refusals={403: ("forbidden", STAFF_GATE)},
)
async def list_training(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await staff.list_training(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"training": found})


@routes.api(
    "DELETE",
    "/api/hubs/{hub_id}/training/{record_id}",
    summary="Delete a training record (hub admin)",
    tag="staff",
    status=204,
    refusals={403: ("forbidden", STAFF_GATE)},
    description="A facilitator it let facilitate, with no other current record, leaves the rooms at once.",
)
async def delete_training(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id, record_id = path_int(request, "hub_id"), path_int(request, "record_id")
    async with state.sessions() as db:
        await staff.do_delete_training(db, state.rooms, actor, hub_id, record_id)
    return web.Response(status=204)


@routes.api(
    "GET",
    "/api/me/training",
    summary="Your training records in every hub, with their status",
    tag="staff",
    result=h.TrainingList,
)
async def my_training(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await staff.my_training(db, state.rooms, actor)
    return web.json_response({"training": found})


@routes.api(
    "POST",
    "/api/admin/accounts",
    summary="Create an account (platform admin), e.g. for a new hub's admin",
    tag="hubs",
    body=h.AccountCreateBody,
    status=201,
    result=h.AccountResult,
    refusals={400: ("weak_password",), 403: ("forbidden", STAFF_GATE), 409: ("pseudonym_taken",)},
    description="The same password rule as sign-up. Then make them staff with POST /api/hubs/{hub_id}/staff.",
)
async def create_account(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    if not actor.is_platform_admin:
        raise ApiError(403, "forbidden", "Only platform admins can create accounts for others.")
    state = state_of(request)
    body = request_body(request, h.AccountCreateBody)
    pseudonym = validate.pseudonym(body.pseudonym)
    await require_strong(body.password, pseudonym, None)
    password_hash = await state.passwords.hash(body.password)
    async with state.sessions() as db, db.begin():
        user = await community.create_user(
            db, pseudonym=pseudonym, email=None, password_hash=password_hash, now=state.rooms.clock()
        )
        account = {"id": user.id, "pseudonym": user.pseudonym}
    return web.json_response({"account": account}, status=201)
