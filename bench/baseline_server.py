"""The bare python-socketio baseline: the same event names and fan-out, no database, auth or checks."""

from __future__ import annotations

import argparse
from typing import Any

import socketio
from aiohttp import web


def build() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
    app = web.Application()
    sio.attach(app)
    counter = {"id": 0}

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
    args = parser.parse_args()
    web.run_app(build(), host="127.0.0.1", port=args.port, print=None, access_log=None)
