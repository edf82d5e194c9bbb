"""Is every building a body lists elsewhere in its land and assets register? Trafford publishes its register and,
apart, its libraries, leisure centres and community hubs: each listed building is looked for in the same body's
register, at the nearest registered asset within a distance (default 100 m), else under the same name (the register may
place it further away, or not at all), so a register's gaps — or a list's buildings the body does not own — show."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..workspace import Workspace
from .colocate import distance_m
from .diff import name_key
from .place import place_assets

REGISTER_KIND = "land and assets register"
LIST_KINDS = ("geojson points", "list of places")


def register_coverage(workspace: Workspace, place: str | None = None, within_m: float = 100.0) -> dict[str, Any]:
    chosen = place_assets(workspace, place)
    registers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    names: dict[str, set[str]] = defaultdict(set)
    for a in chosen.assets:
        if a["kind"] == REGISTER_KIND:
            names[a["body_id"]].add(name_key(a["name"]))
            if a["lat"] is not None:
                registers[a["body_id"]].append(a)
    files: dict[str, dict[str, Any]] = {}
    for a in chosen.assets:
        if a["kind"] not in LIST_KINDS:
            continue
        entry = files.setdefault(a["file"], {"file": a["file"], "body_id": a["body_id"], "body_name": a["body_name"],
                                             "assets": 0, "in_register": 0, "by_location": 0, "by_name": 0,
                                             "not_in_register": [], "not_located": 0,
                                             "register_loaded": bool(names.get(a["body_id"]))})
        entry["assets"] += 1
        if a["lat"] is None:
            entry["not_located"] += 1
            continue
        nearest = min(((distance_m(a["lat"], a["lon"], r["lat"], r["lon"]), r) for r in registers.get(a["body_id"], [])),
                      key=lambda x: x[0], default=(None, None))
        if nearest[0] is not None and nearest[0] <= within_m:
            entry["in_register"] += 1
            entry["by_location"] += 1
        elif name_key(a["name"]) and name_key(a["name"]) in names.get(a["body_id"], set()):
            entry["in_register"] += 1  # registered under the same name, further away or with no location
            entry["by_name"] += 1
        else:
            entry["not_in_register"].append({"name": a["name"], "address": a["address"], "use_type": a["use_type"],
                                             "row": a["row"], "nearest_m": None if nearest[0] is None else round(nearest[0]),
                                             "nearest": None if nearest[1] is None else nearest[1]["name"]})
    return {"place": chosen.place, "within_m": within_m, "files": sorted(files.values(), key=lambda f: f["file"])}
