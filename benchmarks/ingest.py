"""Benchmark: `totalplace ingest` against a bare DuckDB scan and a pandas pipeline, in one run.

For each layout and size, a synthetic payment file is generated (cached under benchmarks/work/) and these
contenders run on it, each in its own process (so peak memory is its own), after the file has been read
once so that all find it in the page cache:

  bare    DuckDB read_csv + SUM of the amount: the least work that reads the file (the practical limit)
  copy    DuckDB read_csv of every column, as text, written to Parquet untouched, in file order: the least work
          that keeps every column and every row's place in the file (the floor for an ingest that keeps both)
  copy, any order   the same with preserve_insertion_order off: rows land in whatever order the threads finish,
          so their row numbers are lost (a ledger would have to store each row's number, which the CSV reader
          does not give)
  copy with polars   the same copy in file order by polars (CSV reader and Parquet writer of its own): how
          far the floor is the engine's (polars reads only UTF-8, so the cp1252 layout has no figure)
  ingest  totalplace.ingest into a fresh workspace: sniff, layout, normalise every row, write the ledger,
          account for every row, then match the ledger's suppliers and classify its labels (timed apart too)
  pandas  a straightforward pandas pipeline doing the same normalisation (strip every cell, amounts to pence
          by the same shapes, dates, blank and total rows, an outcome, reason and detail per row, redacted
          payees by the same patterns, the other columns as JSON) and writing Parquet

Prints a markdown table and writes it into docs/benchmarks.md. Usage:
    python benchmarks/ingest.py [--rows 1000000 5000000] [--layouts lga_csv preamble_cp1252 bvacop_csv]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from results import record

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
DOC = REPO / "docs" / "benchmarks.md"
DEFAULT_ROWS = [1_000_000, 5_000_000]

# How the bare scan and the pandas pipeline read each layout: what an expert who knew the file would write.
LAYOUT_SPECS = {
    "lga_csv": dict(skip=0, encoding="utf-8", duck_encoding="utf-8", amount="Amount", date="PaymentDate",
                    date_format="%Y-%m-%d", money_in_text=False, supplier="BeneficiaryName",
                    roles=["OrganisationLabel", "OrganisationURI", "OrganisationalUnit", "BeneficiaryName",
                           "BeneficiaryOtherID", "TransactionNumber", "Purpose", "ProclassLabel", "ProclassCode",
                           "VATRegistrationNumber"]),
    "preamble_cp1252": dict(skip=5, encoding="cp1252", duck_encoding="latin-1", amount="Net Amount(£)",
                            date="Payment Date", date_format="%d/%m/%Y", money_in_text=True, supplier="Supplier Name",
                            roles=["Department", "Supplier Name", "Expense Type", "Description"]),
    "bvacop_csv": dict(skip=0, encoding="utf-8-sig", duck_encoding="utf-8", amount="Amount", date="Date",
                       date_format="%d/%m/%Y", money_in_text=True, supplier="Supplier Name",
                       roles=["Body", "Body name", "Transaction number", "Supplier Name", "Supplier ID",
                              "VAT Registration Number", "Expense Area", "Expense Type", "Expense Code"]),
}

BARE = r"""
import duckdb, json, sys, time
path, spec = sys.argv[1], json.loads(sys.argv[2])
con = duckdb.connect()
amount = '"' + spec["amount"] + '"'
if spec["money_in_text"]:
    amount = f"TRY_CAST(replace(replace({amount}, '£', ''), ',', '') AS DECIMAL(18, 2))"
start = time.perf_counter()
rows, total = con.execute(
    f"SELECT count(*), sum({amount}) FROM read_csv(?, skip = {spec['skip']}, header = true, "
    f"encoding = '{spec['duck_encoding']}', all_varchar = {str(spec['money_in_text']).lower()})", [path]).fetchall()[0]
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""

COPY = r"""
import duckdb, json, sys, time
path, spec, out, ordered = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], sys.argv[4] == "ordered"
con = duckdb.connect(config={"preserve_insertion_order": ordered})
start = time.perf_counter()
con.execute(f"COPY (SELECT * FROM read_csv(?, skip = {spec['skip']}, header = true, encoding = '{spec['duck_encoding']}', "
            f"all_varchar = true)) TO '{out}' (FORMAT parquet)", [path])
rows = con.execute(f"SELECT count(*) FROM '{out}'").fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""

POLARS_COPY = r"""
import json, sys, time
import polars as pl
path, spec, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
pl.scan_csv(path, skip_rows=spec["skip"], infer_schema=False).sink_parquet(out, compression="snappy", maintain_order=True)
rows = pl.scan_parquet(out).select(pl.len()).collect().item()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""

