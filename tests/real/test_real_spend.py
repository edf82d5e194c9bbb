"""Every real published payment file in ../shared/data/real ingests, with its facts checked by hand.

The figures below were checked against the files with plain Python (csv, Decimal, openpyxl, xlrd),
independently of totalplace: rows, pence to the penny, declared totals and the reason for each reject.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import totalplace as tp
from realdata import FILES, outcomes
from totalplace.money import parse_pence
from totalplace.sources.headers import clean_header

pytestmark = pytest.mark.real

@pytest.mark.parametrize("rel", list(FILES))
def test_real_file_accounting(real_ledger, rel):
    _, results = real_ledger
    facts, r = FILES[rel], results[rel]
    assert r.error is None and r.status == "loaded"
    assert r.file == facts.get("name", Path(rel).name)
    assert r.body == facts["body"]
    assert r.format == facts.get("format", "csv")
    if "encoding" in facts:
        assert r.encoding == facts["encoding"]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (facts["read"], facts["loaded"], facts["rejected"])
    assert r.rows_read == r.rows_loaded + r.rows_rejected + r.rows_skipped
    assert r.skipped_reasons == facts["skipped"]
    assert r.rejected_reasons == facts.get("rejected_reasons", {})
    assert r.loaded_pence == facts["pence"]
    assert r.rejected_pence == facts.get("rejected_pence", 0)
    assert r.declared_total_pence == facts.get("declared")
    assert r.difference_pence == facts.get("difference")
    assert len(r.sheets) == facts.get("sheets", 0)


def test_redacted_payees_are_recognised(real_ledger):
    ws, _ = real_ledger
    counts = {r["file"]: r["n"] for r in outcomes(ws, "SELECT file, count(*) AS n FROM ledger WHERE supplier_redacted GROUP BY ALL")}
    for rel, facts in FILES.items():
        assert counts.get(facts.get("name", Path(rel).name), 0) == facts.get("redacted", 0), rel


def test_lambeth_rows_with_fields_run_together_are_rejected_with_their_amounts(real_ledger):
    ws, _ = real_ledger
    rows = {r["row"]: r for r in outcomes(ws, """SELECT "row", status, reason, detail, amount_pence FROM outcomes
                                                 WHERE file LIKE 'lambeth_invoices%' AND "row" IN (19, 441, 1382, 3167)""")}
    assert rows[19]["detail"] == "'25/06/2012900' holds a date and an amount with no separator between them"
    assert rows[19]["amount_pence"] == 90000
    assert rows[441]["reason"] == "row has too few fields"
    assert "the amount looks to be '8755.20', one column early" in rows[441]["detail"]
    assert rows[1382]["reason"] == "date and amount run together"  # 'Inter High Education/Academy2129/05/2012740'
    assert rows[1382]["amount_pence"] == 74000
    assert (rows[3167]["reason"], rows[3167]["amount_pence"]) == ("total row", 4029233484)


def test_tameside_undated_summary_rows_are_rejected_not_loaded(real_ledger):
    ws, _ = real_ledger
    rows = outcomes(ws, """SELECT "row", detail, amount_pence, raw[2] AS supplier FROM outcomes
                          WHERE file LIKE 'tameside%' AND status = 'rejected' ORDER BY "row" """)
    assert [(r["row"], r["supplier"], r["amount_pence"]) for r in rows] == [
        (1246, "CAPITA - BENEFIT PAYMENTS", 781567080), (1247, "HAYS SPECIALIST RECRUITMENT GROUP", 8072193),
        (1248, "CARE RELATED PAYMENTS", 36928324)]
    assert rows[0]["detail"] == "no date in column 'Paid Date'"


def test_craven_unlabelled_total_and_network_rail_footer(real_ledger):
    ws, _ = real_ledger
    craven = outcomes(ws, """SELECT "row", reason, detail, amount_pence FROM outcomes
                             WHERE file LIKE 'craven%' AND reason = 'total row'""")
    assert craven == [{"row": 173, "reason": "total row", "amount_pence": 72658394,
                       "detail": "an amount alone after the last payment (an unlabelled total)"}]
    rail = outcomes(ws, """SELECT "row", reason, detail FROM outcomes WHERE file LIKE 'networkrail%' AND status = 'skipped'
                           ORDER BY "row" """)
    assert [(r["row"], r["reason"]) for r in rail] == [(1, "header row"), (1464, "total row"), (1465, "footer after the data")]
    assert rail[1]["detail"] == "labelled 'Grand Total'"
    assert rail[2]["detail"] == "text after the last payment: '© Copyright Network Rail 2021'"


def test_dates_precision_and_gateshead_override(real_ledger):
    ws, results = real_ledger
    stockport = outcomes(ws, "SELECT DISTINCT payment_date, date_precision FROM ledger WHERE file LIKE 'stockport%'")
    assert stockport == [{"payment_date": dt.date(2014, 9, 1), "date_precision": "month"}]
    lambeth_totals = outcomes(ws, "SELECT DISTINCT payment_date, date_precision FROM ledger WHERE file LIKE 'lambeth_supplier%'")
    assert lambeth_totals == [{"payment_date": dt.date(2011, 1, 1), "date_precision": "month"}]
    gateshead = results["spend_council_odileeds_cleaned/gateshead_2022-08.csv"]
    assert gateshead.columns["payment_date"] == "Updated"
    manifest = [m for m in tp.list_sources(ws) if m["file"] == "gateshead_2022-08.csv"][0]
    assert manifest["override"]["path"].endswith("gateshead-financial-period.toml")
    assert (manifest["date_min"], manifest["date_max"]) == ("2022-08-01", "2022-08-31")
    fire = outcomes(ws, """SELECT payment_date FROM ledger WHERE file = 'lancashire_fire_spend_2024-25.xlsx' AND "row" = 3""")
    assert fire == [{"payment_date": dt.date(2024, 4, 2)}]  # stored as 2024-04-02 01:00 (BST): the day is kept


def test_other_columns_are_kept_as_extra(real_ledger):
    ws, _ = real_ledger
    darlington = outcomes(ws, """SELECT extra FROM ledger WHERE file LIKE 'darlington%' AND "row" = 2""")
    assert json.loads(darlington[0]["extra"]) == {"column 1": "INSERTED DETAIL", "Bal Sheet Level 2": "NON BUDGETED"}
    trafford = outcomes(ws, """SELECT extra FROM ledger WHERE file LIKE 'trafford-supplier%' AND "row" = 2""")
    assert json.loads(trafford[0]["extra"]) == {"EffectiveDate": "2026-05-31", "InvoiceNumber": "68787"}
    tameside = outcomes(ws, """SELECT count(*) AS n FROM ledger WHERE file LIKE 'tameside%' AND extra IS NOT NULL""")
    assert tameside == [{"n": 0}]  # 24 empty trailing columns add nothing


def test_excel_float_noise_is_rounded_to_the_penny(real_ledger):
    ws, _ = real_ledger
    rows = outcomes(ws, """SELECT amount_pence FROM ledger WHERE file LIKE 'lancashire_pcc%' AND sheet = 'JUL 24'
                          AND supplier = 'ZIP WATER (FORMALLY INSTANTA LIMITED)' AND payment_date = DATE '2024-07-25'""")
    assert [r["amount_pence"] for r in rows] == [243091]  # 2430.9100000000003 in the workbook


def test_bodies_come_from_old_codes_uris_and_names(real_ledger):
    ws, _ = real_ledger
    leeds = tp.list_sources(ws)
    maps = {m["file"]: m["body_map"] for m in leeds}
    assert {(e["published_code"], e["body_id"]) for e in maps["leeds_spending_2012-07_raw.csv"]} == {
        ("http://statistics.data.gov.uk/doc/local-authority/00DA", "LDS")}
    assert {e["published_code"] for e in maps["leeds_spending_2020-06_raw.csv"]} == {
        "Http://opendatacommunities.org/id/metropolitan-district-council/leeds"}
    stockport = maps["stockport_spend_2014-09.xls"]
    assert {(e["published_name"], e["body_id"], e["how"]) for e in stockport} == {("SMBC", "SKP", "given (Stockport)")}


def _csv_records(path: Path, encoding: str) -> list[list[str]]:
    text = path.read_bytes().decode(encoding, errors="replace")
    return [r for r in csv.reader(io.StringIO(text, newline="")) if r]  # empty lines are not records


@pytest.mark.parametrize("rel", [r for r in FILES if r.endswith(".csv")])
def test_every_row_number_points_at_its_row_in_the_file(real_ledger, real, rel):
    """Provenance: the row a ledger entry names holds that entry's supplier and amount text."""
    ws, _ = real_ledger
    facts = FILES[rel]
    encoding = "cp1252" if facts["encoding"].startswith("cp1252") else "utf-8-sig"
    records = _csv_records(real / rel, encoding)
    name = Path(rel).name
    manifest = [m for m in tp.list_sources(ws) if m["file"] == name][0]
    header = [clean_header(c) for c in records[manifest["parts"][0]["header_row"] - 1]]
    amount_at = header.index(manifest["columns"]["amount"])
    supplier_at = header.index(manifest["columns"]["supplier"])
    rows = outcomes(ws, """SELECT "row", amount_pence, supplier FROM ledger WHERE file = ? ORDER BY hash("row") LIMIT 40""", [name])
    assert len(rows) == min(40, manifest["rows_loaded"])
    for r in rows:
        record = records[r["row"] - 1]
        assert (record[supplier_at].strip() or None) == r["supplier"]
        assert parse_pence(record[amount_at]) == r["amount_pence"]


