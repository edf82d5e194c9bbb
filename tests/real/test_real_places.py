"""Places from the real ONS lookups and register: the questions a user asks, answered."""

from __future__ import annotations

import pytest

import totalplace as tp
from totalplace.places import PlaceError, describe_place, list_places, place_children

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def ws(tmp_path_factory, real):
    workspace = tp.init_workspace(tmp_path_factory.mktemp("places") / "ws")
    tp.load_reference(workspace, real / "reference_geography")
    return workspace


def test_the_districts_of_a_county_and_a_combined_authority(ws):
    lancashire = describe_place(ws, "Lancashire")
    assert lancashire["code"] == "E10000017" and len(lancashire["districts"]) == 12
    assert "Hyndburn" in {d["name"] for d in lancashire["districts"]}
    gm = describe_place(ws, "Greater Manchester")
    assert gm["code"] == "E47000001"
    assert sorted(d["name"] for d in gm["districts"]) == ["Bolton", "Bury", "Manchester", "Oldham", "Rochdale",
                                                          "Salford", "Stockport", "Tameside", "Trafford", "Wigan"]


def test_populations_say_where_they_come_from(ws):
    trafford = describe_place(ws, "E08000009")
    assert (trafford["population"], trafford["population_source"]) == (237579, "mySociety register, 2020")
    north_west = describe_place(ws, "North West")
    assert north_west["population_source"].startswith("sum of its 35 districts")
    district_codes = {d["code"] for d in north_west["districts"]}
    assert len(district_codes) == 35
    assert north_west["population"] == sum(p["population"] for p in place_children(ws, "North West")
                                           if p["code"] in district_codes)


def test_who_serves_a_district(ws):
    trafford = describe_place(ws, "Trafford")
    parents = {k: v["code"] for k, v in trafford["parents"].items()}
    assert parents["police_force_area"] == "E23000005" and parents["fire_authority"] == "E31000040"
    assert parents["icb"] == "E54000057"
    bodies = {b["body_id"] for b in trafford["serving_bodies"]}
    assert {"TRF", "GMCA", "E23000005", "E31000040", "E54000057"} <= bodies


def test_older_codes_and_successors(ws):
    assert describe_place(ws, "00DA")["code"] == "E08000035"  # Leeds's SNAC code
    craven = describe_place(ws, "Craven")
    assert craven["end_date"] == "2023-04-01" and craven["parents"]["successor"]["code"] == "E06000065"
    north_yorkshire = describe_place(ws, "E06000065")
    assert north_yorkshire["parents"]["police_force_area"]["code"] == "E23000009"  # from its predecessors
    assert "Craven" in {p["name"] for p in north_yorkshire["predecessors"]}


def test_wards_lsoas_and_lists(ws):
    assert len(place_children(ws, "E07000163", "ward")) == 19
    assert len(place_children(ws, "NHS Trafford CCG", "lsoa")) == 138
    counties = list_places(ws, "combined authority")
    assert len(counties) == 14
    with pytest.raises(PlaceError, match="no place is called"):
        describe_place(ws, "Atlantis")
