"""The community itself: hubs, groups, people, memberships, sessions, messages and presence.

Pure domain code: no aiohttp, socketio or Redis imports (see docs/architecture.md).
"""
