"""Account recovery: a hub admin's one-time reset link, and a reset link by email through a real SMTP server on
loopback (aiosmtpd). Links work once, for 24 hours; issuing and using one signs the person out everywhere; the
hub's log records who issued it; the forgotten-password answer never tells whether a pseudonym exists; tokens
never reach the logs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import func, select

from rooms import validate
from rooms.privacy_models import PasswordReset
from server.access_log import AccessLogger
from server.access_log import log as access_log
from server.app import create_app
from server.auth_models import LoginThrottle
from server.demo import seed_demo
from tests.conftest import DEMO_PASSWORD, Api, Database, RunningServer
from tests.helpers_auth import FakeClock
from tests.helpers_chat import NS, Inbox
from tests.helpers_recovery import NEW_PASSWORD, issue_link, join_group, second_hub, set_user, user_id
from tests.helpers_safeguarding import smtp_server
from tests.services import free_port

INVALID = "reset_link_invalid"


@contextlib.asynccontextmanager
async def running(database: Database, **settings: Any) -> AsyncIterator[tuple[RunningServer, Any]]:
    """A seeded server, and a maker of Api clients (signed in if given a pseudonym; closed afterwards)."""
    made: list[Api] = []
    config = database.settings(port=free_port(), **settings)
    app = create_app(config)
    # The access logger `alongside serve` uses (server/cli.py): it writes route patterns, never raw paths.
    runner = web.AppRunner(app, handle_signals=False, access_log_class=AccessLogger, access_log=access_log)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", config.port).start()
    server = RunningServer(f"http://127.0.0.1:{config.port}", app)
    await seed_demo(server.state.engine, server.state.passwords)

    async def client(pseudonym: str | None = None, password: str | None = None) -> Api:
        api = Api(server.url)
        made.append(api)
        if pseudonym:
            await api.login(pseudonym, password)
        return api

    try:
        yield server, client
    finally:
        for api in made:
            await api.close()
        await runner.cleanup()


def server_log(caplog: pytest.LogCaptureFixture) -> str:
    """Every log line but those of the test's own SMTP server (aiosmtpd's "mail.log" prints what it receives)."""
    return "\n".join(record.getMessage() for record in caplog.records if not record.name.startswith("mail."))


async def reset_rows(server: RunningServer) -> int:
    async with server.state.readers() as db, db.begin():
        return int((await db.execute(select(func.count()).select_from(PasswordReset))).scalar_one())


async def login_status(client: Any, pseudonym: str, password: str) -> int:
    api: Api = await client()
    status, _ = await api.call("POST", "/api/auth/login", {"pseudonym": pseudonym, "password": password})
    return status


async def test_a_staff_link_works_once_signs_the_member_out_everywhere_and_is_logged(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(database) as (server, client):
        admin, river = await client("hub-admin"), await client("River")
        river_io = await river.socket()
        inbox = Inbox(river_io)
        river_io.on("auth:signed_out", inbox._recorder("auth:signed_out"), namespace=NS)
        river_id = await user_id(server, "River")

        link, token = await issue_link(admin, 1, river_id)
        assert link.startswith(server.state.settings.link_base) and f"/#/reset/{token}" in link
        await inbox.wait_for("auth:signed_out")
        assert (await river.call("GET", "/api/me"))[0] == 401, "signed out everywhere when the link is issued"

        anyone = await client()
        status, data = await anyone.call("GET", f"/api/password-reset/{token}")
        assert (status, sorted(data), data["pseudonym"]) == (200, ["expires_at", "pseudonym"], "River")
        again = await client("River")  # the old password still works until the link is used
        status, data = await anyone.call("POST", f"/api/password-reset/{token}", {"password": "password123"})
        assert (status, data["error"]["code"]) == (400, "weak_password"), "same strength rule as sign-up"
        assert (await anyone.call("GET", f"/api/password-reset/{token}"))[0] == 200, "a refused try spends nothing"

        first, second = await asyncio.gather(
            anyone.call("POST", f"/api/password-reset/{token}", {"password": NEW_PASSWORD}),
            (await client()).call("POST", f"/api/password-reset/{token}", {"password": NEW_PASSWORD + "-x"}),
        )
        statuses = sorted([first[0], second[0]])
        assert statuses == [204, 404], (first, second)
        loser = first if first[0] == 404 else second
        assert loser[1]["error"]["code"] == INVALID
        winner_password = NEW_PASSWORD if first[0] == 204 else NEW_PASSWORD + "-x"

        assert (await again.call("GET", "/api/me"))[0] == 401, "using the link signs out everywhere again"
        assert (await anyone.call("GET", "/api/me"))[0] == 401, "using a link signs nobody in"
        status, data = await anyone.call("GET", f"/api/password-reset/{token}")
        assert (status, data["error"]["code"]) == (404, INVALID), "once only"
        assert await login_status(client, "River", DEMO_PASSWORD["River"]) == 401
        assert await login_status(client, "River", winner_password) == 200

        status, data = await admin.call("GET", "/api/hubs/1/moderation-log?action=password_reset_issued")
        assert status == 200
        [entry] = data["entries"]
        assert entry["actor"]["display_name"] == "hub-admin" and entry["target_user"] == {
            "id": river_id,
            "display_name": "River",
        }
        assert entry["group_id"] is None and "expires_at" in entry["detail"]
        assert token not in json.dumps(data), "the log never holds the link"
    assert token not in server_log(caplog), "nor does any log line"


async def test_a_link_expires_after_24_hours_and_a_newer_one_replaces_it(database: Database) -> None:
    async with running(database) as (server, client):
        clock = FakeClock(server)
        admin, anyone = await client("hub-admin"), await client()
        river_id = await user_id(server, "River")
        _, older = await issue_link(admin, 1, river_id)
        _, newer = await issue_link(admin, 1, river_id)
        status, data = await anyone.call("GET", f"/api/password-reset/{older}")
        assert (status, data["error"]["code"]) == (404, INVALID), "issuing a new link retires the older"
        status, data = await anyone.call("POST", f"/api/password-reset/{older}", {"password": NEW_PASSWORD})
        assert (status, data["error"]["code"]) == (404, INVALID)

        clock.advance(24 * 3600 - 60)
        assert (await anyone.call("GET", f"/api/password-reset/{newer}"))[0] == 200
        clock.advance(120)
        status, data = await anyone.call("POST", f"/api/password-reset/{newer}", {"password": NEW_PASSWORD})
        assert (status, data["error"]["code"]) == (404, INVALID), "expired after 24 hours"
        for unknown in ("not-a-token-at-all-but-long-enough", "x", "%20" * 30):
            status, data = await anyone.call("GET", f"/api/password-reset/{unknown}")
            assert (status, data["error"]["code"]) == (404, INVALID), unknown
        assert await login_status(client, "River", DEMO_PASSWORD["River"]) == 200, "the password never changed"


async def test_only_the_hubs_own_admin_and_never_for_staff(database: Database) -> None:
    async with running(database) as (server, client):
        lake_hub = await second_hub(server)
        river_id, sam_id, willow_id = [await user_id(server, name) for name in ("River", "Sam", "Willow")]
        await join_group(server, "Sam")  # a facilitator who is also a member of a group
        await join_group(server, "Lake Admin")  # another hub's admin, a member here
        await set_user(server, "Willow", is_platform_admin=True)
        lake_admin_id = await user_id(server, "Lake Admin")
        admin, lake, river = await client("hub-admin"), await client("Lake Admin", NEW_PASSWORD), await client("River")

        async def refused(api: Api, hub_id: int, target: int) -> tuple[int, str]:
            status, data = await api.call("POST", f"/api/hubs/{hub_id}/members/{target}/password-reset")
            return status, data["error"]["code"]

        assert await refused(lake, 1, river_id) == (403, "forbidden"), "another hub's admin"
        assert await refused(lake, lake_hub, river_id) == (404, "not_found"), "not a member of that hub"
        assert await refused(river, 1, willow_id) == (403, "forbidden"), "a member"
        assert await refused(admin, 1, sam_id) == (403, "reset_staff_refused"), "a facilitator"
        assert await refused(admin, 1, lake_admin_id) == (403, "reset_staff_refused"), "another hub's admin"
        assert await refused(admin, 1, willow_id) == (403, "reset_staff_refused"), "a platform admin"
        assert await refused(admin, 1, 999_999) == (404, "not_found")
        assert await reset_rows(server) == 0, "refusals change nothing"
        assert (await river.call("GET", "/api/me"))[0] == 200, "and sign nobody out"


def counter(pseudonym: str) -> str:
    """The key of the per-pseudonym counter of /api/auth/forgot."""
    return "fp:" + validate.pseudonym_key(pseudonym)


async def wait_for_counts(server: RunningServer, keys: set[str], timeout: float = 10.0) -> dict[str, int]:
    """The per-pseudonym counters of /api/auth/forgot, once all of `keys` are written (each background task
    counts before it decides anything, in the same transaction)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        async with server.state.readers() as db, db.begin():
            rows = (await db.execute(select(LoginThrottle.key, LoginThrottle.failures))).all()
        counts = {key: int(failures) for key, failures in rows if key in keys}
        if set(counts) == keys:
            return counts
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"counters written: {counts}")
        await asyncio.sleep(0.02)


