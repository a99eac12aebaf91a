"""Every hook in rooms/hookspecs.SPECS is described in docs/hooks.md and exercised by a test that names it."""

from __future__ import annotations

from pathlib import Path

from rooms.hookspecs import SPECS

ROOT = Path(__file__).resolve().parent.parent


def test_every_hook_is_documented_and_tested() -> None:
    doc = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    tests = {
        path.name: path.read_text(encoding="utf-8")
        for path in (ROOT / "tests").glob("test_*.py")
        if path.name != Path(__file__).name
    }
    assert SPECS
    undocumented = [spec.name for spec in SPECS if f"### {spec.name}\n" not in doc]
    untested = [spec.name for spec in SPECS if not any(spec.name in text for text in tests.values())]
    assert undocumented == [], "add a '### name' section to docs/hooks.md"
    assert untested == [], "add a test that names the hook"


def test_every_hook_says_when_it_runs_and_what_it_may_do() -> None:
    for spec in SPECS:
        assert spec.when and spec.may and spec.signature is not None, spec.name
