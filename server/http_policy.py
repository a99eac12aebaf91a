"""REST routes of a hub's word list, for its admins (moderation/word_list_admin.py; docs/hooks.md)."""

from __future__ import annotations

from aiohttp import web

from moderation import word_list_admin
from server import api_models_policy as pm
from server.api_spec import ApiRoutes, domain_values, request_actor, request_body, state_of
from server.http_api import path_int

routes = ApiRoutes()


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/word-list",
    summary="The hub's word list (hub admin)",
    tag="moderation",
    result=pm.WordList,
    refusals={403: ("forbidden",)},
    description="Words and phrases with their action: hold a message for review, refuse it (with the reason), "
    "or flag it for facilitators. Matched as whole words in any script, in any spelling that reads the same.",
)
async def list_word_list(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        entries = await word_list_admin.list_entries(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"entries": entries})


@routes.api(
    "POST",
    "/api/hubs/{hub_id}/word-list",
    summary="Add a word or phrase to the hub's word list (hub admin)",
    tag="moderation",
    body=pm.WordListEntryBody,
    status=201,
    result=pm.WordListEntryResult,
    refusals={400: ("word_list_flag_only",), 403: ("forbidden",), 409: ("word_list_duplicate", "word_list_full")},
    description="Words of distress (such as die, kill, cut) may only flag, never hold or refuse "
    "(word_list_flag_only): someone in distress must always be heard.",
)
async def add_word_list_entry(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = domain_values(request_body(request, pm.WordListEntryBody))
    async with state.sessions() as db:
        entry = await word_list_admin.add_entry(db, state.rooms, actor, path_int(request, "hub_id"), body)
    return web.json_response({"entry": entry}, status=201)


@routes.api(
    "DELETE",
    "/api/hubs/{hub_id}/word-list/{entry_id}",
    summary="Remove an entry from the hub's word list (hub admin)",
    tag="moderation",
    status=204,
    refusals={403: ("forbidden",), 404: ("not_found",)},
)
async def delete_word_list_entry(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        await word_list_admin.delete_entry(
            db, state.rooms, actor, path_int(request, "hub_id"), path_int(request, "entry_id")
        )
    return web.Response(status=204)
