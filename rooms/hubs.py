"""Use cases for a hub's own settings and its crisis lines (where to get help now).

Peers see a hub small (rooms/views.hub_view); its admins see and change all of its settings here. Crisis lines
are public: the landing page shows them before anyone signs in, so they hold nothing about people."""

from __future__ import annotations

import functools
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rooms import hub_store, store, validate
from rooms.access import require_hub, require_hub_admin
from rooms.community import clean_fields
from rooms.context import RoomsContext
from rooms.errors import Conflict, Forbidden, InvalidInput
from rooms.hooks import Actor
from rooms.models import CrisisLine, Hub

# Staff-written text of a hub: (shortest, longest) after cleaning, as in rooms/community.py.
HUB_FIELDS = {"name": (1, 120), "locality": (0, 120), "about": (0, 2000)}
SETTINGS = frozenset({*HUB_FIELDS, "time_zone", "country", "pause_grace_minutes", "require_two_factor"})
DEFAULT_TIME_ZONE = "Europe/London"
DEFAULT_COUNTRY = "GB"
PAUSE_GRACE_MINUTES = (1, 60)
COUNTRY = re.compile(r"^[A-Z]{2}$")

MAX_CRISIS_LINES = 12
CRISIS_LINE_FIELDS = {"name": (1, 120), "phone": (0, 40), "sms": (0, 120), "web": (0, 300), "hours": (0, 120)}
PHONE = re.compile(r"^[0-9 +\-]*$")
HOST = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
URL_FORBIDDEN = re.compile(r"[\s\\\"<>`]")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone(value: Any) -> str:
    """An IANA zone name this system's time-zone database knows (so schedules can be converted)."""
    if not isinstance(value, str) or value not in _zones():
        raise InvalidInput("time_zone must be an IANA time zone name, such as Europe/London.", code="invalid_time_zone")
    return value


def country(value: Any) -> str:
    """An ISO 3166-1 alpha-2 code in its form (two upper-case letters). Not checked against the list of
    assigned codes: a country without crisis-line defaults simply starts with an empty list."""
    if not isinstance(value, str) or not COUNTRY.fullmatch(value):
        raise InvalidInput("country must be a two-letter country code in capitals, such as GB.")
    return value


def https_url(value: str, field: str) -> str:
    """Empty, or an https:// address with a real host name: nothing a browser would run (javascript:,
    data:), nothing sent in the clear (http:), no user name or password inside."""
    if value == "":
        return value
    refused = InvalidInput(
        f"{field} must be an https:// address, such as https://www.samaritans.org.", code="invalid_url"
    )
    if not value.lower().startswith("https://") or URL_FORBIDDEN.search(value):
        raise refused
    try:
        parts = urlsplit(value)
        hostname, _ = parts.hostname, parts.port
    except ValueError:
        raise refused from None
    if parts.username is not None or parts.password is not None or not hostname or not HOST.fullmatch(hostname):
        raise refused
    return value


def crisis_line(raw: Any, where: str) -> dict[str, str]:
    """One crisis line, checked: plain one-line text, a phone number as dialled, an https address."""
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where} must be an object.")
    unknown = sorted(set(raw) - set(CRISIS_LINE_FIELDS))
    if unknown:
        raise InvalidInput(f"{where}.{unknown[0]} is not a field of a crisis line.")
    line: dict[str, str] = {}
    for field, (low, high) in CRISIS_LINE_FIELDS.items():
        value = validate.text(raw.get(field, ""), f"{where}.{field}", min_len=low, max_len=high)
        if "\n" in value:
            raise InvalidInput(f"{where}.{field} must be one line.")
        line[field] = value
    if not PHONE.fullmatch(line["phone"]) or (line["phone"] and not any(c.isdigit() for c in line["phone"])):
        raise InvalidInput(f"{where}.phone must be a number as dialled: digits, spaces, + and - only.")
    line["web"] = https_url(line["web"], f"{where}.web")
    if not (line["phone"] or line["sms"] or line["web"]):
        raise InvalidInput(f"{where} needs a phone number, a way to text, or a web address.")
    return line


def crisis_line_view(line: CrisisLine) -> dict[str, str]:
    return {"name": line.name, "phone": line.phone, "sms": line.sms, "web": line.web, "hours": line.hours}


def hub_settings_view(hub: Hub) -> dict[str, Any]:
    """Everything about a hub, for its admins."""
    return {
        "id": hub.id,
        "slug": hub.slug,
        "name": hub.name,
        "locality": hub.locality,
        "about": hub.about,
        "time_zone": hub.time_zone,
        "country": hub.country,
        "pause_grace_minutes": hub.pause_grace_minutes,
        "require_two_factor": hub.require_two_factor,
    }


