"""The public estate on the real files: Lambeth's co-location clusters, Trafford's register beside its lists and
its boundary, what changed in Cheltenham's register between 2021 and 2023, NHS estate costs, GeoJSON export."""

from __future__ import annotations

import json
import math

import pytest
from typer.testing import CliRunner

from totalplace.cli import app
from totalplace.estate import (
    DiffError, colocation, diff_registers, estate_costs, estate_summary, feature_collection, place_assets, register_coverage,
)

pytestmark = pytest.mark.real


def test_lambeths_council_police_and_school_buildings_cluster(real_estate):
    found = colocation(real_estate, "Lambeth")
    assert (found["assets"], found["located"], found["not_located"]) == (157, 145, 12)  # the NHS trusts give no location
    clusters = [(c["cluster"], c["assets"], [b["body_id"] for b in c["bodies"]]) for c in found["multi_body"]]
    assert clusters == [("M1", 12, ["E23000001", "LBH"]), ("M2", 6, ["DFE", "LBH"]), ("M3", 3, ["E23000001", "LBH"]),
                        ("M4", 2, ["E23000001", "LBH"]), ("M5", 2, ["DFE", "LBH"])]
    brixton = found["multi_body"][0]
    names = [m["name"] for m in brixton["members"]]
    assert names[:3] == ["Brixton", "International House", "Blue Star House"] and brixton["spread_m"] == pytest.approx(957.9, abs=0.1)
    assert {m["file"] for m in brixton["members"]} >= {"lambeth_police-stations.csv", "lambeth_core_office_buildings.csv"}
    assert len(found["same_body"]) == 28
    closer = colocation(real_estate, "Lambeth", within_m=100)
    assert [c["assets"] for c in closer["multi_body"]] == [6, 2]


def test_trafford_register_beside_its_libraries_leisure_centres_and_hubs(real_estate):
    summary = estate_summary(real_estate, "Trafford")
    assert (summary["assets"], summary["located"]) == (662, 401)
    assert summary["flags"] == {"no location": 261, "outside the boundary of Trafford (E08000009)": 3}
    assert summary["boundary"]["area_code"] == "E08000009"
    council = next(b for b in summary["bodies"] if b["body_id"] == "TRF")
    assert council["kinds"] == {"land and assets register": 608, "geojson points": 28}
    outside = [a for a in place_assets(real_estate, "Trafford").assets if a["flag"] and a["flag"].startswith("outside the boundary")]
    assert len(outside) == 3 and all(a["body_id"] == "TRF" for a in outside)
    coverage = {f["file"]: f for f in register_coverage(real_estate, "Trafford")["files"]}
    assert {k: (f["assets"], f["in_register"]) for k, f in coverage.items()} == {
        "trafford_community_hubs.geojson": (6, 2), "trafford_leisure_centres.geojson": (9, 6), "trafford_libraries.geojson": (13, 11)}
    assert [m["name"] for m in coverage["trafford_libraries.geojson"]["not_in_register"]] == ["Coppice Library", "Old Trafford Library at Limelight"]


def test_what_changed_in_cheltenhams_register_between_2021_and_2023(real_estate):
    found = diff_registers(real_estate, "cheltenham_land_and_assets_2021.csv", "cheltenham_land_and_assets_2023.csv")
    assert (found["old_assets"], found["new_assets"], found["matched"]) == (498, 459, 366)
    assert found["matched_by"] == {"UPRN": 364, "asset id": 2}  # UPRNs matched as numbers (leading zeros vary)
    assert (len(found["added"]), len(found["removed"]), len(found["changed"])) == (93, 132, 21)
    # 2023 writes uses in its holding-type column: holdings inferred from them are not compared
    assert found["changed_fields"] == {"tenure": 2, "tenure_detail": 19, "holding_type": 0}
    assert found["not_compared"] == ["use_type", "name"]  # the 2023 register gives no names; 2021 no uses
    assert sum(1 for r in found["removed"] if "highway" in (r["name"] or "").lower()) >= 20
    summary = estate_summary(real_estate, "Cheltenham")
    assert summary["superseded"] == ["cheltenham_land_and_assets_2021.csv"]  # one estate, not two years' added up
    with pytest.raises(DiffError, match="hold more than one body"):
        diff_registers(real_estate, "trafford_land_and_building_assets.csv", "cheltenham_land_and_assets_2023.csv")
    with pytest.raises(DiffError, match="is no ingested asset file"):
        diff_registers(real_estate, "nope.csv", "cheltenham_land_and_assets_2023.csv")
    with pytest.raises(DiffError, match="the same file"):
        diff_registers(real_estate, "cheltenham_land_and_assets_2023.csv", "cheltenham_land_and_assets_2023.csv")
    with pytest.raises(DiffError, match="is not a land and assets register"):
        diff_registers(real_estate, "trafford_libraries.geojson", "trafford_leisure_centres.geojson")
    # one UPRN holding two 2021 assets (a sports field and a pre-school on it): paired by asset id, not first come
    assert not [c for c in found["changed"] if c["uprn"] and c["uprn"].lstrip("0") == "10012809300"]


