"""Benchmark: counting a place, and every place of a region, over a 10-million-row ledger plus the real
national sources (RS outturn 2017-18, CRA 2018), in one run.

The ledger is generated (deterministic) in the LGA layout for the ten Greater Manchester councils, with
payments dated across 2017-18 to suppliers among which are other public bodies of the region (so transfers
are found and netted); it is ingested as a user would, with the real register and national sources.

  totalplace   count_place(Trafford, 2017-18): cold (the first count after the ledger changed, which
               summarises the ledger's payments once) and warm (the median of five further counts); then a
               count of every district of the North West, warm
  baseline     a bare DuckDB aggregate over the same ledger's stored Parquet rows: payments summed by body,
               payee and month — the least any count that reads the ledger must do

Rates are ledger rows per second; the cold count's rate against the bare aggregate's is the ratio the target
speaks of (>= 0.3), and a warm count of one place must take under a second.

    python benchmarks/count.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import duckdb
from results import record

import totalplace as tp
from totalplace.count.area import districts_in_year
from totalplace.count.year import FinancialYear
from totalplace.engine import Engine
from totalplace.store.ledger import summary_sql

HERE = Path(__file__).resolve().parent
REAL = Path(os.environ.get("TOTALPLACE_REAL", HERE.parent.parent / "shared" / "data" / "real"))
WORK = HERE / "work" / "count"
COUNCILS = ["Bolton", "Bury", "Manchester", "Oldham", "Rochdale", "Salford", "Stockport", "Tameside", "Trafford", "Wigan"]
PUBLIC_PAYEES = ["Greater Manchester Combined Authority", "Transport for Greater Manchester",
                 "Manchester University NHS Foundation Trust", "Salford Royal NHS Foundation Trust",
                 "NHS Trafford CCG", "Bolton NHS Foundation Trust", "Stockport NHS Foundation Trust",
                 "Greater Manchester Fire and Rescue Authority", "Pennine Care NHS Foundation Trust", "HM Revenue & Customs",
                 "Greater Manchester Pension Fund"] + [f"{c} Council" for c in COUNCILS]
SUPPLIERS = [f"{a} {b}" for a in ("Acme", "Northern", "Premier", "Crown", "Oak", "Summit", "Castle", "Beacon", "Willow")
             for b in ("Care Ltd", "Construction Ltd", "Consulting", "Cleaning Services", "Taxis", "Fostering Ltd",
                       "Legal LLP", "Energy plc", "IT Solutions", "Security")]
SERVICES = ["Adult Social Care", "Children's Services", "Highways", "Waste Collection", "Libraries", "Public Health",
            "Housing Options", "Corporate Finance", "Planning", "Education"]
EXPENSES = ["Third Party Payments", "Supplies and Services", "Premises", "Transport", "Employees", "Grants"]


def generate(path: Path, rows: int) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 2")
    payees = PUBLIC_PAYEES + SUPPLIERS
    con.execute(f"""
        COPY (
          WITH r AS (SELECT range AS i, hash(range) AS h FROM range({rows}))
          SELECT $councils[1 + (i % {len(COUNCILS)})::INT] || ' Council' AS "Body Name",
                 $services[1 + (h % {len(SERVICES)})::INT] AS "Service Area",
                 $expenses[1 + ((h >> 8) % {len(EXPENSES)})::INT] AS "Expenses Type",
                 strftime(DATE '2017-04-01' + ((h >> 16) % 365)::INT, '%d/%m/%Y') AS "Payment Date",
                 'T' || i AS "Transaction Number",
                 printf('%.2f', 50 + (h % 200000) / 100.0) AS "Amount",
                 $payees[1 + ((h >> 32) % {len(payees)})::INT] AS "Supplier Name"
          FROM r
        ) TO '{path}' (HEADER, DELIMITER ',')
    """, {"councils": COUNCILS, "services": SERVICES, "expenses": EXPENSES, "payees": payees})
    con.close()


def build_workspace(rows: int) -> tp.Workspace:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    path = WORK / "greater_manchester_payments_2017-18.csv"
    generate(path, rows)
    ws = tp.init_workspace(WORK / "ws", "count benchmark (SYNTHETIC payments, real national sources)")
    tp.load_reference(ws, REAL / "reference_geography")
    for name in ("MHCLG_RS_2017-18_data_by_LA.xlsx", "HMT_CRA_2018_database.xlsx"):
        (result,) = tp.ingest(ws, [REAL / "reference_finance" / name])
        assert result.status == "loaded", result
    (result,) = tp.ingest(ws, [path])
    assert result.status == "loaded" and result.rows_loaded == rows, result
    path.unlink()
    return ws


def bare_aggregate(ws: tp.Workspace) -> tuple[float, int]:
    parts = [p for m in ws.store.manifests() for p in ws.store.part_paths(m)]
    with Engine() as engine:
        start = time.perf_counter()
        engine.rows(f"""SELECT body_name_published, supplier, date_trunc('month', payment_date) AS month,
                               count(*), sum(amount_pence)
                        FROM read_parquet({Engine.parquet_list(parts)}) WHERE status = 'loaded' GROUP BY ALL""")
        seconds = time.perf_counter() - start
        rows = engine.one(f"SELECT count(*) FROM read_parquet({Engine.parquet_list(parts)}) WHERE status = 'loaded'")[0]
    return seconds, rows


def summary_cost(ws: tp.Workspace) -> float:
    """What ingest spends, once per file, writing the file's summary (the count reads summaries, not rows)."""
    parts = [p for m in ws.store.manifests() for p in ws.store.part_paths(m)]
    out = WORK / "summary-again.parquet"
    with Engine() as engine:
        start = time.perf_counter()
        engine.copy_parquet(summary_sql(parts), out)
        seconds = time.perf_counter() - start
    out.unlink()
    return seconds


