"""One JSON error shape for every HTTP refusal, and the middleware that guarantees it."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from rooms import validate
from rooms.errors import DomainError
from server.state import STATE

log = logging.getLogger("alongside.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_STATUS_CODES = {
    400: "invalid_payload",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_attempts",
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status, headers=headers)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        _count_refusal(request, exc.code)
        return error_response(exc.status, exc.code, exc.message, exc.headers)
    except DomainError as exc:
        _count_refusal(request, exc.code)
        return error_response(exc.status, exc.code, exc.message)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith("/api/"):
            raise
        code = _STATUS_CODES.get(exc.status, "http_error")
        message = "The request body is too large." if exc.status == 413 else exc.reason
        return error_response(exc.status, code, message)
    except Exception:
        # Never log request bodies: they may hold what a member wrote.
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "internal_error", "Something went wrong on our side; nothing was changed.")


def _count_refusal(request: web.Request, code: str) -> None:
    if STATE in request.app:
        request.app[STATE].metrics.inc("alongside_refusals_total", code=code)


async def read_json(request: web.Request) -> dict[str, Any]:
    """The request's JSON object, or a 4xx ApiError. Only JSON is accepted, which also blocks form-post CSRF."""
    if request.content_type != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    raw = await request.read()
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ApiError(400, "invalid_payload", "The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_payload", "The body must be a JSON object.")
    if not validate.encodable(body):
        raise ApiError(400, "invalid_payload", "The body holds text that is not valid Unicode.")
    return body
