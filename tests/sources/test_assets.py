"""Public-estate files on small generated files: recognised by content (not by name), read into the asset model
with every row accounted for, grid references converted, and clear errors for a file that says no body."""

from __future__ import annotations

import json

import pytest
from pyproj import Transformer

import totalplace as tp
from totalplace.demo.place import write_register
from totalplace.read.text import sniff_text
from totalplace.sources.asset_tables import detect_table
from totalplace.sources.assets import lookup_key, normalise_postcode, normalise_uprn, holding_table, tenure_table
from totalplace.sources.coordinates import bng_to_wgs84, crs_of, in_uk
from totalplace.sources.estate import detect_estate
from totalplace.store.estate import ASSET_VIEW, BOUNDARY_VIEW, OUTCOME_VIEW


def rows(ws: tp.Workspace, sql: str, params=None) -> list[dict]:
    with ws.engine() as engine:
        ws.store.open_views(engine)
        return engine.records(sql, params)


@pytest.fixture
def demo_ws(workspace, tmp_path):
    tp.load_reference(workspace, write_register(tmp_path / "reference")[0].parent)
    return workspace


REGISTER_CSV = (
    "OrganisationLabel,OrganisationURI,UPRN,AssetCode,PropertyName,StreetNumber,StreetName,PostTown,PostCode,"
    "CoordinateReferenceSystem,GeoX,GeoY,TenureType,TenureDetail,OtherDetail,HoldingType,BuildingSize,LandArea,EnergyRating\n"
    "Northtown Borough Council,http://opendatacommunities.org/id/district-council/northtown,010000480247,NT1,Town Hall,1,"
    "High Street,Northtown,nt1  1aa,WGS84,-2.35,53.38,Freehold,Owner Occupied,Town Hall,Land/Buildings,415.05,,D\n"
    "Northtown Borough Council,,,NT2,Depot,,Mill Lane,Northtown,NT1,OSGB36,395265,222126,Leasehold ,Vacant,,Land,,1.5,\n"
    ",,,,,,,,,,,,,,,,,,\n"
    "Northtown Borough Council,,,,,,,,,,,,Freehold,,,Land,,,\n"
    "Northtown Borough Council,,not-a-uprn,NT4,Park,,,,,WGS84,53.45,-2.36,Chattel,,Park,Open Space Land and Allottments,,,\n"
)


def test_an_lga_asset_register_is_recognised_by_content_and_read(demo_ws, tmp_path):
    path = tmp_path / "whatever.txt"  # the name says nothing
    path.write_text(REGISTER_CSV, encoding="utf-8")
    found = detect_estate(path, path.name)
    assert found is not None and found.reader == "table" and found.table.kind == "land and assets register"
    (result,) = tp.ingest(demo_ws, [path])
    assert (result.status, result.dataset, result.body) == ("loaded", "assets", "Northtown Borough Council (NTN)")
    assert (result.rows_read, result.rows_loaded, result.rows_rejected, result.rows_skipped) == (6, 3, 1, 2)
    assert result.skipped_reasons == {"blank row": 1, "header row": 1}
    assert result.rejected_reasons == {"no name, id or address": 1}
    got = {r["asset_id"]: r for r in rows(demo_ws, 'SELECT * FROM assets ORDER BY "row"')}
    hall, depot, park = got["NT1"], got["NT2"], got["NT4"]
    assert hall["uprn"] == "010000480247"  # text, leading zero kept
    assert (hall["postcode"], hall["detail"]) == ("NT1 1AA", None)
    assert hall["address"] == "1 High Street, Northtown"
    assert (hall["lat"], hall["lon"], hall["easting"], hall["location_source"]) == (53.38, -2.35, None, "WGS84 in file")
    assert (hall["tenure"], hall["tenure_detail"], hall["holding_type"], hall["use_type"]) == (
        "Freehold", "Owner Occupied", "Land and Buildings", "Town Hall")
    assert hall["floor_area_m2"] == 415.05 and hall["land_area_ha"] is None
    assert json.loads(hall["extra"]) == {"EnergyRating": "D"}
    assert (hall["body_id"], hall["kind"]) == ("NTN", "land and assets register")
    # OSGB36 in the CRS column: GeoX/GeoY are an easting and northing
    assert (depot["easting"], depot["northing"], depot["location_source"]) == (395265, 222126, "British National Grid in file")
    assert depot["lat"] == pytest.approx(51.89766, abs=1e-5) and depot["lon"] == pytest.approx(-2.07022, abs=1e-5)
    assert depot["postcode"] == "NT1" and "not a full UK postcode" in depot["detail"]
    assert (depot["tenure"], depot["land_area_ha"]) == ("Leasehold", 1.5)
    # a pair only in the UK the other way round is read swapped, and says so; not a UPRN is no UPRN
    assert (park["lat"], park["lon"], park["location_flag"]) == (53.45, -2.36, None)
    assert "wrong way round" in park["detail"] and "is not a UPRN" in park["detail"] and park["uprn"] is None
    assert (park["tenure"], park["holding_type"], park["use_type"]) == ("Other", "Land", "Park; Open Space Land and Allottments")
    outcomes = rows(demo_ws, 'SELECT "row", status, reason, raw FROM asset_outcomes ORDER BY "row"')
    assert [(o["row"], o["status"]) for o in outcomes] == [
        (1, "skipped"), (2, "loaded"), (3, "loaded"), (4, "skipped"), (5, "rejected"), (6, "loaded")]
    assert outcomes[4]["raw"][0] == "Northtown Borough Council"
    # the payments ledger is untouched; rejects lists the asset row
    assert rows(demo_ws, "SELECT count(*) AS n FROM ledger") == [{"n": 0}]
    assert [(r["row"], r["reason"]) for r in tp.list_rejects(demo_ws)] == [(5, "no name, id or address")]


