"""The hook system (rooms/hookspecs.py): message_check (refuse, hold, flag; outside the write transaction),
message_stored and moderation_action observers, priorities, and plugins loaded by entry point."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import subprocess
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from rooms.errors import DomainError
from rooms.hooks import Hooks, moderation_action_taken
from rooms.hookspecs import Actor, Flag, Hold, MessageDraft, ModerationAction, Priority, StoredMessage
from rooms.plugins import PluginLoadError, load_plugins
from tests.conftest import Database, seeded_server
from tests.helpers_chat import call, send
from tests.helpers_policy import listening
from tests.services import free_port

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def draft(body: str = "hello") -> MessageDraft:
    return MessageDraft(1, 1, Actor(7, "River"), "member", body, NOW)


async def test_message_check_runs_in_priority_order_and_keeps_every_hold_and_flag() -> None:
    hooks, order = Hooks(), []

    def check(name: str, verdict: Any) -> Any:
        async def run(_: MessageDraft) -> Any:
            order.append(name)
            return verdict

        return run

    hooks.message_check.register(check("plugin", Flag("late", "p")), priority=Priority.PLUGIN, name="plugin")
    hooks.message_check.register(check("shape", None), priority=Priority.SHAPE, name="shape")
    hooks.message_check.register(check("content", Hold("why", "c")), priority=Priority.CONTENT, name="content")
    outcome = await hooks.message_check.run(draft())
    assert order == ["shape", "content", "plugin"]
    assert outcome.held_reason == "why" and [f.reason for f in outcome.flags] == ["late"]

    async def refuse(_: MessageDraft) -> None:
        raise DomainError("no", code="refused_by_test")

    hooks.message_check.register(refuse, priority=Priority.SHAPE + 1, name="refuse")
    order.clear()
    with pytest.raises(DomainError):
        await hooks.message_check.run(draft())
    assert order == ["shape"], "the first refusal stops the rest"
    hooks.message_check.unregister("refuse")
    assert hooks.message_check.names == ["shape", "content", "plugin"]


async def test_message_stored_observers_run_off_the_path_and_failures_never_log_content(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hooks, seen = Hooks(), []
    started = asyncio.Event()

    async def slow(stored: StoredMessage) -> None:
        started.set()
        await asyncio.sleep(0.05)
        seen.append(stored.message_id)

    async def broken(stored: StoredMessage) -> None:
        raise ValueError(f"cannot read {stored.body}")

    hooks.message_stored.register(slow, name="slow")
    hooks.message_stored.register(broken, name="broken")
    stored = StoredMessage(1, 5, 1, 1, 7, "member", "a secret sentence", NOW, False, ())
    with caplog.at_level(logging.ERROR, logger="alongside.hooks"):
        hooks.message_stored.notify(stored)
        assert seen == [], "notify returns at once"
        await hooks.message_stored.drain()
    assert seen == [5]
    assert "message_stored observer 'broken' failed: ValueError" in caplog.text
    assert "secret" not in caplog.text


async def test_moderation_action_hook_reaches_its_observers() -> None:
    hooks, seen = Hooks(), []

    async def observe(action: ModerationAction) -> None:
        seen.append((action.action, action.target_user_id))

    hooks.moderation_action.register(observe, priority=Priority.PLUGIN, name="observe")
    moderation_action_taken(hooks, ModerationAction(1, 1, None, 3, "mute", 7, None, "shouting", NOW))
    await hooks.moderation_action.drain()
    assert seen == [("mute", 7)]


def test_a_plugin_that_fails_to_load_is_a_clear_error() -> None:
    hooks = Hooks()
    good = EntryPoint("good", "tests.helpers_policy:listening", "alongside.plugins")
    missing = EntryPoint("broken", "no_such_module_here:setup", "alongside.plugins")
    with pytest.raises(PluginLoadError, match=r"plugin 'broken' \(no_such_module_here:setup\) failed to load"):
        load_plugins(hooks, [missing])
    with pytest.raises(PluginLoadError, match="plugin 'good'"):
        load_plugins(hooks, [good])  # callable, but it fails when given the registry


PLUGIN = """
from rooms.errors import DomainError
from rooms.hookspecs import Flag, Hold, Priority

STORED = []


def setup(hooks):
    async def check(draft):
        if "plugin-refuses" in draft.body:
            raise DomainError("A plugin refused this.", code="plugin_refused")
        if "plugin-holds" in draft.body:
            return Hold("a plugin wants a facilitator to look", "test_plugin")
        if "plugin-flags" in draft.body:
            return Flag("a plugin noticed", "test_plugin")
        return None

    async def stored(message):
        STORED.append((message.message_id, message.held, message.flags))

    hooks.message_check.register(check, priority=Priority.PLUGIN, name="test_plugin.check")
    hooks.message_stored.register(stored, priority=Priority.PLUGIN, name="test_plugin.stored")
