"""The demo place's national sources and estate, SYNTHETIC like the rest of Demoshire: a revenue outturn (RS)
return and a Country and Regional Analysis database for 2024-25 in the real files' layouts, a region lookup,
and an estate — the county's land and assets register, a list of police stations, Northtown's boundary — so the
demo can be counted, mapped and served. Every figure is invented."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from ..sources.coordinates import bng_to_wgs84
from .layouts import _workbook

REGION = ("E12000002", "North West")  # the region the demo's CRA rows are published for (NUTS names are fixed)
YEAR = "2024-25"
RS_LINES = [(190, "Education services"), (290, "Highways and transport services"), (330, "Children Social Care"),
            (360, "Adult Social Care"), (390, "Public Health"), (509, "Cultural and related services"),
            (590, "Environmental and regulatory services"), (601, "Police services"), (690, "Central services"),
            (699, "TOTAL SERVICE EXPENDITURE (total of lines 190 to 698)")]
RS_BODIES = [  # £ thousand, in the order of RS_LINES
    ("E9901", "E10999001", "Demoshire", "SC", [180_000, 40_000, 60_000, 90_000, 15_000, 5_000, 20_000, 0, 10_000, 420_000]),
    ("E9902", "E07999001", "Northtown", "SD", [0, 2_000, 0, 0, 0, 4_000, 9_000, 0, 6_000, 21_000]),
    ("E9903", "E07999002", "Southvale", "SD", [0, 1_500, 0, 0, 0, 2_500, 6_000, 0, 4_000, 14_000]),
    ("E7099", "E23999001", "Demoshire Police and Crime Commissioner", "O", [0, 0, 0, 0, 0, 0, 0, 95_000, 0, 95_000]),
]
CRA_ROWS = [  # department, COFOG level 0, level 1, sector, CAP/CUR, £ million for the region in 2024-25
    ("Department of Health and Social Care", "7. Health", "7.A Health services", "CG", "CUR", 500),
    ("Department for Work and Pensions", "10. Social protection", "10.2 Old age", "CG", "CUR", 600),
    ("Department for Work and Pensions", "10. Social protection", "10.5 Unemployment", "CG", "CUR", 40),
    ("Department for Education", "9. Education", "9.2 Secondary education", "CG", "CUR", 120),
    ("Department for Transport", "4. Economic affairs", "4.5 Transport", "CG", "CAP", 60),
    ("Ministry of Justice", "3. Public order and safety", "3.4 Prisons", "CG", "CUR", 20),
    ("Local Government England", "9. Education", "9.2 Secondary education", "LG", "CUR", 160),
]
ESTATE = [  # (file, [(name, easting, northing, use)])
    ("demoshire_county_land_and_assets.csv", [
        ("County Hall", 451200, 301300, "Offices"), ("Northtown Library", 451450, 301150, "Library"),
        ("Southvale Depot", 462300, 296800, "Depot"), ("Northtown Care Home", 452900, 302600, "Residential care"),
        ("Demoshire Records Office", 451300, 301420, "Archive")]),
    ("demoshire_police_stations.csv", [
        ("Northtown Police Station", 451330, 301250, "Police station"), ("Southvale Police Station", 462100, 296900, "Police station")]),
]
BOUNDARY = [(449000, 299000), (455000, 299000), (455000, 304000), (449000, 304000), (449000, 299000)]


def write_national(folder: Path) -> list[Path]:
    """The RS return, the CRA database and the region lookup (into the reference folder given)."""
    folder.mkdir(parents=True, exist_ok=True)
    rs = folder / f"demoshire_rs_{YEAR}.xlsx"
    book = _workbook(rs)
    data = book.add_worksheet(f"RS LA Data {YEAR}")
    data.write(0, 0, f"Revenue Outturn (RO) {YEAR}: Revenue Outturn Summary (RS) data (SYNTHETIC: Demoshire, invented)")
    data.write(1, 0, "Net current expenditure (£ thousand)")
    for j, (number, name) in enumerate(RS_LINES):
        data.write_number(5, 5 + j, number)
        data.write(6, 5 + j, name)
    data.write_row(6, 0, ["E-code", "ONS Code", "Local authority", "", "Class"])
    for i, (ecode, ons, name, cls, values) in enumerate(RS_BODIES):
        data.write_row(7 + i, 0, [ecode, ons, name, "", cls] + values)
    book.close()
    cra = folder / "demoshire_cra_2025.xlsx"
    book = _workbook(cra)
    book.add_worksheet("Metadata").write(0, 2, "SYNTHETIC (Demoshire, invented). Levels of expenditure shown are in £ million")
    data = book.add_worksheet("CRA 2025 database")
    data.write_row(0, 0, ["Department Name", "CRA Segment Code", "CRA Segment Name", "COFOG Level 0", "HMT Function",
                          "COFOG Level 1", "HMT Subfunction", "ID/non-ID", "CAP or CUR", "CG, LG, PC, BOE", "NUTS Region",
                          "Country", YEAR])
    for i, (dept, level0, level1, sector, capcur, value) in enumerate(CRA_ROWS):
        data.write_row(1 + i, 0, [dept, f"S{i}", dept, level0, level0, level1, level1, "ID", capcur, sector,
                                  f"ENGLAND_{REGION[1]}", "ENGLAND", value])
    book.close()
    region = folder / "ons_LAD18_to_RGN18_England.csv"
    region.write_text("LAD18CD,LAD18NM,RGN18CD,RGN18NM,FID\n"
                      f"E07999001,Northtown,{REGION[0]},{REGION[1]},1\nE07999002,Southvale,{REGION[0]},{REGION[1]},2\n",
                      encoding="utf-8")
    return [rs, cra]


def write_estate(folder: Path) -> list[tuple[Path, str]]:
    """The estate files and the body each is ingested with; and Northtown's boundary (GeoJSON, WGS84)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[tuple[Path, str]] = []
    for (file, rows), body in zip(ESTATE, ("Demoshire County Council", "Demoshire Police and Crime Commissioner")):
        path = folder / file
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["NAME", "USE", "EASTING", "NORTHING"])
            for name, easting, northing, use in rows:
                w.writerow([name, use, easting, northing])
        written.append((path, body))
    lons, lats = bng_to_wgs84([e for e, _ in BOUNDARY], [n for _, n in BOUNDARY])
    boundary = folder / "northtown_boundary.geojson"
    boundary.write_text(json.dumps({"type": "FeatureCollection", "name": "SYNTHETIC Northtown boundary", "features": [
        {"type": "Feature", "properties": {"area_code": "E07999001", "area_name": "Northtown"},
         "geometry": {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in zip(lons, lats)]]}}]}),
        encoding="utf-8")
    written.append((boundary, ""))
    return written
