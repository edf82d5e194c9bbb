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
per state of the store and then answered from memory, and the cold figure says what making one costs. The last
two rows ask the explorer a filter not asked before with every request (a body or none, words of a supplier's
name or none, a quarter, a least amount, a sort): one client alone (what a person changing filters meets), then
20 at once.
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

from totalplace import explore

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "count"  # build_count_workspace's folder
PAGES = {
    "overview": "/?place=Trafford&year=2017-18",
    "explorer": "/payments?body=MAN&supplier=care&amount_min=1000",
    "api": "/api/payments?body=TRF&cofog=10&page_size=50",
    "baseline (static file)": "/bench-static/page.html",
}
VARIED = "explorer, a new filter each request"
VARIED_BODIES = ["BOL", "BUR", "MAN", "OLD", "RCH", "SLF", "SKP", "TAM", "TRF", "WGN", ""]
VARIED_WORDS = ["care", "ltd", "taxis", "legal", "energy", "security", "", "council", "oak", "foster"]
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


def varied(n: int) -> str:
    """The n-th of a run of explorer filters never asked before: a body (or none), words of a supplier's name (or
    none), a month, a least amount (£500 to £1,499), and a sort."""
    month = 4 + n % 7
    return (f"/payments?body={VARIED_BODIES[n % len(VARIED_BODIES)]}&supplier={VARIED_WORDS[n // 11 % len(VARIED_WORDS)]}"
            f"&date_from=2017-{month:02d}-01&date_to=2017-{month + 2:02d}-28&amount_min={500 + n % 1000}"
            f"&sort={('amount', 'date', 'supplier')[n % 3]}")


def load(base: str, path: str, vary: bool = False, clients: int = CLIENTS, first: int = 0) -> tuple[list[float], float]:
    """`clients` threads each asking EACH times (or 200 times, alone): latencies and the seconds it all took."""
    latencies: list[float] = []
    lock = threading.Lock()
    each = EACH if clients > 1 else CLIENTS * EACH
    counter = iter(range(first, 10**9))

    def client() -> None:
        with httpx.Client(base_url=base, timeout=120) as c:
            for _ in range(each):
                with lock:
                    n = next(counter)
                start = time.perf_counter()
                response = c.get(varied(n) if vary else path)
                elapsed = time.perf_counter() - start
                assert response.status_code == 200, (path, response.status_code)
                with lock:
                    latencies.append(elapsed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
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
        started = time.perf_counter()
        print("waiting for the explorer's copy of the ledger ...", file=sys.stderr, flush=True)
        while not explore.prepared_path(ws).exists():  # the server writes it in the background once it starts
            time.sleep(0.1)
        ready = time.perf_counter() - started
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
        for clients, first in ((1, 100_000), (CLIENTS, 0)):  # one person changing filters; then twenty at once
            name = f"{VARIED}, {'one client' if clients == 1 else f'{clients} clients'}"
            print(f"{name} ...", file=sys.stderr, flush=True)
            latencies, seconds = load(base, "", vary=True, clients=clients, first=first)
            latencies.sort()
            rows.append((name, varied(first) + "…", None, statistics.median(latencies),
                         latencies[int(0.95 * (len(latencies) - 1))], len(latencies) / seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    table = ("| page | cold s (first request) | p50 ms | p95 ms | requests/s |\n|---|---:|---:|---:|---:|\n" + "\n".join(
        f"| {name} (`{path}`) | {'' if c is None else f'{c:.2f}'} | {p50 * 1000:.0f} | {p95 * 1000:.0f} | {rps:,.0f} |"
        for name, path, c, p50, p95, rps in rows)
        + f"\n\n{args.rows:,} ledger rows; {CLIENTS} concurrent clients, {EACH} requests each, on loopback; one server process. "
        f"The explorer's copy of the ledger was ready {ready:.1f} s after the server started (timed from its first answer).")
    print(table)
    if not args.no_doc:
        record("serve", table)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
