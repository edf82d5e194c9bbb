"""Place boundaries (GeoJSON polygons, as published) and whether a point lies inside one.

Boundaries are ingested like any file (`totalplace ingest trafford_local_authority_district.geojson`) and kept
as their GeoJSON geometry. The test is the even-odd rule over every ring, so holes (a ward inside another) and
multi-part areas (islands) count correctly; a point on the edge may fall either way, which at the metre scale
of a building does not matter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Boundary:
    area_code: str
    area_name: str
    file: str
    rings: tuple[tuple[tuple[float, float], ...], ...]  # every ring of every polygon, (lon, lat)
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat

    @classmethod
    def from_geometry(cls, area_code: str, area_name: str, file: str, geometry: dict[str, Any] | str) -> "Boundary":
        geometry = json.loads(geometry) if isinstance(geometry, str) else geometry
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            raise ValueError(f"{file}: the boundary of {area_code} is a {geometry.get('type')}, not a polygon")
        rings = tuple(tuple((float(x), float(y)) for x, y, *_ in ring) for polygon in polygons for ring in polygon)
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        return cls(area_code, area_name, file, rings, (min(xs), min(ys), max(xs), max(ys)))

    def contains(self, lon: float, lat: float) -> bool:
        min_x, min_y, max_x, max_y = self.bbox
        if not (min_x <= lon <= max_x and min_y <= lat <= max_y):
            return False
        inside = False
        for ring in self.rings:
            j = len(ring) - 1
            for i in range(len(ring)):
                xi, yi = ring[i]
                xj, yj = ring[j]
                if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
                    inside = not inside
                j = i
        return inside
