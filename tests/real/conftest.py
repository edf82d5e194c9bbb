"""The real ledger: every real payment file ingested once, as a user would, shared by the real-data tests."""

from __future__ import annotations

import pytest
from realdata import FILES

import totalplace as tp


@pytest.fixture(scope="session")
def real_ledger(tmp_path_factory, real):
    """One workspace with the real register and every real payment file, ingested as a user would."""
    ws = tp.init_workspace(tmp_path_factory.mktemp("real") / "ws", "real files")
    tp.load_reference(ws, real / "reference_geography")
    results = {}
    for rel, facts in FILES.items():
        (result,) = tp.ingest(ws, [real / rel], body=facts.get("given"))
        results[rel] = result
    return ws, results
