"""The message rate limits' in-process storage: limits' own asyncio MemoryStorage against Alongside's
(server/local_rate_storage.py), the CPU each costs per message at a busy evening's number of keys.

    .venv/bin/python bench/rate_storage.py [--senders 200] [--rooms 7] [--seconds 5]

Each message hits two moving-window limits (a burst per 10 s and a sustained per minute), as the send path
does; `senders x rooms` keys each. Messages arrive in ticks of 30 every 100 ms (about 300 a second), so the
event loop idles between ticks as a server's does. Prints process CPU per message for each storage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

from limits import parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.local_rate_storage import LocalRateStorage


async def cpu_per_message(storage: Storage, senders: int, rooms: int, seconds: float) -> tuple[float, int]:
    limiter = MovingWindowRateLimiter(storage)
    burst, sustained = parse("10000/10 seconds"), parse("60000/minute")
    keys = [f"user-{s}-group-{r}" for s in range(senders) for r in range(rooms)]
    for key in keys:  # every key in use, as on an evening with these many senders in these many rooms
        await limiter.hit(burst, "message", key)
        await limiter.hit(sustained, "message", key)
    started_cpu, started = time.process_time(), time.perf_counter()
    sent = 0
    while time.perf_counter() - started < seconds:
        for _ in range(30):
            key = keys[sent % len(keys)]
            await limiter.hit(burst, "message", key)
            await limiter.hit(sustained, "message", key)
            sent += 1
        await asyncio.sleep(0.1)
    return (time.process_time() - started_cpu) / sent * 1e6, sent


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    rows = []
    for name, storage in (("limits MemoryStorage", MemoryStorage()), ("LocalRateStorage", LocalRateStorage())):
        micros, sent = await cpu_per_message(storage, args.senders, args.rooms, args.seconds)
        rows.append((name, micros, sent))
    print(f"{args.senders * args.rooms} keys, two limits each; process CPU per message")
    print(f"{'storage':22} | {'µs per message':>14} | messages")
    for name, micros, sent in rows:
        print(f"{name:22} | {micros:14.0f} | {sent}")
    print(f"ratio {rows[0][1] / rows[1][1]:.0f}x")


if __name__ == "__main__":
    asyncio.run(main())