INGEST = r"""
import importlib, json, shutil, sys, time
import totalplace as tp
path, workspace = sys.argv[1], sys.argv[2]
shutil.rmtree(workspace, ignore_errors=True)
ws = tp.init_workspace(workspace)
module, refresh = importlib.import_module("totalplace.ingest"), [0.0]
def timed(step):
    def run(*args, **kwargs):
        begun = time.perf_counter()
        try:
            return step(*args, **kwargs)
        finally:
            refresh[0] += time.perf_counter() - begun
    return run
module.refresh_matches, module.refresh_classification = timed(module.refresh_matches), timed(module.refresh_classification)
start = time.perf_counter()
(result,) = tp.ingest(ws, [path], body="Demoshire County Council")
seconds = time.perf_counter() - start
assert result.status == "loaded", result.error
print(json.dumps({"seconds": seconds, "refresh_seconds": refresh[0], "rows": result.rows_loaded,
                  "pence": result.loaded_pence}))
"""

PANDAS_PIPELINE = r"""
import json, sys, time
import numpy as np
import pandas as pd
from totalplace.sources.normalise import TOTAL_LABEL, redaction_pattern


def normalise(path, spec, out):
    df = pd.read_csv(path, dtype=str, keep_default_na=False, skiprows=spec["skip"], encoding=spec["encoding"])
    for column in df.columns:
        df[column] = df[column].str.strip(" \t\r\n\u00a0")
    amount, dates, supplier = df[spec["amount"]], df[spec["date"]], df[spec["supplier"]]
    number_shape = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?"
    valid = amount.str.fullmatch(rf"-?£?{number_shape}|\(£?{number_shape}\)")
    negative = amount.str.startswith("-") | amount.str.startswith("(")
    number = pd.to_numeric(amount.str.replace(r"[£,()\-]", "", regex=True).where(valid), errors="coerce")
    pence = (number * 100).round()
    pence = pence.where(~negative, -pence).astype("Int64")
    date = pd.to_datetime(dates, format=spec["date_format"], errors="coerce")
    blank = (df == "").all(axis=1)
    total = df.iloc[:, 0].str.fullmatch(TOTAL_LABEL)
    reason = np.select(
        [blank, amount.eq(""), pence.isna(), total & date.isna(), dates.eq(""), date.isna()],
        ["blank row", "amount missing", "amount not a number", "total row", "payment date missing", "payment date not understood"],
        None,
    )
    status = np.where(pd.isna(reason), "loaded", np.where(np.isin(reason, ["blank row", "total row"]), "skipped", "rejected"))
    detail = pd.Series(None, index=df.index, dtype=object)
    bad_amount = reason == "amount not a number"
    detail[bad_amount] = "'" + amount[bad_amount] + "' in column '" + spec["amount"] + "' is not an amount"
    redacted = supplier.str.fullmatch(redaction_pattern())
    others = [c for c in df.columns if c not in spec["roles"]]
    extra = df[others].replace("", None).to_json(orient="records", lines=True).splitlines() if others else None
    out_df = df[spec["roles"]].replace("", None)
    out_df["amount_pence"], out_df["payment_date"], out_df["status"] = pence, date, status
    out_df["reason"], out_df["detail"], out_df["supplier_redacted"], out_df["extra"] = reason, detail, redacted, extra
    out_df.to_parquet(out, index=False)
    loaded = out_df[out_df["status"] == "loaded"]
    return int(len(loaded)), int(loaded["amount_pence"].sum())
"""

PANDAS = PANDAS_PIPELINE + r"""
path, spec, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
start = time.perf_counter()
rows, pence = normalise(path, spec, out)
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows, "pence": pence}))
"""

PANDAS_MANY = PANDAS_PIPELINE + r"""
files, out = json.loads(sys.argv[1]), sys.argv[2]
start = time.perf_counter()
rows = pence = 0
for path, spec in files:
    r, p = normalise(path, spec, out)
    rows, pence = rows + r, pence + p
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows, "pence": pence}))
"""

