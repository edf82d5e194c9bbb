"""`totalplace ingest PATH...`: payment files into the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..ingest import IngestResult, expand_paths, ingest as ingest_files
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, errors, friendly_errors, pounds, print_json, reasons_text, table


@friendly_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or ZIP archives of payment files.")],
    workspace: WorkspaceOption = Path("."),
    body: Annotated[
        Optional[str],
        typer.Option("--body", help="Whose spending the files are, by name or code, for files that do not say."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Ingest payment files as published: every row is loaded, rejected or skipped, each with a reason."""
    ws = open_workspace(workspace)
    files = list(expand_paths(paths))
    results: list[IngestResult] = []
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True, disable=not errors.is_terminal) as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path in files:
            progress.update(task, description=f"{path.name}")
            results += ingest_files(ws, [path], body=body,
                                    progress=lambda message: progress.update(task, description=message))
            progress.advance(task)
    if as_json:
        print_json([r.to_json() for r in results])
    else:
        show_results(results)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def show_results(results: list[IngestResult]) -> None:
    t = table("Ingested", [("file", "left"), ("status", "left"), ("body", "left"), ("read", "right"),
                           ("loaded", "right"), ("rejected", "right"), ("skipped", "right"), ("loaded £", "right"),
                           ("declared total", "right"), ("difference", "right")])
    for r in results:
        status = {"loaded": "[green]loaded[/]", "already_loaded": "[cyan]already loaded[/]"}.get(r.status, "[red]failed[/]")
        t.add_row(r.file, status, r.body or "", f"{r.rows_read:,}", f"{r.rows_loaded:,}", f"{r.rows_rejected:,}",
                  f"{r.rows_skipped:,}", pounds(r.loaded_pence), pounds(r.declared_total_pence),
                  pounds(r.difference_pence))
    console.print(t)
    for r in results:
        notes = []
        if r.rejected_reasons:
            notes.append(f"  rejected: {reasons_text(r.rejected_reasons)} ({pounds(r.rejected_pence)})")
        unusual = {k: v for k, v in r.skipped_reasons.items() if k != "header row"}
        if unusual:
            notes.append(f"  skipped: {reasons_text(unusual)}")
        notes += [f"  [yellow]warning:[/] {w}" for w in r.warnings]
        if r.error:
            notes.append(f"  [red]error:[/] {r.error}")
        if notes:
            console.print(f"[bold]{r.file}[/]", highlight=False)
            for n in notes:
                console.print(n, highlight=False)
    if any(r.rows_rejected for r in results):
        console.print("See rejected rows with [bold]totalplace rejects[/].", highlight=False)
