"""Operational endpoints: liveness, readiness (database, Redis) and Prometheus metrics."""

from __future__ import annotations

import asyncio
import hmac

import redis.asyncio as aioredis
from aiohttp import web
from sqlalchemy import text

from server.broker import SocketIOPublisher
from server.gc_tuning import PAUSES
from server.http_errors import ApiError
from server.metrics import send_batch_figures
from server.openapi import openapi_document
from server.state import STATE

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    state = request.app[STATE]
    checks: dict[str, str] = {}
    try:
        async with asyncio.timeout(3), state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"unavailable: {type(exc).__name__}"
    if state.settings.redis_url:
        client = aioredis.Redis.from_url(state.settings.redis_url, socket_connect_timeout=2)
        try:
            async with asyncio.timeout(1):  # a stalled Redis (not answering, not closed) must not hang this
                await client.ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
        finally:
            await client.aclose()
    ready = all(value == "ok" for value in checks.values())
    return web.json_response(
        {"status": "ready" if ready else "not_ready", "checks": checks}, status=200 if ready else 503
    )


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    """Open in development; in production only with the bearer token (off while none is set). The numbers
    (refusals by reason, connection counts) help an attacker tune an attack, so they are not public."""
    settings = request.app[STATE].settings
    if not settings.is_development:
        presented = request.headers.get("Authorization", "")
        expected = f"Bearer {settings.metrics_token}"
        if not settings.metrics_token or not hmac.compare_digest(presented.encode(), expected.encode()):
            raise ApiError(401, "not_authenticated", "Metrics need the metrics token (docs/operations.md).")
    state = request.app[STATE]
    batches = state.rooms.send_batch
    send_batch_figures(state.metrics, batches.flushes, batches.stored)
    if isinstance(state.rooms.publisher, SocketIOPublisher):
        state.metrics.set("alongside_redis_publish_errors_total", state.rooms.publisher.publish_errors)
    pauses = request.app.get(PAUSES)
    if pauses is not None:
        pauses.publish()
    return web.Response(text=state.metrics.render(), content_type="text/plain", charset="utf-8")


@routes.get("/api/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_document())
