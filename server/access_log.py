"""One access log line per HTTP request: method, the route's pattern (never the raw path: invitation and reset
tokens travel in paths), status and time taken. No query string, no body, no client address."""

from __future__ import annotations

import logging

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse, UrlMappingMatchInfo

log = logging.getLogger("alongside.access")


def route_pattern(request: BaseRequest) -> str:
    match = getattr(request, "match_info", None)
    if isinstance(match, UrlMappingMatchInfo) and match.route.resource is not None:
        return match.route.resource.canonical
    return "(no route)"


class AccessLogger(AbstractAccessLogger):
    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info("%s %s %d %.1fms", request.method, route_pattern(request), response.status, time * 1000)

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)
