"""Which public-estate file is this? Decided from the content, never the name, before the payments reader sees
a text file:

  GeoJSON                       a JSON object that is a Feature or FeatureCollection: polygons are boundaries,
                                anything else a list of places (sources/geojson.py)
  NHS estates returns (ERIC)    a header with 'Organisation Code' and a backlog or gross internal floor area
                                column, whatever the delimiter ('$' in 2016-17) (sources/nhs_estates.py)
  NHS trust list (ODS 'etr')    headerless, 27 columns, an ODS code first, yyyymmdd dates, trusts' names
  asset register, list of places  a header naming tenure, holding type or UPRN, or a location with a name or
                                address (sources/asset_tables.py)

Anything else is not an estate file (None), and ingest reads it as payments.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..read.text import TextLayout, sniff_text
from ..reference.register import Register
from . import geojson
from .asset_tables import TableLayout, detect_table, read_table
from .assets import AssetFacts
from .nhs_estates import eric_delimiter, head_text, is_ods_trusts, read_eric, read_ods_trusts


@dataclass
class EstateFile:
    """What the detector found: the reader to use and what it needs."""

    reader: str  # geojson | eric | ods_trusts | table
    layout: TextLayout | None = None
    table: TableLayout | None = None
    delimiter: str | None = None
    header_index: int = 0
    data: Any = None


def is_geojson_file(path: Path) -> bool:
    with path.open("rb") as f:
        return geojson.is_geojson(f.read(1 << 16))


def detect_estate(path: Path, name: str, layout: TextLayout | None = None) -> EstateFile | None:
    """The estate file at `path` (a text file), or None when it is not one. `layout`: the file as sniff_text
    found it, when the caller has sniffed it already, having found it is not GeoJSON (ingest does, and reads a
    payment table with the same layout)."""
    if layout is None:
        if is_geojson_file(path):
            return EstateFile("geojson", data=geojson.load(path, name))
        layout = sniff_text(path)
    found = eric_delimiter(head_text(path, layout))
    if found is not None:
        return EstateFile("eric", layout=layout, delimiter=found[0], header_index=found[1])
    if is_ods_trusts(layout):
        return EstateFile("ods_trusts", layout=layout)
    table = detect_table(layout)
    if table is not None:
        return EstateFile("table", layout=layout, table=table)
    return None


def read_estate(found: EstateFile, path: Path, name: str, source_id: str, register: Register,
                body: str | None) -> AssetFacts:
    """Read a recognised estate file into the asset model (or boundaries), with its accounting."""
    if found.reader == "geojson":
        if geojson.dataset_of(found.data) == "boundaries":
            return geojson.read_boundaries(path, name, source_id, found.data, body)
        return geojson.read_points(path, name, source_id, found.data, register, body)
    if found.reader == "eric":
        return read_eric(path, name, source_id, found.layout, found.delimiter, found.header_index, register, body)
    if found.reader == "ods_trusts":
        return read_ods_trusts(path, name, source_id, found.layout, register, body)
    return read_table(path, name, source_id, found.table, register, body)
