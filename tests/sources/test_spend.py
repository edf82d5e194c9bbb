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


def test_the_file_hash_is_the_sha256_of_its_bytes_even_when_empty(tmp_path):
    import hashlib

    from totalplace.ingest import file_sha256

    empty, some = tmp_path / "empty.csv", tmp_path / "some.csv"
    empty.write_bytes(b"")
    some.write_bytes(bytes(range(256)) * 40_000)
    assert file_sha256(empty) == hashlib.sha256(b"").hexdigest()
    assert file_sha256(some) == hashlib.sha256(some.read_bytes()).hexdigest()


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


# --- regressions from review: each test is named after the problem it pins ------------------------------------


def test_an_unclosed_quote_fails_the_file_naming_the_line_instead_of_swallowing_the_rest(ws, tmp_path):
    lines = ["Body,Date,Supplier,Amount"] + [f"Demoshire,01/02/2024,S{i},2.00" for i in range(5)]
    lines += ['Demoshire,01/02/2024,"Unclosed quote Ltd,5.00'] + [f"Demoshire,01/02/2024,T{i},2.00" for i in range(5000)]
    path = tmp_path / "unclosed.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ingest_one(ws, path)
    assert result.status == "failed"
    assert "line 7 opens a quoted value that is not closed" in result.error
    assert tp.list_sources(ws) == []


def test_a_total_row_is_skipped_in_a_table_dated_from_its_file_name(ws, tmp_path):
    path = tmp_path / "supplier_totals_2011-01.csv"
    path.write_text("Supplier Name,Sum of Invoice Nett Amount\nACME,100.00\nBETA,50.00\nGrand Total,150.00\n")
    result = ingest_one(ws, path, body="DMC")
    assert (result.rows_loaded, result.loaded_pence) == (2, 15000)
    assert (result.declared_total_pence, result.difference_pence) == (15000, 0)


def test_a_pivot_sheet_is_not_read_as_payments_and_the_body_may_be_on_another_sheet(ws, tmp_path):
    import xlsxwriter

    path = tmp_path / "payments_2024-06.xlsx"
    book = xlsxwriter.Workbook(str(path))
    data = book.add_worksheet("Data")
    data.write_row(0, 0, ["Body Name", "Payment Date", "Supplier", "Amount"])
    data.write_row(1, 0, ["Demoshire", "01/06/2024", "A Ltd", 1000])
    data.write_row(2, 0, ["Demoshire", "02/06/2024", "B Ltd", 45])
    pivot = book.add_worksheet("Pivot")
    pivot.write_row(0, 0, ["Row Labels", "Sum of Amount"])
    pivot.write_row(1, 0, ["A Ltd", 1000])
    pivot.write_row(2, 0, ["B Ltd", 45])
    pivot.write_row(3, 0, ["Grand Total", 1045])
    book.close()
    result = ingest_one(ws, path)
    assert result.error is None
    assert (result.rows_loaded, result.loaded_pence) == (2, 104500)
    assert result.skipped_reasons["sheet has no payment table"] == 4


def test_one_huge_amount_is_rejected_not_the_whole_file(ws, tmp_path):
    path = tmp_path / "overflow.csv"
    lines = ["Body,Date,Supplier,Amount", "Demoshire,01/02/2024,Huge,1E+30"] + [f"Demoshire,01/02/2024,S{i},2.00" for i in range(9)]
    path.write_text("\n".join(lines) + "\n")
    result = ingest_one(ws, path)
    assert (result.rows_loaded, result.rejected_reasons) == (9, {"amount not a number": 1})


def test_payments_with_bad_amounts_at_the_end_stay_rejected_not_footers(ws, tmp_path):
    lines = ["Body,Date,Supplier,Amount"] + [f"Demoshire,01/02/2024,S{i},2.00" for i in range(10)]
    lines += ["Demoshire,02/02/2024,Beta Ltd,TBC", 'Demoshire,03/02/2024,Gamma Ltd,"1,234.5O"', ",,Source: finance system,"]
    path = tmp_path / "trailing.csv"
    path.write_text("\n".join(lines) + "\n")
    result = ingest_one(ws, path)
    assert result.rejected_reasons == {"amount not a number": 2}
    assert result.skipped_reasons == {"footer after the data": 1, "header row": 1}


