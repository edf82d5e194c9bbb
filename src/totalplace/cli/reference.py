"""`totalplace reference load DIR`: the register of bodies."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..ingest import load_reference
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, print_json, table

app = typer.Typer(help="Reference data: the register of public bodies.", no_args_is_help=True)


@app.command()
@friendly_errors
def load(
    directory: Annotated[Path, typer.Argument(help="Folder holding the reference files (e.g. ../shared/data/real/reference_geography).")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Read the register of bodies (mySociety councils, NHS ICBs and CCGs) into the workspace."""
    result = load_reference(open_workspace(workspace), directory)
    if as_json:
        print_json(result)
        return
    t = table(f"Register: {result['bodies']:,} bodies", [("file", "left"), ("rows", "right")])
    for name, count in result["files"].items():
        t.add_row(esc(name), f"{count:,}")
    console.print(t)
    console.print(", ".join(f"{kind} {n:,}" for kind, n in sorted(result["by_kind"].items())), highlight=False)
    if result["ingested_files_rematched"]:
        console.print(f"Bodies of {result['ingested_files_rematched']} ingested files matched again.")
