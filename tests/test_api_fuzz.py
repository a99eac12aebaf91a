"""Schemathesis against a real server on loopback: every answer must match /api/openapi.json.

The server runs in this test's event loop (SQLite, demo data); schemathesis runs as its own process (`st run`)
so its blocking HTTP client never stalls the server. Three passes: signed out, as a member and as a hub
admin (by cookie). The budget is bounded (examples per operation, no shrinking, one worker) to stay within
a few minutes on two cores. A run that tested nothing fails, as does any non-conformance.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import Api, RunningServer, base_settings, seeded_server
from tests.services import free_port

pytestmark = pytest.mark.fuzz

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "positive_data_acceptance",
]
# Bodies JSON Schema cannot fully describe: a schema-valid one may still be refused (400) by a rule about
# meaning, so schema-valid data is not required to be accepted there. Everywhere else it is.
SEMANTIC_RULES = {
    "/api/auth/signup": "password strength (zxcvbn) and email syntax (email-validator)",
    "/api/auth/password": "password strength (zxcvbn)",
    "/api/hubs": "a name that is empty once markup is removed, a time zone not in the IANA database",
    "/api/hubs/{hub_id}": "a time zone not in the IANA database, a name empty once markup is removed",
    "/api/hubs/{hub_id}/crisis-lines": "an https address with a real host, a way to reach each line",
    "/api/hubs/{hub_id}/training": "completion not in the future, expiry after completion",
    "/api/admin/accounts": "password strength (zxcvbn)",
    "/api/hubs/{hub_id}/groups": "a name or agreement that is empty once markup is removed",
    "/api/groups/{group_id}": "a name or agreement that is empty once markup is removed",
    "/api/groups/{group_id}/sessions": "a time in the past",
    "/api/groups/{group_id}/invitations": "an expiry in the past or more than 90 days ahead",
    "/api/auth/two-factor/confirm": "a code the authenticator app did not show (400 invalid_code)",
    "/api/auth/two-factor/disable": "a code the authenticator app did not show (400 invalid_code)",
    "/api/groups/{group_id}/schedules": "weekday on a one-off or missing on a weekly, ends_on before the first meeting",
    "/api/groups/{group_id}/schedules/{schedule_id}/occurrences/{date}/move": "a time in the past",
    "/api/groups/{group_id}/occurrences": "a window that ends before it starts or is longer than 366 days",
    "/api/hubs/{hub_id}/attendance": "a window that ends before it starts or is longer than 366 days",
    "/api/sessions/{session_id}/debrief": "how_it_went that is empty once markup is removed",
    "/api/reports/{report_id}/resolve": "an outcome that is empty once markup is removed",
    "/api/me/blocks": "blocking yourself (400 cannot_block_self)",
    "/api/me/muted-words": "a word that is blank, or over 100 characters once NFKC-normalised (400 invalid_word)",
    "/api/hubs/{hub_id}/word-list": "a phrase with no letter or digit; a word of distress to hold or refuse",
    "/api/hubs/{hub_id}/escalation": "a webhook address without a signing secret",
    "/api/concerns/{concern_id}/notes": "a note that is blank once trimmed",
    "/api/concerns/{concern_id}/resolve": "an outcome that is blank once trimmed",
    "/api/concerns/{concern_id}/reveal-contact": "a reason shorter than 5 characters once trimmed",
}
SEED = os.environ.get("ALONGSIDE_FUZZ_SEED", "20261123")
ST = Path(sys.executable).with_name("st")


@pytest.fixture
async def live(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = base_settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/fuzz.db", port=free_port())
    async with seeded_server(settings) as running:
        yield running


async def signed_in_cookie(server: RunningServer, pseudonym: str) -> tuple[Api, str]:
    api = Api(server.url)
    await api.login(pseudonym)
    return api, api.cookie_header()


async def schemathesis(
    server: RunningServer, report: Path, examples: int, *extra: str, document: Path | None = None
) -> tuple[int, str]:
    """Run `st run` against the live server (with its own document, or another one); (exit status, output)."""
    location = [str(document), "--url", server.url] if document else [f"{server.url}/api/openapi.json"]
    config = report.with_name("schemathesis.toml")
    config.write_text(schemathesis_config())
    process = await asyncio.create_subprocess_exec(
        str(ST),
        "--config-file",
        str(config),
        "run",
        *location,
        "--max-examples",
        str(examples),
        "--no-shrink",
        "--workers",
        "1",
        "--seed",
        SEED,
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
        cwd=report.parent,  # its caches go to the test's own directory
    )
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode(errors="replace")


def schemathesis_config() -> str:
    """The checks (set here, not on the command line, so that operations can turn one off)."""
    lines = ["[checks]", "enabled = false", *(f"{check}.enabled = true" for check in CHECKS), ""]
    for path in SEMANTIC_RULES:
        lines += ["[[operations]]", f'include-path = "{path}"', "checks.positive_data_acceptance.enabled = false", ""]
    return "\n".join(lines)


def statuses_by_operation(report: Path) -> dict[str, set[int]]:
    """The statuses each operation answered, from schemathesis's event log (only operations it called)."""
    answered: dict[str, set[int]] = {}
    for line in report.read_text().splitlines():
        finished = json.loads(line).get("ScenarioFinished")
        if not finished:
            continue
        for interaction in finished["recorder"].get("interactions", {}).values():
            if interaction.get("response"):
                label = finished["recorder"]["label"]
                answered.setdefault(label, set()).add(interaction["response"]["status_code"])
    return answered


