"""Options shared by every command, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

WorkspaceOption = Annotated[
    Path,
    typer.Option("-w", "--workspace", help="The workspace folder (made by `totalplace init`).", show_default="current folder"),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts instead of tables.")]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV instead of tables.")]


def one_format(as_json: bool, as_csv: bool) -> None:
    """--json and --csv are two answers to one question: refuse both at once."""
    if as_json and as_csv:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--json/--csv")
