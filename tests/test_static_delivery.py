"""The browser app reaches a member's phone compressed and is cached by name (server/static.py,
frontend/precompress.js): the build writes brotli and gzip copies beside each text file, the server sends the
one the browser accepts (the plain file to a client that accepts neither), the content-hashed files under
/assets/ are kept for a year, and index.html, which names them, is checked on every load.

These need the built app (./scripts/setup builds it): without it they skip locally and fail under CI."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import Database, RunningServer, start_server
from tests.helpers_browser import DIST
from tests.services import free_port, unavailable

TEXT_SUFFIXES = {".js", ".css", ".html", ".svg"}
IMMUTABLE = "public, max-age=31536000, immutable"


def built_dist() -> Path:
    if not (DIST / "index.html").exists():
        unavailable("frontend/dist is not built (./scripts/setup, or cd frontend && npm ci && npm run build)")
    return DIST


def brotli_decompress(data: bytes) -> bytes:
    """Brotli is not in Python's standard library; Node (which builds the app) has it."""
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed (it builds the browser app)")
        raise AssertionError("unreachable")
    script = "process.stdout.write(require('zlib').brotliDecompressSync(require('fs').readFileSync(0)))"
    return subprocess.run([node, "-e", script], input=data, capture_output=True, check=True).stdout


def first_load_files(dist: Path) -> dict[str, Path]:
    """What index.html makes a browser fetch from /assets/: the entry script and the stylesheet (by kind)."""
    html = (dist / "index.html").read_text(encoding="utf-8")
    script = re.search(r'<script type="module"[^>]* src="(/assets/[^"]+\.js)"', html)
    style = re.search(r'<link rel="stylesheet"[^>]* href="(/assets/[^"]+\.css)"', html)
    assert script and style, html
    return {kind: dist / found.group(1).lstrip("/") for kind, found in (("js", script), ("css", style))}


@pytest.fixture
async def app_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A server (empty SQLite database) serving the built app from frontend/dist, the default."""
    built_dist()
    database = Database("sqlite", f"sqlite+aiosqlite:///{tmp_path}/alongside.db")
    running, runner = await start_server(database.settings(port=free_port()))
    try:
        yield running
    finally:
        await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client that shows bytes as they came (no decompressing) and sends only the Accept-Encoding it is
    given (aiohttp adds its own otherwise)."""
    async with aiohttp.ClientSession(auto_decompress=False, skip_auto_headers=["Accept-Encoding"]) as session:
        yield session


def test_the_build_writes_brotli_and_gzip_copies_of_every_text_file() -> None:
    dist = built_dist()
    text_files = [path for path in dist.rglob("*") if path.suffix in TEXT_SUFFIXES]
    assert {path.suffix for path in text_files} == TEXT_SUFFIXES, "an entry script, a stylesheet, a page, an icon"
    for path in text_files:
        plain = path.read_bytes()
        packed = {suffix: path.with_name(path.name + suffix).read_bytes() for suffix in (".br", ".gz")}
        assert brotli_decompress(packed[".br"]) == plain, path
        assert gzip.decompress(packed[".gz"]) == plain, path
        assert len(packed[".br"]) < len(packed[".gz"]) < len(plain), path
    maps = list(dist.rglob("*.map"))
    assert maps, "source maps are built"
    assert not [m for m in maps if m.with_name(m.name + ".br").exists() or m.with_name(m.name + ".gz").exists()]


@pytest.mark.parametrize(
    ("accept_encoding", "expected"),
    [("gzip, deflate, br, zstd", "br"), ("gzip, deflate", "gzip"), (None, None)],
    ids=["brotli", "gzip-only", "no-accept-encoding"],
)
async def test_first_load_files_are_sent_as_the_browser_accepts(
    app_server: RunningServer, http: aiohttp.ClientSession, accept_encoding: str | None, expected: str | None
) -> None:
    files = first_load_files(built_dist())
    content_types = {"js": "application/javascript", "css": "text/css", "html": "text/html"}
    urls = {kind: app_server.url + "/assets/" + path.name for kind, path in files.items()}
    urls["html"] = app_server.url + "/"
    plain_files = {**files, "html": DIST / "index.html"}
    headers = {"Accept-Encoding": accept_encoding} if accept_encoding else {}
    for kind, url in urls.items():
        async with http.get(url, headers=headers) as response:
            body = await response.read()
            assert response.status == 200, url
            assert response.content_type == content_types[kind], url
            assert response.headers.get("Content-Encoding") == expected, url
            assert response.headers.get("Vary") == "Accept-Encoding", url
            assert int(response.headers["Content-Length"]) == len(body)
        plain = plain_files[kind].read_bytes()
        if expected == "br":
            assert brotli_decompress(body) == plain, url
        elif expected == "gzip":
            assert gzip.decompress(body) == plain, url
        else:
            assert body == plain, url
        if expected and kind == "js":
            assert len(body) < len(plain) // 3, "the entry script shrinks to under a third"


async def test_assets_are_kept_a_year_and_the_page_is_checked_every_load(
    app_server: RunningServer, http: aiohttp.ClientSession
) -> None:
    script = app_server.url + "/assets/" + first_load_files(built_dist())["js"].name
    async with http.get(script, headers={"Accept-Encoding": "br"}) as response:
        assert response.status == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        etag = response.headers["ETag"]
        # The security headers (server/static.security_headers) are still there.
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    async with http.get(script, headers={"Accept-Encoding": "br", "If-None-Match": etag}) as response:
        assert response.status == 304
        assert response.headers["Cache-Control"] == IMMUTABLE, "a revalidation renews the year"
    async with http.get(script, headers={"Range": "bytes=0-99"}) as response:
        assert response.status == 206 and response.headers["Cache-Control"] == IMMUTABLE
    async with http.get(app_server.url + "/assets/index-missing.js") as response:
        assert response.status == 404
        assert "immutable" not in response.headers.get("Cache-Control", ""), "a missing file is not kept"
    async with http.get(app_server.url + "/", headers={"Accept-Encoding": "br"}) as response:
        assert response.status == 200 and response.headers["Content-Encoding"] == "br"
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["X-Frame-Options"] == "DENY"
