"""The public estate in the store: the views `asset_outcomes`, `assets` and `boundaries`.

Each ingested estate file is one Parquet table, `ledger/<source_id>/assets.parquet` (or `boundaries.parquet`,
its manifest's "table"), one record per row of the file with its outcome. The views add the file's name and
the register's body for each row: the manifest's "bodies" list (a key per published body → body_id,
body_name), resolved at ingest and again by `load_reference` whenever the register changes, is joined in here,
as `body_map` is for payments. The views exist, typed and empty, when nothing of their kind is ingested.

  asset_outcomes  every row read, with status loaded / rejected / skipped, reason and detail, and its raw cells
  assets          the loaded rows (the asset model's columns, without raw)
  boundaries      the loaded boundary features: area code and name, geometry (GeoJSON text), bounding box
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from ..engine import Engine

# (column, SQL type, expression over the stored table `a`, the file `f` and the body `b`)
ASSET_VIEW = (
    ("source_id", "VARCHAR", "a.source_id"), ("file", "VARCHAR", "f.file"), ("row", "BIGINT", 'a."row"'),
    ("status", "VARCHAR", "a.status"), ("reason", "VARCHAR", "a.reason"), ("detail", "VARCHAR", "a.detail"),
    ("body_id", "VARCHAR", "b.body_id"), ("body_name", "VARCHAR", "b.body_name"),
    *((name, kind, f"a.{name}") for name, kind in (
        ("asset_id", "VARCHAR"), ("uprn", "VARCHAR"), ("name", "VARCHAR"), ("address", "VARCHAR"),
        ("postcode", "VARCHAR"), ("lat", "DOUBLE"), ("lon", "DOUBLE"), ("easting", "DOUBLE"), ("northing", "DOUBLE"),
        ("location_source", "VARCHAR"), ("location_flag", "VARCHAR"), ("tenure", "VARCHAR"),
        ("tenure_detail", "VARCHAR"), ("holding_type", "VARCHAR"), ("use_type", "VARCHAR"),
        ("floor_area_m2", "DOUBLE"), ("land_area_ha", "DOUBLE"), ("running_cost_pence", "BIGINT"),
        ("backlog_pence", "BIGINT"), ("kind", "VARCHAR"), ("extra", "VARCHAR"))),
)
OUTCOME_VIEW = (*ASSET_VIEW, ("raw", "VARCHAR[]", "a.raw"))
BOUNDARY_VIEW = (
    ("source_id", "VARCHAR", "g.source_id"), ("file", "VARCHAR", "f.file"), ("feature", "INTEGER", "g.feature"),
    ("area_code", "VARCHAR", "g.area_code"), ("area_name", "VARCHAR", "g.area_name"),
    ("geometry", "VARCHAR", "g.geometry"), ("min_lon", "DOUBLE", "g.min_lon"), ("min_lat", "DOUBLE", "g.min_lat"),
    ("max_lon", "DOUBLE", "g.max_lon"), ("max_lat", "DOUBLE", "g.max_lat"),
)

_FILES_SCHEMA = pa.schema([("source_id", pa.string()), ("file", pa.string())])
_BODIES_SCHEMA = pa.schema([("source_id", pa.string()), ("body_key", pa.string()), ("body_id", pa.string()),
                            ("body_name", pa.string())])


def _columns(view: tuple[tuple[str, str, str], ...]) -> str:
    return ", ".join(f'{expr}::{kind} AS "{name}"' for name, kind, expr in view)


def _empty(view: tuple[tuple[str, str, str], ...]) -> str:
    return "SELECT " + ", ".join(f'NULL::{kind} AS "{name}"' for name, kind, _ in view) + " WHERE false"


def open_estate_views(engine: Engine, ledger_dir: Path, manifests: list[dict[str, Any]]) -> None:
    """Create the views `asset_outcomes`, `assets` and `boundaries` (and the tables they join: `estate_files`,
    `asset_bodies`)."""
    estate = [m for m in manifests if m.get("dataset") in ("assets", "boundaries") and m.get("table")]
    engine.register("estate_files", engine.table_from_columns(
        {"source_id": [m["source_id"] for m in estate], "file": [m["file"] for m in estate]}, _FILES_SCHEMA))
    bodies = [(m["source_id"], e) for m in estate if m["dataset"] == "assets" for e in m.get("bodies", []) if "key" in e]
    engine.register("asset_bodies", engine.table_from_columns({
        "source_id": [s for s, _ in bodies], "body_key": [e["key"] for _, e in bodies],
        "body_id": [e.get("body_id") for _, e in bodies], "body_name": [e.get("body_name") for _, e in bodies],
    }, _BODIES_SCHEMA))
    assets = [ledger_dir / m["source_id"] / m["table"] for m in estate if m["dataset"] == "assets"]
    if assets:
        engine.execute(f"""CREATE OR REPLACE TEMP VIEW asset_outcomes AS
            SELECT {_columns(OUTCOME_VIEW)}
            FROM read_parquet({Engine.parquet_list(assets)}, union_by_name = true) a
            JOIN estate_files f ON f.source_id = a.source_id
            LEFT JOIN asset_bodies b ON b.source_id = a.source_id AND b.body_key = a.body_key""")
    else:
        engine.execute(f"CREATE OR REPLACE TEMP VIEW asset_outcomes AS {_empty(OUTCOME_VIEW)}")
    names = ", ".join(f'"{name}"' for name, _, _ in ASSET_VIEW)
    engine.execute(f"CREATE OR REPLACE TEMP VIEW assets AS SELECT {names} FROM asset_outcomes WHERE status = 'loaded'")
    shapes = [ledger_dir / m["source_id"] / m["table"] for m in estate if m["dataset"] == "boundaries"]
    if shapes:
        engine.execute(f"""CREATE OR REPLACE TEMP VIEW boundaries AS
            SELECT {_columns(BOUNDARY_VIEW)}
            FROM read_parquet({Engine.parquet_list(shapes)}, union_by_name = true) g
            JOIN estate_files f ON f.source_id = g.source_id
            WHERE g.status = 'loaded'""")
    else:
        engine.execute(f"CREATE OR REPLACE TEMP VIEW boundaries AS {_empty(BOUNDARY_VIEW)}")
