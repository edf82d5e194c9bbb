"""GeoJSON files (RFC 7946, and the older ones that name a CRS): points are assets, polygons are boundaries.

A FeatureCollection whose features are all Polygons or MultiPolygons is a set of boundaries (a district, its
wards): each feature is stored with its area code and name and its geometry as GeoJSON text, with its bounding
box. Any other collection is a list of places: each feature is an asset, its Point its location (a feature
with another geometry, or none, is loaded with no location and says why). Properties are matched to the asset
model's roles as a table's headers are (data/estate/columns.csv); the rest are kept in `extra`.

Coordinates are longitude, latitude (CRS84), unless the file names British National Grid (EPSG:27700) as its
CRS, when they are converted as a table's eastings and northings are.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pyarrow as pa

from ..reference.register import Register
from .asset_tables import column_roles
from .assets import (ASSETS, BOUNDARIES, BOUNDARY_SCHEMA, POINTS, AssetFacts, body_key, extra_json,
                     no_body_message, normalise_postcode, postcode_in_address, text)
from .coordinates import BNG_IN_FILE, GEOJSON_POINT, bng_to_wgs84, crs_of, number
from .errors import IngestError

POLYGONS = ("Polygon", "MultiPolygon")
_AREA_CODE = re.compile(r"^(area_?code|code|gss_?code|ons_?code|[a-z]{2,6}\d{2}cd)$", re.I)
_AREA_NAME = re.compile(r"^(area_?name|name|[a-z]{2,6}\d{2}nm)$", re.I)


def is_geojson(head: bytes) -> bool:
    """The start of a file that is GeoJSON: a JSON object mentioning a Feature."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"{") and re.search(rb'"type"\s*:\s*"Feature(Collection)?"', head) is not None


def load(path: Path, name: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"{name}: looks like GeoJSON but is not valid JSON ({exc}).") from exc
    if not isinstance(data, dict) or data.get("type") not in ("FeatureCollection", "Feature"):
        raise IngestError(f"{name}: a JSON file that is not a GeoJSON FeatureCollection or Feature.")
    if data.get("type") == "FeatureCollection" and not isinstance(data.get("features", []), list):
        raise IngestError(f"{name}: its 'features' must be a list of GeoJSON features; it is a "
                          f"{type(data['features']).__name__}. Is the file cut short or edited by hand?")
    return data


def features(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = data.get("features", []) if data.get("type") == "FeatureCollection" else [data]
    if not isinstance(found, list):
        raise IngestError(f"a GeoJSON FeatureCollection's 'features' must be a list; this one is a {type(found).__name__}.")
    return [f if isinstance(f, dict) else {} for f in found]


def dataset_of(data: dict[str, Any]) -> str:
    """'boundaries' when every feature with a geometry is a polygon, 'assets' otherwise."""
    kinds = {(f.get("geometry") or {}).get("type") for f in features(data)} - {None}
    return BOUNDARIES if kinds and kinds <= set(POLYGONS) else ASSETS


def _grid(data: dict[str, Any]) -> bool:
    name = ((data.get("crs") or {}).get("properties") or {}).get("name", "")
    return crs_of(str(name)) == "bng"


def read_points(path: Path, name: str, source_id: str, data: dict[str, Any], register: Register,
                body: str | None) -> AssetFacts:
    facts = AssetFacts(ASSETS, "geojson", source_id, kind=POINTS, encoding="utf-8", body_given=body)
    found = features(data)
    keys = list(dict.fromkeys(k for f in found for k in (f.get("properties") or {})))
    roles = column_roles(keys)
    used = {keys[i] for columns in roles.values() for i in columns}
    for role, columns in roles.items():
        facts.columns[role] = " + ".join(keys[i] for i in columns)
    facts.extra_columns = [k for k in keys if k not in used]
    if "body" not in roles and not body:
        raise IngestError(no_body_message(name))
    grid = _grid(data)
    if grid:
        facts.notes.append("the file's CRS is British National Grid: its points are eastings and northings")
    for index, feature in enumerate(found, start=1):
        props = feature.get("properties") or {}

        def value(role: str) -> str:
            return text(props.get(keys[roles[role][0]])) if role in roles else ""

        record = facts.record(index)
        record["raw"] = [json.dumps(props, ensure_ascii=False, default=str)[:2000]]
        details: list[str] = []
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Point":
            try:
                coords = geometry.get("coordinates") or []
                x, y = number(str(coords[0])), number(str(coords[1]))
            except (ValueError, IndexError, TypeError):
                facts.reject(index, "point coordinates are not numbers", json.dumps(geometry)[:200], record["raw"])
                continue
            if x is not None and y is not None:
                if grid:
                    record.update(easting=x, northing=y, location_source=BNG_IN_FILE)
                else:
                    record.update(lon=x, lat=y, location_source=GEOJSON_POINT)
        elif geometry:
            details.append(f"geometry is a {geometry.get('type')}, not a point: no location read")
        address = " ".join(" ".join(text(props.get(keys[i])) for i in roles.get("address", [])).split()) or None
        name_ = value("name") or None
        if not (name_ or address or value("asset_id") or value("uprn")):
            facts.reject(index, "no name, id or address", None, record["raw"])
            continue
        postcode, problem = normalise_postcode(value("postcode"))
        if problem:
            details.append(problem)
        codes = list(dict.fromkeys(text(props.get(keys[i])) for i in roles.get("body", []) if text(props.get(keys[i]))))
        code, label = (codes + [None, None])[:2]
        uses = [text(props.get(keys[i])) for i in roles.get("use_type", []) if text(props.get(keys[i]))]
        record.update(
            name=name_, address=address, asset_id=value("asset_id") or None, uprn=value("uprn") or None,
            postcode=postcode if postcode or "postcode" in roles else postcode_in_address(address),
            use_type="; ".join(uses) or None, body_key=body_key(code, label), body_code_published=code,
            body_name_published=label, detail="; ".join(details) or None,
            extra=extra_json({k: _as_text(props.get(k)) for k in keys if k not in used}),
        )
        facts.load(record)
    facts.finish(register, name)
    return facts


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def read_boundaries(path: Path, name: str, source_id: str, data: dict[str, Any], body: str | None) -> AssetFacts:
    """Each polygon feature with its area code and name, its geometry (as GeoJSON text, in WGS84) and its
    bounding box. A feature with neither code nor name is rejected: nothing could refer to it."""
    facts = AssetFacts(BOUNDARIES, "geojson", source_id, kind=None, encoding="utf-8")
    if body:
        facts.warnings.append(f"--body '{body}' not used: boundaries belong to places, not bodies")
    grid = _grid(data)
    if grid:
        facts.notes.append("the file's CRS is British National Grid: every vertex converted to WGS84")
    columns: dict[str, list[Any]] = {f.name: [] for f in BOUNDARY_SCHEMA}
    codes: list[str] = []
    for index, feature in enumerate(features(data), start=1):
        props = feature.get("properties") or {}
        geometry = feature.get("geometry") or {}
        code = next((text(v) for k, v in props.items() if _AREA_CODE.match(k) and text(v)), None)
        area = next((text(v) for k, v in props.items() if _AREA_NAME.match(k) and text(v)), None)
        outcome: dict[str, Any] = {"status": "loaded", "reason": None, "detail": None}
        if geometry.get("type") not in POLYGONS:
            outcome = {"status": "rejected", "reason": "not a polygon", "detail": f"geometry {geometry.get('type')}"}
        elif not (code or area):
            outcome = {"status": "rejected", "reason": "no area code or name", "detail": ", ".join(props)[:200] or None}
        box = (None, None, None, None)
        text_geometry = None
        if outcome["status"] == "loaded":
            if grid:
                geometry = _to_wgs84(geometry)
            xs, ys = _bounds(geometry["coordinates"])
            problem = _ring_problem(geometry)
            if not xs:
                outcome = {"status": "rejected", "reason": "polygon with no points", "detail": None}
            elif problem:
                outcome = {"status": "rejected", "reason": "not a valid polygon", "detail": problem}
            else:
                box = (min(xs), min(ys), max(xs), max(ys))
                text_geometry = json.dumps(geometry, separators=(",", ":"))
        facts.rows_read += 1
        if outcome["status"] == "loaded":
            facts.rows_loaded += 1
            codes.append(code or area or "")
        else:
            facts.rows_rejected += 1
            facts.rejected_reasons[outcome["reason"]] += 1
        values = {"source_id": source_id, "feature": index, **outcome, "area_code": code, "area_name": area,
                  "geometry": text_geometry, "min_lon": box[0], "min_lat": box[1], "max_lon": box[2], "max_lat": box[3]}
        for key in columns:
            columns[key].append(values[key])
    facts.table = pa.table(columns, schema=BOUNDARY_SCHEMA)
    shown = ", ".join(codes[:5]) + (f" and {len(codes) - 5} more" if len(codes) > 5 else "")
    facts.description = f"boundaries: {shown}" if codes else "boundaries"
    return facts


def _ring_problem(geometry: dict[str, Any]) -> str | None:
    """Why a Polygon or MultiPolygon is not one (RFC 7946): each ring four or more positions of two finite numbers."""
    polygons = [geometry.get("coordinates")] if geometry.get("type") == "Polygon" else geometry.get("coordinates")
    if not isinstance(polygons, list):
        return "its coordinates are not a list of polygons"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            return "a polygon with no rings"
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                return "a ring of fewer than four positions"
            for position in ring:
                if not (isinstance(position, list) and len(position) >= 2
                        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in position[:2])):
                    return f"a position that is not two numbers: {json.dumps(position)[:60]}"
    return None


def _bounds(coordinates: Any) -> tuple[list[float], list[float]]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(node: Any) -> None:
        if isinstance(node, (list, tuple)) and node and isinstance(node[0], (int, float)):
            xs.append(float(node[0]))
            ys.append(float(node[1]))
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)

    walk(coordinates)
    return xs, ys


def _to_wgs84(geometry: dict[str, Any]) -> dict[str, Any]:
    xs, ys = _bounds(geometry["coordinates"])
    lons, lats = bng_to_wgs84(xs, ys)
    points = iter(zip(lons, lats))

    def walk(node: Any) -> Any:
        if isinstance(node, (list, tuple)) and node and isinstance(node[0], (int, float)):
            lon, lat = next(points)
            return [lon, lat]
        return [walk(child) for child in node]

    return {**geometry, "coordinates": walk(geometry["coordinates"])}
