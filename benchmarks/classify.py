"""Benchmark: classifying every row of a 5-million-row ledger by function and theme, in one run.

The ledger is generated (deterministic by seed) in the LGA layout for the demo place's bodies — three
councils, a police and crime commissioner, an ICB — with service labels drawn from 1,330 cost centres
(70 council services, each in many places and spellings, and some opaque ones), each using 16 of 90 expense types, and
suppliers and descriptions that cluster by cost centre as in real files; then ingested as a user would.

  totalplace  classify_ledger: decide each distinct label (rules, body defaults, the learned model trained
              on the rules' decisions) and each open label's distinct (description, supplier), then write
              every row's classification to Parquet through the ledger view
  baseline    a naive per-row Python loop over the same rules: for each row, the classifier's rules and body
              defaults on its own label (and its description and supplier where the label leaves them open),
              nothing remembered between rows — timed on a sample of rows, its rate compared

Prints a markdown table and writes it into docs/benchmarks.md. Usage:
    python benchmarks/classify.py [--rows 5000000] [--sample 100000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

from results import record

import duckdb

import totalplace as tp
from totalplace.classification import rule_set
from totalplace.classify.classifier import Classifier, Label
from totalplace.classify.decisions import merge_detail, needs_detail
from totalplace.classify.rules import RuleSet
from totalplace.demo.place import COUNTY, ICB, NORTHTOWN, POLICE, SOUTHVALE, write_register

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DOC = REPO / "docs" / "benchmarks.md"
WORK = HERE / "work" / "classify"

SERVICES = [
    "Residential Care Older People", "Home Care", "Day Services", "Learning Disability Supported Living",
    "Mental Health Services", "Direct Payments", "Reablement", "Safeguarding Adults", "Fostering", "Adoption",
    "Looked After Children", "Leaving Care", "Children's Centres", "Youth Service", "Youth Offending Team",
    "Primary Schools", "Secondary Schools", "SEN Transport", "Home to School Transport", "School Meals",
    "Adult Learning", "Highways Maintenance", "Street Lighting", "Winter Gritting", "Car Parks",
    "Concessionary Fares", "Traffic Management", "Waste Collection", "Recycling", "Street Cleansing",
    "Waste Disposal", "Parks and Open Spaces", "Leisure Centres", "Libraries", "Museums", "Arts Development",
    "Cemeteries", "Environmental Health", "Pest Control", "Trading Standards", "Licensing", "Planning Policy",
    "Development Control", "Building Control", "Economic Development", "Regeneration", "Markets", "Tourism",
    "Homelessness", "Temporary Accommodation", "Housing Benefit", "Council Tax", "Housing Strategy",
    "Disabled Facilities Grants", "Public Health", "Sexual Health", "Substance Misuse", "Health Visiting",
    "Elections", "Democratic Services", "Corporate Finance", "Internal Audit", "ICT", "Human Resources",
    "Legal Services", "Corporate Property", "Customer Services", "Emergency Planning", "CCTV", "Registrars",
]
PLACES = ["North", "South", "East", "West", "Central", "Northtown", "Southvale", "Riverside", "Hillside", "Castle",
          "Valley", "Harbour", "Meadow", "Oakfield", "Kingsway", "Ashford"]
OPAQUE = ["Aireview House", "Unit 7", "Belle Vue Square", "Project 114", "Cost Centre 2231", "Old Hall Road",
          "Contingency", "Suspense", "Holding Account", "Capital Programme"]
EXPENSES = [
    "Employees / Agency Staff", "Employees / Training", "Premises / Repairs and Maintenance", "Premises / Rent",
    "Premises / Electricity", "Premises / Gas", "Premises / Water", "Premises / Cleaning", "Premises / Business Rates",
    "Transport / Vehicle Hire", "Transport / Fuel", "Transport / Taxis", "Supplies and Services / Equipment",
    "Supplies and Services / Computer Software", "Supplies and Services / Printing", "Supplies and Services / Postage",
    "Supplies and Services / Professional Fees", "Supplies and Services / Legal Fees", "Supplies and Services / Catering",
    "Supplies and Services / Grants", "Supplies and Services / Subscriptions", "Supplies and Services / Consultancy",
    "Third Party Payments / Private Contractors", "Third Party Payments / Voluntary Organisations",
    "Third Party Payments / Other Local Authorities", "Third Party Payments / Residential Care",
    "Third Party Payments / Nursing Care", "Third Party Payments / Home Care", "Third Party Payments / Foster Care",
    "Third Party Payments / Independent Fostering Agencies", "Transfer Payments / Direct Payments",
    "Transfer Payments / Housing Benefit", "Capital / Construction", "Capital / Vehicles and Plant", "Income / Fees",
    "Balance Sheet", "Not Classified",
] + [f"Supplies and Services / Misc {n}" for n in range(53)]
SUPPLIER_STEMS = ["Acme", "Northern", "Premier", "Crown", "Oak", "Meadow", "Riverside", "Summit", "Castle", "Harbour",
                  "Kingsway", "Beacon", "Greenfield", "Hillside", "Valley", "Sunrise", "Willow", "Ashford", "Parkside"]
SUPPLIER_TRADES = ["Care Ltd", "Construction Ltd", "Consulting", "Cleaning Services", "Catering", "Taxis", "Fostering Ltd",
                   "Legal LLP", "Energy plc", "Roofing", "IT Solutions", "Print", "Security", "Waste Management",
                   "Medical Centre", "Pharmacy", "NHS Foundation Trust", "Opticians", "Dental Practice", "Surgery"]


def service_labels() -> list[str]:
    labels = [f"{s} - {p}" for s in SERVICES for p in PLACES] + [f"{s} ({n})" for s in SERVICES for n in range(1, 3)]
    return labels + [f"{o} {n}" for o in OPAQUE for n in range(1, 6)]


def generate(path: Path, rows: int) -> None:
    """Write the ledger's payment file with DuckDB (a few seconds for millions of rows)."""
    con = duckdb.connect()
    services, suppliers = service_labels(), [f"{a} {b}" for a in SUPPLIER_STEMS for b in SUPPLIER_TRADES]
    bodies = [COUNTY.name] * 4 + [NORTHTOWN.name] * 2 + [SOUTHVALE.name] * 2 + [POLICE.name, ICB.name]
    con.execute("SET threads = 2")
    con.execute(f"""
        COPY (
          WITH r AS (SELECT range AS i, hash(range) AS h, hash(range * 7919 + 13) AS g FROM range({rows})),
          v AS (SELECT i, h, g,
                       {len(services)} * pow((h % 100000) / 100000.0, 2) AS s,
                       16 * pow((g % 100000) / 100000.0, 1.6) AS k
                FROM r),
          w AS (SELECT *, (s::INT * 7 + k::INT) % {len(EXPENSES)} AS e FROM v)
          SELECT $bodies[1 + (i % {len(bodies)})::INT] AS OrganisationLabel,
                 '2024-06-30' AS EffectiveDate,
                 $services[1 + s::INT] AS OrganisationalUnit,
                 $suppliers[1 + ((s::INT * 31 + e::INT * 7 + (h >> 20) % 3) % {len(suppliers)})::INT] AS BeneficiaryName,
                 strftime(DATE '2024-06-01' + (i % 30)::INT, '%Y-%m-%d') AS PaymentDate,
                 'T' || i AS TransactionNumber,
                 printf('%.2f', 50 + (h % 500000) / 100.0) AS Amount,
                 $expenses[1 + e::INT] || ' for ' || $services[1 + s::INT] || ' item ' || ((g >> 24) % 4) AS Purpose,
                 $expenses[1 + e::INT] AS ProclassLabel
          FROM w
        ) TO '{path}' (HEADER, DELIMITER ',')
    """, {"bodies": bodies, "services": services, "suppliers": suppliers, "expenses": EXPENSES})
    con.close()


