"""A group's link policy (Group.link_policy): allow, block (refused with links_blocked), or hold links for a
facilitator's review. Facilitators' own links (resources, crisis lines) always pass."""

from __future__ import annotations

import re

from moderation.distress import seems_distressed
from rooms.errors import DomainError
from rooms.hooks import MessageDraft
from rooms.hookspecs import Flag, Hold, Verdict

_TLDS = (
    "com|org|net|edu|gov|info|biz|io|co|me|ly|gg|tv|app|dev|xyz|link|site|online|shop|club|live|"
    "uk|ie|de|fr|es|it|nl|be|eu|ru|cn|jp|au|nz|ca|us|in|br|za"
)
LINK = re.compile(
    r"(?i)(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>]+"
    rf"|(?<![@.\w-])(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+(?:{_TLDS})\b(?![.@-]\w)(?:/[^\s<>]*)?"
)
HELD_REASON = "It holds a link: waiting for a facilitator to review."


def has_link(text: str) -> bool:
    return LINK.search(text) is not None


async def link_policy(draft: MessageDraft) -> Verdict | None:
    room = draft.room
    if room is None or room.link_policy == "allow" or draft.author_role == "facilitator" or not has_link(draft.body):
        return None
    if seems_distressed(draft.body):  # distress is never refused or held automatically
        return Flag("A link, in a message that may show distress.", "links")
    if room.link_policy == "block":
        raise DomainError("Links are not allowed in this group; please send your message without it.", "links_blocked")
    return Hold(HELD_REASON, "links")
