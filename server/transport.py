"""The Socket.IO server hardened at the transport: what a client may send before Alongside's handlers run.

Why a subclass: python-socketio dispatches any client event by its name, so a client could send an
ordinary event named "disconnect" and reach the lifecycle handler (the "ghost listener"). It also lets
malformed frames raise deep inside Engine.IO, logging tracebacks. Everything a client controls is checked
here, once, before it reaches a handler:

- event names: lifecycle and reserved names are renamed to REFUSED_EVENT, so only the server itself ever
  triggers `connect` and `disconnect`; a non-list event payload becomes a malformed event;
- frames: empty, unknown Engine.IO packet types, undecodable or too deeply nested Socket.IO packets close
  that one connection quietly (one log line, one metric), with an ack refusal first where the event has an id;
- handshakes: rate-limited per address before any other work, long-polling bodies over the limit refused
  with 413 at once, only the /chat namespace accepted, and a connection that has not entered /chat within a
  few seconds (or was refused there) is closed.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import re
import sys
import time
import urllib.parse
from collections.abc import Callable
from typing import Any

import engineio
import socketio
from aiohttp import web
from engineio.async_drivers import aiohttp as engineio_aiohttp
from socketio import packet as socketio_packet

from server.handshake_gate import HandshakeGate
from server.held_tasks import HeldTasks
from server.metrics import Metrics
from server.prompt_socket import prompt

log = logging.getLogger("alongside.transport")

# Socket.IO's reserved event names (the protocol forbids clients to emit them) and our lifecycle handlers.
RESERVED_EVENTS = frozenset(
    {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}
)
REFUSED_EVENT = "\x00refused"  # what a reserved or malformed event is renamed to; no client can name it
TOO_DEEP = "nested too deeply"
# Packets waiting for one client. A reader that keeps up never has more than a handful; history pages and
# broadcasts to one that stops reading would otherwise pile up without bound.
MAX_QUEUED_PACKETS = 200
ENGINEIO_TYPES = frozenset("0123456")  # open, close, ping, pong, message, upgrade, noop
_SOCKETIO_HEADER = re.compile(r"^(\d)(?:\d+-)?(/[^,]*,)?(\d+)?")


class MalformedFrame(ValueError):
    """A client sent something the protocol does not allow; its connection is closed quietly."""


class BoundedJson:
    """The JSON module Socket.IO decodes packets with: malformed or too deeply nested JSON (which raises
    RecursionError in the decoder) becomes a MalformedFrame, refused quietly.

    No garbage collection runs while a packet is decoded: deep nesting takes the decoder to the recursion limit,
    and a collection started there would run its callbacks (the pause monitor) and finalizers with no room left,
    each failing with a RecursionError of its own ("Exception ignored in ...")."""

    @staticmethod
    def dumps(*args: Any, **kwargs: Any) -> str:
        return json.dumps(*args, **kwargs)

    @staticmethod
    def loads(raw: str | bytes, *args: Any, **kwargs: Any) -> Any:
        collecting = gc.isenabled()
        gc.disable()
        try:
            return json.loads(raw, *args, **kwargs)
        except RecursionError:
            raise MalformedFrame(TOO_DEEP) from None
        except ValueError:
            raise MalformedFrame("not JSON") from None
        finally:
            if collecting:
                gc.enable()


class TextPacket(socketio_packet.Packet):  # type: ignore[misc]
    """A Socket.IO packet that is always text. python-socketio walks every payload it sends (each key and list
    item, with a list and a reduce per level) to find bytes for its binary attachments; a join's snapshot holds
    a room's history and everyone present, and a broadcast's walk runs once per message. Alongside sends no
    bytes, and refuses binary packets from clients (GuardedSocketServer._handle_eio_message), so the walk can
    only ever answer no. A payload with bytes in it fails to encode as JSON instead of being sent as binary."""

    uses_binary_events = False


class GuardedWebSocket(engineio_aiohttp.WebSocket):  # type: ignore[misc]
    """Engine.IO's aiohttp websocket, refusing frames Engine.IO would choke on (they end the connection)."""

    # The websockets being served, by the Engine.IO session they carry (the handler is bound to it), so a
    # slow consumer's websockets are found at once. A list: while a session upgrades, a second websocket may
    # arrive before Engine.IO refuses it, and the one that ends first must not unlist the other. Entries leave
    # as their handler returns.
    open_sockets: dict[Any, list[GuardedWebSocket]] = {}

    async def __call__(self, environ: dict[str, Any]) -> Any:
        session = getattr(self.handler, "__self__", self)
        GuardedWebSocket.open_sockets.setdefault(session, []).append(self)
        try:
            return await super().__call__(environ)
        finally:
            listed = GuardedWebSocket.open_sockets.get(session, [])
            if self in listed:
                listed.remove(self)
            if not listed:
                GuardedWebSocket.open_sockets.pop(session, None)

    async def wait(self) -> Any:
        data = await super().wait()
        # Alongside speaks text only: binary frames and base64 ("b...") frames are refused with the rest.
        if not isinstance(data, str) or not data or data[0] not in ENGINEIO_TYPES:
            self.server.refuse("malformed_frame")
            raise OSError("malformed Engine.IO frame")  # Engine.IO's receive loop ends the connection on this
        return data


