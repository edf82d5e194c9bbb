"""Co-location: public buildings of different bodies close enough to share, grouped into clusters.

The list a One Public Estate partnership starts from. `colocate(assets, within_m=250)` groups the located
assets into clusters and ranks them by what they could share:

- **Distance** is the great-circle distance on a sphere of radius 6,371,008.8 m (the mean Earth radius), by
  the haversine formula, on WGS84 latitude and longitude. Against the ellipsoid it is within 0.5% (about a metre
  at 250 m), and it is the same everywhere: no projection, so nothing bends near the 0° meridian, in Shetland,
  across the antimeridian or in Northern Ireland (the British National Grid covers none of the last two).
  Two assets are within the distance when their haversine distance is **≤** `within_m` (inclusive).
- **Finding pairs.** Assets at exactly the same coordinates (a shared building, a postcode centroid) are one
  site. Each site becomes a point on the unit sphere in three dimensions; the straight-line (chord) distance is
  an exact monotone function of the great-circle distance, so a uniform 3-D grid whose cell is the chord of
  `within_m` (plus a margin of 10⁻⁷ of it) finds every pair of sites within the distance among the 27 cells
  around each site. Each candidate pair whose chord passes is then checked with the haversine distance — the
  same function, on the same numbers, as `colocate_brute_force`, which tries every pair — so the two find
  identical pairs. Work goes in chunks of sites of a bounded number of candidate pairs (memory is O(assets)
  plus a fixed chunk), in numpy.
- **Clusters are connected components (single linkage)**: if A is within the distance of B, and B of C, then
  A, B and C are one cluster even when A and C are further apart. A cluster's `spread_m` says how far apart
  its members can be: the greatest distance between any two of them (exact — found among the members on the
  cluster's convex hull in the gnomonic projection, whose straight lines are great circles).
- **What is reported**: clusters of two or more assets. `multi_body` holds those of two or more distinct
  bodies — the co-location candidates — ranked by (distinct bodies, assets, total floor area, total running
  cost), largest first; `same_body` holds clusters of one body's assets, ranked the same way. Floor area and
  running cost are totals over the members that give them, with how many do. Ties keep input order (by each
  cluster's first member in the input); members are listed in input order; cluster ids are `M1, M2, …` and
  `S1, S2, …` in rank order, so the same input gives the same result. Assets without a location (latitude or
  longitude missing or NaN) are skipped and counted; a latitude outside ±90° or a longitude outside ±180° is
  an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Hashable, Iterable, Mapping, Sequence

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
DEFAULT_WITHIN_M = 250.0
MAX_WITHIN_M = 1_000_000.0
_CHUNK_PAIRS = 2_000_000  # candidate pairs per chunk: bounds the memory of the pair search
_GRID_BITS = 21
_SMALL_CLUSTER = 24  # clusters up to this size get their spread from every pair, vectorised by size

METHOD = ("haversine distance on a sphere of radius 6,371,008.8 m, within ≤ {within_m:g} m inclusive; pairs found "
          "with a uniform 3-D grid on the unit sphere (cell = chord of the distance) and each checked by haversine; "
          "clusters are connected components of those pairs (single linkage: A–B and B–C within the distance put "
          "A, B and C in one cluster); spread is the greatest distance between two members")


@dataclass(frozen=True, slots=True)
class AssetPoint:
    """One asset: `lat`/`lon` in WGS84 degrees (None when not located); floor area and running cost None when
    unknown."""

    id: Hashable
    body_id: str
    lat: float | None
    lon: float | None
    floor_area_m2: float | None = None
    running_cost_pence: int | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any], id_key: str = "asset_id") -> "AssetPoint":
        """From a record of the store's assets (`body_id`, `lat`, `lon`, `floor_area_m2`, `running_cost_pence`)."""
        return cls(record[id_key], record["body_id"], record.get("lat"), record.get("lon"),
                   record.get("floor_area_m2"), record.get("running_cost_pence"))


