"""`totalplace sources`: the ingested files and their accounting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..ledger import list_sources
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, friendly_errors, pounds, print_json, reasons_text, table


@friendly_errors
def sources(
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
    detail: Annotated[bool, typer.Option("--detail", help="Also show each file's columns, sheets and notes.")] = False,
) -> None:
    """List ingested files: rows read, loaded, rejected and skipped, pounds, and the declared total check."""
    manifests = list_sources(open_workspace(workspace))
    if as_json:
        print_json(manifests)
        return
    if not manifests:
        console.print("No files ingested yet: run [bold]totalplace ingest FILE...[/]", highlight=False)
        return
    t = table(f"{len(manifests)} files", [
        ("file", "left"), ("body", "left"), ("format", "left"), ("read", "right"), ("loaded", "right"),
        ("rejected", "right"), ("skipped", "right"), ("loaded £", "right"), ("rejected £", "right"),
        ("declared total", "right"), ("difference", "right"), ("dates", "left")])
    for m in manifests:
        t.add_row(m["file"], m.get("body") or "", f"{m['format']} {m.get('encoding') or ''}".strip(),
                  f"{m['rows_read']:,}", f"{m['rows_loaded']:,}", f"{m['rows_rejected']:,}", f"{m['rows_skipped']:,}",
                  pounds(m["loaded_pence"]), pounds(m["rejected_pence"]), pounds(m.get("declared_total_pence")),
                  pounds(m.get("difference_pence")), f"{m.get('date_min') or ''} to {m.get('date_max') or ''}")
    console.print(t)
    if detail:
        for m in manifests:
            console.print(f"\n[bold]{m['file']}[/]  sha256 {m['sha256'][:16]}…  source {m['source_id']}", highlight=False)
            if m.get("override"):
                console.print(f"  override: {m['override']['path']} — {m['override']['why']}", highlight=False)
            for part in m["parts"]:
                where = f"sheet '{part['sheet']}'" if part.get("sheet") else "table"
                console.print(f"  {where}: header row {part.get('header_row')}, rows {part['rows_read']:,}", highlight=False)
                for role, header in part.get("columns", {}).items():
                    console.print(f"    {role:<18} ← {header}", highlight=False)
                if part.get("extra_columns"):
                    console.print(f"    kept as extra: {', '.join(part['extra_columns'])}", highlight=False)
                for note in part.get("notes", []):
                    console.print(f"    note: {note}", highlight=False)
                if part.get("skipped_reasons"):
                    console.print(f"    skipped: {reasons_text(part['skipped_reasons'])}", highlight=False)
                if part.get("rejected_reasons"):
                    console.print(f"    rejected: {reasons_text(part['rejected_reasons'])}", highlight=False)
            for w in m.get("warnings", []):
                console.print(f"  [yellow]warning:[/] {w}", highlight=False)
