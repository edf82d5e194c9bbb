"""The estate library on small generated files: boundaries with holes, the diff's matching rules, flags."""

from __future__ import annotations

import pytest

import totalplace as tp
from totalplace.demo.place import write_register
from totalplace.estate import diff_registers, estate_summary, place_assets
from totalplace.estate.boundaries import Boundary

HEADER = "Organisation,OrganisationLabel,UPRN,AssetCode,PropertyName,PostCode,GeoX,GeoY,TenureType,HoldingType\n"


def test_a_point_in_a_polygon_with_a_hole_and_in_a_multipolygon():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    b = Boundary.from_geometry("X", "X", "f", {"type": "Polygon", "coordinates": [square, hole]})
    assert b.contains(1, 1) and not b.contains(5, 5) and not b.contains(11, 5)
    islands = Boundary.from_geometry("Y", "Y", "f", '{"type": "MultiPolygon", "coordinates": [[[[0,0],[1,0],[1,1],[0,1],[0,0]]], [[[5,5],[6,5],[6,6],[5,6],[5,5]]]]}')
    assert islands.contains(0.5, 0.5) and islands.contains(5.5, 5.5) and not islands.contains(3, 3)
    with pytest.raises(ValueError, match="not a polygon"):
        Boundary.from_geometry("Z", "Z", "f", {"type": "Point", "coordinates": [0, 0]})


@pytest.fixture
def workspace(tmp_path):
    write_register(tmp_path / "reference")
    ws = tp.init_workspace(tmp_path / "ws", "estate (SYNTHETIC)")
    tp.load_reference(ws, tmp_path / "reference")
    return ws


def ingest(ws, path, text):
    path.write_text(text, encoding="utf-8")
    (result,) = tp.ingest(ws, [path])
    assert result.status == "loaded", result.error
    return result


def test_registers_are_compared_by_uprn_as_a_number_then_asset_id_then_name_and_place(workspace, tmp_path):
    body = "Northtown Borough Council,NTN"
    ingest(workspace, tmp_path / "northtown_assets_2021.csv", HEADER
           + f"{body},010001,A1,Town Hall,NT1 1AA,451000,301000,Freehold,Land and Buildings\n"
           + f"{body},,A2,Depot,NT1 1AB,452000,301000,Freehold,Land\n"
           + f"{body},,,Old Library,NT1 1AC,453000,301000,Leasehold,Buildings\n"
           + f"{body},20003,A4,Car Park,NT1 1AD,454000,301000,Freehold,Land\n")
    ingest(workspace, tmp_path / "northtown_assets_2023.csv", HEADER
           + f"{body},10001,A1,Town Hall,NT1 1AA,451000,301000,Freehold,Land and Buildings\n"   # UPRN without its zero
           + f"{body},,A2,Depot,NT1 1AB,452000,301000,Leasehold,Land\n"                        # by asset id; tenure changed
           + f"{body},,,old library.,NT1 1AC,453010,301010,Leasehold,Buildings\n"             # by name and place, 14 m
           + f"{body},30005,A5,New Hub,NT1 1AE,455000,301000,Freehold,Buildings\n")           # added; the car park went
    found = diff_registers(workspace, "northtown_assets_2021.csv", "northtown_assets_2023.csv")
    assert found["matched_by"] == {"UPRN": 1, "asset id": 1, "name and location": 1}
    assert [r["name"] for r in found["added"]] == ["New Hub"] and [r["name"] for r in found["removed"]] == ["Car Park"]
    assert [(c["name"], c["changes"]) for c in found["changed"]] == [("Depot", {"tenure": {"old": "Freehold", "new": "Leasehold"}})]
    summary = estate_summary(workspace, "Northtown")
    assert summary["assets"] == 4 and summary["superseded"] == ["northtown_assets_2021.csv"]


def test_a_location_outside_the_uk_is_flagged_and_kept_out_of_clusters(workspace, tmp_path):
    body = "Northtown Borough Council,NTN"
    ingest(workspace, tmp_path / "northtown_assets.csv", HEADER
           + f"{body},1,A1,Town Hall,NT1 1AA,451000,301000,Freehold,Land\n"
           + f"{body},2,A2,Far Away,NT1 1AB,-900000,301000,Freehold,Land\n")
    assets = {a["name"]: a for a in place_assets(workspace).assets}
    assert assets["Far Away"]["flag"] == "outside the UK" and assets["Town Hall"]["flag"] is None


def test_malformed_geojson_is_rejected_with_reasons_not_a_crash_later(workspace, tmp_path):
    bad = tmp_path / "bad_boundary.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"area_code": "E07999001"},'
                   ' "geometry": {"type": "Polygon", "coordinates": [[[0,0],[1,0],"x"]]}}]}', encoding="utf-8")
    (result,) = tp.ingest(workspace, [bad])
    assert result.rows_rejected == 1 and "not a valid polygon" in result.rejected_reasons
    assert estate_summary(workspace, "Northtown")["boundary"] is None  # the place still answers
    oops = tmp_path / "oops.geojson"
    oops.write_text('{"type": "FeatureCollection", "features": "oops"}', encoding="utf-8")
    (result,) = tp.ingest(workspace, [oops])
    assert result.status == "failed" and "oops.geojson" in result.error and "must be a list" in result.error
    points = tmp_path / "points.geojson"
    points.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Nowhere"},'
                      ' "geometry": {"type": "Point", "coordinates": [200, 95]}}]}', encoding="utf-8")
    (result,) = tp.ingest(workspace, [points], body="Northtown")
    assert result.status == "loaded", result.error
    (asset,) = [a for a in place_assets(workspace).assets if a["name"] == "Nowhere"]
    assert (asset["lat"], asset["lon"], asset["flag"]) == (None, None, "no location") and "not on the Earth" in asset["detail"]
