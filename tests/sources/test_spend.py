"""Ingesting payment files: every layout, every awkward row, and the accounting of all of them."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

import totalplace as tp
from totalplace.demo.layouts import LAYOUTS, DemoBody
from totalplace.demo.payments import payments
from totalplace.demo.place import write_register

BODY = DemoBody("DMC", "Demoshire County Council", "99DM", "demoshire", "county-council")


@pytest.fixture
def ws(workspace, tmp_path):
    tp.load_reference(workspace, Path(write_register(tmp_path / "reference")[0]).parent)
    return workspace


def ingest_one(ws, path: Path, body: str | None = None) -> tp.IngestResult:
    results = tp.ingest(ws, [path], body=body)
    assert len(results) == 1
    return results[0]


def outcomes(ws, sql: str = "SELECT * FROM outcomes ORDER BY file, sheet, \"row\"") -> list[dict]:
    with ws.engine() as engine:
        ws.store.open_views(engine)
        return engine.records(sql)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_demo_layout_loads_every_payment_to_the_penny(ws, tmp_path, layout):
    writer, suffix = LAYOUTS[layout]
    written = writer(tmp_path / f"file{suffix}", BODY, payments(11, 300, dt.date(2024, 4, 1), days=90))
    result = ingest_one(ws, written.path, body=written.body_given)
    assert result.error is None
    assert result.status == "loaded"
    assert result.rows_loaded == written.rows == 300
    assert result.loaded_pence == written.total_pence
    assert result.rows_rejected == 0
    assert result.rows_read == result.rows_loaded + result.rows_rejected + result.rows_skipped
    assert result.declared_total_pence == written.declared_total_pence
    if written.declared_total_pence is not None:
        assert result.difference_pence == 0
    assert result.body == "Demoshire County Council (DMC)"


def test_a_second_ingest_of_the_same_bytes_is_a_no_op(ws, tmp_path):
    writer, _ = LAYOUTS["lga_csv"]
    written = writer(tmp_path / "f.csv", BODY, payments(1, 50, dt.date(2024, 4, 1)))
    first = ingest_one(ws, written.path)
    copy = tmp_path / "renamed copy.csv"
    copy.write_bytes(written.path.read_bytes())
    again = ingest_one(ws, copy)
    assert (first.status, again.status) == ("loaded", "already_loaded")
    assert again.rows_loaded == 50
    assert tp.ledger_summary(ws)["rows_loaded"] == 50


def test_zip_members_are_ingested_as_files(ws, tmp_path):
    csv_writer, _ = LAYOUTS["lga_csv"]
    xlsx_writer, _ = LAYOUTS["icb_xlsx"]
    a = csv_writer(tmp_path / "a.csv", BODY, payments(1, 20, dt.date(2024, 4, 1)))
    b = xlsx_writer(tmp_path / "b.xlsx", BODY, payments(2, 30, dt.date(2024, 4, 1)))
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(a.path, "2024/a.csv")
        z.write(b.path, "2024/b.xlsx")
    results = tp.ingest(ws, [archive], body="DMC")
    assert [(r.file, r.status, r.rows_loaded) for r in results] == [
        ("bundle.zip/2024/a.csv", "loaded", 20), ("bundle.zip/2024/b.xlsx", "loaded", 30)]


AWKWARD = (
    "Spend over £500 — a report,,,,,\r"
    ",,,,,\r"
    "Body,Supplier Name,Payment Date,Net Amount,Description,\r"
    'Demoshire,"Smith, Jones & Co",01/04/2024,"1,234.56 ",plain,\r'
    'Demoshire,Line Break Ltd,02/04/2024,£2,"two\rlines",\r'
    "Demoshire,REDACTED PERSONAL DATA,03/04/2024,(15.00),credit note,\r"
    "Demoshire,Bad Amount Ltd,03/04/2024,twelve,,\r"
    "Demoshire,No Date Ltd,,5.00,,\r"
    "Demoshire,Odd Date Ltd,31/02/2024,5.00,,\r"
    "Demoshire,Far Future Ltd,01/01/2199,5.00,,\r"
    ",,,,,\r"
    "Body,Supplier Name,Payment Date,Net Amount,Description,\r"
    "Demoshire,Last Ltd,04/04/2024,\"-£16,902.11\",,\r"
    "Total,,,999.99,,\r"
    ",,,,,\r"
    ",,Produced by the finance system,,,\r"
)


def test_awkward_rows_each_get_an_outcome(ws, tmp_path):
    path = tmp_path / "awkward.csv"
    path.write_bytes(AWKWARD.encode("cp1252"))
    result = ingest_one(ws, path)
    assert result.encoding == "cp1252"
    assert (result.rows_read, result.rows_loaded, result.rows_rejected, result.rows_skipped) == (16, 4, 4, 8)
    assert result.skipped_reasons == {"blank row": 3, "footer after the data": 1, "header row": 1,
                                      "preamble before the header": 1, "repeated header row": 1, "total row": 1}
    assert result.rejected_reasons == {"amount not a number": 1, "payment date missing": 1,
                                       "payment date not understood": 1, "payment date out of range": 1}
    assert result.loaded_pence == 123456 + 200 - 1500 - 1690211
    assert result.rejected_pence == 1500  # three readable amounts of £5; 'twelve' is not readable
    assert result.declared_total_pence == 99999
    assert result.difference_pence == 99999 - (result.loaded_pence + result.rejected_pence)
    rows = {r["row"]: r for r in outcomes(ws)}
    assert rows[4]["supplier"] == "Smith, Jones & Co" and rows[4]["amount_pence"] == 123456
    assert rows[5]["extra"] is None and rows[5]["description"] == "two\nlines"  # the empty 6th column adds nothing
    assert rows[6]["supplier_redacted"] is True and rows[6]["amount_pence"] == -1500
    assert rows[7]["detail"] == "'twelve' in column 'Net Amount' is not an amount"
    assert rows[7]["raw"][:4] == ["Demoshire", "Bad Amount Ltd", "03/04/2024", "twelve"]
    assert rows[9]["detail"] == "'31/02/2024' in column 'Payment Date' is not a date"
    assert rows[13]["amount_pence"] == -1690211 and rows[13]["payment_date"] == dt.date(2024, 4, 4)
    assert rows[14]["reason"] == "total row" and rows[14]["status"] == "skipped"
    assert rows[16]["detail"] == "text after the last payment: 'Produced by the finance system'"


def test_a_file_that_does_not_say_whose_spending_it_is_fails_with_what_to_do(ws, tmp_path):
    path = tmp_path / "nobody.csv"
    path.write_text("Supplier,Date,Amount\nA,01/01/2024,5\n")
    result = ingest_one(ws, path)
    assert result.status == "failed"
    assert "--body" in result.error and "nobody.csv" in result.error
    assert ingest_one(ws, path, body="Northtown").body == "Northtown Borough Council (NTN)"


def test_a_table_without_amounts_fails_naming_its_columns(ws, tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("Body,Supplier,Date\nDemoshire,A,01/01/2024\n")
    result = ingest_one(ws, path)
    assert result.status == "failed"
    assert "no column of amounts" in result.error and "'Supplier'" in result.error


def test_bodies_resolve_from_codes_uris_and_names(ws, tmp_path):
    path = tmp_path / "bodies.csv"
    path.write_text(
        "Body,Supplier,Date,Amount\n"
        "http://statistics.data.gov.uk/id/local-authority/99NT,A,01/01/2024,1\n"
        "https://opendatacommunities.org/id/district-council/southvale,B,01/01/2024,2\n"
        "E10999001,C,01/01/2024,3\n"
        "northtown borough council,D,01/01/2024,4\n"
        "Nowhere Parish Council,E,01/01/2024,5\n"
    )
    result = ingest_one(ws, path)
    assert result.body == ("Demoshire County Council (DMC); Northtown Borough Council (NTN); Nowhere Parish Council; "
                           "Southvale District Council (SVL)")
    assert any("'Nowhere Parish Council' not found in the register" in w for w in result.warnings)
    by_supplier = {r["supplier"]: r["body_id"] for r in outcomes(ws) if r["status"] == "loaded"}
    assert by_supplier == {"A": "NTN", "B": "SVL", "C": "DMC", "D": "NTN", "E": None}


def test_rows_wider_than_the_sample_are_kept(ws, tmp_path):
    lines = ["Body,Supplier,Date,Amount"] + [f"Demoshire,S{i},01/01/2024,{i}" for i in range(1, 40000)]
    lines.append("Demoshire,Wide Ltd,01/01/2024,7,surprise,extra")
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ingest_one(ws, path)
    assert result.rows_loaded == 40000
    wide = outcomes(ws, "SELECT extra FROM ledger WHERE supplier = 'Wide Ltd'")[0]
    assert json.loads(wide["extra"]) == {"column 5": "surprise", "column 6": "extra"}


def test_cp1252_after_the_first_megabyte(ws, tmp_path):
    lines = ["Body,Supplier,Date,Amount"] + [f"Demoshire,Supplier {i},01/01/2024,1.00" for i in range(40000)]
    lines.append("Demoshire,Café Rouge ‘quoted’,01/01/2024,2.00")
    path = tmp_path / "late.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    result = ingest_one(ws, path)
    assert result.encoding.startswith("cp1252")
    assert result.rows_loaded == 40001
    assert outcomes(ws, "SELECT supplier FROM ledger WHERE amount_pence = 200")[0]["supplier"] == "Café Rouge ‘quoted’"


def test_a_redaction_flag_column_marks_the_payee_redacted(ws, tmp_path):
    path = tmp_path / "flag.csv"
    path.write_text("Body,Supplier Name,Redact Name,Paid Date,Amount\nDemoshire,,Redacted Supplier,24/09/14,5\n"
                    "Demoshire,Acme,,24/09/14,6\n")
    ingest_one(ws, path)
    assert [r["supplier_redacted"] for r in outcomes(ws, "SELECT * FROM ledger ORDER BY amount_pence")] == [True, False]


def test_no_date_column_takes_the_month_in_the_file_name(ws, tmp_path):
    path = tmp_path / "supplier_totals_2011-01.csv"
    path.write_text("Supplier Name,Sum of Invoice Nett Amount\nA,10.00\nB,20.00\n")
    result = ingest_one(ws, path, body="DMC")
    assert result.rows_loaded == 2
    rows = outcomes(ws, "SELECT payment_date, date_precision FROM ledger")
    assert {(r["payment_date"], r["date_precision"]) for r in rows} == {(dt.date(2011, 1, 1), "month")}


def test_an_override_file_sets_header_row_columns_and_date_order(ws, tmp_path):
    (ws.overrides_dir / "odd.toml").write_text(
        'why = "The header is on row 2 and the date column is called When."\n'
        '[match]\nfile = "odd_*.csv"\n'
        '[layout]\nheader_row = 2\ndate_order = "mdy"\nbody = "SVL"\ncolumns = { payment_date = "When", amount = "Paid" }\n'
    )
    path = tmp_path / "odd_2024.csv"
    path.write_text("Payments report,,\nWho,When,Paid\nA,01/02/2024,5\nB,12/31/2024,6\n")
    result = ingest_one(ws, path)
    assert result.error is None and result.rows_loaded == 2
    dates = [r["payment_date"] for r in outcomes(ws, "SELECT payment_date FROM ledger ORDER BY amount_pence")]
    assert dates == [dt.date(2024, 1, 2), dt.date(2024, 12, 31)]
    manifest = tp.list_sources(ws)[0]
    assert manifest["override"]["path"].endswith("odd.toml")
    assert manifest["parts"][0]["header_row"] == 2
    assert result.body == "Southvale District Council (SVL)"


def test_an_override_naming_a_missing_column_says_so(ws, tmp_path):
    (ws.overrides_dir / "missing.toml").write_text(
        'why = "test"\n[match]\nfile = "m.csv"\n[layout]\nbody = "SVL"\ncolumns = { payment_date = "Paid On" }\n')
    path = tmp_path / "m.csv"
    path.write_text("Supplier,Date,Amount\nA,01/01/2024,5\n")
    result = ingest_one(ws, path)
    assert result.status == "failed"
    assert "missing.toml" in result.error
    assert "maps payment_date to a column 'Paid On'" in result.error and "Supplier, Date, Amount" in result.error


def test_a_broken_override_file_is_named_in_the_error(ws, tmp_path):
    (ws.overrides_dir / "bad.toml").write_text('why = "x"\n[match]\nfile = "*.csv"\n[layout]\ncolumns = { cost = "X" }\n')
    path = tmp_path / "f.csv"
    path.write_text("Body,Supplier,Date,Amount\nDemoshire,A,01/01/2024,5\n")
    with pytest.raises(Exception, match=r"bad.toml: unknown column role\(s\) cost"):
        tp.ingest(ws, [path])


def test_row_numbers_point_at_the_rows_of_the_file(ws, tmp_path):
    path = tmp_path / "lines.csv"
    path.write_text('Title line,,\nBody,Supplier,Date,Amount\nDemoshire,"multi\nline",01/01/2024,1\n'
                    "Demoshire,B,01/01/2024,2\n\nDemoshire,C,01/01/2024,3\n")
    ingest_one(ws, path)
    rows = outcomes(ws, 'SELECT "row", supplier FROM ledger ORDER BY "row"')
    # records are counted (a quoted line break does not start a row); an empty line is not a record
    assert [(r["row"], r["supplier"]) for r in rows] == [(3, "multi\nline"), (4, "B"), (5, "C")]


def test_cp1252_read_directly_until_a_curly_quote_turns_up(ws, tmp_path):
    """cp1252 without bytes 0x80-0x9F is read as latin-1 in place; a ’ after the sample forces a UTF-8 copy."""
    lines = ["Body,Supplier,Date,Net Amount(£)"] + [f"Demoshire,Supplier {i},01/01/2024,£1.00" for i in range(40000)]
    direct = tmp_path / "direct.csv"
    direct.write_bytes("\r\n".join(lines).encode("cp1252"))
    late = tmp_path / "late_quote.csv"
    late.write_bytes("\r\n".join(lines + ["Demoshire,O’Brien Ltd,02/01/2024,£2.00"]).encode("cp1252"))
    first, second = ingest_one(ws, direct), ingest_one(ws, late)
    assert (first.encoding, first.rows_loaded, first.loaded_pence) == ("cp1252", 40000, 4000000)
    assert (second.encoding, second.rows_loaded, second.loaded_pence) == ("cp1252", 40001, 4000200)
    assert outcomes(ws, "SELECT supplier FROM ledger WHERE amount_pence = 200")[0]["supplier"] == "O’Brien Ltd"


def test_a_sheet_without_payments_is_skipped_whole_with_a_reason(ws, tmp_path):
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    book = xlsxwriter.Workbook(str(path))
    notes = book.add_worksheet("Notes")
    notes.write_column(0, 0, ["About this data", "", "Published under the OGL"])
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["Body Name", "Payment Date", "Supplier", "Amount"])
    data.write_row(1, 0, ["Demoshire", "01/04/2024", "A Ltd", 12.5])
    data.write_row(3, 0, ["Demoshire", "02/04/2024", "B Ltd", 7])
    book.close()
    result = ingest_one(ws, path)
    assert result.sheets == ["Notes", "Data"]
    assert (result.rows_read, result.rows_loaded, result.rows_skipped) == (7, 2, 5)
    assert result.skipped_reasons == {"sheet has no payment table": 3, "header row": 1, "blank row": 1}
    rows = outcomes(ws, 'SELECT sheet, "row", status, reason FROM outcomes ORDER BY sheet, "row"')
    assert [(r["sheet"], r["row"], r["reason"]) for r in rows] == [
        ("Data", 1, "header row"), ("Data", 2, None), ("Data", 3, "blank row"), ("Data", 4, None),
        ("Notes", 1, "sheet has no payment table"), ("Notes", 2, "sheet has no payment table"),
        ("Notes", 3, "sheet has no payment table")]


def test_an_override_can_name_the_sheets_that_hold_payments(ws, tmp_path):
    import xlsxwriter

    (ws.overrides_dir / "sheets.toml").write_text(
        'why = "The Summary sheet repeats the monthly sheets\' payments."\n'
        '[match]\nfile = "twice.xlsx"\n[layout]\nsheets = ["Apr"]\n')
    path = tmp_path / "twice.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name in ("Apr", "Summary"):
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, ["Body Name", "Payment Date", "Supplier", "Amount"])
        sheet.write_row(1, 0, ["Demoshire", "01/04/2024", "A Ltd", 12.5])
    book.close()
    result = ingest_one(ws, path)
    assert (result.rows_loaded, result.loaded_pence) == (1, 1250)
    assert result.skipped_reasons == {"header row": 1, "sheet not read": 2}