def test_a_list_of_places_in_grid_references_converts_with_pyproj(demo_ws, tmp_path):
    path = tmp_path / "places.csv"
    path.write_text("NAME,ADDRESS,POSTCODE,MAP_EAST,MAP_NORTH\n"
                    "Town Hall,Brixton Hill,sw21rw,530949,175214\n"
                    "Far away,Somewhere,,900000,-500000\n", encoding="utf-8")
    (result,) = tp.ingest(demo_ws, [path], body="Northtown")
    assert (result.status, result.rows_loaded, result.body) == ("loaded", 2, "Northtown Borough Council (NTN)")
    got = rows(demo_ws, 'SELECT * FROM assets ORDER BY "row"')
    lon, lat = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True).transform(530949, 175214)
    assert (got[0]["lat"], got[0]["lon"]) == (lat, lon)
    assert got[0]["lat"] == pytest.approx(51.4608, abs=1e-4) and got[0]["lon"] == pytest.approx(-0.1165, abs=1e-4)
    assert (got[0]["postcode"], got[0]["kind"], got[0]["location_flag"]) == ("SW2 1RW", "list of places", None)
    assert got[1]["location_flag"] == "outside the UK"  # flagged, not dropped
    manifest = tp.list_sources(demo_ws)[0]
    assert manifest["flags"] == {"outside the UK": 1} and "pyproj" in manifest["coordinates"]
    assert any("outside the UK" in w for w in result.warnings)


def test_a_bad_easting_is_rejected_with_a_reason_naming_the_column(demo_ws, tmp_path):
    path = tmp_path / "offices.csv"
    path.write_text("OFFICE,ADDRESS,POSTCODE,EASTING,NORTHING\n"
                    "Good,1 Road,SW2 1RW,530949,175214\n"
                    "Bad,2 Road,SW2 1RW,53O949,175214\n"
                    "No place,3 Road,SW2 1RW,,\n", encoding="utf-8")
    (result,) = tp.ingest(demo_ws, [path], body="Northtown")
    assert (result.rows_loaded, result.rows_rejected) == (2, 1)
    assert result.rejected_reasons == {"easting is not a number (column 'EASTING')": 1}
    (bad,) = rows(demo_ws, "SELECT \"row\", reason, detail FROM asset_outcomes WHERE status = 'rejected'")
    assert bad == {"row": 3, "reason": "easting is not a number (column 'EASTING')", "detail": "'53O949'"}
    (none,) = rows(demo_ws, "SELECT location_flag, lat FROM assets WHERE name = 'No place'")
    assert none == {"location_flag": "no location", "lat": None}


