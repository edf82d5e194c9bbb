"""The ledger as the count needs it: payments summed by payer, payee, kind of transfer, function and month.

A count asks the ledger three things (a declared-complete body's spending, transfers between counted bodies,
which payments-only bodies are present), each for one year. On a ledger of millions of rows, answering them
from the rows every time would cost seconds per place; the summary is a few thousand rows. It is built once
per state of the store (the files ingested, supplier matches, classification decisions) and kept under
store/count/, so a warm count reads only the summary; any change to the store makes a new one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..engine import Engine
from ..store.ledger import Store

FLOWS_SQL = "SELECT * FROM payment_flows"  # the view store/ledger.py defines over the loaded payments


def _fingerprint(store: Store) -> str:
    """What the summary depends on: every committed file, and the decisions joined into the ledger view."""
    digest = hashlib.sha256()
    for manifest in sorted(store.sources_dir.glob("*.json")):
        stat = manifest.stat()
        digest.update(f"{manifest.name}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    for path in (store.root / "suppliers" / "matches.parquet", store.root / "classify" / "labels.parquet",
                 store.root / "classify" / "details.parquet"):
        if path.exists():
            stat = path.stat()
            digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size};".encode())
    return digest.hexdigest()[:16]


def open_flows(store: Store, engine: Engine) -> Path:
    """Create the view `flows` (the summary), building it first if the store has changed since it was built.
    Expects the ledger views to be open on `engine`."""
    folder = store.root / "count"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"flows-{_fingerprint(store)}.parquet"
    if not path.exists():
        tmp = folder / f".{path.name}.{os.getpid()}.partial"
        engine.copy_parquet(FLOWS_SQL, tmp)
        os.replace(tmp, path)
        for old in folder.glob("flows-*.parquet"):
            if old != path:
                old.unlink(missing_ok=True)
    engine.execute(f"CREATE OR REPLACE TEMP VIEW flows AS SELECT * FROM read_parquet('{path}')")
    return path
