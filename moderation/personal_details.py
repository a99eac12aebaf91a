"""A message that seems to share a phone number, an email address, a street address or a UK postcode is
refused with personal_details_confirm until the member confirms (`confirm_personal_details: true` on the
send): peer support is pseudonymous, and one pasted number can undo that for good.

Phone numbers: the `phonenumbers` library (Google's libphonenumber), valid numbers only, read as the hub's
country writes them and in international form (+33 ..., 0044 ...). Crisis-line short codes (116 123, 999)
are not full numbers and pass. Facilitators are not asked (they share services' numbers on purpose).
"""

from __future__ import annotations

import re

import phonenumbers

from rooms.errors import DomainError
from rooms.hooks import MessageDraft

EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
UK_POSTCODE = re.compile(r"(?i)\b(?:[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][ABD-HJLNP-UW-Z]{2}|GIR ?0AA)\b")
# A house number, one to three capitalised words, and a street word: "12 Acacia Avenue", "4b Mill Lane".
STREET = re.compile(
    r"\b\d{1,4}[a-zA-Z]?,? (?:[A-Z][\w'-]* ){1,3}"
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|court|ct|crescent|terrace|place|gardens|"
    r"grove|hill|square|sq|boulevard|blvd|mews|row|walk|parade)\b"
)
_DIGITS = re.compile(r"\d")
MIN_PHONE_DIGITS = 6


def phone_numbers(text: str, country: str) -> list[str]:
    """Valid phone numbers in `text`, read in the hub's country and internationally."""
    if len(_DIGITS.findall(text)) < MIN_PHONE_DIGITS:  # cheap: most messages hold no number at all
        return []
    found: list[str] = []
    for region in dict.fromkeys((country.upper(), "ZZ")):
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            found.append(match.raw_string)
    return found


def kinds_found(text: str, country: str) -> list[str]:
    """What the text seems to share, e.g. ["phone number", "postcode"]."""
    kinds = []
    if phone_numbers(text, country):
        kinds.append("phone number")
    if EMAIL.search(text):
        kinds.append("email address")
    if STREET.search(text):
        kinds.append("street address")
    if UK_POSTCODE.search(text):
        kinds.append("postcode")
    return kinds


async def personal_details(draft: MessageDraft) -> None:
    room = draft.room
    if room is None or draft.confirmed_personal_details or draft.author_role == "facilitator":
        return
    kinds = kinds_found(draft.body, room.country)
    if kinds:
        named = " and ".join(("an " if kind[0] in "aeiou" else "a ") + kind for kind in kinds)
        raise DomainError(
            f"This message seems to share {named}."
            " To keep you anonymous here, edit it, or send it again to confirm you want everyone to see it.",
            code="personal_details_confirm",
            detail={"found": kinds},
        )
