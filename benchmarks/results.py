"""Recording a benchmark's results in docs/benchmarks.md, between its markers, with when and where measured."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def record(name: str, table: str) -> None:
    """Replace the block between `<!-- NAME-results:start -->` and `<!-- NAME-results:end -->`."""
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    block = (f"<!-- {name}-results:start -->\nMeasured {dt.date.today().isoformat()} on {machine} "
             f"by `python benchmarks/{name}.py`:\n\n{table}\n<!-- {name}-results:end -->")
    doc = DOC.read_text(encoding="utf-8")
    pattern = rf"<!-- {name}-results:start -->.*?<!-- {name}-results:end -->"
    if not re.search(pattern, doc, flags=re.S):
        raise SystemExit(f"docs/benchmarks.md has no {name}-results markers to write between")
    DOC.write_text(re.sub(pattern, lambda m: block, doc, flags=re.S), encoding="utf-8")
