"""National finance sources on small generated workbooks: recognised by content, read to the penny, kept as
their own datasets (the views `outturn` and `cra`), with clear errors for a missing unit or an unknown line."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
import xlsxwriter

import totalplace as tp
from totalplace.demo.place import write_register
from totalplace.read.excel import read_sheets
from totalplace.sources.cra import cofog_code, region_code
from totalplace.sources.national import detect_national, detect_national_file, detect_unit, to_pence
from totalplace.sources.outturn import clean_body_name
from totalplace.store.national import CRA_VIEW, OUTTURN_VIEW

RS_LINES = [(190, "Education services"), (699, "TOTAL SERVICE EXPENDITURE (total of lines 190 to 698)"),
            (951, "Interest payable and similar charges"),
            (960, 'Please confirm the form is completed on non-IAS19 and PFI "Off-Balance Sheet" basis')]


def write_rs(path: Path, unit: str = "Net current expenditure (£ thousand)", extra_line: str | None = None) -> Path:
    """An RS 'data by LA' workbook in the 2017-18 shape: a cover page, then the data sheet."""
    book = xlsxwriter.Workbook(str(path))
    cover = book.add_worksheet("Front Page")
    cover.write(9, 1, "RS - REVENUE OUTTURN SUMMARY 2017-18")
    data = book.add_worksheet("RS LA Data 2017-18")
    data.write(0, 0, "Revenue Outturn (RO) 2017-18: Revenue Outturn Summary (RS) data")
    data.write(1, 0, unit)
    data.write(4, 5, "Service Expenditure")
    lines = RS_LINES + ([(0, extra_line)] if extra_line else [])
    for j, (number, name) in enumerate(lines):
        if number:
            data.write_number(5, 5 + j, number)
        data.write(6, 5 + j, name)
    for j, header in enumerate(["E-code", "ONS Code", "Local authority", "", "Class"]):
        data.write(6, j, header)
    bodies = [
        ("E9901", "E10999001", "Demoshire", "SC", [278639.0, 278639.0, "...", 1.0]),
        ("E9902", "E07999001", "Northtown", "SD", [219385.12339215004, 219385.12339215004, "...", 1.0]),
        ("E7099", "n/a", "Demoshire Police and Crime Commissioner and Chief Constable (d)", "O", [0.0, 12.5, "...", 1.0]),
        ("E6299", "", "Nowhere Waste Authority", "O", [0.0, 0.0, "...", 0.0]),
    ]
    for i, (ecode, ons, name, cls, values) in enumerate(bodies):
        row = 7 + i
        for j, v in enumerate([ecode, ons, name, "", cls]):
            data.write(row, j, v)
        for j, v in enumerate(values):
            data.write(row, 5 + j, v)
    data.write(13, 2, "ENGLAND")
    data.write_number(13, 5, 498024.12339215004)
    data.write_number(13, 6, 498036.62339215004)
    data.write(15, 2, "CLASS BREAKDOWN")
    data.write(16, 2, "SHIRE COUNTIES")
    data.write(16, 4, "SC")
    data.write_number(16, 6, 278639.0)
    data.write(18, 0, "Source: a generated test workbook")
    book.close()
    return path


def write_cra(path: Path, unit: str | None = "Levels of expenditure shown are in £ million.", order: str = "2018") -> Path:
    book = xlsxwriter.Workbook(str(path))
    meta = book.add_worksheet("Metadata")
    meta.write(1, 0, "Expenditure 2016-17 to 2017-18")
    if unit:
        meta.write(1, 2, unit)
    data = book.add_worksheet("CRA 2018 database")
    headers = ["Department Name", "Organisation Name", "CRA Segment Code", "CRA Segment Name", "COFOG Level 0",
               "HMT Function", "COFOG Level 1", "HMT Subfunction", "ID/non-ID", "CAP or CUR", "CG, LG, PC, BOE",
               "Allocated by HMT or DEPT", "NUTS Region", "Country", "2016-17", "2017-18"]
    rows = [
        ["Department for Education", "DfE", "S1", "Schools", "9. Education", "9. Education", "9.2 Secondary education",
         "9.2 Secondary", "ID", "CUR", "CG", "DEPT", "ENGLAND_Yorkshire and The Humber", "ENGLAND", 1.5, 2.25],
        ["Central Exchequer (PC)", "Central Exchequer (PC)", "S2", "Debt interest", "1. General public services",
         "1. of which: Public Sector Debt Interest", "1.7 Public Sector Debt Interest", "1.7 of which: PC", "Non-ID",
         "CUR", "PC", "HMT", "NON-REGIONAL", "NON-REGIONAL", -0.125, 3],
        ["HM Treasury", "HM Treasury", "S3", "EU", "EU transactions", "EU TRANSACTIONS", "EU02 EC receipts",
         "EC receipts", "ID", "CUR", "CG", "HMT", "SCOTLAND", "SCOTLAND", 0.1, ""],
    ]
    if order == "2014":  # another publication's order and names, and no organisation column
        keep = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15]
        headers = [headers[i] for i in keep][::-1]
        headers = [{"Department Name": "Department", "CRA Segment Code": "CRA Segment", "CRA Segment Name":
                    "CRA Segment Description", "CG, LG, PC, BOE": "CG, LG or PC"}.get(h, h) for h in headers]
        rows = [[r[i] for i in keep][::-1] for r in rows]
    for j, h in enumerate(headers):
        data.write(0, j, h)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            data.write(1 + i, j, v)
    book.close()
    return path


def write_payments(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Sheet1")
    for j, h in enumerate(["Supplier", "Date", "Amount"]):
        sheet.write(0, j, h)
    sheet.write_row(1, 0, ["ACME LTD", "2024-06-01", 120.5])
    book.close()
    return path


def views(ws: tp.Workspace, sql: str) -> list[dict]:
    with ws.engine() as engine:
        ws.store.open_views(engine)
        return engine.records(sql)


def test_money_in_thousands_is_exact_pence_rounded_half_to_even():
    thousand = detect_unit(["Net current expenditure (£ thousand)"])
    assert thousand.pence == 100_000 and thousand.name == "£ thousand"
    assert to_pence("219385.12339215004", thousand) == 21938512339
    assert to_pence(repr(219385.12339215004), thousand) == int(
        (Decimal(repr(219385.12339215004)) * 100_000).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    assert to_pence("0.000005", thousand) == 0 and to_pence("0.000015", thousand) == 2  # halves to even
    assert to_pence("-0.125", detect_unit(["£m"])) == -12_500_000
    for text, name in (("Levels of expenditure shown are in £'000s.", "£ thousand"), ("£000", "£ thousand"),
                       ("figures in £ million", "£ million"), ("(£m)", "£ million"), ("£bn", "£ billion")):
        assert detect_unit([text]).name == name, text
    assert detect_unit(["Expenditure is on an accruals basis", "£ per head"]) is None


def test_regions_and_cofog_codes():
    assert region_code("ENGLAND_North East") == "E12000001"
    assert region_code("ENGLAND_Yorkshire and the Humber") == region_code("ENGLAND_Yorkshire and The Humber") == "E12000003"
    assert region_code("ENGLAND_East") == "E12000006" and region_code("ENGLAND_London") == "E12000007"
    assert region_code("ENGLAND_South West") == "E12000009"
    assert (region_code("SCOTLAND"), region_code("WALES"), region_code("NORTHERN IRELAND")) == ("S92000003", "W92000004", "N92000002")
    assert region_code("OUTSIDE UK") is None and region_code("Not Identifiable") is None and region_code("NON-REGIONAL") is None
    assert cofog_code("1. General public services") == "01" and cofog_code("10. Social protection") == "10"
    assert cofog_code("10.2 Old age") == "10.2" and cofog_code("1.7 Public Sector Debt Interest") == "01.7"
    assert cofog_code("EU transactions") is None and cofog_code("7.A Medical services") is None


def test_police_and_fire_names_cleaned_for_the_register():
    assert clean_body_name("Hampshire Police and Crime Commissioner and Chief Constable") == \
        "Police and Crime Commissioner for Hampshire"
    assert clean_body_name("Greater Manchester Police and Crime Commissioner and Chief Constable (d)") == \
        "Police and Crime Commissioner for Greater Manchester"
    assert clean_body_name("Avon Combined Fire and Rescue Authority") == "Avon Fire and Rescue Authority"
    assert clean_body_name("Broads, The") == "The Broads"


def test_detected_by_content_not_name(tmp_path):
    rs = write_rs(tmp_path / "payments_2017.xlsx")  # named like a payment file: the content decides
    cra = write_cra(tmp_path / "rs_data.xlsx")
    pay = write_payments(tmp_path / "MHCLG_RS_2017-18_data_by_LA.xlsx")
    assert [detect_national(read_sheets(p)) for p in (rs, cra, pay)] == ["outturn", "cra", None]
    assert [detect_national_file(p) for p in (rs, cra, pay)] == ["outturn", "cra", None]


def test_an_rs_return_is_its_own_dataset_read_to_the_penny(workspace, tmp_path):
    (result,) = tp.ingest(workspace, [write_rs(tmp_path / "rs.xlsx")])
    assert result.status == "loaded", result.error
    assert result.dataset == "outturn" and result.body == "Revenue Outturn Summary (RS) 2017-18: 4 bodies"
    (m,) = tp.list_sources(workspace)
    assert m["dataset"] == "outturn" and m["table"] == "outturn.parquet" and m["parts"] == []
    assert m["records"] == 8 and m["rows_loaded"] == 4 and m["rows_rejected"] == 0
    assert m["rows_read"] == 10 + 19 and m["rows_read"] == m["rows_loaded"] + m["rows_skipped"]
    assert m["skipped_reasons"] == {"blank row": 6, "header row": 1, "note after the data": 1,
                                    "preamble before the header": 4, "sheet not part of the return's table": 10,
                                    "total row": 3}
    assert m["skipped_sheets"] == {"Front Page": "the cover page: title, description and contacts, no figures"}
    assert m["cells_skipped"] == {"line 960: a yes/no confirmation, not money": 4, "not available ('…')": 4}
    assert m["unit"] == "£ thousand" and m["years"] == ["2017-18"]
    covered = 27863900000 + 21938512339 + 1250000 + 0
    assert m["declared_total_covers_pence"] == covered
    assert m["declared_total_pence"] == 49803662339 and m["difference_pence"] == 49803662339 - covered
    rows = views(workspace, "SELECT * FROM outturn ORDER BY row, line")
    assert len(rows) == 8 and {r["line"] for r in rows} == {190, 699}
    first = rows[0]
    assert (first["file"], first["sheet"], first["row"], first["year"], first["ecode"], first["ons_code"],
            first["body_name"], first["class"], first["region"], first["line_name"], first["kind"], first["cofog"],
            first["pence"]) == ("rs.xlsx", "RS LA Data 2017-18", 8, "2017-18", "E9901", "E10999001", "Demoshire",
                                "SC", None, "Education services", "service", "09", 27863900000)
    assert rows[2]["pence"] == 21938512339
    police = [r for r in rows if r["ecode"] == "E7099"]
    assert police[0]["ons_code"] is None and police[1]["pence"] == 1250000
    assert all(r["body_id"] is None for r in rows)  # no register yet
    assert any("no register is loaded" in w for w in m["warnings"])
    assert views(workspace, "SELECT count(*) AS n FROM ledger") == [{"n": 0}]  # not payments
    assert tp.ledger_summary(workspace)["files"] == 0

    reference = write_register(tmp_path / "reference")[0].parent
    assert tp.load_reference(workspace, reference)["ingested_files_rematched"] == 1
    bodies = {r["ecode"]: (r["body_id"], r["body_register_name"]) for r in views(workspace, "SELECT * FROM outturn")}
    assert bodies == {"E9901": ("DMC", "Demoshire County Council"), "E9902": ("NTN", "Northtown Borough Council"),
                      "E7099": ("E23999001", "Police and Crime Commissioner for Demoshire"), "E6299": (None, None)}
    (m,) = tp.list_sources(workspace)
    assert [w for w in m["warnings"] if w.startswith("bodies not")] == [
        "bodies not in the register: 1 of 4, recorded as published: Nowhere Waste Authority (E6299)"]

    (again,) = tp.ingest(workspace, [tmp_path / "rs.xlsx"])
    assert again.status == "already_loaded"
    (gone,) = tp.forget(workspace, ["rs.xlsx"])
    assert gone["dataset"] == "outturn" and not (workspace.store.ledger_dir / gone["source_id"]).exists()
    assert views(workspace, "SELECT count(*) AS n FROM outturn") == [{"n": 0}]


def test_an_rs_column_that_is_no_known_line_stops_the_file(workspace, tmp_path):
    (result,) = tp.ingest(workspace, [write_rs(tmp_path / "odd.xlsx", extra_line="Spending on moon bases")])
    assert result.status == "failed"
    assert "odd.xlsx: sheet 'RS LA Data 2017-18', column J ('Spending on moon bases')" in result.error
    assert tp.list_sources(workspace) == []


def test_an_rs_sheet_without_a_unit_stops_the_file(workspace, tmp_path):
    (result,) = tp.ingest(workspace, [write_rs(tmp_path / "nounit.xlsx", unit="Net current expenditure")])
    assert result.status == "failed" and "nounit.xlsx: sheet 'RS LA Data 2017-18' does not say what unit" in result.error


def test_a_cra_database_in_millions_with_columns_found_by_name(workspace, tmp_path):
    for order in ("2018", "2014"):
        (result,) = tp.ingest(workspace, [write_cra(tmp_path / f"cra_{order}.xlsx", order=order)])
        assert result.status == "loaded" and result.dataset == "cra", result.error
    rows = views(workspace, "SELECT * FROM cra ORDER BY file, row, year")
    assert len(rows) == 10  # 3 rows × 2 years, less the blank cell, in each file
    by_file: dict[str, list[dict]] = {}
    for r in rows:
        by_file.setdefault(r["file"], []).append(r)
    for file, records in by_file.items():
        first = records[0]
        assert (first["publication"], first["department"], first["segment_code"], first["cofog"], first["cofog_group"],
                first["identifiable"], first["cap_cur"], first["sector"], first["nuts_region"], first["region_code"],
                first["country"], first["year"], first["pence"], first["row"]) == (
            "CRA 2018", "Department for Education", "S1", "09", "09.2", True, "CUR", "CG",
            "ENGLAND_Yorkshire and The Humber", "E12000003", "ENGLAND", "2016-17", 150_000_000, 2), file
        assert [r["pence"] for r in records] == [150_000_000, 225_000_000, -12_500_000, 300_000_000, 10_000_000]
        debt = records[2]
        assert (debt["cofog"], debt["cofog_group"], debt["identifiable"], debt["region_code"]) == ("01", "01.7", False, None)
        eu = records[4]
        assert eu["cofog"] is None and eu["hmt_function"] == "EU TRANSACTIONS" and eu["region_code"] == "S92000003"
    assert {r["organisation"] for r in by_file["cra_2014.xlsx"]} == {None}
    manifests = {m["file"]: m for m in tp.list_sources(workspace)}
    m = manifests["cra_2018.xlsx"]
    assert m["unit"] == "£ million" and m["records"] == 5 and m["rows_loaded"] == 3 and m["cells_skipped"] == {"blank": 1}
    assert m["skipped_sheets"] == {"Metadata": "notes on the database (the unit of money is read from it)"}
    assert manifests["cra_2014.xlsx"]["columns"]["sector"] == "CG, LG or PC"


def test_a_cra_database_that_states_no_unit_stops_with_a_clear_message(workspace, tmp_path):
    (result,) = tp.ingest(workspace, [write_cra(tmp_path / "cra_nounit.xlsx", unit=None)])
    assert result.status == "failed"
    assert result.error.startswith("cra_nounit.xlsx: the workbook does not say what unit its money is in")
    assert tp.list_sources(workspace) == []


def test_the_views_exist_typed_and_empty_before_anything_is_ingested(workspace):
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        for view, columns in (("outturn", OUTTURN_VIEW), ("cra", CRA_VIEW)):
            described = engine.records(f"DESCRIBE {view}")
            assert [(d["column_name"], d["column_type"]) for d in described] == [(c, t) for c, t, _ in columns]
            assert engine.one(f"SELECT count(*) FROM {view}") == (0,)


@pytest.mark.parametrize("name", ["payments.xlsx"])
def test_payment_workbooks_are_still_payments(workspace, tmp_path, name):
    (result,) = tp.ingest(workspace, [write_payments(tmp_path / name)], body="Demoshire")
    assert result.status == "loaded" and result.dataset == "payments" and result.rows_loaded == 1
    assert views(workspace, "SELECT count(*) AS n FROM ledger") == [{"n": 1}]
