"""A hub's word and phrase list as a message check: hold, refuse (with its reason) or flag.

Matching: moderation/text_match.py (normalised, whole words in every script). Distress is never refused or
held automatically: an entry that is itself distress vocabulary ("die", "kill", "cut", "want to die") only
ever flags, whatever action it was saved with; and a message that reads as distress
(moderation/distress.py) is only flagged, whichever entries it matches. Facilitators see the flag.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from moderation import text_match
from moderation.distress import is_distress_vocabulary, seems_distressed
from rooms.errors import DomainError
from rooms.hooks import MessageDraft
from rooms.hookspecs import Flag, Hold, RoomFacts, Verdict

ACTIONS = ("hold", "refuse", "flag")
HELD_REASON = "waiting for a facilitator to review"
REFUSED = "This message uses a word or phrase this hub does not allow here; please rephrase it."


@dataclass(frozen=True)
class WordRule:
    phrase: str
    action: str  # hold | refuse | flag
    reason: str = ""


WordListLoader = Callable[[RoomFacts], Awaitable[Sequence[WordRule]]]


def effective_action(rule: WordRule, distressed: bool) -> str:
    if distressed or is_distress_vocabulary(rule.phrase):
        return "flag"
    return rule.action


def judge(body: str, rules: Sequence[WordRule]) -> Verdict | None:
    """The strongest action among the rules that match `body`: refuse (raised), then hold, then flag."""
    folded = text_match.fold(body)
    matched = [rule for rule in rules if text_match.contains(folded, rule.phrase)]
    if not matched:
        return None
    distressed = seems_distressed(body)
    by_action: dict[str, list[WordRule]] = {}
    for rule in matched:
        by_action.setdefault(effective_action(rule, distressed), []).append(rule)
    if "refuse" in by_action:
        raise DomainError(by_action["refuse"][0].reason or REFUSED, code="word_list_refused")
    if "hold" in by_action:
        return Hold(by_action["hold"][0].reason or HELD_REASON, "word_list")
    phrases = ", ".join(f'"{rule.phrase}"' for rule in by_action["flag"])
    return Flag(f"The hub's word list: {phrases}" + (" (may show distress)" if distressed else ""), "word_list")


class WordListPolicy:
    """Asks for the hub's list for each room message, outside the write transaction; the loader may answer from
    a cache while `RoomFacts.word_list_version` is unchanged (server/policy_wiring.py does)."""

    def __init__(self, load: WordListLoader) -> None:
        self.load = load

    async def __call__(self, draft: MessageDraft) -> Verdict | None:
        if draft.room is None:
            return None
        rules = await self.load(draft.room)
        return judge(draft.body, rules) if rules else None