def timed(fn) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--keep", action="store_true", help="keep the generated workspace (benchmarks/work/count)")
    args = parser.parse_args()
    if not (REAL / "reference_finance").exists():
        raise SystemExit(f"the real national sources are needed: {REAL} (set TOTALPLACE_REAL)")
    print(f"generating and ingesting {args.rows:,} rows and the national sources (not timed) ...", file=sys.stderr, flush=True)
    ws = build_workspace(args.rows)
    print("bare DuckDB aggregate ...", file=sys.stderr, flush=True)
    base_s, rows = bare_aggregate(ws)
    summary_s = summary_cost(ws)
    print("counting Trafford 2017-18 ...", file=sys.stderr, flush=True)
    cold_s, cold = timed(lambda: tp.count_place(ws, "Trafford", "2017-18"))
    warm = [timed(lambda: tp.count_place(ws, "Trafford", "2017-18"))[0] for _ in range(5)]
    places = ws.places()
    region = "E12000002"
    districts = districts_in_year(places, region, FinancialYear.parse("2017-18"))
    print(f"counting all {len(districts)} districts of the North West ...", file=sys.stderr, flush=True)
    region_s, counts = timed(lambda: [tp.count_place(ws, d, "2017-18") for d in districts])
    total = sum(c.gross_pence for c in counts)  # type: ignore[union-attr]
    whole = tp.count_place(ws, region, "2017-18").gross_pence
    netted = cold.transfers_netted_pence  # type: ignore[union-attr]
    warm_s = statistics.median(warm)
    base_rate, cold_rate = rows / base_s, rows / cold_s
    table = (
        "| ledger rows | bare aggregate s | Trafford cold s | cold / bare rate | the same with ingest's summaries counted | "
        f"Trafford warm s (median of 5) | all {len(districts)} North West districts s | per district s | "
        "summary written at ingest s |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {rows:,} | {base_s:.2f} | {cold_s:.2f} | {cold_rate / base_rate:.2f} | {base_s / (cold_s + summary_s):.2f} | "
        f"{warm_s:.2f} | {region_s:.1f} | {region_s / len(districts):.2f} | {summary_s:.2f} |\n\n"
        f"Trafford 2017-18: total £{cold.total_pence / 100:,.0f}, transfers netted £{netted / 100:,.0f}. "  # type: ignore[union-attr]
        f"The districts' gross counts add up to {'exactly' if total == whole else 'NOT'} the region's own gross count "
        f"(£{whole / 100:,.0f}).")
    print(table)
    if not args.no_doc:
        record("count", table)
    if not args.keep:
        shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
