"""The registry of hook implementations (what rooms/hookspecs.py names): checks that decide, observers that
watch. rooms never imports moderation: moderation and plugins hand their callables in here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rooms.hookspecs import Actor as Actor
from rooms.hookspecs import ConcernNotifier, Flag, Hold, MessageCheck, ModerationAction, Priority, StoredMessage
from rooms.hookspecs import MessageDraft as MessageDraft
from rooms.risk import NO_RISK, RiskAssessment, RiskDetector, RiskMatch, RiskTier

log = logging.getLogger("alongside.hooks")

TextCleaner = Callable[[str], Awaitable[str]]
"""Turns text from staff (descriptions, agreements, hub details) into safe plain text. Asynchronous, so the
wiring can run it off the event loop with bounded concurrency."""


async def keep_text(text: str) -> str:
    return text


T = TypeVar("T")


@dataclass(frozen=True)
class Registered(Generic[T]):
    name: str
    priority: int
    order: int
    impl: T


def _sorted(items: list[Registered[T]]) -> list[Registered[T]]:
    return sorted(items, key=lambda r: (r.priority, r.order))


@dataclass(frozen=True)
class CheckOutcome:
    """What the message checks decided for a message they let through."""

    holds: tuple[Hold, ...] = ()
    flags: tuple[Flag, ...] = ()

    @property
    def held_reason(self) -> str | None:
        return self.holds[0].reason if self.holds else None


@dataclass
class MessageChecks:
    """The message_check hook: run in priority order; the first refusal stops the message."""

    registered: list[Registered[MessageCheck]] = field(default_factory=list)

    def register(self, check: MessageCheck, *, priority: int = Priority.PLUGIN, name: str = "") -> None:
        name = name or getattr(check, "__name__", type(check).__name__)
        self.registered = _sorted([*self.registered, Registered(name, priority, len(self.registered), check)])

    def unregister(self, name: str) -> None:
        self.registered = [r for r in self.registered if r.name != name]

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.registered]

    async def run(self, draft: MessageDraft) -> CheckOutcome:
        holds: list[Hold] = []
        flags: list[Flag] = []
        for item in self.registered:
            verdict = await item.impl(draft)
            if isinstance(verdict, Hold):
                holds.append(verdict)
            elif isinstance(verdict, Flag):
                flags.append(verdict)
        return CheckOutcome(tuple(holds), tuple(flags))


@dataclass
class Observers(Generic[T]):
    """An observing hook (message_stored, moderation_action): each observer runs in a task of its own, so a
    slow or failing one never delays the action it watches. Failures are logged by name and type only."""

    hook: str
    registered: list[Registered[Callable[[T], Awaitable[None]]]] = field(default_factory=list)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def register(
        self, observer: Callable[[T], Awaitable[None]], *, priority: int = Priority.PLUGIN, name: str = ""
    ) -> None:
        name = name or getattr(observer, "__name__", type(observer).__name__)
        self.registered = _sorted([*self.registered, Registered(name, priority, len(self.registered), observer)])

    def notify(self, event: T) -> None:
        """Start every observer (in priority order) and return at once."""
        for item in self.registered:
            task = asyncio.create_task(self._run(item, event))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, item: Registered[Callable[[T], Awaitable[None]]], event: T) -> None:
        try:
            await item.impl(event)
        except Exception as exc:  # an observer's failure must not reach the sender, nor leak what was said
            log.error("%s observer %r failed: %s", self.hook, item.name, type(exc).__name__)

    async def drain(self) -> None:
        """Wait for the observers already started (tests; shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


@dataclass
class RiskDetectors:
    """The risk_detect hook: every detector assesses the text; the highest tier wins and every detector's
    matches are kept, so staff see all the evidence. A failing detector is logged (name and exception type,
    never the text) and skipped: the others still decide."""

    registered: list[Registered[RiskDetector]] = field(default_factory=list)

    def register(self, detector: RiskDetector, *, priority: int = Priority.PLUGIN, name: str = "") -> None:
        name = name or getattr(detector, "__name__", type(detector).__name__)
        if name in self.names():
            raise ValueError(f"a risk detector named {name!r} is already registered")
        self.registered = _sorted([*self.registered, Registered(name, priority, len(self.registered), detector)])

    def unregister(self, name: str) -> None:
        self.registered = [r for r in self.registered if r.name != name]

    def names(self) -> list[str]:
        return [r.name for r in self.registered]

    async def assess(self, text: str) -> RiskAssessment:
        results: list[tuple[str, RiskAssessment]] = []
        for item in self.registered:
            try:
                results.append((item.name, await item.impl(text)))
            except Exception as exc:  # one detector's failure must not silence the others
                log.error("risk detector %r failed: %s", item.name, type(exc).__name__)
        return merge_assessments(results)


def merge_assessments(results: list[tuple[str, RiskAssessment]]) -> RiskAssessment:
    """Highest tier wins; its detectors' explanations lead; all matches are kept (once each)."""
    if not results:
        return NO_RISK
    tier = max(a.tier for _, a in results)
    matches: list[RiskMatch] = []
    for _, assessment in results:
        matches.extend(m for m in assessment.matches if m not in matches)
    if tier == RiskTier.NONE:
        return RiskAssessment(RiskTier.NONE, tuple(matches), ", ".join(n for n, _ in results), NO_RISK.explanation)
    deciding = [(name, a) for name, a in results if a.tier == tier]
    detector = ", ".join(a.detector or name for name, a in deciding)
    explanation = " ".join(dict.fromkeys(a.explanation for _, a in deciding if a.explanation))
    return RiskAssessment(tier, tuple(matches), detector, explanation)


NOTIFIER_NAME_MAX = 35  # a notifier's name is part of its outbox target ("hook:<name>")


@dataclass
class ConcernNotifiers:
    """The concern_notify hook: named notifiers, each a delivery of its own (rooms/safeguarding.py queues one
    outbox row per registered name, so each is retried on its own and none is lost)."""

    registered: dict[str, ConcernNotifier] = field(default_factory=dict)

    def register(self, notifier: ConcernNotifier, *, name: str) -> None:
        if not name or len(name) > NOTIFIER_NAME_MAX:
            raise ValueError(f"a concern notifier needs a name of 1 to {NOTIFIER_NAME_MAX} characters")
        if name in self.registered:
            raise ValueError(f"a concern notifier named {name!r} is already registered")
        self.registered[name] = notifier

    def unregister(self, name: str) -> None:
        self.registered.pop(name, None)

    def names(self) -> list[str]:
        return sorted(self.registered)

    def get(self, name: str) -> ConcernNotifier | None:
        return self.registered.get(name)


@dataclass
class Hooks:
    """Every hook's implementations, in one registry handed to the rooms context."""

    message_check: MessageChecks = field(default_factory=MessageChecks)
    message_stored: Observers[StoredMessage] = field(default_factory=lambda: Observers("message_stored"))
    moderation_action: Observers[ModerationAction] = field(default_factory=lambda: Observers("moderation_action"))
    risk_detectors: RiskDetectors = field(default_factory=RiskDetectors)
    concern_notify: ConcernNotifiers = field(default_factory=ConcernNotifiers)


def moderation_action_taken(hooks: Hooks, action: ModerationAction) -> None:
    """Call after a moderation action's transaction committed (rooms/moderation_actions.py)."""
    hooks.moderation_action.notify(action)
