"""`totalplace count` and `totalplace compare`: all public spending in a place for a year, and places side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..classify.reference import cofog_codes
from ..count import compare_places, count_place, drill, export_count
from ..count.crosscheck import crosscheck as crosscheck_region
from ..count.result import Count
from ..workspace import open_workspace
from .options import CsvOption, JsonOption, WorkspaceOption, one_format
from .render import console, errors, esc, friendly_errors, note, pounds, print_csv, print_json, table

GROUPINGS = ("body", "cofog", "theme", "basis", "sector")
PlaceOption = Annotated[str, typer.Option("--place", "-p", help="The place: a GSS code (E08000009) or a name (Trafford).")]
YearOption = Annotated[str, typer.Option("--year", "-y", help="The financial year, e.g. 2017-18.")]
DriverOption = Annotated[Optional[Path], typer.Option("--driver", help="A CSV of per-district values (code,value[,cofog]) to share spending by instead of population.")]


def _by(text: str | None) -> list[str]:
    keys = [k.strip() for k in (text or "").split(",") if k.strip()]
    wrong = [k for k in keys if k not in GROUPINGS]
    if wrong:
        raise typer.BadParameter(f"'{', '.join(wrong)}': group by any of {', '.join(GROUPINGS)}", param_hint="--by")
    return keys


def _per_head(pence: int, count: Count) -> str:
    return pounds(round(pence / count.population)) if count.population else ""


@friendly_errors
def count(
    place: PlaceOption,
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    by: Annotated[Optional[str], typer.Option("--by", help="Group the cells by any of body,cofog,theme,basis,sector (comma-separated).")] = None,
    drill_cell: Annotated[Optional[str], typer.Option("--drill", help="Show the source rows behind one cell (its id, e.g. outturn/TRF/09).")] = None,
    export: Annotated[Optional[Path], typer.Option("--export", help="Write the count: a .csv, .xlsx or .parquet file, or a folder for a Frictionless data package.")] = None,
    driver: DriverOption = None,
    complete: Annotated[Optional[list[str]], typer.Option("--complete", help="A payments-only body whose payments you declare complete for the year (repeatable).")] = None,
    netting: Annotated[bool, typer.Option("--netting/--no-netting", help="Net off transfers between counted bodies.")] = True,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """All public spending in a place for a financial year: bottom-up from outturn, top-down from CRA, each pound once."""
    one_format(as_json, as_csv)
    keys = _by(by)
    if drill_cell and export:
        raise typer.BadParameter("use --drill or --export, not both", param_hint="--drill/--export")
    ws = open_workspace(workspace)
    with console.status(f"counting {place} {year}", spinner="dots"):
        result = count_place(ws, place, year, driver=driver, complete=complete or (), net_transfers=netting)
    if drill_cell:
        found = drill(ws, result, drill_cell, limit=None if (as_json or as_csv) else 50)
        if as_json:
            print_json(found)
        elif as_csv:
            print_csv(found["rows"], list(dict.fromkeys(k for r in found["rows"] for k in r)) or ["kind"])
        else:
            c = found["cell"]
            console.print(f"[bold]{esc(c['body_name'])}[/], {esc(c['cofog_name'])} ({c['basis']}): {pounds(c['pence'])} "
                          f"of {pounds(c['source_pence'])} ({esc(c['driver'])})")
            t = table(f"{len(found['rows'])} source rows" + (" (first 50; --json for all)" if len(found["rows"]) >= 50 else ""),
                      [("kind", "left"), ("file", "left"), ("row", "right"), ("what", "left"), ("£", "right"), ("place's part", "right")])
            for r in found["rows"]:
                what = r.get("line_name") or r.get("segment_name") or r.get("supplier") or ""
                part = r.get("place_pence", r.get("group_place_pence"))
                t.add_row(esc(r["kind"]), esc(r.get("file")), str(r.get("row", "")), esc(what), pounds(r.get("pence")),
                          pounds(part) if part is not None and r["kind"] == "outturn line" else "")
            console.print(t)
        return
    if export:
        written = export_count(result, export)
        if as_json or as_csv:
            errors.print(f"written {written}", highlight=False, markup=False)
        else:
            note(f"written {written}")
    if as_json:
        data = result.to_json()
        if keys:
            data["grouped"] = result.by(*keys)
        print_json(data)
        return
    if as_csv:
        rows = result.by(*keys) if keys else [c.to_json() for c in result.cells]
        print_csv(rows, list(dict.fromkeys(k for r in rows for k in r)))
        return
    _show(result, keys)


def _show(result: Count, keys: list[str]) -> None:
    p = result.place
    console.print(f"[bold]{esc(p['name'])}[/] ({p['code']}, {p['kind']}), {result.year}")
    console.print(f"  total {pounds(result.total_pence)} — gross {pounds(result.gross_pence)}, transfers netted "
                  f"{pounds(result.transfers_netted_pence)}")
    if result.population:
        console.print(f"  population {result.population:,} (mid-2020) — per head {pounds(result.per_head_pence)} (an estimate: "
                      "the population is not of the count's year)")
    shares = result.basis_shares()
    console.print("  basis: " + ", ".join(f"{b} {s:.1%}" for b, s in shares.items()))
    for grouping in ([keys] if keys else [["cofog"], ["body"]]):
        rows = result.by(*grouping)
        cols = [(k, "left") for k in grouping] + [("£", "right"), ("per head", "right"), ("share", "right")]
        t = table(f"By {', '.join(grouping)}" + (" (themes overlap: they do not add up to the total)" if "theme" in grouping else ""), cols)
        for r in rows[:30]:
            labels = []
            for k in grouping:
                if k == "body":
                    labels.append(esc(r["body_name"]))
                elif k == "cofog":
                    labels.append(esc(f"{r['cofog'] or '—'} {cofog_codes()[r['cofog']].plain_label if r['cofog'] in cofog_codes() else 'no function given'}"))
                else:
                    labels.append(esc(r[k]))
            t.add_row(*labels, pounds(r["pence"]), _per_head(r["pence"], result), f"{r['share']:.1%}" if "share" in r else "")
        if len(rows) > 30:
            t.caption = f"and {len(rows) - 30} more: --json or --csv for all"
        console.print(t)
    if result.missing:
        t = table(f"Not in the count ({len(result.missing)})", [("what", "left"), ("£", "right"), ("why", "left")])
        for m in result.missing:
            t.add_row(esc(m["what"]), pounds(m["pence"]) if m["pence"] is not None else "unknown", esc(m["detail"]))
        console.print(t)
    console.print("Drill into a cell: `totalplace count ... --drill CELL` (cells are listed by --json).")


@friendly_errors
def compare(
    places: Annotated[str, typer.Option("--places", help="Places to compare, comma-separated (names or GSS codes).")],
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    driver: DriverOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Places side by side: total, population, per head, and per head by COFOG division."""
    names = [p.strip() for p in places.split(",") if p.strip()]
    if len(names) < 2:
        raise typer.BadParameter("name at least two places, comma-separated", param_hint="--places")
    ws = open_workspace(workspace)
    with console.status("counting " + ", ".join(names), spinner="dots"):
        rows = compare_places(ws, names, year, driver=driver)
    if as_json:
        print_json(rows)
        return
    divisions = sorted({d for r in rows for d in r["per_head_by_cofog_pence"]}, key=lambda d: (d == "none", d))
    if as_csv:
        flat = [{**{k: v for k, v in r.items() if k not in ("per_head_by_cofog_pence", "basis_shares")},
                 **{f"per_head_{d}_pence": r["per_head_by_cofog_pence"].get(d) for d in divisions}} for r in rows]
        print_csv(flat, list(flat[0]))
        return
    t = table(f"Per head, {rows[0]['year']} (populations mid-2020: estimates)",
              [("", "left")] + [(esc(r["place"]), "right") for r in rows])
    t.add_row("total", *[pounds(r["total_pence"]) for r in rows])
    t.add_row("population", *[f"{r['population']:,}" if r["population"] else "" for r in rows])
    t.add_row("[bold]per head[/]", *[pounds(r["per_head_pence"]) for r in rows])
    for d in divisions:
        label = cofog_codes()[d].plain_label if d in cofog_codes() else "no function given"
        t.add_row(esc(f"  {d} {label}"), *[pounds(r["per_head_by_cofog_pence"].get(d)) for r in rows])
    t.add_row("bottom-up share", *[f"{r['basis_shares'].get('outturn', 0) + r['basis_shares'].get('payments', 0):.0%}" for r in rows])
    console.print(t)


