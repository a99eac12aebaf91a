"""GET /api/hubs/{hub_id}/groups: a hub's groups for its admins, archived ones included (the directory leaves
them out), and refused to everyone else."""

from __future__ import annotations

from typing import Any

from tests.conftest import RunningServer, platform_admin


async def test_a_hub_admin_lists_every_group_archived_last_and_marked(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("PATCH", "/api/groups/2", {"archived": True})
    assert status == 200 and data["group"]["archived"] is True

    status, directory = await admin.call("GET", "/api/groups")
    assert status == 200 and 2 not in [g["id"] for g in directory["groups"]], "the directory leaves it out"

    status, data = await admin.call("GET", "/api/hubs/1/groups")
    assert status == 200, data
    listed = [(g["id"], g["archived"]) for g in data["groups"]]
    assert listed == [(1, False), (2, True)]
    assert data["groups"][0]["name"] == "Thursday evening circle" and data["groups"][0]["tags"]


async def test_a_platform_admin_may_list_a_hubs_groups(server: RunningServer, api_factory: Any) -> None:
    root = await platform_admin(server, api_factory)
    status, data = await root.call("GET", "/api/hubs/1/groups")
    assert status == 200 and {g["id"] for g in data["groups"]} == {1, 2}


async def test_staff_who_are_not_admins_and_members_are_refused(api_factory: Any) -> None:
    for name in ("Sam", "River"):
        api = await api_factory(name)
        status, data = await api.call("GET", "/api/hubs/1/groups")
        assert status == 403 and data["error"]["code"] == "forbidden", (name, data)


async def test_an_unknown_hub_is_not_found_and_signing_in_is_needed(api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("GET", "/api/hubs/999/groups")
    assert status == 404 and data["error"]["code"] == "not_found"
    anonymous = await api_factory()
    status, data = await anonymous.call("GET", "/api/hubs/1/groups")
    assert status == 401
