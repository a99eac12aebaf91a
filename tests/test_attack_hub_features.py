"""Attacks on hub administration and facilitated sessions: each test is a hole found by trying, now closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, update

from rooms import store
from rooms.models import Group, TrainingRecord
from tests.conftest import RunningServer, client_id
from tests.helpers_chat import NS, Inbox, call, send
from tests.helpers_staff import make_trained_facilitator

STAFF_EVENTS = ("backchannel:new", "private:new", "private:updated", "newcomer:arrived")


async def enter(api: Any, group_id: int = 1) -> tuple[Any, Inbox, dict[str, Any]]:
    client = await api.socket()
    inbox = Inbox(client)
    for name in (*STAFF_EVENTS, "room:removed"):
        client.on(name, inbox._recorder(name), namespace=NS)
    joined = await call(client, "room:join", {"group_id": group_id})
    assert joined["ok"], joined
    return client, inbox, joined


async def user_id(server: RunningServer, pseudonym: str) -> int:
    async with server.state.sessions() as db, db.begin():
        user = await store.get_user_by_pseudonym(db, pseudonym)
        assert user is not None
        return user.id


async def staff_talk_then_sentinel(sam_io: Any, river_io: Any, listener: Inbox) -> None:
    """Sam writes in the backchannel and River asks for a private word; then a room message everyone hears,
    so anything staff-only for the listener would have come before it."""
    said = await call(sam_io, "backchannel:send", {"group_id": 1, "client_id": client_id(), "body": "staff only"})
    assert said["ok"], said
    assert (await call(river_io, "private:request", {"group_id": 1}))["ok"]
    done = await send(sam_io, "sentinel")
    await listener.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])


async def test_a_facilitator_whose_role_is_taken_away_no_longer_hears_the_staff_room(
    live_room: dict[str, Any], server: RunningServer, api_factory: Any
) -> None:
    """Willow (a member of the group) facilitated, then lost the role: she stays in the room as a member, and
    must stop hearing the backchannel and other members' private words."""
    await make_trained_facilitator(server, "Willow")
    sam_io, _, _ = await enter(live_room["sam"])
    _, willow, joined = await enter(live_room["willow"])
    assert joined["role"] == "facilitator"
    river_io, _, _ = await enter(live_room["river"])
    await willow.wait_for("newcomer:arrived", lambda d: d["display_name"] == "River")

    admin = await api_factory("hub-admin")
    willow_id = await user_id(server, "Willow")
    assert (await admin.call("DELETE", f"/api/hubs/1/staff/{willow_id}/facilitator"))[0] == 204

    heard = len(willow.of("private:updated")), len(willow.of("backchannel:new"))
    await staff_talk_then_sentinel(sam_io, river_io, willow)
    assert willow.of("room:removed") == [], "still a member of the room"
    assert (len(willow.of("private:updated")), len(willow.of("backchannel:new"))) == heard