def test_an_asset_file_with_no_body_and_no_body_option_fails_clearly(demo_ws, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("NAME,TYPE,ADDRESS,POSTCODE,MAP_EAST,MAP_NORTH,ACADEMY\nA,Primary,1 Road,SW2 1RW,530949,175214,\n",
                    encoding="utf-8")
    (result,) = tp.ingest(demo_ws, [path])
    assert result.status == "failed"
    assert "does not say which body holds these assets" in result.error and "--body" in result.error
    assert tp.list_sources(demo_ws) == []  # nothing half-written


def test_academies_belong_to_the_department_for_education(workspace, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_text("NAME,TYPE,ADDRESS,POSTCODE,MAP_EAST,MAP_NORTH,ACADEMY\n"
                    "Council school,Primary School,1 Road,SW2 1RW,530949,175214,\n"
                    "An academy,Secondary School,2 Road,SW2 1RW,530950,175215,yes\n", encoding="utf-8")
    (result,) = tp.ingest(workspace, [path], body="Northtown")  # no register yet: recorded as given
    got = {r["name"]: r for r in rows(workspace, "SELECT name, body_id, body_name, use_type FROM assets")}
    assert got["An academy"]["body_name"] == "Department for Education" and got["An academy"]["body_id"] is None
    assert got["Council school"] == {"name": "Council school", "body_id": None, "body_name": "Northtown",
                                     "use_type": "Primary School"}
    tp.load_reference(workspace, write_register(tmp_path / "reference")[0].parent)  # bodies resolved again
    got = {r["name"]: r for r in rows(workspace, "SELECT name, body_id, body_name FROM assets")}
    assert (got["An academy"]["body_id"], got["Council school"]["body_id"]) == ("DFE", "NTN")


def geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                       "features": features})


def test_a_geojson_point_file_is_a_list_of_places(demo_ws, tmp_path):
    path = tmp_path / "libraries.json"
    path.write_text(geojson([
        {"type": "Feature", "properties": {"name": "Central Library", "type": "Council run", "address": "1 Road, Town",
                                           "postcode": "wa14 1ah", "email": "x@example.org"},
         "geometry": {"type": "Point", "coordinates": [-2.3521566, 53.3870546]}},
        {"type": "Feature", "properties": {"name": "Mobile library", "address": "", "postcode": ""}, "geometry": None},
    ]), encoding="utf-8")
    (result,) = tp.ingest(demo_ws, [path], body="Northtown")
    assert (result.status, result.dataset, result.rows_read, result.rows_loaded) == ("loaded", "assets", 2, 2)
    got = rows(demo_ws, 'SELECT * FROM assets ORDER BY "row"')
    assert (got[0]["row"], got[0]["lat"], got[0]["lon"], got[0]["location_source"]) == (1, 53.3870546, -2.3521566, "GeoJSON point")
    assert (got[0]["postcode"], got[0]["use_type"], got[0]["kind"]) == ("WA14 1AH", "Council run", "geojson points")
    assert json.loads(got[0]["extra"]) == {"email": "x@example.org"}
    assert (got[1]["row"], got[1]["location_flag"]) == (2, "no location")


