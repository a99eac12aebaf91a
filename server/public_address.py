"""Outgoing requests to addresses people configure (a hub's webhook) reach the public internet only.

Without this, a hub admin (or anyone who took over one) could point the webhook at the server's own network,
at Redis, PostgreSQL, a cloud metadata endpoint or an admin panel behind the firewall, and have Alongside
send requests there on every concern (server-side request forgery). So in production every address the
webhook's host resolves to must be a public one, checked when connecting (not only when the URL is saved: a
name can be pointed elsewhere later), and a literal IP address is checked the same way. Development allows
loopback, so the tests can run a receiver on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver


class NotPublic(Exception):
    """The address is not on the public internet (loopback, private, link-local, reserved...)."""


def is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


def refuse_private_literal(url: str) -> None:
    """A URL whose host is an IP address that is not public: refused (a host name is checked on connect)."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            raise NotPublic(f"{host} is this machine, not a public address") from None
        return
    if not is_public(host):
        raise NotPublic(f"{host} is not a public address")


class PublicOnlyResolver(AbstractResolver):
    """Resolves like the default resolver, then keeps only public addresses; none left is an error."""

    def __init__(self) -> None:
        self._inner = ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        public = [entry for entry in found if is_public(entry["host"])]
        if not public:
            raise OSError(f"{host} resolves to no public address")
        return public

    async def close(self) -> None:
        await self._inner.close()


def public_only_session(**options: Any) -> Any:
    """An aiohttp ClientSession whose connections reach public addresses only."""
    import aiohttp

    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(resolver=PublicOnlyResolver()), **options)
