"""Serves the built browser app (frontend/dist) with strict security headers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
NOT_BUILT = (
    "<!doctype html><meta charset=utf-8><title>Alongside</title>"
    "<p>The browser app is not built yet. Run <code>./scripts/run</code>, which builds it.</p>"
)


HSTS = "max-age=31536000; includeSubDomains"


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
        return web.FileResponse(index, headers={"Cache-Control": "no-cache"})

    app.router.add_get("/", serve_index)
    if (root / "assets").is_dir():
        app.router.add_static("/assets", root / "assets", append_version=False)
