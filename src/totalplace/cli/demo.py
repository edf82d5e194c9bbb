"""`totalplace demo run|generate`: the synthetic demo place, and files of any size in real layouts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from ..demo.layouts import LAYOUTS
from ..demo.payments import SYNTHETIC_LABEL, payments
from ..demo.place import COUNTY
from ..demo.run import run_demo
from ..ingest import IngestResult
from .ingest import show_results
from .ledger import show_summary
from .options import JsonOption
from .render import console, errors, friendly_errors, pounds, print_json

app = typer.Typer(help=f"The demo place ({SYNTHETIC_LABEL}).", no_args_is_help=True)


@app.command()
@friendly_errors
def run(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo workspace.")] = Path("demo-place"),
    rows: Annotated[int, typer.Option("--rows", help="Payments per file.", min=1)] = 2000,
    as_json: JsonOption = False,
) -> None:
    """Build the demo place (SYNTHETIC): write its payment files, national sources and estate, ingest them, count
    Demoshire and print the ledger, the count and the estate."""
    with errors.status("building the demo place…") as status:
        result = run_demo(directory, rows, progress=lambda message: status.update(message))
    if as_json:
        print_json(result)
        return
    console.print(f"[bold yellow]{SYNTHETIC_LABEL}[/]", highlight=False)
    show_results([IngestResult(**r) for r in result["results"]])
    show_summary(result["summary"], title=f"Ledger of the demo place — {SYNTHETIC_LABEL}")
    c = result["count"]
    console.print(f"[bold]Count of {c['place']['name']} {c['year']}[/] ({SYNTHETIC_LABEL}): {pounds(c['total_pence'])}, "
                  f"{pounds(c['per_head_pence'])} a head; " + ", ".join(f"{b} {s:.0%}" for b, s in c["basis"].items())
                  + f"  (totalplace count --place Demoshire --year {c['year']} -w {directory})", highlight=False)
    e = result["estate"]
    console.print(f"[bold]Estate[/]: {e['assets']} assets, {e['located']} located  (totalplace estate colocate --place Demoshire -w {directory})",
                  highlight=False)
    console.print(f"Workspace: {result['workspace']}  (dashboard: totalplace serve -w {directory})", highlight=False)


@app.command()
@friendly_errors
def generate(
    file: Annotated[Path, typer.Argument(help="The file to write.")],
    layout: Annotated[str, typer.Option("--layout", help=f"One of: {', '.join(LAYOUTS)}.")] = "lga_csv",
    rows: Annotated[int, typer.Option("--rows", help="How many payments.", min=1)] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="The same seed gives the same file.")] = 1,
) -> None:
    """Write one synthetic payment file of any size in a real publisher's layout (for tests and benchmarks)."""
    if layout not in LAYOUTS:
        raise typer.BadParameter(f"unknown layout '{layout}'; choose one of: {', '.join(LAYOUTS)}", param_hint="--layout")
    writer, suffix = LAYOUTS[layout]
    if file.suffix.lower() != suffix:
        raise typer.BadParameter(f"layout '{layout}' writes {suffix} files; name the file …{suffix}", param_hint="FILE")
    file.parent.mkdir(parents=True, exist_ok=True)
    written = writer(file, COUNTY, payments(seed, rows, dt.date(2024, 4, 1), days=365))
    console.print(f"Wrote {written.rows:,} payments ({pounds(written.total_pence)}) to {file} — {SYNTHETIC_LABEL}",
                  highlight=False)
