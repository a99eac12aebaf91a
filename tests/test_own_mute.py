"""room:join's ack tells a muted member their own mute, so a reload still shows why and the countdown."""

from __future__ import annotations

from typing import Any

from tests.helpers_chat import call


async def _join(api: Any) -> tuple[Any, dict[str, Any]]:
    client = await api.socket()
    joined = await call(client, "room:join", {"group_id": 1})
    assert joined["ok"], joined
    return client, joined


async def test_a_muted_member_entering_again_is_told_their_mute_and_when_it_ends(live_room: dict[str, Any]) -> None:
    sam_io, _ = await _join(live_room["sam"])
    river_io, river_joined = await _join(live_room["river"])
    assert river_joined["muted"] is None
    river_id = next(p["user_id"] for p in river_joined["present"] if p["display_name"] == "River")

    muted = await call(sam_io, "mod:mute", {"group_id": 1, "user_id": river_id, "minutes": 5, "reason": "A pause"})
    assert muted["ok"], muted
    await river_io.disconnect()
    _, again = await _join(live_room["river"])
    assert again["muted"] == {"until": muted["sanction"]["expires_at"], "reason": "A pause"}

    _, willow_joined = await _join(live_room["willow"])
    assert willow_joined["muted"] is None, "only the muted member's own ack carries it"
    _, sam_again = await _join(live_room["sam"])
    assert sam_again["muted"] is None

    lifted = await call(sam_io, "mod:unmute", {"group_id": 1, "user_id": river_id})
    assert lifted["ok"], lifted
    _, after = await _join(live_room["river"])
    assert after["muted"] is None