"""


def install_plugin(where: Path, module: str, source: str) -> None:
    """A real installed distribution: a module and a .dist-info with its entry point."""
    (where / f"{module}.py").write_text(source)
    info = where / f"{module}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(f"[alongside.plugins]\n{module} = {module}:setup\n")


async def test_an_installed_plugin_refuses_holds_and_flags_and_observes(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install_plugin(tmp_path, "alongside_test_plugin", PLUGIN)
    monkeypatch.syspath_prepend(str(tmp_path))
    from tests.conftest import Api, open_session

    async with seeded_server(database.settings(port=free_port())) as server:
        assert "test_plugin.check" in server.state.rooms.message_checks.names
        sam, river, willow = Api(server.url), Api(server.url), Api(server.url)
        try:
            await sam.login("Sam")
            await river.login("River")
            await willow.login("Willow")
            await open_session(sam)
            sam_io, river_io, willow_io = await sam.socket(), await river.socket(), await willow.socket()
            staff, others = listening(sam_io), listening(willow_io)
            for client in (sam_io, river_io, willow_io):
                assert (await call(client, "room:join", {"group_id": 1}))["ok"]

            refused = await send(river_io, "plugin-refuses this")
            assert refused["error"]["code"] == "plugin_refused"

            held = await send(river_io, "plugin-holds this one", cid="held-1")
            assert held["ok"] and held["message"]["held"] is True
            assert held["message"]["held_reason"] == "a plugin wants a facilitator to look"
            seen = await staff.wait_for("message:held")
            assert seen["group_id"] == 1 and seen["message"]["id"] == held["message"]["id"]
            assert await send(river_io, "plugin-holds this one", cid="held-1") == held, "a retry: the stored one"

            flagged = await send(river_io, "plugin-flags this one")
            assert flagged["ok"] and "held" not in flagged["message"]
            note = await staff.wait_for("message:flagged")
            assert note == {"group_id": 1, "message_id": flagged["message"]["id"], "reasons": ["a plugin noticed"]}

            # Sentinel: Willow hears the flagged message; the held one (sent before it) never reached her.
            await others.wait_for("message:new", lambda d: d["message"]["id"] == flagged["message"]["id"])
            assert held["message"]["id"] not in [d["message"]["id"] for d in others.of("message:new")]
            assert others.of("message:held") == [] and others.of("message:flagged") == []

            # History: the author and the facilitator see the held message; another member does not.
            def ids(page: dict[str, Any]) -> list[int]:
                return [m["id"] for m in page["messages"]]

            since = {"group_id": 1, "since_id": 0}
            assert held["message"]["id"] not in ids(await call(willow_io, "history:since", since))
            assert held["message"]["id"] in ids(await call(river_io, "history:since", since))
            assert held["message"]["id"] in ids(await call(sam_io, "history:since", since))
            willow_again = await willow.socket()
            rejoined = await call(willow_again, "room:join", {"group_id": 1})
            assert held["message"]["id"] not in [m["id"] for m in rejoined["messages"]]

            await server.state.rooms.hooks.message_stored.drain()
            module = sys.modules["alongside_test_plugin"]
            assert (held["message"]["id"], True, ()) in module.STORED
            assert (flagged["message"]["id"], False, ("a plugin noticed",)) in module.STORED
        finally:
            for api in (sam, river, willow):
                await api.close()
            sys.modules.pop("alongside_test_plugin", None)


async def test_message_checks_run_outside_the_write_transaction(live_room: dict[str, Any], server: Any) -> None:
    """A check that itself takes the database's write lock would wait (SQLite) if the send held it."""
    wrote = []

    async def writes(_: MessageDraft) -> None:
        async with server.state.sessions() as db, db.begin():  # BEGIN IMMEDIATE on SQLite
            wrote.append(True)

    server.state.rooms.message_checks.register(writes, priority=Priority.PLUGIN, name="writes")
    river_io = await live_room["river"].socket()
    await call(river_io, "room:join", {"group_id": 1})
    ack = await asyncio.wait_for(send(river_io, "no lock held while checking"), 10)
    assert ack["ok"] and wrote == [True]


def test_a_broken_plugin_stops_the_start_with_a_clear_message(tmp_path: Path) -> None:
    install_plugin(tmp_path, "alongside_broken_plugin", "def setup(hooks):\n    raise RuntimeError('no config')\n")
    env = {
        **os.environ,
        "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}",
        "ALONGSIDE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'a.db'}",
        "ALONGSIDE_CONFIG": str(ROOT / "config" / "alongside.toml"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(free_port())],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "plugin 'alongside_broken_plugin'" in done.stderr and "RuntimeError: no config" in done.stderr
    assert "Traceback" not in done.stderr, textwrap.shorten(done.stderr, 400)
