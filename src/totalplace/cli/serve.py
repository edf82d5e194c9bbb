"""`totalplace serve`: the place dashboard in a browser, read-only, on this computer by default."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..workspace import open_workspace
from .options import WorkspaceOption
from .render import console, friendly_errors


@friendly_errors
def serve(
    workspace: WorkspaceOption = Path("."),
    host: Annotated[str, typer.Option("--host", help="The address to listen on: 127.0.0.1 keeps it to this computer.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="The port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard: place overview, spending explorer, money flows, estate map, sources — and /api/."""
    import uvicorn

    from ..web import create_app

    ws = open_workspace(workspace)
    if host not in ("127.0.0.1", "localhost", "::1"):
        console.print(f"[yellow]Listening on {host}: anyone who can reach this computer can read the workspace.[/]")
    console.print(f"totalplace dashboard for {ws.name}: http://{host}:{port}/  (API: http://{host}:{port}/api/docs; Ctrl-C to stop)")
    uvicorn.run(create_app(ws), host=host, port=port, log_level="warning")
