"""Benchmark: the dashboard under 20 concurrent clients on loopback, over a 5-million-row ledger, in one run.

The workspace: 5,000,000 generated payments of the ten Greater Manchester councils (as benchmarks/count.py makes
them) plus the real RS 2017-18 return and CRA 2018 database, ingested as a user would (not timed). The server
(`totalplace serve`'s app under uvicorn, one process) runs in its own process; 20 client threads each make 10
requests of a page, back to back:

  overview     /?place=Trafford&year=2017-18 (the count of a place, with comparable places)
  explorer     /payments?body=MAN&supplier=care&amount_min=1000 (a filtered page of the ledger)
  api          /api/payments?body=TRF&cofog=10&page_size=50
  baseline     a static file of the overview page's size, served by the same server

p50/p95 latency and requests per second; the first (cold) request of each is timed apart: pages are made once
per state of the store and then answered from memory, and the cold figure says what making one costs. A last
row asks the explorer a filter not asked before with every request (what a user changing filters meets).
Target: p95 < 300 ms for pages.

    python benchmarks/serve.py [--rows 5000000]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from count import REAL, build_workspace as build_count_workspace  # the same generated ledger
from results import record

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "count"  # build_count_workspace's folder
PAGES = {
    "overview": "/?place=Trafford&year=2017-18",
    "explorer": "/payments?body=MAN&supplier=care&amount_min=1000",
    "api": "/api/payments?body=TRF&cofog=10&page_size=50",
    "baseline (static file)": "/bench-static/page.html",
}
VARIED = ("explorer, a new filter each request", "/payments?body=MAN&supplier=care")
CLIENTS, EACH = 20, 10
SERVER = """
import sys
import uvicorn
from fastapi.staticfiles import StaticFiles
import totalplace as tp
from totalplace.web import create_app
app = create_app(tp.open_workspace(sys.argv[1]))
app.mount("/bench-static", StaticFiles(directory=sys.argv[2]), name="bench-static")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[3]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(base: str) -> None:
    for _ in range(600):
        try:
            if httpx.get(base + "/static/app.css", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def load(base: str, path: str, vary: bool = False) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()

    counter = iter(range(10**9))

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            for _ in range(EACH):
                with lock:
                    n = next(counter)
                start = time.perf_counter()
                response = c.get(f"{path}&amount_min={1000 + n}" if vary else path)  # a filter not asked before
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, (path, response.status_code)
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    if not (REAL / "reference_finance").exists():
        raise SystemExit(f"the real national sources are needed: {REAL} (set TOTALPLACE_REAL)")
    print(f"generating and ingesting {args.rows:,} rows and the national sources (not timed) ...", file=sys.stderr, flush=True)
    ws = build_count_workspace(args.rows)
    static = WORK / "static"
    static.mkdir(exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(ws.root), str(static), str(port)])
    try:
        wait_until_up(base)
        rows = []
        cold: dict[str, float] = {}
        for name, path in PAGES.items():
            if name.startswith("baseline"):
                continue
            start = time.perf_counter()
            body = httpx.get(base + path, timeout=300).content
            cold[name] = time.perf_counter() - start
            if name == "overview":
                (static / "page.html").write_bytes(body)
        for name, path in PAGES.items():
            print(f"{CLIENTS} clients × {EACH} requests: {name} ...", file=sys.stderr, flush=True)
            latencies, seconds = load(base, path)
            latencies.sort()
            p95 = latencies[int(0.95 * (len(latencies) - 1))]
            rows.append((name, path, cold.get(name), statistics.median(latencies), p95, len(latencies) / seconds))
        name, path = VARIED
        print(f"{CLIENTS} clients × {EACH} requests: {name} ...", file=sys.stderr, flush=True)
        latencies, seconds = load(base, path, vary=True)
        latencies.sort()
        rows.append((name, path + "&amount_min=1000…", None, statistics.median(latencies),
                     latencies[int(0.95 * (len(latencies) - 1))], len(latencies) / seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    table = ("| page | cold s (first request) | p50 ms | p95 ms | requests/s |\n|---|---:|---:|---:|---:|\n" + "\n".join(
        f"| {name} (`{path}`) | {'' if c is None else f'{c:.2f}'} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {rps:,.0f} |"
        for name, path, c, p50, p95, rps in rows)
        + f"\n\n{args.rows:,} ledger rows; {CLIENTS} concurrent clients, {EACH} requests each, on loopback; one server process.")
    print(table)
    if not args.no_doc:
        record("serve", table)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
