"""Reads that arrive together share one read transaction (issue 9: in a connect wave each room:join opened three
read transactions of its own; on SQLite every BEGIN is a statement and every commit a hop to the driver's
thread, all paid on the event loop, and each transaction a pool checkout)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from rooms.errors import DomainError

T = TypeVar("T")
K = TypeVar("K")
# Reads one transaction serves. A connect wave's join asks about six, so 32 made about five joins share one;
# 128 (about twenty) halved a 5,000-member wave's statements (3,691 to 1,778) and cut its time by a sixth
# (bench/connect_wave.py, three rounds each); 256 did no better. A read's answer comes when its own transaction
# ends: it waits for the rest of the one running when it was asked, then all of its own, so a full transaction
# holds its first reader longer than at 32; but fewer, shorter waits in line make up for it: in a 5,000-member
# wave with 100 opening at once each join took p50 186 / p99 252 ms at 128 against 239 / 345 ms at 32
# (bench/connect_wave.py --concurrency 50, two rounds each). A join alone in a quiet moment waits for nothing.
MOST_PER_TRANSACTION = 128


@dataclass(frozen=True, eq=False)
class Together(Generic[K, T]):
    """A kind of read that one statement can answer for many keys at once: `many` answers each key, in order,
    with its value or its refusal (a DomainError, raised to that caller alone). Reads of the same kind that
    share a transaction are answered by one call."""

    many: Callable[[AsyncSession, list[K]], Awaitable[Sequence[T | DomainError]]]


@dataclass(frozen=True)
class _Waiting:
    read: Callable[[AsyncSession], Awaitable[Any]] | None
    result: asyncio.Future[Any]
    together: Together[Any, Any] | None = None
    key: Any = None
    hint: tuple[str, Any] | None = None


class _Ended(Exception):
    """A read failed other than by a refusal: its transaction ends, the rest go on in a fresh one."""


class ReadBatch:
    """Per process. Each read runs as if alone (its own statements, its own answer or refusal) but in a read
    transaction shared with the reads that were waiting beside it: one BEGIN, one pool checkout and one COMMIT
    per batch instead of per read.

    A transaction serves only reads already waiting when it begins; those that arrive while it runs form the
    next one (nothing waits on a timer). That keeps each read's view as fresh as its own transaction would be:
    on SQLite a transaction sees the database as of its first statement, so a read asked for after something
    (room:join's subscribing, its presence row's commit) must not run in a transaction begun before it.

    A read that fails other than by refusing (a DomainError) ends its transaction (on PostgreSQL a failed
    statement aborts it); the reads after it run in a fresh one. A caller that gives up is skipped if its read
    has not begun."""

    def __init__(self, sessions: Callable[[], AsyncSession], most: int = MOST_PER_TRANSACTION) -> None:
        self._sessions = sessions
        self._most = most
        self._waiting: deque[_Waiting] = deque()
        self._runner: asyncio.Task[None] | None = None
        self._closed = False
        self.transactions = 0
        self.reads = 0

    @property
    def waiting(self) -> int:
        """Reads asked for and not yet begun (tests: how many will share the next transaction)."""
        return len(self._waiting)

    async def run(self, read: Callable[[AsyncSession], Awaitable[T]], hint: tuple[str, Any] | None = None) -> T:
        """`read`'s answer (or what it raised), read inside a shared transaction. `read` must only read and
        must not begin or end a transaction itself. `hint`: (kind, key) of what it will ask once_for_many about
        (room:join's snapshot: its room's sessions), so that once_for_many reads for every read of the
        transaction at once."""
        return cast(T, await self._wait(_Waiting(read, asyncio.get_running_loop().create_future(), hint=hint)))

    async def run_together(self, kind: Together[K, T], key: K) -> T:
        """`key`'s answer from `kind.many`, called once for every read of this kind in the transaction."""
        waiting = _Waiting(None, asyncio.get_running_loop().create_future(), kind, key)
        return cast(T, await self._wait(waiting))

    async def _wait(self, waiting: _Waiting) -> Any:
        if self._closed:  # a handler still running as the process stops: no read on a disposed engine
            raise DomainError("This server is stopping; please reconnect.", code="server_stopping")
        self._waiting.append(waiting)
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._drain())
        return await waiting.result

    async def close(self) -> None:
        """At shutdown, before the engine goes: stop serving (whoever still waits is cancelled, and later
        reads are refused)."""
        self._closed = True
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
        for waiting in self._waiting:
            waiting.result.cancel()
        self._waiting.clear()

    async def _drain(self) -> None:
        while self._waiting:
            batch = [self._waiting.popleft() for _ in range(min(self._most, len(self._waiting)))]
            try:
                await self._one_transaction(batch)
            except BaseException as exc:
                for waiting in [*batch, *self._waiting]:
                    _settle(waiting.result, exc=exc)
                self._waiting.clear()
                raise

    async def _one_transaction(self, batch: list[_Waiting]) -> None:
        """Serve `batch` in one transaction; after a failed read, what is left of it goes back to the front.
        The answers are given together once the transaction has ended, so the callers go on together too (their
        next steps, such as room:join's presence rows, then batch in turn)."""
        left = deque(batch)
        answered: list[tuple[_Waiting, Any, BaseException | None]] = []
        try:
            async with self._sessions() as db, db.begin():
                self.transactions += 1
                db.info[_HINTS] = {w.hint for w in batch if w.hint is not None}
                while left:
                    waiting = left.popleft()
                    if waiting.result.done():  # its caller gave up
                        continue
                    if waiting.together is not None:
                        kind = waiting.together
                        alike = [waiting, *(w for w in left if w.together is kind and not w.result.done())]
                        left = deque(w for w in left if w.together is not kind)
                        await self._answer_together(db, kind, alike, answered)
                        continue
                    assert waiting.read is not None
                    self.reads += 1
                    try:
                        answered.append((waiting, await waiting.read(db), None))
                    except DomainError as exc:
                        answered.append((waiting, None, exc))
                    except Exception as exc:
                        answered.append((waiting, None, exc))
                        raise _Ended from exc
        except _Ended:
            self._waiting.extendleft(reversed(left))
        except Exception as failed:  # the transaction itself failed (its COMMIT): whoever is unanswered
            answered.extend((waiting, None, failed) for waiting in left)
        for waiting, value, raised in answered:
            _settle(waiting.result, value, raised)

    async def _answer_together(
        self,
        db: AsyncSession,
        kind: Together[Any, Any],
        alike: list[_Waiting],
        answered: list[tuple[_Waiting, Any, BaseException | None]],
    ) -> None:
        self.reads += len(alike)
        try:
            answers = await kind.many(db, [w.key for w in alike])
            if len(answers) != len(alike):
                raise ValueError(f"{len(answers)} answers for {len(alike)} reads")
        except Exception as exc:
            answered.extend((w, None, exc) for w in alike)
            raise _Ended from exc
        for w, answer in zip(alike, answers, strict=True):
            if isinstance(answer, DomainError):
                answered.append((w, None, answer))
            else:
                answered.append((w, answer, None))


