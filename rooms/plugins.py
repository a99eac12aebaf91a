"""Third-party plugins: packages that declare an entry point in the group `alongside.plugins`.

The entry point names a callable taking the hook registry, e.g. in a plugin's pyproject.toml:

    [project.entry-points."alongside.plugins"]
    my_plugin = "my_plugin:setup"      # def setup(hooks: rooms.hooks.Hooks) -> None

It registers implementations as Alongside's own defaults do (hooks.message_check.register(check,
priority=Priority.CONTENT + 10, name="my_plugin.check")). A plugin that fails to load stops the start with
an error naming it: running without a safeguarding plugin someone installed is worse than not starting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from importlib.metadata import EntryPoint, entry_points

from rooms.hooks import Hooks

GROUP = "alongside.plugins"


class PluginLoadError(RuntimeError):
    """A plugin could not be loaded or set up; the message names it and says why."""


def load_plugins(hooks: Hooks, found: Iterable[EntryPoint] | None = None) -> list[str]:
    """Load and set up every installed plugin (sorted by name, so the order is the same on every process);
    return their names."""
    loaded = []
    for point in sorted(entry_points(group=GROUP) if found is None else found, key=lambda p: p.name):
        try:
            setup: Callable[[Hooks], None] = point.load()
            if not callable(setup):
                raise TypeError(f"{point.value} is not callable")
            setup(hooks)
        except Exception as exc:
            raise PluginLoadError(
                f"plugin {point.name!r} ({point.value}) failed to load: {type(exc).__name__}: {exc}"
            ) from exc
        loaded.append(point.name)
    return loaded
