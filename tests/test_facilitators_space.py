"""The facilitators' space: trained facilitators from every hub meet in one standing room; members,
untrained staff and facilitators whose training expired cannot enter it or even see it."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from tests.conftest import RunningServer, platform_admin
from tests.helpers_chat import Inbox, call, send
from tests.helpers_staff import make_trained_facilitator

STRONG = "a quiet lantern by the weir"


async def second_hub_facilitator(server: RunningServer, api_factory: Any) -> Any:
    """A trained facilitator of another hub, made through the API as a platform admin would."""
    root = await platform_admin(server, api_factory)
    status, data = await root.call(
        "POST", "/api/hubs", {"name": "Hillside Hub", "slug": f"hill-{secrets.token_hex(3)}"}
    )
    assert status == 201, data
    hub_id = data["hub"]["id"]
    pseudonym = f"Hill{secrets.token_hex(3)}"
    assert (await root.call("POST", "/api/admin/accounts", {"pseudonym": pseudonym, "password": STRONG}))[0] == 201
    assert (await root.call("POST", f"/api/hubs/{hub_id}/staff", {"pseudonym": pseudonym, "role": "facilitator"}))[
        0
    ] in (200, 201)
    today = server.state.rooms.clock().date()
    training = {
        "pseudonym": pseudonym,
        "course": "Peer facilitation",
        "completed_on": (today - dt.timedelta(days=10)).isoformat(),
        "expires_on": (today + dt.timedelta(days=300)).isoformat(),
    }
    assert (await root.call("POST", f"/api/hubs/{hub_id}/training", training))[0] == 201
    api = await api_factory()
    await api.login(pseudonym, STRONG)
    return api


async def test_trained_facilitators_of_two_hubs_talk_in_the_space(server: RunningServer, api_factory: Any) -> None:
    sam = await api_factory("Sam")
    hill = await second_hub_facilitator(server, api_factory)
    status, data = await sam.call("GET", "/api/facilitators-space")
    assert status == 200, data
    space = data["group"]
    assert space["my_role"] == "facilitator" and space["session"]["status"] == "live", "open without anyone starting it"
    assert (await hill.call("GET", "/api/facilitators-space"))[1]["group"]["id"] == space["id"]

    sam_io, hill_io = await sam.socket(), await hill.socket()
    sam_inbox = Inbox(sam_io)
    assert (await call(sam_io, "room:join", {"group_id": space["id"]}))["role"] == "facilitator"
    assert (await call(hill_io, "room:join", {"group_id": space["id"]}))["ok"]
    said = await send(hill_io, "How do you close a session when someone is upset?", group_id=space["id"])
    assert said["ok"], said
    await sam_inbox.wait_for("message:new", lambda d: d["message"]["id"] == said["message"]["id"])

    # Everyone leaving does not pause it: it is a standing room of facilitators.
    await call(hill_io, "room:leave", {"group_id": space["id"]})
    await call(sam_io, "room:leave", {"group_id": space["id"]})
    assert (await call(sam_io, "room:join", {"group_id": space["id"]}))["session"]["status"] == "live"
    end = await sam.call("POST", f"/api/sessions/{space['session']['id']}/end")
    assert end[0] == 409 and end[1]["error"]["code"] == "standing_room"

    # It is in nobody's directory.
    for api in (sam, hill):
        directory = (await api.call("GET", "/api/groups"))[1]["groups"]
        assert space["id"] not in {g["id"] for g in directory}
    assert space["id"] not in {g["id"] for g in (await sam.call("GET", "/api/public/groups"))[1]["groups"]}


async def test_members_and_lapsed_facilitators_cannot_enter_or_see_the_space(
    server: RunningServer, api_factory: Any
) -> None:
    sam = await api_factory("Sam")
    space_id = (await sam.call("GET", "/api/facilitators-space"))[1]["group"]["id"]
    river = await api_factory("River")
    assert (await river.call("GET", "/api/facilitators-space"))[0] == 404
    river_io = await river.socket()
    refused = await call(river_io, "room:join", {"group_id": space_id})
    assert refused["ok"] is False and refused["error"]["code"] in ("not_member", "not_found")

    await make_trained_facilitator(
        server, "Willow", expires_on=server.state.rooms.clock().date() - dt.timedelta(days=1)
    )
    willow = await api_factory("Willow")
    assert (await willow.call("GET", "/api/facilitators-space"))[0] == 404, "expired training: not a facilitator"
    willow_io = await willow.socket()
    assert (await call(willow_io, "room:join", {"group_id": space_id}))["ok"] is False


async def test_only_a_platform_admin_opens_the_space_and_there_is_one(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    assert (await admin.call("POST", "/api/facilitators-space", {"hub_id": 1}))[0] == 403
    root = await platform_admin(server, api_factory)
    first = await root.call("POST", "/api/facilitators-space", {"hub_id": 1})
    again = await root.call("POST", "/api/facilitators-space", {"hub_id": 1})
    assert first[0] == again[0] == 200 and first[1]["group"]["id"] == again[1]["group"]["id"]
