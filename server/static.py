"""Serves the built browser app (frontend/dist) with strict security headers, compressed and cached.

The build writes a brotli and a gzip copy beside each text file (frontend/precompress.js); aiohttp's
FileResponse sends the copy a browser's Accept-Encoding allows, with Content-Encoding and Vary set, so nothing is
compressed per request. Files under /assets/ have a hash of their content in their names (a new build gives
new names), so browsers and caches keep them for a year without asking again; index.html, which names them,
is checked with the server on every load (no-cache, answered 304 when unchanged)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import hdrs, web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>Alongside</title>"
    "<p>The browser app is not built yet. Run <code>./scripts/run</code>, which builds it.</p>"
)


HSTS = "max-age=31536000; includeSubDomains"
ASSETS = "/assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
# The answers a browser may keep: a file (whole or a range) or "not modified"; never an error (a file missing
# during a deploy must not be remembered as missing for a year).
CACHEABLE_STATUSES = frozenset({200, 206, 304})


def security_headers(hsts: bool) -> Callable[..., Awaitable[web.StreamResponse]]:
    """Headers on every response; with `hsts` (production, always behind HTTPS) browsers are also told to
    use HTTPS only for a year, so a network attacker cannot downgrade a member's next visit."""

    @web.middleware
    async def add_headers(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        response = await handler(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return add_headers


def add_frontend_routes(app: web.Application, frontend_dir: str) -> None:
    root = Path(frontend_dir)
    index = root / "index.html"

    async def serve_index(request: web.Request) -> web.StreamResponse:
        if not index.exists():
            return web.Response(text=NOT_BUILT, content_type="text/html", status=503)
        return web.FileResponse(index, headers={"Cache-Control": "no-cache", hdrs.VARY: hdrs.ACCEPT_ENCODING})

    app.router.add_get("/", serve_index)
    if (root / "assets").is_dir():
        app.router.add_static("/assets", root / "assets", append_version=False)
        app.on_response_prepare.append(cache_assets)


async def cache_assets(request: web.Request, response: web.StreamResponse) -> None:
    """An /assets/ file may be kept for a year: its name changes whenever its content does. Vary is set on the
    plain answer too (FileResponse sets it only on a compressed one), so a shared cache that stored the plain
    file for a client without brotli or gzip does not hand it to every other browser."""
    if not request.path.startswith(ASSETS) or response.status not in CACHEABLE_STATUSES:
        return
    response.headers[hdrs.CACHE_CONTROL] = IMMUTABLE
    response.headers.setdefault(hdrs.VARY, hdrs.ACCEPT_ENCODING)
