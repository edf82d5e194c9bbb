"""Co-location candidates for a place: its assets clustered (estate/colocate.py) and each cluster told with its
members — body, name, address, the file and row each came from — the list a partnership starts from."""

from __future__ import annotations

from typing import Any

from ..workspace import Workspace
from .colocate import DEFAULT_WITHIN_M, AssetPoint, Cluster, colocate
from .place import place_assets

MEMBER_FIELDS = ("body_id", "body_name", "name", "address", "postcode", "use_type", "tenure", "floor_area_m2",
                 "running_cost_pence", "lat", "lon", "file", "row", "flag")


def _cluster(cluster: Cluster, by_id: dict[str, dict[str, Any]]) -> dict[str, Any]:
    members = [{"asset": m.id, **{k: by_id[m.id].get(k) for k in MEMBER_FIELDS}} for m in cluster.members]
    names = {a["body_id"]: a["body_name"] for a in members}
    return {
        "cluster": cluster.cluster_id, "bodies": [{"body_id": b, "body_name": names.get(b)} for b in cluster.bodies],
        "distinct_bodies": cluster.distinct_bodies, "assets": cluster.count,
        "floor_area_m2": cluster.floor_area_m2 if cluster.floor_area_known else None, "floor_area_known": cluster.floor_area_known,
        "running_cost_pence": cluster.running_cost_pence if cluster.running_cost_known else None,
        "running_cost_known": cluster.running_cost_known,
        "centroid_lat": cluster.centroid_lat, "centroid_lon": cluster.centroid_lon, "spread_m": round(cluster.spread_m, 1),
        "members": members,
    }


def colocation(workspace: Workspace, place: str | None = None, within_m: float = DEFAULT_WITHIN_M) -> dict[str, Any]:
    """Clusters of the place's assets within `within_m` metres: those of several bodies (the candidates), ranked,
    and those of one body, apart."""
    chosen = place_assets(workspace, place)
    by_id: dict[str, dict[str, Any]] = {}
    assets = []
    for a in chosen.assets:
        key = f"{a['source_id']}:{a['row']}"
        by_id[key] = a
        located = (a["lat"] is not None and a["lon"] is not None and a["flag"] != "outside the UK"
                   and -90 <= a["lat"] <= 90 and -180 <= a["lon"] <= 180)
        assets.append(AssetPoint(key, a["body_id"] or f"unknown: {a['body_name']}", a["lat"] if located else None,
                                 a["lon"] if located else None, a["floor_area_m2"], a["running_cost_pence"]))
    found = colocate(assets, within_m)
    return {
        "place": chosen.place, "within_m": within_m, "method": found.method,
        "assets": len(assets), "located": found.considered, "not_located": found.skipped_no_location,
        "bodies": len({a.body_id for a in assets}),
        "multi_body": [_cluster(c, by_id) for c in found.multi_body],
        "same_body": [_cluster(c, by_id) for c in found.same_body],
        "flags": chosen.flags,
    }