async def do_create_hub(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    body: dict[str, Any],
    defaults: Mapping[str, Sequence[Mapping[str, str]]],
) -> dict[str, Any]:
    """A new hub, with its country's crisis lines (`defaults`, by country code) copied in to start from."""
    if not actor.is_platform_admin:
        raise Forbidden("Only platform admins can create hubs.")
    slug = validate.slug(body.get("slug"))
    zone = time_zone(body.get("time_zone", DEFAULT_TIME_ZONE))
    code = country(body.get("country", DEFAULT_COUNTRY))
    lines = [crisis_line(line, f"default line {n + 1}") for n, line in enumerate(defaults.get(code, ()))]
    values = await clean_fields(ctx, body, HUB_FIELDS, partial=False)
    async with db.begin():
        hub = Hub(
            slug=slug,
            name=values["name"],
            locality=values.get("locality", ""),
            about=values.get("about", ""),
            time_zone=zone,
            country=code,
            created_at=ctx.clock(),
        )
        db.add(hub)
        try:
            await db.flush()
        except IntegrityError:
            raise Conflict("A hub with that slug already exists.") from None
        await hub_store.replace_crisis_lines(db, hub.id, lines[:MAX_CRISIS_LINES])
        return hub_settings_view(hub)


async def get_hub_settings(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> dict[str, Any]:
    async with db.begin():
        return hub_settings_view(await require_hub_admin(db, actor, hub_id))


async def do_update_hub(
    db: AsyncSession,
    ctx: RoomsContext,
    actor: Actor,
    hub_id: int,
    body: dict[str, Any],
    *,
    two_factor_enabled: bool,
) -> dict[str, Any]:
    """Change the settings sent. Requiring two-factor sign-in of the staff needs it on for the admin asking
    (`two_factor_enabled`), so they keep their own powers."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)  # who is asking, before any costly cleaning
    if not body:
        raise InvalidInput("Send at least one setting to change.")
    unknown = sorted(set(body) - SETTINGS)
    if unknown:
        raise InvalidInput(f"{unknown[0]} is not a hub setting.")
    changes: dict[str, Any] = {}
    if "require_two_factor" in body:
        if not isinstance(body["require_two_factor"], bool):
            raise InvalidInput("require_two_factor must be true or false.")
        if body["require_two_factor"] and not two_factor_enabled:
            raise Conflict(
                "Turn on two-factor sign-in for yourself first, then require it.", code="two_factor_not_enabled"
            )
        changes["require_two_factor"] = body["require_two_factor"]
    if "time_zone" in body:
        changes["time_zone"] = time_zone(body["time_zone"])
    if "country" in body:
        changes["country"] = country(body["country"])
    if "pause_grace_minutes" in body:
        low, high = PAUSE_GRACE_MINUTES
        changes["pause_grace_minutes"] = validate.integer(
            body["pause_grace_minutes"], "pause_grace_minutes", minimum=low, maximum=high
        )
    changes.update(await clean_fields(ctx, body, HUB_FIELDS, partial=True))
    async with db.begin():
        hub = await require_hub_admin(db, actor, hub_id)
        for field, value in changes.items():
            setattr(hub, field, value)
        await db.flush()
        return hub_settings_view(hub)


async def get_crisis_lines(db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int) -> list[dict[str, str]]:
    async with db.begin():
        await require_hub(db, hub_id)
        return [crisis_line_view(line) for line in (await hub_store.crisis_lines(db, [hub_id]))[hub_id]]


async def do_replace_crisis_lines(
    db: AsyncSession, ctx: RoomsContext, actor: Actor, hub_id: int, raw_lines: Any
) -> list[dict[str, str]]:
    """Replace the hub's whole ordered list (the order is the order shown)."""
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)  # who is asking, before checking the lines
    if not isinstance(raw_lines, list):
        raise InvalidInput("lines must be a list.")
    if len(raw_lines) > MAX_CRISIS_LINES:
        raise InvalidInput(f"A hub lists at most {MAX_CRISIS_LINES} crisis lines.")
    lines = [crisis_line(raw, f"lines.{n}") for n, raw in enumerate(raw_lines)]
    async with db.begin():
        await require_hub_admin(db, actor, hub_id)
        await hub_store.replace_crisis_lines(db, hub_id, lines)
        return [crisis_line_view(line) for line in (await hub_store.crisis_lines(db, [hub_id]))[hub_id]]


async def public_hubs(db: AsyncSession) -> list[dict[str, Any]]:
    """Every hub as the landing page shows it before sign-in: who it is and where to get help now. Nothing
    about its staff, members or settings."""
    async with db.begin():
        hubs = await store.list_hubs(db)
        lines = await hub_store.crisis_lines(db, [hub.id for hub in hubs])
        return [
            {
                "id": hub.id,
                "slug": hub.slug,
                "name": hub.name,
                "locality": hub.locality,
                "about": hub.about,
                "time_zone": hub.time_zone,
                "crisis_lines": [crisis_line_view(line) for line in lines[hub.id]],
            }
            for hub in hubs
        ]
