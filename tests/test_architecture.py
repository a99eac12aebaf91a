"""The package arrows of docs/architecture.md: domain packages never import the transport."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRANSPORT = {"aiohttp", "socketio", "engineio", "redis", "server"}
FORBIDDEN = {"rooms": TRANSPORT | {"moderation"}, "moderation": TRANSPORT}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_domain_package_does_not_import_transport(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): sorted(imported_roots(f) & FORBIDDEN[package]) for f in files}
    assert {f: bad for f, bad in offenders.items() if bad} == {}


FORBIDDEN_IN_BROWSER = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")


def test_frontend_never_turns_text_into_html() -> None:
    """Message text (and every other string) reaches the page as text nodes only."""
    sources = [*sorted((ROOT / "frontend" / "src").rglob("*.ts")), ROOT / "frontend" / "index.html"]
    assert len(sources) > 5
    found = {
        str(path.relative_to(ROOT)): [api for api in FORBIDDEN_IN_BROWSER if api in path.read_text(encoding="utf-8")]
        for path in sources
    }
    assert {path: apis for path, apis in found.items() if apis} == {}
