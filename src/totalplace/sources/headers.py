"""Column headers: cleaning them for people, normalising them for matching, and the synonyms table.

The synonyms are data (`data/column_roles.csv`), read by analysts and extended per workspace: a workspace's
`column_roles.csv` adds rows to the packaged ones.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

FUZZY_MIN_SCORE = 90
FUZZY_MIN_LENGTH = 5

_BOM_PREFIXES = ("\ufeff", "\u00ef\u00bb\u00bf")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def clean_header(text: str) -> str:
    """A header as people should see it: no BOM, no stray spaces, no trailing colon or leading asterisk."""
    for prefix in _BOM_PREFIXES:
        if text.startswith(prefix):
            text = text[len(prefix) :]
    text = re.sub(r"[\s\u00a0\u2020]+", " ", text).strip()
    text = text.lstrip("*").rstrip(":").strip()
    return text


def header_key(text: str) -> str:
    """A header normalised for matching: camelCase split, lower case, '&' as 'and', punctuation gone."""
    text = _CAMEL.sub(" ", clean_header(text))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Synonym:
    role: str
    key: str
    rank: int  # position in the table: lower is preferred within a role


@dataclass(frozen=True)
class RoleMatch:
    role: str
    rank: int
    fuzzy: bool
    synonym: str


MATCH_MEMORY = 4096


class Synonyms:
    """Header synonyms for column roles."""

    def __init__(self, rows: list[tuple[str, str]]):
        self.entries: list[Synonym] = []
        seen: set[tuple[str, str]] = set()
        for rank, (role, header) in enumerate(rows):
            key = header_key(header)
            if key and (role, key) not in seen:
                seen.add((role, key))
                self.entries.append(Synonym(role, key, rank))
        self._by_key: dict[str, Synonym] = {}
        for entry in self.entries:
            self._by_key.setdefault(entry.key, entry)
        self._fuzzy_keys = [k for k in self._by_key if len(k) >= FUZZY_MIN_LENGTH]
        self.roles = list(dict.fromkeys(e.role for e in self.entries))
        self._matched: dict[str, RoleMatch | None] = {}

    def match(self, header: str) -> RoleMatch | None:
        """The role a header names, exactly or as a near miss (a typo such as 'Directotate')."""
        if header not in self._matched:  # the header search asks of every cell of a file's first rows, again and again
            if len(self._matched) >= MATCH_MEMORY:  # amounts and ids are never asked of twice: keep the memory small
                self._matched.clear()
            self._matched[header] = self._match(header)
        return self._matched[header]

    def _match(self, header: str) -> RoleMatch | None:
        key = header_key(header)
        if not key:
            return None
        exact = self._by_key.get(key)
        if exact:
            return RoleMatch(exact.role, exact.rank, False, exact.key)
        if len(key) < FUZZY_MIN_LENGTH:
            return None
        found = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
        if found is None:
            return None
        entry = self._by_key[found[0]]
        return RoleMatch(entry.role, entry.rank, True, entry.key)


def _read_rows(text: str) -> list[tuple[str, str]]:
    return [(r["role"].strip(), r["header"]) for r in csv.DictReader(text.splitlines()) if r.get("role")]


@lru_cache(maxsize=1)
def packaged_rows() -> tuple[tuple[str, str], ...]:
    text = resources.files("totalplace").joinpath("data/column_roles.csv").read_text(encoding="utf-8")
    return tuple(_read_rows(text))


def load_synonyms(extra_file: Path | None = None) -> Synonyms:
    """The packaged synonyms, with a workspace's own rows (if any) tried first."""
    rows = list(packaged_rows())
    if extra_file is not None and extra_file.exists():
        rows = _read_rows(extra_file.read_text(encoding="utf-8")) + rows
    return Synonyms(rows)