async def test_entering_again_as_a_member_leaves_the_staff_room(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Willow's training lapsed (no route ran to re-check the room): entering the room again, now as a member,
    must not leave her connection in the staff room it joined as a facilitator."""
    await make_trained_facilitator(server, "Willow")
    sam_io, _, _ = await enter(live_room["sam"])
    willow_io, willow, joined = await enter(live_room["willow"])
    assert joined["role"] == "facilitator"
    river_io, _, _ = await enter(live_room["river"])

    willow_id = await user_id(server, "Willow")
    async with server.state.sessions() as db, db.begin():
        await db.execute(delete(TrainingRecord).where(TrainingRecord.user_id == willow_id))
    again = await call(willow_io, "room:join", {"group_id": 1})
    assert again["ok"] and again["role"] == "member" and "staff" not in again

    heard = len(willow.of("private:updated")), len(willow.of("backchannel:new"))
    await staff_talk_then_sentinel(sam_io, river_io, willow)
    assert (len(willow.of("private:updated")), len(willow.of("backchannel:new"))) == heard


async def test_a_lapsed_facilitator_who_stays_as_a_member_does_not_keep_the_session_live(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Willow's training runs out mid-session (no route runs; the periodic sweep must notice): she stays in the
    room as a member, so she no longer counts as the facilitator present, and the session pauses."""
    from server.app import NAMESPACE, housekeeping

    await make_trained_facilitator(server, "Willow")
    sam_io, _, _ = await enter(live_room["sam"])
    _, _, joined = await enter(live_room["willow"])
    assert joined["role"] == "facilitator"
    river_io, river, _ = await enter(live_room["river"])
    await sam_io.disconnect()  # Willow alone now facilitates

    willow_id = await user_id(server, "Willow")
    async with server.state.sessions() as db, db.begin():
        await db.execute(delete(TrainingRecord).where(TrainingRecord.user_id == willow_id))
    await housekeeping(server.state, server.app[NAMESPACE])

    await river.wait_for("session:updated", lambda d: d["session"]["status"] == "paused")
    await river.wait_for(
        "presence:update", lambda d: any(p["display_name"] == "Willow" and p["role"] == "member" for p in d["present"])
    )
    refused = await send(river_io, "anyone?")
    assert refused["ok"] is False and refused["error"]["code"] == "session_paused"


async def test_an_unlisted_groups_admin_routes_do_not_tell_a_stranger_it_exists(
    api_factory: Any, server: RunningServer
) -> None:
    """Group 2 is unlisted and Willow is neither its member nor its hub's staff: its admin routes answer her
    as they answer for a group that does not exist (a 403 would say it does)."""
    async with server.state.sessions() as db, db.begin():
        await db.execute(update(Group).where(Group.id == 2).values(visibility="unlisted"))
    willow = await api_factory("Willow")
    for method, path, body in [
        ("PATCH", "/api/groups/{g}", {"tags": ["x"]}),
        ("GET", "/api/groups/{g}/members", None),
        ("DELETE", "/api/groups/{g}/members/1", None),
        ("GET", "/api/groups/{g}/join-requests", None),
        ("POST", "/api/groups/{g}/join-requests/1/approve", None),
        ("POST", "/api/groups/{g}/invitations", {}),
        ("GET", "/api/groups/{g}/invitations", None),
        ("DELETE", "/api/groups/{g}/invitations/1", None),
    ]:
        answers = [await willow.call(method, path.format(g=g), body) for g in (2, 999999)]
        assert [(s, d["error"]["code"]) for s, d in answers] == [(404, "not_found")] * 2, (method, path, answers)


async def test_a_facilitator_whose_training_lapsed_does_not_see_who_is_in_a_group(
    api_factory: Any, server: RunningServer
) -> None:
    """Without current training the facilitator role counts for nothing (docs/roles.md): not even the list of
    a group's members, which says who goes to a support group."""
    today = server.state.rooms.clock().date()
    await make_trained_facilitator(server, "Willow", expires_on=today - dt.timedelta(days=1))
    willow = await api_factory("Willow")
    status, data = await willow.call("GET", "/api/groups/1/members")
    assert (status, data["error"]["code"]) == (403, "forbidden"), data
    sam = await api_factory("Sam")
    assert (await sam.call("GET", "/api/groups/1/members"))[0] == 200, "a facilitator with current training may"


async def test_the_host_hubs_admin_cannot_open_the_facilitators_space_to_members(api_factory: Any) -> None:
    """The space is hosted by hub 1; its admin may look after its text, but listing it, opening it, or making
    an invitation would let members into the facilitators' room (and its talk about practice)."""
    sam, admin, river = await api_factory("Sam"), await api_factory("hub-admin"), await api_factory("River")
    status, data = await sam.call("GET", "/api/facilitators-space")
    assert status == 200, data
    space = data["group"]["id"]
    for body in ({"visibility": "listed"}, {"joining": "open"}, {"joining": "request"}, {"archived": True}):
        status, data = await admin.call("PATCH", f"/api/groups/{space}", body)
        assert (status, data["error"]["code"]) == (403, "forbidden"), (body, data)
    status, data = await admin.call("POST", f"/api/groups/{space}/invitations", {})
    assert (status, data["error"]["code"]) == (403, "forbidden"), data
    status, data = await admin.call("PATCH", f"/api/groups/{space}", {"description": "Practice, not members."})
    assert status == 200 and data["group"]["description"] == "Practice, not members.", "its text is theirs to keep"

    status, data = await river.call("PUT", f"/api/groups/{space}/membership", {"agreement_version": 1})
    assert status == 404, data
    refused = await call(await river.socket(), "room:join", {"group_id": space})
    assert refused["ok"] is False and refused["error"]["code"] == "not_member"


async def test_a_refused_rejoin_takes_the_connection_out_of_the_room_and_the_staff_room(
    live_room: dict[str, Any], server: RunningServer
) -> None:
    """Sam (a facilitator, not a member) is in the room when his training lapses (no route re-checks it): asking
    to enter again is refused, and his connection must not go on hearing the room or the staff room."""
    await make_trained_facilitator(server, "Willow")
    sam_io, sam, _ = await enter(live_room["sam"])
    willow_io, willow, _ = await enter(live_room["willow"])
    river_io, _, _ = await enter(live_room["river"])
    sam_id = await user_id(server, "Sam")
    async with server.state.sessions() as db, db.begin():
        await db.execute(delete(TrainingRecord).where(TrainingRecord.user_id == sam_id))
    refused = await call(sam_io, "room:join", {"group_id": 1})
    assert refused["ok"] is False and refused["error"]["code"] == "not_member"

    heard = len(sam.of("message:new")), len(sam.of("backchannel:new")), len(sam.of("private:updated"))
    said = await call(willow_io, "backchannel:send", {"group_id": 1, "client_id": client_id(), "body": "staff only"})
    assert said["ok"], said
    assert (await call(river_io, "private:request", {"group_id": 1}))["ok"]
    done = await send(willow_io, "sentinel")
    await willow.wait_for("message:new", lambda d: d["message"]["id"] == done["message"]["id"])
    # Sentinel for Sam's connection: an acked call answered after everything above was published.
    assert (await call(sam_io, "room:leave", {"group_id": 1}))["ok"]
    assert (len(sam.of("message:new")), len(sam.of("backchannel:new")), len(sam.of("private:updated"))) == heard
    refused = await send(sam_io, "still here?")
    assert refused["ok"] is False and refused["error"]["code"] == "not_in_room"


async def test_an_invitation_to_the_facilitators_space_made_before_the_rule_lets_nobody_in(
    api_factory: Any, server: RunningServer
) -> None:
    """An invitation row to the space (made before invitations to it were refused) is treated as invalid."""
    from rooms.joining import token_digest
    from rooms.models import Invitation

    sam, river = await api_factory("Sam"), await api_factory("River")
    space = (await sam.call("GET", "/api/facilitators-space"))[1]["group"]["id"]
    now = server.state.rooms.clock()
    async with server.state.sessions() as db, db.begin():
        db.add(Invitation(group_id=space, token_digest=token_digest("old-link"), created_at=now, uses=0))
    for method, path, body in [
        ("GET", "/api/invitations/old-link", None),
        ("POST", "/api/invitations/old-link/accept", {"agreement_version": 1}),
    ]:
        status, data = await river.call(method, path, body)
        assert (status, data["error"]["code"]) == (404, "invitation_invalid"), data
