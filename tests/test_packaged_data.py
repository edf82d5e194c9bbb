"""The rule and reference files shipped in the package: every row as wide as its header.

A value with a comma in it must be quoted, or the CSV reader cuts it in two: `x{3,}` in the redaction markers
once became the pattern `x{3`, and no payee written as XXXXXX was recognised.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest

DATA = resources.files("totalplace").joinpath("data")


def _csv_files() -> list[str]:
    found: list[str] = []

    def walk(folder, prefix: str) -> None:
        for entry in folder.iterdir():
            if entry.is_dir():
                walk(entry, f"{prefix}{entry.name}/")
            elif entry.name.endswith(".csv"):
                found.append(f"{prefix}{entry.name}")

    walk(DATA, "")
    return sorted(found)


def test_the_package_ships_its_csv_files():
    assert {"redaction_markers.csv", "column_roles.csv", "classify/rules.csv"} <= set(_csv_files())


@pytest.mark.parametrize("name", _csv_files())
def test_every_row_is_as_wide_as_the_header(name):
    header, *rows = csv.reader(DATA.joinpath(name).read_text(encoding="utf-8").splitlines())
    wrong = [(number, len(row)) for number, row in enumerate(rows, start=2)
             if row and not row[0].startswith("#") and len(row) != len(header)]
    assert not wrong, f"{name}: rows (line, fields) not {len(header)} wide: {wrong[:5]}; quote values holding a comma"
