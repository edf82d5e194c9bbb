"""The ledger as the count needs it: payments summed by payer, payee, kind of transfer, function and month.

A count asks the ledger three things (a declared-complete body's spending, transfers between counted bodies,
which payments-only bodies are present), each for one year. On a ledger of millions of rows, answering them
from the rows every time would cost seconds per place; the summary is a few thousand rows. It is built once
per state of the store (the files ingested, supplier matches, classification decisions) and kept under
store/count/, so a warm count reads only the summary; any change to the store makes a new one.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from ..engine import Engine
from ..store.ledger import Store

FLOWS_SQL = "SELECT * FROM payment_flows"  # the view store/ledger.py defines over the loaded payments


def open_flows(store: Store, engine: Engine) -> Path:
    """Create the view `flows` (the summary), building it first if the store has changed since it was built.
    Expects the ledger views to be open on `engine`."""
    folder = store.root / "count"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"flows-{store.state()}.parquet"
    if not path.exists():
        tmp = folder / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.partial"  # threads of one server share a pid
        engine.copy_parquet(FLOWS_SQL, tmp)
        os.replace(tmp, path)
        for old in folder.glob("flows-*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    engine.execute(f"CREATE OR REPLACE TEMP VIEW flows AS SELECT * FROM read_parquet('{path}')")
    return path
