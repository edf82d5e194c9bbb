"""A file is ingested whole or not at all: killing an ingest, or an error in it, leaves the store as it was."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import totalplace as tp
from totalplace.demo.layouts import LAYOUTS, DemoBody
from totalplace.demo.payments import payments
from totalplace.sources import accounting
from totalplace.store.ledger import StoreBusy

BODY = DemoBody("DMC", "Demoshire County Council", "99DM", "demoshire", "county-council")


def big_file(path: Path, copies: int) -> Path:
    """A large payment file made quickly by repeating a generated block (the transaction numbers repeat)."""
    writer, _ = LAYOUTS["lga_csv"]
    block = writer(path.with_suffix(".block"), BODY, payments(5, 10_000, dt.date(2024, 4, 1))).path.read_bytes()
    header, body = block.split(b"\r\n", 1)
    with path.open("wb") as f:
        f.write(header + b"\r\n")
        for _ in range(copies):
            f.write(body)
    return path


def snapshot(ws: tp.Workspace) -> tuple:
    manifests = tp.list_sources(ws)
    summary = tp.ledger_summary(ws)
    return (sorted(m["source_id"] for m in manifests), summary["rows_loaded"], summary["loaded_pence"])


def leftovers(ws: tp.Workspace) -> list[str]:
    store = ws.store
    committed = {p.stem for p in store.sources_dir.glob("*.json")}
    orphans = [p.name for p in store.ledger_dir.iterdir() if p.name not in committed]
    return orphans + [p.name for p in store.tmp_dir.iterdir()]


@pytest.mark.slow
def test_killing_an_ingest_mid_file_leaves_the_store_as_it_was(workspace, tmp_path):
    small_writer, _ = LAYOUTS["bvacop_csv"]
    earlier = small_writer(tmp_path / "earlier.csv", BODY, payments(1, 500, dt.date(2024, 4, 1))).path
    assert tp.ingest(workspace, [earlier], body="Demoshire")[0].status == "loaded"
    before = snapshot(workspace)

    path = big_file(tmp_path / "big.csv", copies=100)  # a million rows
    script = "import sys, totalplace as tp; tp.ingest(tp.open_workspace(sys.argv[1]), [sys.argv[2]], body='Demoshire')"
    proc = subprocess.Popen([sys.executable, "-c", script, str(workspace.root), str(path)])
    staged = workspace.store.tmp_dir
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:  # wait until the part is being written, then kill
        if any(p.name.startswith("part-0.parquet") or p.suffix == ".parquet" for p in staged.rglob("*")):
            break
        time.sleep(0.01)
    else:
        proc.kill()
        pytest.fail("the ingest never started writing")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert leftovers(workspace), "the kill should have left a staged folder behind (else it came too late)"
    assert snapshot(workspace) == before  # readers never see the half-written file
    with workspace.store.writing():  # the next writer clears what the killed one left
        pass
    assert leftovers(workspace) == []
    assert snapshot(workspace) == before

    result = tp.ingest(workspace, [path], body="Demoshire")[0]
    assert result.status == "loaded" and result.rows_loaded == 1_000_000


def test_an_error_mid_file_leaves_the_store_as_it_was(workspace, tmp_path, monkeypatch):
    writer, _ = LAYOUTS["monthly_xlsx"]
    path = writer(tmp_path / "months.xlsx", BODY, payments(3, 600, dt.date(2024, 4, 1), days=90)).path
    before = snapshot(workspace)
    calls = {"n": 0}
    original = accounting.PartWriter.summarise

    def fail_on_second_sheet(self, part, layout):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(self, part, layout)

    monkeypatch.setattr(accounting.PartWriter, "summarise", fail_on_second_sheet)
    (failed,) = tp.ingest(workspace, [path], body="Demoshire")
    assert failed.status == "failed" and "RuntimeError: disk full" in failed.error
    assert snapshot(workspace) == before
    assert [p for p in workspace.store.ledger_dir.iterdir()] == []
    monkeypatch.undo()
    assert tp.ingest(workspace, [path], body="Demoshire")[0].rows_loaded == 600


def test_a_second_writer_is_told_to_wait(workspace):
    with workspace.store.writing():
        with pytest.raises(StoreBusy, match="another totalplace command"):
            with workspace.store.writing():
                pass
