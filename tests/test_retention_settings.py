"""Hub admins set how long things are kept, over the API (docs/privacy.md): a group's message retention in its
settings (members see it too), and the hub's safeguarding-record and moderation-log retention beside its notices,
where a change is a new notice version (the default notice states the periods). Bad values change nothing."""

from __future__ import annotations

from typing import Any

from rooms.models import Group, Hub
from tests.conftest import Api, RunningServer


async def _hub(server: RunningServer) -> Hub:
    async with server.state.sessions() as db, db.begin():
        hub = await db.get(Hub, 1)
        assert hub is not None
        return hub


async def _group(server: RunningServer) -> Group:
    async with server.state.sessions() as db, db.begin():
        group = await db.get(Group, 1)
        assert group is not None
        return group


async def test_a_hub_admin_sets_a_groups_message_retention(api_factory: Any, server: RunningServer) -> None:
    admin: Api = await api_factory()
    await admin.login("hub-admin")
    status, data = await admin.call("PATCH", "/api/groups/1", {"retention_days": 30})
    assert status == 200 and data["group"]["retention_days"] == 30, data
    assert (await _group(server)).retention_days == 30

    member: Api = await api_factory()
    await member.login("River")
    status, data = await member.call("GET", "/api/groups/1")
    assert status == 200 and data["group"]["retention_days"] == 30, "members can see how long their words are kept"

    for bad in (0, 3651, -1, 1.5, "30", True, None):
        status, data = await admin.call("PATCH", "/api/groups/1", {"retention_days": bad})
        assert status == 400 and data["error"]["code"] == "invalid_payload", (bad, data)
    assert (await _group(server)).retention_days == 30

    status, data = await member.call("PATCH", "/api/groups/1", {"retention_days": 1})
    assert status == 403
    assert (await _group(server)).retention_days == 30


async def test_a_hub_admin_sets_record_retention_and_the_notice_version_goes_up(
    api_factory: Any, server: RunningServer
) -> None:
    admin: Api = await api_factory()
    await admin.login("hub-admin")
    status, before = await admin.call("GET", "/api/hubs/1/notices")
    assert status == 200 and before["safeguarding_retention_days"] == 2555 and before["log_retention_days"] == 2555

    status, after = await admin.call(
        "PUT", "/api/hubs/1/notices", {"safeguarding_retention_days": 3650, "log_retention_days": 730}
    )
    assert status == 200, after
    assert (after["safeguarding_retention_days"], after["log_retention_days"]) == (3650, 730)
    assert after["version"] == before["version"] + 1
    assert "3650" in after["privacy_notice"] and "730" in after["privacy_notice"], "the default notice states them"
    hub = await _hub(server)
    assert (hub.safeguarding_retention_days, hub.log_retention_days) == (3650, 730)

    same = await admin.call("PUT", "/api/hubs/1/notices", {"log_retention_days": 730})
    assert same[0] == 200 and same[1]["version"] == after["version"], "no change, no new version"

    for bad in ({"safeguarding_retention_days": 364}, {"log_retention_days": 3651}, {"log_retention_days": "730"}):
        status, data = await admin.call("PUT", "/api/hubs/1/notices", bad)
        assert status == 400 and data["error"]["code"] == "invalid_payload", (bad, data)
    hub = await _hub(server)
    kept = (hub.safeguarding_retention_days, hub.log_retention_days, hub.notice_version)
    assert kept == (3650, 730, after["version"])

    member: Api = await api_factory()
    await member.login("River")
    status, _ = await member.call("PUT", "/api/hubs/1/notices", {"log_retention_days": 365})
    assert status == 403
    assert (await _hub(server)).log_retention_days == 730
