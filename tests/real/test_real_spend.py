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
from totalplace.money import parse_pence
from totalplace.sources.headers import clean_header

pytestmark = pytest.mark.real

# file, --body (only for files with no body column), expected facts
FILES: dict[str, dict] = {
    "spend_council/craven/craven_payments_2017-03.csv": dict(
        body="Craven District Council (CRA)", encoding="cp1252", read=173, loaded=171, rejected=0,
        skipped={"header row": 1, "total row": 1}, pence=72658394, declared=72658394, difference=0),
    "spend_council/hyndburn/hyndburn_spend_2017-01.csv": dict(
        given="Hyndburn", body="Hyndburn Borough Council (HYN)", encoding="cp1252", read=181, loaded=180,
        rejected=0, skipped={"header row": 1}, pence=53827219),
    "spend_council/hyndburn/hyndburn_spend_2024-09.csv": dict(
        given="Hyndburn", body="Hyndburn Borough Council (HYN)", encoding="utf-8", read=626, loaded=625,
        rejected=0, skipped={"header row": 1}, pence=1057071946),
    "spend_council/lambeth/lambeth_invoices_over_500_2012-06.csv": dict(
        body="London Borough of Lambeth (LBH)", encoding="utf-8", read=3171, loaded=2516, rejected=639,
        rejected_reasons={"date and amount run together": 636, "row has too few fields": 3},
        skipped={"blank row": 8, "header row": 1, "preamble before the header": 6, "total row": 1},
        pence=3977594053, rejected_pence=51639431, declared=4029233484, difference=0),
    "spend_council/lambeth/lambeth_supplier_totals_2011-01.csv": dict(
        given="Lambeth", body="London Borough of Lambeth (LBH)", encoding="utf-8", read=1073, loaded=1072,
        rejected=0, skipped={"header row": 1}, pence=3844761814),
    "spend_council/leeds/leeds_spending_2012-07_raw.csv": dict(
        body="Leeds City Council (LDS)", encoding="utf-8", read=8949, loaded=8948, rejected=0,
        skipped={"header row": 1}, pence=7439499844, redacted=706),
    "spend_council/leeds/leeds_spending_2020-06_raw.csv": dict(
        body="Leeds City Council (LDS)", encoding="cp1252 (the first 1,318,653 bytes are also valid UTF-8)",
        read=16178, loaded=16176, rejected=0, skipped={"blank row": 1, "header row": 1}, pence=10444572745,
        redacted=1157),
    "spend_council/manchester/manchester_spend_2014-09.xls": dict(
        body="Manchester City Council (MAN)", format="csv", encoding="cp1252", read=3585, loaded=3584, rejected=0,
        skipped={"header row": 1}, pence=6799371165, redacted=113),
    "spend_council/stockport/stockport_spend_2014-09.xls": dict(
        given="Stockport", body="Stockport Metropolitan Borough Council (SKP)", format="xls", read=2621, loaded=2620,
        rejected=0, skipped={"header row": 1}, pence=2826719572, redacted=469, sheets=1),
    "spend_council/tameside/tameside_spend_2014-09.csv": dict(
        given="Tameside", body="Tameside Metropolitan Borough Council (TAM)", encoding="utf-8", read=2224,
        loaded=1244, rejected=3, rejected_reasons={"payment date missing": 3}, skipped={"blank row": 976, "header row": 1},
        pence=1825231755, rejected_pence=826567597, redacted=122),
    "spend_council/trafford/government_procurement_card_transactions_2026-27.csv": dict(
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8", read=2025, loaded=2024, rejected=0,
        skipped={"header row": 1}, pence=49490666),
    "spend_council/trafford/trafford-supplier-spend-2026-27.zip": dict(
        name="trafford-supplier-spend-2026-27.zip/trafford-supplier-spend-2026-27.csv",
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8", read=38056, loaded=38055, rejected=0,
        skipped={"header row": 1}, pence=9589694189, redacted=6000),
    "spend_council/trafford/trafford_spend_2014-09.csv": dict(
        body="Trafford Metropolitan Borough Council (TRF)", encoding="utf-8 (BOM)", read=9671, loaded=9670, rejected=0,
        skipped={"header row": 1}, pence=2627704622, redacted=1944),
    "spend_council_odileeds_cleaned/cabinetoffice_2022-07.csv": dict(
        body="Cabinet Office (CABINETOFFICE); Crown Commercial Service (CCS); Government Property Agency (GPA)", encoding="utf-8", read=319,
        loaded=318, rejected=0, skipped={"header row": 1}, pence=4377652232),
    "spend_council_odileeds_cleaned/darlington_2022-09.csv": dict(
        given="Darlington", body="Darlington Borough Council (DAL)", encoding="utf-8", read=1488, loaded=1487,
        rejected=0, skipped={"header row": 1}, pence=1128165447),
    "spend_council_odileeds_cleaned/gateshead_2022-08.csv": dict(
        given="Gateshead", body="Gateshead Metropolitan Borough Council (GAT)", encoding="utf-8", read=8054,
        loaded=8053, rejected=0, skipped={"header row": 1}, pence=3046672283, redacted=250),
    "spend_council_odileeds_cleaned/gla_2022-P13.csv": dict(
        given="Greater London Authority", body="Greater London Authority (GLA)", encoding="utf-8", read=2554,
        loaded=2553, rejected=0, skipped={"header row": 1}, pence=41206640818),
    "spend_council_odileeds_cleaned/manchester_2022-05.csv": dict(
        body="Manchester City Council (MAN)", encoding="utf-8 (doubly-encoded BOM)", read=3565, loaded=3564,
        rejected=0, skipped={"header row": 1}, pence=9740022710, redacted=171),
    "spend_council_odileeds_cleaned/networkrail_2021-04.csv": dict(
        given="Network Rail", body="Network Rail (NETWORKRAIL)", encoding="utf-8", read=1465, loaded=1462, rejected=0,
        skipped={"footer after the data": 1, "header row": 1, "total row": 1}, pence=41047606355,
        declared=41047606355, difference=0),
    "spend_police_fire/lancashire_pcc_spend_2024-25.xlsx": dict(
        given="Lancashire Police and Crime Commissioner", body="Police and Crime Commissioner for Lancashire (E23000003)",
        format="xlsx", read=7867, loaded=7857, rejected=0, skipped={"header row": 10}, pence=11096228483, sheets=10),
    "spend_police_fire/lancashire_fire_spend_2024-25.xlsx": dict(
        given="Lancashire Fire and Rescue Service", body="Lancashire Fire and Rescue Authority (E31000023)", format="xlsx",
        read=3377, loaded=3376, rejected=0, skipped={"header row": 1}, pence=2462238891, sheets=1),
    "spend_police_fire/lancashire_fire_spend_2025-26_q3.xlsx": dict(
        given="Lancashire Fire and Rescue Service", body="Lancashire Fire and Rescue Authority (E31000023)", format="xlsx",
        read=882, loaded=881, rejected=0, skipped={"header row": 1}, pence=570296085, sheets=1),
    "spend_nhs/nhs_icb_payments_gloucestershire_somerset_compiled.xlsx": dict(
        body="NHS Gloucestershire Integrated Care Board (E54000043); NHS Somerset CCG (E38000150); "
             "NHS Somerset Integrated Care Board (E54000038)",
        format="xlsx", read=187148, loaded=187146, rejected=0, skipped={"header row": 2}, pence=911213030907,
        sheets=2, redacted=10371),
}


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


def outcomes(ws, sql: str, params=None) -> list[dict]:
    with ws.engine() as engine:
        ws.store.open_views(engine)
        return engine.records(sql, params)


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
