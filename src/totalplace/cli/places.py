"""`totalplace places`: what a place is, what makes it up, its population, who serves it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..places import describe_place, list_places, place_children
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, note, print_json, table

app = typer.Typer(help="Places: districts, counties, combined authorities, regions, police and fire areas, ICBs.",
                  no_args_is_help=True)


@app.command()
@friendly_errors
def show(
    place: Annotated[str, typer.Argument(help="A code (E08000009, or an older one such as 00BU) or a name.")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """A place: its kind, population (and where that comes from), parents, districts and serving bodies."""
    info = describe_place(open_workspace(workspace), place)
    if as_json:
        print_json(info)
        return
    population = f"{info['population']:,}" if info["population"] is not None else "not known"
    console.print(f"[bold]{esc(info['name'])}[/] ({info['code']}), {esc(info['kind'])}"
                  + (f", ended {info['end_date']}" if info["end_date"] else ""), highlight=False)
    note(f"  population {population} — {info['population_source']}")
    for relation, parent in info["parents"].items():
        note(f"  {relation.replace('_', ' ')}: {parent['name']} ({parent['code']})")
    if info["districts"] and info["kind"] not in ("non-metropolitan district", "metropolitan district", "London borough", "unitary authority"):
        note(f"  districts ({len(info['districts'])}): " + ", ".join(d["name"] for d in info["districts"]))
    if info["predecessors"]:
        note("  replaced: " + ", ".join(p["name"] for p in info["predecessors"]))
    trusts = [b for b in info["serving_bodies"] if b["kind"] == "nhs_trust"]
    for body in info["serving_bodies"]:
        if body["kind"] != "nhs_trust":
            note(f"  served by: {body['name']} ({body['body_id']}, {body['kind']})")
    if trusts:
        note(f"  NHS trusts based in its ICB area ({len(trusts)}): " + ", ".join(b["name"] for b in trusts))
    if info["children"]:
        note("  contains: " + ", ".join(f"{n:,} {k}" for k, n in info["children"].items()))


@app.command()
@friendly_errors
def children(
    place: Annotated[str, typer.Argument(help="A code or name.")],
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only places of this kind (e.g. ward, lsoa).")] = None,
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """The places directly inside one: a county's districts, a district's wards, a CCG's LSOAs."""
    rows = place_children(open_workspace(workspace), place, kind)
    if as_json:
        print_json(rows)
        return
    t = table(f"{len(rows)} places", [("code", "left"), ("name", "left"), ("kind", "left"), ("population", "right")])
    for r in rows:
        t.add_row(r["code"], esc(r["name"]) + (f" [dim](ended {r['end_date']})[/]" if r["end_date"] else ""),
                  esc(r["kind"]), f"{r['population']:,}" if r["population"] is not None else "")
    console.print(t)


@app.command("list")
@friendly_errors
def list_(
    kind: Annotated[Optional[str], typer.Option("--kind", help="e.g. county, 'combined authority', region, 'police force area'.")] = None,
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Places in existence today, of one kind or of every kind above wards."""
    rows = list_places(open_workspace(workspace), kind)
    if as_json:
        print_json(rows)
        return
    t = table(f"{len(rows)} places", [("code", "left"), ("name", "left"), ("kind", "left"), ("population", "right")])
    for r in rows:
        t.add_row(r["code"], esc(r["name"]), esc(r["kind"]), f"{r['population']:,}" if r["population"] is not None else "")
    console.print(t)
