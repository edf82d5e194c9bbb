"""`totalplace sources`: the ingested files and their accounting."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..ledger import list_sources
from ..workspace import open_workspace
from .options import JsonOption, WorkspaceOption
from .render import console, esc, friendly_errors, note, pounds, print_json, reasons_text, table


@friendly_errors
def sources(
    workspace: WorkspaceOption = Path("."),
    as_json: JsonOption = False,
    detail: Annotated[bool, typer.Option("--detail", help="Also show each file's columns, sheets and notes.")] = False,
) -> None:
    """List ingested files: rows read, loaded, rejected and skipped, pounds, and the declared total check (payment
    files, and national sources such as RS returns and CRA databases, marked with their dataset)."""
    manifests = list_sources(open_workspace(workspace))
    if as_json:
        print_json(manifests)
        return
    if not manifests:
        console.print("No files ingested yet: run [bold]totalplace ingest FILE...[/]", highlight=False)
        return
    t = table(f"{len(manifests)} files", [
        ("file / body", "left"), ("read", "right"), ("loaded", "right"), ("rejected", "right"), ("skipped", "right"),
        ("loaded £", "right"), ("total check", "right"), ("dates", "left")])
    for m in manifests:
        dataset = m.get("dataset", "payments")
        kind = "" if dataset == "payments" else f"{dataset}, {m.get('records', 0):,} records · "
        body = f"\n[dim]{esc(m.get('body') or '')} · {esc(kind)}{esc(m['format'])} {esc(m.get('encoding') or '')}[/]"
        declared = m.get("declared_total_pence")
        check = "" if declared is None else ("[green]✓[/]" if m.get("difference_pence") == 0 else pounds(m.get("difference_pence")))
        t.add_row(f"{esc(m['file'])}{body}", f"{m['rows_read']:,}", f"{m['rows_loaded']:,}", f"{m['rows_rejected']:,}",
                  f"{m['rows_skipped']:,}", pounds(m["loaded_pence"]), check,
                  f"{m.get('date_min') or (m.get('years') or [''])[0]}\n{m.get('date_max') or (m.get('years') or [''])[-1]}")
    console.print(t)
    if detail:
        for m in manifests:
            console.print(f"\n[bold]{esc(m['file'])}[/]  source {m['source_id']}  sha256 {m['sha256']}", highlight=False)
            note(f"  {m.get('path') or m.get('container') or ''}")
            note(f"  body: {m.get('body') or '—'}" + (f" (given: {m['body_given']})" if m.get("body_given") else ""))
            note(f"  format {m['format']}, encoding {m.get('encoding') or '—'}, delimiter {m.get('delimiter')!r}, "
                 f"line endings {m.get('line_endings') or '—'}")
            note(f"  rejected £: {pounds(m['rejected_pence'])}; declared total: {pounds(m.get('declared_total_pence')) or 'none'}; "
                 f"difference: {pounds(m.get('difference_pence')) or '—'}")
            if m.get("dataset") in ("assets", "boundaries"):
                note(f"  {m['dataset']}: {m.get('records', 0):,} records in {m.get('table')}"
                     + (f" ({m['kind']})" if m.get("kind") else ""))
                for role, header in m.get("columns", {}).items():
                    note(f"    {role:<18} ← {header}")
                if m.get("extra_columns"):
                    note(f"    kept as extra: {', '.join(m['extra_columns'])}")
                for what in ("flags", "rejected_reasons"):
                    if m.get(what):
                        console.print(f"    {what.replace('_', ' ')}: {reasons_text(m[what])}", highlight=False)
                if m.get("coordinates"):
                    note(f"    coordinates: {m['coordinates']}")
            elif m.get("dataset", "payments") != "payments":
                note(f"  {m['dataset']}: {m.get('records', 0):,} records in {m.get('table')}; unit {m.get('unit')} "
                     f"(\"{m.get('unit_statement') or ''}\"); years {', '.join(m.get('years', []))}")
            if m.get("dataset", "payments") != "payments":
                if m.get("declared_total_what"):
                    note(f"  declared total: {m['declared_total_what']}")
                for sheet in m.get("sheets", []):
                    note(f"  sheet '{sheet}': read")
                for sheet, why in m.get("skipped_sheets", {}).items():
                    note(f"  sheet '{sheet}': skipped, {why}")
                for what in ("skipped", "rejected"):
                    if m.get(f"cells_{what}"):
                        console.print(f"    cells {what}: {reasons_text(m[f'cells_{what}'])}", highlight=False)
                if m.get("skipped_reasons"):
                    console.print(f"    rows skipped: {reasons_text(m['skipped_reasons'])}", highlight=False)
                for n in m.get("notes", []):
                    note(f"    note: {n}")
            if m.get("override"):
                note(f"  override: {m['override']['path']} — {m['override']['why']}")
            for part in m["parts"]:
                where = f"sheet '{part['sheet']}'" if part.get("sheet") else "table"
                note(f"  {where}: header row {part.get('header_row')}, rows {part['rows_read']:,}")
                for role, header in part.get("columns", {}).items():
                    note(f"    {role:<18} ← {header}")
                if part.get("extra_columns"):
                    note(f"    kept as extra: {', '.join(part['extra_columns'])}")
                for n in part.get("notes", []):
                    note(f"    note: {n}")
                if part.get("skipped_reasons"):
                    console.print(f"    skipped: {reasons_text(part['skipped_reasons'])}", highlight=False)
                if part.get("rejected_reasons"):
                    console.print(f"    rejected: {reasons_text(part['rejected_reasons'])}", highlight=False)
            for w in m.get("warnings", []):
                console.print(f"  [yellow]warning:[/] {esc(w)}", highlight=False)
