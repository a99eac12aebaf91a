"""The OpenAPI document matches the routes; staff-written text never keeps markup."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from moderation.sanitise import plain_text
from server.app import create_app
from server.openapi import openapi_document
from tests.conftest import base_settings

PAYLOAD_FILE = Path(__file__).parent / "data" / "xss" / "payloads.txt"
PAYLOADS = [line for line in PAYLOAD_FILE.read_text(encoding="utf-8").split("\n") if line]


def test_openapi_lists_every_route_and_nothing_else(tmp_path: Path) -> None:
    app = create_app(base_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db"))
    routes: set[tuple[str, str]] = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method in ("HEAD", "OPTIONS", "*") or path.startswith(("/socket.io", "/assets")) or path == "/":
            continue
        routes.add((route.method.lower(), path))
    document = openapi_document()
    documented = {(m, p) for p, item in document["paths"].items() for m in item if m != "parameters"}
    assert routes == documented


def test_openapi_references_resolve() -> None:
    document = openapi_document()
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', str(document).replace("'", '"')))
    assert refs and refs <= set(document["components"]["schemas"])


async def test_openapi_is_served(api_factory: Any) -> None:
    api = await api_factory()
    status, data = await api.call("GET", "/api/openapi.json")
    assert status == 200 and data["openapi"].startswith("3.1") and "/api/groups/{group_id}/membership" in data["paths"]


def test_payload_corpus_is_complete() -> None:
    assert len(PAYLOADS) == 1338


@pytest.mark.parametrize("chunk", range(0, 1338, 223))
def test_sanitiser_leaves_no_markup(chunk: int) -> None:
    for payload in PAYLOADS[chunk : chunk + 223]:
        cleaned = plain_text(payload)
        assert not re.search(r"<\s*[a-zA-Z!/?]", cleaned), (payload, cleaned)
        assert plain_text(cleaned) == cleaned, "sanitising is stable"


def test_sanitiser_keeps_ordinary_text() -> None:
    text = "Be kind & patient.\nIf 2 < 3 and 5 > 4, that's maths — not markup. 🌱"
    assert plain_text(text) == text
