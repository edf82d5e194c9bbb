"""Places: districts, counties, combined authorities, regions, countries, police force and fire authority areas,
NHS areas, wards and LSOAs — with their parents and populations — from the published reference files.

Read by `totalplace reference load DIR` (the project keeps no copy of the files):
  uk_local_authorities_mysociety.csv        councils of every era: codes, county, combined authority, region,
                                            population (2020), successors
  ons_LAD18_to_RGN18_England.csv            district -> region
  ons_LAD19_to_CTRY19_UK.csv                district -> country
  ons_LAD20_to_CTY20_England.csv            district -> county
  ons_LAD19_to_CAUTH19_England.csv          district -> combined authority
  ons_LAD19_to_CSP19_to_PFA19_EW.csv        district -> community safety partnership -> police force area
  ons_LAD19_to_FRA19_EW.csv                 district -> fire and rescue authority area
  ons_WD19_LAD19_CTY19_RGN19_CTRY19_UK.csv  ward -> district
  ons_LSOA11_CCG20_LAD20_England.csv        LSOA -> CCG, LSOA -> district
  ons_CCG20_to_STP20_England.csv            CCG -> STP (the ICB area from 2022)
  ons_ICB24_names_codes.csv                 ICBs
A district created after a lookup's year (North Yorkshire Council, 2023) takes each link its predecessors
agree on. Populations come from the register where it gives one; otherwise they are the sum over the area's
districts, and marked so.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

import pyarrow as pa
import pyarrow.parquet as pq

from ..store.ledger import read_rows
from .register import code_key, name_key

PLACES_FILE = "places.parquet"
LINKS_FILE = "place_links.parquet"
CODES_FILE = "place_codes.parquet"

DISTRICT_KINDS = {"NMD": "non-metropolitan district", "MD": "metropolitan district", "LBO": "London borough",
                  "UA": "unitary authority", "SCO": "Scottish council area", "WPA": "Welsh principal area",
                  "NID": "Northern Ireland district", "CC": "City of London", "COI": "Isles of Scilly"}
LOCAL_AUTHORITY_DISTRICTS = set(DISTRICT_KINDS.values())
# Parent relations a place can have, and what they are called.
RELATIONS = ("county", "combined_authority", "region", "country", "police_force_area", "fire_authority",
             "community_safety_partnership", "district", "ccg", "icb", "successor")


@dataclass
class Place:
    code: str
    name: str
    kind: str
    population: int | None = None
    population_source: str = ""
    start_date: str = ""
    end_date: str = ""
    source: str = ""


class Places:
    """Places and their links, with the questions people ask of them."""

    def __init__(self, places: Iterable[Place], links: Iterable[tuple[str, str, str]], codes: dict[str, str] | None = None):
        self.places = {p.code: p for p in places}
        self.codes = {code_key(k): v for k, v in (codes or {}).items() if v in self.places}  # older codes
        self.parents_of: dict[str, dict[str, str]] = defaultdict(dict)
        self.children_of: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for child, parent, relation in links:
            if child in self.places and parent in self.places and relation not in self.parents_of[child]:
                self.parents_of[child][relation] = parent
                if relation != "successor":
                    self.children_of[parent].append((child, relation))
        self._predecessors: dict[str, list[str]] | None = None
        self._names: dict[str, list[str]] = defaultdict(list)
        for p in self.places.values():
            if p.kind not in ("lsoa", "ward"):
                self._names[name_key(p.name)].append(p.code)

    def __len__(self) -> int:
        return len(self.places)

    def find(self, text: str) -> list[Place]:
        """Places a code or name could mean (areas before wards and LSOAs)."""
        found = self.places.get(code_key(text)) or self.places.get(self.codes.get(code_key(text), ""))
        if found:
            return [found]
        codes = self._names.get(name_key(text), [])
        return [self.places[c] for c in codes]

    def parents(self, code: str) -> dict[str, Place]:
        return {rel: self.places[p] for rel, p in self.parents_of.get(code, {}).items()}

    def children(self, code: str, kind: str | None = None) -> list[Place]:
        """The places directly inside `code` (districts of a county, LSOAs of a CCG, …), by name."""
        found = [self.places[c] for c, _ in self.children_of.get(code, []) if kind is None or self.places[c].kind == kind]
        return sorted(found, key=lambda p: p.name)

    def predecessors(self, code: str) -> list[Place]:
        """Councils this one replaced (North Yorkshire Council's eight districts and county)."""
        if self._predecessors is None:
            found: dict[str, list[str]] = defaultdict(list)
            for child, rels in self.parents_of.items():
                if "successor" in rels:
                    found[rels["successor"]].append(child)
            self._predecessors = dict(found)
        return sorted((self.places[c] for c in self._predecessors.get(code, [])), key=lambda p: p.name)

    def districts(self, code: str, current_only: bool = True) -> list[Place]:
        """The local authority districts that make up an area (a county, combined authority, region, …)."""
        place = self.places[code]
        if place.kind in LOCAL_AUTHORITY_DISTRICTS:
            return [place]
        found = [p for p in self.children(code) if p.kind in LOCAL_AUTHORITY_DISTRICTS]
        if current_only:
            found = [p for p in found if not p.end_date]
        return found

    def population(self, code: str) -> tuple[int | None, str]:
        """The population and where it comes from (the register, or the sum of the area's districts)."""
        place = self.places[code]
        if place.population is not None:
            return place.population, place.population_source
        districts = self.districts(code)
        values = [d.population for d in districts]
        if districts and all(v is not None for v in values):
            return sum(values), f"sum of its {len(districts)} districts' populations ({districts[0].population_source})"  # type: ignore[arg-type]
        return None, "not known"

    def describe(self, code: str) -> dict[str, object]:
        """Everything about a place, for people and for --json."""
        place = self.places[code]
        population, source = self.population(code)
        return {
            **asdict(place),
            "population": population,
            "population_source": source,
            "parents": {rel: {"code": p.code, "name": p.name} for rel, p in self.parents(code).items()},
            "children": {kind: len(self.children(code, kind)) for kind in sorted({self.places[c].kind for c, _ in self.children_of.get(code, [])})},
        }

    # --- persistence -------------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        rows = [asdict(p) for p in self.places.values()]
        table = pa.Table.from_pylist(rows, schema=_PLACE_SCHEMA)
        _write_atomic(table, folder / PLACES_FILE)
        links = [(c, p, r) for c, rels in self.parents_of.items() for r, p in rels.items()]
        _write_atomic(pa.table({"child": [x[0] for x in links], "parent": [x[1] for x in links],
                                "relation": [x[2] for x in links]}), folder / LINKS_FILE)
        _write_atomic(pa.table({"code": list(self.codes), "place": list(self.codes.values())}), folder / CODES_FILE)

    @classmethod
    def load(cls, folder: Path) -> "Places":
        if not (folder / PLACES_FILE).exists():
            return cls([], [])
        places = [Place(**row) for row in read_rows(folder / PLACES_FILE)]
        links = read_rows(folder / LINKS_FILE)
        codes = {x["code"]: x["place"] for x in read_rows(folder / CODES_FILE)}
        return cls(places, [(x["child"], x["parent"], x["relation"]) for x in links], codes)


_PLACE_SCHEMA = pa.schema([("code", pa.string()), ("name", pa.string()), ("kind", pa.string()),
                           ("population", pa.int64()), ("population_source", pa.string()),
                           ("start_date", pa.string()), ("end_date", pa.string()), ("source", pa.string())])


def _write_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _rows(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(f)]


def _population(text: str) -> int | None:
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def load_places(folder: Path, counts: dict[str, int]) -> Places:
    """Read every place file found in `folder` (the register must be there; the ONS lookups are optional)."""
    places: dict[str, Place] = {}
    links: list[tuple[str, str, str]] = []

    def add(code: str, name: str, kind: str, source: str, **extra: object) -> None:
        if code and code not in places:
            places[code] = Place(code=code, name=name, kind=kind, source=source, **extra)  # type: ignore[arg-type]

    def read(file: str) -> list[dict[str, str]]:
        rows = _rows(folder / file)
        if rows:
            counts[file] = len(rows)
        return rows

    register = read("uk_local_authorities_mysociety.csv")
    by_register_code = {r["local-authority-code"]: r for r in register}
    kinds = {"CTY": "county", "COMB": "combined authority", "SRA": "Greater London", **DISTRICT_KINDS}
    for r in register:
        kind = kinds.get(r.get("local-authority-type", ""), "local authority")
        add(r["gss-code"], r.get("nice-name") or r["official-name"], kind, "uk_local_authorities_mysociety.csv",
            population=_population(r.get("pop-2020", "")),
            population_source="mySociety register, 2020" if _population(r.get("pop-2020", "")) is not None else "",
            start_date=r.get("start-date", ""), end_date=r.get("end-date", ""))
    regions: dict[str, str] = {}
    for r in read("ons_LAD18_to_RGN18_England.csv"):
        add(r["RGN18CD"], r["RGN18NM"], "region", "ons_LAD18_to_RGN18_England.csv")
        links.append((r["LAD18CD"], r["RGN18CD"], "region"))
        regions[name_key(r["RGN18NM"])] = r["RGN18CD"]
    for r in read("ons_LAD19_to_CTRY19_UK.csv"):
        add(r["CTRY19CD"], r["CTRY19NM"], "country", "ons_LAD19_to_CTRY19_UK.csv")
        links.append((r["LAD19CD"], r["CTRY19CD"], "country"))
    for r in read("ons_LAD20_to_CTY20_England.csv"):
        add(r["CTY20CD"], r["CTY20NM"], "county", "ons_LAD20_to_CTY20_England.csv")
        links.append((r["LAD20CD"], r["CTY20CD"], "county"))
    for r in read("ons_LAD19_to_CAUTH19_England.csv"):
        add(r["CAUTH19CD"], r["CAUTH19NM"], "combined authority", "ons_LAD19_to_CAUTH19_England.csv")
        links.append((r["LAD19CD"], r["CAUTH19CD"], "combined_authority"))
    for r in read("ons_LAD19_to_CSP19_to_PFA19_EW.csv"):
        add(r["PFA19CD"], r["PFA19NM"], "police force area", "ons_LAD19_to_CSP19_to_PFA19_EW.csv")
        add(r["CSP19CD"], r["CSP19NM"], "community safety partnership", "ons_LAD19_to_CSP19_to_PFA19_EW.csv")
        links.append((r["LAD19CD"], r["PFA19CD"], "police_force_area"))
        links.append((r["LAD19CD"], r["CSP19CD"], "community_safety_partnership"))
        links.append((r["CSP19CD"], r["PFA19CD"], "police_force_area"))
    for r in read("ons_LAD19_to_FRA19_EW.csv"):
        add(r["FRA19CD"], r["FRA19NM"], "fire and rescue authority area", "ons_LAD19_to_FRA19_EW.csv")
        links.append((r["LAD19CD"], r["FRA19CD"], "fire_authority"))
    icb_by_short_code: dict[str, str] = {}
    for r in read("ons_ICB24_names_codes.csv"):
        add(r["ICB24CD"], r["ICB24NM"], "integrated care board area", "ons_ICB24_names_codes.csv")
        icb_by_short_code[r.get("ICB24CDH", "")] = r["ICB24CD"]
    for r in read("ons_CCG20_to_STP20_England.csv"):
        add(r["CCG20CD"], r["CCG20NM"], "clinical commissioning group area", "ons_CCG20_to_STP20_England.csv",
            end_date="2022-07-01")
        # the 2020 partnership became the ICB with the same short code (QOP: Greater Manchester)
        icb = icb_by_short_code.get(r.get("STP20CDH", ""))
        if icb is None:
            icb = r["STP20CD"]
            add(icb, r["STP20NM"], "integrated care board area", "ons_CCG20_to_STP20_England.csv")
        links.append((r["CCG20CD"], icb, "icb"))
    for r in read("ons_WD19_LAD19_CTY19_RGN19_CTRY19_UK.csv"):
        add(r["WD19CD"], r["WD19NM"], "ward", "ons_WD19_LAD19_CTY19_RGN19_CTRY19_UK.csv")
        links.append((r["WD19CD"], r["LAD19CD"], "district"))
    for r in read("ons_LSOA11_CCG20_LAD20_England.csv"):
        add(r["LSOA11CD"], r["LSOA11NM"], "lsoa", "ons_LSOA11_CCG20_LAD20_England.csv")
        links.append((r["LSOA11CD"], r["CCG20CD"], "ccg"))
        links.append((r["LSOA11CD"], r["LAD20CD"], "district"))

    # The register's own links: county, combined authority, region by name, and successors.
    for r in register:
        code = r["gss-code"]
        county = by_register_code.get(r.get("county-la", ""))
        if county:
            links.append((code, county["gss-code"], "county"))
        authority = by_register_code.get(r.get("combined-authority", ""))
        if authority:
            links.append((code, authority["gss-code"], "combined_authority"))
        region = regions.get(name_key(r.get("region", "")))
        if region:
            links.append((code, region, "region"))
        successor = by_register_code.get(r.get("replaced-by", ""))
        if successor:
            links.append((code, successor["gss-code"], "successor"))
    links = _inherit_from_predecessors(places, links)
    links += _health_areas_of_districts(places, links)
    codes: dict[str, str] = {}
    for r in register:  # the codes a council went by before GSS codes: SNAC ('00DA'), E-codes, its register code
        for key in ("snac", "old-ons-la-code", "ecode", "local-authority-code"):
            value = r.get(key, "")
            if value and not value.isdigit():
                codes[value] = r["gss-code"]
        for former in r.get("former-gss-codes", "").split(","):
            if former.strip():
                codes[former.strip()] = r["gss-code"]
    return Places(places.values(), links, codes)


def _health_areas_of_districts(places: dict[str, Place], links: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A district's CCG and ICB: those holding most of its LSOAs (a district split between two is rare)."""
    ccg_of = {c: p for c, p, r in links if r == "ccg"}
    icb_of = {c: p for c, p, r in links if r == "icb"}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for child, parent, relation in links:
        if relation == "district" and places.get(child) and places[child].kind == "lsoa" and child in ccg_of:
            counts[parent][ccg_of[child]] += 1
    added = []
    for district, by_ccg in counts.items():
        ccg = max(by_ccg.items(), key=lambda kv: kv[1])[0]
        added.append((district, ccg, "ccg"))
        if ccg in icb_of:
            added.append((district, icb_of[ccg], "icb"))
    return added


def _inherit_from_predecessors(places: dict[str, Place], links: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """A council created after a lookup's year takes each link its predecessors all share."""
    parents: dict[str, dict[str, str]] = defaultdict(dict)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for child, parent, relation in links:
        if relation == "successor":
            predecessors[parent].append(child)
        elif relation not in parents[child]:
            parents[child][relation] = parent
    added: list[tuple[str, str, str]] = []
    for successor, olds in predecessors.items():
        for relation in ("police_force_area", "fire_authority", "country", "region", "combined_authority"):
            if relation in parents.get(successor, {}):
                continue
            found = {parents[old][relation] for old in olds if relation in parents.get(old, {})}
            if len(found) == 1:  # the predecessors that have this link all agree
                added.append((successor, found.pop(), relation))
    return links + added
