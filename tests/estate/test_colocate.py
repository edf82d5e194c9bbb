"""Co-location: clusters of public buildings within a distance, checked against trying every pair."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from totalplace.estate import colocate as colocate_module
from totalplace.estate.colocate import (EARTH_RADIUS_M, AssetPoint, Colocation, colocate, colocate_brute_force,
                                        distance_m, pairs_brute_force)


def north(lat: float, lon: float, metres: float) -> tuple[float, float]:
    """The point `metres` due north (along the meridian)."""
    return lat + math.degrees(metres / EARTH_RADIUS_M), lon


def east(lat: float, lon: float, metres: float) -> tuple[float, float]:
    """The point at the same latitude `metres` away by great circle, to the east."""
    dlon = 2 * math.asin(math.sin(metres / (2 * EARTH_RADIUS_M)) / math.cos(math.radians(lat)))
    return lat, lon + math.degrees(dlon)


def asset(id, body, where, area=None, cost=None) -> AssetPoint:
    lat, lon = where if where is not None else (None, None)
    return AssetPoint(id, body, lat, lon, area, cost)


def shape(result: Colocation) -> list[tuple[str, tuple, tuple]]:
    return [(c.cluster_id, c.ids, c.bodies) for c in result.multi_body + result.same_body]


def assert_same(fast: Colocation, slow: Colocation) -> None:
    """Identical clusters, totals and order; spreads to a micrometre (found differently: hull against all pairs)."""
    assert (fast.considered, fast.skipped_no_location, fast.pairs) == (slow.considered, slow.skipped_no_location, slow.pairs)
    assert shape(fast) == shape(slow)
    for a, b in zip(fast.multi_body + fast.same_body, slow.multi_body + slow.same_body):
        assert (a.count, a.floor_area_m2, a.floor_area_known, a.running_cost_pence, a.running_cost_known,
                a.centroid_lat, a.centroid_lon) == (b.count, b.floor_area_m2, b.floor_area_known, b.running_cost_pence,
                                                    b.running_cost_known, b.centroid_lat, b.centroid_lon)
        assert a.spread_m == pytest.approx(b.spread_m, abs=1e-6)


MANCHESTER = (53.4794, -2.2453)


def test_single_linkage_chains_and_reports_the_spread():
    a = MANCHESTER
    b = north(*a, 200)
    c = north(*b, 200)
    assets = [asset("a", "council", a), asset("b", "police", b), asset("c", "nhs", c)]
    result = colocate(assets)
    (cluster,) = result.multi_body
    assert cluster.ids == ("a", "b", "c") and cluster.count == 3 and cluster.distinct_bodies == 3
    assert distance_m(*a, *c) > 250  # a and c are apart, joined through b
    assert cluster.spread_m == pytest.approx(400, abs=1e-6)
    assert result.pairs == 2
    assert colocate(assets, within_m=150).multi_body == ()
    assert_same(result, colocate_brute_force(assets))


def test_the_distance_is_inclusive():
    a = MANCHESTER
    b = north(*a, 250)
    d = distance_m(*a, *b)
    assert d == pytest.approx(250, abs=1e-6)
    assets = [asset("a", "council", a), asset("b", "police", b)]
    assert len(colocate(assets, within_m=d).multi_body) == 1  # exactly at the distance: within
    assert colocate(assets, within_m=math.nextafter(d, 0)).multi_body == ()  # the least bit under: not
    assert pairs_brute_force(assets, within_m=d) == [(0, 1)]
    assert pairs_brute_force(assets, within_m=math.nextafter(d, 0)) == []
    for metres in (249.999, 250.001):
        c = east(*a, metres)
        got = colocate([asset("a", "council", a), asset("c", "police", c)])
        assert bool(got.multi_body) == (metres < 250)


def test_same_body_clusters_are_reported_apart_from_multi_body_ones():
    here = MANCHESTER
    there = north(*here, 5_000)
    assets = [asset("h1", "council", here), asset("h2", "council", east(*here, 100)),
              asset("t1", "council", there), asset("t2", "police", east(*there, 100)),
              asset("alone", "police", north(*here, 2_000))]
    result = colocate(assets)
    assert [(c.cluster_id, c.ids, c.bodies) for c in result.multi_body] == [("M1", ("t1", "t2"), ("council", "police"))]
    assert [(c.cluster_id, c.ids, c.bodies) for c in result.same_body] == [("S1", ("h1", "h2"), ("council",))]
    assert result.clustered == 4 and result.considered == 5


@pytest.mark.parametrize("start", [(51.4779, -0.0015), (60.8, -0.85), (60.8, 0.0), (0.0, 179.9999), (-45.0, 170.0)],
                         ids=["Greenwich meridian", "Shetland", "Shetland on the meridian", "antimeridian", "south"])
def test_no_projection_error_at_the_meridian_or_high_latitude(start):
    """249 m joins and 251 m does not, east-west and north-south, wherever the points are. A projection scaled for
    the middle of the UK (54°N) would be 20% out in Shetland; a grid split at 0° or 180° would miss the pair."""
    for step in (east, north):
        for metres, joined in ((249.0, True), (251.0, False)):
            b = step(*start, metres)
            b = (b[0], (b[1] + 180.0) % 360.0 - 180.0)  # past 180°E comes round to -180°
            assert distance_m(*start, *b) == pytest.approx(metres, abs=1e-6)
            assets = [asset("a", "council", start), asset("b", "police", b)]
            assert bool(colocate(assets).multi_body) == joined, (step.__name__, metres)
            assert bool(colocate_brute_force(assets).multi_body) == joined


def test_the_ranking_is_bodies_then_assets_then_floor_area_then_running_cost():
    places = [north(*MANCHESTER, 2_000 * k) for k in range(6)]

    def group(name, k, bodies, areas=(), costs=()):
        return [asset(f"{name}{n}", body, east(*places[k], 50 * n), areas[n] if n < len(areas) else None,
                      costs[n] if n < len(costs) else None) for n, body in enumerate(bodies)]

    assets = (group("cheap", 0, ["x", "y", "x"], areas=[50.0], costs=[1])
              + group("two", 1, ["x", "y", "x", "x", "x"])
              + group("three", 2, ["x", "y", "z"])
              + group("big", 3, ["x", "y", "y"], areas=[100.0])
              + group("dear", 4, ["x", "y", "x"], areas=[20.0, 30.0], costs=[5, None, 7])
              + group("lone", 5, ["x", "x", "x", "x", "x", "x"]))
    result = colocate(assets)
    assert [(c.cluster_id, c.ids[0]) for c in result.multi_body] == [
        ("M1", "three0"), ("M2", "two0"), ("M3", "big0"), ("M4", "dear0"), ("M5", "cheap0")]
    dear = result.multi_body[3]
    assert (dear.floor_area_m2, dear.floor_area_known, dear.running_cost_pence, dear.running_cost_known) == (50.0, 2, 12, 2)
    big = result.multi_body[2]
    assert (big.floor_area_m2, big.floor_area_known, big.running_cost_pence, big.running_cost_known) == (100.0, 1, 0, 0)
    assert [c.cluster_id for c in result.same_body] == ["S1"]
    assert_same(result, colocate_brute_force(assets))


def test_ties_keep_input_order_and_the_result_is_deterministic():
    assets = [asset(f"{k}{n}", f"body{n}", east(*north(*MANCHESTER, 1_000 * m), 10 * n))
              for m, k in enumerate("abc") for n in range(2)]
    result = colocate(assets)
    assert [c.ids for c in result.multi_body] == [("a0", "a1"), ("b0", "b1"), ("c0", "c1")]
    assert colocate(assets) == result
    backwards = colocate(assets[::-1])
    assert [c.ids for c in backwards.multi_body] == [("c1", "c0"), ("b1", "b0"), ("a1", "a0")]


def test_assets_without_a_location_are_skipped_and_counted():
    here = MANCHESTER
    assets = [asset("a", "council", here), asset("b", "police", east(*here, 10)), asset("no", "police", None),
              AssetPoint("half", "police", here[0], None), AssetPoint("nan", "nhs", math.nan, here[1])]
    result = colocate(assets)
    assert (result.considered, result.skipped_no_location) == (2, 3)
    assert result.multi_body[0].ids == ("a", "b")
    assert_same(result, colocate_brute_force(assets))
    empty = colocate([asset("no", "x", None)])
    assert (empty.considered, empty.skipped_no_location, empty.multi_body, empty.same_body) == (0, 1, (), ())
    with pytest.raises(ValueError, match="not WGS84"):
        colocate([AssetPoint("bad", "x", 400_000.0, 300_000.0)])  # easting and northing, not degrees
    with pytest.raises(ValueError, match="within_m"):
        colocate(assets, within_m=-1)


def test_assets_at_one_site_are_a_cluster_and_count_as_pairs():
    here = MANCHESTER
    assets = [asset(f"s{k}", f"body{k % 2}", here) for k in range(4)] + [asset("next", "body9", east(*here, 100))]
    result = colocate(assets)
    (cluster,) = result.multi_body
    assert cluster.count == 5 and result.pairs == 6 + 4
    assert cluster.centroid_lat == pytest.approx(here[0], abs=1e-3)
    assert_same(result, colocate_brute_force(assets))
    assert len(colocate(assets[:4], within_m=0).multi_body) == 1


def uk_points(rng: random.Random, n: int, towns: int, spread_m: float, sites: int = 0) -> list[AssetPoint]:
    centres = [(rng.uniform(49.9, 60.8), rng.uniform(-8.2, 1.8)) for _ in range(towns)]
    assets: list[AssetPoint] = []
    for k in range(n):
        if sites and assets and rng.random() < 0.1:  # in the same building as an earlier asset
            other = rng.choice(assets)
            where = (other.lat, other.lon)
        else:
            lat, lon = rng.choice(centres)
            where = east(*north(lat, lon, rng.gauss(0, spread_m)), rng.gauss(0, spread_m))
        area = round(rng.uniform(10, 5_000), 1) if rng.random() < 0.7 else None
        cost = rng.randrange(10**8) if rng.random() < 0.4 else None
        assets.append(asset(f"A{k}", f"body{rng.randrange(6)}", where, area, cost))
    return assets


@pytest.mark.parametrize("chunk", [2_000_000, 500], ids=["one chunk", "many chunks"])
def test_agrees_with_every_pair_on_thousands_of_points_across_the_uk(monkeypatch, chunk):
    monkeypatch.setattr(colocate_module, "_CHUNK_PAIRS", chunk)  # the pair search in pieces gives the same
    assets = uk_points(random.Random(42), 4_000, towns=40, spread_m=600, sites=1)
    fast, slow = colocate(assets), colocate_brute_force(assets)
    assert fast.pairs > 1_000 and any(c.count > 30 for c in fast.multi_body)  # large clusters take the hull path
    assert_same(fast, slow)
    assert len(pairs_brute_force(assets)) == fast.pairs


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 300), towns=st.integers(1, 8),
       spread_m=st.floats(1, 3_000), within_m=st.floats(0, 2_000))
def test_agrees_with_every_pair(seed, n, towns, spread_m, within_m):
    assets = uk_points(random.Random(seed), n, towns, spread_m, sites=seed % 2)
    assert_same(colocate(assets, within_m), colocate_brute_force(assets, within_m))
