"""The hub admins' safeguarding lists a page at a time (docs/api.md, "Safeguarding"): dead letters and the
break-glass log come newest first, at most `limit` rows (default 100, 1..500), older pages by `before_id`, and
`next_before_id` null once nothing older is left; bad paging is a 400, and only hub admins are answered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api, RunningServer
from tests.helpers_safeguarding_pages import seed_history

LISTS = (
    pytest.param("/api/hubs/1/dead-letters", "dead_letters", id="dead-letters"),
    pytest.param("/api/hubs/1/break-glass-log", "entries", id="break-glass-log"),
)


async def every_page(api: Api, path: str, key: str, limit: int | None = None) -> list[list[int]]:
    """Page through to the end, following next_before_id; the ids of each page."""
    pages: list[list[int]] = []
    before: int | None = None
    while True:
        params = {k: str(v) for k, v in (("limit", limit), ("before_id", before)) if v is not None}
        status, data = await api.call("GET", path, params=params)
        assert status == 200, data
        ids = [row["id"] for row in data[key]]
        pages.append(ids)
        before = data["next_before_id"]
        if before is None:
            return pages
        assert before == ids[-1], "the next page starts below the last row shown"
        assert len(pages) < 50, "paging must end"


@pytest.mark.parametrize(("path", "key"), LISTS)
async def test_pages_cover_every_row_once_newest_first(
    server: RunningServer, api_factory: Any, path: str, key: str
) -> None:
    admin = await api_factory("hub-admin")
    history = await seed_history(server, 205)
    expected = list(reversed(history.dead_letters if key == "dead_letters" else history.break_glass))

    default_pages = await every_page(admin, path, key)
    assert [len(p) for p in default_pages] == [100, 100, 5], "100 a page unless asked"
    assert [i for page in default_pages for i in page] == expected, "each row once, newest first"

    small_pages = await every_page(admin, path, key, limit=7)
    assert all(len(p) == 7 for p in small_pages[:-1]) and len(small_pages[-1]) == 205 % 7
    assert [i for page in small_pages for i in page] == expected

    status, data = await admin.call("GET", path, params={"limit": "500"})
    assert status == 200 and [r["id"] for r in data[key]] == expected and data["next_before_id"] is None
    # A page that ends exactly at the oldest row says so at once (no empty page to fetch).
    status, data = await admin.call("GET", path, params={"limit": "5", "before_id": str(expected[-5])})
    assert status == 200 and [r["id"] for r in data[key]] == expected[-4:] and data["next_before_id"] is None
    status, data = await admin.call("GET", path, params={"before_id": str(expected[-1])})
    assert status == 200 and data == {key: [], "next_before_id": None}


async def test_dead_letter_pages_hold_only_dead_letters(server: RunningServer, api_factory: Any) -> None:
    admin = await api_factory("hub-admin")
    history = await seed_history(server, 30)
    assert history.delivered, "the seed interleaves delivered rows"
    pages = await every_page(admin, "/api/hubs/1/dead-letters", "dead_letters", limit=4)
    shown = [i for page in pages for i in page]
    assert shown == list(reversed(history.dead_letters)) and not set(shown) & set(history.delivered)


@pytest.mark.parametrize(("path", "key"), LISTS)
@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "501"}, "limit"),
        ({"limit": "-3"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1.5"}, "limit"),
        ({"before_id": "0"}, "before_id"),
        ({"before_id": "-1"}, "before_id"),
        ({"before_id": "abc"}, "before_id"),
        ({"before_id": str(2**31)}, "before_id"),
        ({"before_id": "10", "limit": "1000"}, "limit"),
    ],
)
async def test_bad_paging_is_refused_with_invalid_payload(
    api_factory: Any, path: str, key: str, params: dict[str, str], named: str
) -> None:
    admin = await api_factory("hub-admin")
    status, data = await admin.call("GET", path, params=params)
    assert status == 400 and data["error"]["code"] == "invalid_payload", data
    assert named in data["error"]["message"], "the message names the parameter"


@pytest.mark.parametrize(("path", "key"), LISTS)
async def test_only_hub_admins_are_answered_before_the_query_is_read(api_factory: Any, path: str, key: str) -> None:
    admin_status, _ = await (await api_factory("hub-admin")).call("GET", path)
    assert admin_status == 200
    for pseudonym in ("Ash", "Sam", "River"):
        person = await api_factory(pseudonym)
        plain = await person.call("GET", path)
        assert plain[0] == 403 and plain[1]["error"]["code"] == "forbidden", plain
        # A bad page from someone who may not read the list is still the refusal, not a 400.
        assert await person.call("GET", path, params={"limit": "0", "before_id": "x"}) == plain
    anonymous = await api_factory()
    assert (await anonymous.call("GET", path, params={"limit": "0"}))[0] == 401


@pytest.mark.parametrize(("path", "key"), LISTS)
async def test_the_openapi_documents_the_paging(api_factory: Any, path: str, key: str) -> None:
    status, spec = await (await api_factory()).call("GET", "/api/openapi.json")
    assert status == 200
    operation = spec["paths"][path.replace("/1/", "/{hub_id}/")]["get"]
    query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
    assert query["limit"]["minimum"] == 1 and query["limit"]["maximum"] == 500
    assert query["before_id"]["minimum"] == 1
    assert "invalid_payload" in json.dumps(operation["responses"]["400"])
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    result = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert {key, "next_before_id"} <= set(result["required"]), result
