"""A count written out for other tools: its cells as CSV or Parquet, a workbook for people, and a
Frictionless data package (cells, totals, what is missing) whose descriptor says what every column means."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter
import xlsxwriter.exceptions

from ..store.ledger import write_csv_atomic
from .result import Count

CELL_FIELDS: list[tuple[str, str, str]] = [
    ("cell", "string", "The cell's id (basis/body/cofog), for `totalplace count --drill`."),
    ("body_id", "string", "The register body, or CRA:<department> for apportioned spending."),
    ("body_name", "string", "The body's or department's name."),
    ("cofog", "string", "COFOG division (01-10); empty where the source gives no function."),
    ("cofog_name", "string", "The division's name."),
    ("basis", "string", "outturn, payments (declared complete) or apportioned (top-down from CRA)."),
    ("sector", "string", "LG local government, CG central government, PC public corporations."),
    ("source", "string", "The file the figure comes from."),
    ("driver", "string", "How the place's part was found: whole, or the driver and the area shared over."),
    ("share", "number", "The place's part of the source figure."),
    ("source_pence", "integer", "The source's figure before sharing, in pence."),
    ("gross_pence", "integer", "The place's part, in pence, before transfers are netted."),
    ("transfers_netted_pence", "integer", "Payments to other counted bodies netted off, in pence."),
    ("replaced_pence", "integer", "Apportioned spending replaced by a body's own payments, in pence."),
    ("pence", "integer", "What the cell adds to the count, in pence (gross less netted)."),
    ("note", "string", "Anything else the cell's reader should know."),
]
MISSING_FIELDS = [("what", "string", "What the count could not include."),
                  ("pence", "integer", "Its amount in pence, where known."),
                  ("detail", "string", "Why, and what would fill the gap.")]
FORMATS = ("csv", "xlsx", "parquet", "datapackage")


class ExportError(ValueError):
    """An export that cannot be written as asked."""


def cell_rows(count: Count) -> list[dict[str, Any]]:
    names = [name for name, _, _ in CELL_FIELDS]
    return [{k: c.to_json().get(k) for k in names} for c in sorted(count.cells, key=lambda c: -c.pence)]


def export_count(count: Count, path: str | Path, fmt: str | None = None) -> Path:
    """Write the count to `path` as csv, xlsx, parquet or a data package (a folder), chosen by `fmt` or the
    path's suffix (a path with no suffix is a data package). The file appears whole or not at all."""
    path = Path(path)
    try:
        return _export(count, path, fmt)
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ExportError(f"{path}: cannot be written ({reason}); check that its folder exists and can be written to.") from None


def _export(count: Count, path: Path, fmt: str | None) -> Path:
    fmt = fmt or {".csv": "csv", ".xlsx": "xlsx", ".parquet": "parquet", ".json": "datapackage", "": "datapackage"}.get(path.suffix.lower())
    if fmt not in FORMATS:
        raise ExportError(f"{path}: cannot tell the format; use a .csv, .xlsx or .parquet name, or a folder name "
                          "(no extension) for a data package.")
    rows = cell_rows(count)
    if fmt == "csv":
        write_csv_atomic(path, [n for n, _, _ in CELL_FIELDS], rows)
    elif fmt == "parquet":
        tmp = path.with_name(f".{path.name}.partial")
        pq.write_table(_arrow(rows), tmp)
        os.replace(tmp, path)
    elif fmt == "xlsx":
        _workbook(count, rows, path)
    else:
        folder = path.parent if path.suffix.lower() == ".json" else path
        _package(count, rows, folder)
        path = folder / "datapackage.json"
    return path


def _arrow(rows: list[dict[str, Any]]) -> pa.Table:
    types = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64()}
    schema = pa.schema([(name, types[kind]) for name, kind, _ in CELL_FIELDS])
    return pa.Table.from_pylist(rows, schema=schema)


