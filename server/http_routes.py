"""Every module of declared REST routes, in one list: the application serves them and /api/openapi.json
documents them, so a route cannot be served without being documented, or documented without being served."""

from __future__ import annotations

from server import (
    http_api,
    http_auth,
    http_groups,
    http_hub_groups,
    http_hubs,
    http_moderation,
    http_password_reset,
    http_policy,
    http_privacy,
    http_reports,
    http_safeguarding,
    http_schedules,
    http_side_talk,
    http_space,
    http_supervision,
)
from server.api_spec import ApiRoutes

ROUTE_MODULES = (
    http_api,
    http_auth,
    http_groups,
    http_hubs,
    http_schedules,
    http_supervision,
    http_hub_groups,
    http_space,
    http_reports,
    http_moderation,
    http_policy,
    http_side_talk,
    http_safeguarding,
    http_password_reset,
    http_privacy,
)


def declared_routes() -> list[ApiRoutes]:
    return [module.routes for module in ROUTE_MODULES]
