"""The email that carries a password reset link (aiosmtplib, the SMTP settings safeguarding email uses).

It holds the link, when it stops working, and what to do if the person did not ask: never anything anyone
wrote, and never which hubs or groups the person belongs to."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from rooms.password_reset import IssuedLink
from server.settings import Settings

log = logging.getLogger("alongside.password_reset")


def reset_link(settings: Settings, token: str) -> str:
    return f"{settings.link_base}/#/reset/{token}"


def reset_message(settings: Settings, recipient: str, link: IssuedLink) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = recipient
    message["Subject"] = "[Alongside] Reset your password"
    expires = link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    message.set_content(
        "Someone asked to reset the password of your Alongside account.\n\n"
        f"Choose a new password here (the link works once, until {expires}):\n"
        f"{reset_link(settings, link.token)}\n\n"
        "If this wasn't you, ignore this email: your password stays as it is.\n"
    )
    return message


async def send_reset(settings: Settings, recipient: str, link: IssuedLink) -> None:
    """Send it; a failure is logged (without the address or the link) and not retried: the person can ask
    again, and the answer they saw never depended on this."""
    try:
        await aiosmtplib.send(
            reset_message(settings, recipient, link),
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=settings.smtp_password or None,
            start_tls=settings.smtp_starttls,
            timeout=settings.delivery_timeout_seconds,
        )
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        log.warning("a password reset email could not be sent: %s", type(exc).__name__)
