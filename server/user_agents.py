"""A coarse description of a browser ("Firefox on Android") for the list of signed-in devices.

Coarse on purpose: enough for a person to recognise their own devices, not a fingerprint; the raw
User-Agent header is never stored.
"""

from __future__ import annotations

_BROWSERS = (  # order matters: Edge and Opera also say Chrome, Chrome also says Safari
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str | None) -> str:
    if not user_agent:
        return "Unknown browser"
    text = user_agent[:512]
    browser = next((name for marker, name in _BROWSERS if marker in text), "Unknown browser")
    system = next((name for marker, name in _SYSTEMS if marker in text), "")
    return f"{browser} on {system}" if system else browser