def test_geojson_polygons_are_boundaries(demo_ws, tmp_path):
    ring = [[-2.4, 53.3], [-2.2, 53.3], [-2.2, 53.5], [-2.4, 53.5], [-2.4, 53.3]]
    path = tmp_path / "wards.geojson"
    path.write_text(geojson([
        {"type": "Feature", "properties": {"area_code": "E05000001", "area_name": "North"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"WD23CD": "E05000002", "WD23NM": "South"},
         "geometry": {"type": "MultiPolygon", "coordinates": [[ring], [[[0, 50], [1, 50], [1, 51], [0, 50]]]]}},
        {"type": "Feature", "properties": {"note": "x"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]), encoding="utf-8")
    (result,) = tp.ingest(demo_ws, [path])
    assert (result.dataset, result.rows_read, result.rows_loaded, result.rows_rejected) == ("boundaries", 3, 2, 1)
    assert result.rejected_reasons == {"no area code or name": 1}
    got = rows(demo_ws, "SELECT * FROM boundaries ORDER BY feature")
    assert [(g["feature"], g["area_code"], g["area_name"]) for g in got] == [(1, "E05000001", "North"), (2, "E05000002", "South")]
    assert (got[1]["min_lon"], got[1]["min_lat"], got[1]["max_lon"], got[1]["max_lat"]) == (-2.4, 50, 1, 53.5)
    assert json.loads(got[0]["geometry"]) == {"type": "Polygon", "coordinates": [ring]}
    assert rows(demo_ws, "SELECT count(*) AS n FROM assets") == [{"n": 0}]


def test_eric_and_ods_trust_files_are_recognised(demo_ws, tmp_path):
    eric = tmp_path / "estates.csv"
    eric.write_text(
        "$$Trust Profile$Areas$Finance$$Quality of Buildings$\n"
        "Organisation Code$Organisation Name$Number of sites - General acute hospital (No.)$Gross internal floor area (m²)$"
        "Estates and property maintenance (£)$Cleaning service cost (£)$Cost to eradicate high risk backlog (£)$"
        "Cost to eradicate low risk backlog (£)\n"
        "RX1$A TRUST$2$1,000$1,234.565$Not Applicable$10$20.01\n", encoding="utf-8")
    ods = tmp_path / "etr.csv"
    line = ['"RX1"', '"A NHS TRUST"', '"Y56"', '"QMJ"', '"HQ"', '"1 ROAD"', '""', '"TOWN"', '""', '"ab1 2cd"', '"19910401"',
            '"20200331"'] + ['""'] * 15
    ods.write_text("\n".join(",".join(line).replace("RX1", code) for code in ("RX1", "RX2", "RX3")) + "\n", encoding="utf-8")
    assert detect_estate(eric, "x").reader == "eric" and detect_estate(ods, "x").reader == "ods_trusts"
    (r1,) = tp.ingest(demo_ws, [eric])
    (r2,) = tp.ingest(demo_ws, [ods])
    assert (r1.rows_read, r1.rows_loaded, r1.skipped_reasons) == (3, 1, {"header row": 2})
    assert (r2.rows_read, r2.rows_loaded) == (3, 3)
    got = rows(demo_ws, "SELECT * FROM assets ORDER BY kind, asset_id")
    e = got[0]
    assert (e["kind"], e["floor_area_m2"], e["running_cost_pence"], e["backlog_pence"]) == ("nhs estates (ERIC)", 1000, 123456, 3001)  # £1,234.565: half to even
    assert "leaves out columns with no figure: Cleaning service cost (£)" in e["detail"]
    assert json.loads(e["extra"])["sites (total of the 'Number of sites' columns)"] == "2"
    t = got[1]
    assert (t["kind"], t["address"], t["postcode"], t["name"]) == ("nhs trust headquarters", "HQ, 1 ROAD, TOWN", "AB1 2CD", "A NHS TRUST")
    assert json.loads(t["extra"])["Close Date"] == "2020-03-31" and t["detail"] == "closed 2020-03-31"


def test_payment_files_are_not_taken_for_estate_files(tmp_path):
    path = tmp_path / "spend.csv"
    path.write_text("Body Name,Date,Supplier Name,Amount,Expense Type,Type\nX,01/01/2024,Acme,10.00,Repairs,Invoice\n", encoding="utf-8")
    assert detect_estate(path, path.name) is None
    assert detect_table(sniff_text(path)) is None


def test_normalisers():
    assert normalise_postcode(" gl50\n1dy ") == ("GL50 1DY", None)
    assert normalise_postcode("M31")[0] == "M31" and "not a full UK postcode" in normalise_postcode("M31")[1]
    assert normalise_postcode("") == (None, None)
    assert normalise_uprn("010000480247") == ("010000480247", None)
    assert normalise_uprn("1.00012E+11")[0] is None
    assert tenure_table()[lookup_key("Freehold\u00a0")] == "Freehold"
    assert holding_table()[lookup_key("Parks, Gardens and open space")] == (None, True)
    assert holding_table()[lookup_key("Land/Buildings")] == ("Land and Buildings", False)
    assert crs_of("WGS84") == "wgs84" and crs_of("OSGB36 / British National Grid") == "bng" and crs_of("") is None
    assert in_uk(51.46, -0.12) and not in_uk(-2.36, 53.45)
    lons, lats = bng_to_wgs84([530949], [175214])
    assert lats[0] == pytest.approx(51.46076, abs=1e-5) and lons[0] == pytest.approx(-0.11646, abs=1e-5)


def test_views_exist_typed_and_empty_with_nothing_ingested(workspace):
    with workspace.engine() as engine:
        workspace.store.open_views(engine)
        for view, spec in (("assets", ASSET_VIEW), ("asset_outcomes", OUTCOME_VIEW), ("boundaries", BOUNDARY_VIEW)):
            assert [r[0] for r in engine.rows(f"DESCRIBE {view}")] == [name for name, _, _ in spec]
            assert engine.one(f"SELECT count(*) FROM {view}") == (0,)
