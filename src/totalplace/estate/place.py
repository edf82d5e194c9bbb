"""Which assets are in a place, and which are flagged: the estate's one way of choosing them.

An asset is in a place when
- its body serves the place: the place's own council or one of its districts' councils, its county council,
  combined authority, police and fire bodies, CCG or ICB (found through the model of places), or
- it comes from a local list a body serving the place published (Lambeth's list of schools holds academies,
  which belong to the Department for Education, but it is a list of Lambeth's schools), or
- a boundary of the place is loaded and the asset's location lies inside it.
National lists (NHS estates returns, the NHS trust list) count only through their bodies. A body's land and
assets register is its latest (by effective date, else the year in its file name, else ingested last); earlier registers are named as superseded, and
`estate diff` compares them.

Flags, never silent: a location outside the UK (set at ingest), and a location outside the place's boundary,
when one is loaded, for an asset the place holds through its body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from ..places import find_place
from ..workspace import Workspace
from .boundaries import Boundary

NATIONAL_KINDS = ("nhs estates (ERIC)", "nhs trust headquarters")
_THROUGH = ("county", "combined_authority", "police_force_area", "fire_authority", "ccg", "icb")


class EstateError(ValueError):
    """A question about the estate that cannot be answered as asked."""


@dataclass
class PlaceAssets:
    place: dict[str, str] | None  # code, name, kind; None for the whole workspace
    assets: list[dict[str, Any]]
    boundary: Boundary | None
    flags: dict[str, int] = field(default_factory=dict)
    superseded: list[str] = field(default_factory=list)  # older registers of a body left out (`estate diff` compares them)


def boundaries(workspace: Workspace) -> dict[str, Boundary]:
    """Every loaded boundary by its area code (the last ingested wins where two have one code)."""
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        rows = engine.rows("SELECT area_code, area_name, file, geometry FROM boundaries ORDER BY source_id, feature")
    return {code: Boundary.from_geometry(code, name or code, file, geometry) for code, name, file, geometry in rows if code}


def _serving_areas(workspace: Workspace, code: str) -> set[str]:
    places = workspace.places()
    districts = [p.code for p in places.districts(code, current_only=False)] if places.places[code].kind != "region" else []
    areas = {code, *districts}
    for d in list(areas):
        areas |= {places.parents_of.get(d, {}).get(rel, "") for rel in _THROUGH}
    return areas - {""}


def place_assets(workspace: Workspace, place: str | None = None) -> PlaceAssets:
    """The loaded assets of a place (or of the whole workspace), each with `flag` (the ingest flag or 'outside
    the boundary of …') and `in_place_because`."""
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        assets = engine.records("SELECT * FROM assets ORDER BY source_id, \"row\"")
    for a in assets:
        a["flag"] = a.get("location_flag")
    assets, superseded = _latest_registers(workspace, assets)
    if place is None:
        for a in assets:
            a["in_place_because"] = "the whole workspace"
        return PlaceAssets(None, assets, None, _count_flags(assets), superseded)
    places = workspace.places()
    code = find_place(places, place)
    register = workspace.register()
    areas = _serving_areas(workspace, code)
    serving = {b.body_id for b in register.bodies.values() if b.place in areas}
    local_lists = {a["source_id"] for a in assets if a["body_id"] in serving and a["kind"] not in NATIONAL_KINDS}
    boundary = boundaries(workspace).get(code)
    chosen = []
    for a in assets:
        located = a["lat"] is not None and a["lon"] is not None
        inside = boundary.contains(a["lon"], a["lat"]) if boundary and located else None
        if a["body_id"] in serving:
            a["in_place_because"] = "its body serves the place"
        elif a["source_id"] in local_lists:
            a["in_place_because"] = "on a local list published by a body serving the place"
        elif inside:
            a["in_place_because"] = f"inside the boundary of {boundary.area_name}"  # type: ignore[union-attr]
        else:
            continue
        if inside is False and not a["flag"]:
            a["flag"] = f"outside the boundary of {boundary.area_name} ({code})"  # type: ignore[union-attr]
        chosen.append(a)
    info = {"code": code, "name": places.places[code].name, "kind": places.places[code].kind}
    return PlaceAssets(info, chosen, boundary, _count_flags(chosen), superseded)


def _count_flags(assets: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in assets:
        if a["flag"]:
            counts[a["flag"]] = counts.get(a["flag"], 0) + 1
    return counts


def _latest_registers(workspace: Workspace, assets: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """A body's land and assets register is taken from its latest file — by the register's effective date, else
    the year in the file's name, else the file ingested last: two years' registers of one body
    (Cheltenham's 2021 and 2023) are not one estate twice over. The older ones are named, not used."""
    ingested = {m["source_id"]: m.get("ingested_at", "") for m in workspace.store.manifests()}
    latest: dict[str, tuple[str, str, str, str]] = {}
    for a in assets:
        if a["kind"] == "land and assets register":
            effective = str(json.loads(a["extra"] or "{}").get("EffectiveDate", "")) if a.get("extra") else ""
            year = max(re.findall(r"(?<!\d)(20\d\d)(?!\d)", a["file"]), default="")
            key = (effective, year, ingested.get(a["source_id"], ""), a["source_id"])
            if a["body_id"] not in latest or key > latest[a["body_id"]]:
                latest[a["body_id"]] = key
    keep = {key[-1] for key in latest.values()}
    dropped = sorted({a["file"] for a in assets if a["kind"] == "land and assets register" and a["source_id"] not in keep})
    return [a for a in assets if a["kind"] != "land and assets register" or a["source_id"] in keep], dropped