def test_body_given_does_not_replace_a_body_the_file_names(ws, tmp_path):
    path = tmp_path / "own_body.csv"
    path.write_text("Body Name,Date,Supplier,Amount\nNorthtown Borough Council,01/02/2024,A,5\n,01/02/2024,B,6\n")
    result = ingest_one(ws, path, body="SVL")
    assert result.body == "Northtown Borough Council (NTN); Southvale District Council (SVL)"
    assert any("was not used for rows that name their own body: Northtown Borough Council (NTN)" in w
               for w in result.warnings)


def _zip_with(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_zip_members_that_cannot_be_unpacked_fail_one_by_one(ws, tmp_path):
    good = b"Body,Date,Supplier,Amount\nDemoshire,01/02/2024,A,5\n"
    archive = _zip_with(tmp_path / "mixed.zip", {"a.csv": good, "b.csv": good.replace(b"A,5", b"B,7") * 50,
                                                  "readme.pdf": b"%PDF-1.4 ..."})
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        b = z.getinfo("b.csv")
    start = b.header_offset + 30 + len(b.filename) + len(b.extra)
    data[start + 5 : start + 15] = b"\x00" * 10  # damage b.csv's compressed bytes
    archive.write_bytes(bytes(data))
    results = tp.ingest(ws, [archive])
    outcome = {r.file: (r.status, r.error or "") for r in results}
    assert outcome["mixed.zip/a.csv"][0] == "loaded"
    assert outcome["mixed.zip/b.csv"][0] == "failed" and "cannot be unpacked" in outcome["mixed.zip/b.csv"][1]
    assert outcome["mixed.zip/readme.pdf"] == ("failed", "mixed.zip/readme.pdf: this is a PDF. totalplace reads tables "
                                              "(CSV, XLSX, XLS, ODS); export the table from the PDF to CSV first.")


def test_an_encrypted_zip_member_fails_with_what_to_do(ws, tmp_path):
    archive = _zip_with(tmp_path / "secret.zip", {"p.csv": b"Body,Date,Supplier,Amount\nDemoshire,01/02/2024,A,5\n"})
    data = bytearray(archive.read_bytes())
    data[6] |= 1  # the local header's "encrypted" flag
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 1  # and the central directory's
    archive.write_bytes(bytes(data))
    (result,) = tp.ingest(ws, [archive])
    assert result.status == "failed" and "encrypted" in result.error and result.file == "secret.zip/p.csv"


def test_the_same_bytes_under_another_name_are_reported_under_that_name(ws, tmp_path):
    first = tmp_path / "one.csv"
    first.write_text("Body,Date,Supplier,Amount\nDemoshire,01/02/2024,A,5\n")
    second = tmp_path / "one_copy.csv"
    second.write_bytes(first.read_bytes())
    ingest_one(ws, first)
    again = ingest_one(ws, second, body="SVL")
    assert (again.file, again.status) == ("one_copy.csv", "already_loaded")
    assert any("the same bytes as 'one.csv'" in w for w in again.warnings)
    assert any("--body 'SVL' not applied" in w for w in again.warnings)


def test_a_forgotten_file_can_be_ingested_again_with_another_body(ws, tmp_path):
    path = tmp_path / "whose.csv"
    path.write_text("Supplier,Date,Amount\nA,01/02/2024,5\n")
    first = ingest_one(ws, path, body="NTN")
    with pytest.raises(Exception, match="no ingested file"):
        tp.forget(ws, ["nothing.csv"])
    assert [m["file"] for m in tp.forget(ws, [first.source_id[:6]])] == ["whose.csv"]
    assert tp.ledger_summary(ws)["rows_loaded"] == 0 and list(ws.store.ledger_dir.iterdir()) == []
    assert ingest_one(ws, path, body="SVL").body == "Southvale District Council (SVL)"


def test_a_total_in_the_middle_declares_only_the_rows_above_it(ws, tmp_path):
    path = tmp_path / "sections.csv"
    path.write_text("Body,Date,Supplier,Amount\nDemoshire,01/02/2024,A,100\nDemoshire,01/02/2024,B,50\n"
                    "Total,,,150\nDemoshire,02/02/2024,C,250\n")
    result = ingest_one(ws, path)
    assert (result.loaded_pence, result.declared_total_pence, result.difference_pence) == (40000, 15000, 0)
    notes = tp.list_sources(ws)[0]["parts"][0]["notes"]
    assert any("1 rows after it (£250.00) are not covered by any total" in n for n in notes)


def test_a_total_that_does_not_match_its_rows_is_explained(ws, tmp_path):
    path = tmp_path / "wrong_total.csv"
    path.write_text("Body,Date,Supplier,Amount\nDemoshire,01/02/2024,A,100\nDemoshire,01/02/2024,B,oops\nTotal,,,150\n")
    result = ingest_one(ws, path)
    assert result.difference_pence == 5000
    warning = [w for w in result.warnings if "declared total differs" in w][0]
    assert "the total at row 4 says £150.00, but the rows above it add to £100.00" in warning
    assert "rejected rows with no readable amount, which the declared total may count: rows 3" in warning


def test_a_first_line_longer_than_the_sample_keeps_the_header(ws, tmp_path):
    path = tmp_path / "longline.csv"
    path.write_text("Body,Date,Supplier,Amount,Notes\n" f"Demoshire,01/02/2024,A,5,{'x' * 3_000_000}\n"
                    "Demoshire,01/02/2024,B,6,short\n")
    result = ingest_one(ws, path)
    assert result.error is None and result.rows_loaded == 2


def test_a_register_file_is_not_mistaken_for_payments(ws, tmp_path):
    path = tmp_path / "register.csv"
    path.write_text("local-authority-code,official-name,start-date,wdtk-id,x,y\n"
                    "ABC,Armagh Council,2015-04-01,95,110637.8371026796,506234.4148047699\n"
                    "ABD,Aberdeenshire Council,2005-06-18,296,361954.713247544,816889.2595710113\n")
    result = ingest_one(ws, path, body="DMC")
    assert result.status == "failed" and "does not look like a table of payments" in result.error


def test_an_amount_column_of_decimal_commas_is_explained(ws, tmp_path):
    path = tmp_path / "comma.csv"
    path.write_text("Body;Date;Supplier;Amount\nDemoshire;01/02/2024;A;1234,56\nDemoshire;01/02/2024;B;9,5\n")
    result = ingest_one(ws, path)
    assert result.status == "failed"
    assert "'Amount' is named like an amount but its values are not money" in result.error


def test_a_mistyped_body_gets_a_suggestion(ws, tmp_path):
    path = tmp_path / "typo.csv"
    path.write_text("Supplier,Date,Amount\nA,01/02/2024,5\n")
    result = ingest_one(ws, path, body="Northtwon Borough Council")
    assert any("did you mean Northtown Borough Council (NTN)?" in w for w in result.warnings)


def test_the_keys_matching_and_classifying_read_are_the_ledgers_own(ws, tmp_path):
    """`ledger_keys` (each file's summary) holds exactly the ledger's distinct bodies, labels, descriptions,
    suppliers and payees with their row counts: for a workbook of monthly sheets, a file with no body column,
    and a file ingested before summaries were written (its summary taken away here)."""
    for layout in ("monthly_xlsx", "preamble_cp1252", "lga_csv"):
        writer, suffix = LAYOUTS[layout]
        written = writer(tmp_path / f"{layout}{suffix}", BODY, payments(5, 400, dt.date(2024, 4, 1), days=90))
        assert ingest_one(ws, written.path, body=written.body_given).status == "loaded"
    older = next(m for m in ws.store.manifests() if m["file"] == "lga_csv.csv")
    (ws.store.ledger_dir / older["source_id"] / older.pop("summary")).unlink()
    (ws.store.sources_dir / f"{older['source_id']}.json").write_text(json.dumps(older), encoding="utf-8")
    keys = ("body_id, directorate, service_area, expense_category, expense_type, description, supplier, "
            "supplier_redacted, counterparty_type")
    from_ledger = outcomes(ws, f"SELECT {keys}, count(*) AS n FROM ledger GROUP BY ALL ORDER BY ALL")
    from_summaries = outcomes(ws, f"SELECT {keys}, sum(n)::BIGINT AS n FROM ledger_keys GROUP BY ALL ORDER BY ALL")
    assert sum(r["n"] for r in from_ledger) == 1200 and from_summaries == from_ledger
