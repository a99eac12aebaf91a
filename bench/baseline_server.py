"""The bare python-socketio baseline: the same event names and fan-out, no database, auth or checks.

`--redis URL` runs it with python-socketio's own Redis manager (several processes, as Alongside runs with
Redis). GET /gc answers the longest garbage collection pause so far, measured as Alongside measures its own
(server/gc_tuning.py, exposed in /metrics), so the load bench compares like with like; the bare server keeps
CPython's default collection thresholds and freezes nothing.
"""

from __future__ import annotations

import argparse
import gc
import time
from typing import Any

import socketio
from aiohttp import web


class Pauses:
    """A gc callback: the longest pause and the count of collections per generation."""

    def __init__(self) -> None:
        self.started = 0.0
        self.started_cpu = 0.0
        self.longest = 0.0
        self.longest_cpu = 0.0  # the collecting thread's own CPU time (see server/gc_tuning.py)
        self.collections = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        generation = int(info.get("generation", 0))
        if phase == "start":
            self.started = time.perf_counter()
            if generation:  # CPU time for middle and full collections only, as Alongside measures it
                self.started_cpu = time.thread_time()
            return
        pause = time.perf_counter() - self.started
        self.longest = max(self.longest, pause)
        if generation:
            self.longest_cpu = max(self.longest_cpu, time.thread_time() - self.started_cpu)
        self.collections[generation] += 1
        self.seconds[generation] += pause


def build(redis_url: str = "") -> web.Application:
    manager = socketio.AsyncRedisManager(redis_url, channel="bare") if redis_url else None
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[], client_manager=manager)
    app = web.Application()
    sio.attach(app)
    counter = {"id": 0}
    pauses = Pauses()
    gc.callbacks.append(pauses)

    async def gc_pauses(_: web.Request) -> web.Response:
        body = {
            "max_pause_seconds": pauses.longest,
            "max_pause_cpu_seconds": pauses.longest_cpu,
            "collections": pauses.collections,
            "seconds": pauses.seconds,
        }
        return web.json_response(body)

    app.router.add_get("/gc", gc_pauses)

    @sio.on("room:join", namespace="/chat")  # type: ignore[untyped-decorator]
    async def join(sid: str, payload: dict[str, Any]) -> dict[str, Any]:
        await sio.enter_room(sid, f"group:{payload['group_id']}", namespace="/chat")
        return {"ok": True}

    @sio.on("message:send", namespace="/chat")  # type: ignore[untyped-decorator]
    async def send(sid: str, payload: dict[str, Any]) -> dict[str, Any]:
        counter["id"] += 1
        message = {
            "id": counter["id"],
            "group_id": payload["group_id"],
            "body": payload["body"],
            "client_id": payload["client_id"],
        }
        await sio.emit("message:new", {"message": message}, room=f"group:{payload['group_id']}", namespace="/chat")
        return {"ok": True, "message": message}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", default="", help="a Redis URL: fan out through python-socketio's Redis manager")
    args = parser.parse_args()
    web.run_app(build(args.redis), host="127.0.0.1", port=args.port, print=None, access_log=None)
