"""Opening and closing python-socketio clients in tests so that nothing they open outlives the test.

python-engineio's AsyncClient makes its own aiohttp session (`client.eio.http`) when a connect starts, and
closes it only when it resets, which a connect that fails on the way does not reach: a websocket handshake
the server refuses (another Origin, the per-address handshake limit) or nothing listening raises out of
`connect()` with the session still open. (A refusal from the /chat connect handler comes later, and
python-socketio disconnects, closing it, itself.) The garbage collector finds the session later, in whichever
test is running then, and aiohttp's finaliser warns "Unclosed client session" and "Unclosed connector"
(which pyproject.toml makes an error).
python-engineio's answer (miguelgrinberg/python-engineio#307) is to call `disconnect()` after a failed
connect: it always resets, connected or not, and the reset closes the session. So every connect here goes
through `connect_chat`, which does that on the way out, and every close through `close_socket`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import socketio


async def close_socket(client: socketio.AsyncClient) -> None:
    """Disconnect if connected, and close the client's HTTP session either way (a connection the server
    closed, or one that never opened, still has it)."""
    await client.disconnect()


async def connect_chat(client: socketio.AsyncClient, url: str, **kwargs: Any) -> socketio.AsyncClient:
    """`client.connect` to /chat over a websocket; if it fails, close what the attempt opened and raise its
    error. For a client that needs its handlers registered before it connects."""
    kwargs.setdefault("namespaces", ["/chat"])
    kwargs.setdefault("transports", ["websocket"])
    try:
        await client.connect(url, **kwargs)
    except BaseException:
        with contextlib.suppress(Exception):
            await close_socket(client)
        raise
    return client


async def chat_socket(url: str, **kwargs: Any) -> socketio.AsyncClient:
    """A new client connected to /chat (`connect_chat`), without reconnection unless asked."""
    client = socketio.AsyncClient(reconnection=kwargs.pop("reconnection", False))
    return await connect_chat(client, url, **kwargs)
