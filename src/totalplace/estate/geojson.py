"""The estate as GeoJSON (RFC 7946) for QGIS and web maps: one Point feature per located asset, with its body,
names, tenure and flags; assets with no location are left out and counted in the collection's properties."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from .place import EstateError

PROPERTIES = ("body_id", "body_name", "asset_id", "uprn", "name", "address", "postcode", "tenure", "holding_type",
              "use_type", "floor_area_m2", "running_cost_pence", "kind", "file", "row", "flag")


def feature_collection(assets: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    features = []
    for a in assets:
        lat, lon = a.get("lat"), a.get("lon")
        if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            continue
        props = {k: a.get(k) for k in PROPERTIES}
        props.update({k: v for k, v in a.items() if k.startswith("cluster")})
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
                         "properties": props})
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    collection["totalplace"] = {"assets": len(assets), "located": len(features), "left_out_no_location": len(assets) - len(features),
                                **(extra or {})}
    return collection


def write_geojson(collection: dict[str, Any], path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise EstateError(f"{path} is a folder: name the GeoJSON file to write, e.g. {path / 'estate.geojson'}.")
    tmp = path.with_name(f".{path.name}.partial")
    try:
        tmp.write_text(json.dumps(collection, ensure_ascii=False, default=str, allow_nan=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise EstateError(f"{path}: cannot be written ({exc.strerror}); check that its folder exists and can be written to.") from None
    return path
