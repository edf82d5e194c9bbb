"""Estate costs where the NHS estates returns (ERIC) give them: running cost and backlog maintenance per square
metre of floor, by body, and how they are spread across bodies."""

from __future__ import annotations

import statistics
from typing import Any

from ..workspace import Workspace
from .place import place_assets


def _spread(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    values = sorted(values)
    q = statistics.quantiles(values, n=4, method="inclusive") if len(values) > 1 else [values[0]] * 3
    return {"bodies": len(values), "min": values[0], "lower_quartile": q[0], "median": q[1], "upper_quartile": q[2], "max": values[-1]}


def estate_costs(workspace: Workspace, place: str | None = None) -> dict[str, Any]:
    """Per body: floor area, running cost and backlog, each per m² over the floor of the assets that give both
    (a register's floor areas without costs do not dilute an NHS trust's figures); bodies with neither are
    left out."""
    chosen = place_assets(workspace, place)
    bodies: dict[str, dict[str, Any]] = {}
    for a in chosen.assets:
        area = a["floor_area_m2"]
        if a["running_cost_pence"] is None and a["backlog_pence"] is None:
            continue
        row = bodies.setdefault(a["body_id"] or a["body_name"] or "?", {
            "body_id": a["body_id"], "body_name": a["body_name"], "assets": 0, "floor_area_m2": 0.0,
            "running_cost_pence": 0, "backlog_pence": 0, "_cost_area": 0.0, "_backlog_area": 0.0, "_costed": 0, "_backlogged": 0})
        row["assets"] += 1
        row["floor_area_m2"] += area or 0.0
        if a["running_cost_pence"] is not None:
            row["running_cost_pence"] += a["running_cost_pence"]
            if area:
                row["_cost_area"] += area
                row["_costed"] += a["running_cost_pence"]
        if a["backlog_pence"] is not None:
            row["backlog_pence"] += a["backlog_pence"]
            if area:
                row["_backlog_area"] += area
                row["_backlogged"] += a["backlog_pence"]
    rows = []
    for row in bodies.values():
        cost_area, backlog_area = row.pop("_cost_area"), row.pop("_backlog_area")
        costed, backlogged = row.pop("_costed"), row.pop("_backlogged")
        row["running_cost_per_m2_pence"] = round(costed / cost_area) if cost_area else None
        row["backlog_per_m2_pence"] = round(backlogged / backlog_area) if backlog_area else None
        rows.append(row)
    rows.sort(key=lambda r: -(r["running_cost_per_m2_pence"] or 0))
    return {
        "place": chosen.place,
        "bodies": rows,
        "without_floor_area": sum(1 for r in rows if not r["floor_area_m2"]),
        "running_cost_per_m2": _spread([r["running_cost_per_m2_pence"] / 100 for r in rows if r["running_cost_per_m2_pence"] is not None]),
        "backlog_per_m2": _spread([r["backlog_per_m2_pence"] / 100 for r in rows if r["backlog_per_m2_pence"] is not None]),
    }
