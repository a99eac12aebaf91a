"""A hub's webhook reaches public addresses only in production (server/public_address.py): no requests into
the server's own network, whether the URL names a private IP or a host name that resolves to one."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp import web

from server.public_address import NotPublic, PublicOnlyResolver, is_public, public_only_session, refuse_private_literal
from tests.services import free_port


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.10", False),
        ("172.16.5.4", False),
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("::1", False),
        ("fd00::1", False),
        ("fe80::1%eth0", False),
        ("::ffff:127.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700:4700::1111", True),
        ("not an address", False),
    ],
)
def test_only_global_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(
    "url",
    ["https://127.0.0.1/hook", "https://[::1]:8443/", "https://localhost/x", "https://a.localhost/", "http://10.0.0.5"],
)
def test_a_url_naming_a_private_address_is_refused(url: str) -> None:
    with pytest.raises(NotPublic):
        refuse_private_literal(url)


@pytest.mark.parametrize("url", ["https://hooks.example.org/alongside", "https://93.184.216.34/hook"])
def test_a_public_url_passes(url: str) -> None:
    refuse_private_literal(url)


async def test_a_host_name_resolving_to_this_machine_is_not_connected_to() -> None:
    """A real receiver on loopback: the public-only session never reaches it through a name."""
    received: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(request.path)
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        with pytest.raises(OSError):
            await PublicOnlyResolver().resolve("localhost", port)
        async with public_only_session() as http:
            with pytest.raises(aiohttp.ClientError):
                await http.post(f"http://localhost:{port}/hook", data=b"{}")
        async with aiohttp.ClientSession() as http, http.post(f"http://localhost:{port}/hook", data=b"{}") as sent:
            assert sent.status == 204, "the receiver does answer an ordinary session: the refusal is the resolver's"
        assert received == ["/hook"]
    finally:
        await runner.cleanup()