@friendly_errors
def crosscheck(
    region: Annotated[str, typer.Option("--region", help="A region: a GSS code (E12000002) or a name (North West).")],
    year: YearOption,
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Councils' outturn summed over a region beside CRA's local government figure for it, by COFOG division."""
    ws = open_workspace(workspace)
    found = crosscheck_region(ws, region, year)
    if as_json:
        print_json(found)
        return
    if as_csv:
        print_csv(found["by_cofog"], ["cofog", "outturn_pence", "cra_lg_current_pence", "cra_lg_capital_pence", "difference_current_pence"])
        return
    t = table(f"{esc(found['region']['name'])} {found['year']}: outturn of {found['bodies']} bodies beside {esc(found['publication'] or 'no CRA')} local government",
              [("COFOG division", "left"), ("outturn", "right"), ("CRA LG current", "right"), ("difference", "right"), ("CRA LG capital", "right")])
    for r in found["by_cofog"] + [{"cofog": "total", **{k: found[k] for k in ("outturn_pence", "cra_lg_current_pence", "difference_current_pence", "cra_lg_capital_pence")}}]:
        label = r["cofog"] if r["cofog"] == "total" else f"{r['cofog'] or '—'} {cofog_codes()[r['cofog']].plain_label if r['cofog'] in cofog_codes() else 'no function given'}"
        t.add_row(esc(label), pounds(r["outturn_pence"]), pounds(r["cra_lg_current_pence"]), pounds(r["difference_current_pence"]),
                  pounds(r["cra_lg_capital_pence"]))
    console.print(t)