@dataclass(frozen=True)
class Cluster:
    cluster_id: str  # M1, M2, … (several bodies) or S1, S2, … (one body), in rank order
    members: tuple[AssetPoint, ...]  # in input order
    bodies: tuple[str, ...]  # distinct, sorted
    count: int
    floor_area_m2: float  # total over the members that give it
    floor_area_known: int  # how many members give it
    running_cost_pence: int
    running_cost_known: int
    centroid_lat: float
    centroid_lon: float
    spread_m: float  # the greatest distance between two members

    @property
    def distinct_bodies(self) -> int:
        return len(self.bodies)

    @property
    def ids(self) -> tuple[Hashable, ...]:
        return tuple(m.id for m in self.members)


@dataclass(frozen=True)
class Colocation:
    within_m: float
    method: str
    multi_body: tuple[Cluster, ...]  # clusters of two or more bodies: the co-location candidates, ranked
    same_body: tuple[Cluster, ...]  # clusters of one body's assets, ranked the same way
    considered: int  # assets with a location
    skipped_no_location: int
    pairs: int  # pairs of assets within the distance (assets at one site count as pairs too)

    @property
    def clustered(self) -> int:
        return sum(c.count for c in self.multi_body) + sum(c.count for c in self.same_body)


# --- distances -------------------------------------------------------------------------------------------------

def _haversine(lat1: np.ndarray, lon1: np.ndarray, cos1: np.ndarray,
               lat2: np.ndarray, lon2: np.ndarray, cos2: np.ndarray) -> np.ndarray:
    """Metres between points given in radians (with the cosines of their latitudes). Bitwise symmetric in its
    two points: a-b is exactly -(b-a), taken by its absolute value, and the product of cosines commutes."""
    s_lat = np.sin(np.abs(lat2 - lat1) * 0.5)
    s_lon = np.sin(np.abs(lon2 - lon1) * 0.5)
    a = s_lat * s_lat + (cos1 * cos2) * (s_lon * s_lon)
    return (2.0 * EARTH_RADIUS_M) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance `colocate` uses, in metres, between two points in WGS84 degrees."""
    p1, l1, p2, l2 = (np.radians(np.array([v], dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))
    return float(_haversine(p1, l1, np.cos(p1), p2, l2, np.cos(p2))[0])


@dataclass
class _Points:
    """The located assets as arrays, in input order among the located."""

    index: np.ndarray  # position in the input
    lat: np.ndarray  # radians
    lon: np.ndarray
    cos: np.ndarray
    body: np.ndarray  # code into bodies
    bodies: list[str]
    area: np.ndarray  # NaN when unknown
    cost: np.ndarray  # int64
    cost_known: np.ndarray
    skipped: int

    def dist(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return _haversine(self.lat[i], self.lon[i], self.cos[i], self.lat[j], self.lon[j], self.cos[j])


def _check_within(within_m: float) -> float:
    within_m = float(within_m)
    if not (0.0 <= within_m <= MAX_WITHIN_M):
        raise ValueError(f"within_m must be between 0 and {MAX_WITHIN_M:,.0f} metres, not {within_m}")
    return within_m


def _points(assets: Sequence[AssetPoint]) -> _Points:
    nan = math.nan
    lat = np.array([nan if a.lat is None else a.lat for a in assets], dtype=np.float64)
    lon = np.array([nan if a.lon is None else a.lon for a in assets], dtype=np.float64)
    located = ~(np.isnan(lat) | np.isnan(lon))
    bad = located & ((np.abs(lat) > 90.0) | (np.abs(lon) > 180.0) | ~np.isfinite(lat) | ~np.isfinite(lon))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        a = assets[first]
        raise ValueError(f"asset {a.id!r} has latitude {a.lat}, longitude {a.lon}: not WGS84 degrees "
                         f"({int(bad.sum())} such assets)")
    index = np.flatnonzero(located)
    codes: dict[str, int] = {}
    body = np.array([codes.setdefault(assets[i].body_id, len(codes)) for i in index.tolist()], dtype=np.int64)
    area = np.array([nan if (v := assets[i].floor_area_m2) is None else v for i in index.tolist()], dtype=np.float64)
    costs = [assets[i].running_cost_pence for i in index.tolist()]
    cost_known = np.array([c is not None for c in costs], dtype=bool)
    cost = np.array([0 if c is None else c for c in costs], dtype=np.int64)
    plat, plon = np.radians(lat[index]), np.radians(lon[index])
    return _Points(index, plat, plon, np.cos(plat), body, list(codes), area, cost, cost_known,
                   len(assets) - len(index))


# --- components --------------------------------------------------------------------------------------------------

def _compress(parent: np.ndarray) -> np.ndarray:
    while True:
        up = parent[parent]
        if np.array_equal(up, parent):
            return parent
        parent = up


def _union(parent: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Join u[k] with v[k] for every k: each root hooked under a smaller root, then every path compressed (so
    the root of a component is its smallest node). `parent` must be fully compressed on entry."""
    while len(u):
        ru, rv = parent[u], parent[v]
        apart = ru != rv
        if not apart.any():
            break
        ru, rv = ru[apart], rv[apart]
        u, v = u[apart], v[apart]
        parent[np.maximum(ru, rv)] = np.minimum(ru, rv)  # roots only; where one root meets several, one wins
        parent = _compress(parent)
    return parent