@pytest.mark.parametrize("rel", ["spend_police_fire/lancashire_pcc_spend_2024-25.xlsx",
                                 "spend_police_fire/lancashire_fire_spend_2025-26_q3.xlsx"])
def test_every_row_number_points_at_its_row_in_the_workbook(real_ledger, real, rel):
    """Provenance in workbooks: sheet and row name the cell an entry came from (read here with openpyxl)."""
    from openpyxl import load_workbook

    ws, _ = real_ledger
    name = Path(rel).name
    manifest = [m for m in tp.list_sources(ws) if m["file"] == name][0]
    book = load_workbook(real / rel, read_only=True, data_only=True)
    rows = outcomes(ws, """SELECT sheet, "row", amount_pence, supplier FROM ledger WHERE file = ? ORDER BY hash("row") LIMIT 30""", [name])
    assert len(rows) == 30
    for r in rows:
        part = [p for p in manifest["parts"] if p["sheet"] == r["sheet"]][0]
        header = [c.value for c in next(book[r["sheet"]].iter_rows(min_row=part["header_row"], max_row=part["header_row"]))]
        cells = [c.value for c in next(book[r["sheet"]].iter_rows(min_row=r["row"], max_row=r["row"]))]
        by_header = dict(zip([clean_header(str(h)) if h is not None else None for h in header], cells))
        assert round(by_header[part["columns"]["amount"]] * 100) == r["amount_pence"]
        assert str(by_header[part["columns"]["supplier"]]).strip() == r["supplier"]


