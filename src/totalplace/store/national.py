"""The national finance sources in the store: the views `outturn` and `cra` over their tables.

Each ingested RS return or CRA database is one Parquet table, `ledger/<source_id>/<dataset>.parquet` (its
manifest's "table"), one record per published figure. The views add the file's name and, for outturn, the
register's body for each published body: the manifest's "bodies" list (published E-code and name → body_id,
body_name), resolved at ingest and again by `load_reference` whenever the register changes, is joined in here
as `body_map` is for payments. Both views exist, typed and empty, when nothing of their kind is ingested.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from ..engine import Engine

# (column, SQL type, expression over the stored table `o`, the file `f` and the body `b`)
OUTTURN_VIEW = (
    ("source_id", "VARCHAR", "o.source_id"), ("file", "VARCHAR", "f.file"), ("sheet", "VARCHAR", "o.sheet"),
    ("row", "BIGINT", 'o."row"'), ("year", "VARCHAR", "o.year"), ("ecode", "VARCHAR", "o.ecode"),
    ("ons_code", "VARCHAR", "o.ons_code"), ("body_name", "VARCHAR", "o.body_name"), ("class", "VARCHAR", 'o."class"'),
    ("region", "VARCHAR", "o.region"), ("body_id", "VARCHAR", "b.body_id"),
    ("body_register_name", "VARCHAR", "b.body_name"), ("line", "INTEGER", "o.line"),
    ("line_name", "VARCHAR", "o.line_name"), ("kind", "VARCHAR", "o.kind"), ("cofog", "VARCHAR", "o.cofog"),
    ("cofog_group", "VARCHAR", "o.cofog_group"), ("pence", "BIGINT", "o.pence"),
)
CRA_VIEW = tuple(
    (name, kind, f'o."{name}"' if name != "file" else "f.file") for name, kind in (
        ("source_id", "VARCHAR"), ("file", "VARCHAR"), ("sheet", "VARCHAR"), ("row", "BIGINT"),
        ("publication", "VARCHAR"), ("department", "VARCHAR"), ("organisation", "VARCHAR"),
        ("segment_code", "VARCHAR"), ("segment_name", "VARCHAR"), ("cofog", "VARCHAR"), ("cofog_group", "VARCHAR"),
        ("hmt_function", "VARCHAR"), ("hmt_subfunction", "VARCHAR"), ("identifiable", "BOOLEAN"),
        ("cap_cur", "VARCHAR"), ("sector", "VARCHAR"), ("nuts_region", "VARCHAR"), ("region_code", "VARCHAR"),
        ("country", "VARCHAR"), ("year", "VARCHAR"), ("pence", "BIGINT"),
    )
)

_FILES_SCHEMA = pa.schema([("source_id", pa.string()), ("file", pa.string())])
_BODIES_SCHEMA = pa.schema([("source_id", pa.string()), ("ecode", pa.string()), ("published_name", pa.string()),
                            ("body_id", pa.string()), ("body_name", pa.string())])


def _columns(view: tuple[tuple[str, str, str], ...]) -> str:
    return ", ".join(f'{expr}::{kind} AS "{name}"' for name, kind, expr in view)


def _empty(view: tuple[tuple[str, str, str], ...]) -> str:
    return "SELECT " + ", ".join(f'NULL::{kind} AS "{name}"' for name, kind, _ in view) + " WHERE false"


def open_national_views(engine: Engine, ledger_dir: Path, manifests: list[dict[str, Any]]) -> None:
    """Create the views `outturn` and `cra` (and the tables they join: `national_files`, `outturn_bodies`)."""
    national = [m for m in manifests if m.get("dataset") in ("outturn", "cra") and m.get("table")]
    engine.register("national_files", engine.table_from_columns(
        {"source_id": [m["source_id"] for m in national], "file": [m["file"] for m in national]}, _FILES_SCHEMA))
    seen: dict[tuple[str, str, str], dict[str, Any]] = {}
    for m in national:
        for b in m.get("bodies", []):
            seen.setdefault((m["source_id"], b.get("ecode") or "", b.get("published_name") or ""), b)
    engine.register("outturn_bodies", engine.table_from_columns({
        "source_id": [k[0] for k in seen], "ecode": [k[1] for k in seen], "published_name": [k[2] for k in seen],
        "body_id": [b.get("body_id") for b in seen.values()], "body_name": [b.get("body_name") for b in seen.values()],
    }, _BODIES_SCHEMA))
    for dataset, view in (("outturn", OUTTURN_VIEW), ("cra", CRA_VIEW)):
        paths = [ledger_dir / m["source_id"] / m["table"] for m in national if m["dataset"] == dataset]
        if not paths:
            engine.execute(f"CREATE OR REPLACE TEMP VIEW {dataset} AS {_empty(view)}")
            continue
        bodies = ("LEFT JOIN outturn_bodies b ON b.source_id = o.source_id AND b.ecode = coalesce(o.ecode, '') "
                  "AND b.published_name = coalesce(o.body_name, '')") if dataset == "outturn" else ""
        engine.execute(
            f"""CREATE OR REPLACE TEMP VIEW {dataset} AS
                SELECT {_columns(view)}
                FROM read_parquet({Engine.parquet_list(paths)}, union_by_name = true) o
                JOIN national_files f ON f.source_id = o.source_id
                {bodies}"""
        )
