"""The account REST API: sign-up, sign-in (with its two-factor step), sign-out and who am I (docs/api.md).

Password checks and changes, signed-in devices, two-factor enrolment and the hub's two-factor rule are in
server/http_account.py, declared on the same route table.
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import email_validator
from aiohttp import web

from moderation import names
from rooms import community, erasure, presence, privacy, store, validate
from rooms.errors import InvalidInput
from rooms.models import User
from server import api_models as m
from server import auth_api_models as am
from server import two_factor
from server.api_spec import ApiRoutes, request_actor, request_body, state_of
from server.auth import COOKIE_NAME, client_address
from server.cookie_names import device_cookie_name, session_cookie_name
from server.http_errors import ApiError
from server.password_strength import assess_off_loop
from server.sign_in_throttle import DEVICE_COOKIE_NAME, DEVICE_COOKIE_TTL, wait_in_words
from server.state import AppState
from server.user_agents import describe as describe_user_agent

routes = ApiRoutes()
log = logging.getLogger("alongside.http")
TOO_MANY = {429: ("too_many_attempts",)}


async def user_view(state: AppState, user: User) -> dict[str, Any]:
    async with state.readers() as db, db.begin():
        staff = await store.all_staff_roles(db, user.id)
        enabled = await two_factor.is_enabled(db, user.id)
        enrolment_required = await two_factor.enrolment_required(db, user.id)
    return {
        "id": user.id,
        "pseudonym": user.pseudonym,
        "email": user.email,
        "is_platform_admin": user.is_platform_admin,
        "staff": [{"hub_id": s.hub_id, "role": s.role} for s in staff],
        "two_factor": {"enabled": enabled, "enrolment_required": enrolment_required},
        "language": user.language,
    }


def set_session_cookie(state: AppState, response: web.Response, token: str) -> None:
    response.set_cookie(
        session_cookie_name(state.settings.cookie_secure),
        token,
        httponly=True,
        samesite="Lax",
        secure=state.settings.cookie_secure,
        path="/",
        max_age=int(state.tokens.ttl.total_seconds()),
    )


def forget_session_cookie(state: AppState, response: web.Response) -> None:
    secure = state.settings.cookie_secure
    response.del_cookie(session_cookie_name(secure), path="/", secure=secure or None, httponly=True, samesite="Lax")


def set_device_cookie(state: AppState, response: web.Response, pseudonym: str) -> None:
    """A fresh device cookie on every successful sign-in; sent only to the account routes."""
    response.set_cookie(
        device_cookie_name(state.settings.cookie_secure),
        state.devices.issue(pseudonym),
        httponly=True,
        samesite="Strict",
        secure=state.settings.cookie_secure,
        path="/api/auth",
        max_age=int(DEVICE_COOKIE_TTL.total_seconds()),
    )


def _email(value: Any) -> str | None:
    """An address checked by email-validator's syntax rules (RFC 5322/6531; no DNS look-up, so no network)
    and kept in its normalised form."""
    if value in (None, ""):
        return None
    problem = "That email address does not look right; it is optional, so you can leave it out."
    if not isinstance(value, str) or len(value) > 254:
        raise InvalidInput(problem)
    try:
        checked = email_validator.validate_email(value, check_deliverability=False)
    except email_validator.EmailNotValidError:
        raise InvalidInput(problem) from None
    return str(checked.normalized)


async def require_strong(password: str, pseudonym: str, email: str | None) -> None:
    """The one strength rule for every new password (sign-up and change)."""
    strength = await assess_off_loop(password, pseudonym, email)
    if not strength.acceptable:
        raise ApiError(400, "weak_password", strength.message())


def too_many(wait: int, what: str) -> ApiError:
    return ApiError(429, "too_many_attempts", f"{what} {wait_in_words(wait)}", {"Retry-After": str(wait)})


@functools.cache
def warn_untrusted_proxy_once() -> None:
    log.warning(
        "X-Forwarded-For arrives but trusted_proxy_hops is 0: every client looks like the proxy's address to "
        "sign-in throttling. Set ALONGSIDE_TRUSTED_PROXY_HOPS to the number of proxies in front."
    )


def request_address(state: AppState, request: web.Request) -> str:
    forwarded_for = request.headers.get("X-Forwarded-For")
    if forwarded_for and not state.settings.trusted_proxy_hops:
        warn_untrusted_proxy_once()
    return client_address(request.remote, forwarded_for, state.settings.trusted_proxy_hops)


async def start_session(state: AppState, request: web.Request, user: User, status: int = 200) -> web.Response:
    """Replace whatever session the browser presented (session fixation) with a new one for `user`."""
    await end_presented_session(state, request)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        token = await state.tokens.issue(db, user.id, now, describe_user_agent(request.headers.get("User-Agent")))
    view = await user_view(state, user)
    answer: dict[str, Any] = {"user": view}
    if status == 200:  # sign-in answers say what state the person is in
        required = view["two_factor"]["enrolment_required"]
        answer = {"status": "two_factor_enrolment_required" if required else "signed_in", "user": view}
    response = web.json_response(answer, status=status)
    set_session_cookie(state, response, token)
    set_device_cookie(state, response, user.pseudonym)
    return response


@routes.api(
    "POST",
    "/api/auth/signup",
    summary="Sign up under a pseudonym",
    tag="accounts",
    auth=False,
    body=m.SignupBody,
    status=201,
    result=am.AccountUserResult,
    refusals={
        400: ("weak_password", "pseudonym_reserved", "notices_not_accepted", "below_minimum_age"),
        404: ("not_found",),
        409: ("pseudonym_taken", "notices_changed"),
        **TOO_MANY,
    },
    description=(
        "The password must be hard to guess (zxcvbn score 3 or more; see POST /api/auth/password-check). The "
        "person accepts the hub's privacy notice and terms and confirms the hub's minimum age (GET /api/notices); "
        "both are recorded with the notice version."
    ),
)
async def signup(request: web.Request) -> web.Response:
    state = state_of(request)
    body = request_body(request, m.SignupBody)
    pseudonym = validate.pseudonym(body.pseudonym)
    password = body.password
    email = _email(body.email)
    # Counted before the expensive hash, per address, in the database (so across processes).
    async with state.sessions() as db, db.begin():
        wait = await state.signup_limit.take(db, request_address(state, request), state.rooms.clock())
    if wait:
        raise too_many(wait, "Too many new accounts from this network.")
    async with state.readers() as db, db.begin():  # "Admin", "Facilitator Sam", a hub's name: moderation/names.py
        notices = await privacy.notices_of(db, await privacy.sign_up_hub(db, body.hub_id))
        privacy.check_acceptance(notices, body.accept_notices, body.confirm_minimum_age, body.notice_version)
        names.refuse_reserved(pseudonym, await names.hub_names(db))
    erasure.refuse_placeholder(pseudonym)
    await require_strong(password, pseudonym, email)
    password_hash = await state.passwords.hash(password)
    async with state.sessions() as db, db.begin():
        user = await community.create_user(
            db,
            pseudonym=pseudonym,
            email=email,
            password_hash=password_hash,
            now=state.rooms.clock(),
            notices=notices,
        )
    return await start_session(state, request, user, status=201)


@routes.api(
    "POST",
    "/api/auth/login",
    summary="Sign in",
    tag="accounts",
    auth=False,
    body=m.LoginBody,
    result=am.SignInResult,
    refusals={401: ("invalid_credentials",), **TOO_MANY},
    description=(
        "With two-factor sign-in on, a right password answers status two_factor_required and a challenge for "
        "POST /api/auth/login/two-factor, and no session yet."
    ),
)
async def login(request: web.Request) -> web.Response:
    state = state_of(request)
    body = request_body(request, m.LoginBody)
    pseudonym, password = body.pseudonym, body.password
    address = request_address(state, request)
    # A browser that signed in to this pseudonym before is held only to its own limit (OWASP device cookie).
    device = state.devices.nonce_for(request.cookies.get(DEVICE_COOKIE_NAME), pseudonym)
    keys = state.throttle.keys(pseudonym, address, device)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        wait = await state.throttle.attempt(db, keys, now)
        user = None if wait else await store.get_user_by_pseudonym(db, pseudonym)
    if wait:
        raise too_many(wait, "Too many sign-in attempts.")
    if not await state.passwords.verify(user.password_hash if user else None, password) or user is None:
        raise ApiError(401, "invalid_credentials", "That pseudonym and password do not match.")
    async with state.sessions() as db, db.begin():
        await state.throttle.succeeded(db, keys)
        second_step = await two_factor.is_enabled(db, user.id)
    if second_step:
        return web.json_response(
            {"status": "two_factor_required", "challenge": state.challenges.issue(user.id, state.rooms.clock())}
        )
    return await start_session(state, request, user)


@routes.api(
    "POST",
    "/api/auth/login/two-factor",
    summary="Sign in: the code from the authenticator app",
    tag="accounts",
    auth=False,
    body=am.TwoFactorSignInBody,
    result=am.SignInResult,
    refusals={401: ("invalid_code", "challenge_expired"), **TOO_MANY},
    description="Codes are throttled like passwords; a code that was already used is refused.",
)
async def login_second_step(request: web.Request) -> web.Response:
    state = state_of(request)
    body = request_body(request, am.TwoFactorSignInBody)
    now = state.rooms.clock()
    user_id = state.challenges.user_for(body.challenge, now)
    if user_id is None:
        raise ApiError(401, "challenge_expired", "That sign-in has timed out. Please enter your password again.")
    async with state.sessions() as db, db.begin():
        wait = await state.throttle.attempt_code(db, user_id, now)
    if wait:
        raise too_many(wait, "Too many codes tried.")
    async with state.sessions() as db, db.begin():
        accepted = await two_factor.accept_code(db, user_id, body.code, now)
        if accepted:
            await state.throttle.code_accepted(db, user_id)
        user = await store.get_user(db, user_id)
    if not accepted or user is None:
        raise ApiError(401, "invalid_code", "That code is not right, or was already used. Please try the next one.")
    return await start_session(state, request, user)


async def end_web_sessions(state: AppState, digests: list[str]) -> None:
    """Revoke browser sessions and end what they hold open.

    Every process tells the tabs of these sessions they were signed out and closes their connections, even
    ones with no record (server/realtime.py, on the control bus); the presence rows go here, so the rooms
    learn at once even if a process holding one is gone. No "room:removed" is sent: an open room page shows
    "signed out", not the reason for a room removal. If Redis is down, the 30-second sweep closes them."""
    if not digests:
        return
    async with state.sessions() as db, db.begin():
        await state.tokens.revoke_digests(db, digests)
        rooms_open = [row for digest in digests for row in await store.connections(db, web_session=digest)]
    await state.rooms.publisher.sign_out(digests)  # after the commit, like every event
    async with state.sessions() as db:
        await presence.forget(db, state.rooms, rooms_open)


async def end_presented_session(state: AppState, request: web.Request) -> None:
    """Signing in (or up) replaces the session the browser had: the old token must not stay valid
    (session fixation)."""
    token = request.cookies.get(COOKIE_NAME)
    if token and len(token) <= 128:
        await end_web_sessions(state, [state.tokens.digest(token)])


@routes.api("POST", "/api/auth/logout", summary="Sign out", tag="accounts", auth=False, status=204)
async def logout(request: web.Request) -> web.Response:
    state = state_of(request)
    await end_presented_session(state, request)
    response = web.Response(status=204)
    forget_session_cookie(state, response)
    return response


@routes.api("GET", "/api/me", summary="Who am I", tag="accounts", result=am.AccountUserResult)
async def me(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db, db.begin():
        user = await store.get_user(db, actor.user_id)
    if user is None:
        raise ApiError(401, "not_authenticated", "Please sign in.")
    return web.json_response({"user": await user_view(state, user)})


@routes.api(
    "GET",
    "/api/auth/session",
    summary="Who is signed in in this browser, if anyone",
    tag="accounts",
    auth=False,
    result=am.SessionResult,
    description="Like GET /api/me, but a browser with no session gets 200 and null, not 401: a signed-out page "
    "asks this on every load, and a 401 there would be an error in every visitor's console.",
)
async def current_session(request: web.Request) -> web.Response:
    state = state_of(request)
    async with state.readers() as db, db.begin():
        actor = await state.tokens.actor_for(db, request.cookies.get(COOKIE_NAME), state.rooms.clock())
        user = await store.get_user(db, actor.user_id) if actor is not None else None
    return web.json_response({"user": await user_view(state, user) if user is not None else None})


# The rest of the account routes declare themselves on `routes` (imported last: it uses the helpers above).
from server import http_account  # noqa: E402, F401