def _settle(result: asyncio.Future[Any], value: Any = None, exc: BaseException | None = None) -> None:
    if result.done():
        return
    if isinstance(exc, asyncio.CancelledError):  # the process is stopping: so are its callers
        result.cancel()
    elif exc is not None:
        result.set_exception(exc)
    else:
        result.set_result(value)


async def once_per_transaction(db: AsyncSession, key: tuple[Any, ...], read: Callable[[], Awaitable[T]]) -> T:
    """`read`'s answer, read once per transaction of `db` for each `key`: reads that share a transaction (the
    joins of a moment entering the same room) share what is the same for all of them, such as the running
    session's raised hands. The answer is shared too, so callers must not change it."""
    answers = _answers(db)
    if key not in answers:
        answers[key] = await read()
    return cast(T, answers[key])


async def once_for_many(
    db: AsyncSession, kind: str, key: K, read_many: Callable[[set[K]], Awaitable[dict[K, T]]], missing: T
) -> T:
    """`key`'s answer of this kind, as once_per_transaction, but read together with the answers for every other
    key of this kind hinted by the reads of the transaction (ReadBatch.run's `hint`) and not yet answered: the
    joins of a moment entering different rooms share one read instead of one each. `missing`: the answer for a
    key `read_many` leaves out."""
    answers = _answers(db)
    if (kind, key) not in answers:
        keys = {k for hinted, k in db.info.get(_HINTS, ()) if hinted == kind and (kind, k) not in answers}
        keys.add(key)
        got = await read_many(keys)
        for k in keys:
            answers[(kind, k)] = got.get(k, missing)
    return cast(T, answers[(kind, key)])


def _answers(db: AsyncSession) -> dict[Any, Any]:
    transaction = db.get_transaction()
    memo = db.info.get(_MEMO)
    if memo is None or memo[0] is not transaction:
        memo = (transaction, {})
        db.info[_MEMO] = memo
    answers: dict[Any, Any] = memo[1]
    return answers


_MEMO = "alongside_once_per_transaction"
_HINTS = "alongside_read_hints"