# --- the pair search -------------------------------------------------------------------------------------------

def _sites(p: _Points) -> tuple[np.ndarray, np.ndarray]:
    """Points at identical coordinates as one site: (site of each point, the first point of each site)."""
    n = len(p.lat)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((p.lon, p.lat))
    lat, lon = p.lat[order], p.lon[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (lat[1:] != lat[:-1]) | (lon[1:] != lon[:-1])
    site_sorted = np.cumsum(new) - 1
    site = np.empty(n, np.int64)
    site[order] = site_sorted
    return site, order[new]


def _chunk_bounds(cost: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """Contiguous runs of sites whose candidate pairs add up to at most `budget` (one site's may exceed it: they
    are at most the number of sites)."""
    bounds, start, total = [], 0, np.cumsum(cost)
    n = len(cost)
    while start < n:
        base = total[start - 1] if start else 0
        end = int(np.searchsorted(total, base + budget, side="right"))
        end = max(end, start + 1)
        bounds.append((start, end))
        start = end
    return bounds


def _grid_components(p: _Points, reps: np.ndarray, sizes: np.ndarray, within_m: float) -> tuple[np.ndarray, int]:
    """Connected components of the sites (reps: a point of each site; sizes: its assets) under `within_m`: the
    root site of each site, and the number of pairs of assets at different sites within the distance."""
    m = len(reps)
    parent = np.arange(m, dtype=np.int64)
    if m < 2:
        return parent, 0
    lat, lon = p.lat[reps], p.lon[reps]
    cl = p.cos[reps]
    xyz = np.column_stack((cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)))
    chord = 2.0 * math.sin(min(within_m / (2.0 * EARTH_RADIUS_M), math.pi / 2))
    reach = chord * (1.0 + 1e-7) + 1e-12  # every pair within the distance has a chord below this
    low = xyz.min(axis=0)
    extent = float((xyz.max(axis=0) - low).max())
    cell = max(reach * (1.0 + 1e-9), extent / (2 ** (_GRID_BITS - 1) - 4), 1e-15)
    q = np.floor((xyz - low) / cell).astype(np.int64) + 1
    key = (q[:, 0] << (2 * _GRID_BITS)) | (q[:, 1] << _GRID_BITS) | q[:, 2]
    order = np.argsort(key, kind="stable")  # sites in cell order; `order` maps back to site numbers
    key = key[order]
    x, y, z = (np.ascontiguousarray(xyz[order, k]) for k in range(3))
    slat, slon, scos = lat[order], lon[order], cl[order]
    first = np.ones(m, dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    cells = key[starts]
    counts = np.diff(np.append(starts, m))
    cell_of = np.cumsum(first) - 1
    # the 13 neighbouring cells "after" a cell (the other 13 see it as theirs), then the cell itself
    deltas = [(dx << (2 * _GRID_BITS)) + (dy << _GRID_BITS) + dz
              for dx in (-1, 0, 1) for dy in (-1, 0, 1) for dz in (-1, 0, 1)]
    deltas = sorted(d for d in deltas if d > 0)
    neighbour = np.full((len(cells), len(deltas)), -1, dtype=np.int32)  # cells < 2³¹ (sites are)
    around = np.zeros(len(cells), dtype=np.int64)  # sites in the neighbouring cells after each cell
    for k, d in enumerate(deltas):
        at = np.searchsorted(cells, cells + d)
        hit = at < len(cells)
        hit[hit] = cells[at[hit]] == cells[hit] + d
        neighbour[hit, k] = at[hit]
        around[hit] += counts[at[hit]]
    own_end = np.repeat(starts + counts, counts)
    cost = own_end - np.arange(m) - 1 + np.repeat(around, counts)  # candidates of each site (the later ones)
    reach2 = reach * reach
    pairs = 0
    for s0, s1 in _chunk_bounds(cost, _CHUNK_PAIRS):
        pts = np.arange(s0, s1)
        own = cell_of[pts]
        nb = neighbour[own]  # (points, 13)
        valid = nb >= 0
        left = np.concatenate((pts, np.broadcast_to(pts[:, None], nb.shape)[valid]))
        rstart = np.concatenate((pts + 1, starts[nb[valid]]))
        rlen = np.concatenate((own_end[pts] - pts - 1, counts[nb[valid]]))
        keep = rlen > 0
        left, rstart, rlen = left[keep], rstart[keep], rlen[keep]
        total = int(rlen.sum())
        if total == 0:
            continue
        i = np.repeat(left, rlen)
        j = np.arange(total, dtype=np.int64) + np.repeat(rstart - (np.cumsum(rlen) - rlen), rlen)
        d2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2 + (z[i] - z[j]) ** 2
        near = d2 <= reach2
        i, j = i[near], j[near]
        within = _haversine(slat[i], slon[i], scos[i], slat[j], slon[j], scos[j]) <= within_m
        i, j = order[i[within]], order[j[within]]
        pairs += int((sizes[i] * sizes[j]).sum())
        parent = _union(parent, i, j)
    return parent, pairs


# --- the result ------------------------------------------------------------------------------------------------

def _spread_small(p: _Points, members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    out = np.zeros(len(starts))
    for s in np.unique(sizes):
        s = int(s)
        if s < 2 or s > _SMALL_CLUSTER:
            continue
        which = np.flatnonzero(sizes == s)
        iu, ju = np.triu_indices(s, 1)
        step = max(1, 2_000_000 // len(iu))
        for k in range(0, len(which), step):
            w = which[k:k + step]
            idx = members[starts[w][:, None] + np.arange(s)]
            out[w] = p.dist(idx[:, iu].ravel(), idx[:, ju].ravel()).reshape(len(w), len(iu)).max(axis=1)
    return out


def _max_pairwise(p: _Points, idx: np.ndarray) -> float:
    """The greatest distance between any two of `idx`, trying every pair (in blocks)."""
    best = 0.0
    n = len(idx)
    block = max(1, 2_000_000 // max(n, 1))
    for a in range(0, n - 1, block):
        rows = idx[a:a + block]
        i = np.repeat(rows, n)
        j = np.tile(idx, len(rows))
        best = max(best, float(p.dist(i, j).max()))
    return best


def _spread_large(p: _Points, idx: np.ndarray) -> float:
    """Exact diameter of a large cluster: the farthest pair are both vertices of the cluster's convex hull (on the
    sphere, within a hemisphere, distance from a point along a great-circle arc is greatest at an end). In the
    gnomonic projection about the centroid great circles are straight lines, so the hull is the planar hull
    there; the points extreme in 64 directions are hull vertices, and any point strictly inside their polygon is
    not, so only the others are compared pairwise."""
    lat, lon, cl = p.lat[idx], p.lon[idx], p.cos[idx]
    pts = np.column_stack((cl * np.cos(lon), cl * np.sin(lon), np.sin(lat)))
    centre = pts.sum(axis=0)
    centre /= np.linalg.norm(centre)
    w = pts @ centre
    if w.min() <= 0.1:  # not within a hemisphere's safe cap: compare every pair
        return _max_pairwise(p, idx)
    helper = np.array([0.0, 0.0, 1.0]) if abs(centre[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = np.cross(helper, centre)
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(centre, e1)
    u, v = (pts @ e1) / w, (pts @ e2) / w
    angles = np.linspace(0.0, 2 * math.pi, 64, endpoint=False)
    extreme = np.argmax(np.outer(u, np.cos(angles)) + np.outer(v, np.sin(angles)), axis=0)
    ring = [int(k) for n, k in enumerate(extreme) if n == 0 or k != extreme[n - 1]]
    if len(ring) > 1 and ring[-1] == ring[0]:
        ring.pop()
    if len(set(ring)) < 3:
        return _max_pairwise(p, idx)
    ax, ay = u[ring], v[ring]
    bx, by = np.roll(ax, -1), np.roll(ay, -1)
    scale = float(max(np.ptp(u), np.ptp(v)))
    inside = np.ones(len(idx), dtype=bool)
    for k in range(len(ring)):
        inside &= (bx[k] - ax[k]) * (v - ay[k]) - (by[k] - ay[k]) * (u - ax[k]) > 1e-9 * scale * scale
    keep = ~inside
    keep[ring] = True
    return _max_pairwise(p, idx[keep])


def _spread_naive(p: _Points, members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    return np.array([_max_pairwise(p, members[a:a + s]) for a, s in zip(starts.tolist(), sizes.tolist())])


def _spread(p: _Points, members: np.ndarray, starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    out = _spread_small(p, members, starts, sizes)
    for k in np.flatnonzero(sizes > _SMALL_CLUSTER).tolist():
        out[k] = _spread_large(p, members[starts[k]:starts[k] + sizes[k]])
    return out


def _result(assets: Sequence[AssetPoint], p: _Points, root: np.ndarray, pairs: int, within_m: float,
            naive_spread: bool = False) -> Colocation:
    """Clusters from each located point's component root (any label, one per component)."""
    n = len(root)
    members = np.argsort(root, kind="stable")  # by component, then input order
    r = root[members]
    first = np.ones(n, dtype=bool)
    first[1:] = r[1:] != r[:-1]
    starts = np.flatnonzero(first)
    sizes = np.diff(np.append(starts, n))
    keep = sizes >= 2
    starts, sizes = starts[keep], sizes[keep]
    in_cluster = np.repeat(keep, np.diff(np.append(np.flatnonzero(first), n)))
    members = members[in_cluster]
    starts = np.cumsum(sizes) - sizes
    k = len(starts)
    if k == 0:
        return Colocation(within_m, METHOD.format(within_m=within_m), (), (), n, p.skipped, pairs)
    cluster = np.repeat(np.arange(k), sizes)
    body = p.body[members]
    pair_codes = np.unique(cluster * len(p.bodies) + body)
    distinct = np.bincount(pair_codes // len(p.bodies), minlength=k)
    area = p.area[members]
    area_known = ~np.isnan(area)
    area_total = np.add.reduceat(np.where(area_known, area, 0.0), starts)
    area_count = np.add.reduceat(area_known.astype(np.int64), starts)
    cost_total = np.add.reduceat(np.where(p.cost_known[members], p.cost[members], 0), starts)
    cost_count = np.add.reduceat(p.cost_known[members].astype(np.int64), starts)
    lat, lon, cl = p.lat[members], p.lon[members], p.cos[members]
    cx = np.add.reduceat(cl * np.cos(lon), starts)
    cy = np.add.reduceat(cl * np.sin(lon), starts)
    cz = np.add.reduceat(np.sin(lat), starts)
    clat = np.degrees(np.arctan2(cz, np.hypot(cx, cy)))
    clon = np.degrees(np.arctan2(cy, cx))
    spread = (_spread_naive if naive_spread else _spread)(p, members, starts, sizes)
    # rank: distinct bodies, count, floor area, running cost (largest first); ties by first member's input place
    first_member = p.index[members[starts]]
    rank = np.lexsort((first_member, -cost_total, -area_total, -sizes, -distinct))
    bodies_of = p.bodies
    index = p.index
    multi: list[Cluster] = []
    same: list[Cluster] = []
    for c in rank.tolist():
        a, s = int(starts[c]), int(sizes[c])
        rows = members[a:a + s]
        group = multi if distinct[c] >= 2 else same
        group.append(Cluster(
            cluster_id=f"{'M' if group is multi else 'S'}{len(group) + 1}",
            members=tuple(assets[i] for i in index[rows].tolist()),
            bodies=tuple(sorted({bodies_of[b] for b in body[a:a + s].tolist()})),
            count=s,
            floor_area_m2=float(area_total[c]), floor_area_known=int(area_count[c]),
            running_cost_pence=int(cost_total[c]), running_cost_known=int(cost_count[c]),
            centroid_lat=float(clat[c]), centroid_lon=float(clon[c]), spread_m=float(spread[c])))
    return Colocation(within_m, METHOD.format(within_m=within_m), tuple(multi), tuple(same), n, p.skipped, pairs)


# --- the two ways in ---------------------------------------------------------------------------------------------

def colocate(assets: Sequence[AssetPoint], within_m: float = DEFAULT_WITHIN_M) -> Colocation:
    """Clusters of assets within `within_m` metres of one another (single linkage), ranked; see the module."""
    within_m = _check_within(within_m)
    assets = assets if isinstance(assets, Sequence) else list(assets)
    p = _points(assets)
    site, reps = _sites(p)
    sizes = np.bincount(site, minlength=len(reps))
    site_root, pairs = _grid_components(p, reps, sizes, within_m)
    pairs += int((sizes * (sizes - 1) // 2).sum())  # assets at one site
    return _result(assets, p, site_root[site], pairs, within_m)


def pairs_brute_force(assets: Sequence[AssetPoint], within_m: float = DEFAULT_WITHIN_M) -> list[tuple[int, int]]:
    """Every pair (i, j), i < j, of located assets (positions in `assets`) within `within_m`, trying every pair
    with the haversine distance. O(n²): for tests and as the benchmark's baseline."""
    within_m = _check_within(within_m)
    assets = assets if isinstance(assets, Sequence) else list(assets)
    p = _points(assets)
    i, j = _brute_pairs(p, within_m)
    return list(zip(p.index[i].tolist(), p.index[j].tolist()))


def _brute_pairs(p: _Points, within_m: float) -> tuple[np.ndarray, np.ndarray]:
    n = len(p.lat)
    found_i, found_j = [], []
    block = max(1, 4_000_000 // max(n, 1))
    for a in range(0, n - 1, block):
        b = min(n, a + block)
        rows = slice(a, b)
        d = _haversine(p.lat[rows, None], p.lon[rows, None], p.cos[rows, None],
                       p.lat[None, a + 1:], p.lon[None, a + 1:], p.cos[None, a + 1:])
        r, c = np.nonzero(d <= within_m)
        c = c + a + 1
        upper = c > r + a
        found_i.append(r[upper] + a)
        found_j.append(c[upper])
    if not found_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(found_i).astype(np.int64), np.concatenate(found_j).astype(np.int64)


def colocate_brute_force(assets: Sequence[AssetPoint], within_m: float = DEFAULT_WITHIN_M) -> Colocation:
    """`colocate` by trying every pair of assets with the haversine distance, and every pair of a cluster's
    members for its spread. O(n²): for tests and as the benchmark's baseline; the same result as `colocate`."""
    within_m = _check_within(within_m)
    assets = assets if isinstance(assets, Sequence) else list(assets)
    p = _points(assets)
    i, j = _brute_pairs(p, within_m)
    parent = _union(np.arange(len(p.lat), dtype=np.int64), i, j)
    return _result(assets, p, parent, len(i), within_m, naive_spread=True)


def points(records: Iterable[Mapping[str, Any]], id_key: str = "asset_id") -> list[AssetPoint]:
    """AssetPoints from the store's asset records."""
    return [AssetPoint.from_record(r, id_key) for r in records]
