"""`totalplace suppliers`: each distinct supplier's counterparty decision — list, export, import, match."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..classification import refresh_after_suppliers
from ..counterparties import export_suppliers, import_suppliers, list_suppliers, match_suppliers
from ..match.matcher import COUNTERPARTY_TYPES
from ..match.suppliers import DecisionFileError
from ..workspace import open_workspace
from .options import CsvOption, JsonOption, WorkspaceOption, one_format
from .render import console, esc, friendly_errors, pounds, print_csv, print_json, table

app = typer.Typer(help="Who is paid: each distinct supplier's counterparty type and matched public body.")
COLUMNS = ["supplier", "counterparty_type", "body_id", "body_name", "confidence", "method", "payments", "pence"]


@app.callback(invoke_without_command=True)
@friendly_errors
def suppliers(
    ctx: typer.Context,
    workspace: WorkspaceOption = Path("."),
    unmatched: Annotated[bool, typer.Option("--unmatched", help="Only suppliers of unknown kind, or public with no body.")] = False,
    kind: Annotated[Optional[str], typer.Option("--type", help=f"Only one counterparty type: {', '.join(COUNTERPARTY_TYPES)}.")] = None,
    limit: Annotated[Optional[int], typer.Option("--limit", min=0, help="At most this many (0: all). Default 50 in a table, all for --json/--csv.")] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
) -> None:
    """List each distinct supplier with its decision: type, body, confidence, method, payments and pounds."""
    if ctx.invoked_subcommand is not None:
        return
    if kind and kind not in COUNTERPARTY_TYPES:
        raise typer.BadParameter(f"'{kind}' is not one of {', '.join(COUNTERPARTY_TYPES)}", param_hint="--type")
    one_format(as_json, as_csv)
    if limit is None:
        limit = 0 if (as_json or as_csv) else 50
    rows = list_suppliers(open_workspace(workspace), unmatched=unmatched, counterparty_type=kind, limit=limit or None)
    if as_json:
        print_json(rows)
        return
    if as_csv:
        print_csv(rows, COLUMNS)
        return
    t = table(f"{len(rows)} suppliers, largest first" + (" (use --limit 0 for all)" if limit and len(rows) == limit else ""),
              [("supplier", "left"), ("type", "left"), ("body", "left"), ("how", "left"), ("payments", "right"), ("paid", "right")])
    for r in rows:
        body = f"{esc(r['body_name'])} [dim]({esc(r['body_id'])})[/]" if r["body_id"] else ""
        how = f"{esc(r['method'])} {r['confidence']:.2f}" if r["method"] else ""
        t.add_row(esc(r["supplier"]), esc(r["counterparty_type"] or ""), body, how, f"{r['payments']:,}", pounds(r["pence"]))
    console.print(t)


@app.command()
@friendly_errors
def export(
    file: Annotated[Path, typer.Argument(help="A CSV to correct in a spreadsheet and import back.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Write every supplier's decision to a CSV (supplier, counterparty_type, body_id, … note)."""
    count = export_suppliers(open_workspace(workspace), file)
    console.print(f"Wrote {count:,} suppliers to {esc(file)}. Correct counterparty_type and body_id (and add a note), "
                  "then `totalplace suppliers import` it.", highlight=False)


@app.command("import")
@friendly_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A corrected export.")],
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Record people's decisions from a corrected export; a person's decision wins over the matcher, always."""
    try:
        ws = open_workspace(workspace)
        report = import_suppliers(ws, file)
        refresh_after_suppliers(ws)
    except DecisionFileError as exc:
        raise typer.BadParameter(str(exc)) from exc
    console.print(f"Read {report.rows:,} rows: {report.recorded:,} decisions recorded, {report.cleared:,} cleared, "
                  f"{report.unchanged:,} the same as the matcher's (not recorded).")


@app.command()
@friendly_errors
def match(workspace: WorkspaceOption = Path(".")) -> None:
    """Decide every supplier again against the register (ingest and reference load do this themselves)."""
    ws = open_workspace(workspace)
    counts = match_suppliers(ws)
    refresh_after_suppliers(ws)
    console.print(", ".join(f"{k} {v:,}" for k, v in counts.items()) or "no suppliers yet")