def _summary(count: Count) -> list[tuple[str, Any]]:
    return [("place", f"{count.place['name']} ({count.place['code']}, {count.place['kind']})"), ("year", count.year),
            ("total (£)", count.total_pence / 100), ("gross before netting (£)", count.gross_pence / 100),
            ("transfers netted (£)", count.transfers_netted_pence / 100), ("population", count.population),
            ("population source", count.population_source),
            ("per head (£, estimate)", None if count.per_head_pence is None else count.per_head_pence / 100)]


def _workbook(count: Count, rows: list[dict[str, Any]], path: Path) -> None:
    tmp = path.with_name(f".{path.name}.partial.xlsx")
    book = xlsxwriter.Workbook(str(tmp))
    money = book.add_format({"num_format": "#,##0.00"})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Summary")
    for i, (label, value) in enumerate(_summary(count)):
        sheet.write(i, 0, label, bold)
        sheet.write(i, 1, value, money if isinstance(value, float) else None)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 60)
    for title, grouped in (("By body", count.by("body")), ("By COFOG", count.by("cofog")), ("By basis", count.by("basis"))):
        _table(book.add_worksheet(title), grouped, bold, money)
    _table(book.add_worksheet("Cells"), rows, bold, money)
    _table(book.add_worksheet("Missing"), count.missing, bold, money)
    _table(book.add_worksheet("Transfers"), count.transfers, bold, money)
    notes = book.add_worksheet("Notes")
    for i, text in enumerate(count.notes):
        notes.write(i, 0, text)
    book.close()
    os.replace(tmp, path)


def _table(sheet: Any, rows: list[dict[str, Any]], bold: Any, money: Any) -> None:
    columns = list(dict.fromkeys(k for r in rows for k in r)) or ["(none)"]
    for j, name in enumerate(columns):
        sheet.write(0, j, name.replace("_pence", " (£)"), bold)
    for i, row in enumerate(rows, start=1):
        for j, name in enumerate(columns):
            value = row.get(name)
            if name.endswith("pence") and isinstance(value, int):
                sheet.write_number(i, j, value / 100, money)
            elif isinstance(value, (dict, list)):
                sheet.write(i, j, json.dumps(value))
            else:
                sheet.write(i, j, value)


def _package(count: Count, rows: list[dict[str, Any]], folder: Path) -> None:
    """A Frictionless data package: cells.csv and missing.csv with table schemas, the totals in the descriptor."""
    if not folder.parent.is_dir():
        raise ExportError(f"{folder}: the folder {folder.parent} does not exist; make it first.")
    staged = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}")
    staged.mkdir()
    write_csv_atomic(staged / "cells.csv", [n for n, _, _ in CELL_FIELDS], rows)
    write_csv_atomic(staged / "missing.csv", [n for n, _, _ in MISSING_FIELDS], count.missing)
    name = f"totalplace-count-{count.place['code'].lower()}-{count.year}"
    descriptor = {
        "name": name,
        "title": f"Total public spending in {count.place['name']}, {count.year}",
        "description": "Made by totalplace. Each cell is one body's (or CRA department's) spending on one COFOG "
                       "division in the place, with its basis, source and driver. Totals: " + json.dumps({
                           "total_pence": count.total_pence, "gross_pence": count.gross_pence,
                           "transfers_netted_pence": count.transfers_netted_pence, "population": count.population,
                           "per_head_pence": count.per_head_pence}),
        "licenses": [{"name": "OGL-UK-3.0", "path": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
                      "title": "Open Government Licence v3.0"}],
        "resources": [
            {"name": "cells", "path": "cells.csv", "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8",
             "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in CELL_FIELDS], "primaryKey": ["cell"]}},
            {"name": "missing", "path": "missing.csv", "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8",
             "schema": {"fields": [{"name": n, "type": t, "description": d} for n, t, d in MISSING_FIELDS]}},
        ],
    }
    (staged / "datapackage.json").write_text(json.dumps(descriptor, indent=1, ensure_ascii=False), encoding="utf-8")
    if folder.exists():
        old = folder.with_name(f".{folder.name}.old.{uuid.uuid4().hex[:8]}")
        os.replace(folder, old)
        os.replace(staged, folder)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staged, folder)
