"""The estate of a place at a glance: how many assets each body holds, of which kinds, tenures and holding
types, how many are located and how many flagged."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ..workspace import Workspace
from .place import place_assets


def estate_summary(workspace: Workspace, place: str | None = None) -> dict[str, Any]:
    chosen = place_assets(workspace, place)
    by_body: dict[tuple[str | None, str | None], dict[str, Any]] = defaultdict(
        lambda: {"assets": 0, "located": 0, "floor_area_m2": 0.0, "with_floor_area": 0, "running_cost_pence": 0,
                 "with_running_cost": 0, "flagged": 0, "kinds": Counter()})
    for a in chosen.assets:
        row = by_body[(a["body_id"], a["body_name"])]
        row["assets"] += 1
        row["located"] += a["lat"] is not None
        row["flagged"] += bool(a["flag"])
        row["kinds"][a["kind"]] += 1
        if a["floor_area_m2"] is not None:
            row["floor_area_m2"] += a["floor_area_m2"]
            row["with_floor_area"] += 1
        if a["running_cost_pence"] is not None:
            row["running_cost_pence"] += a["running_cost_pence"]
            row["with_running_cost"] += 1
    bodies = [{"body_id": body_id, "body_name": name, **{k: (dict(v) if isinstance(v, Counter) else v) for k, v in row.items()}}
              for (body_id, name), row in by_body.items()]
    bodies.sort(key=lambda r: (-r["assets"], r["body_name"] or ""))
    return {
        "place": chosen.place,
        "boundary": {"area_code": chosen.boundary.area_code, "file": chosen.boundary.file} if chosen.boundary else None,
        "assets": len(chosen.assets),
        "located": sum(1 for a in chosen.assets if a["lat"] is not None),
        "bodies": bodies,
        "by_kind": dict(Counter(a["kind"] for a in chosen.assets).most_common()),
        "by_tenure": dict(Counter(a["tenure"] or "not given" for a in chosen.assets).most_common()),
        "by_holding_type": dict(Counter(a["holding_type"] or "not given" for a in chosen.assets).most_common()),
        "flags": chosen.flags,
        "files": sorted({a["file"] for a in chosen.assets}),
        "superseded": chosen.superseded,
    }
