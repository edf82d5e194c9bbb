"""The main job: the demo place built end to end — ledger, count, estate — SYNTHETIC and labelled so."""

from __future__ import annotations

from fastapi.testclient import TestClient

import totalplace as tp
from totalplace.demo.run import run_demo
from totalplace.web import create_app


def test_the_demo_place_is_built_counted_mapped_and_served(tmp_path):
    result = run_demo(tmp_path / "demo", rows_per_file=100)
    assert all(r["status"] == "loaded" for r in result["results"]), [r["error"] for r in result["results"] if r["error"]]
    ws = tp.open_workspace(tmp_path / "demo")
    count = tp.count_place(ws, "Demoshire", "2024-25")
    # outturn £550m (county 420, districts 21 and 14, police 95) + CRA's CG £1,340m (its LG part left out)
    assert result["count"]["total_pence"] == count.total_pence == 189_000_000_000
    assert result["count"]["per_head_pence"] == 756_000  # 250,000 invented people
    assert {c.basis for c in count.cells} == {"outturn", "apportioned"}
    assert result["estate"] == {"assets": 7, "located": 7, "flags": {}}
    client = TestClient(create_app(ws))
    page = client.get("/", params={"place": "Demoshire", "year": "2024-25"})
    assert page.status_code == 200 and "SYNTHETIC DATA" in page.text and "£1,890,000,000.00" in page.text
    assert client.get("/estate", params={"place": "Northtown"}).status_code == 200
    again = run_demo(tmp_path / "demo", rows_per_file=100)
    assert {r["status"] for r in again["results"]} == {"already_loaded"}