class EncodedOnce:
    """An Engine.IO packet on its way out, holding only its encoded text, and that only until it is sent.

    Why: Engine.IO's websocket writer keeps the last packet it sent in a local variable until the next one comes,
    and a packet keeps both its payload and its cached encoding. An idle connection's last packet is usually its
    room:join ack (a room snapshot, about 1.7 KB), so every idle connection held it twice, over thousands of
    connections. The original packet is encoded here (a room broadcast's one shared packet still encodes once,
    through its own cache) and the text is let go as the writer takes it. Engine.IO asks each queued packet
    for its encoding once (the websocket writer, or the long-polling payload)."""

    __slots__ = ("_encoded", "packet_type")
    binary = False
    data = None  # read only by Engine.IO's info log, which Alongside drops (QuietEngineLog)

    def __init__(self, pkt: Any) -> None:
        self.packet_type = pkt.packet_type
        self._encoded: str | None = pkt.encode()

    def encode(self, b64: bool = False) -> str:
        encoded, self._encoded = self._encoded, None
        if encoded is None:
            raise RuntimeError("an outgoing Engine.IO packet was encoded twice")
        return encoded


class GuardedEngineIO(engineio.AsyncServer):  # type: ignore[misc]
    """Engine.IO with a gate in front of new handshakes and a hard limit on long-polling bodies."""

    gate: HandshakeGate
    metrics: Metrics
    address_of: Callable[[web.Request], str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        drivers: dict[str, Any] = self._async  # type: ignore[has-type]
        self._async = dict(drivers, websocket=GuardedWebSocket)
        self._closing = HeldTasks()

    max_queued: int = MAX_QUEUED_PACKETS

    async def _trigger_event(self, event: str, *args: Any, **kwargs: Any) -> Any:
        """A new connection's socket gets the cheaper poll (server/prompt_socket.py) before it first waits:
        python-engineio triggers `connect` after making the socket and before any transport polls it."""
        if event == "connect":
            prompt(self.sockets.get(args[0]))
        return await super()._trigger_event(event, *args, **kwargs)

    async def send_packet(self, sid: str, pkt: Any) -> None:
        """Queue a packet for a client, unless that client has stopped reading: a connection whose queue
        is full is closed (it reconnects and resumes with history:since) rather than kept growing in memory."""
        socket = self.sockets.get(sid)
        if socket is None or socket.closing or socket.closed:
            return
        if socket.queue.qsize() >= self.max_queued:
            self.refuse("slow_consumer")
            self._abort(socket)
            return
        last_ping = socket.last_ping
        if last_ping and time.time() - last_ping > self.ping_timeout:
            # The client stopped answering pings: closed, as python-engineio's send would, but in a task of its
            # own, so the disconnect handler's clean-up neither holds up the rest of a broadcast nor is cut short
            # by the publish's time limit. The packet is dropped, as python-engineio drops it.
            self._close_in_background(socket, abort=False, reason=self.reason.PING_TIMEOUT)
            return
        # What python-engineio's send does for a live client (its queue is unbounded), without the four coroutines
        # its send_packet, send, check_ping_timeout and Queue.put made for every recipient of every broadcast.
        # Nothing here waits, so a room broadcast (server/room_index.DirectEmit) never pauses between recipients.
        socket.queue.put_nowait(pkt if pkt.binary else EncodedOnce(pkt))

    def _abort(self, socket: Any) -> None:
        """Drop what was queued (the memory), cut the TCP connection (a writer blocked on a client that does
        not read cannot finish otherwise), and close the session as a server disconnect."""
        while not socket.queue.empty():
            socket.queue.get_nowait()
            socket.queue.task_done()
        for ws in list(GuardedWebSocket.open_sockets.get(socket, ())):
            environ = getattr(ws, "environ", None)  # set once the websocket is prepared
            transport = environ["aiohttp.request"].transport if environ is not None else None
            if transport is not None:
                transport.abort()
        self._close_in_background(socket, abort=True)

    def _close_in_background(self, socket: Any, **how: Any) -> None:
        """socket.close in a task of its own, held until it ends."""
        self._closing.start(socket.close(wait=False, **how))

    def refuse(self, reason: str) -> None:
        self.metrics.inc("alongside_refusals_total", code=reason)
        log.info("refused a Socket.IO request: %s", reason)

    def _refused_before_engineio(self, request: web.Request) -> web.Response | None:
        """An oversized polling body or a handshake over the gate's limit. Apart from handle_request, whose frame
        lives as long as the websocket it serves: the parsed query would be kept for the whole connection."""
        if request.method == "POST":
            length = request.content_length
            if length is None or length > self.max_http_buffer_size:
                self.refuse("payload_too_large")
                return web.Response(status=413, text="Payload too large", headers={"Connection": "close"})
        if request.method == "GET" and "sid" not in urllib.parse.parse_qs(request.query_string):
            wait = self.gate.admit(self.address_of(request))
            if wait:
                self.refuse("too_many_handshakes")
                return web.Response(status=429, text="Too many connection attempts", headers={"Retry-After": wait})
        return None

    async def handle_request(self, request: web.Request) -> web.StreamResponse:
        refused = self._refused_before_engineio(request)
        if refused is not None:
            return refused
        try:
            response: web.StreamResponse = await super().handle_request(request)
        except (MalformedFrame, ValueError, IndexError, KeyError, RecursionError):
            # A malformed polling body, or a frame that slipped past the websocket check: refuse it quietly.
            self.refuse("malformed_frame")
            return web.Response(status=400, text="Malformed request")
        return response


class GuardedSocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio with client events kept away from lifecycle handlers and malformed packets refused."""

    def __init__(
        self,
        *args: Any,
        gate: HandshakeGate,
        metrics: Metrics,
        unauthenticated_timeout: float,
        address_of: Callable[[web.Request], str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, serializer=TextPacket, json=BoundedJson, **kwargs)
        self.metrics = metrics
        self.unauthenticated_timeout = unauthenticated_timeout
        self.eio.gate, self.eio.metrics, self.eio.address_of = gate, metrics, address_of
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._gone: set[str] = set()  # Engine.IO sessions being torn down
        self._closing = HeldTasks()

    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return GuardedEngineIO

    # ---- events ---------------------------------------------------------------------------------------------

    async def _handle_event(self, eio_sid: str, namespace: str | None, id: int | None, data: Any) -> None:
        """Only the server triggers lifecycle handlers: a client event with such a name (or no name) is
        renamed, so the namespace counts it against the connection's budget and refuses it."""
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            data = [REFUSED_EVENT, "malformed"]
        elif data[0] in RESERVED_EVENTS or data[0] == REFUSED_EVENT:
            data = [REFUSED_EVENT, "reserved"]
        await super()._handle_event(eio_sid, namespace, id, data)

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        if not isinstance(data, str) or data[:1] in ("5", "6"):
            # Binary events and acks (and their attachments): Alongside has none, and a header may announce
            # any number of attachments, each kept until the count is reached.
            self.eio.refuse("malformed_frame")
            self._close_soon(eio_sid, delay=0)
            return
        try:
            await super()._handle_eio_message(eio_sid, data)
        except (MalformedFrame, ValueError, IndexError, KeyError, TypeError, RecursionError) as exc:
            await self._refuse_frame(eio_sid, data, exc)

    async def _refuse_frame(self, eio_sid: str, data: Any, exc: Exception) -> None:
        """Answer an event that has an ack id with a refusal (so the client is not left waiting), then close
        this connection: a client that sends malformed frames is not one Alongside can talk to."""
        reason = "payload_too_deep" if str(exc) == TOO_DEEP else "malformed_frame"
        self.eio.refuse(reason)
        header = _SOCKETIO_HEADER.match(data) if isinstance(data, str) else None
        if header and header.group(1) == "2" and header.group(3):
            namespace = (header.group(2) or "/,")[:-1]
            message = "The payload is nested too deeply." if reason == "payload_too_deep" else "Malformed event."
            refusal = {"ok": False, "error": {"code": "invalid_payload", "message": message}}
            if self.manager.sid_from_eio_sid(eio_sid, namespace):
                await self._send_packet(
                    eio_sid,
                    self.packet_class(
                        socketio_packet.ACK, namespace=namespace, id=int(header.group(3)), data=[refusal]
                    ),
                )
        self._close_soon(eio_sid)

    # ---- connections ----------------------------------------------------------------------------------------

    async def _handle_eio_connect(self, eio_sid: str, environ: dict[str, Any]) -> Any:
        """Every new Engine.IO connection must enter /chat (authenticated) within a few seconds."""
        result = await super()._handle_eio_connect(eio_sid, environ)
        loop = asyncio.get_running_loop()
        self._pending[eio_sid] = loop.call_later(self.unauthenticated_timeout, self._expire, eio_sid)
        return result

    def _expire(self, eio_sid: str) -> None:
        self._pending.pop(eio_sid, None)
        if eio_sid in self.eio.sockets and not self._entered(eio_sid):
            self.eio.refuse("unauthenticated_timeout")
            self._close_soon(eio_sid, delay=0)

    def _entered(self, eio_sid: str) -> bool:
        return any(self.manager.sid_from_eio_sid(eio_sid, ns) for ns in self.namespace_handlers)

    async def _handle_connect(self, eio_sid: str, namespace: str | None, data: Any) -> None:
        await super()._handle_connect(eio_sid, namespace, data)
        if self._entered(eio_sid):
            timer = self._pending.pop(eio_sid, None)
            if timer is not None:
                timer.cancel()
        else:  # refused (signed out, unknown namespace, over a limit): the error went out, now close
            self._close_soon(eio_sid)

    async def _handle_disconnect(self, eio_sid: str, namespace: str | None, reason: Any = None) -> None:
        """A client that leaves /chat but keeps its Engine.IO session gets the unauthenticated timer again
        (and a fresh /chat entry needs a fresh sign-in check and starts a fresh budget)."""
        await super()._handle_disconnect(eio_sid, namespace, reason)
        if eio_sid not in self._gone and not self._entered(eio_sid) and eio_sid not in self._pending:
            loop = asyncio.get_running_loop()
            self._pending[eio_sid] = loop.call_later(self.unauthenticated_timeout, self._expire, eio_sid)

    async def _handle_eio_disconnect(self, eio_sid: str, reason: Any) -> None:
        self._gone.add(eio_sid)  # its namespaces are torn down next: no new timer for it
        try:
            await super()._handle_eio_disconnect(eio_sid, reason)
        finally:
            self._gone.discard(eio_sid)
            timer = self._pending.pop(eio_sid, None)
            if timer is not None:
                timer.cancel()

    def _close_soon(self, eio_sid: str, delay: float = 0.1) -> None:
        """Close after what was queued for the client (an error, an ack) has gone out."""

        async def close() -> None:
            await asyncio.sleep(delay)
            if eio_sid in self.eio.sockets:
                await self.eio.disconnect(eio_sid)

        self._closing.start(close())

    async def close_all(self) -> None:
        """Close every connection at once: Engine.IO sessions without waiting for their queues to drain,
        then the websockets themselves, so their handlers return and the process can stop."""
        sockets = list(self.eio.sockets.values())
        await asyncio.gather(*(s.close(wait=False) for s in sockets), return_exceptions=True)
        open_now = [ws for listed in list(GuardedWebSocket.open_sockets.values()) for ws in listed]
        websockets = [ws for ws in open_now if ws.server is self.eio and ws._sock is not None]
        await asyncio.gather(*(ws.close() for ws in websockets), return_exceptions=True)


class QuietEngineLog(logging.LoggerAdapter):  # type: ignore[type-arg]
    """Engine.IO's log, made safe. Its info and debug lines carry packet contents (what members write), and
    its warnings repeat per closed socket, so both are dropped. Its errors, which a client can provoke at
    will, become one line each without a traceback or a payload: the exception type and Engine.IO's own
    short sentence, cut to 160 characters."""

    def log(self, level: int, msg: object, *args: Any, **kwargs: Any) -> None:
        if level < logging.ERROR:
            return  # info carries payloads; warnings ("Cannot send to sid" per closed socket) flood under churn
        kind = sys.exc_info()[0] if kwargs.get("exc_info") else None
        text = (str(msg) % args if args else str(msg))[:160]
        self.logger.warning("engine.io: %s%s", text, f" ({kind.__name__})" if kind else "")

    def exception(self, msg: object, *args: Any, exc_info: Any = True, **kwargs: Any) -> None:
        self.log(logging.ERROR, msg, *args, exc_info=True)


def create_socket_server(
    *,
    client_manager: Any,
    origins: list[str],
    max_bytes: int,
    namespace: str,
    gate: HandshakeGate,
    metrics: Metrics,
    unauthenticated_timeout: float,
    address_of: Callable[[web.Request], str],
) -> GuardedSocketServer:
    """The one Socket.IO server of a process: only `namespace` is accepted (never the default '/')."""
    quiet = QuietEngineLog(logging.getLogger("alongside.engineio"), {})
    return GuardedSocketServer(
        async_mode="aiohttp",
        client_manager=client_manager,
        namespaces=[namespace],
        cors_allowed_origins=origins,
        cors_credentials=True,
        max_http_buffer_size=max_bytes,
        logger=False,
        engineio_logger=quiet,
        gate=gate,
        metrics=metrics,
        unauthenticated_timeout=unauthenticated_timeout,
        address_of=address_of,
    )
