"""Questions about places: what is this place, what makes it up, how many people live there, who serves it."""

from __future__ import annotations

from typing import Any

from .reference.places import Places
from .reference.register import Register
from .workspace import Workspace

# Which relation of a place each kind of serving body is found through.
_SERVED_THROUGH = ("county", "combined_authority", "police_force_area", "fire_authority", "icb")


# A name shared by several places means, by default, the first of these kinds (Trafford the district, not
# its community safety partnership; Greater Manchester the combined authority, not its police force area).
_PREFERENCE = ["metropolitan district", "non-metropolitan district", "unitary authority", "London borough",
               "Welsh principal area", "Scottish council area", "Northern Ireland district", "City of London",
               "combined authority", "county", "Greater London", "region", "country"]


class PlaceError(ValueError):
    """A place that cannot be found, or could mean several."""


def find_place(places: Places, text: str, kind: str | None = None) -> str:
    """The code of the one place `text` names (a code, an older code such as '00DA', or a name)."""
    if not len(places):
        raise PlaceError("no places are loaded: run `totalplace reference load DIR` first.")
    found = [p for p in places.find(text) if kind is None or p.kind == kind]
    if not found:
        raise PlaceError(f"no place is called or coded '{text}'" + (f" (of kind {kind})" if kind else "") +
                         "; try its GSS code, e.g. E08000035.")
    if len(found) > 1 and kind is None:  # a name shared by a council's area and its police or fire area
        ranked = sorted(found, key=lambda p: _PREFERENCE.index(p.kind) if p.kind in _PREFERENCE else len(_PREFERENCE))
        best = [p for p in ranked if p.kind == ranked[0].kind]
        if len(best) == 1 and ranked[0].kind in _PREFERENCE:
            return best[0].code
    if len(found) > 1:
        listed = "; ".join(f"{p.code} {p.name} ({p.kind})" for p in found)
        raise PlaceError(f"'{text}' could mean {len(found)} places: {listed}. Use the code.")
    return found[0].code


def serving_bodies(places: Places, register: Register, code: str) -> list[dict[str, str]]:
    """The public bodies that serve a place: its own council, its county council and combined authority, its
    police and fire bodies, its ICB — each found through the place's parents."""
    wanted = [code] + [places.parents_of.get(code, {}).get(rel, "") for rel in _SERVED_THROUGH]
    by_place: dict[str, list[str]] = {}
    for body in register.bodies.values():
        if body.place and not body.end_date:
            by_place.setdefault(body.place, []).append(body.body_id)
    found = []
    for place_code in wanted:
        for body_id in by_place.get(place_code, []):
            body = register.bodies[body_id]
            found.append({"body_id": body.body_id, "name": body.name, "kind": body.kind, "place": place_code})
    return found


def describe_place(workspace: Workspace, text: str) -> dict[str, Any]:
    """Everything about one place: kind, population and its source, parents, what it contains, who serves it."""
    places = workspace.places()
    code = find_place(places, text)
    info = places.describe(code)
    info["serving_bodies"] = serving_bodies(places, workspace.register(), code)
    info["districts"] = [{"code": p.code, "name": p.name} for p in places.districts(code)] if places.places[code].kind not in ("lsoa", "ward") else []
    info["predecessors"] = [{"code": p.code, "name": p.name} for p in places.predecessors(code)]
    return info


def place_children(workspace: Workspace, text: str, kind: str | None = None) -> list[dict[str, Any]]:
    """The places directly inside one (a county's districts, a district's wards and LSOAs, …), with populations."""
    places = workspace.places()
    code = find_place(places, text)
    out = []
    for p in places.children(code, kind):
        population, source = places.population(p.code)
        out.append({"code": p.code, "name": p.name, "kind": p.kind, "population": population,
                    "population_source": source, "end_date": p.end_date})
    return out


def list_places(workspace: Workspace, kind: str | None = None, current_only: bool = True) -> list[dict[str, Any]]:
    """Places of a kind (every kind but wards and LSOAs when none is given), by name."""
    places = workspace.places()
    out = []
    for p in sorted(places.places.values(), key=lambda p: (p.kind, p.name)):
        if (kind and p.kind != kind) or (not kind and p.kind in ("lsoa", "ward")) or (current_only and p.end_date):
            continue
        out.append({"code": p.code, "name": p.name, "kind": p.kind, "population": places.population(p.code)[0]})
    return out
