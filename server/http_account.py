"""Looking after an account (docs/api.md): how guessable a new password is, changing it, the browsers signed
in and two-factor sign-in (a hub's rule that its staff use it: server/http_hubs.py).

Declared on server/http_auth.py's route table, whose helpers they share.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import update

from rooms import languages, store, validate
from rooms.hooks import Actor
from rooms.models import User
from server import auth_api_models as am
from server import two_factor
from server.api_spec import request_actor, request_body, state_of
from server.auth import COOKIE_NAME
from server.http_auth import (
    TOO_MANY,
    end_web_sessions,
    forget_session_cookie,
    request_address,
    require_strong,
    routes,
    too_many,
)
from server.http_errors import ApiError
from server.password_strength import assess_off_loop
from server.sign_in_throttle import DEVICE_COOKIE_NAME
from server.state import AppState


@routes.api(
    "POST",
    "/api/auth/password-check",
    summary="How guessable a new password would be",
    tag="accounts",
    auth=False,
    body=am.PasswordCheckBody,
    result=am.PasswordCheckResult,
    refusals=TOO_MANY,
    description=(
        "For the hint the sign-up and password forms show while someone types: the same zxcvbn check sign-up "
        "and password change enforce. Rate limited per address (password_check_per_minute)."
    ),
)
async def password_check(request: web.Request) -> web.Response:
    state = state_of(request)
    body = request_body(request, am.PasswordCheckBody)
    async with state.sessions() as db, db.begin():
        wait = await state.password_check_limit.take(db, request_address(state, request), state.rooms.clock())
    if wait:
        raise too_many(wait, "Too many password checks.")
    strength = await assess_off_loop(body.password, body.pseudonym, body.email or None)
    return web.json_response(
        {
            "score": strength.score,
            "acceptable": strength.acceptable,
            "warning": strength.warning,
            "suggestions": list(strength.suggestions),
        }
    )


async def check_own_password(state: AppState, request: web.Request, actor: Actor, password: str) -> User:
    """The signed-in person's password, checked and throttled like a sign-in (before a sensitive change)."""
    device = state.devices.nonce_for(request.cookies.get(DEVICE_COOKIE_NAME), actor.pseudonym)
    keys = state.throttle.keys(actor.pseudonym, request_address(state, request), device)
    now = state.rooms.clock()
    async with state.sessions() as db, db.begin():
        wait = await state.throttle.attempt(db, keys, now)
        user = await store.get_user(db, actor.user_id)
    if wait:
        raise too_many(wait, "Too many attempts.")
    if user is None:
        raise ApiError(401, "not_authenticated", "Please sign in.")
    if not await state.passwords.verify(user.password_hash, password):
        raise ApiError(403, "invalid_credentials", "Your current password is not right.")
    async with state.sessions() as db, db.begin():
        await state.throttle.succeeded(db, keys)
    return user


def _this_session(state: AppState, request: web.Request) -> str:
    return state.tokens.digest(request.cookies.get(COOKIE_NAME) or "")


