"""Where an asset is: numbers as published turned into WGS84 latitude and longitude.

British National Grid eastings and northings (EPSG:27700, OSGB36) are converted to WGS84 (EPSG:4326) by pyproj,
all of a file's points in one call. Without the OSTN15 grid files (pyproj does not ship them, and the network
is off) PROJ uses the published seven-parameter Helmert transformation, good to a few metres: enough to put a
building in its street, not to survey it. The manifest records which transformation was used.

A point is flagged (never dropped) when it lies outside a box around the United Kingdom.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Sequence

# lat_min, lat_max, lon_min, lon_max: Great Britain, Northern Ireland, the islands and the Isles of Scilly
UK_BOX = (49.8, 60.9, -8.7, 1.8)
OUTSIDE_UK = "outside the UK"
NO_LOCATION = "no location"

WGS84_IN_FILE = "WGS84 in file"
BNG_IN_FILE = "British National Grid in file"
GEOJSON_POINT = "GeoJSON point"

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def number(text: str | None) -> float | None:
    """A published number ('530949', '1,047.5', ' -2.35 ') as a float; None for a blank; raises ValueError for
    text that is not a number."""
    if text is None:
        return None
    cleaned = str(text).strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def in_uk(lat: float, lon: float) -> bool:
    lat_min, lat_max, lon_min, lon_max = UK_BOX
    return lat_min <= lat <= lat_max and lon_min <= lon <= lon_max


def looks_like_lon_lat(x: float, y: float) -> bool:
    """Numbers that can only be degrees, not metres on the grid."""
    return -180 <= x <= 180 and -90 <= y <= 90


@lru_cache(maxsize=1)
def _bng_transformer():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def bng_to_wgs84(eastings: Sequence[float], northings: Sequence[float]) -> tuple[list[float], list[float]]:
    """British National Grid eastings and northings as (longitudes, latitudes) in WGS84, in one call."""
    if not eastings:
        return [], []
    lons, lats = _bng_transformer().transform(list(eastings), list(northings))
    return [float(v) for v in lons], [float(v) for v in lats]


def bng_method() -> str:
    """What pyproj used for the last conversion (after one has been made), for the manifest."""
    transformer = _bng_transformer()
    used = transformer.get_last_used_operation() if hasattr(transformer, "get_last_used_operation") else None
    return (used.description if used is not None else None) or "EPSG:27700 to EPSG:4326"


# the values of a CRS column, lower case, and what they say
_WGS84_NAMES = ("wgs84", "wgs 84", "wgs-84", "epsg:4326", "4326", "etrs89", "crs84", "lat/long", "latlong")
_BNG_NAMES = ("osgb36", "osgb", "bng", "british national grid", "national grid", "epsg:27700", "27700", "osgb 1936")


def crs_of(text: str | None) -> str | None:
    """'wgs84' or 'bng' for a CRS cell that names one, None otherwise."""
    key = " ".join((text or "").lower().split())
    if not key:
        return None
    if any(name in key for name in _BNG_NAMES):
        return "bng"
    if any(name in key for name in _WGS84_NAMES):
        return "wgs84"
    return None
