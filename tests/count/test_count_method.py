"""The count's method on a small generated place (Demoshire, SYNTHETIC): two-tier sharing, bodies with wider
areas, apportionment from the region, the LG part of CRA left out, a body's payments declared complete
replacing apportioned spending, transfers netted, and a user's driver table — every figure checked to the penny."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import xlsxwriter

import totalplace as tp
from totalplace.count import CountError, DriverError
from totalplace.demo.place import write_register

COUNTY, NORTHTOWN, SOUTHVALE, REGION = "E10999001", "E07999001", "E07999002", "E12000002"
LINES = [(190, "Education services"), (360, "Adult Social Care"), (590, "Environmental and regulatory services"),
         (601, "Police services"), (699, "TOTAL SERVICE EXPENDITURE (total of lines 190 to 698)"),
         (713, "Housing benefits: rent rebates to HRA tenants - mandatory payments"), (724, "Waste Disposal Authority levy")]
# £ thousand, in the order of LINES
BODIES = [("E9901", COUNTY, "Demoshire", "SC", [100_000, 50_000, 0, 0, 150_000, 0, 0]),
          ("E9902", NORTHTOWN, "Northtown", "SD", [0, 0, 3_000, 0, 3_000, 700, 0]),
          ("E9903", SOUTHVALE, "Southvale", "SD", [0, 0, 2_000, 0, 2_000, 0, 1_000]),
          ("E7099", "E23999001", "Demoshire Police and Crime Commissioner", "O", [0, 0, 0, 40_000, 40_000, 0, 0])]
# department, COFOG level 0, level 1, sector, CAP/CUR, £ million in 2017-18
CRA = [("Department of Health and Social Care", "7. Health", "7.A Health", "CG", "CUR", 200),
       ("Department for Work and Pensions", "10. Social protection", "10.2 Old age", "CG", "CUR", 10),
       ("Local Government England", "9. Education", "9.2 Secondary education", "LG", "CUR", 150),
       ("Local Government England", "4. Economic affairs", "4.5 Transport", "LG", "CAP", 5)]


def write_rs(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    data = book.add_worksheet("RS LA Data 2017-18")
    data.write(0, 0, "Revenue Outturn (RO) 2017-18: Revenue Outturn Summary (RS) data")
    data.write(1, 0, "Net current expenditure (£ thousand)")
    for j, (number, name) in enumerate(LINES):
        data.write_number(5, 5 + j, number)
        data.write(6, 5 + j, name)
    for j, header in enumerate(["E-code", "ONS Code", "Local authority", "", "Class"]):
        data.write(6, j, header)
    for i, (ecode, ons, name, cls, values) in enumerate(BODIES):
        data.write_row(7 + i, 0, [ecode, ons, name, "", cls] + values)
    book.close()


def write_cra(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Metadata").write(0, 2, "Levels of expenditure shown are in £ million")
    data = book.add_worksheet("CRA 2018 database")
    data.write_row(0, 0, ["Department Name", "CRA Segment Code", "CRA Segment Name", "COFOG Level 0", "HMT Function",
                          "COFOG Level 1", "HMT Subfunction", "ID/non-ID", "CAP or CUR", "CG, LG, PC, BOE", "NUTS Region",
                          "Country", "2017-18"])
    for i, (dept, level0, level1, sector, capcur, value) in enumerate(CRA):
        data.write_row(1 + i, 0, [dept, f"S{i}", dept, level0, level0, level1, level1, "ID", capcur, sector,
                                  "ENGLAND_North West", "ENGLAND", value])
    book.close()


def write_payments(path: Path, body: str, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Body Name", "Payment Date", "Supplier Name", "Service Area", "Amount"])
        for date, supplier, amount in rows:
            w.writerow([body, date, supplier, "Community Health Services", amount])


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> tp.Workspace:
    folder = tmp_path_factory.mktemp("demoshire")
    reference = folder / "reference"
    write_register(reference)
    with (reference / "ons_LAD18_to_RGN18_England.csv").open("w", encoding="utf-8", newline="") as f:
        f.write("LAD18CD,LAD18NM,RGN18CD,RGN18NM,FID\n"
                f"{NORTHTOWN},Northtown,{REGION},North West,1\n{SOUTHVALE},Southvale,{REGION},North West,2\n")
    # the ICB's area: the districts' LSOAs are in its one CCG, whose partnership became the ICB
    (reference / "ons_LSOA11_CCG20_LAD20_England.csv").write_text(
        "FID,LSOA11CD,LSOA11NM,CCG20CD,CCG20CDH,CCG20NM,LAD20CD,LAD20NM\n"
        f"1,E01999001,Northtown 001A,E38999001,99Z,NHS Demoshire CCG,{NORTHTOWN},Northtown\n"
        f"2,E01999002,Southvale 001A,E38999001,99Z,NHS Demoshire CCG,{SOUTHVALE},Southvale\n", encoding="utf-8")
    (reference / "ons_CCG20_to_STP20_England.csv").write_text(
        "FID,CCG20CD,CCG20CDH,CCG20NM,STP20CD,STP20CDH,STP20NM\n1,E38999001,99Z,NHS Demoshire CCG,E54999001,QZZ,Demoshire\n",
        encoding="utf-8")
    (folder / "drivers.csv").write_text(f"code,value\n{NORTHTOWN},60000\n{SOUTHVALE},40000\n", encoding="utf-8")
    ws = tp.init_workspace(folder / "ws", "count method (SYNTHETIC)")
    tp.load_reference(ws, reference)
    write_rs(folder / "rs.xlsx")
    write_cra(folder / "cra.xlsx")
    write_payments(folder / "icb.csv", "NHS Demoshire Integrated Care Board",
                   [("2017-06-01", "Demoshire Community Care Ltd", "600000.00"), ("2017-07-01", "Acme Clinics", "400000.00"),
                    ("2019-01-01", "Acme Clinics", "999.00")])
    write_payments(folder / "northtown.csv", "Northtown Borough Council",
                   [("2017-07-03", "NHS Demoshire Integrated Care Board", "50000.00"), ("2017-07-04", "Acme Cleaning", "1000.00")])
    for name in ("rs.xlsx", "cra.xlsx", "icb.csv", "northtown.csv"):
        (result,) = tp.ingest(ws, [folder / name])
        assert result.status == "loaded", result
    return ws


def driver(ws: tp.Workspace) -> Path:
    return ws.root.parent / "drivers.csv"


def cells(count) -> dict[tuple[str, str | None], int]:
    return {(c.body_id, c.cofog): c.gross_pence for c in count.cells}


def test_without_populations_nothing_is_shared_and_the_count_says_so(place):
    count = tp.count_place(place, NORTHTOWN, "2017-18")
    assert {c.body_id for c in count.cells} == {"NTN"}  # its own outturn, whole; nothing shared
    gaps = [m["what"] for m in count.missing]
    assert "Demoshire County Council: outturn: cannot be shared to the place" in gaps
    assert "CRA 2018: spending in North West: cannot be shared to the place" in gaps
    assert "population of the place" in gaps and count.per_head_pence is None


def test_a_district_takes_its_share_of_the_county_police_and_region_by_the_driver(place):
    count = tp.count_place(place, NORTHTOWN, "2017-18", driver=driver(place))
    assert cells(count) == {
        ("DMC", "09"): 6_000_000_000, ("DMC", "10"): 3_000_000_000,   # 60% of the county's £100m and £50m
        ("NTN", "05"): 300_000_000,                                      # its own, whole
        ("E23999001", "03"): 2_400_000_000,                              # 60% of the police body's £40m
        ("CRA:Department of Health and Social Care", "07"): 12_000_000_000,
        ("CRA:Department for Work and Pensions", "10"): 600_000_000,
    }
    assert {c.basis for c in count.cells if c.body_id.startswith("CRA:")} == {"apportioned"}
    assert all("2 districts" in c.driver or c.driver == "whole" for c in count.cells)
    # rent rebates to HRA tenants are not counted, and levies are listed, not counted
    assert not any(p.get("line") == 713 for c in count.cells for p in c.parts)
    assert count.gross_pence == sum(cells(count).values())
    # Northtown's £50,000 to the ICB, which is counted (top-down, in health): netted from Northtown's own spending,
    # across its functions as it reports no health spending
    assert count.transfers_netted_pence == 5_000_000 == count.gross_pence - count.total_pence
    (transfer,) = count.transfers
    assert (transfer["payer_id"], transfer["payee_id"], transfer["netted_pence"]) == ("NTN", "E54999001", 5_000_000)
    assert "across the payer's functions" in transfer["why"]
    assert [(c.body_id, c.cofog, c.transfers_netted_pence) for c in count.cells if c.transfers_netted_pence] == [("NTN", "05", 5_000_000)]


def test_the_districts_shares_add_up_to_the_county_and_the_region(place):
    county = tp.count_place(place, COUNTY, "2017-18", driver=driver(place))
    north = tp.count_place(place, NORTHTOWN, "2017-18", driver=driver(place))
    south = tp.count_place(place, SOUTHVALE, "2017-18", driver=driver(place))
    summed = {k: cells(north).get(k, 0) + cells(south).get(k, 0) for k in cells(county)}
    assert summed == cells(county)
    assert cells(county)[("DMC", "09")] == 10_000_000_000 and cells(county)[("CRA:Department of Health and Social Care", "07")] == 20_000_000_000
    levies = [m for m in county.missing if m["what"].startswith("Waste Disposal Authority levy")]
    assert levies[0]["pence"] == 100_000_000


def test_the_lg_part_of_cra_is_left_out_where_councils_are_counted_bottom_up(place):
    count = tp.count_place(place, COUNTY, "2017-18", driver=driver(place))
    assert not [c for c in count.cells if c.body_id == "CRA:Local Government England"]
    capital = [m for m in count.missing if m["what"].startswith("local government capital spending")]
    assert capital[0]["pence"] == 500_000_000
    assert any("local government current spending" in n and "150,000,000 for" in n for n in count.notes)


def test_payments_declared_complete_replace_apportioned_spending_and_transfers_to_them_are_netted(place):
    plain = tp.count_place(place, COUNTY, "2017-18", driver=driver(place))
    assert [m for m in plain.missing if m["what"].startswith("NHS Demoshire Integrated Care Board: payments only")][0]["pence"] == 100_000_000
    count = tp.count_place(place, COUNTY, "2017-18", driver=driver(place), complete=["NHS Demoshire Integrated Care Board"])
    icb = [c for c in count.cells if c.body_id == "E54999001"]
    assert [(c.cofog, c.basis, c.gross_pence) for c in icb] == [("07", "payments", 100_000_000)]  # 2017-18 only
    health = next(c for c in count.cells if c.body_id == "CRA:Department of Health and Social Care")
    assert (health.gross_pence, health.replaced_pence) == (20_000_000_000 - 100_000_000, 100_000_000)
    assert count.gross_pence == plain.gross_pence  # replaced, not added
    # Northtown's £50,000 to the ICB: the ICB's payments are counted, so Northtown's is netted
    assert count.transfers_netted_pence == 5_000_000
    assert [(t["payer_id"], t["payee_id"], t["netted_pence"]) for t in count.transfers] == [("NTN", "E54999001", 5_000_000)]
    unnetted = tp.count_place(place, COUNTY, "2017-18", driver=driver(place), complete=["NHS Demoshire Integrated Care Board"],
                              net_transfers=False)
    assert unnetted.total_pence - count.total_pence == count.transfers_netted_pence
    with pytest.raises(CountError, match="counted from its outturn"):
        tp.count_place(place, COUNTY, "2017-18", complete=["Northtown"])


def test_drivers_are_checked_and_years_without_sources_say_so(place, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("code,value\nE07999001,lots\n", encoding="utf-8")
    with pytest.raises(DriverError, match=r"bad.csv, row 2, column value: 'lots' is not a number"):
        tp.count_place(place, COUNTY, "2017-18", driver=bad)
    bad.write_text("place,value\n", encoding="utf-8")
    with pytest.raises(DriverError, match="needs columns 'code' and 'value'"):
        tp.count_place(place, COUNTY, "2017-18", driver=bad)
    with pytest.raises(CountError, match=r"nothing to count 2015-16 from: .* \(loaded sources hold 2017-18\)"):
        tp.count_place(place, COUNTY, "2015-16", driver=driver(place))
    bad.write_bytes("code,value\nE07999001,1\xa3\n".encode("cp1252"))
    with pytest.raises(DriverError, match="is not UTF-8"):
        tp.count_place(place, COUNTY, "2017-18", driver=bad)


def test_a_driver_table_is_never_mixed_with_population(place, tmp_path):
    partial = tmp_path / "health.csv"
    partial.write_text(f"code,value,cofog\n{NORTHTOWN},3,07\n", encoding="utf-8")  # Southvale left out
    count = tp.count_place(place, NORTHTOWN, "2017-18", driver=partial)
    assert not [c for c in count.cells if c.cofog == "07" and c.basis == "apportioned"]
    (gap,) = [m for m in count.missing if m["what"] == "CRA 2018: spending in North West: cannot be shared to the place"
              and "health for 07 (health.csv)" in m["detail"]]
    assert gap["detail"].endswith(SOUTHVALE) and gap["pence"] == 20_000_000_000
    partial.write_text(f"code,value,cofog\n{NORTHTOWN},3,07\n{SOUTHVALE},1,07\n", encoding="utf-8")
    count = tp.count_place(place, NORTHTOWN, "2017-18", driver=partial)
    health = next(c for c in count.cells if c.cofog == "07" and c.basis == "apportioned")
    assert health.gross_pence == 15_000_000_000 and "health" in health.driver  # 3 parts in 4 of £200m


def test_only_a_body_whose_area_is_known_can_be_declared_complete(place):
    with pytest.raises(CountError, match="no area in the register"):
        tp.count_place(place, COUNTY, "2017-18", driver=driver(place), complete=["Department for Education"])


def test_the_count_reads_a_summary_of_the_ledger_that_adds_up_to_the_ledger(place):
    with place.engine() as engine:
        place.store.open_views(engine)
        summary = engine.rows("""SELECT body_id, payee_body_id, transfer_kind, cofog, month, payments, pence FROM payment_flows
                                 ORDER BY ALL""")
        rows = engine.rows("""SELECT body_id, payee_body_id, transfer_kind, cofog, date_trunc('month', payment_date)::DATE,
                                     count(*), sum(amount_pence) FROM ledger GROUP BY ALL ORDER BY ALL""")
    assert summary == rows and len(rows) == 5