def test_killing_a_real_ingest_leaves_the_store_as_it_was(tmp_path, real):
    """SIGKILL an ingest of the largest real file while it runs; the store must be exactly as before."""
    ws = tp.init_workspace(tmp_path / "ws")
    tp.load_reference(ws, real / "reference_geography")
    tp.ingest(ws, [real / "spend_council/craven/craven_payments_2017-03.csv"])
    before = (json.dumps(tp.list_sources(ws), sort_keys=True), tp.ledger_summary(ws))
    target = real / "spend_nhs/nhs_icb_payments_gloucestershire_somerset_compiled.xlsx"
    script = "import sys, totalplace as tp; tp.ingest(tp.open_workspace(sys.argv[1]), [sys.argv[2]])"
    proc = subprocess.Popen([sys.executable, "-c", script, str(ws.root), str(target)])
    deadline = time.time() + 60
    while time.time() < deadline and proc.poll() is None:
        if any(p.is_dir() and not p.name.startswith("zip") for p in ws.store.tmp_dir.iterdir()):
            break  # the ingest has begun staging the file
        time.sleep(0.005)
    time.sleep(0.3)  # well into reading the workbook
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert (json.dumps(tp.list_sources(ws), sort_keys=True), tp.ledger_summary(ws)) == before
    (result,) = tp.ingest(ws, [target])
    assert result.status == "loaded" and result.rows_loaded == 187146
