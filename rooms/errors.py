"""Refusals the domain can give. Each carries a machine code and a sentence a person can read."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """`detail`: extra facts a client needs to act on the refusal (e.g. `until`, `retry_after`), sent beside
    the code and message."""

    code = "invalid_payload"
    status = 400

    def __init__(self, message: str, code: str | None = None, detail: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail or {}
        if code:
            self.code = code


class InvalidInput(DomainError):
    code = "invalid_payload"
    status = 400


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class Conflict(DomainError):
    code = "conflict"
    status = 409


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
