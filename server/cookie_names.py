"""Cookie name prefixes over HTTPS: `__Host-alongside_session` and `__Secure-alongside_device`.

Browsers only accept a `__Host-` cookie that is Secure, has Path=/ and no Domain, so a sibling subdomain
cannot plant (toss) a session cookie of its own for Alongside to pick up. With cookie_secure on, the session
cookie is set under that name and the device cookie (Path=/api/auth, so `__Secure-`) likewise; a middleware
maps the prefixed names back to the plain ones for the rest of the app and drops any plain-named copies,
which over HTTPS can only have been planted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web

from server.auth import COOKIE_NAME
from server.sign_in_throttle import DEVICE_COOKIE_NAME

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SECURE_NAMES = {f"__Host-{COOKIE_NAME}": COOKIE_NAME, f"__Secure-{DEVICE_COOKIE_NAME}": DEVICE_COOKIE_NAME}


def session_cookie_name(secure: bool) -> str:
    return f"__Host-{COOKIE_NAME}" if secure else COOKIE_NAME


def device_cookie_name(secure: bool) -> str:
    return f"__Secure-{DEVICE_COOKIE_NAME}" if secure else DEVICE_COOKIE_NAME


def unprefixed(header: str) -> str:
    """A Cookie header with our prefixed cookies renamed to their plain names and plain-named copies dropped."""
    kept = []
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if not sep or name in SECURE_NAMES.values():
            continue
        kept.append(f"{SECURE_NAMES.get(name, name)}={value}")
    return "; ".join(kept)


@web.middleware
async def read_prefixed_cookies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Installed first, and only when cookie_secure is on."""
    header = request.headers.get(hdrs.COOKIE)
    if not header:
        return await handler(request)
    headers = request.headers.copy()
    headers[hdrs.COOKIE] = unprefixed(header)
    return await handler(request.clone(headers=headers))
