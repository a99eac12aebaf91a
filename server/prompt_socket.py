"""Engine.IO's per-connection socket, with a cheaper wait for the next packets to send.

Why: every delivery to a connection wakes that connection's writer, and python-engineio's `AsyncSocket.poll`
waits with `asyncio.wait_for(queue.get(), timeout)`. On Python 3.11 that makes a task, a future, a timer and
two callbacks for every wake, and the wake itself takes two trips round the event loop (the inner task's, then
the writer's). The load bench counted 16.5 such tasks per chat message (one per recipient whose writer was
idle). Here the writer takes what is already queued without waiting at all, and otherwise waits on the queue
itself: a WebSocket's writer with no timer (its reader always wakes it with the end marker), a long-polling
request under `asyncio.timeout` (one timer, one trip). What it returns, and when a long poll gives up (the same
timeout, or being cancelled), are python-engineio's own.
"""

from __future__ import annotations

import asyncio
from typing import Any

from engineio import exceptions
from engineio.async_socket import AsyncSocket


class PromptSocket(AsyncSocket):  # type: ignore[misc]
    """An `engineio.async_socket.AsyncSocket` whose `poll` waits without a task of its own."""

    async def poll(self) -> list[Any]:
        """Wait for packets to send to the client: all that are queued, at least one (python-engineio's
        contract: [] once the queue's end marker, None, comes first; QueueEmpty after the timeout)."""
        queue = self.queue
        if not queue.empty():
            first = queue.get_nowait()
        elif self.upgraded:
            # A WebSocket's writer: its reader always ends by queueing the end marker (after the client closes,
            # the connection fails, a ping times out or the reader is cancelled), so no timer is needed to end
            # this wait, and none is armed for every delivery.
            try:
                first = await queue.get()
            except asyncio.CancelledError:
                raise exceptions.QueueEmpty() from None
        else:  # a long-polling request: it ends after the timeout, as python-engineio's does
            try:
                async with asyncio.timeout(self.server.ping_interval + self.server.ping_timeout):
                    first = await queue.get()
            except (TimeoutError, asyncio.CancelledError):
                raise exceptions.QueueEmpty() from None
        queue.task_done()
        if first is None:
            return []
        packets = [first]
        while not queue.empty():
            pkt = queue.get_nowait()
            queue.task_done()
            if pkt is None:  # the end marker stays for the next poll, as in python-engineio
                queue.put_nowait(None)
                break
            packets.append(pkt)
        return packets


def prompt(socket: Any) -> None:
    """Give a socket python-engineio has just made this class's poll (it makes plain AsyncSockets itself)."""
    if type(socket) is AsyncSocket:
        socket.__class__ = PromptSocket
