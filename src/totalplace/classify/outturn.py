"""The lines of councils' revenue outturn returns (RS), each mapped to COFOG, line by line.

The count loads these returns (a council's net spending by service, as reported to government); this module
says what each line is for (`data/classify/outturn_lines.csv`, documented in docs/classification.md). Lines
are found by their number where a return gives it, else by their name as either year's return writes it
('Parish precepts ' and 'Parish Precepts', 'Flexible use of Capital Receipts (4)').
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

KINDS = ("service", "benefit", "transfer", "financing", "income", "adjustment", "total", "memorandum")


@dataclass(frozen=True)
class OutturnLine:
    line: int
    name: str
    other_names: tuple[str, ...]  # how other years' returns write it
    kind: str  # service spending, a benefit, a transfer to another body, financing, income, an adjustment, a total,
    #            or a memorandum item (reserves, capital charges, revenue foregone)
    cofog: str | None  # the division, or None where the line is not spending on a function (or too mixed)
    cofog_group: str | None
    note: str

    @property
    def counted(self) -> bool:
        """Whether the line is spending the count adds up (services and benefits; transfers are counted where
        they are spent)."""
        return self.kind in ("service", "benefit")


def _key(name: str) -> str:
    text = name.lower()
    text = re.sub(r"\([^)]*\d[^)]*\)", " ", text)  # '(4)', '(total of lines 190 to 698)', '(1 April 2014)'
    text = re.sub(r"\[[^\]]*\]", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def outturn_lines() -> dict[int, OutturnLine]:
    """Every RS line the project maps, by line number."""
    text = resources.files("totalplace").joinpath("data/classify/outturn_lines.csv").read_text(encoding="utf-8")
    lines = {}
    for row in csv.DictReader(text.splitlines()):
        lines[int(row["line"])] = OutturnLine(int(row["line"]), row["name"],
                                              tuple(n for n in row["other_names"].split(";") if n), row["kind"],
                                              row["cofog"] or None, row["cofog_group"] or None, row["note"])
    return lines


@cache
def _by_name() -> dict[str, OutturnLine]:
    return {_key(name): line for line in outturn_lines().values() for name in (line.name, *line.other_names)}


def find_line(name: str, number: int | float | str | None = None, section: str = "") -> OutturnLine | None:
    """The mapped line for a return's column: by its line number where given, else by its name — within its
    section where a name is used twice ('Interest payable and similar charges' under 'Icelandic bank
    impairment' is line 951, elsewhere 781)."""
    if number not in (None, ""):
        try:
            found = outturn_lines().get(int(float(number)))
        except ValueError:
            found = None
        if found is not None:
            return found
    if section:
        found = _by_name().get(_key(f"{section} {name}"))
        if found is not None:
            return found
    return _by_name().get(_key(name))