@dataclass(frozen=True)
class Pass:
    who: str | None
    examples: int  # per operation and phase
    phases: str
    leave_out: str  # a path regex
    minimum: int  # operations that must have been called


# Each pass spends its time where it learns something (generating bodies costs most of it). Signed out: the
# account and operational routes (that every other route answers 401 is in test_rest_api.py). As a member:
# membership and sessions; the hub admin's routes only refuse. As a hub admin: everything, with the coverage
# phase's edge cases too. Signed in, the account routes that sign in, up or out, or end browser sessions,
# are left out: they would change or end the session the pass runs on.
KEEPS_THE_SESSION = "^/api/auth/(login|signup|logout|sessions)"
PASSES = {
    "signed-out": Pass(None, 5, "examples,coverage,fuzzing", "^/api/(hubs|groups|sessions)", 10),
    "member": Pass("River", 15, "examples,fuzzing", f"{KEEPS_THE_SESSION}|^/api/hubs", 12),
    "hub-admin": Pass("hub-admin", 20, "examples,coverage,fuzzing", KEEPS_THE_SESSION, 20),
}


@pytest.mark.parametrize("name", PASSES)
async def test_every_answer_matches_the_document(live: RunningServer, tmp_path: Path, name: str) -> None:
    plan = PASSES[name]
    extra = ["--phases", plan.phases, "--exclude-path-regex", plan.leave_out]
    api = None
    if plan.who is not None:
        api, cookie = await signed_in_cookie(live, plan.who)
        extra += ["--header", f"Cookie: {cookie}"]
    report = tmp_path / "events.ndjson"
    started = time.monotonic()
    try:
        status, output = await schemathesis(live, report, plan.examples, *extra)
    finally:
        if api is not None:
            await api.close()
    print(f"schemathesis ({name}) took {time.monotonic() - started:.0f} s")
    assert status == 0, output[-6000:]
    answered = statuses_by_operation(report)
    assert len(answered) >= plan.minimum, (sorted(answered), output[-3000:])
    if plan.who is None:
        assert 401 in answered["GET /api/me"] and 200 not in answered["GET /api/me"]
        assert 201 in answered["POST /api/auth/signup"], "some generated sign-ups were accepted"
    else:
        assert 200 in answered["GET /api/me"], "the pass really ran signed in"
        accepted = [label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses)]
        assert len(accepted) >= 6, answered


async def test_the_run_fails_when_the_document_leaves_out_an_answer(live: RunningServer, tmp_path: Path) -> None:
    """The checks bite: with 401 taken out of GET /api/me's responses, the same run fails on it."""
    from server.openapi import openapi_document

    document = openapi_document()
    del document["paths"]["/api/me"]["get"]["responses"]["401"]
    tampered = tmp_path / "openapi.json"
    tampered.write_text(json.dumps(document))
    status, output = await schemathesis(
        live, tmp_path / "events.ndjson", 3, "--phases", "fuzzing", "--include-path", "/api/me", document=tampered
    )
    assert status != 0 and "Undocumented status code" in output and "Received: 401" in output, output[-3000:]
