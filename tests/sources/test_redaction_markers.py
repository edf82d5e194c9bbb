"""The redaction placeholders: every example recognised, real names left alone (the file's shape: test_packaged_data)."""

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
    header, *rows = _marker_rows()
    assert header == ["pattern", "example"]
    assert rows and all(row[0] and row[1] for row in rows)


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
