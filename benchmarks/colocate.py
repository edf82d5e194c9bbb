"""Benchmark: co-location of public buildings — clustering 1,000,000 generated assets within 250 m, in one run.

The estate is generated (deterministic by seed) the way real ones sit: 3,000 towns across the UK (Great Britain,
Northern Ireland and the Northern Isles) with Zipf-like sizes, each town's buildings spread about its centre
with a dense core and a hinterland; each asset belongs to one of the town's own bodies (council, NHS trust,
academy trust), its region's (county council, police, fire) or a national one (DWP, HMRC, courts, …); one asset
in seven shares the exact coordinates of another of its town (a shared building, a postcode centroid); a few
have no location. Floor area is known for 70% of assets, running cost for 40%.

  totalplace  `colocate(assets, within_m=250)` on all of them: the 3-D grid pair search with haversine checks,
              connected components, and the ranked clusters with their totals, centroids and spreads
  baseline    `colocate_brute_force` — the haversine distance of every pair of assets (vectorised with numpy,
              in blocks), components, the same clusters — timed on a random subsample and scaled to all the
              assets by (all ÷ sample)², since its work is the n²/2 pairs; on the subsample both are run and
              their results compared

Prints a markdown table and writes it into docs/benchmarks.md. Usage:
    python benchmarks/colocate.py [--assets 1000000] [--sample 20000]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from dataclasses import replace

from results import record

import numpy as np

from totalplace.estate.colocate import AssetPoint, Colocation, colocate, colocate_brute_force

NATIONAL = ["DWP", "HMRC", "HM Courts & Tribunals Service", "HM Prison and Probation Service", "Ministry of Defence",
            "Home Office", "Department for Education", "HM Land Registry", "DVLA", "Environment Agency",
            "Met Office", "Ordnance Survey", "Valuation Office Agency", "Companies House", "Royal Mail",
            "Network Rail", "National Highways", "Forestry England", "Natural England", "Historic England"]


def generate(n: int, towns: int = 3_000, seed: int = 20261127) -> list[AssetPoint]:
    rng = np.random.default_rng(seed)
    # town centres: most in Great Britain, some in Northern Ireland and the Northern Isles
    boxes = [((50.1, 55.8), (-5.6, 1.7), 0.86), ((55.8, 58.6), (-6.2, -1.8), 0.08),
             ((54.1, 55.2), (-8.0, -5.5), 0.05), ((58.8, 60.8), (-3.4, -0.8), 0.01)]
    box = rng.choice(len(boxes), size=towns, p=[b[2] for b in boxes])
    t_lat = np.array([rng.uniform(*boxes[b][0]) for b in box])
    t_lon = np.array([rng.uniform(*boxes[b][1]) for b in box])
    weight = 1.0 / np.arange(1, towns + 1) ** 0.8
    size = np.maximum(20, np.floor(weight / weight.sum() * n)).astype(np.int64)
    town = np.repeat(np.arange(towns), size)[:n]
    town = np.concatenate((town, rng.integers(0, towns, n - len(town))))
    rng.shuffle(town)
    # buildings about the centre, in metres: a dense core (30%), the town (40%), its hinterland (30%)
    sigma = rng.choice([8.0, 25.0, 100.0], n, p=[0.3, 0.4, 0.3]) * np.sqrt(size[town])
    north, east = rng.normal(0, 1, n) * sigma, rng.normal(0, 1, n) * sigma
    lat = t_lat[town] + np.degrees(north / 6_371_008.8)
    lon = t_lon[town] + np.degrees(east / (6_371_008.8 * np.cos(np.radians(t_lat[town]))))
    shared = np.flatnonzero(rng.random(n) < 1 / 7)  # in the same building as another asset of the town
    by_town = np.argsort(town, kind="stable")
    first = np.searchsorted(town[by_town], np.arange(towns))
    count = np.bincount(town, minlength=towns)
    other = by_town[first[town[shared]] + (rng.random(len(shared)) * count[town[shared]]).astype(np.int64)]
    lat[shared], lon[shared] = lat[other], lon[other]
    # bodies: the town's own, its region's (a 0.5° grid square), or national
    region = (np.floor((t_lat[town] - 49) / 0.5) * 100 + np.floor((t_lon[town] + 9) / 0.5)).astype(np.int64)
    pick = rng.random(n)
    local = rng.choice(["council", "NHS trust", "academy trust"], n, p=[0.6, 0.25, 0.15])
    regional = rng.choice(["county council", "police", "fire and rescue"], n, p=[0.5, 0.3, 0.2])
    national = rng.integers(0, len(NATIONAL), n)
    area = np.round(rng.lognormal(6.5, 1.2, n), 1)
    area_known = rng.random(n) < 0.7
    cost = (area * rng.uniform(5_000, 25_000, n)).astype(np.int64)
    cost_known = rng.random(n) < 0.4
    no_location = rng.random(n) < 0.002
    assets = []
    for k in range(n):
        if pick[k] < 0.5:
            body = f"town {town[k]} {local[k]}"
        elif pick[k] < 0.8:
            body = f"region {region[k]} {regional[k]}"
        else:
            body = NATIONAL[national[k]]
        located = not no_location[k]
        assets.append(AssetPoint(f"A{k:07d}", body, float(lat[k]) if located else None,
                                 float(lon[k]) if located else None,
                                 float(area[k]) if area_known[k] else None, int(cost[k]) if cost_known[k] else None))
    return assets


def agree(fast: Colocation, slow: Colocation) -> bool:
    """The same clusters, members, totals and order; spreads (found differently) to a micrometre."""
    def strip(result: Colocation) -> Colocation:
        return replace(result, multi_body=tuple(replace(c, spread_m=0.0) for c in result.multi_body),
                       same_body=tuple(replace(c, spread_m=0.0) for c in result.same_body))
    spreads = zip(fast.multi_body + fast.same_body, slow.multi_body + slow.same_body)
    return strip(fast) == strip(slow) and all(abs(a.spread_m - b.spread_m) <= 1e-6 for a, b in spreads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--within", type=float, default=250.0)
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    print(f"generating {args.assets:,} assets (not timed) ...", file=sys.stderr, flush=True)
    assets = generate(args.assets)

    print("colocate on all of them ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    result = colocate(assets, args.within)
    ours = time.perf_counter() - start
    print("again, tracing memory (not timed) ...", file=sys.stderr, flush=True)
    tracemalloc.start()
    colocate(assets, args.within)
    peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()

    rng = np.random.default_rng(7)
    sample = [assets[k] for k in np.sort(rng.choice(len(assets), args.sample, replace=False)).tolist()]
    print(f"brute force on a subsample of {len(sample):,} ...", file=sys.stderr, flush=True)
    start = time.perf_counter()
    brute = colocate_brute_force(sample, args.within)
    base = time.perf_counter() - start
    same = agree(colocate(sample, args.within), brute)
    scaled = base * (len(assets) / len(sample)) ** 2

    largest = max((c.count for c in result.multi_body + result.same_body), default=0)
    widest = max((c.spread_m for c in result.multi_body + result.same_body), default=0.0)
    line = (f"| {len(assets):,} | {result.considered:,} | {result.pairs:,} | {len(result.multi_body):,} | "
            f"{len(result.same_body):,} | {result.clustered:,} | {largest:,} | {widest:,.0f} | {ours:.1f} | "
            f"{peak_mb:,.0f} | {len(sample):,} | {base:.1f} | {scaled:,.0f} | {scaled / ours:,.0f}× | "
            f"{'yes' if same else 'NO'} |")
    table = (f"| assets | located | pairs within {args.within:g} m | clusters of several bodies | clusters of one body "
             "| assets in clusters | largest cluster | widest spread m | colocate s | colocate peak MB "
             "| brute-force sample | brute force s on sample | brute force s for all (scaled by (all ÷ sample)², "
             "estimated) | ratio | same clusters on the sample |\n"
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n" + line)
    top = result.multi_body[0] if result.multi_body else None
    note = ("" if top is None else
            f"\n\nFirst-ranked cluster: {top.count:,} assets of {top.distinct_bodies} bodies, "
            f"{top.floor_area_m2:,.0f} m² known for {top.floor_area_known:,}, spread {top.spread_m:,.0f} m.")
    print(table + note)
    if not same:
        raise SystemExit("colocate and the brute force disagree on the subsample")
    if not args.no_doc:
        record("colocate", table + note)


if __name__ == "__main__":
    main()
