"""Account recovery (docs/api.md "Account recovery", docs/security.md): a hub admin's one-time reset link for
a member with no email, a reset link by email for those who gave one, and the page's two calls that check a
link and choose the new password. The rules are in rooms/password_reset.py."""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import web

from rooms import password_reset, store, validate
from server import api_models_recovery as am
from server.api_spec import ApiRoutes, request_actor, request_body, state_of
from server.held_tasks import HeldTasks
from server.http_api import path_int
from server.http_auth import TOO_MANY, end_web_sessions, request_address, require_strong, too_many
from server.http_errors import ApiError
from server.password_reset_mail import reset_link, send_reset
from server.sign_in_throttle import AddressRateLimit, count_attempt
from server.state import AppState

routes = ApiRoutes()
log = logging.getLogger("alongside.password_reset")

STAFF_GATE = "two_factor_enrolment_required"  # server/two_factor_gate.py, for staff of a hub requiring it
INVALID = {404: ("reset_link_invalid",)}
FORGOT_PER_ADDRESS = AddressRateLimit("fa", 10, dt.timedelta(hours=1))  # answered 429
FORGOT_PER_PSEUDONYM_PER_HOUR = 3  # beyond it nothing is sent (silently: the answer stays the same)
_sending = HeldTasks()  # emails on their way (held, so none is collected mid-send)


def _invalid() -> ApiError:
    return ApiError(
        404,
        "reset_link_invalid",
        "This reset link does not work: it was used already, has expired, or was replaced by a newer one. "
        "Ask a hub admin for a new one, or use \u201cForgot your password?\u201d.",
    )


@routes.api(
    "POST",
    "/api/hubs/{hub_id}/members/{user_id}/password-reset",
    summary="Issue a one-time password reset link for a member (hub admin)",
    tag="accounts",
    status=201,
    result=am.StaffResetLink,
    refusals={403: ("forbidden", "reset_staff_refused", STAFF_GATE)},
    description=(
        "For a member of one of the hub's groups: the link is answered once, works once, for 24 hours, and "
        "replaces older unused links. The member is signed out everywhere at once. The hub's moderation log "
        "records who issued it for whom (action password_reset_issued; never the link). 404 for someone who is "
        "not a member of the hub; 403 reset_staff_refused for a member of staff (a platform admin may issue "
        "one for staff, never for a platform admin)."
    ),
)
async def issue_for_member(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    hub_id, user_id = path_int(request, "hub_id"), path_int(request, "user_id")
    async with state.sessions() as db, db.begin():
        link = await password_reset.issue_by_staff(db, actor, hub_id, user_id, state.rooms.clock())
        digests = await state.tokens.digests_of_user(db, link.user_id)
    await end_web_sessions(state, digests)
    return web.json_response(
        {
            "user_id": link.user_id,
            "pseudonym": link.pseudonym,
            "link": reset_link(state.settings, link.token),
            "expires_at": link.expires_at.isoformat(),
        },
        status=201,
    )


@routes.api(
    "GET",
    "/api/password-reset/{token}",
    summary="Whether a password reset link works",
    tag="accounts",
    auth=False,
    result=am.ResetLinkView,
    refusals=INVALID,
    description="For the reset page: whose pseudonym it is for and until when; nothing else about the person.",
)
async def check_link(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.readers() as db, db.begin():
        found = await password_reset.valid_link(db, request.match_info["token"], state.rooms.clock())
    if found is None:
        raise _invalid()
    reset, user = found
    return web.json_response({"pseudonym": user.pseudonym, "expires_at": reset.expires_at.isoformat()})


@routes.api(
    "POST",
    "/api/password-reset/{token}",
    summary="Choose a new password with a reset link",
    tag="accounts",
    auth=False,
    body=am.ResetPasswordBody,
    status=204,
    refusals={400: ("weak_password",), **INVALID},
    description=(
        "The same strength rule as sign-up. The link is spent (once, even when two uses race), every browser "
        "signed in to the account is signed out, and nobody is signed in: the person signs in with the new "
        "password (and their two-factor code, if they use one)."
    ),
)
async def use_link(request: web.Request) -> web.Response:
    state = state_of(request)
    token = request.match_info["token"]
    body = request_body(request, am.ResetPasswordBody)
    async with state.readers() as db, db.begin():
        found = await password_reset.valid_link(db, token, state.rooms.clock())
    if found is None:
        raise _invalid()
    user = found[1]
    await require_strong(body.password, user.pseudonym, user.email)
    password_hash = await state.passwords.hash(body.password)
    async with state.sessions() as db, db.begin():
        user_id = await password_reset.use_link(db, token, password_hash, state.rooms.clock())
        digests = [] if user_id is None else await state.tokens.digests_of_user(db, user_id)
    if user_id is None:
        raise _invalid()
    await end_web_sessions(state, digests)
    return web.Response(status=204)


@routes.api(
    "POST",
    "/api/auth/forgot",
    summary="Ask for a password reset link by email",
    tag="accounts",
    auth=False,
    body=am.ForgotBody,
    status=202,
    result=am.ForgotAccepted,
    refusals=TOO_MANY,
    description=(
        "Always the same 202, whether or not the pseudonym exists or has an email: the look-up and the email "
        "happen afterwards. At most 10 requests per address an hour (429), and at most 3 emails per pseudonym "
        "an hour (beyond that nothing is sent, and the answer is the same)."
    ),
)
async def forgot(request: web.Request) -> web.Response:
    state = state_of(request)
    body = request_body(request, am.ForgotBody)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        wait = await FORGOT_PER_ADDRESS.take(db, request_address(state, request), now)
    if wait:
        raise too_many(wait, "Too many reset requests from this network.")
    _sending.start(_email_link(state, body.pseudonym, now))
    return web.json_response({"status": "accepted"}, status=202)


async def _email_link(state: AppState, pseudonym: str, now: dt.datetime) -> None:
    """After the answer: count the request against the pseudonym, and if the account exists and has an email
    (and email is configured), issue a link and send it."""
    try:
        key = validate.pseudonym_key(pseudonym)
        if not key:
            return
        async with state.sessions() as db, db.begin():
            counted = await count_attempt(db, f"fp:{key}", now, dt.timedelta(hours=1))
            if counted is None or counted.attempts > FORGOT_PER_PSEUDONYM_PER_HOUR:
                return
            user = await store.get_user_by_pseudonym(db, pseudonym)
            if user is None or not user.email or user.erased_at is not None or not state.settings.smtp_host:
                return
            recipient = user.email
            link = await password_reset.issue_by_email(db, user, now)
        await send_reset(state.settings, recipient, link)
    except Exception:  # a background task: nobody else would see it fail
        log.exception("a password reset request failed")
