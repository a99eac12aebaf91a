"""Privacy and data rights over the real API (docs/privacy.md): sign-up accepts the hub's notice and terms and
confirms the minimum age; a hub admin edits them; "Download my data" holds the person's own messages and
nobody else's, and leaves safeguarding notes out saying why; "Delete my account" removes their messages and
name but leaves the safeguarding record's copies, and says so."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from rooms.models import Message, User
from rooms.safeguarding_models import Concern, ConcernEvent, ConcernMessage
from tests.conftest import DEMO_PASSWORD, Api, RunningServer
from tests.helpers_chat import call, send
from tests.helpers_privacy import raw_signup, user_named

STRONG = "a quiet lantern by the weir"


async def test_sign_up_accepts_the_notices_and_confirms_the_age(api_factory: Any, server: RunningServer) -> None:
    api: Api = await api_factory()
    status, notices = await api.call("GET", "/api/notices")
    assert status == 200 and notices["version"] == 1 and notices["minimum_age"] == 18
    assert notices["hub_id"] == 1 and notices["customised"] is False
    assert "UK GDPR" in notices["privacy_notice"] and notices["hub_name"] in notices["privacy_notice"]
    assert "not a medical, emergency" in notices["terms"]

    base = {"pseudonym": "Careful Wren", "password": STRONG}
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({}, 400, "notices_not_accepted"),
        ({"accept_notices": False, "confirm_minimum_age": True}, 400, "notices_not_accepted"),
        ({"accept_notices": True}, 400, "below_minimum_age"),
        ({"accept_notices": True, "confirm_minimum_age": True, "notice_version": 7}, 409, "notices_changed"),
        ({"accept_notices": True, "confirm_minimum_age": True, "hub_id": 999}, 404, "not_found"),
        (
            {"pseudonym": "Former Member", "accept_notices": True, "confirm_minimum_age": True},
            400,
            "pseudonym_reserved",
        ),
    ]
    for extra, status_code, code in cases:
        status, data = await raw_signup(api, {**base, **extra})
        assert (status, data["error"]["code"]) == (status_code, code), extra
        assert data["error"]["message"]
    assert await user_named(server, "Careful Wren") is None, "a refused sign-up creates nobody"
    assert (await api.call("GET", "/api/me"))[0] == 401

    status, data = await raw_signup(
        api, {**base, "accept_notices": True, "confirm_minimum_age": True, "notice_version": 1}
    )
    assert status == 201, data
    user = await user_named(server, "Careful Wren")
    assert user is not None and user.notice_hub_id == 1 and user.notice_version_accepted == 1
    assert user.minimum_age_confirmed == 18 and user.notices_accepted_at is not None


async def test_a_hub_admin_edits_the_notices_and_the_version_goes_up(api_factory: Any, server: RunningServer) -> None:
    admin, river, guest = await api_factory("hub-admin"), await api_factory("River"), await api_factory()
    change = {"privacy_notice": "Our own notice.\nWe keep little.", "terms": "Be kind.", "minimum_age": 16}
    status, data = await river.call("PUT", "/api/hubs/1/notices", change)
    assert (status, data["error"]["code"]) == (403, "forbidden")
    status, data = await admin.call("PUT", "/api/hubs/1/notices", change)
    assert status == 200 and data["version"] == 2 and data["customised"] is True and data["minimum_age"] == 16
    status, public = await guest.call("GET", "/api/hubs/1/notices")
    assert status == 200 and public["privacy_notice"] == "Our own notice.\nWe keep little." and public["version"] == 2
    assert (await admin.call("PUT", "/api/hubs/1/notices", change))[1]["version"] == 2, "no change, same version"

    body = {"pseudonym": "Late Reader", "password": STRONG, "accept_notices": True, "confirm_minimum_age": True}
    status, data = await raw_signup(guest, {**body, "notice_version": 1})
    assert (status, data["error"]["code"]) == (409, "notices_changed")
    status, data = await raw_signup(guest, {**body, "confirm_minimum_age": False})
    assert data["error"]["code"] == "below_minimum_age" and "16" in data["error"]["message"]
    assert (await raw_signup(guest, {**body, "notice_version": 2}))[0] == 201
    user = await user_named(server, "Late Reader")
    assert user is not None and (user.notice_version_accepted, user.minimum_age_confirmed) == (2, 16)


async def _concern_about(server: RunningServer, user_id: int, message: dict[str, Any]) -> int:
    """A safeguarding record about `user_id` with a copy of `message` and a lead's note."""
    now = server.state.rooms.clock()
    async with server.state.sessions() as db, db.begin():
        concern = Concern(
            hub_id=1,
            group_id=1,
            session_id=message["session_id"],
            subject_user_id=user_id,
            source="facilitator",
            tier="high",
            state="in_progress",
            created_at=now,
            updated_at=now,
        )
        db.add(concern)
        await db.flush()
        db.add(
            ConcernMessage(
                concern_id=concern.id,
                message_id=message["id"],
                group_id=1,
                author_id=user_id,
                author_pseudonym="River",
                author_role="member",
                body=message["body"],
                created_at=now,
                triggering=True,
            )
        )
        db.add(
            ConcernEvent(concern_id=concern.id, kind="note", note="Lead's private note about Willow", created_at=now)
        )
        return concern.id


