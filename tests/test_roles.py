"""docs/roles.md, tested: every row of its table is tried as every role against a real server, and the outcome
must be what the table says. A row this test cannot run fails too, so the table cannot drift from the code."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from server.settings import PROJECT_ROOT
from tests.conftest import Api, RunningServer, platform_admin

ROLES = ("member", "facilitator", "senior peer", "safeguarding lead", "hub admin", "platform admin")
STRONG = "a quiet lantern by the weir"
ROW = re.compile(r"^\| (?P<action>[^|]+) \| `(?P<request>[^`]+)` \|(?P<cells>.+)\|$")


def table() -> list[tuple[str, str, dict[str, bool]]]:
    """(action, request, allowed by role) for each row of the REST table in docs/roles.md."""
    rows = []
    for line in (PROJECT_ROOT / "docs" / "roles.md").read_text().splitlines():
        found = ROW.match(line)
        if not found:
            continue
        cells = [cell.strip() for cell in found["cells"].split("|")]
        if len(cells) != len(ROLES):
            continue  # the room table has two roles; tests/test_session_tools.py covers it
        assert set(cells) <= {"✓", "✗"}, line
        rows.append(
            (found["action"].strip(), found["request"], dict(zip(ROLES, [c == "✓" for c in cells], strict=True)))
        )
    return rows


Action = Callable[[Api, dict[str, Any]], Awaitable[int]]


def _tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def _unique() -> str:
    return secrets.token_hex(3)


ACTIONS: dict[str, Action] = {
    "GET /api/groups": lambda api, _: status(api, "GET", "/api/groups"),
    "GET /api/hubs/1/crisis-lines": lambda api, _: status(api, "GET", "/api/hubs/1/crisis-lines"),
    "GET /api/groups/1/occurrences": lambda api, _: status(api, "GET", "/api/groups/1/occurrences"),
    "PATCH /api/hubs/1": lambda api, _: status(api, "PATCH", "/api/hubs/1", {"about": "Peer support in Riverside."}),
    "PUT /api/hubs/1/crisis-lines": lambda api, _: status(
        api, "PUT", "/api/hubs/1/crisis-lines", {"lines": [{"name": "Samaritans", "phone": "116 123"}]}
    ),
    "PUT /api/hubs/1/notices": lambda api, _: status(api, "PUT", "/api/hubs/1/notices", {"minimum_age": 18}),
    "GET /api/hubs/1/staff": lambda api, _: status(api, "GET", "/api/hubs/1/staff"),
    "POST /api/hubs/1/staff": lambda api, _: status(
        api, "POST", "/api/hubs/1/staff", {"pseudonym": "Willow", "role": "senior_peer"}
    ),
    "POST /api/hubs/1/training": lambda api, _: status(
        api,
        "POST",
        "/api/hubs/1/training",
        {"pseudonym": "Sam", "course": "Refresher", "completed_on": "2026-01-10", "expires_on": "2028-01-10"},
    ),
    "POST /api/hubs/1/groups": lambda api, _: status(
        api, "POST", "/api/hubs/1/groups", {"name": f"Walk and talk {_unique()}", "agreement": "Be kind."}
    ),
    "PATCH /api/groups/1": lambda api, _: status(api, "PATCH", "/api/groups/1", {"description": "Thursdays."}),
    "POST /api/groups/1/schedules": lambda api, _: status(
        api,
        "POST",
        "/api/groups/1/schedules",
        {"kind": "once", "local_time": "19:00", "starts_on": _tomorrow()},
    ),
    "GET /api/groups/1/members": lambda api, _: status(api, "GET", "/api/groups/1/members"),
    "POST /api/groups/1/invitations": lambda api, _: status(api, "POST", "/api/groups/1/invitations", {}),
    "POST /api/groups/1/sessions": lambda api, _: open_then_end(api),
    "GET /api/hubs/1/debriefs": lambda api, _: status(api, "GET", "/api/hubs/1/debriefs"),
    "GET /api/hubs/1/attendance": lambda api, _: status(api, "GET", "/api/hubs/1/attendance"),
    "POST /api/hubs": lambda api, _: status(
        api, "POST", "/api/hubs", {"name": "Hillside Hub", "slug": f"hillside-{_unique()}"}
    ),
    "POST /api/admin/accounts": lambda api, _: status(
        api,
        "POST",
        "/api/admin/accounts",
        {"pseudonym": f"Helper {_unique()}", "password": "a quiet lantern by the weir"},
    ),
    "DELETE /api/groups/1/members/{Willow}": lambda api, ids: status(
        api, "DELETE", f"/api/groups/1/members/{ids['Willow']}"
    ),
    "GET /api/hubs/1/concerns": lambda api, _: status(api, "GET", "/api/hubs/1/concerns"),
    "GET /api/hubs/1/break-glass-log": lambda api, _: status(api, "GET", "/api/hubs/1/break-glass-log"),
    "GET /api/hubs/1/escalation": lambda api, _: status(api, "GET", "/api/hubs/1/escalation"),
    "GET /api/hubs/1/dead-letters": lambda api, _: status(api, "GET", "/api/hubs/1/dead-letters"),
}


async def status(api: Api, method: str, path: str, body: Any = None) -> int:
    code, _ = await api.call(method, path, body)
    return code


async def open_then_end(api: Api) -> int:
    """Opening a session is the action; ending it again lets the next role try on an equal footing."""
    code, data = await api.call("POST", "/api/groups/1/sessions", {})
    if code == 201:
        assert (await api.call("POST", f"/api/sessions/{data['session']['id']}/end"))[0] == 200
    return code


def test_every_row_of_the_table_has_an_action_and_every_action_a_row() -> None:
    requests = [request for _, request, _ in table()]
    assert len(requests) == len(set(requests)), "one row per action"
    assert set(requests) == set(ACTIONS), "docs/roles.md and this test list the same actions"


async def people(server: RunningServer, api_factory: Any) -> tuple[dict[str, Api], dict[str, int]]:
    """One signed-in client per role, and user ids by pseudonym."""
    admin = await api_factory("hub-admin")
    clients = {"member": await api_factory("River"), "facilitator": await api_factory("Sam"), "hub admin": admin}
    for role, staff_role, name in (
        ("senior peer", "senior_peer", "Kestrel"),
        ("safeguarding lead", "safeguarding_lead", "Heron"),
    ):
        pseudonym, password = f"{name}{_unique()}", STRONG  # not a role name: those are reserved
        client: Api = await api_factory()
        assert (await client.call("POST", "/api/auth/signup", {"pseudonym": pseudonym, "password": password}))[0] == 201
        code, data = await admin.call("POST", "/api/hubs/1/staff", {"pseudonym": pseudonym, "role": staff_role})
        assert code in (200, 201), data
        clients[role] = client
    clients["platform admin"] = await platform_admin(server, api_factory)
    _, members = await admin.call("GET", "/api/groups/1/members")
    ids = {m["pseudonym"]: m["user_id"] for m in members["members"]}
    return clients, ids


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_can_do_exactly_what_the_table_says(role: str, server: RunningServer, api_factory: Any) -> None:
    clients, ids = await people(server, api_factory)
    outcomes = {}
    for action, request, allowed in table():
        code = await ACTIONS[request](clients[role], ids)
        assert code not in (400, 422, 500), f"{action} as {role}: a bad request ({code}), not a permission answer"
        outcomes[action] = (allowed[role], 200 <= code < 300, code)
    wrong = {action: code for action, (expected, ok, code) in outcomes.items() if expected != ok}
    assert wrong == {}, f"as {role}, these differ from docs/roles.md (action: status): {wrong}"
