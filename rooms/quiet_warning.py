"""A warning for a failure that can repeat on every event (a rate limit storage down during a Redis outage):
logged at most once a minute, with how many were left out, so an outage cannot flood the log."""

from __future__ import annotations

import logging
import time


class QuietWarning:
    def __init__(self, logger: logging.Logger, every_seconds: float = 60.0) -> None:
        self._logger = logger
        self._every = every_seconds
        self._next = 0.0
        self._left_out = 0

    def __call__(self, text: str, *args: object) -> None:
        now = time.monotonic()
        if now < self._next:
            self._left_out += 1
            return
        self._next = now + self._every
        if self._left_out:
            self._logger.warning(text + " (and %d more since the last such warning)", *args, self._left_out)
            self._left_out = 0
        else:
            self._logger.warning(text, *args)
