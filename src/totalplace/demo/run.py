"""The main job: build the demo place's ledger from its (synthetic) published files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..ingest import IngestResult, ingest, load_reference
from ..ledger import ledger_summary
from ..workspace import CONFIG_FILE, WorkspaceError, init_workspace, open_workspace
from .payments import SYNTHETIC_LABEL
from .place import write_demo_place, write_register
from .sources import YEAR, write_estate, write_national
from ..count import count_place
from ..estate import estate_summary


DEMO_NAME = "Demoshire (synthetic demo)"


def run_demo(folder: Path, rows_per_file: int = 2000, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Write Demoshire's files into `folder`, make it a workspace, load its register, ingest everything.

    Files without a body column are ingested with the body their layout's publisher would be given.
    Running it again gives the same files, which are then reported as already loaded.
    """
    say = progress or (lambda message: None)
    if (folder / CONFIG_FILE).exists() and open_workspace(folder).name != DEMO_NAME:
        raise WorkspaceError(
            f"{folder} is already a workspace ('{open_workspace(folder).name}'); the demo would mix synthetic data "
            "into it and replace its register. Choose another folder for the demo."
        )
    say("writing the demo place's files")
    written = write_demo_place(folder, rows_per_file)
    write_register(folder / "reference", populations=True)
    national = write_national(folder / "reference")
    estate = write_estate(folder / "inputs" / "estate")
    ws = init_workspace(folder, DEMO_NAME)
    say("loading the demo register")
    load_reference(ws, folder / "reference")
    results: list[IngestResult] = []
    for w in written:
        results += ingest(ws, [w.path], body=w.body_given, progress=say)
    results += ingest(ws, national, progress=say)
    for path, body in estate:
        results += ingest(ws, [path], body=body or None, progress=say)
    say("counting Demoshire")
    count = count_place(ws, "E10999001", YEAR)
    return {
        "count": {"place": count.place, "year": count.year, "total_pence": count.total_pence,
                  "per_head_pence": count.per_head_pence, "basis": count.basis_shares(), "missing": len(count.missing)},
        "estate": {k: v for k, v in estate_summary(ws, "E10999001").items() if k in ("assets", "located", "flags")},
        "label": SYNTHETIC_LABEL,
        "workspace": str(ws.root),
        "written": [{"file": w.path.name, "layout": w.layout, "rows": w.rows, "total_pence": w.total_pence} for w in written],
        "results": [r.to_json() for r in results],
        "summary": ledger_summary(ws),
    }
