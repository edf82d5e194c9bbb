"""`totalplace rejects`: rejected rows (and skipped ones), with reasons and the raw row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..ledger import list_rejects
from ..workspace import open_workspace
from .options import CsvOption, JsonOption, WorkspaceOption, one_format
from .render import console, esc, friendly_errors, pounds, print_csv, print_json, table

COLUMNS = ["file", "sheet", "row", "status", "reason", "detail", "amount_pence", "raw"]


@friendly_errors
def rejects(
    workspace: WorkspaceOption = Path("."),
    file: Annotated[Optional[str], typer.Option("--file", help="Only files whose name contains this.")] = None,
    reason: Annotated[Optional[str], typer.Option("--reason", help="Only reasons containing this.")] = None,
    skipped: Annotated[bool, typer.Option("--skipped", help="Show skipped rows (blank, header, total…) too.")] = False,
    limit: Annotated[
        Optional[int],
        typer.Option("--limit", min=0, help="At most this many rows; 0 for all. Default: 100 in a table, all for --json/--csv."),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """Show rows that were not loaded: why, and the row as the file had it."""
    one_format(as_json, as_csv)
    if limit is None:
        limit = 0 if (as_json or as_csv) else 100
    rows = list_rejects(open_workspace(workspace), file=file, reason=reason, include_skipped=skipped, limit=limit or None)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, COLUMNS)
        return
    if not rows:
        console.print("No rejected rows." if not skipped else "No rejected or skipped rows.")
        return
    t = table(f"{len(rows)} rows" + (" (limited: use --limit 0 for all)" if limit and len(rows) == limit else ""),
              [("file", "left"), ("sheet", "left"), ("row", "right"), ("status", "left"), ("reason", "left"),
               ("detail", "left"), ("amount", "right"), ("raw row", "left")])
    for r in rows:
        raw = " | ".join(c for c in (r["raw"] or []) if c is not None)
        t.add_row(esc(r["file"]), esc(r["sheet"] or ""), str(r["row"]), r["status"], esc(r["reason"]),
                  esc(r["detail"] or ""), pounds(r["amount_pence"]), esc(raw[:100]))
    console.print(t)
