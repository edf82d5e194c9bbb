"""`totalplace ledger summary|export`: the ledger as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..ledger import export_ledger, ledger_summary
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, pounds, print_json, table

app = typer.Typer(help="The ledger: a summary, or an export of every loaded row.", no_args_is_help=True)


@app.command()
@friendly_errors
def summary(workspace: WorkspaceOption = Path("."), as_json: JsonOption = False) -> None:
    """Totals by body, and the accounting of every row read."""
    data = ledger_summary(open_workspace(workspace))
    if as_json:
        print_json(data)
        return
    show_summary(data)


def show_summary(data: dict, title: str | None = None) -> None:
    t = table(title or f"Ledger of '{data['workspace']}'", [("body", "left"), ("code", "left"), ("files", "right"),
                                                           ("payments", "right"), ("total", "right"), ("from", "left"), ("to", "left")])
    for b in data["bodies"]:
        t.add_row(esc(b["body_name"] or "(unknown)"), esc(b["body_id"] or "—"), f"{b['files']:,}", f"{b['rows']:,}",
                  pounds(b["pence"]), b["date_min"] or "", b["date_max"] or "")
    t.add_section()
    t.add_row("[bold]all bodies[/]", "", f"{data['files']:,}", f"{data['rows_loaded']:,}", pounds(data["loaded_pence"]), "", "")
    console.print(t)
    console.print(
        f"Rows read {data['rows_read']:,} = loaded {data['rows_loaded']:,} + rejected {data['rows_rejected']:,} "
        f"({pounds(data['rejected_pence'])}) + skipped {data['rows_skipped']:,}. "
        f"Redacted payees: {data['redacted_rows']:,} payments, {pounds(data['redacted_pence'])}.",
        highlight=False,
    )


@app.command()
@friendly_errors
def export(
    file: Annotated[Path, typer.Argument(help="Where to write: .csv, .parquet or .xlsx.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write every loaded row with its body, date, amount, supplier, other columns and source file, sheet and row."""
    rows = export_ledger(open_workspace(workspace), file)
    console.print(f"Wrote {rows:,} rows to {file}")
