"""The public-estate files as published: three asset registers (Trafford, Cheltenham 2021 and 2023), Lambeth's
lists of places, Trafford's GeoJSON points and boundaries, NHS estates (ERIC 2016-17) and the ODS trust list,
each ingested as a user would (the `real_estate` fixture), with facts checked by hand against the files."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from pyproj import Transformer
from realdata import ESTATE_FILES, outcomes

import totalplace as tp

pytestmark = pytest.mark.real

# file → (kind or dataset, read, loaded, rejected, skipped reasons, body as `sources` shows it)
EXPECTED = {
    "trafford_land_and_building_assets.csv": ("land and assets register", 609, 608, 0, {"header row": 1},
                                              "Trafford Metropolitan Borough Council (TRF)"),
    "cheltenham_land_and_assets_2021.csv": ("land and assets register", 499, 498, 0, {"header row": 1},
                                            "Cheltenham Borough Council (CHT)"),
    "cheltenham_land_and_assets_2023.csv": ("land and assets register", 462, 459, 0, {"blank row": 2, "header row": 1},
                                            "Cheltenham Borough Council (CHT)"),
    "lambeth_core_office_buildings.csv": ("list of places", 18, 17, 0, {"header row": 1}, "London Borough of Lambeth (LBH)"),
    "lambeth_police-stations.csv": ("list of places", 7, 6, 0, {"header row": 1},
                                    "Mayor's Office for Policing and Crime (E23000001)"),
    "lambeth_schools.csv": ("list of places", 88, 87, 0, {"header row": 1},
                            "Department for Education (DFE); London Borough of Lambeth (LBH)"),
    "lambeth_childrens-centres.csv": ("list of places", 31, 30, 0, {"header row": 1}, "London Borough of Lambeth (LBH)"),
    "lambeth_leisure-centres.csv": ("list of places", 6, 5, 0, {"header row": 1}, "London Borough of Lambeth (LBH)"),
    "trafford_libraries.geojson": ("geojson points", 13, 13, 0, {}, "Trafford Metropolitan Borough Council (TRF)"),
    "trafford_leisure_centres.geojson": ("geojson points", 9, 9, 0, {}, "Trafford Metropolitan Borough Council (TRF)"),
    "trafford_community_hubs.geojson": ("geojson points", 6, 6, 0, {}, "Trafford Metropolitan Borough Council (TRF)"),
    "trafford_local_authority_district.geojson": ("boundaries", 1, 1, 0, {}, "boundaries: E08000009"),
    "trafford_electoral_ward.geojson": ("boundaries", 21, 21, 0, {},
                                        "boundaries: E05015239, E05015240, E05015241, E05015242, E05015243 and 16 more"),
    "ERIC-2016-17_trust.csv": ("nhs estates (ERIC)", 238, 236, 0, {"header row": 2}, "236 bodies (232 in the register)"),
    "ods_etr_nhs_trusts.csv": ("nhs trust headquarters", 273, 273, 0, {}, "273 bodies (273 in the register)"),
}


@pytest.fixture(scope="module")
def manifests(real_estate):
    return {m["file"]: m for m in tp.list_sources(real_estate)}


def one(ws, sql: str, params=None) -> dict:
    (row,) = outcomes(ws, sql, params)
    return row


def test_every_file_ingests_with_every_row_accounted_for(real_estate, manifests):
    assert set(manifests) == {rel.split("/")[-1] for rel in ESTATE_FILES} == set(EXPECTED)
    for file, (kind, read, loaded, rejected, skipped, body) in EXPECTED.items():
        m = manifests[file]
        assert (m.get("kind") or m["dataset"], m["rows_read"], m["rows_loaded"], m["rows_rejected"], m["skipped_reasons"],
                m["body"]) == (kind, read, loaded, rejected, skipped, body), file
        assert m["rows_read"] == m["rows_loaded"] + m["rows_rejected"] + m["rows_skipped"]
        assert m["dataset"] == ("boundaries" if kind == "boundaries" else "assets") and m["parts"] == []
    # every row of every asset file is in asset_outcomes, once, with the manifest's outcome
    counts = {(r["file"], r["status"]): r["n"] for r in outcomes(
        real_estate, "SELECT file, status, count(*) AS n FROM asset_outcomes GROUP BY ALL")}
    for file, m in manifests.items():
        if m["dataset"] == "assets":
            assert counts.get((file, "loaded"), 0) == m["rows_loaded"] and counts.get((file, "skipped"), 0) == m["rows_skipped"]
    assert outcomes(real_estate, "SELECT count(*) AS n FROM ledger") == [{"n": 0}]  # no payments


def bng(e: float, n: float) -> tuple[float, float]:
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(e, n)
    return lat, lon


@pytest.mark.parametrize("file, where, easting, northing, lat, lon", [
    # eastings and northings as the files give them; latitude and longitude worked out with pyproj
    ("lambeth_core_office_buildings.csv", "name = 'Lambeth Town Hall'", 530949, 175214, 51.4608, -0.1165),
    ("lambeth_police-stations.csv", "name = 'Brixton'", 531147.1289, 175660.7192, 51.4647, -0.1134),
    ("lambeth_schools.csv", "name = 'Stockwell Park High'", 530679, 176586, 51.4732, -0.1198),
    ("lambeth_childrens-centres.csv", "name = 'Coin Street Neighbourhood Centre'", 531183.5714, 180257.3099, 51.5060, -0.1112),
    ("cheltenham_land_and_assets_2021.csv", '"row" = 2', 395265, 222126, 51.8977, -2.0702),
    ("cheltenham_land_and_assets_2023.csv", '"row" = 2', 395522, 223084, 51.9063, -2.0665),
])
def test_grid_references_become_latitude_and_longitude(real_estate, file, where, easting, northing, lat, lon):
    got = one(real_estate, f"SELECT * FROM assets WHERE file = ? AND {where}", [file])
    assert (got["easting"], got["northing"], got["location_source"], got["location_flag"]) == (
        easting, northing, "British National Grid in file", None)
    assert got["lat"] == pytest.approx(lat, abs=1e-4) and got["lon"] == pytest.approx(lon, abs=1e-4)
    assert (got["lat"], got["lon"]) == pytest.approx(bng(easting, northing), abs=1e-9)


def test_wgs84_and_geojson_points_are_taken_as_given(real_estate):
    hall = one(real_estate, "SELECT * FROM assets WHERE file = 'trafford_land_and_building_assets.csv' AND \"row\" = 2")
    assert (hall["name"], hall["lat"], hall["lon"], hall["easting"], hall["location_source"]) == (
        "Altrincham Town Hall", 53.3879587, -2.3520922, None, "WGS84 in file")
    assert (hall["uprn"], hall["asset_id"], hall["postcode"], hall["address"]) == (
        "100012797623", "TMBC0001/T0000003", "WA14 1PF", "Market Street, Altrincham")
    library = one(real_estate, "SELECT * FROM assets WHERE file = 'trafford_libraries.geojson' AND \"row\" = 1")
    assert (library["name"], library["lat"], library["lon"], library["location_source"], library["use_type"]) == (
        "Altrincham Library", 53.387054682104448, -2.352156600534233, "GeoJSON point", "Local authority run library")
    # Davyhulme Youth Centre: GeoX 53.457484, GeoY -2.365856 — the wrong way round, read swapped and said so
    youth = one(real_estate, "SELECT * FROM assets WHERE file = 'trafford_land_and_building_assets.csv' AND \"row\" = 387")
    assert (youth["name"], youth["lat"], youth["lon"], youth["location_flag"]) == (
        "Davyhulme Youth Centre", 53.457484, -2.365856, None)
    assert "wrong way round" in youth["detail"]
    # 235 Trafford rows give no coordinates at all: loaded, flagged
    flags = {(r["file"], r["location_flag"]): r["n"] for r in outcomes(
        real_estate, "SELECT file, location_flag, count(*) AS n FROM assets WHERE location_flag IS NOT NULL GROUP BY ALL")}
    assert flags == {("trafford_land_and_building_assets.csv", "no location"): 235,
                     ("cheltenham_land_and_assets_2021.csv", "no location"): 1,
                     ("ERIC-2016-17_trust.csv", "no location"): 236, ("ods_etr_nhs_trusts.csv", "no location"): 273}


def test_cheltenham_uprns_keep_their_leading_zeros(real_estate):
    got = one(real_estate, """SELECT count(uprn) AS n, count(*) FILTER (WHERE uprn LIKE '0%') AS zeros, min(uprn) AS first
                              FROM assets WHERE file = 'cheltenham_land_and_assets_2023.csv'""")
    assert got == {"n": 459, "zeros": 257, "first": "010000480247"}
    first = one(real_estate, "SELECT * FROM assets WHERE file = 'cheltenham_land_and_assets_2023.csv' AND \"row\" = 2")
    assert (first["uprn"], first["asset_id"], first["name"]) == ("010000480247", "10/00022/LAND", None)
    assert first["address"] == "Street Record Pittville Crescent Cheltenham Gloucestershire"


def test_cheltenham_2021_newline_in_the_postcode_is_one_row(real_estate, real):
    got = one(real_estate, "SELECT * FROM asset_outcomes WHERE file = 'cheltenham_land_and_assets_2021.csv' AND \"row\" = 2")
    assert (got["status"], got["postcode"], got["uprn"], got["name"]) == ("loaded", "GL50 1DY", "100121228178", "1 Berkeley Mews")
    assert got["raw"][9] == "GL50 1DY\n"  # as published: the quoted postcode runs onto the next line
    text = (real / "assets/cheltenham_land_and_assets_2021.csv").read_bytes()
    assert text.count(b"\n") == 758 and len(list(csv.reader(text.decode("cp1252").splitlines(True)))) == 499
    # cp1252 and repeated Organisation/OrganisationLabel columns: the body from either
    (m,) = [m for m in tp.list_sources(real_estate) if m["file"] == "cheltenham_land_and_assets_2021.csv"]
    assert (m["encoding"], m["columns"]["body"]) == ("cp1252", "Organisation + OrganisationLabel + Organisation (2) + OrganisationLabel (2)")
    assert one(real_estate, """SELECT count(*) AS n FROM assets WHERE file = 'cheltenham_land_and_assets_2021.csv'
                               AND body_id = 'CHT'""") == {"n": 498}


def test_tenure_and_holding_type_normalised(real_estate):
    short = {"trafford_land_and_building_assets.csv": "trafford", "cheltenham_land_and_assets_2021.csv": "cheltenham2021",
             "cheltenham_land_and_assets_2023.csv": "cheltenham2023"}

    def counts(column: str) -> dict:
        return {(short[r["file"]], r["value"]): r["n"] for r in outcomes(real_estate, f"""
            SELECT file, {column} AS value, count(*) AS n FROM assets WHERE kind = 'land and assets register' GROUP BY ALL""")}
    assert counts("tenure") == {
        ("trafford", "Freehold"): 593, ("trafford", "Leasehold"): 14, ("trafford", None): 1,
        ("cheltenham2021", "Freehold"): 490, ("cheltenham2021", "Leasehold"): 8,  # one 'Freehold\xa0'
        ("cheltenham2023", "Freehold"): 444, ("cheltenham2023", "Leasehold"): 9, ("cheltenham2023", "Other"): 4,  # Chattel
        ("cheltenham2023", None): 2}
    assert counts("holding_type") == {
        ("trafford", "Land"): 309, ("trafford", "Land and Buildings"): 174, ("trafford", "Buildings"): 125,
        ("cheltenham2021", "Land"): 286, ("cheltenham2021", "Land and Buildings"): 212,
        ("cheltenham2023", "Land"): 130, ("cheltenham2023", "Buildings"): 27, ("cheltenham2023", "Land and Buildings"): 22,
        ("cheltenham2023", "Other"): 9, ("cheltenham2023", None): 271}
    # Cheltenham 2023 writes uses in 'Holding Type': every one kept in use_type as written
    uses = one(real_estate, """SELECT count(*) FILTER (WHERE use_type = 'Parks, Gardens and open space') AS parks,
                                      count(*) FILTER (WHERE use_type = 'Open Space Land and Allottments' AND holding_type = 'Land') AS open_space,
                                      count(use_type) AS n
                               FROM assets WHERE file = 'cheltenham_land_and_assets_2023.csv'""")
    assert uses == {"parks": 43, "open_space": 120, "n": 437}  # 459 rows, 22 with no holding type
    town_hall = one(real_estate, "SELECT tenure_detail, use_type FROM assets WHERE name = 'Altrincham Town Hall'")
    assert town_hall == {"tenure_detail": "Owner Occupied", "use_type": "Town Hall"}


ERIC_RUNNING = ("Estates and facilities finance costs (£)", "Estates and property maintenance (£)",
                "Grounds and gardens maintenance (£)", "Other Hard FM (Estates) costs (£)",
                "Energy costs (all energy supplies) (£)", "Water cost (£)", "Sewage cost (£)", "Landfill disposal cost (£)",
                "Incineration disposal cost (£)", "Waste reycling cost (£)", "Other recovery cost (£)",
                "Cleaning service cost (£)", "Inpatient food service cost (£)", "Laundry and linen service cost (£)",
                "Portering service cost (£)", "Other Soft FM (Hotel Services) costs (£)")
ERIC_BACKLOG = tuple(f"Cost to eradicate {r} risk backlog (£)" for r in ("high", "significant", "moderate", "low"))


def test_eric_trust_totals_to_the_penny(real_estate, real):
    rows = list(csv.reader((real / "nhs_estates/ERIC-2016-17_trust.csv").open(encoding="utf-8", newline=""), delimiter="$"))
    header = rows[1]
    by_code = {r[0]: dict(zip(header, r)) for r in rows[2:]}

    def pounds(row: dict, columns: tuple[str, ...]) -> int:
        return int(sum(Decimal(row[c].replace(",", "")) for c in columns if row[c] not in ("", "Not Applicable")) * 100)

    for code in ("R1A", "RBV", "RM2"):
        got = one(real_estate, "SELECT * FROM assets WHERE kind = 'nhs estates (ERIC)' AND asset_id = ?", [code])
        assert got["running_cost_pence"] == pounds(by_code[code], ERIC_RUNNING)
        assert got["backlog_pence"] == pounds(by_code[code], ERIC_BACKLOG)
        assert got["floor_area_m2"] == float(by_code[code]["Gross internal floor area (m²)"])
    r1a = one(real_estate, "SELECT * FROM assets WHERE kind = 'nhs estates (ERIC)' AND asset_id = 'R1A'")
    # Worcestershire Health and Care: £19,253,897 running, £11,043,629 backlog, 68,989 m², 20.17 ha, 89 sites
    assert (r1a["running_cost_pence"], r1a["backlog_pence"], r1a["floor_area_m2"], r1a["land_area_ha"]) == (
        1925389700, 1104362900, 68989, 20.17)
    assert (r1a["body_id"], r1a["name"], r1a["use_type"]) == ("R1A", "WORCESTERSHIRE HEALTH AND CARE NHS TRUST", "COMMUNITY")
    assert json.loads(r1a["extra"])["sites (total of the 'Number of sites' columns)"] == "89"
    totals = one(real_estate, """SELECT sum(running_cost_pence) AS running, sum(backlog_pence) AS backlog,
                                        count(body_id) AS resolved, count(*) AS n
                                 FROM assets WHERE kind = 'nhs estates (ERIC)'""")
    # £8.57bn of running costs (NHS Digital reported £8.6bn for 2016-17) and £5.55bn of backlog
    assert totals == {"running": 857141280800, "backlog": 554549087300, "resolved": 232, "n": 236}
    unresolved = outcomes(real_estate, """SELECT asset_id FROM assets WHERE kind = 'nhs estates (ERIC)' AND body_id IS NULL
                                          ORDER BY 1""")
    assert [r["asset_id"] for r in unresolved] == ["TAD", "TAF", "TAH", "TAJ"]  # care trusts: not in the ODS trust list


def test_ods_trusts_are_their_headquarters(real_estate):
    got = one(real_estate, """SELECT count(*) AS n, count(body_id) AS resolved, count(postcode) AS postcodes,
                                     count(*) FILTER (WHERE detail LIKE 'closed %') AS closed
                              FROM assets WHERE kind = 'nhs trust headquarters'""")
    assert got == {"n": 273, "resolved": 273, "postcodes": 273, "closed": 68}
    solent = one(real_estate, "SELECT * FROM assets WHERE kind = 'nhs trust headquarters' AND asset_id = 'R1C'")
    assert (solent["body_id"], solent["name"], solent["detail"]) == ("R1C", "SOLENT NHS TRUST", "closed 2024-09-30")
    assert json.loads(solent["extra"])["Close Date"] == "2024-09-30" and solent["lat"] is None
    manchester = one(real_estate, "SELECT * FROM assets WHERE kind = 'nhs trust headquarters' AND asset_id = 'R0A'")
    assert (manchester["address"], manchester["postcode"]) == ("COBBETT HOUSE, OXFORD ROAD, MANCHESTER", "M13 9WL")


def test_bodies_lambeth_police_and_academies(real_estate):
    bodies = {(r["file"], r["body_id"]): r["n"] for r in outcomes(real_estate, """
        SELECT file, body_id, count(*) AS n FROM assets WHERE file LIKE 'lambeth%' GROUP BY ALL""")}
    assert bodies == {("lambeth_core_office_buildings.csv", "LBH"): 17, ("lambeth_police-stations.csv", "E23000001"): 6,
                      ("lambeth_schools.csv", "LBH"): 80, ("lambeth_schools.csv", "DFE"): 7,
                      ("lambeth_childrens-centres.csv", "LBH"): 30, ("lambeth_leisure-centres.csv", "LBH"): 5}
    academies = outcomes(real_estate, """SELECT name, body_name FROM assets WHERE file = 'lambeth_schools.csv'
                                         AND body_id = 'DFE' ORDER BY "row" """)
    assert [a["name"] for a in academies][:3] == ["Stockwell Park High", "Dunraven", "Lambeth Academy"]
    assert {a["body_name"] for a in academies} == {"Department for Education"}


def test_boundaries_stored_with_their_area_codes(real_estate):
    got = outcomes(real_estate, "SELECT * FROM boundaries ORDER BY file, feature")
    assert len(got) == 22
    district = [g for g in got if g["file"] == "trafford_local_authority_district.geojson"]
    assert [(d["feature"], d["area_code"], d["area_name"]) for d in district] == [(1, "E08000009", "Trafford")]
    assert json.loads(district[0]["geometry"])["type"] == "Polygon"
    assert (district[0]["min_lon"], district[0]["max_lat"]) == (-2.47845617870327, 53.4803619905074)
    wards = [g for g in got if g["file"] == "trafford_electoral_ward.geojson"]
    assert [w["area_code"] for w in wards] == [f"E050152{n}" for n in range(39, 60)]
    assert wards[0]["area_name"] == "Altrincham"
    # every Trafford point lies inside the district's bounding box
    outside = one(real_estate, """SELECT count(*) AS n FROM assets a, boundaries b WHERE b.area_code = 'E08000009'
        AND a.kind = 'geojson points' AND NOT (a.lon BETWEEN b.min_lon AND b.max_lon AND a.lat BETWEEN b.min_lat AND b.max_lat)""")
    assert outside == {"n": 0}
