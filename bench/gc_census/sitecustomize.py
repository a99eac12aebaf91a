"""A census of the garbage collector's generations inside a running Alongside server, by object type.

Why: under message load, the objects that live just long enough to be promoted (and then die old) are what the
young and middle collections keep walking; counting them by type says which code makes them. Loaded by Python
at start-up through PYTHONPATH, only with ALONGSIDE_GC_CENSUS set, only in `server.cli` processes:

    ALONGSIDE_GC_CENSUS=/tmp/census PYTHONPATH=bench/gc_census \\
        .venv/bin/python bench/load.py --skip idle,redis,safeguarding --steps 600 --step-seconds 20
    kill -USR2 "$(pgrep -f 'server.cli serve' | head -1)"   # during Alongside's step; once per census

Each signal writes <dir>/census.<pid>.<time>.json: for generations 0, 1 and 2, the number of objects and the
25 most common types (coroutines by their function). A diagnostic, not part of the server.
"""

from __future__ import annotations

import os

_target = os.environ.get("ALONGSIDE_GC_CENSUS", "")


def _is_server() -> bool:
    try:
        with open("/proc/self/cmdline", "rb") as cmdline:
            return b"server.cli" in cmdline.read()
    except OSError:
        return False


if _target and _is_server():
    import collections
    import gc
    import json
    import signal
    import time
    from typing import Any

    def _name(obj: Any) -> str:
        kind = f"{type(obj).__module__}.{type(obj).__qualname__}"
        if kind == "builtins.coroutine":
            return f"{kind}:{obj.cr_code.co_qualname}"
        if kind == "builtins.builtin_function_or_method":
            return f"{kind}:{getattr(obj, '__qualname__', '?')}"
        return kind

    def _census(*_: Any) -> None:
        found: dict[int, Any] = {}
        for generation in (0, 1, 2):
            objects = gc.get_objects(generation)
            found[generation] = [len(objects), collections.Counter(map(_name, objects)).most_common(25)]
            del objects
        os.makedirs(_target, exist_ok=True)
        path = os.path.join(_target, f"census.{os.getpid()}.{time.time():.1f}.json")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(found, out, indent=1)

    signal.signal(signal.SIGUSR2, _census)