def test_nhs_estate_costs_per_square_metre(real_estate):
    found = estate_costs(real_estate)
    assert len(found["bodies"]) == 236
    worcestershire = next(b for b in found["bodies"] if b["body_id"] == "R1A")
    assert (worcestershire["floor_area_m2"], worcestershire["running_cost_pence"], worcestershire["backlog_pence"]) == (68989.0, 1925389700, 1104362900)
    assert (worcestershire["running_cost_per_m2_pence"], worcestershire["backlog_per_m2_pence"]) == (27909, 16008)
    spread = found["running_cost_per_m2"]
    assert spread["bodies"] == 236 and spread["min"] < spread["lower_quartile"] < spread["median"] < spread["upper_quartile"] < spread["max"]
    assert 250 < spread["median"] < 350
    trafford = estate_costs(real_estate, "Trafford")
    assert len(trafford["bodies"]) == 12 and all(b["body_id"] != "TRF" for b in trafford["bodies"])  # floor areas alone are no cost


def _valid_rfc7946(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point" and len(geometry["coordinates"]) == 2
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and math.isfinite(lon) and math.isfinite(lat)
        assert 49 < lat < 61 and -9 < lon < 2  # longitude first: a swapped pair would fail here
    json.dumps(collection, allow_nan=False)


def test_geojson_export_is_rfc7946_and_the_commands_work(real_estate, tmp_path):
    collection = feature_collection(place_assets(real_estate, "Lambeth").assets)
    _valid_rfc7946(collection)
    assert (len(collection["features"]), collection["totalplace"]["left_out_no_location"]) == (145, 12)
    runner = CliRunner()
    w = ["-w", str(real_estate.root)]
    result = runner.invoke(app, ["estate", "export", str(tmp_path / "lambeth.geojson"), "--place", "Lambeth", *w])
    assert result.exit_code == 0, result.output
    written = json.loads((tmp_path / "lambeth.geojson").read_text(encoding="utf-8"))
    _valid_rfc7946(written)
    town_hall = next(f for f in written["features"] if f["properties"]["name"] == "Lambeth Town Hall")
    assert town_hall["geometry"]["coordinates"] == pytest.approx([-0.11646, 51.46076], abs=1e-5)
    result = runner.invoke(app, ["estate", "colocate", "--place", "Lambeth", "--geojson", *w])
    assert result.exit_code == 0
    _valid_rfc7946(json.loads(result.stdout))
    for args in (["estate", "summary", "--place", "Trafford"], ["estate", "colocate", "--place", "Lambeth"], ["estate", "costs"],
                 ["estate", "coverage", "--place", "Trafford"],
                 ["estate", "diff", "cheltenham_land_and_assets_2021.csv", "cheltenham_land_and_assets_2023.csv"]):
        result = runner.invoke(app, [*args, *w])
        assert result.exit_code == 0 and "Traceback" not in result.output, (args, result.output)
    result = runner.invoke(app, ["estate", "diff", "a.csv", "b.csv", *w])
    assert result.exit_code == 2 and "is no ingested asset file" in result.output
    result = runner.invoke(app, ["estate", "export", str(tmp_path / "no" / "x.geojson"), *w])
    assert result.exit_code == 2 and "cannot be written" in result.output
