"""Override files: the few instructions for a publisher's file that detection gets wrong.

An override is a TOML file in the workspace's `overrides/` folder (or shipped with totalplace for known
publisher layouts, in `data/overrides/`). It says which files it is for and what to do differently, and must
say why — the reason is shown in the file's accounting. Example:

    why = "Gateshead's Period column is a financial period (202205 = August 2022), not a calendar month."
    [match]
    headers = ["Nstrg(T)", "Cipfsubj(T)", "Period", "Updated"]   # or: file = "gateshead_*.csv", sha256 = "..."
    [layout]
    columns = { payment_date = "Updated" }   # role = header as written in the file
    # header_row = 10        the header's row number, as `totalplace sources` counts rows
    # date_order = "mdy"     month-first dates
    # period = "2011-01"     the month of every row, for files with no date column
    # body = "Lambeth"       whose spending this is (as --body)
    # sheets = ["Data"]      only these sheets hold payments
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .headers import Synonyms, header_key


class OverrideError(ValueError):
    """An override file that cannot be used, with the file and the problem."""


class _Match(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str | None = None
    sha256: str | None = None
    headers: list[str] | None = None


class _Layout(BaseModel):
    model_config = ConfigDict(extra="forbid")
    columns: dict[str, str] = {}
    header_row: int | None = None
    date_order: Literal["dmy", "mdy"] | None = None
    period: str | None = None
    body: str | None = None
    sheets: list[str] | None = None

    @field_validator("header_row")
    @classmethod
    def _positive(cls, v: int | None) -> int | None:
        if v is not None and v < 1:
            raise ValueError("header_row counts from 1")
        return v


class _OverrideFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    why: str
    match: _Match
    layout: _Layout = _Layout()


@dataclass
class Override:
    path: str
    why: str
    match: _Match
    layout: _Layout

    def matches_file(self, name: str, sha256: str) -> bool:
        if self.match.headers:
            return False
        if self.match.sha256 and self.match.sha256.lower() != sha256.lower():
            return False
        if self.match.file and not fnmatch.fnmatch(name.lower(), self.match.file.lower()):
            return False
        return bool(self.match.sha256 or self.match.file)

    def matches_headers(self, header_cells: list[str]) -> bool:
        if not self.match.headers:
            return False
        present = {header_key(c) for c in header_cells}
        return all(header_key(h) in present for h in self.match.headers)

    def describe(self) -> dict[str, str]:
        return {"path": self.path, "why": " ".join(self.why.split())}


def _parse(path: Path, text: str, roles: set[str]) -> Override:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OverrideError(f"override file {path}: not valid TOML ({exc}).") from exc
    try:
        parsed = _OverrideFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise OverrideError(f"override file {path}: {problems}.") from exc
    if not (parsed.match.file or parsed.match.sha256 or parsed.match.headers):
        raise OverrideError(f"override file {path}: [match] needs file, sha256 or headers, to say which files it is for.")
    unknown = sorted(set(parsed.layout.columns) - roles)
    if unknown:
        raise OverrideError(
            f"override file {path}: unknown column role(s) {', '.join(unknown)}; roles are: {', '.join(sorted(roles))}."
        )
    return Override(str(path), parsed.why, parsed.match, parsed.layout)


class Overrides:
    """The override files that apply to a workspace: its own first, then those shipped with totalplace."""

    def __init__(self, items: list[Override]):
        self.items = items

    @classmethod
    def load(cls, folder: Path | None, synonyms: Synonyms) -> "Overrides":
        roles = set(synonyms.roles)
        items: list[Override] = []
        if folder is not None and folder.is_dir():
            for path in sorted(folder.glob("*.toml")):
                items.append(_parse(path, path.read_text(encoding="utf-8"), roles))
        packaged = resources.files("totalplace").joinpath("data/overrides")
        for entry in sorted(packaged.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                items.append(_parse(Path("totalplace/data/overrides") / entry.name, entry.read_text(encoding="utf-8"), roles))
        return cls(items)

    def for_file(self, name: str, sha256: str) -> Override | None:
        found = [o for o in self.items if o.matches_file(name, sha256)]
        return found[0] if found else None

    def for_headers(self, header_cells: list[str]) -> Override | None:
        found = [o for o in self.items if o.matches_headers(header_cells)]
        return found[0] if found else None
