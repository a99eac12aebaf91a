"""Group administration over real HTTP and Socket.IO: settings, archiving, agreement history, members,
joining modes (open within capacity, by request, by invitation) and refusals across hubs."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

import pytest

from tests.conftest import Api, RunningServer, client_id, open_session, platform_admin
from tests.helpers_auth import FakeClock
from tests.helpers_chat import NS, Inbox, call, send


async def newcomer(api_factory: Any, name: str | None = None) -> Api:
    """A freshly signed-up person, signed in."""
    api: Api = await api_factory()
    pseudonym = name or f"Newcomer {secrets.token_hex(3)}"
    status, data = await api.call("POST", "/api/auth/signup", {"pseudonym": pseudonym, "password": "a long password"})
    assert status == 201, data
    return api


async def patch(admin: Api, body: dict[str, Any], group_id: int = 1) -> dict[str, Any]:
    status, data = await admin.call("PATCH", f"/api/groups/{group_id}", body)
    assert status == 200, data
    group: dict[str, Any] = data["group"]
    return group


async def settings_of(api: Api, group_id: int = 1) -> tuple[Any, ...]:
    """The settings fields of a group as `api` sees them, to show a refusal changed nothing."""
    status, data = await api.call("GET", f"/api/groups/{group_id}")
    assert status == 200, data
    group = data["group"]
    fields = ("visibility", "joining", "capacity", "tags", "archived", "member_count", "agreement_version")
    return tuple(group[field] for field in fields)


async def user_id_of(api: Api) -> int:
    status, data = await api.call("GET", "/api/me")
    assert status == 200
    return int(data["user"]["id"])


# ---- settings ------------------------------------------------------------------------------------------------


async def test_settings_change_and_show_in_the_group_view(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    status, data = await river.call("GET", "/api/groups/1")
    assert status == 200
    before = data["group"]
    assert (before["visibility"], before["joining"], before["capacity"]) == ("listed", "open", None)
    assert (before["member_count"], before["archived"], before["join_request"]) == (2, False, None)

    group = await patch(
        admin,
        {
            "visibility": "unlisted",
            "joining": "request",
            "capacity": 12,
            "tags": ["  Hearing   Voices ", "CARERS", "carers", "\uff2c\uff27\uff22\uff34\uff31+", "anxiety"],
        },
    )
    assert (group["visibility"], group["joining"], group["capacity"]) == ("unlisted", "request", 12)
    assert group["tags"] == ["anxiety", "carers", "hearing voices", "lgbtq+"]
    assert group["name"] == "Thursday evening circle" and group["agreement_version"] == 1, "the rest is unchanged"
    status, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["tags"] == group["tags"] and data["group"]["capacity"] == 12
    status, directory = await river.call("GET", "/api/groups")
    listed = next(g for g in directory["groups"] if g["id"] == 1)
    assert listed["tags"] == group["tags"] and listed["member_count"] == 2 and listed["visibility"] == "unlisted"

    group = await patch(admin, {"capacity": None, "tags": [], "visibility": "listed", "joining": "open"})
    assert (group["capacity"], group["tags"], group["visibility"], group["joining"]) == (None, [], "listed", "open")


@pytest.mark.parametrize(
    "body",
    [
        {"capacity": 1},
        {"capacity": 501},
        {"capacity": "12"},
        {"visibility": "secret"},
        {"joining": "anyone"},
        {"archived": "yes"},
        {"tags": "carers"},
        {"tags": [f"tag {n}" for n in range(9)]},
        {"tags": [""]},
        {"tags": ["   "]},
        {"tags": ["<i></i>"]},
        {"tags": ["x" * 41]},
        {"tags": ["bad\u0000tag"]},
        {"tags": [7]},
    ],
)
async def test_bad_settings_are_refused_and_change_nothing(api_factory: Any, body: dict[str, Any]) -> None:
    admin = await api_factory("hub-admin")
    before = await settings_of(admin)
    status, data = await admin.call("PATCH", "/api/groups/1", body)
    assert status == 400 and data["error"]["code"] in ("invalid_payload", "control_characters"), data
    assert await settings_of(admin) == before


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_only_hub_admins_change_settings(api_factory: Any, who: str) -> None:
    api = await api_factory(who)
    before = await settings_of(api)
    for body in ({"archived": True}, {"capacity": 5}, {"tags": ["mine"]}, {"joining": "invitation"}):
        status, data = await api.call("PATCH", "/api/groups/1", body)
        assert status == 403 and data["error"]["code"] == "forbidden"
    assert await settings_of(api) == before


async def test_platform_admins_change_settings(server: RunningServer, api_factory: Any) -> None:
    root = await platform_admin(server, api_factory)
    assert (await patch(root, {"tags": ["Carers"]}))["tags"] == ["carers"]


# ---- archive -------------------------------------------------------------------------------------------------


async def test_archiving_ends_the_session_and_makes_the_group_read_only(
    live_room: dict[str, Any], api_factory: Any, server: RunningServer
) -> None:
    from rooms.models import GroupSession

    sam, river = live_room["sam"], live_room["river"]
    admin = await api_factory("hub-admin")
    river_io = await river.socket()
    inbox = Inbox(river_io)
    assert (await call(river_io, "room:join", {"group_id": 1}))["ok"]
    assert (await send(river_io, "before archiving"))["ok"]

    group = await patch(admin, {"archived": True})
    assert group["archived"] is True and group["session"]["status"] == "ended"
    ended = await inbox.wait_for("session:updated", lambda d: d["session"]["status"] == "ended")
    assert ended["session"]["id"] == live_room["session"]["id"]
    async with server.state.sessions() as db, db.begin():
        stored = await db.get(GroupSession, live_room["session"]["id"])
        assert stored is not None and stored.end_reason == "archived" and stored.ended_at is not None

    refused = await send(river_io, "after archiving")
    assert refused["ok"] is False and refused["error"]["code"] == "session_not_live"
    for body in ({}, {"scheduled_for": "2099-01-01T18:00:00Z"}):
        status, data = await sam.call("POST", "/api/groups/1/sessions", body)
        assert status == 409 and data["error"]["code"] == "group_archived", data
    joiner = await newcomer(api_factory)
    status, data = await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 409 and data["error"]["code"] == "group_archived"
    status, data = await joiner.call("GET", "/api/groups/1")
    assert data["group"]["membership"] is None and data["group"]["member_count"] == 2
    status, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["archived"] is True and data["group"]["membership"] is not None, "members still read it"

    assert (await patch(admin, {"archived": False}))["archived"] is False
    await open_session(sam)
    assert (await send(river_io, "back again"))["ok"]
    status, data = await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 200 and data["group"]["my_role"] == "member"


async def test_archiving_twice_keeps_the_first_time(api_factory: Any, server: RunningServer) -> None:
    from rooms.models import Group

    admin = await api_factory("hub-admin")
    await patch(admin, {"archived": True})
    async with server.state.sessions() as db, db.begin():
        first = (await db.get(Group, 1)).archived_at  # type: ignore[union-attr]
    await patch(admin, {"archived": True, "name": "Thursday circle (closed)"})
    async with server.state.sessions() as db, db.begin():
        assert (await db.get(Group, 1)).archived_at == first  # type: ignore[union-attr]


# ---- agreement history ---------------------------------------------------------------------------------------


async def test_agreement_history_newest_first(api_factory: Any) -> None:
    admin, river, sam = await api_factory("hub-admin"), await api_factory("River"), await api_factory("Sam")
    await patch(admin, {"agreement": "Second version: be kind."})
    await patch(admin, {"agreement": "Second version: be kind."})  # unchanged text: no new version
    await patch(admin, {"agreement": "Third version: be kind and brief."})
    for reader in (river, sam, admin):
        status, data = await reader.call("GET", "/api/groups/1/agreement/versions")
        assert status == 200, data
        versions = data["versions"]
        assert [v["version"] for v in versions] == [3, 2, 1]
        assert versions[0]["text"] == "Third version: be kind and brief." and versions[0]["created_by"] == "hub-admin"
        assert versions[2]["created_by"] is None, "the seeded first version has no recorded author"
        assert versions[0]["created_at"].endswith("Z")
    stranger = await newcomer(api_factory)
    status, data = await stranger.call("GET", "/api/groups/1/agreement/versions")
    assert status == 403 and data["error"]["code"] == "forbidden"


# ---- members -------------------------------------------------------------------------------------------------


async def test_members_are_listed_to_admins_and_facilitators_only(api_factory: Any) -> None:
    admin, sam, river = await api_factory("hub-admin"), await api_factory("Sam"), await api_factory("River")
    await patch(admin, {"agreement": "A changed agreement."})
    await river.call("PUT", "/api/groups/1/membership", {"agreement_version": 2})
    for reader in (admin, sam):
        status, data = await reader.call("GET", "/api/groups/1/members")
        assert status == 200, data
        members = {m["pseudonym"]: m for m in data["members"]}
        assert set(members) == {"River", "Willow"}
        assert (members["River"]["agreement_version"], members["River"]["current"]) == (2, True)
        assert (members["Willow"]["agreement_version"], members["Willow"]["current"]) == (1, False)
        assert members["River"]["joined_at"].endswith("Z") and isinstance(members["River"]["user_id"], int)
    status, data = await river.call("GET", "/api/groups/1/members")
    assert status == 403 and data["error"]["code"] == "forbidden"


async def test_a_removed_member_leaves_the_room_at_once(live_room: dict[str, Any], api_factory: Any) -> None:
    sam, river = live_room["sam"], live_room["river"]
    admin = await api_factory("hub-admin")
    await open_session(sam, group_id=2)  # River is also in group 2: its room carries the sentinel
    river_io, sam_io = await river.socket(), await sam.socket()
    inbox = Inbox(river_io)
    river_io.on("room:removed", inbox._recorder("room:removed"), namespace=NS)
    for group_id in (1, 2):
        assert (await call(river_io, "room:join", {"group_id": group_id}))["ok"]
        assert (await call(sam_io, "room:join", {"group_id": group_id}))["ok"]
    river_id = await user_id_of(river)

    assert (await admin.call("DELETE", f"/api/groups/1/members/{river_id}"))[0] == 204
    assert (await inbox.wait_for("room:removed")) == {"group_id": 1}
    heard_before = len([d for d in inbox.of("message:new") if d["message"]["group_id"] == 1])
    assert (await send(sam_io, "said after River was removed", group_id=1))["ok"]
    assert (await send(sam_io, "sentinel", group_id=2))["ok"]
    await inbox.wait_for("message:new", lambda d: d["message"]["body"] == "sentinel")
    heard = [d["message"]["body"] for d in inbox.of("message:new") if d["message"]["group_id"] == 1]
    assert len(heard) == heard_before and "said after River was removed" not in heard
    refused = await call(river_io, "message:send", {"group_id": 1, "client_id": client_id(), "body": "still here?"})
    assert refused["error"]["code"] == "not_in_room"
    status, data = await river.call("GET", "/api/groups/1")
    assert data["group"]["membership"] is None and data["group"]["member_count"] == 1
    status, data = await admin.call("DELETE", f"/api/groups/1/members/{river_id}")
    assert status == 404 and data["error"]["code"] == "not_member"


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_only_hub_admins_remove_members(api_factory: Any, who: str) -> None:
    api, willow = await api_factory(who), await api_factory("Willow")
    status, data = await api.call("DELETE", f"/api/groups/1/members/{await user_id_of(willow)}")
    assert status == 403 and data["error"]["code"] == "forbidden"
    assert (await willow.call("GET", "/api/groups/1"))[1]["group"]["membership"] is not None


# ---- joining: open, within capacity --------------------------------------------------------------------------


async def test_capacity_refuses_new_members_but_not_renewals(api_factory: Any) -> None:
    admin, river = await api_factory("hub-admin"), await api_factory("River")
    await patch(admin, {"capacity": 2})  # River and Willow: full
    joiner = await newcomer(api_factory)
    status, data = await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 409 and data["error"]["code"] == "group_full"
    assert (await river.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}))[0] == 200
    await patch(admin, {"agreement": "Changed while full."})
    status, data = await river.call("PUT", "/api/groups/1/membership", {"agreement_version": 2})
    assert status == 200 and data["group"]["membership"]["current"] is True, "renewing is always allowed"
    await patch(admin, {"capacity": 3})
    status, data = await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 2})
    assert status == 200 and data["group"]["member_count"] == 3
    second = await newcomer(api_factory)
    status, data = await second.call("PUT", "/api/groups/1/membership", {"agreement_version": 2})
    assert status == 409 and data["error"]["code"] == "group_full"


async def test_two_people_racing_for_the_last_place_do_not_both_get_it(api_factory: Any) -> None:
    import asyncio

    admin = await api_factory("hub-admin")
    await patch(admin, {"capacity": 3})  # River and Willow, and one place left
    first, second = await newcomer(api_factory), await newcomer(api_factory)
    outcomes = await asyncio.gather(
        *(person.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}) for person in (first, second))
    )
    statuses = sorted(status for status, _ in outcomes)
    assert statuses == [200, 409], outcomes
    assert next(data for status, data in outcomes if status == 409)["error"]["code"] == "group_full"
    assert (await settings_of(admin))[5] == 3


async def test_capacity_lowered_below_the_member_count_keeps_everyone(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    joiner = await newcomer(api_factory)
    assert (await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}))[0] == 200
    group = await patch(admin, {"capacity": 2})
    assert (group["capacity"], group["member_count"]) == (2, 3)
    _, data = await admin.call("GET", "/api/groups/1/members")
    assert len(data["members"]) == 3


# ---- joining: by request -------------------------------------------------------------------------------------


async def test_joining_by_request_waits_for_a_hub_admin(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await patch(admin, {"joining": "request"})
    asker, declined = await newcomer(api_factory, "Asking Person"), await newcomer(api_factory)
    for person in (asker, asker, declined):  # asking twice keeps one request
        status, data = await person.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
        assert (status, data) == (202, {"request": {"status": "pending"}})
    status, data = await asker.call("GET", "/api/groups/1")
    assert data["group"]["membership"] is None and data["group"]["join_request"] == {"status": "pending"}
    status, data = await admin.call("GET", "/api/groups/1/join-requests")
    assert status == 200 and data["requests"][0]["pseudonym"] == "Asking Person"
    assert len(data["requests"]) == 2, "asking twice keeps one request"
    assert all(r["status"] == "pending" and r["requested_at"].endswith("Z") for r in data["requests"])

    asker_id, declined_id = await user_id_of(asker), await user_id_of(declined)
    status, data = await admin.call("POST", f"/api/groups/1/join-requests/{asker_id}/approve")
    assert status == 200 and data["request"]["status"] == "approved" and data["request"]["decided_at"]
    status, data = await asker.call("GET", "/api/groups/1")
    group = data["group"]
    assert group["my_role"] == "member" and group["membership"]["current"] is True
    assert group["join_request"] == {"status": "approved"}
    status, data = await admin.call("POST", f"/api/groups/1/join-requests/{declined_id}/decline")
    assert status == 200 and data["request"]["status"] == "declined"
    status, data = await declined.call("GET", "/api/groups/1")
    assert data["group"]["membership"] is None and data["group"]["join_request"] == {"status": "declined"}
    status, data = await admin.call("GET", "/api/groups/1/join-requests")
    assert data["requests"] == []
    for user_id, action in ((asker_id, "approve"), (declined_id, "approve"), (declined_id, "decline")):
        status, data = await admin.call("POST", f"/api/groups/1/join-requests/{user_id}/{action}")
        assert status == 404 and data["error"]["code"] == "not_found", "only pending requests are decided"
    # Asking again after a decline makes a new pending request.
    status, data = await declined.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 202


async def test_approval_after_the_agreement_changed_asks_for_the_new_one(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await patch(admin, {"joining": "request"})
    asker = await newcomer(api_factory)
    assert (await asker.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}))[0] == 202
    await patch(admin, {"agreement": "A new agreement, written while they waited."})
    status, _ = await admin.call("POST", f"/api/groups/1/join-requests/{await user_id_of(asker)}/approve")
    assert status == 200
    status, data = await asker.call("GET", "/api/groups/1")
    assert data["group"]["membership"]["agreement_version"] == 1 and data["group"]["membership"]["current"] is False
    assert data["group"]["my_role"] == "member"
    status, data = await asker.call("PUT", "/api/groups/1/membership", {"agreement_version": 2})
    assert status == 200 and data["group"]["membership"]["current"] is True


async def test_approval_respects_capacity_and_archiving(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await patch(admin, {"joining": "request", "capacity": 2})
    asker = await newcomer(api_factory)
    assert (await asker.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}))[0] == 202
    asker_id = await user_id_of(asker)
    status, data = await admin.call("POST", f"/api/groups/1/join-requests/{asker_id}/approve")
    assert status == 409 and data["error"]["code"] == "group_full"
    await patch(admin, {"capacity": None, "archived": True})
    status, data = await admin.call("POST", f"/api/groups/1/join-requests/{asker_id}/approve")
    assert status == 409 and data["error"]["code"] == "group_archived"
    status, data = await admin.call("GET", "/api/groups/1/join-requests")
    assert [r["user_id"] for r in data["requests"]] == [asker_id], "still pending"


@pytest.mark.parametrize("who", ["River", "Sam"])
async def test_only_hub_admins_decide_requests(api_factory: Any, who: str) -> None:
    admin, api = await api_factory("hub-admin"), await api_factory(who)
    await patch(admin, {"joining": "request"})
    asker = await newcomer(api_factory)
    await asker.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    asker_id = await user_id_of(asker)
    for method, path in [
        ("GET", "/api/groups/1/join-requests"),
        ("POST", f"/api/groups/1/join-requests/{asker_id}/approve"),
        ("POST", f"/api/groups/1/join-requests/{asker_id}/decline"),
    ]:
        status, data = await api.call(method, path)
        assert status == 403 and data["error"]["code"] == "forbidden"
    assert (await asker.call("GET", "/api/groups/1"))[1]["group"]["join_request"] == {"status": "pending"}


# ---- joining: by invitation ----------------------------------------------------------------------------------


async def invite(admin: Api, group_id: int = 1, **body: Any) -> tuple[dict[str, Any], str]:
    status, data = await admin.call("POST", f"/api/groups/{group_id}/invitations", body)
    assert status == 201, data
    return data["invitation"], data["token"]


async def test_invitation_only_groups_need_an_invitation(api_factory: Any, server: RunningServer) -> None:
    from sqlalchemy import select

    from rooms.models import Invitation

    admin = await api_factory("hub-admin")
    await patch(admin, {"joining": "invitation"})
    joiner = await newcomer(api_factory)
    status, data = await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 1})
    assert status == 403 and data["error"]["code"] == "invitation_required"

    invitation, token = await invite(admin)
    assert invitation["uses"] == 0 and invitation["revoked_at"] is None and invitation["expires_at"] is None
    assert len(token) >= 32
    async with server.state.sessions() as db, db.begin():
        stored = (await db.execute(select(Invitation.token_digest))).scalars().all()
    assert stored and token not in stored, "only a digest of the token is kept"

    status, data = await joiner.call("GET", f"/api/invitations/{token}")
    assert status == 200, data
    shown = data["group"]
    assert (shown["id"], shown["name"], shown["agreement_version"]) == (1, "Thursday evening circle", 1)
    assert shown["hub"]["slug"] == "riverside" and shown["agreement"] and shown["archived"] is False
    status, data = await joiner.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1})
    assert status == 200 and data["group"]["my_role"] == "member" and data["group"]["membership"]["current"]
    status, data = await admin.call("GET", "/api/groups/1/invitations")
    assert status == 200 and [(i["id"], i["uses"]) for i in data["invitations"]] == [(invitation["id"], 1)]
    assert "token" not in data["invitations"][0] and "token_digest" not in data["invitations"][0]
    # Members renew through the ordinary route, invitation or not.
    await patch(admin, {"agreement": "Changed for invited members too."})
    assert (await joiner.call("PUT", "/api/groups/1/membership", {"agreement_version": 2}))[0] == 200


async def test_a_revoked_invitation_stops_working_at_once(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    await patch(admin, {"joining": "invitation"})
    invitation, token = await invite(admin)
    first, second = await newcomer(api_factory), await newcomer(api_factory)
    assert (await first.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1}))[0] == 200
    assert (await second.call("GET", f"/api/invitations/{token}"))[0] == 200
    assert (await admin.call("DELETE", f"/api/groups/1/invitations/{invitation['id']}"))[0] == 204
    for method, path, body in [
        ("GET", f"/api/invitations/{token}", None),
        ("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1}),
    ]:
        status, data = await second.call(method, path, body)
        assert status == 404 and data["error"]["code"] == "invitation_invalid"
    status, data = await admin.call("GET", "/api/groups/1/invitations")
    assert data["invitations"][0]["revoked_at"] is not None and data["invitations"][0]["uses"] == 1
    assert (await admin.call("DELETE", f"/api/groups/1/invitations/{invitation['id']}"))[0] == 204, "idempotent"
    assert (await admin.call("DELETE", "/api/groups/2/invitations/" + str(invitation["id"])))[0] == 404
    status, data = await second.call("GET", "/api/groups/1")
    assert data["group"]["membership"] is None


async def test_an_expired_invitation_reads_as_unknown(api_factory: Any, server: RunningServer) -> None:
    admin = await api_factory("hub-admin")
    clock = FakeClock(server)
    expires = (clock.now + dt.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    invitation, token = await invite(admin, expires_at=expires)
    assert invitation["expires_at"] is not None
    joiner = await newcomer(api_factory)
    assert (await joiner.call("GET", f"/api/invitations/{token}"))[0] == 200
    clock.advance(3601)
    unknown = await joiner.call("GET", "/api/invitations/" + "A" * 32)
    expired = await joiner.call("GET", f"/api/invitations/{token}")
    assert expired == unknown and expired[0] == 404 and expired[1]["error"]["code"] == "invitation_invalid"
    status, data = await joiner.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1})
    assert status == 404 and data["error"]["code"] == "invitation_invalid"


@pytest.mark.parametrize(
    "expires_at",
    ["2001-01-01T00:00:00Z", "far", "2026-01-01T00:00:00"],
)
async def test_bad_invitation_expiries_are_refused(api_factory: Any, expires_at: str) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("POST", "/api/groups/1/invitations", {"expires_at": expires_at})
    assert status == 400 and data["error"]["code"] == "invalid_payload"


async def test_invitations_expire_at_most_90_days_ahead(api_factory: Any, server: RunningServer) -> None:
    admin = await api_factory("hub-admin")
    now = dt.datetime.now(dt.UTC)
    too_far = (now + dt.timedelta(days=91)).isoformat().replace("+00:00", "Z")
    status, data = await admin.call("POST", "/api/groups/1/invitations", {"expires_at": too_far})
    assert status == 400 and data["error"]["code"] == "invalid_payload"
    fine = (now + dt.timedelta(days=89)).isoformat().replace("+00:00", "Z")
    assert (await admin.call("POST", "/api/groups/1/invitations", {"expires_at": fine}))[0] == 201


@pytest.mark.parametrize("token", ["A" * 32, "not-a-real-token", "x" * 65, "bad.token"])
async def test_unknown_invitations_are_invalid(api_factory: Any, token: str) -> None:
    api = await api_factory("River")
    status, data = await api.call("GET", f"/api/invitations/{token}")
    assert status == 404 and data["error"]["code"] == "invitation_invalid"


async def test_invitations_need_sign_in(api_factory: Any) -> None:
    admin, anonymous = await api_factory("hub-admin"), await api_factory()
    _, token = await invite(admin)
    for method, path, body in [
        ("GET", f"/api/invitations/{token}", None),
        ("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1}),
    ]:
        status, data = await anonymous.call(method, path, body)
        assert status == 401 and data["error"]["code"] == "not_authenticated"


async def test_invitations_respect_capacity_and_archiving(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    _, token = await invite(admin)
    await patch(admin, {"capacity": 2})
    joiner = await newcomer(api_factory)
    status, data = await joiner.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1})
    assert status == 409 and data["error"]["code"] == "group_full"
    await patch(admin, {"capacity": None, "archived": True})
    status, data = await joiner.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1})
    assert status == 409 and data["error"]["code"] == "group_archived"
    await patch(admin, {"archived": False})
    status, data = await joiner.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 9})
    assert status == 409 and data["error"]["code"] == "agreement_outdated"
    status, data = await admin.call("GET", "/api/groups/1/invitations")
    assert data["invitations"][0]["uses"] == 0


async def test_unlisted_groups_are_seen_by_members_staff_and_invitees_only(api_factory: Any) -> None:
    admin, river, sam = await api_factory("hub-admin"), await api_factory("River"), await api_factory("Sam")
    await patch(admin, {"visibility": "unlisted"})
    stranger = await newcomer(api_factory)
    for method, path, body in [
        ("GET", "/api/groups/1", None),
        ("PUT", "/api/groups/1/membership", {"agreement_version": 1}),
        ("GET", "/api/groups/1/agreement/versions", None),
    ]:
        status, data = await stranger.call(method, path, body)
        assert status == 404 and data["error"]["code"] == "not_found", (path, data)
    status, directory = await stranger.call("GET", "/api/groups")
    assert 1 not in [g["id"] for g in directory["groups"]]
    for person in (river, sam, admin):
        assert (await person.call("GET", "/api/groups/1"))[0] == 200
        status, directory = await person.call("GET", "/api/groups")
        assert 1 in [g["id"] for g in directory["groups"]]
    _, token = await invite(admin)
    assert (await stranger.call("GET", f"/api/invitations/{token}"))[0] == 200
    assert (await stranger.call("POST", f"/api/invitations/{token}/accept", {"agreement_version": 1}))[0] == 200
    assert (await stranger.call("GET", "/api/groups/1"))[0] == 200


# ---- another hub's admin -------------------------------------------------------------------------------------


async def other_hub_admin(server: RunningServer, api_factory: Any) -> Api:
    """The admin of a second hub, set up by the platform admin."""
    root = await platform_admin(server, api_factory)
    status, data = await root.call("POST", "/api/hubs", {"name": "Hillside Hub", "slug": "hillside"})
    assert status == 201, data
    other = await newcomer(api_factory, "Hillside Keeper")
    status, data = await root.call(
        "POST", f"/api/hubs/{data['hub']['id']}/staff", {"pseudonym": "Hillside Keeper", "role": "hub_admin"}
    )
    assert status == 201, data
    return other


CROSS_HUB = [
    ("PATCH", "/api/groups/1", {"archived": True}),
    ("PATCH", "/api/groups/1", {"tags": ["takeover"]}),
    ("GET", "/api/groups/1/agreement/versions", None),
    ("GET", "/api/groups/1/members", None),
    ("DELETE", "/api/groups/1/members/{willow}", None),
    ("GET", "/api/groups/1/join-requests", None),
    ("POST", "/api/groups/1/join-requests/{asker}/approve", None),
    ("POST", "/api/groups/1/join-requests/{asker}/decline", None),
    ("POST", "/api/groups/1/invitations", {}),
    ("GET", "/api/groups/1/invitations", None),
    ("DELETE", "/api/groups/1/invitations/{invitation}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CROSS_HUB)
async def test_another_hubs_admin_is_refused_everywhere(
    server: RunningServer, api_factory: Any, method: str, path: str, body: Any
) -> None:
    admin, willow = await api_factory("hub-admin"), await api_factory("Willow")
    await patch(admin, {"joining": "request"})
    asker = await newcomer(api_factory)
    assert (await asker.call("PUT", "/api/groups/1/membership", {"agreement_version": 1}))[0] == 202
    invitation, token = await invite(admin)
    ids = {"willow": await user_id_of(willow), "asker": await user_id_of(asker), "invitation": invitation["id"]}
    other = await other_hub_admin(server, api_factory)
    before = await settings_of(admin)

    status, data = await other.call(method, path.format(**ids), body)
    assert status == 403 and data["error"]["code"] == "forbidden", data

    assert await settings_of(admin) == before
    status, data = await admin.call("GET", "/api/groups/1/join-requests")
    assert [r["user_id"] for r in data["requests"]] == [ids["asker"]]
    status, data = await admin.call("GET", "/api/groups/1/invitations")
    assert len(data["invitations"]) == 1 and data["invitations"][0]["revoked_at"] is None
    assert (await asker.call("GET", f"/api/invitations/{token}"))[0] == 200
