"""`totalplace estate`: every public building in the place — summary, co-location, change over time, costs, GeoJSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..estate import (
    colocation, diff_registers, estate_costs, estate_summary, feature_collection, place_assets, register_coverage, write_geojson,
)
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, note, pounds, print_json, table

app = typer.Typer(help="The public estate: assets of every body in the place, co-location, change, costs.")
PlaceOption = Annotated[Optional[str], typer.Option("--place", "-p", help="A place (GSS code or name); default: every asset in the workspace.")]
GeoJsonOption = Annotated[bool, typer.Option("--geojson", help="Print GeoJSON (RFC 7946) instead of tables.")]


def _one(as_json: bool, as_geojson: bool) -> None:
    if as_json and as_geojson:
        raise typer.BadParameter("choose one of --json and --geojson", param_hint="--json/--geojson")


@app.callback(invoke_without_command=True)
def estate(ctx: typer.Context) -> None:
    """Without a subcommand: the summary."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(summary)


@app.command()
@friendly_errors
def summary(workspace: WorkspaceOption = Path("."), place: PlaceOption = None, as_json: JsonOption = False) -> None:
    """How many assets each body holds, located and flagged; kinds, tenures and holding types."""
    found = estate_summary(open_workspace(workspace), place)
    if as_json:
        print_json(found)
        return
    where = f"{found['place']['name']} ({found['place']['code']})" if found["place"] else "the workspace"
    console.print(f"[bold]Public estate of {esc(where)}[/]: {found['assets']:,} assets, {found['located']:,} located"
                  + (f"; boundary {esc(found['boundary']['area_code'])} from {esc(found['boundary']['file'])}" if found["boundary"] else ""))
    t = table("By body", [("body", "left"), ("assets", "right"), ("located", "right"), ("floor m²", "right"), ("flagged", "right"), ("kinds", "left")])
    for b in found["bodies"]:
        t.add_row(esc(b["body_name"] or b["body_id"] or "unknown"), f"{b['assets']:,}", f"{b['located']:,}",
                  f"{b['floor_area_m2']:,.0f}" if b["with_floor_area"] else "", f"{b['flagged']:,}",
                  esc(", ".join(f"{k} {v}" for k, v in b["kinds"].items())))
    console.print(t)
    for title, key in (("Tenure", "by_tenure"), ("Holding type", "by_holding_type")):
        t = table(title, [(title.lower(), "left"), ("assets", "right")])
        for k, v in found[key].items():
            t.add_row(esc(k), f"{v:,}")
        console.print(t)
    for flag, n in found["flags"].items():
        note(f"flagged: {n:,} {flag}")
    for file in found["superseded"]:
        note(f"superseded by a later register of its body, left out: {file} (compare them with `totalplace estate diff`)")


@app.command()
@friendly_errors
def colocate(
    workspace: WorkspaceOption = Path("."),
    place: PlaceOption = None,
    within: Annotated[float, typer.Option("--within", min=1, max=10_000, help="Metres between buildings of a cluster.")] = 250.0,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Clusters to show in a table (0: all).")] = 20,
    as_json: JsonOption = False,
    as_geojson: GeoJsonOption = False,
) -> None:
    """Buildings of different bodies within --within metres of each other, grouped and ranked: the co-location list."""
    _one(as_json, as_geojson)
    found = colocation(open_workspace(workspace), place, within)
    if as_json:
        print_json(found)
        return
    if as_geojson:
        members = [{**m, "cluster": c["cluster"], "cluster_bodies": c["distinct_bodies"], "cluster_assets": c["assets"]}
                   for c in found["multi_body"] + found["same_body"] for m in c["members"]]
        print_json(feature_collection(members, {"within_m": within, "method": found["method"]}))
        return
    console.print(f"{found['located']:,} located assets of {found['bodies']:,} bodies ({found['not_located']:,} without a location); "
                  f"within {within:g} m: {len(found['multi_body']):,} clusters of several bodies, {len(found['same_body']):,} of one body")
    for title, clusters in (("Clusters of several bodies (co-location candidates), ranked", found["multi_body"]),
                            ("Clusters of one body's buildings", found["same_body"])):
        shown = clusters if not limit else clusters[:limit]
        t = table(title, [("cluster", "left"), ("bodies", "right"), ("assets", "right"), ("floor m²", "right"),
                          ("running cost", "right"), ("spread m", "right"), ("members", "left")])
        for c in shown:
            members = "; ".join(f"{m['name'] or m['address'] or m['asset']} ({m['body_name'] or m['body_id']})" for m in c["members"][:6])
            members += f"; … {len(c['members']) - 6} more" if len(c["members"]) > 6 else ""
            t.add_row(c["cluster"], str(c["distinct_bodies"]), str(c["assets"]),
                      f"{c['floor_area_m2']:,.0f}" if c["floor_area_m2"] is not None else "",
                      pounds(c["running_cost_pence"]) if c["running_cost_pence"] is not None else "", f"{c['spread_m']:,.0f}", esc(members))
        if len(clusters) > len(shown):
            t.caption = f"{len(clusters) - len(shown)} more: --limit 0 or --json"
        console.print(t)


