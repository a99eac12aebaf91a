"""Each country's crisis lines, from config/crisis_lines/<CC>.toml: what a new hub in that country starts with.

Read once at start-up and checked twice (the file's shape by a pydantic model, each line by the same rules a
hub admin's lines meet), so a bad file stops the server with a sentence naming the file, never a hub with a
broken number. Each line names the page where the organisation publishes it (`source`) and each file says
when its lines were last checked (`checked_on`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rooms import hubs
from rooms.errors import InvalidInput
from server.settings import PROJECT_ROOT, SettingsError

DEFAULTS_DIR = PROJECT_ROOT / "config" / "crisis_lines"
FILE_NAME = re.compile(r"^[A-Z]{2}$")


class CrisisDefaultsError(SettingsError):
    """A crisis-line defaults file that cannot be used."""


class DefaultLine(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str
    phone: str = ""
    sms: str = ""
    web: str = ""
    hours: str = ""
    source: str


class DefaultsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checked_on: dt.date
    lines: list[DefaultLine] = Field(min_length=1, max_length=hubs.MAX_CRISIS_LINES)


@dataclass(frozen=True)
class CountryDefaults:
    country: str
    checked_on: dt.date
    lines: tuple[DefaultLine, ...]

    def for_hub(self) -> list[dict[str, str]]:
        """The lines as a hub stores them (without their sources)."""
        return [line.model_dump(exclude={"source"}) for line in self.lines]

    def view(self) -> dict[str, object]:
        return {
            "country": self.country,
            "checked_on": self.checked_on.isoformat(),
            "lines": [line.model_dump() for line in self.lines],
        }


CRISIS_DEFAULTS = web.AppKey("alongside_crisis_defaults", dict[str, CountryDefaults])


def load_crisis_defaults(directory: Path = DEFAULTS_DIR) -> dict[str, CountryDefaults]:
    """Every <CC>.toml in `directory`, by country code; raise CrisisDefaultsError naming a bad file."""
    found: dict[str, CountryDefaults] = {}
    for path in sorted(directory.glob("*.toml")):
        if not FILE_NAME.fullmatch(path.stem):
            raise CrisisDefaultsError(f"{path}: name it after an ISO 3166-1 alpha-2 code in capitals, like GB.toml")
        try:
            parsed = DefaultsFile.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
            for n, line in enumerate(parsed.lines):
                hubs.crisis_line(line.model_dump(exclude={"source"}), f"lines[{n}]")
                hubs.https_url(line.source, f"lines[{n}].source")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
            raise CrisisDefaultsError(f"{path}: {exc}") from None
        except InvalidInput as exc:
            raise CrisisDefaultsError(f"{path}: {exc.message}") from None
        found[path.stem] = CountryDefaults(path.stem, parsed.checked_on, tuple(parsed.lines))
    return found


def lines_by_country(defaults: dict[str, CountryDefaults]) -> dict[str, list[dict[str, str]]]:
    return {country: entry.for_hub() for country, entry in defaults.items()}
