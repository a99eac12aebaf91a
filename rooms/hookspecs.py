"""Every hook Alongside offers, with its typed signature, when it runs, what it may do, and its order.

Moderation, safeguarding and third-party plugins plug in here; rooms never imports them. Alongside's own
policies register exactly like a plugin would (moderation/defaults.py), so nothing they do is out of reach
of a plugin, and nothing a plugin does can skip a hook's rules. docs/hooks.md describes each hook;
tests/test_hooks_documented.py keeps that page and the tests in step with SPECS.

Order: implementations run by ascending `priority` (then by registration). The bands below are the
contract: a plugin picks the band that says what it is, e.g. `Priority.CONTENT + 5`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import IntEnum

from rooms.risk import RiskDetector


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is asking, as established by authentication. Slotted: every open connection holds one."""

    user_id: int
    pseudonym: str
    is_platform_admin: bool = False


@dataclass(frozen=True)
class RoomFacts:
    """What content policies need to know about the room a message is for (read before the checks)."""

    hub_id: int
    hub_name: str
    country: str  # ISO 3166-1 alpha-2: where a phone number without +country code is read from
    link_policy: str  # allow | block | hold
    word_list_version: str = ""  # changes whenever the hub's word list changes: a cached copy is current if equal


@dataclass(frozen=True)
class MessageDraft:
    """A message about to be stored. `room` is None for words beside the room (backchannel, private word):
    content policies (word lists, links, personal details) leave those alone; limits still apply."""

    group_id: int
    session_id: int
    author: Actor
    author_role: str
    body: str
    now: dt.datetime
    room: RoomFacts | None = None
    confirmed_personal_details: bool = False


@dataclass(frozen=True)
class Hold:
    """Store the message, but show it only to its author and staff until a facilitator reviews it.
    `reason` is shown to the author and to staff: name the rule, never repeat the words."""

    reason: str
    source: str


@dataclass(frozen=True)
class Flag:
    """Let the message through and tell the session's facilitators why it may need their attention."""

    reason: str
    source: str


Verdict = Hold | Flag


@dataclass(frozen=True)
class StoredMessage:
    """A message just committed. Held messages too (`held`): an observer may need them most of all."""

    group_id: int
    message_id: int
    session_id: int
    hub_id: int | None
    author_id: int
    author_role: str
    body: str
    created_at: dt.datetime
    held: bool
    flags: tuple[str, ...]


@dataclass(frozen=True)
class ModerationAction:
    """A facilitator's (or a policy's, `actor_id` None) action, after it was committed and logged."""

    hub_id: int
    group_id: int | None
    session_id: int | None
    actor_id: int | None
    action: str  # e.g. hide, release, mute, remove, ban, lift
    target_user_id: int | None
    target_message_id: int | None
    reason: str
    at: dt.datetime


@dataclass(frozen=True)
class ConcernNotice:
    """A safeguarding concern's news for an in-process notifier (a plugin paging an on-call lead, a case
    system). Never the message text nor who the member is: follow `link`, signed in, for that."""

    idempotency_key: str  # the same on every retry of this notice: drop a key you have handled
    event: str  # concern.raised | concern.escalated
    level: int  # the ladder's rung: 0 raised, 1 re-notified, 2 the hub's escalation contacts
    concern_id: int
    hub_id: int
    group_id: int | None
    tier: str  # concern | high | imminent
    state: str
    source: str  # help_now | worried | facilitator | detector
    ack_deadline: str | None
    link: str


MessageCheck = Callable[[MessageDraft], Awaitable[Verdict | None]]
"""message_check: raise rooms.errors.DomainError (with a code) to refuse; return Hold or Flag; or None."""

MessageStoredHook = Callable[[StoredMessage], Awaitable[None]]
"""message_stored: observe only. Runs as a task off the send path; its errors are logged (never content)."""

ModerationActionHook = Callable[[ModerationAction], Awaitable[None]]
"""moderation_action: observe only, like message_stored."""

ConcernNotifier = Callable[[ConcernNotice], Awaitable[None]]
"""concern_notify: deliver a concern's news; raise to have it retried later (same idempotency key)."""


class Priority(IntEnum):
    """Bands of the run order (lower first)."""

    SHAPE = 100  # cheap checks of the message itself (length): a refusal here costs nothing else
    LIMITS = 200  # rate limits: counted only for messages of an acceptable shape
    CONTENT = 300  # content policies: links, personal details, word lists
    PLUGIN = 500  # third-party checks and observers, unless they say otherwise
    LAST = 900


@dataclass(frozen=True)
class HookSpec:
    name: str
    signature: object
    when: str
    may: str


SPECS: tuple[HookSpec, ...] = (
    HookSpec(
        "message_check",
        MessageCheck,
        when="Before a message is stored, outside the write transaction (no write lock is held), after the "
        "sender's right to post was checked. Not run for a retried client_id already stored.",
        may="Refuse (raise DomainError with a code: nothing is stored), hold (return Hold: stored, shown only "
        "to its author and staff), or flag (return Flag: delivered, and staff told why). The first refusal "
        "stops the rest; every hold and flag is kept.",
    ),
    HookSpec(
        "message_stored",
        MessageStoredHook,
        when="After the message's transaction committed and it was published; each observer in its own task.",
        may="Observe only (e.g. risk detection). It cannot change or delay the send; errors are logged by "
        "observer name and exception type, never with the message's content.",
    ),
    HookSpec(
        "risk_detect",
        RiskDetector,
        when="When something asks rooms.hooks.Hooks.risk_detectors.assess(text): safeguarding runs it after a "
        "message was stored (from a message_stored observer), off the send path. Every detector runs.",
        may="Observe only: return a RiskAssessment (tier none/concern/high/imminent, the matches, why). The "
        "highest tier wins and all matches are merged. It cannot hold, hide or refuse a message; a failing "
        "detector is logged by name and exception type and skipped.",
    ),
    HookSpec(
        "concern_notify",
        ConcernNotifier,
        when="When a safeguarding concern is raised or climbs the ladder: each registered notifier is a delivery "
        "of its own in the outbox, written with the concern, delivered by the dispatcher of any process.",
        may="Deliver the notice (page someone, open a case). Raise to have it retried with backoff under the same "
        "idempotency key, then dead-lettered; it may be called again for a key it handled, so drop repeats.",
    ),
    HookSpec(
        "moderation_action",
        ModerationActionHook,
        when="After a facilitator's action (hide, release, mute, remove, ban, lift...) was committed.",
        may="Observe only (e.g. notify, export to a case system); run like message_stored.",
    ),
)
