"""`totalplace forget FILE|SOURCE_ID...`: take files out of the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..ingest import forget as forget_files
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, print_json


@friendly_errors
def forget(
    which: Annotated[list[str], typer.Argument(help="Files by name as `totalplace sources` shows them, or source ids.")],
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Take files out of the ledger (all their rows and accounting), e.g. to ingest one again with another --body."""
    removed = forget_files(open_workspace(workspace), which)
    if as_json:
        print_json([{"file": m["file"], "source_id": m["source_id"], "rows_loaded": m["rows_loaded"]} for m in removed])
        return
    for m in removed:
        what = "payments" if m.get("dataset", "payments") == "payments" else f"{m['dataset']} rows ({m.get('records', 0):,} records)"
        console.print(f"Forgot {esc(m['file'])} ({m['source_id']}): {m['rows_loaded']:,} {what} removed", highlight=False)
