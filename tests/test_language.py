"""A person's interface language is kept on their account (rooms/languages.py), so Welsh or Arabic follows them
to every device; and a signed-out page learns "nobody is signed in" without a 401 in the console."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api, RunningServer
from tests.helpers_privacy import user_named


async def test_the_session_endpoint_answers_200_signed_in_or_not(api_factory: Any) -> None:
    api: Api = await api_factory()
    assert await api.call("GET", "/api/auth/session") == (200, {"user": None})
    await api.login("River")
    status, data = await api.call("GET", "/api/auth/session")
    assert status == 200 and data["user"]["pseudonym"] == "River" and data["user"]["language"] is None
    assert (await api.call("GET", "/api/me"))[1]["user"] == data["user"]


async def test_the_chosen_language_is_kept_on_the_account(api_factory: Any, server: RunningServer) -> None:
    api: Api = await api_factory()
    await api.login("River")
    assert await api.call("PUT", "/api/me/language", {"language": "cy"}) == (200, {"language": "cy"})
    assert (await api.call("GET", "/api/me"))[1]["user"]["language"] == "cy"

    elsewhere: Api = await api_factory()  # another browser signing in later gets it too
    await elsewhere.login("River")
    assert (await elsewhere.call("GET", "/api/auth/session"))[1]["user"]["language"] == "cy"
    status, exported = await elsewhere.call("GET", "/api/me/export")
    assert status == 200 and exported["account"]["language"] == "cy"

    assert await api.call("PUT", "/api/me/language", {"language": None}) == (200, {"language": None})
    river = await user_named(server, "River")
    assert river is not None and river.language is None


async def test_a_language_alongside_does_not_ship_is_refused_and_changes_nothing(
    api_factory: Any, server: RunningServer
) -> None:
    api: Api = await api_factory()
    await api.login("Willow")
    await api.call("PUT", "/api/me/language", {"language": "ar"})
    for bad in ("xx", "EN", "en-GB", "c" * 17, 7, ["cy"]):
        status, data = await api.call("PUT", "/api/me/language", {"language": bad})
        assert status == 400, bad
        assert data["error"]["code"] in ("unsupported_language", "invalid_payload"), (bad, data)
    status, data = await api.call("PUT", "/api/me/language", {"language": "fr"})
    assert (status, data["error"]["code"]) == (400, "unsupported_language")
    willow = await user_named(server, "Willow")
    assert willow is not None and willow.language == "ar"

    signed_out: Api = await api_factory()
    assert (await signed_out.call("PUT", "/api/me/language", {"language": "cy"}))[0] == 401
