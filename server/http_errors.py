"""One JSON error shape for every HTTP refusal, and the middleware that guarantees it."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ValidationError

from rooms import validate
from rooms.errors import DomainError
from server.state import STATE

log = logging.getLogger("alongside.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Body = TypeVar("Body", bound=BaseModel)

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
        # A 405 names the methods the path does take (RFC 9110); keep that when rebuilding the answer.
        allow = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
        return error_response(exc.status, code, message, allow)
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


async def read_body(request: web.Request, model: type[Body]) -> Body:
    """The request body checked against its declared model, or a 4xx ApiError naming the first bad field.

    read_json first (415 for non-JSON, 400 for bad JSON, deep JSON or lone surrogates), then the model in
    strict JSON mode, so the types are JSON's own, exactly as /api/openapi.json describes them.
    """
    await read_json(request)
    raw = await request.read()
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as exc:
        raise ApiError(400, "invalid_payload", validation_message(exc)) from None


def validation_message(exc: ValidationError) -> str:
    """A sentence naming the field and what is wrong, never echoing the value sent."""
    problems = exc.errors(include_url=False, include_input=False, include_context=True)
    first = problems[0]
    field = ".".join(str(part) for part in first["loc"]) or "The body"
    sentence = _problem(field, first["type"], first.get("ctx") or {}, first["msg"])
    more = len(problems) - 1
    return sentence if not more else f"{sentence} ({more} more problem{'s' if more > 1 else ''} in the body)"


def _problem(field: str, kind: str, ctx: dict[str, Any], msg: str) -> str:
    if kind == "missing":
        return f"{field} is required."
    if kind == "extra_forbidden":
        return f"{field} is not a field this request takes."
    if kind == "model_type" or kind == "model_attributes_type":
        return "The body must be a JSON object."
    if kind == "string_type":
        return f"{field} must be text."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{field} must be a whole number."
    if kind == "string_too_short":
        return f"{field} must be at least {ctx.get('min_length')} characters."
    if kind == "string_too_long":
        return f"{field} must be at most {ctx.get('max_length')} characters."
    if kind == "greater_than_equal":
        return f"{field} must be at least {ctx.get('ge')}."
    if kind == "less_than_equal":
        return f"{field} must be at most {ctx.get('le')}."
    if kind == "literal_error":
        return f"{field} must be {ctx.get('expected')}."
    if kind.startswith("date"):
        return f"{field} must be a date like 2026-01-31."
    if kind == "value_error":
        why = str(ctx.get("error", "is not valid"))
        return f"{field} {why}." if why[:1].islower() else f"{field}: {why}"
    return f"{field} is not valid: {msg}."