async def test_forgot_emails_a_link_that_works_and_answers_the_same_for_everyone(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with (
        smtp_server() as smtp,
        running(database, smtp_host="127.0.0.1", smtp_port=smtp.port) as (server, client),
    ):
        await set_user(server, "River", email="river@example.org")
        anyone = await client()
        answers = []
        for pseudonym in ("Nobody Here", "Willow", "rIVer"):  # unknown, no email, a spelling of River
            async with anyone.http.post(anyone.base + "/api/auth/forgot", json={"pseudonym": pseudonym}) as response:
                answers.append((response.status, await response.json(), response.headers.get("Content-Length")))
        assert answers[0] == answers[1] == answers[2], answers
        assert answers[0][:2] == (202, {"status": "accepted"})

        [mail] = await smtp.wait_for(1)
        await wait_for_counts(server, {counter("Nobody Here"), counter("Willow"), counter("River")})
        assert len(smtp.messages) == 1 and await reset_rows(server) == 1, "only River has an email"
        assert mail["To"] == "river@example.org"
        text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        found = re.search(r"(http://\S+/#/reset/)([A-Za-z0-9_-]+)", text)
        assert found is not None, text
        token = found.group(2)
        assert "once" in text and "UTC" in text and "If this wasn't you, ignore this email" in text
        assert "River" not in text and "Thursday" not in text, "no name, no groups"

        status, data = await anyone.call("GET", f"/api/password-reset/{token}")
        assert (status, data["pseudonym"]) == (200, "River")
        assert (await anyone.call("POST", f"/api/password-reset/{token}", {"password": NEW_PASSWORD}))[0] == 204
        assert await login_status(client, "River", NEW_PASSWORD) == 200
        assert (await anyone.call("GET", f"/api/password-reset/{token}"))[0] == 404
    logged = server_log(caplog)
    assert token not in logged and "river@example.org" not in logged


async def test_forgot_sends_at_most_three_emails_per_pseudonym_and_limits_each_address(database: Database) -> None:
    async with (
        smtp_server() as smtp,
        running(database, smtp_host="127.0.0.1", smtp_port=smtp.port) as (server, client),
    ):
        await set_user(server, "River", email="river@example.org")
        anyone = await client()
        for _ in range(4):
            status, _data = await anyone.call("POST", "/api/auth/forgot", {"pseudonym": "River"})
            assert status == 202, "the fourth gets the same answer"
        await smtp.wait_for(3)
        assert (await wait_for_counts(server, {counter("River")}))[counter("River")] >= 3
        while (await wait_for_counts(server, {counter("River")}))[counter("River")] < 4:
            await asyncio.sleep(0.02)
        assert len(smtp.messages) == 3, "the fourth request sends nothing"
        links = {m.get_body(preferencelist=("plain",)).get_content() for m in smtp.messages}  # type: ignore[union-attr]
        assert len(links) == 3
        for _ in range(6):
            assert (await anyone.call("POST", "/api/auth/forgot", {"pseudonym": "Nobody"}))[0] == 202
        status, data = await anyone.call("POST", "/api/auth/forgot", {"pseudonym": "Nobody"})
        assert (status, data["error"]["code"]) == (429, "too_many_attempts"), "10 an hour from one address"
