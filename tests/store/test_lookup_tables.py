"""Small tables built from Python values (the lookup tables every reading of the store registers, the decisions
and head rows ingest writes): built right, and without importing pandas."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pyarrow as pa
import pytest

import totalplace as tp
from totalplace.demo.layouts import LAYOUTS, DemoBody
from totalplace.demo.payments import payments
from totalplace.demo.place import write_register
from totalplace import engine as engine_module
from totalplace.engine import Engine, arrow_table

SCHEMA = pa.schema([("text", pa.string()), ("number", pa.int64()), ("flag", pa.bool_()), ("share", pa.float64()),
                    ("day", pa.date32()), ("cells", pa.list_(pa.string()))])


def test_a_table_from_columns_holds_the_values_given_in_the_schema_given():
    columns = {"text": ['a "quoted"\nline é', None], "number": [2**40, None], "flag": [True, None],
               "share": [0.25, None], "day": [dt.date(2024, 2, 29), None], "cells": [["x", None, ""], None]}
    with Engine(macros=False) as engine:
        table = engine.table_from_columns(columns, SCHEMA)
    assert table.schema == SCHEMA
    assert table.to_pydict() == columns


def test_an_empty_table_keeps_its_schema():
    with Engine(macros=False) as engine:
        table = engine.table_from_columns({name: [] for name in SCHEMA.names}, SCHEMA)
    assert (table.num_rows, table.schema) == (0, SCHEMA)


def test_columns_of_different_lengths_are_refused():
    with Engine(macros=False) as engine, pytest.raises(ValueError, match="different lengths"):
        engine.table_from_columns({"text": ["a", "b"], "number": [1]}, SCHEMA.remove(5).remove(4).remove(3).remove(2))


@pytest.mark.parametrize("engine_builds_up_to", [0, 10_000])
def test_arrow_table_gives_the_same_table_built_by_the_engine_or_by_pyarrow(monkeypatch, engine_builds_up_to):
    monkeypatch.setattr(engine_module, "ENGINE_BUILDS_UP_TO", engine_builds_up_to)
    columns = {"text": ["a", None, "é"], "number": [1, None, -(2**40)], "flag": [True, False, None],
               "share": [0.5, None, 1.0], "day": [None, dt.date(2024, 1, 31), dt.date(1999, 12, 31)],
               "cells": [[], None, ["x", None]]}
    table = arrow_table(columns, SCHEMA)
    assert table.schema == SCHEMA
    assert table.to_pydict() == columns


def test_ingesting_a_csv_file_does_not_import_pandas(workspace, tmp_path):
    # head rows, supplier matches and label decisions are written as small tables: none of them may import pandas
    tp.load_reference(workspace, write_register(tmp_path / "reference")[0].parent)
    writer, _ = LAYOUTS["preamble_cp1252"]
    body = DemoBody("DMC", "Demoshire County Council", "99DM", "demoshire", "county-council")
    written = writer(tmp_path / "f.csv", body, payments(1, 30, dt.date(2024, 4, 1)))
    code = ("import sys, totalplace as tp\nws = tp.open_workspace(sys.argv[1])\n"
            "(r,) = tp.ingest(ws, [sys.argv[2]], body='Demoshire County Council')\n"
            "print(r.status, r.rows_loaded, r.rows_skipped > 0, 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(workspace.root), str(written.path)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["loaded", "30", "True", "False"]


def test_opening_the_store_views_does_not_import_pandas(workspace, tmp_path):
    # pa.table on Python lists imports pandas when it is installed: 0.2 s of every command that reads the ledger
    tp.load_reference(workspace, write_register(tmp_path / "reference")[0].parent)
    writer, _ = LAYOUTS["lga_csv"]
    body = DemoBody("DMC", "Demoshire County Council", "99DM", "demoshire", "county-council")
    written = writer(tmp_path / "f.csv", body, payments(1, 20, dt.date(2024, 4, 1)))
    (result,) = tp.ingest(workspace, [written.path])
    assert result.status == "loaded", result.error
    code = ("import sys, totalplace as tp\nws = tp.open_workspace(sys.argv[1])\nwith ws.engine() as e:\n"
            "    ws.store.open_views(e)\n    print(e.one('SELECT count(*) FROM ledger')[0], 'pandas' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(workspace.root)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["20", "False"]
