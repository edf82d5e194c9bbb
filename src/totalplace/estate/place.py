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

from ..dates import parse_date
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


def boundaries(workspace: Workspace, codes: set[str] | None = None) -> dict[str, Boundary]:
    """The loaded boundaries (of `codes`, or all) by area code (the last ingested wins where two have one code)."""
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        rows = engine.rows("SELECT area_code, area_name, file, geometry FROM boundaries ORDER BY source_id, feature")
    found = {}
    for code, name, file, geometry in rows:
        if code and (codes is None or code in codes):
            try:
                found[code] = Boundary.from_geometry(code, name or code, file, geometry)
            except (ValueError, TypeError, KeyError) as exc:
                raise EstateError(f"{file}: the boundary of {code} cannot be used ({exc}); forget the file and ingest "
                                  "a corrected one.") from None
    return found


def _serving_areas(workspace: Workspace, code: str) -> set[str]:
    places = workspace.places()
    districts = [p.code for p in places.districts(code, current_only=False)]
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
        return PlaceAssets(None, assets, None, _count_flags(assets), [f for f, _ in superseded])
    places = workspace.places()
    code = find_place(places, place)
    register = workspace.register()
    areas = _serving_areas(workspace, code)
    serving = {b.body_id for b in register.bodies.values() if b.place in areas}
    districts = {p.code for p in places.districts(code, current_only=False)} | {code}
    # a body whose area is wider than the place (a police force, a county, an ICB) holds buildings outside it too
    wider = {b.body_id for b in register.bodies.values() if b.body_id in serving and b.place not in districts
             and ({p.code for p in places.districts(b.place, current_only=False)} - districts or b.place not in places.places)}
    rows_by_file: dict[str, list[bool]] = {}
    for a in assets:
        if a["kind"] not in NATIONAL_KINDS:
            rows_by_file.setdefault(a["source_id"], []).append(a["body_id"] in serving and a["body_id"] not in wider)
    local_lists = {f for f, own in rows_by_file.items() if sum(own) * 2 > len(own)}  # mostly the place's own bodies
    boundary = boundaries(workspace, {code}).get(code)
    chosen = []
    for a in assets:
        located = a["lat"] is not None and a["lon"] is not None
        inside = boundary.contains(a["lon"], a["lat"]) if boundary and located else None
        if inside:
            a["in_place_because"] = f"inside the boundary of {boundary.area_name}"  # type: ignore[union-attr]
        elif a["body_id"] in serving and a["body_id"] in wider and (boundary is None or not located):
            # a located building of a wider body outside the place's boundary is not the place's
            a["in_place_because"] = "its body serves the place (and a wider area)"
            if located and not a["flag"]:
                a["flag"] = "its body serves a wider area: whether it lies in the place is not checked (no boundary loaded)"
        elif a["body_id"] in serving and a["body_id"] not in wider:
            a["in_place_because"] = "its body serves the place"
        elif a["source_id"] in local_lists:
            a["in_place_because"] = "on a local list published by a body serving the place"
        else:
            continue
        if inside is False and not a["flag"]:
            a["flag"] = f"outside the boundary of {boundary.area_name} ({code})"  # type: ignore[union-attr]
        chosen.append(a)
    info = {"code": code, "name": places.places[code].name, "kind": places.places[code].kind}
    bodies = {a["body_id"] for a in chosen}
    return PlaceAssets(info, chosen, boundary, _count_flags(chosen), [f for f, body in superseded if body in bodies])


def _count_flags(assets: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for a in assets:
        if a["flag"]:
            counts[a["flag"]] = counts.get(a["flag"], 0) + 1
    return counts


def _register_year(a: dict[str, Any]) -> tuple[str, str]:
    """(the register's date as ISO, its year): from its effective date (any written form), else the year in its
    file name."""
    extra = json.loads(a["extra"]) if a.get("extra") else {}
    written = str(extra.get("EffectiveDate", "") or "")
    parsed = parse_date(written) if written else None
    if parsed:
        return parsed[0].isoformat(), str(parsed[0].year)
    year = max(re.findall(r"(?<!\d)(20\d\d)(?!\d)", a["file"]), default="")
    return "", year


def _latest_registers(workspace: Workspace, assets: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """A body's land and assets register is taken from its latest file — by the year of its effective date or,
    where it gives none, the year in its file name; then the date; then the file ingested last: two years'
    registers of one body (Cheltenham's 2021 and 2023) are not one estate twice over. The older ones are named,
    not used. A body the register does not know is told apart by its published name."""
    ingested = {m["source_id"]: m.get("ingested_at", "") for m in workspace.store.manifests()}
    latest: dict[str, tuple[str, str, str, str]] = {}
    owner: dict[str, str] = {}
    for a in assets:
        if a["kind"] == "land and assets register" and a["source_id"] not in owner:
            body = a["body_id"] or f"name:{a['body_name']}"
            owner[a["source_id"]] = body
            date, year = _register_year(a)
            key = (year, date, ingested.get(a["source_id"], ""), a["source_id"])
            if body not in latest or key > latest[body]:
                latest[body] = key
    keep = {key[-1] for key in latest.values()}
    dropped = sorted({(a["file"], a["body_id"]) for a in assets if a["source_id"] in owner and a["source_id"] not in keep})
    return [a for a in assets if a["source_id"] not in owner or a["source_id"] in keep], dropped