async def test_download_my_data_holds_my_messages_and_not_others(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river_io, willow_io = await live_room["river"].socket(), await live_room["willow"].socket()
    for client in (river_io, willow_io):
        assert (await call(client, "room:join", {"group_id": 1}))["ok"]
    mine = await send(river_io, "River's own words for the export")
    assert (await send(willow_io, "Willow's words are not River's"))["ok"]
    river_id = int((await live_room["river"].call("GET", "/api/me"))[1]["user"]["id"])
    await _concern_about(server, river_id, mine["message"])

    river: Api = live_room["river"]
    async with river.http.get(river.base + "/api/me/export") as response:
        assert response.status == 200
        assert response.headers["Content-Disposition"].startswith('attachment; filename="alongside-my-data-')
        raw = await response.text()
    data = json.loads(raw)
    assert data["account"]["pseudonym"] == "River" and "password" not in raw.lower().replace("your password", "")
    assert [m["body"] for m in data["messages"]] == ["River's own words for the export"]
    assert data["messages"][0]["group"] and data["messages"][0]["created_at"]
    assert "Willow's words" not in raw
    assert any(ms["group_id"] == 1 for ms in data["memberships"])
    concerns = data["safeguarding_concerns_about_you"]
    assert [(c["state"], c["tier"]) for c in concerns] == [("in_progress", "high")]
    assert "Lead's private note" not in raw, "safeguarding notes are left out"
    assert any("serious harm" in item["why"] for item in data["left_out"])
    assert data["account"]["notices_accepted"]["notice_version"] in (None, 1)
    assert (await live_room["willow"].call("GET", "/api/me/export"))[0] == 200
    guest = Api(server.url)
    try:
        assert (await guest.call("GET", "/api/me/export"))[0] == 401
    finally:
        await guest.close()


async def test_delete_my_account_leaves_the_safeguarding_copy_and_says_so(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    river: Api = live_room["river"]
    river_io, willow_io = await river.socket(), await live_room["willow"].socket()
    for client in (river_io, willow_io):
        assert (await call(client, "room:join", {"group_id": 1}))["ok"]
    first = await send(river_io, "Something River wrote")
    assert (await send(river_io, "And a second thing"))["ok"]
    river_id = int((await river.call("GET", "/api/me"))[1]["user"]["id"])
    await _concern_about(server, river_id, first["message"])

    status, data = await river.call("DELETE", "/api/me", {"password": "not the password"})
    assert (status, data["error"]["code"]) == (403, "invalid_credentials")
    assert (await river.call("GET", "/api/me"))[0] == 200, "a wrong password changes nothing"

    status, data = await river.call("DELETE", "/api/me", {"password": DEMO_PASSWORD["River"]})
    assert status == 200, data
    assert data["erased"] is True and data["messages_removed"] == 2 and data["kept_in_safeguarding_records"] == 1
    assert "safeguarding record" in data["explanation"]
    assert (await river.call("GET", "/api/me"))[0] == 401, "signed out"
    again = Api(server.url)
    try:
        status, _ = await again.call(
            "POST", "/api/auth/login", {"pseudonym": "River", "password": DEMO_PASSWORD["River"]}
        )
        assert status == 401
    finally:
        await again.close()

    willow_view = await call(willow_io, "history:before", {"group_id": 1, "before_id": 10**9, "limit": 50})
    theirs = [m for m in willow_view["messages"] if m["author"]["id"] == river_id]
    assert len(theirs) == 2
    assert all(m["author"]["display_name"] == "former member" and m["body"] == "" and m["removed"] for m in theirs)
    async with server.state.sessions() as db, db.begin():
        user = await db.get(User, river_id)
        assert user is not None and user.erased_at is not None and user.email is None
        assert user.pseudonym == "former member"
        bodies = (await db.execute(select(Message.body).where(Message.author_id == river_id))).scalars().all()
        assert bodies == ["", ""]
        kept = (await db.execute(select(ConcernMessage.body))).scalars().all()
        assert kept == ["Something River wrote"], "the safeguarding copy is not touched"
    when = dt.datetime.now(dt.UTC)
    assert user.erased_at <= when
