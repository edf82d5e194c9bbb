"""`totalplace ingest PATH...`: payment files into the ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ..ingest import IngestResult, expand_paths, ingest as ingest_files
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, errors, esc, friendly_errors, pounds, print_json, reasons_text, table


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
            progress.update(task, description=esc(path.name))
            results += ingest_files(ws, [path], body=body,
                                    progress=lambda message: progress.update(task, description=esc(message)))
            progress.advance(task)
    if as_json:
        print_json([r.to_json() for r in results])
    else:
        show_results(results)
    if any(r.status == "failed" for r in results):
        raise typer.Exit(1)


def show_results(results: list[IngestResult]) -> None:
    t = table("Ingested", [("file / body", "left"), ("status", "left"), ("read", "right"), ("loaded", "right"),
                           ("rejected", "right"), ("skipped", "right"), ("loaded £", "right"),
                           ("total check", "right")])
    for r in results:
        status = {"loaded": "[green]loaded[/]", "already_loaded": "[cyan]already loaded[/]"}.get(r.status, "[red]failed[/]")
        body = f"\n[dim]{esc(r.body)}[/]" if r.body else ""
        check = "" if r.declared_total_pence is None else ("[green]✓[/]" if r.difference_pence == 0 else pounds(r.difference_pence))
        t.add_row(f"{esc(r.file)}{body}", status, f"{r.rows_read:,}", f"{r.rows_loaded:,}", f"{r.rows_rejected:,}",
                  f"{r.rows_skipped:,}", pounds(r.loaded_pence), check)
    console.print(t)
    for r in results:
        lines = []
        if r.rejected_reasons:
            lines.append(f"  rejected: {reasons_text(r.rejected_reasons)} ({pounds(r.rejected_pence)})")
        unusual = {k: v for k, v in r.skipped_reasons.items() if k != "header row"}
        if unusual:
            lines.append(f"  skipped: {reasons_text(unusual)}")
        lines += [f"  [yellow]warning:[/] {esc(w)}" for w in r.warnings]
        if r.error:
            lines.append(f"  [red]error:[/] {esc(r.error)}")
        if lines:
            console.print(f"[bold]{esc(r.file)}[/]", highlight=False)
            for line in lines:
                console.print(line, highlight=False)
    if any(r.rows_rejected for r in results):
        console.print("See rejected rows with [bold]totalplace rejects[/]; a total check shows the declared total's "
                      "difference from the rows it covers.", highlight=False)
