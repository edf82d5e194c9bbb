"""The redaction placeholders file: every row well formed, every example recognised, real names left alone."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from totalplace.engine import Engine, sql_string
from totalplace.sources.normalise import redaction_pattern


def _marker_rows() -> list[list[str]]:
    text = resources.files("totalplace").joinpath("data/redaction_markers.csv").read_text(encoding="utf-8")
    return list(csv.reader(text.splitlines()))


def test_every_marker_row_has_a_pattern_and_an_example():
    # a pattern with a comma in it must be quoted, or the CSV splits it (x{3,} once became 'x{3')
    header, *rows = _marker_rows()
    assert header == ["pattern", "example"]
    assert rows and all(len(row) == 2 and row[0] and row[1] for row in rows), [r for r in rows if len(r) != 2]


@pytest.mark.parametrize("name, redacted", [
    *[(example.strip(), True) for _, examples in _marker_rows()[1:] for example in examples.split(";")],
    ("*****************************", True),  # as Craven publishes a withheld payee
    ("xxx", True),
    ("Redacted personal data.", True),
    ("Xerox (UK) Ltd", False),
    ("Confidential Shredding Services Ltd", False),
    ("Individual Care Services Ltd", False),
    ("Max Fax", False),
    ("**Star Catering", False),
])
def test_the_pattern_recognises_each_placeholder_and_no_real_name(name, redacted):
    with Engine() as engine:
        (found,) = engine.one(f"SELECT regexp_full_match({sql_string(name)}, {sql_string(redaction_pattern())})")
    assert found is redacted
