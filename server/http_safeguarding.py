"""Safeguarding over REST: the hub's safeguarding leads work concerns (list, read, acknowledge, start, note,
resolve, break-glass); hub admins read the break-glass audit, see dead letters and redeliver them, and set
the hub's escalation (webhook, email, deadlines). docs/api.md, "Safeguarding"."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aiohttp import web
from pydantic import AfterValidator, Field

from rooms import paging, safeguarding
from rooms.events import RoomEvent, staff_room_name
from rooms.validate import ROW_ID_MAX
from server import api_charsets as cs
from server import api_models as m
from server.api_spec import ApiRoutes, QueryParam, domain_values, request_actor, request_body, state_of
from server.dispatcher import Dispatcher
from server.http_api import path_int
from server.http_errors import ApiError
from server.public_address import NotPublic, refuse_private_literal
from server.safeguarding_channels import console_room

routes = ApiRoutes()
DISPATCHER = web.AppKey("alongside_dispatcher", Dispatcher)
TAG = "safeguarding"


def _lines(text: str) -> str:
    if not cs.matches(m.LINES, text):
        raise ValueError("must be text without control characters (line breaks are fine)")
    return text


Note = Annotated[str, Field(min_length=1, max_length=4000, pattern=m.LINES), AfterValidator(_lines)]


class NoteBody(m.RequestBody):
    note: Note


class OptionalNoteBody(m.RequestBody):
    note: Annotated[str, Field(max_length=4000, pattern=m.LINES), AfterValidator(_lines)] = ""


class OutcomeBody(m.RequestBody):
    outcome: Note


class RevealBody(m.RequestBody):
    reason: Annotated[str, Field(min_length=5, max_length=1000, pattern=m.LINES), AfterValidator(_lines)]


class EscalationBody(m.RequestBody):
    webhook_url: Annotated[str, Field(max_length=500, pattern=r"^(https?://[^\s]+)?$")] | None = None
    webhook_secret: Annotated[str, Field(max_length=200, pattern=r"^(whsec_[A-Za-z0-9+/=]{16,})?$")] | None = None
    escalation_email: m.Email | None = None
    ack_concern_seconds: Annotated[int, Field(ge=10, le=86400)] | None = None
    ack_high_seconds: Annotated[int, Field(ge=10, le=86400)] | None = None
    ack_imminent_seconds: Annotated[int, Field(ge=10, le=86400)] | None = None


class Subject(m.Response):
    user_id: int
    pseudonym: str | None


class ConcernView(m.Response):
    id: int
    hub_id: int
    group_id: int | None
    group_name: str | None
    session_id: int | None
    subject: Subject | None
    source: Literal["help_now", "worried", "facilitator", "detector"]
    tier: Literal["concern", "high", "imminent"]
    state: Literal["raised", "acknowledged", "in_progress", "resolved"]
    explanation: str
    outcome: str
    ack_deadline: str | None
    seconds_left: int | None = Field(
        description="Seconds left to acknowledge (negative: overdue); null once acknowledged."
    )
    escalation_level: int
    created_at: str
    updated_at: str
    acknowledged_at: str | None
    resolved_at: str | None


class ConcernDetailView(ConcernView):
    raised_by: Subject | None


class ConcernList(m.Response):
    concerns: list[ConcernView]


class ConcernResult(m.Response):
    concern: ConcernView


class KeptMessageAuthor(m.Response):
    display_name: str | None
    role: str


class KeptMessage(m.Response):
    id: int
    author: KeptMessageAuthor
    body: str
    created_at: str
    kept: bool = Field(description="Copied into the safeguarding record; stays after the room's messages go.")
    triggering: bool


class TimelineEntry(m.Response):
    id: int
    kind: str
    actor: str | None
    note: str
    at: str


class CrisisLineView(m.Response):
    name: str
    phone: str
    sms: str
    web: str
    hours: str


class ConcernDetail(m.Response):
    concern: ConcernDetailView
    messages: list[KeptMessage]
    timeline: list[TimelineEntry]
    crisis_lines: list[CrisisLineView]
    other_open_concerns: list[ConcernView]


class Contact(m.Response):
    user_id: int
    pseudonym: str
    email: str | None


class BreakGlassEntryView(m.Response):
    id: int
    concern_id: int
    actor: Subject
    subject: Subject
    reason: str
    at: str


NEXT_BEFORE_ID = "Pass as before_id for the next (older) page; null when nothing older is left."


class BreakGlassLog(m.Response):
    entries: list[BreakGlassEntryView] = Field(description="Newest first; at most `limit`.")
    next_before_id: int | None = Field(description=NEXT_BEFORE_ID)


class OutboxRowView(m.Response):
    id: int
    concern_id: int
    channel: Literal["socket", "email", "webhook", "hook"]
    target: str
    event: str
    level: int
    idempotency_key: str
    state: Literal["pending", "delivered", "dead"]
    attempts: int
    last_error: str
    created_at: str
    delivered_at: str | None


class DeadLetters(m.Response):
    dead_letters: list[OutboxRowView] = Field(description="Newest first; at most `limit`.")
    next_before_id: int | None = Field(description=NEXT_BEFORE_ID)


PAGE = ("before_id", "limit")
PAGE_QUERY = (
    QueryParam(
        "before_id",
        "Only rows older than this id (the next page: a response's next_before_id).",
        {"type": "integer", "minimum": 1, "maximum": ROW_ID_MAX},
    ),
    QueryParam(
        "limit",
        f"At most this many (default {paging.PAGE_DEFAULT}).",
        {"type": "integer", "minimum": 1, "maximum": paging.PAGE_MAX},
    ),
)


class OutboxResult(m.Response):
    delivery: OutboxRowView


class AckSeconds(m.Response):
    concern: int
    high: int
    imminent: int


class EscalationView(m.Response):
    hub_id: int
    webhook_url: str
    webhook_secret_set: bool
    escalation_email: str
    ack_seconds: AckSeconds


async def _announce(request: web.Request, concern: dict[str, Any]) -> None:
    """After a change: the hub's consoles and the session's facilitators see the new state (best effort; the
    database holds it, and consoles read it again when they join)."""
    state = state_of(request)
    payload = {"concern": concern}
    rooms = [console_room(concern["hub_id"])]
    if concern["group_id"] is not None:
        rooms.append(staff_room_name(concern["group_id"]))
    # Through the use cases' publisher like every event (its bounded wait for Redis included).
    event = RoomEvent(
        concern["group_id"] or 0, "concern:updated", payload, audience="direct", to_connections=tuple(rooms)
    )
    await state.rooms.publisher.publish(event)


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/concerns",
    summary="The hub's open safeguarding concerns, most urgent tier first, then oldest (safeguarding leads: staff)",
    tag=TAG,
    result=ConcernList,
    refusals={403: ("forbidden",)},
    description="Not paged, on purpose: every open concern is always in the answer, so no escalation can sit "
    "unseen on a later page (resolved ones leave the list).",
)
async def list_concerns(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        concerns = await safeguarding.list_open(db, state.rooms, actor, path_int(request, "hub_id"))
    return web.json_response({"concerns": concerns})


@routes.api(
    "GET",
    "/api/concerns/{concern_id}",
    summary="A concern with its clock, messages (with context), timeline, crisis lines and the member's other "
    "open concerns (safeguarding leads: staff)",
    tag=TAG,
    result=ConcernDetail,
)
async def read_concern(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await safeguarding.concern_detail(db, state.rooms, actor, path_int(request, "concern_id"))
    return web.json_response(found)


async def _act(request: web.Request, action: str, text: str) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        concern = await safeguarding.do_act(db, state.rooms, actor, path_int(request, "concern_id"), action, text)
    await _announce(request, concern)
    return web.json_response({"concern": concern})


@routes.api(
    "POST",
    "/api/concerns/{concern_id}/acknowledge",
    summary="Acknowledge a raised concern: its clock and the ladder stop (safeguarding leads, the group's "
    "facilitators: staff)",
    tag=TAG,
    body=OptionalNoteBody,
    result=ConcernResult,
    refusals={409: ("concern_acknowledged", "concern_resolved")},
)
async def acknowledge(request: web.Request) -> web.Response:
    return await _act(request, "acknowledge", request_body(request, OptionalNoteBody).note)


@routes.api(
    "POST",
    "/api/concerns/{concern_id}/start",
    summary="Move a concern to in progress (safeguarding leads: staff)",
    tag=TAG,
    body=OptionalNoteBody,
    result=ConcernResult,
    refusals={409: ("concern_resolved",)},
)
async def start(request: web.Request) -> web.Response:
    return await _act(request, "start", request_body(request, OptionalNoteBody).note)


@routes.api(
    "POST",
    "/api/concerns/{concern_id}/notes",
    summary="Add a note to a concern's timeline (safeguarding leads, the group's facilitators: staff)",
    tag=TAG,
    body=NoteBody,
    result=ConcernResult,
)
async def add_note(request: web.Request) -> web.Response:
    return await _act(request, "note", request_body(request, NoteBody).note)


@routes.api(
    "POST",
    "/api/concerns/{concern_id}/resolve",
    summary="Resolve a concern with its outcome (safeguarding leads: staff)",
    tag=TAG,
    body=OutcomeBody,
    result=ConcernResult,
    refusals={409: ("concern_resolved",)},
)
async def resolve(request: web.Request) -> web.Response:
    return await _act(request, "resolve", request_body(request, OutcomeBody).outcome)


@routes.api(
    "POST",
    "/api/concerns/{concern_id}/reveal-contact",
    summary="Break-glass: reveal the member's contact details, recording who, why and for which concern "
    "(safeguarding leads: staff)",
    tag=TAG,
    body=RevealBody,
    result=Contact,
    refusals={409: ("no_subject",)},
)
async def reveal_contact(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    reason = request_body(request, RevealBody).reason
    async with state.sessions() as db:
        contact = await safeguarding.do_reveal_contact(db, state.rooms, actor, path_int(request, "concern_id"), reason)
    return web.json_response(contact)


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/break-glass-log",
    summary="The break-glass audit: every reveal of a member's contact details, newest first, a page at a time "
    "(hub admin: staff; read-only)",
    tag=TAG,
    result=BreakGlassLog,
    query=PAGE_QUERY,
    refusals={400: ("invalid_payload",), 403: ("forbidden",)},
    description=f"At most {paging.PAGE_MAX} entries a page; page on with before_id = next_before_id.",
)
async def read_break_glass_log(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    query = {name: request.query[name] for name in PAGE if name in request.query}
    async with state.readers() as db:
        entries, next_before_id = await safeguarding.break_glass_log(db, actor, path_int(request, "hub_id"), query)
    return web.json_response({"entries": entries, "next_before_id": next_before_id})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/dead-letters",
    summary="Safeguarding deliveries that gave up after every retry, newest first, a page at a time (hub admin: staff)",
    tag=TAG,
    result=DeadLetters,
    query=PAGE_QUERY,
    refusals={400: ("invalid_payload",), 403: ("forbidden",)},
    description=f"At most {paging.PAGE_MAX} dead letters a page; page on with before_id = next_before_id.",
)
async def list_dead_letters(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    query = {name: request.query[name] for name in PAGE if name in request.query}
    async with state.readers() as db:
        rows, next_before_id = await safeguarding.list_dead_letters(db, actor, path_int(request, "hub_id"), query)
    return web.json_response({"dead_letters": rows, "next_before_id": next_before_id})


@routes.api(
    "POST",
    "/api/outbox/{outbox_id}/redeliver",
    summary="Put a dead letter back on the queue under its idempotency key (hub admin: staff)",
    tag=TAG,
    result=OutboxResult,
    refusals={409: ("not_dead_letter",)},
)
async def redeliver(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.sessions() as db:
        row = await safeguarding.do_redeliver(db, state.rooms, actor, path_int(request, "outbox_id"))
    dispatcher = request.app.get(DISPATCHER)
    if dispatcher is not None:
        dispatcher.wake()
    return web.json_response({"delivery": row})


@routes.api(
    "GET",
    "/api/hubs/{hub_id}/escalation",
    summary="The hub's escalation: webhook, escalation email, acknowledgement deadlines (hub admin: staff)",
    tag=TAG,
    result=EscalationView,
    refusals={403: ("forbidden",)},
)
async def read_escalation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db:
        found = await safeguarding.get_escalation(db, actor, path_int(request, "hub_id"))
    return web.json_response(found)


@routes.api(
    "PUT",
    "/api/hubs/{hub_id}/escalation",
    summary="Change the hub's escalation settings; the secret is never shown again (hub admin: staff)",
    tag=TAG,
    body=EscalationBody,
    result=EscalationView,
    refusals={400: ("webhook_not_public",), 403: ("forbidden",)},
    description="In production the webhook must be a public https:// address: a literal private, loopback or "
    "link-local IP, or localhost, is refused here (webhook_not_public), and each delivery connects only to "
    "public addresses its host resolves to (a name pointed inside later fails delivery, dead-lettered).",
)
async def update_escalation(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    values = domain_values(request_body(request, EscalationBody))
    if values.get("webhook_url") and not state.settings.is_development:
        try:
            refuse_private_literal(str(values["webhook_url"]))
        except NotPublic as exc:
            raise ApiError(400, "webhook_not_public", f"The webhook must be a public address: {exc}.") from None
    async with state.sessions() as db:
        found = await safeguarding.do_update_escalation(
            db, state.rooms, actor, path_int(request, "hub_id"), values, allow_http=state.settings.is_development
        )
    return web.json_response(found)
