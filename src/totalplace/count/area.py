"""Where a place and a body's area lie, as districts that existed in the year, and the driver that shares
money between them.

Every area is taken down to local authority districts as they stood on the first day of the financial year
(Cumbria's six districts in 2017-18, though they were abolished in 2023). A body's share of spending in a
place is the driver's value over the districts the place and the body's area have in common, divided by its
value over the body's whole area.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..reference.places import LOCAL_AUTHORITY_DISTRICTS, Place, Places
from .year import FinancialYear


class DriverError(ValueError):
    """A driver table that cannot be used."""


def districts_in_year(places: Places, code: str, year: FinancialYear) -> list[str]:
    """The codes of the districts that made up `code` on the first day of `year`.

    The lookups link areas to the districts of their own year, so a district created later (East Suffolk, 2019)
    stands for the districts it replaced (Suffolk Coastal and Waveney) in earlier years. A county keeps only
    districts of its own region: the register's one known slip (Forest Heath, a Suffolk district, given Surrey's
    county code) is not followed."""
    place = places.places[code]
    day = year.first_day.isoformat()

    def existed(p: Place) -> bool:
        return (not p.start_date or p.start_date <= day) and (not p.end_date or p.end_date > day)

    def then(p: Place, depth: int = 0) -> list[str]:
        if existed(p):
            return [p.code]
        if depth > 3 or (p.start_date and p.start_date <= day):
            return []
        return [c for q in places.predecessors(p.code) if q.kind in LOCAL_AUTHORITY_DISTRICTS for c in then(q, depth + 1)]

    if place.kind in LOCAL_AUTHORITY_DISTRICTS:
        found = then(place)
    else:
        found = [c for p in places.districts(code, current_only=False) for c in then(p)]
    found = sorted(set(found))
    if place.kind == "county" and found:
        regions = [places.parents_of.get(d, {}).get("region") for d in found]
        usual = max(set(r for r in regions if r), key=regions.count, default=None)
        found = [d for d, r in zip(found, regions) if r is None or r == usual]
    return found


@dataclass
class Units:
    """What money is shared between: districts, or groups of districts that share one driver value."""

    weights: dict[str, Fraction]  # unit -> driver value
    members: dict[str, list[str]]  # unit -> its districts


@dataclass
class Driver:
    """Values per district by which money is shared (population by default), optionally per COFOG division."""

    name: str
    source: str
    values: dict[str, Fraction]  # district code -> value, for every function
    by_function: dict[str, dict[str, Fraction]] = field(default_factory=dict)  # division -> district -> value
    table: str = ""  # the user's table the by-function values come from

    def units(self, districts: list[str], places: Places, cofog: str | None = None) -> "Units | None":
        """The driver's values over these districts, as units to share between. A district that had ended by the
        driver's year (Aylesbury Vale, 2020) has no value of its own: it is taken together with the others its
        successor replaced (Buckinghamshire's four districts) under the successor's value, when they are all in
        `districts`. None if a value is still missing — nothing is filled in."""
        table = self.by_function.get(cofog or "", self.values)
        weights: dict[str, Fraction] = {}
        members: dict[str, list[str]] = {}
        wanted = set(districts)
        for d in districts:
            if d in table:
                weights[d], members[d] = table[d], [d]
                continue
            successor = places.parents_of.get(d, {}).get("successor", "")
            if successor not in table:
                return None
            together = [p.code for p in places.predecessors(successor) if p.kind in LOCAL_AUTHORITY_DISTRICTS]
            if not set(together) <= wanted:
                return None
            weights[successor] = table[successor]
            members[successor] = sorted(together)
        if sum(weights.values()) <= 0:
            return None
        return Units(weights, members)

    def missing(self, districts: list[str], places: Places, cofog: str | None = None) -> list[str]:
        table = self.by_function.get(cofog or "", self.values)
        return [d for d in districts if d not in table
                and places.parents_of.get(d, {}).get("successor", "") not in table]

    def describe(self, cofog: str | None = None) -> str:
        if cofog and cofog in self.by_function:
            return f"{Path(self.table).stem} for {cofog} ({self.table})"
        return f"{self.name} ({self.source})"


def population_driver(places: Places) -> Driver:
    """Each district's population as the register gives it (mid-2020: the only year the register holds)."""
    values = {p.code: Fraction(p.population) for p in places.places.values()
              if p.kind in LOCAL_AUTHORITY_DISTRICTS and p.population is not None}
    sources = {p.population_source for p in places.places.values() if p.population is not None}
    return Driver("population", ", ".join(sorted(sources)) or "no populations loaded", values)


def read_driver(path: str | Path, places: Places, base: Driver) -> Driver:
    """A user's driver table: a CSV with columns `code` (a district's GSS code), `value`, and optionally `cofog`
    (a division such as 07, for a driver used for that function only; blank for all functions). Functions the
    table gives no rows for keep the population driver; where it has rows it must cover every district of an
    area shared by it."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = [h.strip().lower() for h in (reader.fieldnames or [])]
            if "code" not in header or "value" not in header:
                raise DriverError(f"{path}: a driver table needs columns 'code' and 'value' (and may have 'cofog'); "
                                  f"it has {', '.join(header) or 'no header'}.")
            rows = [{k.strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    except OSError as exc:
        raise DriverError(f"{path}: cannot be read ({exc.strerror}).") from exc
    except UnicodeDecodeError:
        raise DriverError(f"{path}: is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
    for_all: dict[str, Fraction] = {}
    by_function: dict[str, dict[str, Fraction]] = {}
    for number, row in enumerate(rows, start=2):
        code = row["code"]
        if code not in places.places or places.places[code].kind not in LOCAL_AUTHORITY_DISTRICTS:
            raise DriverError(f"{path}, row {number}, column code: '{code}' is not a district's GSS code; "
                              "drivers are given per district (E07..., E08..., E06..., E09...).")
        try:
            value = Fraction(row["value"].replace(",", ""))
        except (ValueError, ZeroDivisionError):
            raise DriverError(f"{path}, row {number}, column value: '{row['value']}' is not a number.") from None
        if value < 0:
            raise DriverError(f"{path}, row {number}, column value: a driver cannot be negative ({row['value']}).")
        cofog = row.get("cofog", "")
        if cofog:
            cofog = cofog.zfill(2) if cofog.isdigit() else cofog
            by_function.setdefault(cofog, {})[code] = value
        else:
            for_all[code] = value
    # A table is used whole, never mixed with population (its values may be in other units): a figure whose area
    # has a district the table leaves out cannot be shared, and the count says so.
    if for_all:
        return Driver(path.stem, path.name, for_all, by_function, path.name)
    return Driver(base.name, base.source, base.values, by_function, path.name)
