"""Input that costs or changes things: who is asking is checked first, hub fields are cleaned like group
fields, and control characters are refused with a code instead of being silently removed."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer, platform_admin
from tests.helpers_chat import call, counts_of, send

WORST = {"name": "x", "description": "<" * 4000, "agreement": "<<a" * 6000}  # within every length limit


def count_cleaning(server: RunningServer) -> list[int]:
    """Record each call of the server's text cleaner (it still cleans): how we see whether it ran."""
    calls: list[int] = []
    ctx = server.state.rooms
    original = ctx.clean_text

    async def recording(text: str) -> str:
        calls.append(len(text))
        return await original(text)

    ctx.clean_text = recording
    return calls


async def test_text_is_not_cleaned_for_someone_who_may_not_change_the_group(
    server: RunningServer, api_factory: Any
) -> None:
    calls = count_cleaning(server)
    river = await api_factory("River")  # a member, not a hub admin
    for method, path in (("PATCH", "/api/groups/1"), ("POST", "/api/hubs/1/groups")):
        status, data = await river.call(method, path, WORST)
        assert status == 403 and data["error"]["code"] == "forbidden", (method, data)
    status, data = await river.call("POST", "/api/hubs", {"slug": "mine", "name": "<a" * 60})
    assert status == 403
    assert calls == [], "nothing was cleaned for a refused request"

    admin = await api_factory("hub-admin")
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": "<b>Open</b> to all"})
    assert status == 400 and data["error"]["code"] == "markup_removed", "cleaned, and shown to its author"
    assert calls == [len("<b>Open</b> to all")]


async def test_worst_case_text_from_an_admin_is_cleaned_and_stored(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": "<" * 4000})
    assert status == 200 and data["group"]["description"] == "<" * 4000
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": "<a" * 1998 + "kept"})
    assert status == 400 and data["error"]["code"] == "markup_removed", "cleaned, and shown to its author"
    status, data = await admin.call("PATCH", "/api/groups/1", {"description": "a" * 1998 + "kept"})
    assert status == 200 and data["group"]["description"] == "a" * 1998 + "kept"


async def test_oversized_raw_text_is_refused_before_cleaning(server: RunningServer, api_factory: Any) -> None:
    calls = count_cleaning(server)
    admin = await api_factory("hub-admin")
    status, data = await admin.call("PATCH", "/api/groups/1", {"name": "<b></b>" * 100})
    assert status == 400 and "name" in data["error"]["message"]
    assert calls == []


async def test_hub_name_and_locality_are_cleaned_like_group_fields(server: RunningServer, api_factory: Any) -> None:
    admin = await platform_admin(server, api_factory)
    status, data = await admin.call(
        "POST", "/api/hubs", {"slug": "east", "name": "<b>East</b> hub", "locality": "<script>x</script>Leeds"}
    )
    assert (status, data["error"]["code"]) == (400, "markup_removed"), data
    assert '"East hub"' in data["error"]["message"]
    status, data = await admin.call("POST", "/api/hubs", {"slug": "east", "name": "East hub", "locality": "Leeds"})
    assert status == 201, data
    assert data["hub"]["name"] == "East hub" and data["hub"]["locality"] == "Leeds"
    status, data = await admin.call("POST", "/api/hubs", {"slug": "west", "name": "West\x00hub"})
    assert status == 400 and data["error"]["code"] in ("control_characters", "invalid_payload")
    status, data = await admin.call("GET", "/api/hubs")
    assert [hub["slug"] for hub in data["hubs"]].count("west") == 0


async def test_a_control_character_in_a_message_is_refused_with_a_code(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io = await live_room["river"].socket()
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    count = counts_of(server)
    before = await count()
    for body in ("before\x00after", "bell\x07", "escape \x1b[31m red"):
        ack = await send(river_io, body)
        assert ack["ok"] is False and ack["error"]["code"] == "control_characters", body
    assert await count() == before, "nothing was stored"
    tab_and_lines = await send(river_io, "a\tb\r\nc")
    assert tab_and_lines["ok"] and tab_and_lines["message"]["body"] == "a\tb\nc"


async def test_email_addresses_are_checked_properly_and_normalised(api_factory: Any) -> None:
    api = await api_factory()
    password = "quiet harbour lanterns 4417"
    for bad in ("a@b", "x@@y.org", "x@y.org<script>", "two@at@signs.org", "@no-local.org", "dots..@y.org"):
        body = {"pseudonym": "Mail Tester", "password": password, "email": bad}
        status, data = await api.call("POST", "/api/auth/signup", body)
        assert status == 400 and data["error"]["code"] == "invalid_payload", (bad, data)
    body = {"pseudonym": "Mail Tester", "password": password, "email": "Sam.Peer@Example.ORG"}
    status, data = await api.call("POST", "/api/auth/signup", body)
    assert status == 201 and data["user"]["email"] == "Sam.Peer@example.org", data


def test_a_slug_with_a_trailing_newline_is_refused() -> None:
    import pytest

    from rooms import validate
    from rooms.errors import InvalidInput

    assert validate.slug("riverside") == "riverside"
    with pytest.raises(InvalidInput):
        validate.slug("riverside\n")  # `$` in re.match lets a final newline through; fullmatch does not