@routes.api(
    "POST",
    "/api/auth/password",
    summary="Change your password",
    tag="accounts",
    body=am.PasswordChangeBody,
    status=204,
    refusals={400: ("weak_password",), 403: ("invalid_credentials",), **TOO_MANY},
    description="Every other browser signed in to the account is signed out; this one stays signed in.",
)
async def change_password(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = request_body(request, am.PasswordChangeBody)
    user = await check_own_password(state, request, actor, body.current_password)
    await require_strong(body.new_password, user.pseudonym, user.email)
    password_hash = await state.passwords.hash(body.new_password)
    async with state.sessions() as db, db.begin():
        await db.execute(update(User).where(User.id == user.id).values(password_hash=password_hash))
        others = await state.tokens.digests_of_user(db, user.id, keep=_this_session(state, request))
    await end_web_sessions(state, others)
    return web.Response(status=204)


def session_id(digest: str) -> int:
    """How the devices list names a session: a number taken from its token's keyed hash (never the token)."""
    return int(digest[:8], 16) % validate.ROW_ID_MAX + 1


@routes.api(
    "GET",
    "/api/auth/sessions",
    summary="The browsers signed in to your account",
    tag="accounts",
    result=am.DeviceSessionList,
)
async def list_sessions(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    current = _this_session(state, request)
    async with state.readers() as db, db.begin():
        rows = await state.tokens.sessions_of_user(db, actor.user_id, state.rooms.clock())
    return web.json_response(
        {
            "sessions": [
                {
                    "id": session_id(row.token_hash),
                    "created_at": row.created_at.isoformat(),
                    "last_seen_at": row.last_seen_at.isoformat(),
                    "device": row.device or "Unknown browser",
                    "current": row.token_hash == current,
                }
                for row in rows
            ]
        }
    )


@routes.api(
    "DELETE",
    "/api/auth/sessions/{session_id}",
    summary="Sign one of your browsers out",
    tag="accounts",
    status=204,
    description="Its open pages are told and leave their rooms. 404 for an id that is not one of yours.",
)
async def revoke_session(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    wanted = request.match_info["session_id"]
    async with state.readers() as db, db.begin():
        digests = await state.tokens.digests_of_user(db, actor.user_id)
    found = [digest for digest in digests if str(session_id(digest)) == wanted]
    if not found:
        raise ApiError(404, "not_found", "There is no such signed-in browser.")
    return await _end_and_answer(state, request, found)


@routes.api(
    "DELETE",
    "/api/auth/sessions",
    summary="Sign out everywhere",
    tag="accounts",
    status=204,
    description="Every browser signed in to the account, this one included; their open pages are told.",
)
async def sign_out_everywhere(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    async with state.readers() as db, db.begin():
        digests = await state.tokens.digests_of_user(db, actor.user_id)
    return await _end_and_answer(state, request, digests)


async def _end_and_answer(state: AppState, request: web.Request, digests: list[str]) -> web.Response:
    """End these browser sessions; if this browser's is among them, clear its cookie too."""
    await end_web_sessions(state, digests)
    response = web.Response(status=204)
    if _this_session(state, request) in digests:
        forget_session_cookie(state, response)
    return response


async def _two_factor_status(state: AppState, user_id: int) -> dict[str, bool]:
    async with state.readers() as db, db.begin():
        user = await store.get_user(db, user_id)
        if user is None:
            raise ApiError(401, "not_authenticated", "Please sign in.")
        return {
            "enabled": await two_factor.is_enabled(db, user_id),
            "eligible": await two_factor.eligible(db, user),
            "enrolment_required": await two_factor.enrolment_required(db, user_id),
        }


@routes.api(
    "GET",
    "/api/auth/two-factor",
    summary="Your two-factor sign-in: on, allowed, required",
    tag="accounts",
    result=am.TwoFactorStatus,
)
async def two_factor_status(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    return web.json_response(await _two_factor_status(state_of(request), actor.user_id))


@routes.api(
    "POST",
    "/api/auth/two-factor/enrol",
    summary="Start turning on two-factor sign-in (staff)",
    tag="accounts",
    body=am.TwoFactorEnrolBody,
    result=am.TwoFactorEnrolment,
    refusals={403: ("forbidden", "invalid_credentials"), 409: ("two_factor_already_enabled",), **TOO_MANY},
    description="Needs your password. The secret is shown once; confirm with a first code to turn it on.",
)
async def two_factor_enrol(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = request_body(request, am.TwoFactorEnrolBody)
    status = await _two_factor_status(state, actor.user_id)
    if not status["eligible"]:
        raise ApiError(403, "forbidden", "Two-factor sign-in is for hub staff and platform admins.")
    if status["enabled"]:
        raise ApiError(409, "two_factor_already_enabled", "Two-factor sign-in is already on.")
    user = await check_own_password(state, request, actor, body.password)
    async with state.sessions() as db, db.begin():
        secret = await two_factor.start_enrolment(db, user.id)
    return web.json_response({"secret": secret, "otpauth_uri": two_factor.provisioning_uri(secret, user.pseudonym)})


async def _checked_code(state: AppState, user_id: int) -> None:
    async with state.sessions() as db, db.begin():
        wait = await state.throttle.attempt_code(db, user_id, state.rooms.clock())
    if wait:
        raise too_many(wait, "Too many codes tried.")


def _wrong_code() -> ApiError:
    return ApiError(400, "invalid_code", "That code is not right, or was already used. Please try the next one.")


@routes.api(
    "POST",
    "/api/auth/two-factor/confirm",
    summary="Turn on two-factor sign-in with a first code",
    tag="accounts",
    body=am.TwoFactorCodeBody,
    result=am.TwoFactorStatus,
    refusals={400: ("invalid_code",), **TOO_MANY},
)
async def two_factor_confirm(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = request_body(request, am.TwoFactorCodeBody)
    await _checked_code(state, actor.user_id)
    async with state.sessions() as db, db.begin():
        confirmed = await two_factor.confirm_enrolment(db, actor.user_id, body.code, state.rooms.clock())
        if confirmed:
            await state.throttle.code_accepted(db, actor.user_id)
    if not confirmed:
        raise _wrong_code()
    return web.json_response(await _two_factor_status(state, actor.user_id))


@routes.api(
    "POST",
    "/api/auth/two-factor/disable",
    summary="Turn off two-factor sign-in with a current code",
    tag="accounts",
    body=am.TwoFactorCodeBody,
    result=am.TwoFactorStatus,
    refusals={400: ("invalid_code",), **TOO_MANY},
    description="Staff of a hub that requires it then cannot use staff powers until they turn it on again.",
)
async def two_factor_disable(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    body = request_body(request, am.TwoFactorCodeBody)
    await _checked_code(state, actor.user_id)
    async with state.sessions() as db, db.begin():
        accepted = await two_factor.accept_code(db, actor.user_id, body.code, state.rooms.clock())
        if accepted:
            await two_factor.disable(db, actor.user_id)
            await state.throttle.code_accepted(db, actor.user_id)
    if not accepted:
        raise _wrong_code()
    return web.json_response(await _two_factor_status(state, actor.user_id))


@routes.api(
    "PUT",
    "/api/me/language",
    summary="Remember the interface language you picked",
    tag="accounts",
    body=am.LanguageBody,
    result=am.LanguageResult,
    refusals={400: ("unsupported_language",)},
    description="Kept on the account, so every browser you sign in on uses it; null follows the browser again.",
)
async def put_language(request: web.Request) -> web.Response:
    actor = await request_actor(request)
    state = state_of(request)
    language = request_body(request, am.LanguageBody).language
    async with state.sessions() as db, db.begin():
        chosen = await languages.remember_language(db, actor.user_id, language)
    return web.json_response({"language": chosen})
