"""`totalplace init DIR`: make a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..workspace import init_workspace
from .render import console, friendly_errors


@friendly_errors
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the study (made if missing).")],
    name: Annotated[Optional[str], typer.Option("--name", help="The study's name (default: the folder's name).")] = None,
) -> None:
    """Make a workspace: a study folder with its settings, override files and store."""
    ws = init_workspace(directory, name)
    console.print(f"Workspace [bold]{ws.name}[/] ready at {ws.root}")
    console.print("Next: [bold]totalplace reference load DIR[/] to load the register of bodies, "
                  "then [bold]totalplace ingest FILE...[/]", highlight=False)