def build_workspace(rows: int) -> tp.Workspace:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    write_register(WORK / "reference")
    path = WORK / "ledger_lga_2024-06.csv"
    generate(path, rows)
    ws = tp.init_workspace(WORK / "ws", "classification benchmark (SYNTHETIC)")
    tp.load_reference(ws, WORK / "reference")
    (result,) = tp.ingest(ws, [path])
    assert result.status == "loaded" and result.rows_loaded == rows, result
    path.unlink()
    return ws


def time_totalplace(ws: tp.Workspace) -> tuple[float, dict[str, int], int]:
    start = time.perf_counter()
    counts = tp.classify_ledger(ws)
    out = WORK / "classified.parquet"
    with ws.engine() as engine:
        ws.store.open_views(engine)
        engine.execute(f"COPY (SELECT source_id, \"row\", cofog, cofog_group, themes, classification_method FROM ledger) "
                       f"TO '{out}' (FORMAT parquet)")
    seconds = time.perf_counter() - start
    written = duckdb.sql(f"SELECT count(*), count(classification_method) FROM '{out}'").fetchall()[0]
    assert written[0] == written[1], "every row has a decision"
    return seconds, counts, written[0]


def time_baseline(ws: tp.Workspace, sample: int) -> tuple[float, int]:
    rules = rule_set(ws)
    naive = Classifier(RuleSet(rules.rules, rules.defaults, cache=False))
    register = ws.register()
    kinds = {b: body.kind for b, body in register.bodies.items()}
    with ws.engine() as engine:
        ws.store.open_views(engine)
        rows = engine.rows(f"""SELECT body_id, directorate, service_area, expense_category, expense_type, description, supplier,
                                      counterparty_type FROM ledger USING SAMPLE {int(sample)} ROWS (reservoir, 42)""")
    start = time.perf_counter()
    decided = 0
    for body_id, directorate, service_area, category, expense_type, description, supplier, payee in rows:
        service = " / ".join(t.strip() for t in (directorate, service_area) if t and t.strip())
        expense = " / ".join(t.strip() for t in (category, expense_type) if t and t.strip())
        label = Label(body_id, kinds.get(body_id), service, expense)
        decision = naive.decide(label)
        if needs_detail(decision) and (description or supplier):
            detail = naive.decide(Label(body_id, kinds.get(body_id), service, expense, (description or "").strip(),
                                        supplier or "", payee or ""))
            decision = merge_detail(decision, detail)
        decided += 1
    return time.perf_counter() - start, decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    print(f"generating and ingesting {args.rows:,} rows (not timed) ...", file=sys.stderr, flush=True)
    ws = build_workspace(args.rows)
    with ws.engine() as engine:
        ws.store.open_views(engine)
        labels = engine.rows("SELECT count(*) FROM (SELECT DISTINCT body_id, directorate, service_area, "
                             "expense_category, expense_type FROM ledger)")[0][0]
    print("classifying with totalplace ...", file=sys.stderr, flush=True)
    ours, counts, rows = time_totalplace(ws)
    print(f"naive per-row loop on a sample of {args.sample:,} rows ...", file=sys.stderr, flush=True)
    base, sampled = time_baseline(ws, args.sample)
    ours_rate, base_rate = rows / ours, sampled / base
    line = (f"| {rows:,} | {labels:,} | {ours:.1f} | {ours_rate:,.0f} | {sampled:,} | {base_rate:,.0f} | "
            f"{rows / base_rate:,.0f} | {ours_rate / base_rate:,.0f}× |")
    table = ("| rows | distinct labels | totalplace s | totalplace rows/s | baseline sample | baseline rows/s "
             "| baseline s for all rows (estimated) | ratio |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n" + line)
    print(table)
    print("decisions by method (labels):", counts)
    if not args.no_doc:
        record("classify", table)
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
