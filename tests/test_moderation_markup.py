"""Staff see what the sanitiser removed before anyone reads the rest (docs/security.md, "Markup in staff text"):
text that loses markup when cleaned is refused with `markup_removed` and the text it would read as, and changes
nothing; sent again as cleaned, it is stored. So `<script>alert(1)</script>` never leaves a stray "alert(1)" that
members read without its author having seen it first. Over REST and over Socket.IO (a facilitator's reasons)."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import Api, RunningServer
from tests.helpers_chat import call
from tests.helpers_moderation import code, enter, heard_everything, log_count, user_id_of

HOSTILE = "<b>Gentle</b> conversation <script>alert(1)</script>"
CLEANED = "Gentle conversation alert(1)"


async def description_of(api: Api) -> str:
    status, data = await api.call("GET", "/api/groups/1")
    assert status == 200, data
    return str(data["group"]["description"])


async def test_a_description_that_loses_markup_is_refused_with_what_it_would_read(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    before = await description_of(river)
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": HOSTILE})
    assert (status, data["error"]["code"]) == (400, "markup_removed"), data
    assert f'"{CLEANED}"' in data["error"]["message"], "the author is shown the cleaned text"
    assert await description_of(river) == before, "nothing changed: no member reads a stray alert(1)"

    status, data = await admin.call("PATCH", "/api/groups/1", {"description": CLEANED})
    assert status == 200 and data["group"]["description"] == CLEANED, "sent again as it reads, it is stored"
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": "Tom &amp; Jo <3\r\nall welcome"})
    assert status == 200, "entities, a heart and Windows line endings are not markup"

    for body in ({"tags": ["<b>anxiety</b>"]}, {"name": "Circle <img src=x onerror=alert(1)>"}):
        status, data = await admin.call("PATCH", "/api/groups/1", body)
        assert (status, data["error"]["code"]) == (400, "markup_removed"), body
    status, data = await admin.call("POST", "/api/hubs/1/groups", {"name": "New", "agreement": "<svg onload=x()"})
    assert (status, data["error"]["code"]) == (400, "markup_removed")
    assert '"svg onload=x()"' in data["error"]["message"]
    status, data = await admin.call("PATCH", "/api/hubs/1", {"about": "<i>Peer</i> support"})
    assert (status, data["error"]["code"]) == (400, "markup_removed")


async def test_a_reason_a_member_would_read_is_refused_until_its_author_saw_it(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    sam_io, _, _ = await enter(live_room["sam"])
    river_io, river, _ = await enter(live_room["river"])
    _, willow, _ = await enter(live_room["willow"])
    river_id = user_id_of(await call(sam_io, "room:join", {"group_id": 1}), "River")
    before = await log_count(server)

    muted = await call(sam_io, "mod:mute", {"group_id": 1, "user_id": river_id, "minutes": 5, "reason": HOSTILE})
    assert code(muted) == "markup_removed"
    assert muted["error"]["cleaned"] == CLEANED and muted["error"]["field"] == "reason"
    assert await log_count(server) == before, "nothing was done"
    assert (await call(river_io, "message:send", {"group_id": 1, "client_id": "c1", "body": "still here"}))["ok"]

    muted = await call(sam_io, "mod:mute", {"group_id": 1, "user_id": river_id, "minutes": 5, "reason": CLEANED})
    assert muted["ok"], muted
    told = await river.wait_for("mod:muted")
    assert told["reason"] == CLEANED, "the member reads what the facilitator was shown"
    await heard_everything(sam_io, willow)
    assert "<script" not in json.dumps(river.events) + json.dumps(willow.events)
