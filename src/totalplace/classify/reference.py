"""The two classifications every pound is given: COFOG (divisions and groups) and the Total Place themes.

Both are package data written by the project (`data/classify/cofog.csv`, `data/classify/themes.csv`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class CofogCode:
    code: str  # '10' (a division) or '10.2' (a group)
    name: str  # the UN's name
    plain_label: str  # ours, for people who do not speak COFOG

    @property
    def division(self) -> str:
        return self.code.split(".")[0]

    @property
    def is_group(self) -> bool:
        return "." in self.code


@dataclass(frozen=True)
class Theme:
    theme: str
    name: str
    definition: str
    examples: str


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("totalplace").joinpath(f"data/classify/{name}").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def cofog_codes() -> dict[str, CofogCode]:
    """Every COFOG division and group by code."""
    return {r["code"]: CofogCode(r["code"], r["name"], r["plain_label"]) for r in _data_rows("cofog.csv")}


@cache
def themes() -> dict[str, Theme]:
    """The Total Place themes by id."""
    return {r["theme"]: Theme(r["theme"], r["name"], r["definition"], r["examples"]) for r in _data_rows("themes.csv")}


def division_of(code: str) -> str:
    """'10.2' → '10'; '10' → '10'."""
    return code.split(".")[0]


def describe(code: str | None) -> str:
    """'10.2 Old age' — a code with its name, for messages and tables."""
    if not code:
        return "unclassified"
    entry = cofog_codes().get(code)
    return f"{code} {entry.name}" if entry else code