INGEST_MANY = r"""
import json, shutil, sys, time
import totalplace as tp
paths, workspace = json.loads(sys.argv[1]), sys.argv[2]
shutil.rmtree(workspace, ignore_errors=True)
ws = tp.init_workspace(workspace)
start = time.perf_counter()
results = tp.ingest(ws, paths, body="Demoshire County Council")
seconds = time.perf_counter() - start
assert all(r.status == "loaded" for r in results), [r.error for r in results if r.error]
print(json.dumps({"seconds": seconds, "rows": sum(r.rows_loaded for r in results),
                  "pence": sum(r.loaded_pence for r in results)}))
"""

BARE_MANY = r"""
import duckdb, json, sys, time
files = json.loads(sys.argv[1])
con = duckdb.connect()
start = time.perf_counter()
rows = 0
for path, spec in files:
    amount = '"' + spec["amount"] + '"'
    if spec["money_in_text"]:
        amount = f"TRY_CAST(replace(replace({amount}, '£', ''), ',', '') AS DECIMAL(18, 2))"
    rows += con.execute(
        f"SELECT count(*), sum({amount}) FROM read_csv(?, skip = {spec['skip']}, header = true, "
        f"encoding = '{spec['duck_encoding']}', all_varchar = {str(spec['money_in_text']).lower()})", [path]).fetchall()[0][0]
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""


def run_measured(code: str, *args: str) -> dict:
    """Like run(), measuring the child's peak memory with wait4."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=err, cwd=REPO)
        out = proc.stdout.read()  # type: ignore[union-attr]
        _, status, usage = os.wait4(proc.pid, 0)
        if status != 0:
            err.seek(0)
            raise SystemExit(f"contender failed:\n{err.read().decode()[-2000:]}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def generate(layout: str, rows: int) -> Path:
    from totalplace.demo.layouts import LAYOUTS
    from totalplace.demo.payments import payments
    from totalplace.demo.place import COUNTY

    writer, suffix = LAYOUTS[layout]
    path = WORK / f"{layout}-{rows}{suffix}"
    if not path.exists():
        print(f"generating {path.name} …", file=sys.stderr, flush=True)
        tmp = path.with_suffix(".partial")
        writer(tmp, COUNTY, payments(1, rows, dt.date(2024, 4, 1), days=365))
        tmp.replace(path)
    return path


def generate_small(count: int, rows: int, layouts: list[str]) -> list[tuple[Path, str]]:
    """`count` files of `rows` payments each, a month apart over one year, the layouts taken in turn (as a
    partnership's monthly files come from several publishers)."""
    from totalplace.demo.layouts import LAYOUTS
    from totalplace.demo.payments import payments
    from totalplace.demo.place import COUNTY

    folder = WORK / f"small-{count}x{rows}-{'-'.join(layouts)}-1y"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        layout = layouts[i % len(layouts)]
        writer, suffix = LAYOUTS[layout]
        path = folder / f"{i:03d}-{layout}{suffix}"
        if not path.exists():
            tmp = path.with_suffix(".partial")
            writer(tmp, COUNTY, payments(i + 1, rows, dt.date(2024, 4, 1) + dt.timedelta(days=30 * (i % 12)), days=30))
            tmp.replace(path)
        made.append((path, layout))
    return made


def small_files_table(count: int, rows: int, layouts: list[str]) -> str:
    """Many small files in one ingest: what a file costs beyond its rows (the ingest's time includes matching
    and classifying, once for all the files)."""
    files = generate_small(count, rows, layouts)
    for path, _ in files:
        warm(path)
    specs = json.dumps([(str(path), LAYOUT_SPECS[layout]) for path, layout in files])
    bare = run_measured(BARE_MANY, specs)
    ingest = run_measured(INGEST_MANY, json.dumps([str(path) for path, _ in files]), str(WORK / "ws"))
    pandas = run_measured(PANDAS_MANY, specs, str(WORK / "pandas.parquet"))
    assert ingest["rows"] == pandas["rows"] == count * rows and ingest["pence"] == pandas["pence"], (ingest, pandas)
    megabytes = sum(path.stat().st_size for path, _ in files) / 1e6
    return "\n".join([
        "| files, one ingest | rows each | rows | MB | bare s | ingest s | pandas s | ingest s a file | pandas s a file "
        "| ingest ÷ bare rate | ingest ÷ pandas rate |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {count} | {rows:,} | {count * rows:,} | {megabytes:,.0f} | {bare['seconds']:.2f} | {ingest['seconds']:.2f} "
        f"| {pandas['seconds']:.2f} | {ingest['seconds'] / count:.3f} | {pandas['seconds'] / count:.3f} "
        f"| {bare['seconds'] / ingest['seconds']:.2f} | {pandas['seconds'] / ingest['seconds']:.2f}× |",
    ])


def warm(path: Path) -> None:
    with path.open("rb") as f:
        while f.read(1 << 24):
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=DEFAULT_ROWS)
    parser.add_argument("--layouts", nargs="+", default=list(LAYOUT_SPECS), choices=list(LAYOUT_SPECS))
    parser.add_argument("--small-files", type=int, default=100,
                        help="also ingest this many small files in one call (0: not)")
    parser.add_argument("--small-rows", type=int, default=2000, help="rows in each small file")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    lines = [
        "| layout | rows | file MB | bare s | copy s | copy, any order s | ingest s | of which matching and "
        "classifying s | pandas s | ingest rows/s "
        "| ingest ÷ bare rate | copy ÷ bare rate | copy, any order ÷ bare rate | copy with polars ÷ bare rate "
        "| ingest ÷ pandas rate | ingest peak MB | pandas peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in args.rows:
        for layout in args.layouts:
            spec = LAYOUT_SPECS[layout]
            path = generate(layout, rows)
            warm(path)
            bare = run_measured(BARE, str(path), json.dumps(spec))
            copy = run_measured(COPY, str(path), json.dumps(spec), str(WORK / "copy.parquet"), "ordered")
            unordered = run_measured(COPY, str(path), json.dumps(spec), str(WORK / "copy.parquet"), "any")
            polars = (run_measured(POLARS_COPY, str(path), json.dumps(spec), str(WORK / "copy.parquet"))
                      if spec["encoding"].startswith("utf-8") else None)
            ingest = run_measured(INGEST, str(path), str(WORK / "ws"))
            pandas = run_measured(PANDAS, str(path), json.dumps(spec), str(WORK / "pandas.parquet"))
            assert ingest["rows"] == rows and pandas["rows"] == rows, (ingest, pandas)
            assert polars is None or polars["rows"] == rows, polars
            polars_ratio = f"{bare['seconds'] / polars['seconds']:.2f}" if polars else "—"
            assert ingest["pence"] == pandas["pence"], "the pandas pipeline and totalplace disagree on the total"
            line = (
                f"| {layout} | {rows:,} | {path.stat().st_size / 1e6:,.0f} | {bare['seconds']:.2f} | {copy['seconds']:.2f} "
                f"| {unordered['seconds']:.2f} | {ingest['seconds']:.2f} | {ingest['refresh_seconds']:.2f} "
                f"| {pandas['seconds']:.2f} "
                f"| {rows / ingest['seconds']:,.0f} | {bare['seconds'] / ingest['seconds']:.2f} "
                f"| {bare['seconds'] / copy['seconds']:.2f} | {bare['seconds'] / unordered['seconds']:.2f} "
                f"| {polars_ratio} "
                f"| {pandas['seconds'] / ingest['seconds']:.1f}× | {ingest['peak_mb']:,.0f} | {pandas['peak_mb']:,.0f} |"
            )
            print(line, flush=True)
            lines.append(line)
    if args.small_files:
        lines += ["", small_files_table(args.small_files, args.small_rows, args.layouts)]
    shutil.rmtree(WORK / "ws", ignore_errors=True)
    (WORK / "pandas.parquet").unlink(missing_ok=True)
    (WORK / "copy.parquet").unlink(missing_ok=True)
    table = "\n".join(lines)
    if args.rows != DEFAULT_ROWS:  # say so when only some sizes were run
        table = f"Sizes run: {', '.join(f'{r:,}' for r in args.rows)} rows (`--rows {' '.join(map(str, args.rows))}`).\n\n" + table
    print("\n" + table)
    if not args.no_doc:
        record("ingest", table)


if __name__ == "__main__":
    main()
