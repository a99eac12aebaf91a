"""Everything one running server holds, created by create_app and torn down by its cleanup context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import socketio
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from rooms.context import RoomsContext
from rooms.read_batch import ReadBatch
from rooms.typing_notices import TypingLimit
from server.auth import SessionTokens
from server.connection_caps import ConnectionCap
from server.control_bus import ControlBus
from server.metrics import Metrics
from server.passwords import Passwords
from server.settings import Settings
from server.sign_in_throttle import AddressRateLimit, DeviceCookies, LoginThrottleGuard
from server.two_factor import Challenges


@dataclass
class AppState:
    settings: Settings
    control: ControlBus  # messages between this deployment's server processes
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    readers: async_sessionmaker[AsyncSession]  # for use cases that only read (no write lock on SQLite)
    sio: socketio.AsyncServer
    rooms: RoomsContext
    tokens: SessionTokens
    passwords: Passwords
    throttle: LoginThrottleGuard
    devices: DeviceCookies
    challenges: Challenges
    signup_limit: AddressRateLimit
    password_check_limit: AddressRateLimit
    metrics: Metrics
    connections: ConnectionCap  # each person's open Socket.IO connections, across processes
    entry_reads: ReadBatch  # sign-ins, room:join's reads, unremembered send facts: a moment's share transactions
    typing_limit: TypingLimit  # typing notices per person, in the same storage as the message limits
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))


STATE = web.AppKey("alongside_state", AppState)