@app.command()
@friendly_errors
def diff(
    old: Annotated[str, typer.Argument(help="The earlier register, as `totalplace sources` names it (or its source id).")],
    new: Annotated[str, typer.Argument(help="The later register.")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """What changed between two registers of one body: added, removed, changed tenure, holding or use."""
    found = diff_registers(open_workspace(workspace), old, new)
    if as_json:
        print_json(found)
        return
    console.print(f"[bold]{esc(found['old'])}[/] ({found['old_assets']:,} assets) → [bold]{esc(found['new'])}[/] ({found['new_assets']:,}): "
                  f"{found['matched']:,} matched ({', '.join(f'{v:,} by {k}' for k, v in found['matched_by'].items())}), "
                  f"{len(found['added']):,} added, {len(found['removed']):,} removed, {len(found['changed']):,} changed")
    for title, rows in (("Removed (disposed of?)", found["removed"]), ("Added", found["added"])):
        t = table(f"{title}: {len(rows):,}", [("UPRN", "left"), ("asset id", "left"), ("name / address", "left"), ("tenure", "left"), ("holding", "left")])
        for r in rows[:25]:
            t.add_row(esc(r["uprn"]), esc(r["asset_id"]), esc(r["name"] or r["address"]), esc(r["tenure"]), esc(r["holding_type"]))
        if len(rows) > 25:
            t.caption = f"{len(rows) - 25} more: --json"
        console.print(t)
    t = table(f"Changed: {len(found['changed']):,}", [("UPRN", "left"), ("name", "left"), ("what changed", "left"), ("matched by", "left")])
    for c in found["changed"][:25]:
        t.add_row(esc(c["uprn"]), esc(c["name"]), esc("; ".join(f"{k}: {v['old']} → {v['new']}" for k, v in c["changes"].items())), c["matched_by"])
    console.print(t)


@app.command()
@friendly_errors
def costs(workspace: WorkspaceOption = Path("."), place: PlaceOption = None, as_json: JsonOption = False) -> None:
    """Running cost and backlog maintenance per m² by body (NHS estates returns), and their spread across bodies."""
    found = estate_costs(open_workspace(workspace), place)
    if as_json:
        print_json(found)
        return
    t = table("Estate costs per m² of floor (bodies that give floor area)",
              [("body", "left"), ("floor m²", "right"), ("running cost", "right"), ("per m²", "right"), ("backlog", "right"), ("per m²", "right")])
    for r in found["bodies"]:
        t.add_row(esc(r["body_name"] or r["body_id"]), f"{r['floor_area_m2']:,.0f}", pounds(r["running_cost_pence"]),
                  pounds(r["running_cost_per_m2_pence"]), pounds(r["backlog_pence"]), pounds(r["backlog_per_m2_pence"]))
    console.print(t)
    for label, key in (("running cost per m²", "running_cost_per_m2"), ("backlog per m²", "backlog_per_m2")):
        s = found[key]
        if s:
            note(f"{label} across {s['bodies']} bodies: min £{s['min']:,.2f}, quartiles £{s['lower_quartile']:,.2f} / "
                 f"£{s['median']:,.2f} / £{s['upper_quartile']:,.2f}, max £{s['max']:,.2f}")


@app.command()
@friendly_errors
def export(
    path: Annotated[Path, typer.Argument(help="The GeoJSON file to write (for QGIS and web maps).")],
    workspace: WorkspaceOption = Path("."),
    place: PlaceOption = None,
) -> None:
    """Write the place's located assets as GeoJSON (RFC 7946: WGS84 longitude, latitude)."""
    chosen = place_assets(open_workspace(workspace), place)
    collection = feature_collection(chosen.assets, {"place": chosen.place})
    written = write_geojson(collection, path)
    note(f"written {written}: {collection['totalplace']['located']:,} assets "
         f"({collection['totalplace']['left_out_no_location']:,} without a location left out)")


@app.command()
@friendly_errors
def coverage(
    workspace: WorkspaceOption = Path("."),
    place: PlaceOption = None,
    within: Annotated[float, typer.Option("--within", min=1, max=10_000, help="Metres from a listed building to its register entry.")] = 100.0,
    as_json: JsonOption = False,
) -> None:
    """Are the buildings a body lists elsewhere (libraries, leisure centres, ...) in its land and assets register?"""
    found = register_coverage(open_workspace(workspace), place, within)
    if as_json:
        print_json(found)
        return
    t = table(f"Listed buildings found in the same body's register (within {within:g} m)",
              [("file", "left"), ("body", "left"), ("listed", "right"), ("in register", "right"), ("not in it", "left")])
    for f in found["files"]:
        missing = "; ".join(f"{m['name']} ({m['nearest_m']} m from {m['nearest']})" if m["nearest_m"] is not None else str(m["name"])
                            for m in f["not_in_register"])
        t.add_row(esc(f["file"]), esc(f["body_name"]), str(f["assets"]),
                  str(f["in_register"]) if f["register_loaded"] else "no register loaded", esc(missing))
    console.print(t)
