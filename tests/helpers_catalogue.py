"""Reading the frontend's translation catalogues (frontend/src/i18n/<lang>*.ts) and the server's refusal codes
from source, so tests can check every language covers every code and keeps every placeholder."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "frontend" / "src" / "i18n"
_EXPORT = re.compile(r"export const (\w+)\b[^=]*=\s*\{(.*?)\n\}(?: as const)?;", re.S)
_ENTRY = re.compile(r"""'([^'\\]+)'\s*:\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")""")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLURAL_EXTRAS = ("zero", "two", "few", "many")


@dataclass
class Catalogue:
    """One language's strings, merged from its files, and its extra plural forms."""

    lang: str
    messages: dict[str, str] = field(default_factory=dict)
    plurals: dict[str, str] = field(default_factory=dict)


def _strip_comments(source: str) -> str:
    source = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    return re.sub(r"^\s*//.*$", "", source, flags=re.M)


def _js_string(literal: str) -> str:
    """A JS string literal's value (the catalogues use only escapes JS and Python read alike)."""
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    return value


def read_catalogue(lang: str) -> Catalogue:
    files = [*sorted(I18N.glob(f"{lang}_*.ts")), I18N / f"{lang}.ts"]
    catalogue = Catalogue(lang)
    for path in files:
        if not path.exists():
            continue
        for name, body in _EXPORT.findall(_strip_comments(path.read_text(encoding="utf-8"))):
            target = catalogue.plurals if name.endswith("Plurals") else catalogue.messages
            for key, literal in _ENTRY.findall(body):
                target[key] = _js_string(literal)
    return catalogue


def languages() -> list[str]:
    """The languages with a catalogue: every `<lang>.ts` beside index.ts."""
    return sorted(p.stem for p in I18N.glob("*.ts") if re.fullmatch(r"[a-z]{2,3}", p.stem))


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def refusal_codes() -> set[str]:
    """Every error code the server can answer with, read from its source: `code=` arguments, `code = ...` class
    attributes, `ApiError(status, code, ...)`, and the codes a route declares in `refusals=`."""
    codes: set[str] = set()
    for package in ("server", "rooms", "moderation"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                codes |= _codes_in(node)
    return codes


def _codes_in(node: ast.AST) -> set[str]:
    found: set[str] = set()
    if isinstance(node, ast.keyword) and node.arg == "code" and _is_str(node.value):
        found.add(_str(node.value))
    if isinstance(node, ast.keyword) and node.arg == "refusals":
        found |= {_str(n) for n in ast.walk(node.value) if _is_str(n)}
    called = _called(node) if isinstance(node, ast.Call) else None
    if isinstance(node, ast.Call) and called in ("ApiError", "error_response") and len(node.args) >= 2:
        found |= {_str(node.args[1])} if _is_str(node.args[1]) else set()
    if isinstance(node, ast.ClassDef):
        for statement in node.body:
            if not isinstance(statement, ast.Assign):
                continue
            if any(isinstance(t, ast.Name) and t.id == "code" for t in statement.targets) and _is_str(statement.value):
                found.add(_str(statement.value))
    status_codes = isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "_STATUS_CODES" for t in node.targets
    )
    if status_codes and isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
        found |= {_str(v) for v in node.value.values if v is not None and _is_str(v)}
    return found


def _called(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _str(node: ast.AST) -> str:
    assert isinstance(node, ast.Constant) and isinstance(node.value, str)
    return node.value
