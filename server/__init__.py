"""Alongside's transport layer: the only package that imports aiohttp and socketio."""
