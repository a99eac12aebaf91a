"""/api/openapi.json is generated from the routes' declarations and models, and says what the server does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rooms import validate
from server import api_charsets as cs
from server import api_models as m
from server.app import create_app
from server.openapi import openapi_document
from tests.conftest import Api, base_settings

DOCUMENT = openapi_document()
OPERATIONS = [
    (method, path, op)
    for path, item in DOCUMENT["paths"].items()
    for method, op in item.items()
    if method != "parameters"
]
SCHEMAS = DOCUMENT["components"]["schemas"]


def codes(op: dict[str, Any], status: int) -> list[str]:
    """The error codes a documented response lists."""
    schema = op["responses"][str(status)]["content"]["application/json"]["schema"]
    assert schema["allOf"][0] == {"$ref": "#/components/schemas/Error"}
    listed: list[str] = schema["allOf"][1]["properties"]["error"]["properties"]["code"]["enum"]
    return listed


def body_schema(method: str, path: str) -> dict[str, Any]:
    ref = DOCUMENT["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema: dict[str, Any] = SCHEMAS[ref.rsplit("/", 1)[1]]
    return schema


def test_openapi_lists_every_route_and_nothing_else(tmp_path: Path) -> None:
    app = create_app(base_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/x.db"))
    routes: set[tuple[str, str]] = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method in ("HEAD", "OPTIONS", "*") or path.startswith(("/socket.io", "/assets")) or path == "/":
            continue
        routes.add((route.method.lower(), path))
    documented = {(method, path) for method, path, _ in OPERATIONS}
    assert routes == documented


def test_openapi_references_resolve() -> None:
    refs = set(re.findall(r'"\$ref": "#/components/schemas/(\w+)"', json.dumps(DOCUMENT)))
    assert refs and refs <= set(SCHEMAS)


def test_request_bodies_come_from_the_models() -> None:
    assert body_schema("post", "/api/hubs/{hub_id}/groups") == m.GroupCreateBody.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    assert body_schema("post", "/api/auth/signup")["required"] == ["pseudonym", "password"]
    assert body_schema("patch", "/api/groups/{group_id}").get("required") is None
    assert all(
        body_schema(method, path)["additionalProperties"] is False
        for method, path, op in OPERATIONS
        if "requestBody" in op
    )


async def test_openapi_is_served(api_factory: Any) -> None:
    api = await api_factory()
    status, data = await api.call("GET", "/api/openapi.json")
    assert status == 200 and data == json.loads(json.dumps(DOCUMENT))


def test_sign_in_lists_401_and_429_with_retry_after() -> None:
    login = DOCUMENT["paths"]["/api/auth/login"]["post"]
    assert codes(login, 401) == ["invalid_credentials"]
    assert codes(login, 429) == ["too_many_attempts"]
    assert login["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    assert login["security"] == [], "signing in needs no session"


def test_authenticated_routes_list_401_and_body_routes_list_400_413_415() -> None:
    signed_in = [(method, path, op) for method, path, op in OPERATIONS if op.get("security") != []]
    assert len(signed_in) >= 13
    for method, path, op in signed_in:
        assert "not_authenticated" in codes(op, 401), (method, path)
    with_body = [(method, path, op) for method, path, op in OPERATIONS if "requestBody" in op]
    assert len(with_body) >= 8
    for method, path, op in with_body:
        assert "invalid_payload" in codes(op, 400), (method, path)
        assert codes(op, 413) == ["payload_too_large"], (method, path)
        assert codes(op, 415) == ["unsupported_media_type"], (method, path)
    for method, path, op in OPERATIONS:
        if method in ("post", "put", "patch", "delete"):
            assert "forbidden" in codes(op, 403), (method, path)  # the origin guard
        if "{" in path:
            assert "not_found" in codes(op, 404), (method, path)


def test_not_member_is_listed_where_rest_answers_it() -> None:
    assert codes(DOCUMENT["paths"]["/api/groups/{group_id}/membership"]["delete"], 404) == ["not_found", "not_member"]
    assert "not_member" in codes(DOCUMENT["paths"]["/api/groups/{group_id}/sessions"]["get"], 404)
    assert "agreement_outdated" in codes(DOCUMENT["paths"]["/api/groups/{group_id}/membership"]["put"], 409)
    assert "pseudonym_taken" in codes(DOCUMENT["paths"]["/api/auth/signup"]["post"], 409)


def string_properties() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for name, schema in SCHEMAS.items():
        if name.endswith("Body"):
            for field, prop in schema["properties"].items():
                for option in prop.get("anyOf", [prop]):
                    # Free text; enums and dates admit only their own few shapes.
                    if option.get("type") == "string" and "enum" not in option and option.get("format") != "date":
                        found.append((name, field, option))
    return found


@pytest.mark.parametrize(
    ("model", "field", "schema"), string_properties(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_body_strings_exclude_lone_surrogates_and_control_characters(
    model: str, field: str, schema: dict[str, Any]
) -> None:
    pattern = schema["pattern"]
    assert "\\ud8" not in pattern.lower() and "\\udf" not in pattern.lower(), "no surrogate is listed"
    assert not cs.matches(pattern, "ab\ud800cd") and not cs.matches(pattern, "\udfff")
    if pattern != m.ANY_TEXT:  # passwords may hold any valid text
        validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        for control in ("\x00", "\x07", "\x1b", "\x7f", "\x85"):
            assert not validator.is_valid(f"ab{control}cd"), (model, field, repr(control))


@pytest.mark.parametrize("pattern", [m.LINE, m.LINES, m.ANY_TEXT, m.EMAIL_PATTERN, m.SLUG_PATTERN, m.SCHEDULED_PATTERN])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | st.from_regex(r"[a-z0-9@.\n -]{0,12}"))
def test_python_and_ecma_read_each_pattern_alike(pattern: str, text: str) -> None:
    """The server checks patterns with Python `re`; JSON Schema tools read them as ECMA-262."""
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    assert cs.matches(pattern, text) == validator.is_valid(text)


@settings(max_examples=300, deadline=None)
@given(name=st.from_regex(cs.pseudonym_pattern(), fullmatch=True).filter(lambda n: 3 <= len(n) <= 32))
def test_every_pseudonym_the_schema_allows_the_domain_accepts_unchanged(name: str) -> None:
    assert validate.pseudonym(name) == name
    assert m.SignupBody.model_validate({"pseudonym": name, "password": "long enough pass"}).pseudonym == name


@settings(max_examples=200, deadline=None)
@given(text=st.from_regex(m.LINES, fullmatch=True).filter(lambda t: len(t) <= 4000))
def test_multiline_text_the_schema_allows_survives_the_domain_cleaning(text: str) -> None:
    cleaned = validate.text(text, "description", min_len=0, max_len=4000)
    assert not validate.has_control_characters(cleaned.replace("\n", "").replace("\t", ""))


async def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(api_factory: Any) -> None:
    admin: Api = await api_factory("hub-admin")
    status, data = await admin.call("POST", "/api/hubs/1/groups", {"name": "Bell\x07 group", "agreement": "Be kind"})
    assert (status, data["error"]["code"]) == (400, "invalid_payload")
    assert data["error"]["message"] == "name must not hold control characters."
    status, data = await admin.call("PATCH", "/api/groups/1", {"agreement": "Tab\tand\nlines are fine"})
    assert status == 200 and data["group"]["agreement"] == "Tab\tand\nlines are fine"
    raw = b'{"name": "Lone \\udc00 half", "agreement": "Be kind"}'
    async with admin.http.post(
        admin.base + "/api/hubs/1/groups", data=raw, headers={"Content-Type": "application/json"}
    ) as response:
        assert response.status == 400 and (await response.json())["error"]["code"] == "invalid_payload"
    status, data = await admin.call("GET", "/api/groups")
    assert {g["name"] for g in data["groups"]} == {"Thursday evening circle", "Carers' corner"}, "nothing was made"


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/api/hubs/1/groups", {"name": "x" * 121, "agreement": "a"}, "name must be at most 120 characters."),
        ("/api/hubs/1/groups", {"name": 5, "agreement": "a"}, "name must be text."),
        ("/api/hubs/1/groups", {"agreement": "secret-words"}, "name is required."),
        ("/api/hubs/1/groups", {"name": "n", "agreement": "a", "colour": "secret-words"}, "colour is not a field"),
        ("/api/hubs/1/staff", {"pseudonym": "Willow", "role": "secret-words"}, "role must be 'facilitator', 'senior"),
        (
            "/api/hubs/1/training",
            {"pseudonym": "Willow", "course": "Peer support", "completed_on": "1 May", "expires_on": "2027-05-01"},
            "completed_on must be a date",
        ),
        ("/api/groups/1/membership", {"agreement_version": "1"}, "agreement_version must be a whole number."),
        ("/api/groups/1/membership", {"agreement_version": 0}, "agreement_version must be at least 1."),
    ],
)
async def test_a_body_the_model_refuses_gets_400_naming_the_field(
    api_factory: Any, path: str, body: dict[str, Any], expected: str
) -> None:
    admin: Api = await api_factory("hub-admin")
    method = "PUT" if path.endswith("membership") else "POST"
    status, data = await admin.call(method, path, body)
    assert (status, data["error"]["code"]) == (400, "invalid_payload"), data
    assert data["error"]["message"].startswith(expected)
    assert "secret-words" not in data["error"]["message"] and "xxxx" not in data["error"]["message"]


async def test_a_method_a_path_does_not_take_gets_405_with_allow(api_factory: Any) -> None:
    api: Api = await api_factory("River")
    async with api.http.request("TRACE", api.base + "/api/hubs") as response:
        assert response.status == 405
        assert set(response.headers["Allow"].split(",")) >= {"GET", "POST"}
        assert (await response.json())["error"]["code"] == "method_not_allowed"
    async with api.http.request("OPTIONS", api.base + "/api/groups/1/membership") as response:
        assert response.status == 405 and set(response.headers["Allow"].split(",")) == {"PUT", "DELETE"}
    async with api.http.head(api.base + "/api/groups/1") as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
        assert await response.read() == b""


async def test_head_of_a_signed_in_route_without_a_session_is_401(api_factory: Any) -> None:
    api: Api = await api_factory()
    async with aiohttp.ClientSession() as http, http.head(api.base + "/api/me") as response:
        assert response.status == 401


async def test_a_whole_number_written_as_a_float_is_a_whole_number(api_factory: Any) -> None:
    """JSON Schema's "integer" admits 1.0, so the server does too."""
    member: Api = await api_factory("Willow")
    status, data = await member.call("PUT", "/api/groups/1/membership", {"agreement_version": 1.0})
    assert status == 200 and data["group"]["membership"]["agreement_version"] == 1
    status, data = await member.call("PUT", "/api/groups/1/membership", {"agreement_version": 1.5})
    assert (status, data["error"]["message"]) == (400, "agreement_version must be a whole number.")
